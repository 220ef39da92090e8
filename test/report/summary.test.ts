/** The job summaries on values: plan + records in, markdown out. */
import { describe, expect, it } from "vitest";
import { CHECKPOINT_SCHEMA, type CheckpointRecord } from "../../src/checkpoint/record.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";
import type { Plan } from "../../src/plan/model.js";
import {
  measure,
  renderFailedWavesSummary,
  renderFinalSummary,
  renderGantt,
  renderTaskSummary,
  renderTaskTable,
} from "../../src/report/summary.js";

const plan: Plan = requirePlan(
  checkPlan(
    `version: 1
name: "Summary | demo"
instances:
  I1: { role: "Lead: backend; #1" }
  I2: { role: Tester }
  I3: { role: Idle }
waves:
  - id: W1
    tasks:
      - { id: a, instance: I1, title: "Make | a", estimate: 2m, run: "true" }
      - { id: b, instance: I2, estimate: 1m, run: "true" }
  - id: W2
    tasks:
      - { id: c, instance: I1, estimate: 1m, run: "true" }
`,
    "plan.yml",
  ),
).plan;

const T0 = Date.parse("2026-01-01T10:00:00.000Z");
function record(
  id: string,
  instance: string,
  wave: string,
  startS: number,
  endS: number,
  extra: Partial<CheckpointRecord> = {},
): CheckpointRecord {
  return {
    schema: CHECKPOINT_SCHEMA,
    plan: { name: plan.name, hash: "h" },
    run: { id: "1", attempt: 1 },
    base: "b",
    task: { id, wave, instance, hash: "t" },
    status: "success",
    exitCode: 0,
    tries: 1,
    startedAt: new Date(T0 + startS * 1000).toISOString(),
    finishedAt: new Date(T0 + endS * 1000).toISOString(),
    durationMs: (endS - startS) * 1000,
    patch: { sha256: "p", bytes: 10, files: ["x.txt", "y.txt"], insertions: 3, deletions: 1 },
    outputs: [],
    upstream: [],
    ...extra,
  };
}

// a: 0–60s, b: 0–30s (parallel), c: 60–100s. Wall 100s, task time 130s.
const records = [record("a", "I1", "W1", 0, 60), record("b", "I2", "W1", 0, 30), record("c", "I1", "W2", 60, 100)];

describe("measure", () => {
  it("wall time spans first start to last end; speedup is task time over wall time", () => {
    const m = measure(plan, records);
    expect(m).toMatchObject({ startMs: T0, endMs: T0 + 100_000, wallMs: 100_000, taskMs: 130_000 });
    expect(m.speedup).toBeCloseTo(1.3);
    expect(m.instances).toEqual([
      { id: "I1", role: "Lead: backend; #1", tasks: 2, busyMs: 100_000, utilization: 1 },
      { id: "I2", role: "Tester", tasks: 1, busyMs: 30_000, utilization: 0.3 },
    ]);
  });
});

describe("renderGantt", () => {
  it("draws one section per busy instance, one bar per task at its measured times", () => {
    expect(renderGantt(plan, records)).toBe(
      [
        "gantt",
        "  title Measured timeline",
        "  dateFormat x",
        "  axisFormat %H:%M:%S",
        "  section I1 Lead backend 1", // `:`, `;` and `#` would break the line
        `  a :done, ${T0}, ${T0 + 60_000}`,
        `  c :done, ${T0 + 60_000}, ${T0 + 100_000}`,
        "  section I2 Tester",
        `  b :done, ${T0}, ${T0 + 30_000}`,
        "",
      ].join("\n"),
    );
  });

  it("marks failed tasks as critical and gives instant tasks a visible bar", () => {
    const text = renderGantt(plan, [record("b", "I2", "W1", 5, 5, { status: "failure" })]);
    expect(text).toContain(`  b :crit, ${T0 + 5000}, ${T0 + 5001}`);
  });
});

describe("renderTaskTable", () => {
  it("lists tasks in plan order with status, duration and change; pipes escaped", () => {
    const table = renderTaskTable(plan, [
      records[0],
      record("b", "I2", "W1", 0, 30, { status: "failure", error: "exited with code 2", tries: 2 }),
    ]);
    expect(table.split("\n")).toEqual([
      "| Wave | Task | Instance | Status | Duration | Tries | Change |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      "| W1 | a: Make \\| a | I1 | ✅ success | 1m | 1 | 2 files, +3 −1 |",
      "| W1 | b: true | I2 | ❌ exited with code 2 | 30s | 2 | 2 files, +3 −1 |",
      "| W2 | c: true | I1 | no checkpoint | – | – | – |",
    ]);
  });
});

describe("renderFinalSummary", () => {
  const text = renderFinalSummary({
    plan,
    planFile: "plans/x.yml",
    runId: "42",
    attempt: 2,
    records,
    outcome: "Landed as `abc` on `main`.",
  });

  it("holds the wave graph, the gantt, the tables and the speedups", () => {
    expect(text).toContain("## waveplan: Summary \\| demo");
    expect(text).toContain("run 42 attempt 2 · 3 tasks in 2 waves");
    expect(text).toContain("Landed as `abc` on `main`.");
    expect(text).toContain("```mermaid\nflowchart LR\n");
    expect(text).toContain("```mermaid\ngantt\n");
    // plan estimate: sequential 4m over critical path 3m
    expect(text).toContain(
      "**Wall time** 1m40s (first task start → last task end) vs **2m10s** of task time: measured speedup **1.30x** (plan estimate 1.33x). The plan's shape allows at most **1.30x** with these task times.",
    );
    expect(text).toContain("| I1 | Lead: backend; #1 | 2 | 1m40s | 100% |");
    expect(text).toContain("| I2 | Tester | 1 | 30s | 30% |");
    expect(text).not.toContain("| I3 |"); // an instance without tasks has no row
    // every code fence is closed
    expect(text.match(/^```/gm)?.length).toBe(4);
  });
});

describe("large plans", () => {
  const tasks = Array.from(
    { length: 700 },
    (_, i) =>
      `      - { id: task-${i}, instance: I1, title: "Task number ${i} with a title long enough that seven hundred of them overflow the diagram", run: "true" }`,
  );
  const big = requirePlan(
    checkPlan(
      `version: 1\nname: Big\ninstances:\n  I1: { role: Worker }\nwaves:\n  - id: W1\n    tasks:\n${tasks.join("\n")}\n`,
      "big.yml",
    ),
  ).plan;
  const many = big.tasks.map((t, i) => record(t.id, "I1", "W1", i, i + 1, i === 650 ? { status: "failure", error: "boom" } : {}));

  it("replaces diagrams Mermaid cannot draw by a note, and caps the table with failures first", () => {
    const text = renderFinalSummary({ plan: big, planFile: "big.yml", runId: "1", attempt: 1, records: many, outcome: "" });
    expect(text).toMatch(/_The wave graph is too large for Mermaid to draw \(\d+ characters\); `waveplan graph` renders it locally\._/);
    expect(text).not.toContain("```mermaid\nflowchart");
    const rows = text.split("\n").filter((l) => /^\| W1 \|/.test(l));
    expect(rows).toHaveLength(500);
    expect(rows[0]).toContain("task-650");
    expect(text).toContain("_200 more successful tasks not shown._");
  });
});

describe("other summaries", () => {
  it("names the jobs that did not succeed", () => {
    const text = renderFailedWavesSummary(plan, "plans/x.yml", [{ job: "W1", result: "cancelled" }]);
    expect(text).toContain("1 job did not succeed");
    expect(text).toContain("| W1 | cancelled |");
    expect(text).toContain("```mermaid\nflowchart LR");
  });

  it("summarizes one task, with the failure reason when it failed", () => {
    const ok = renderTaskSummary(plan, records[0], "waveplan-a.1");
    expect(ok).toContain("### ✅ a: Make \\| a");
    expect(ok).toContain("Wave W1 · instance I1 · 1m · 2 files changed, +3 −1");
    expect(ok).toContain("Checkpoint artifact `waveplan-a.1`");
    const bad = renderTaskSummary(
      plan,
      record("b", "I2", "W1", 0, 1, { status: "failure", error: "timed out after 60s", tries: 3 }),
      "waveplan-b.2",
    );
    expect(bad).toContain("### ❌ b");
    expect(bad).toContain("· 3 tries ·");
    expect(bad).toContain("**Failed:** timed out after 60s");
  });
});
