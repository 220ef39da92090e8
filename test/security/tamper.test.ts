/**
 * Checkpoint tampering, local store. A real plan runs with `waveplan run` in a temporary repository;
 * its checkpoints are then forged in one way per case and judged two ways:
 *   - strictly, through the gate (engine/gate.ts → checkpoint/verify.ts) exactly as a downstream task
 *     or the final step sees them: rejected, naming the task and the reason;
 *   - through `waveplan run --resume`: a checkpoint that fails verification is not trusted but re-run
 *     (the resume semantics), nothing lands while the run fails, and the final tree is the honest one.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LocalCheckpointStore } from "../../src/checkpoint/local-store.js";
import { CheckpointError, type VerifiedCheckpoint } from "../../src/checkpoint/verify.js";
import type { RunContext } from "../../src/engine/context.js";
import { GateError, gate } from "../../src/engine/gate.js";
import { planHash } from "../../src/plan/hash.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";
import type { Plan } from "../../src/plan/model.js";
import { cli, git, makeRepo, requireBundle, tempDir, writeFiles } from "../support/repo.js";

// sandbox: off — task D waits for a file the test creates next to the repository (under the host's
// /tmp, which the sandbox hides); what is tested here is the gate, not the sandbox
const plan = (gateScript: string) => `version: 1
name: Tamper target
sandbox: off
instances:
  I1: { role: Writer }
  I2: { role: Second writer }
  I3: { role: Finisher }
waves:
  - id: W1
    tasks:
      - id: A
        instance: I1
        run: |
          echo "from A" > a.txt
          mkdir -p report && echo "A report" > report/a.txt
        outputs: [report/a.txt]
      - id: B
        instance: I2
        run: echo "from B" > b.txt
  - id: W2
    tasks:
      - id: C
        instance: I3
        run: cat a.txt b.txt > c.txt
  - id: W3
    tasks:
      - id: D
        instance: I1
        run: |
          ${gateScript}
          echo done > d.txt
`;

const PLAN = plan('test -f "$WAVEPLAN_ALLOW" || { echo "not allowed yet"; exit 3; }');

let repo: string;
let runId: string;
let pristine: string;
let parsed: Plan;
let base: string;

function runDir(): string {
  return join(repo, ".waveplan/runs", runId);
}

function events(): { type: string; task?: string }[] {
  return readFileSync(join(runDir(), "events.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

/** A fresh copy of the checkpoints of the (failed) first run, to forge. */
function forgeable(): string {
  const dir = join(tempDir("waveplan-forge-"), "checkpoints");
  cpSync(pristine, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: forging means writing whatever the record's shape allows
function editJson(file: string, edit: (r: Record<string, any>) => void): void {
  const r = JSON.parse(readFileSync(file, "utf8"));
  edit(r);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
}

/** The gate of task D (upstream A, B, C) over the given checkpoint folder. */
async function gateD(checkpoints: string, p: Plan = parsed, id = runId): Promise<VerifiedCheckpoint[]> {
  const ctx: RunContext = {
    plan: p,
    planHash: planHash(p),
    runId: id,
    attempt: 1,
    base,
    repoDir: repo,
    store: new LocalCheckpointStore(checkpoints),
    logDir: tempDir(),
    scratchDir: tempDir(),
    env: {},
    strictPlanHash: false,
    verified: new Map(),
  };
  return gate(ctx, p.tasks.find((t) => t.id === "D") as Plan["tasks"][number]);
}

async function rejection(checkpoints: string, p?: Plan, id?: string): Promise<{ task?: string; message: string }> {
  try {
    await gateD(checkpoints, p, id);
  } catch (e) {
    if (e instanceof CheckpointError) return { task: e.taskId, message: e.message };
    if (e instanceof GateError) return { message: e.message };
    throw e;
  }
  throw new Error("the forged checkpoints passed the gate");
}

beforeAll(async () => {
  requireBundle();
  repo = makeRepo({ "README.md": "tamper test\n" });
  writeFiles(repo, { "plan.yml": PLAN });
  git(repo, "add", "plan.yml");
  git(repo, "commit", "-q", "-m", "plan");
  base = git(repo, "rev-parse", "HEAD");
  // D fails until allowed: the run stops with verified checkpoints for A, B and C and lands nothing
  const r = await cli(repo, ["run", "plan.yml"], { WAVEPLAN_ALLOW: join(repo, "..", "allow") });
  expect(r.code, r.stdout + r.stderr).toBe(1);
  runId = readdirSync(join(repo, ".waveplan/runs"))[0];
  pristine = join(tempDir("waveplan-pristine-"), "checkpoints");
  cpSync(join(runDir(), "checkpoints"), pristine, { recursive: true });
  parsed = requirePlan(checkPlan(PLAN, "plan.yml")).plan;
}, 120_000);

let rejected = 0;

describe("forged checkpoints at the gate: rejected, naming the task and the reason", () => {
  it("the untouched checkpoints pass (so each rejection below is caused by its forgery)", async () => {
    const verified = await gateD(forgeable());
    expect(verified.map((v) => v.record.task.id)).toEqual(["A", "B", "C"]);
  });

  const cases: [string, (dir: string) => void, string | undefined, RegExp][] = [
    [
      "an edited patch",
      (d) => writeFileSync(join(d, "A/change.patch"), `${readFileSync(join(d, "A/change.patch"), "utf8")}\n`),
      "A",
      /change\.patch does not match the sha256/,
    ],
    [
      "an edited patch with the record's sha256 updated to match",
      (d) => {
        const patch = readFileSync(join(d, "A/change.patch"), "utf8").replace("from A", "from Mallory");
        writeFileSync(join(d, "A/change.patch"), patch);
        const sha = createHash("sha256").update(patch).digest("hex");
        editJson(join(d, "A/record.json"), (r) => {
          r.patch.sha256 = sha;
        });
      },
      "C",
      /upstream checkpoint of task "A" is not the one it was built on/,
    ],
    ["an edited record (status)", (d) => editJson(join(d, "B/record.json"), (r) => (r.status = "failure")), "B", /task failed/],
    [
      "an edited record (timing only)",
      (d) => editJson(join(d, "A/record.json"), (r) => (r.durationMs += 1)),
      "C",
      /upstream checkpoint of task "A"/,
    ],
    [
      "an edited output",
      (d) => writeFileSync(join(d, "A/outputs/report/a.txt"), "forged\n"),
      "A",
      /output report\/a\.txt does not match its sha256/,
    ],
    [
      "a duplicated checkpoint (A's in B's place)",
      (d) => {
        rmSync(join(d, "B"), { recursive: true });
        cpSync(join(d, "A"), join(d, "B"), { recursive: true });
      },
      "B",
      /record is for task "A"/,
    ],
    [
      "a missing checkpoint",
      (d) => rmSync(join(d, "C"), { recursive: true }),
      undefined,
      /upstream task "C" has no checkpoint in this run/,
    ],
    ["a missing patch", (d) => rmSync(join(d, "B/change.patch")), "B", /change\.patch is missing/],
    [
      "an unexpected file in outputs/",
      (d) => writeFileSync(join(d, "A/outputs/extra.txt"), "x"),
      "A",
      /unexpected file outputs\/extra\.txt/,
    ],
    [
      "an output path with ../ in the record",
      (d) => editJson(join(d, "A/record.json"), (r) => (r.outputs[0].path = "../../../etc/passwd")),
      "A",
      /output path "\.\.\/\.\.\/\.\.\/etc\/passwd" escapes the checkpoint/,
    ],
    [
      "an absolute output path in the record",
      (d) => editJson(join(d, "A/record.json"), (r) => (r.outputs[0].path = "/etc/passwd")),
      "A",
      /output path "\/etc\/passwd" escapes the checkpoint/,
    ],
    [
      "a symlink in outputs/ pointing outside",
      (d) => {
        const outside = join(tempDir(), "outside.txt");
        writeFileSync(outside, "A report\n"); // same bytes: only the link itself gives it away
        rmSync(join(d, "A/outputs/report/a.txt"));
        symlinkSync(outside, join(d, "A/outputs/report/a.txt"));
      },
      "A",
      /outputs\/report\/a\.txt is a symbolic link/,
    ],
    [
      "outputs/ itself a symlink to a folder outside",
      (d) => {
        const outside = tempDir();
        cpSync(join(d, "A/outputs"), outside, { recursive: true });
        rmSync(join(d, "A/outputs"), { recursive: true });
        symlinkSync(outside, join(d, "A/outputs"));
      },
      "A",
      /outputs is a symbolic link/,
    ],
    [
      "record.json a symlink to another checkpoint's record",
      (d) => {
        rmSync(join(d, "B/record.json"));
        symlinkSync(join(d, "A/record.json"), join(d, "B/record.json"));
      },
      "B",
      /record\.json is a symbolic link/,
    ],
    [
      "a record with an upstream list that is not a list",
      (d) => editJson(join(d, "C/record.json"), (r) => (r.upstream = "A,B")),
      "C",
      /record\.json is malformed: upstream/,
    ],
    ["a record that is not JSON", (d) => writeFileSync(join(d, "C/record.json"), "{ nope"), "C", /record\.json is not valid JSON/],
  ];

  it.each(cases)("%s", async (_name, forge, task, reason) => {
    const dir = forgeable();
    forge(dir);
    const r = await rejection(dir);
    if (task) expect(r.task, r.message).toBe(task);
    if (task) expect(r.message).toContain(`checkpoint of task "${task}" rejected`);
    else expect(r.message).toContain('"D"');
    expect(r.message).toMatch(reason);
    rejected++;
  });

  it("a checkpoint from another run is rejected", async () => {
    const r = await rejection(forgeable(), parsed, "20990101-000000-other");
    expect(r.task).toBe("A");
    expect(r.message).toMatch(/record comes from another run/);
    rejected++;
  });

  it("a checkpoint from another version of the plan (task hash) is rejected", async () => {
    const changed = requirePlan(checkPlan(PLAN.replace('echo "from A"', 'echo "from A, version 2"'), "plan.yml")).plan;
    const r = await rejection(forgeable(), changed);
    expect(r.task).toBe("A");
    expect(r.message).toMatch(/the task's definition changed since this checkpoint was made/);
    rejected++;
  });

  it(`counted every case (${cases.length + 2})`, () => {
    expect(rejected).toBe(cases.length + 2);
  });
});

describe("forged checkpoints on --resume: re-run, never trusted, nothing lands until all pass", () => {
  const allow = () => join(repo, "..", "allow");

  async function resume(expectCode: number): Promise<{ started: string[]; skipped: string[] }> {
    const before = events().length;
    const r = await cli(repo, ["run", "plan.yml", "--resume"], { WAVEPLAN_ALLOW: allow() });
    expect(r.code, r.stdout + r.stderr).toBe(expectCode);
    const fresh = events().slice(before);
    return {
      started: fresh.filter((e) => e.type === "task-start").map((e) => e.task as string),
      skipped: fresh.filter((e) => e.type === "task-skip").map((e) => e.task as string),
    };
  }

  it("each forged checkpoint makes its task run again; the repository is untouched while the run fails", async () => {
    const cp = join(runDir(), "checkpoints");
    const head = git(repo, "rev-parse", "HEAD");
    const forgeries: [string, () => void][] = [
      ["edited patch of A", () => writeFileSync(join(cp, "A/change.patch"), "diff --git a/evil b/evil\n")],
      [
        "extra file in B's outputs",
        () => {
          mkdirSync(join(cp, "B/outputs"), { recursive: true });
          writeFileSync(join(cp, "B/outputs/evil.sh"), "rm -rf /");
        },
      ],
      [
        "symlink in A's outputs",
        () => {
          rmSync(join(cp, "A/outputs/report/a.txt"));
          symlinkSync("/etc/hostname", join(cp, "A/outputs/report/a.txt"));
        },
      ],
    ];
    for (const [name, forge] of forgeries) {
      forge();
      const task = name.includes(" of A") || name.includes("A's") ? "A" : "B";
      const { started, skipped } = await resume(1);
      expect(started, name).toContain(task);
      expect(skipped, name).not.toContain(task);
      expect(git(repo, "rev-parse", "HEAD"), name).toBe(head);
      expect(git(repo, "status", "--porcelain"), name).toBe("");
    }
  }, 120_000);

  it("once D may run, the resumed run lands exactly the honest change", async () => {
    writeFileSync(allow(), "");
    const { started, skipped } = await resume(0);
    expect(started).toEqual(["D"]);
    expect(skipped.sort()).toEqual(["A", "B", "C"]);
    expect(git(repo, "show", "HEAD:a.txt")).toBe("from A");
    expect(git(repo, "show", "HEAD:c.txt")).toBe("from A\nfrom B");
    expect(git(repo, "ls-tree", "-r", "--name-only", "HEAD").split("\n").sort()).toEqual(
      ["README.md", "a.txt", "b.txt", "c.txt", "d.txt", "plan.yml", "report/a.txt"].sort(),
    );
  }, 120_000);
});
