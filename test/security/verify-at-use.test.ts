/**
 * Verify at the moment of use (issue 24, cases 1 and 7): a task that rewrites another task's
 * checkpoint under .waveplan/runs/<run>/checkpoints/ — after it was verified, or consistently (patch
 * and the digest in record.json) before — gets nothing landed, reused or applied. Real runs with the
 * real CLI; the forging is done by the tasks themselves, as an agent could.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, git, makeRepo, requireBundle, tempDir, writeFiles } from "../support/repo.js";

const SECRET = "sk-verify-at-use-5d1c9e0b7a";

const forgers = new Map<string, string>();
/** Bash that runs the forger `js` (node, from a file of the test) on the checkpoint folder of task A. */
function forge(js: string): string {
  let file = forgers.get(js);
  if (!file) {
    file = join(tempDir("waveplan-forger-"), "forge.cjs");
    writeFileSync(file, js);
    forgers.set(js, file);
  }
  return `node "${file}" "../../runs/$WAVEPLAN_RUN/checkpoints/A"`;
}

/** A hunk that adds evil.txt holding the secret, appended to A's patch. */
const APPEND = `const fs = require("fs"); const p = process.argv[2] + "/change.patch";
fs.appendFileSync(p, "diff --git a/evil.txt b/evil.txt\\nnew file mode 100644\\nindex 0000000..1111111\\n--- /dev/null\\n+++ b/evil.txt\\n@@ -0,0 +1 @@\\n+" + process.env.S + "\\n");`;

/** The same, and record.json's patch sha256 updated to match: a consistent forgery. */
const REWRITE = `${APPEND}
const crypto = require("crypto"); const r = process.argv[2] + "/record.json";
const rec = JSON.parse(fs.readFileSync(r, "utf8"));
rec.patch.sha256 = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
rec.patch.files.push("evil.txt");
fs.writeFileSync(r, JSON.stringify(rec, null, 2) + "\\n");`;

function planYaml(waves: string): string {
  // sandbox: off — the sandbox keeps .waveplan/ out of a task's reach by construction; these cases
  // test what holds without it (verified bytes at use, the run's ledger)
  return `version: 1
name: verify at use
sandbox: off
agent:
  command: cat
  secrets: [S]
instances:
  I1: { role: Writer }
waves:
${waves}`;
}

let keys: string;
beforeAll(() => {
  requireBundle();
  // run keys go to a state folder of the test's own, not the user's
  keys = tempDir("waveplan-state-");
});

async function runPlan(repo: string, yaml: string, args: string[] = [], env: Record<string, string> = {}) {
  writeFiles(join(repo, ".."), { "plan.yml": yaml });
  return cli(repo, ["run", "../plan.yml", ...args], { XDG_STATE_HOME: keys, S: "not-the-secret-yet", ...env });
}

function expectUntouched(repo: string, base: string) {
  expect(git(repo, "rev-parse", "HEAD")).toBe(base);
  expect(git(repo, "status", "--porcelain")).toBe("");
  expect(existsSync(join(repo, "evil.txt"))).toBe(false);
}

describe("a checkpoint rewritten by a later or parallel task", () => {
  it("case 1: a hunk appended to an earlier task's verified patch is refused at landing; nothing lands", async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const r = await runPlan(
      repo,
      planYaml(`  - id: W1
    tasks:
      - { id: A, instance: I1, run: "echo from A > a.txt" }
  - id: W2
    tasks:
      - id: B
        instance: I1
        run: |
          ${forge(APPEND)}
          echo from B > b.txt
`),
      [],
      { S: SECRET },
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/checkpoint of task "A" rejected: change\.patch changed after the checkpoint was verified/);
    expectUntouched(repo, base);
  }, 120_000);

  it("case 1: a parallel sibling rewriting patch and record consistently before the wave is verified is refused", async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const r = await runPlan(
      repo,
      planYaml(`  - id: W1
    tasks:
      - { id: A, instance: I1, run: "echo from A > a.txt" }
      - id: B
        instance: I1
        run: |
          # wait for A's checkpoint to be published (an event, not a time)
          until [ -f "../../runs/$WAVEPLAN_RUN/checkpoints/A/record.json" ]; do sleep 0.05; done
          ${forge(REWRITE)}
          echo from B > b.txt
`),
      [],
      { S: SECRET },
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/checkpoint of task "A" rejected: record\.json is not the one waveplan wrote for this task/);
    expectUntouched(repo, base);
  }, 120_000);
});

describe("case 7: --resume and a checkpoint rewritten consistently by a task of the failed run", () => {
  it("is not reused: the task runs again and only the honest change lands", async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const allow = join(tempDir(), "allow");
    const yaml = planYaml(`  - id: W1
    tasks:
      - { id: A, instance: I1, run: "echo from A > a.txt" }
  - id: W2
    tasks:
      - id: B
        instance: I1
        run: |
          if [ ! -f "$ALLOW" ]; then
            ${forge(REWRITE)}
            exit 3
          fi
          echo from B > b.txt
`);
    const first = await runPlan(repo, yaml, [], { ALLOW: allow });
    expect(first.code, first.stdout + first.stderr).toBe(1);
    expect(first.stderr).toContain('task "B" (I1) failed');
    expectUntouched(repo, base);

    writeFiles(join(allow, ".."), { allow: "" });
    const resumed = await runPlan(repo, yaml, ["--resume"], { ALLOW: allow });
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const runId = readdirSync(join(repo, ".waveplan/runs"))[0];
    const events = readFileSync(join(repo, ".waveplan/runs", runId, "events.jsonl"), "utf8")
      .trim()
      .split("\n");
    const last = events.slice(events.findLastIndex((l) => l.includes('"run-start"'))).map((l) => JSON.parse(l));
    expect(last.filter((e) => e.type === "task-start").map((e) => e.task)).toEqual(["A", "B"]);
    expect(git(repo, "ls-tree", "-r", "--name-only", "HEAD").split("\n").sort()).toEqual(["README.md", "a.txt", "b.txt"]);
    expect(git(repo, "show", "HEAD:a.txt")).toBe("from A");
  }, 120_000);
});
