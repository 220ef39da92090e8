// Issue 14: the closing table's measured speedup is shown next to the best the plan's shape allows.
import { describe, expect, it } from "vitest";
import { shapeSpeedup } from "../../src/graph/estimate.js";
import { renderRunReport } from "../../src/run/run-table.js";
import { planFrom } from "./helpers.js";

const plan = planFrom(`version: 1
name: shape
instances:
  I1: { role: A }
  I2: { role: B }
waves:
  - id: W1
    tasks:
      - { id: a, instance: I1, run: "true" }
      - { id: b, instance: I2, run: "true" }
  - id: W2
    mode: sequential
    tasks:
      - { id: c, instance: I1, run: "true" }
      - { id: d, instance: I2, run: "true" }
`);

describe("shapeSpeedup: sum of task time over the critical path of task time", () => {
  it("a parallel wave costs its slowest task, a chain the sum of its tasks", () => {
    // sum 1+3+2+2 = 8; path max(1,3) + (2+2) = 7
    expect(
      shapeSpeedup(
        plan,
        new Map([
          ["a", 1000],
          ["b", 3000],
          ["c", 2000],
          ["d", 2000],
        ]),
      ),
    ).toBeCloseTo(8 / 7, 6);
  });

  it("one-task waves allow 1.0x; tasks without a time count as 0; no time at all is undefined", () => {
    const chain = planFrom(`version: 1
name: chain
instances: { I1: { role: A } }
waves:
  - { id: W1, tasks: [{ id: a, instance: I1, run: "true" }] }
  - { id: W2, tasks: [{ id: b, instance: I1, run: "true" }] }
`);
    expect(
      shapeSpeedup(
        chain,
        new Map([
          ["a", 500],
          ["b", 700],
        ]),
      ),
    ).toBe(1);
    expect(
      shapeSpeedup(
        plan,
        new Map([
          ["a", 1000],
          ["b", 1000],
        ]),
      ),
    ).toBe(2);
    expect(shapeSpeedup(plan, new Map())).toBeUndefined();
  });

  it("the closing table prints it after the measured speedup", () => {
    const rows = [{ task: "a", instance: "I1", wave: "W1", status: "success", durationMs: 1000 }];
    expect(renderRunReport(rows, 2000, 1.5)).toContain(
      "measured speedup 0.50x (the plan's shape allows at most 1.50x with these task times)",
    );
    expect(renderRunReport(rows, 2000)).toMatch(/measured speedup 0\.50x$/m);
  });
});
