import { describe, expect, it } from "vitest";
import { parseRedoList, redoRule, unknownRedoTasks } from "../../src/graph/redo.js";
import { upstreamOf } from "../../src/graph/upstream.js";
import { checkPlan } from "../../src/plan/load.js";

const loaded = checkPlan(
  `version: 1
name: redo
instances: { I1: { role: r } }
waves:
  - id: W1
    tasks:
      - { id: a, instance: I1, run: "true" }
      - { id: b, instance: I1, run: "true" }
  - id: W2
    mode: sequential
    tasks:
      - { id: c1, instance: I1, run: "true" }
      - { id: c2, instance: I1, run: "true" }
      - { id: c3, instance: I1, run: "true" }
  - id: W3
    tasks:
      - { id: d, instance: I1, run: "true" }
`,
  "plan.yml",
);
if (!loaded.plan) throw new Error("the test plan does not load");
const plan = loaded.plan;
const redone = (...ids: string[]) => plan.tasks.filter(redoRule(plan, ids)).map((t) => t.id);

describe("redo", () => {
  it("runs the named task and everything downstream; a parallel sibling is reused", () => {
    expect(redone("a")).toEqual(["a", "c1", "c2", "c3", "d"]);
    expect(redone("c2")).toEqual(["c2", "c3", "d"]);
    expect(redone("d")).toEqual(["d"]);
    expect(redone()).toEqual([]);
  });

  it("agrees with upstreamOf for every task named", () => {
    for (const r of plan.tasks)
      expect(redone(r.id)).toEqual(plan.tasks.filter((t) => t === r || upstreamOf(plan, t).includes(r)).map((t) => t.id));
  });

  it("takes repeated flags and comma or blank separated lists", () => {
    expect(parseRedoList(["a", "b,c1", " c2  c3 ", "a"])).toEqual(["a", "b", "c1", "c2", "c3"]);
  });

  it("names unknown tasks with a suggestion", () => {
    expect(unknownRedoTasks(plan, ["a", "c4", "zzz"])).toEqual([
      'no task "c4" in plan "redo" to redo; did you mean "c1"?',
      'no task "zzz" in plan "redo" to redo',
    ]);
  });
});
