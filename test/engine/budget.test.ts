import { describe, expect, it } from "vitest";
import type { AgentFigures } from "../../src/checkpoint/record.js";
import { parseUsd, RAISE_LOCALLY, runBudgetRefusal, spentBy, taskBudgetFailure } from "../../src/engine/budget.js";

const agent = (costUsd?: number): AgentFigures => ({
  preset: "claude-code",
  costUsd,
  turns: 1,
  tokens: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 },
  denied: [],
});
const rec = (id: string, a?: AgentFigures) => ({ task: { id, wave: "W1", instance: "I1", hash: "h" }, agent: a });
const budget = { usd: 0.5, source: "agent.budget.run-usd", raise: RAISE_LOCALLY };

describe("run budget", () => {
  it("sums the reported costs, the most expensive first; unpriced tasks are named, not priced", () => {
    expect(spentBy([rec("a", agent(0.1)), rec("b", agent(0.2)), rec("c"), rec("d", agent())])).toEqual({
      usd: 0.3,
      tasks: [
        { task: "b", usd: 0.2 },
        { task: "a", usd: 0.1 },
      ],
      unpriced: ["d"],
    });
  });

  it("lets tasks start below the budget and refuses them once it is spent, naming budget, spend and spenders", () => {
    expect(runBudgetRefusal("c", budget, spentBy([rec("a", agent(0.49))]))).toBeUndefined();
    expect(runBudgetRefusal("c", undefined, spentBy([rec("a", agent(9))]))).toBeUndefined();
    expect(runBudgetRefusal("c", budget, spentBy([rec("a", agent(0.3)), rec("b", agent(0.2))]))).toBe(
      'run budget spent: $0.50 of agent.budget.run-usd $0.50 (a $0.30, b $0.20); task "c" was not started. To continue, raise agent.budget.run-usd in the plan, or pass run --run-budget-usd, and --resume: finished tasks are not run again',
    );
  });

  it("lists at most five spenders", () => {
    const many = Array.from({ length: 7 }, (_, i) => rec(`t${i}`, agent(0.1 + i / 100)));
    expect(runBudgetRefusal("x", budget, spentBy(many))).toContain("t2 $0.12, and 2 more)");
  });
});

describe("task budget", () => {
  it("fails a task that reported more than its budget; none set or no cost reported: no failure", () => {
    expect(taskBudgetFailure(agent(0.6), 0.5)).toBe("spent $0.60, over agent.budget.task-usd $0.50");
    expect(taskBudgetFailure(agent(0.5), 0.5)).toBeUndefined();
    expect(taskBudgetFailure(agent(), 0.5)).toBeUndefined();
    expect(taskBudgetFailure(agent(9), undefined)).toBeUndefined();
  });
});

describe("parseUsd", () => {
  it("takes dollars, with or without $; refuses zero, negatives and words", () => {
    expect(parseUsd("5", "--run-budget-usd")).toBe(5);
    expect(parseUsd("$0.50", "--run-budget-usd")).toBe(0.5);
    expect(parseUsd(undefined, "--run-budget-usd")).toBeUndefined();
    for (const bad of ["0", "-1", "five", ""])
      expect(() => parseUsd(bad, "--run-budget-usd")).toThrow(
        `--run-budget-usd must be a positive amount of US dollars, e.g. 5 or 0.50; got "${bad}"`,
      );
  });
});
