import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { taskHash } from "../../src/plan/hash.js";
import { checkPlan } from "../../src/plan/load.js";

function hashes(agent: Record<string, unknown>, instanceAgent?: Record<string, unknown>) {
  const loaded = checkPlan(
    stringify({
      version: 1,
      name: "hash",
      instances: { I1: { role: "Engineer", ...(instanceAgent ? { agent: instanceAgent } : {}) } },
      agent,
      waves: [
        {
          id: "W1",
          tasks: [
            { id: "p", instance: "I1", prompt: "do it" },
            { id: "r", instance: "I1", run: "true" },
          ],
        },
      ],
    }),
    "plan.yml",
  );
  if (!loaded.plan || loaded.diagnostics.hasErrors) throw new Error(JSON.stringify(loaded.diagnostics.sorted()));
  const plan = loaded.plan;
  return { prompt: taskHash(plan, plan.tasks[0]), run: taskHash(plan, plan.tasks[1]) };
}

describe("task hash and the agent", () => {
  const base = hashes({ preset: "claude-code", tools: ["Read", "Write", "Bash"], "max-turns": 20 });

  it("budget, model, preset and version changes keep finished checkpoints (issue 22)", () => {
    for (const change of [
      { budget: { "run-usd": 5, "task-usd": 1 } },
      { model: "claude-haiku-4-5" },
      { preset: "codex" },
      { version: "2.1.300" },
    ])
      expect(
        hashes({ preset: "claude-code", tools: ["Read", "Write", "Bash"], "max-turns": 20, ...change }),
        JSON.stringify(change),
      ).toEqual(base);
    expect(hashes({ preset: "claude-code", tools: ["Read", "Write", "Bash"], "max-turns": 20 }, { preset: "gemini", model: "m" })).toEqual(
      base,
    );
  });

  it("what the agent may do changes the prompt task's hash, never a run: task's", () => {
    for (const change of [{ tools: ["Read"] }, { "max-turns": 3 }, { preamble: false }]) {
      const h = hashes({ preset: "claude-code", tools: ["Read", "Write", "Bash"], "max-turns": 20, ...change });
      expect(h.prompt, JSON.stringify(change)).not.toBe(base.prompt);
      expect(h.run, JSON.stringify(change)).toBe(base.run);
    }
  });
});
