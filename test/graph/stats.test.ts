import { describe, expect, it } from "vitest";
import { planStats } from "../../src/graph/stats.js";
import { loadFixture, planFrom } from "./helpers.js";

describe("planStats on the small plan", () => {
  // W0 sequential 2m (1 task), W1 parallel 10m (2 tasks), W2 sequential 30m (3 tasks of 10m), W3 parallel 20m (2 tasks)
  const stats = planStats(loadFixture(), { jobOverheadMs: 25_000 });

  it("sums wave estimates into the critical path and task estimates into the sequential sum", () => {
    expect(stats.totals.criticalPathMs).toBe((2 + 10 + 30 + 20) * 60_000);
    expect(stats.totals.sequentialMs).toBe((2 + 2 * 10 + 30 + 2 * 20) * 60_000);
    expect(stats.totals.speedup).toBeCloseTo(92 / 62, 10);
    expect(stats.totals.tasks).toBe(8);
  });

  it("adds one job overhead per job on the critical path for the GitHub pipeline", () => {
    // plan job + W0 (1) + W1 (1) + W2 chain (3) + W3 (1) + final-commit = 8 jobs
    expect(stats.totals.pipelineMs).toBe(62 * 60_000 + 8 * 25_000);
    expect(stats.totals.jobOverheadMs).toBe(25_000);
  });

  it("gives each instance its active waves, task count, busy time and utilization", () => {
    expect(stats.instances.map(({ id, waves, tasks, busyMs }) => ({ id, waves, tasks, busyMs }))).toEqual([
      { id: "I1", waves: ["W0", "W2"], tasks: 2, busyMs: 12 * 60_000 },
      { id: "I2", waves: ["W1", "W2"], tasks: 2, busyMs: 20 * 60_000 },
      { id: "I3", waves: ["W1", "W2", "W3"], tasks: 3, busyMs: 40 * 60_000 },
      { id: "I4", waves: ["W3"], tasks: 1, busyMs: 20 * 60_000 },
    ]);
    expect(stats.instances[2].utilization).toBeCloseTo(40 / 62, 10);
    expect(stats.instances[0]).toMatchObject({ role: "Coordinator", focus: "Orchestration, checkpoints, commits" });
  });

  it("describes each wave", () => {
    expect(stats.waves).toEqual([
      { id: "W0", name: "Safety", mode: "sequential", tasks: 1, instances: ["I1"], estimateMs: 2 * 60_000 },
      { id: "W1", name: "Analysis", mode: "parallel", tasks: 2, instances: ["I2", "I3"], estimateMs: 10 * 60_000 },
      { id: "W2", name: "Migration", mode: "sequential", tasks: 3, instances: ["I1", "I2", "I3"], estimateMs: 30 * 60_000 },
      { id: "W3", name: "Tests", mode: "parallel", tasks: 2, instances: ["I4", "I3"], estimateMs: 20 * 60_000 },
    ]);
  });
});

describe("planStats edge cases", () => {
  const head = "version: 1\nname: p\ninstances:\n  A: { role: a }\n  B: { role: b }\n  C: { role: c }\nwaves:\n";

  it("uses task estimates over wave figures: the slowest task of a parallel wave is its wall time", () => {
    const stats = planStats(
      planFrom(`${head}  - id: W0
    tasks:
      - { instance: A, run: x, estimate: 4m }
      - { instance: B, run: x, estimate: 1m }
  - id: W1
    mode: sequential
    tasks:
      - { instance: C, run: x, estimate: 2m }
      - { instance: A, run: x, estimate: 3m }
`),
    );
    expect(stats.waves.map((w) => w.estimateMs)).toEqual([4 * 60_000, 5 * 60_000]);
    expect(stats.totals.criticalPathMs).toBe(9 * 60_000);
    expect(stats.totals.sequentialMs).toBe(10 * 60_000);
    expect(stats.instances.map((i) => i.utilization)).toEqual([7 / 9, 1 / 9, 2 / 9]);
    expect(stats.totals.pipelineMs).toBe(9 * 60_000);
  });

  it("leaves speedup and utilization undefined without estimates", () => {
    const stats = planStats(planFrom(`${head}  - id: W0\n    tasks:\n      - { instance: A, run: x }\n`));
    expect(stats.totals.speedup).toBeUndefined();
    expect(stats.totals.criticalPathMs).toBe(0);
    expect(stats.instances.map((i) => [i.id, i.utilization, i.waves])).toEqual([
      ["A", undefined, ["W0"]],
      ["B", undefined, []],
      ["C", undefined, []],
    ]);
  });

  it("lists a wave once per instance even with several tasks of that instance", () => {
    const stats = planStats(
      planFrom(
        `${head}  - id: W0\n    mode: sequential\n    estimate: 6m\n    tasks:\n      - { instance: A, run: x }\n      - { instance: A, run: y }\n      - { instance: B, run: z }\n`,
      ),
    );
    expect(stats.instances[0]).toMatchObject({ waves: ["W0"], tasks: 2, busyMs: 4 * 60_000 });
    expect(stats.waves[0].instances).toEqual(["A", "B"]);
  });
});
