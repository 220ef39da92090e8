import { describe, expect, it } from "vitest";
import type { AgentFigures } from "../../src/checkpoint/record.js";
import {
  agentJson,
  agentTotals,
  agentTotalsByWave,
  allowRule,
  deniedTools,
  formatUsd,
  mostExpensiveFirst,
  totalsJson,
} from "../../src/report/agent-totals.js";

const figures = (over: Partial<AgentFigures> = {}): AgentFigures => ({
  preset: "claude-code",
  model: "claude-sonnet-4-5",
  costUsd: 0.1,
  turns: 2,
  tokens: { input: 100, output: 20, cacheRead: 5, cacheWrite: 1 },
  denied: [],
  ...over,
});
const rec = (id: string, wave: string, agent?: AgentFigures) => ({ task: { id, wave, instance: "I1", hash: "h" }, agent });

describe("agentTotals", () => {
  it("sums cost, turns and every token kind; float sums do not drift", () => {
    const t = agentTotals([rec("a", "W1", figures()), rec("b", "W1", figures({ costUsd: 0.2, turns: 3 })), rec("c", "W2")]);
    expect(t).toEqual({
      tasks: 2,
      costUsd: 0.3,
      reportedUsd: 0.3,
      unpriced: [],
      turns: 5,
      tokens: { input: 200, output: 40, cacheRead: 10, cacheWrite: 2 },
    });
  });

  it("has no costUsd when a task reported tokens only, and names it", () => {
    const t = agentTotals([rec("a", "W1", figures()), rec("b", "W1", figures({ preset: "codex", costUsd: undefined }))]);
    expect(t?.costUsd).toBeUndefined();
    expect(t?.unpriced).toEqual(["b"]);
    expect(t?.reportedUsd).toBe(0.1);
    expect(totalsJson(t as NonNullable<typeof t>)).toEqual({
      unpriced: ["b"],
      reportedUsd: 0.1,
      turns: 4,
      tokens: { input: 200, output: 40, cacheRead: 10, cacheWrite: 2 },
      tasks: 2,
    });
    expect(formatUsd(t?.costUsd)).toBe("n/a");
  });

  it("is undefined for a run without agent tasks", () => {
    expect(agentTotals([rec("a", "W1"), rec("b", "W2")])).toBeUndefined();
  });

  it("totals per wave, in the order given, leaving out waves without agents", () => {
    const by = agentTotalsByWave([
      rec("a", "W1", figures()),
      rec("b", "W2"),
      rec("c", "W3", figures({ costUsd: 1 })),
      rec("d", "W1", figures()),
    ]);
    expect([...by.keys()]).toEqual(["W1", "W3"]);
    expect(by.get("W1")?.costUsd).toBe(0.2);
    expect(by.get("W3")?.costUsd).toBe(1);
  });

  it("orders the most expensive first, unpriced last", () => {
    const order = mostExpensiveFirst([
      rec("cheap", "W1", figures({ costUsd: 0.01 })),
      rec("none", "W1"),
      rec("unpriced", "W1", figures({ costUsd: undefined })),
      rec("dear", "W2", figures({ costUsd: 2 })),
    ]).map((r) => r.task.id);
    expect(order).toEqual(["dear", "cheap", "unpriced"]);
  });
});

describe("denied tools", () => {
  it("names the agent.tools entry that allows each denied call, once per rule", () => {
    const agent = figures({
      denied: [
        { tool: "Bash", input: "npm test -- --watch" },
        { tool: "Bash", input: JSON.stringify({ command: "npm test", description: "run tests" }) },
        { tool: "Bash", input: "CI=1 ls -la /tmp && rm -rf x" },
        { tool: "Write", input: JSON.stringify({ file_path: "a.txt" }) },
      ],
    });
    expect(deniedTools([rec("t", "W1", agent)])).toEqual([
      { task: "t", tool: "Bash", input: "npm test -- --watch", allow: "Bash(npm test:*)", fix: 'agent.tools: add "Bash(npm test:*)"' },
      { task: "t", tool: "Bash", input: "CI=1 ls -la /tmp && rm -rf x", allow: "Bash(ls:*)", fix: 'agent.tools: add "Bash(ls:*)"' },
      { task: "t", tool: "Write", input: '{"file_path":"a.txt"}', allow: "Write", fix: 'agent.tools: add "Write"' },
    ]);
  });

  it("uses the bare tool name for CLIs without Claude Code's specifiers", () => {
    expect(allowRule("codex", { tool: "shell", input: "npm test" })).toBe("shell");
    expect(allowRule("claude-code", { tool: "Bash" })).toBe("Bash");
  });

  it("status --json shows each denial with its rule; no cost key when the CLI reported none", () => {
    const json = agentJson(figures({ costUsd: undefined, model: undefined, denied: [{ tool: "Bash", input: "git push" }] }));
    expect(json).toEqual({
      preset: "claude-code",
      turns: 2,
      tokens: { input: 100, output: 20, cacheRead: 5, cacheWrite: 1 },
      denied: [{ tool: "Bash", input: "git push", allow: "Bash(git push:*)" }],
    });
  });
});

describe("formatUsd", () => {
  it("shows small amounts to the hundredth of a cent", () => {
    expect([formatUsd(0), formatUsd(0.0042), formatUsd(0.000123), formatUsd(1.234)]).toEqual(["$0", "$0.0042", "$0.00012", "$1.23"]);
  });
});
