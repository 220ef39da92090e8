/**
 * The CLI as users run it: the ncc bundle behind bin/waveplan.js, spawned as a process, judged by
 * exit code (0 ok, 1 plan/run failed, 2 usage) and by what it prints.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { requireBundle } from "../support/repo.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const plan = (name: string) => join(ROOT, "test/fixtures/plans", name);

function waveplan(...args: string[]) {
  const r = spawnSync("node", [join(ROOT, "bin/waveplan.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, WAVEPLAN_DEBUG: "" },
  });
  // whatever happened, a user never sees a stack trace
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// the global setup (test/global-setup.ts) has built dist/ from the current src/
beforeAll(requireBundle);

describe("help and usage", () => {
  it("--help lists the commands and exits 0", () => {
    const r = waveplan("--help");
    expect(r.code).toBe(0);
    for (const cmd of ["validate", "stats", "graph", "prompts"]) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd} `, "m"));
  });

  it.each([
    ["stats", ["--json", "--job-overhead"]],
    ["graph", ["--format"]],
    ["prompts", ["--instance", "--json"]],
  ])("%s --help shows its options", (cmd, options) => {
    const r = waveplan(cmd, "--help");
    expect(r.code).toBe(0);
    for (const o of options) expect(r.stdout).toContain(o);
  });

  it("an unknown command or a missing argument is a usage error (exit 2)", () => {
    expect(waveplan("stat", plan("small.yml")).code).toBe(2);
    const r = waveplan("graph");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing required argument 'plan'");
  });
});

describe("stats", () => {
  it("prints aligned instance and wave tables and the totals", () => {
    const r = waveplan("stats", plan("small.yml"), "--job-overhead", "25s");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines.find((l) => l.startsWith("Instance"))!;
    expect(header).toMatch(/Role +Focus +Active Waves +Tasks +Busy +Utilization$/);
    // right-aligned utilization: every row ends where the header ends
    const rows = lines.filter((l) => /^I\d /.test(l));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.length).toBe(header.length);
    expect(rows[2]).toMatch(/^I3 +Backend Developer +W1–W3 +3 +40m +65%$/);
    expect(lines).toContainEqual(expect.stringMatching(/^W2 +Migration +sequential +3 +I1→I2→I3 +30m$/));
    expect(r.stdout).toContain("critical path 1h2m vs sequential 1h32m = 1.5x speedup\n");
    expect(r.stdout).toContain("GitHub pipeline ≈ 1h5m (with 25s start-up per job on the critical path)");
  });

  it("--json prints one object with instances, waves and totals", () => {
    const r = waveplan("stats", plan("small.yml"), "--json", "--job-overhead", "1m");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.plan).toBe("Authentication integration");
    expect(json.totals).toMatchObject({
      criticalPathMs: 3_720_000,
      sequentialMs: 5_520_000,
      jobOverheadMs: 60_000,
      pipelineMs: 3_720_000 + 8 * 60_000,
    });
    expect(json.instances[3]).toEqual({
      id: "I4",
      role: "Test Engineer",
      focus: "Tests",
      waves: ["W3"],
      tasks: 1,
      busyMs: 1_200_000,
      utilization: 1_200_000 / 3_720_000,
    });
    expect(json.waves.map((w: { id: string }) => w.id)).toEqual(["W0", "W1", "W2", "W3"]);
  });

  it("rejects a job overhead that is not a duration (exit 2)", () => {
    const r = waveplan("stats", plan("small.yml"), "--job-overhead", "25 seconds");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --job-overhead: "25 seconds" is not a duration (write it like 25s, 1m or 1m30s)\n`);
  });
});

describe("graph", () => {
  it("prints the text timeline by default", () => {
    const r = waveplan("graph", plan("small.yml"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("W2: Migration (30m) │ SEQUENTIAL │ I1→I2→I3\n");
    expect(r.stdout).toContain("\n  ↓\n");
  });

  it("prints mermaid and dot", () => {
    expect(waveplan("graph", plan("small.yml"), "--format", "mermaid").stdout).toMatch(/^flowchart LR\n {2}subgraph w0\["W0: Safety/);
    expect(waveplan("graph", plan("small.yml"), "-f", "dot").stdout).toMatch(/^digraph waveplan \{\n/);
  });

  it("an unknown format is a usage error (exit 2) with a suggestion", () => {
    const r = waveplan("graph", plan("small.yml"), "--format", "mermiad");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: --format: unknown format "mermiad"; did you mean "mermaid"? (expected mermaid, dot, text)\n`);
    expect(r.stdout).toBe("");
  });
});

describe("prompts", () => {
  it("prints one instance's tasks in plan order with upstream, a fenced body and outputs", () => {
    const r = waveplan("prompts", plan("prompts.yml"), "--instance", "I1");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`# I1: Coordinator
Focus: Orchestration
2 tasks in plan "Prompted"

## W0 (Prepare) · I1-W0-1: Write notes
wait for: nothing, start right away
\`\`\`\`bash
cat > NOTES.md <<'MD'
\`\`\`js
code
\`\`\`
MD
\`\`\`\`
outputs: NOTES.md

## W1 (Build) · I1-W1-1: Review
wait for: I4-W1-1 (I4, previous in the W1 chain); needs I1-W0-1
\`\`\`bash
echo review
\`\`\`

`);
  });

  it("shows prompt tasks with the agent command, and every instance without --instance", () => {
    const r = waveplan("prompts", plan("prompts.yml"));
    expect(r.code).toBe(0);
    expect(r.stdout.indexOf("# I1: Coordinator")).toBeLessThan(r.stdout.indexOf("# I4: Backend Developer"));
    expect(r.stdout).toContain(
      "## W1 (Build) · I4-W1-1: Implement login endpoint\nwait for: wave W0 checkpoint (I1-W0-1)\nagent: ./agent.sh --quiet\n```text\nImplement POST /login.\nUse the notes in NOTES.md.\n```\n",
    );
  });

  it("--json gives the same tasks as data", () => {
    const json = JSON.parse(waveplan("prompts", plan("prompts.yml"), "-i", "I4", "--json").stdout);
    expect(json.instances).toEqual([
      {
        id: "I4",
        role: "Backend Developer",
        focus: null,
        tasks: [
          {
            id: "I4-W1-1",
            wave: "W1",
            title: "Implement login endpoint",
            kind: "prompt",
            body: "Implement POST /login.\nUse the notes in NOTES.md.\n",
            waitFor: ["I1-W0-1"],
            needs: [],
            outputs: [],
          },
        ],
      },
    ]);
  });

  it("an unknown instance fails (exit 1) with a suggestion", () => {
    const r = waveplan("prompts", plan("prompts.yml"), "--instance", "I44");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: unknown instance "I44"; did you mean "I4"? (instances: I1, I4)\n`);
  });
});

describe("plan errors", () => {
  it.each(["validate", "stats", "graph", "prompts"])("%s on a broken plan prints file:line:col errors and exits 1", (cmd) => {
    const r = waveplan(cmd, plan("broken.yml"));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${plan("broken.yml")}:9:9: error: unexpected key "rn" in task; did you mean "run"?`);
    expect(r.stderr).toContain("9 |         rn: echo\n  |         ^~");
  });

  it("a missing plan file is exit 1 with a plain message", () => {
    const r = waveplan("stats", "no/such/plan.yml");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: no such file: no/such/plan.yml\n");
  });
});
