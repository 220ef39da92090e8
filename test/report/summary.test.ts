/** The job summaries on values: plan + records in, markdown out. */
import { describe, expect, it } from "vitest";
import { CHECKPOINT_SCHEMA, type CheckpointRecord } from "../../src/checkpoint/record.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";
import type { Plan } from "../../src/plan/model.js";
import { timelineMermaid, waveGraphMermaid } from "../../src/report/run-diagrams.js";
import { speedupSentence, tellRun } from "../../src/report/run-story.js";
import { githubRetry, renderRunSummary, renderTaskSummary, taskTable } from "../../src/report/summary.js";

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

// a: 0–60s, b: 0–30s (parallel), c: 70–100s (10s between the waves). Wall 100s, task time 120s.
const records = [record("a", "I1", "W1", 0, 60), record("b", "I2", "W1", 0, 30), record("c", "I1", "W2", 70, 100)];

describe("tellRun", () => {
  it("measures each wave: its time, longest task and the overhead beyond its work", () => {
    const s = tellRun({ plan, records });
    expect(s.waves.map((w) => [w.wave.id, w.state, w.wallMs, w.longest?.task.id, w.overheadMs])).toEqual([
      ["W1", "success", 60_000, "a", 0],
      ["W2", "success", 30_000, "c", 10_000],
    ]);
    expect(s).toMatchObject({ wallMs: 100_000, taskMs: 120_000, overheadMs: 10_000 });
    expect(s.speedup).toBeCloseTo(1.2);
    expect(s.verdict).toBe("✅ 3/3 tasks · 2 waves · 1m40s");
    expect(speedupSentence(s)).toBe(
      "Measured speedup **1.20×** over running the same tasks one after another: 2m of task time in 1m40s of wall time (first task start → last task end). 10s of that (10%) went to starting and checkpointing 2 waves rather than to task work; the plan's shape allows at most 1.33× with these task times.",
    );
  });

  it("tells failed, lost and never-run tasks apart (skipped is not failed)", () => {
    const s = tellRun({
      plan,
      records: [record("b", "I2", "W1", 0, 5, { status: "failure", error: "exited with code 1" })],
      lost: new Map([["a", "its job failed before the task wrote a checkpoint"]]),
    });
    expect(s.tasks.map((t) => t.state)).toEqual(["lost", "failure", "not-run"]);
    expect(s.counts).toEqual({ success: 0, failure: 2, notRun: 1, total: 3 });
    expect(s.waves.map((w) => w.state)).toEqual(["failure", "not-run"]);
    expect(s.verdict).toBe("❌ a, b failed in W1 · 0 done · 2 failed · 1 not run");
  });
});

describe("diagrams", () => {
  it("the wave graph has one node per wave with status class and measured time, no estimate", () => {
    const s = tellRun({ plan, records: [records[0], record("b", "I2", "W1", 0, 30, { status: "failure", error: "x" })] });
    expect(waveGraphMermaid(s).split("\n").slice(0, 4)).toEqual([
      "flowchart TD",
      '  w0["❌ W1<br/>2 tasks · 1m<br/>failed: b"]:::failed',
      '  w1["⏸ W2<br/>1 task · not run"]:::notrun',
      "  w0 --> w1",
    ]);
    expect(waveGraphMermaid(s)).toContain("classDef failed fill:#ffebe9");
    expect(waveGraphMermaid(s)).not.toMatch(/2m|1m ·.*estimate/); // W1's 2m estimate is not shown as a result
  });

  it("the timeline has a row per wave that ran; a failed wave is critical; instant waves get a bar", () => {
    const s = tellRun({ plan, records: [record("a", "I1", "W1", 5, 5, { status: "failure" }), record("b", "I2", "W1", 5, 5)] });
    expect(timelineMermaid(s)).toBe(
      ["gantt", "  dateFormat x", "  axisFormat %H:%M:%S", `  W1 (0ms) :crit, w0, ${T0 + 5000}, ${T0 + 5001}`, ""].join("\n"),
    );
    expect(timelineMermaid(tellRun({ plan, records: [] }))).toBeUndefined();
  });
});

describe("renderRunSummary", () => {
  it("a landed run: verdict first, waves, table per wave, speedup, timeline, runner minutes, tasks folded", () => {
    const text = renderRunSummary(tellRun({ plan, records, jobNames: new Map([["a", "W1 · I1 · a"]]) }), {
      planFile: "plans/x.yml",
      runId: "42",
      attempt: 2,
      outcome: "Landed as `abc` on `main`.",
    });
    const lines = text.split("\n");
    expect(lines[0]).toBe("## ✅ 3/3 tasks · 2 waves · 1m40s");
    expect(text).toContain("**Summary \\| demo** · plan `plans/x.yml` · run 42 attempt 2 · 3 tasks in 2 waves");
    expect(text).toContain("| W1 | ✅ done | 2 | 1m | a 1m | 0ms |");
    expect(text).toContain("| W2 | ✅ done | 1 | 30s | c 30s | 10s |");
    expect(text).toContain("**Runner minutes:** at least 3 for 3 task jobs");
    expect(text.indexOf("<details><summary>Every task")).toBeGreaterThan(text.indexOf("### Timeline"));
    expect(text).toContain("| a: Make \\| a | W1 | I1 | ✅ done | 1m | 2 files, +3 −1 |");
    expect(text.match(/^```/gm)?.length).toBe(4); // every fence closed
    expect(text).not.toContain("Cost");
  });

  it("a failed run names the task, its job and instance, quotes its output and says how to re-run", () => {
    const failed = record("b", "I2", "W1", 0, 3, {
      status: "failure",
      error: "exited with code 1",
      exitCode: 1,
      logTail: "compiling\nerror: users.email is not nullable ```",
    });
    const text = renderRunSummary(tellRun({ plan, records: [records[0], failed], jobNames: new Map([["b", "W1 · I2 · b"]]) }), {
      planFile: "x.yml",
      runId: "7",
      retry: githubRetry("7"),
    });
    expect(text.split("\n")[0]).toBe("## ❌ b failed in W1 · 1 done · 1 failed · 1 not run");
    expect(text).toContain("### ❌ b: true");
    expect(text).toContain("job **W1 · I2 · b** · wave W1 · instance I2 (Tester) · 3.0s — **exited with code 1**");
    expect(text).toContain("````text\ncompiling\nerror: users.email is not nullable ```\n````"); // a longer fence than the text's
    expect(text).toContain("**Re-run failed jobs**");
    expect(text).toContain("`resume-from: 7`");
    expect(text).toContain("**Not run** (1): c");
    // failures first in the folded table
    const rows = text
      .slice(text.indexOf("<details>"))
      .split("\n")
      .filter((l) => /^\| [a-c]:/.test(l));
    expect(rows.map((r) => r.slice(2, 3))).toEqual(["b", "a", "c"]);
  });

  it("cost: a column, totals per wave and run, most expensive first, n/a when unpriced, denied calls with their allow rule", () => {
    const agent = (costUsd: number | undefined, denied: { tool: string; input?: string }[] = []) => ({
      preset: "claude-code",
      costUsd,
      turns: 4,
      tokens: { input: 1200, output: 300, cacheRead: 0, cacheWrite: 0 },
      denied,
    });
    const text = renderRunSummary(
      tellRun({
        plan,
        records: [
          record("a", "I1", "W1", 0, 60, { agent: agent(0.25) }),
          record("b", "I2", "W1", 0, 30, { agent: agent(1.5, [{ tool: "Bash", input: "npm test -- --run" }]) }),
          record("c", "I1", "W2", 70, 100, { agent: agent(undefined) }),
        ],
      }),
      { planFile: "x.yml", runId: "1" },
    );
    expect(text.split("\n")[0]).toBe("## ✅ 3/3 tasks · 2 waves · 1m40s · $1.75 + n/a (1 task)");
    expect(text).toContain("| W1 | ✅ done | 2 | 1m | a 1m | 0ms | $1.75 |");
    expect(text).toContain("| W2 | ✅ done | 1 | 30s | c 30s | 10s | n/a |");
    const costRows = text
      .slice(text.indexOf("### Agent cost"), text.indexOf("**Runner minutes"))
      .split("\n")
      .filter((l) => /^\| [a-c]:/.test(l));
    expect(costRows.map((r) => r.slice(2, 3))).toEqual(["b", "a", "c"]);
    expect(costRows[2]).toContain("| n/a |");
    expect(text).toContain('- b: Bash `npm test -- --run` — allow with `agent.tools: [..., "Bash(npm test:*)"]`');
  });
});

describe("large plans", () => {
  const tasks = Array.from({ length: 700 }, (_, i) => `      - { id: task-${i}, instance: I1, title: "Task ${i}", run: "true" }`);
  const big = requirePlan(
    checkPlan(
      `version: 1\nname: Big\ninstances:\n  I1: { role: Worker }\nwaves:\n  - id: W1\n    tasks:\n${tasks.join("\n")}\n`,
      "big.yml",
    ),
  ).plan;
  const many = big.tasks.map((t, i) => record(t.id, "I1", "W1", i, i + 1, i === 650 ? { status: "failure", error: "boom" } : {}));

  it("caps the task table with failures first", () => {
    const table = taskTable(tellRun({ plan: big, records: many }));
    const rows = table.split("\n").filter((l) => /^\| task-/.test(l));
    expect(rows).toHaveLength(500);
    expect(rows[0]).toContain("task-650");
    expect(table).toContain("_200 more tasks not shown._");
  });
});

describe("task job summaries", () => {
  it("stay short: one line of facts, the failure and the end of its output", () => {
    const ok = renderTaskSummary(plan, records[0], "waveplan-a.1");
    expect(ok.trim().split("\n")).toEqual(["#### ✅ a: Make \\| a", "", "W1 · I1 · 1m · 2 files, +3 −1 · checkpoint `waveplan-a.1`"]);
    const bad = renderTaskSummary(
      plan,
      record("b", "I2", "W1", 0, 1, { status: "failure", error: "timed out after 60s", tries: 3, logTail: "l1\nl2" }),
      "waveplan-b.2",
    );
    expect(bad).toContain("#### ❌ b");
    expect(bad).toContain("· 3 tries ·");
    expect(bad).toContain("**Failed:** timed out after 60s\n\n```text\nl1\nl2\n```");
  });
});
