/**
 * The presets' pure parts: the headless command lines (flags per plan key), the preamble, the failure
 * line, and the output parsers — Claude Code's and Codex's and Gemini's on output the real CLIs printed
 * (test/fixtures/agent-output, captured from codex 0.171.0 and gemini 0.61.0 pointed at 127.0.0.1),
 * Aider's on lines in the format its source prints (aider/coders/base_coder.py,
 * calculate_and_show_tokens_and_cost: PyPI, and so Aider itself, is not reachable here).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAider } from "../../src/agent/aider.js";
import { parseClaudeCode } from "../../src/agent/claude-code.js";
import { parseCodex } from "../../src/agent/codex.js";
import { exitDescription } from "../../src/agent/failure.js";
import { parseGemini } from "../../src/agent/gemini.js";
import { preamble } from "../../src/agent/preamble.js";
import { agentSettings, PRESETS } from "../../src/agent/presets.js";
import { promptText } from "../../src/engine/execute.js";
import { taskHash } from "../../src/plan/hash.js";
import { checkPlan } from "../../src/plan/load.js";
import { normalizePlan } from "../../src/plan/model.js";
import { planSchema } from "../../src/plan/schema.js";
import { homeShareFor } from "../../src/sandbox/for-plan.js";
import { DEFAULT_HOME_SHARE } from "../../src/sandbox/sandbox.js";

const fixture = (f: string) => readFileSync(join(__dirname, "../fixtures/agent-output", f), "utf8");

function plan(agent: Record<string, unknown>, instances: Record<string, unknown> = {}) {
  return normalizePlan(
    planSchema.parse({
      version: 1,
      name: "p",
      instances: { a: { role: "Writer", focus: "docs" }, b: { role: "Reviewer", ...instances } },
      agent,
      waves: [
        { id: "W1", tasks: [{ id: "t1", instance: "a", prompt: "do it", files: ["x.md"], outputs: ["out.txt"] }] },
        { id: "W2", tasks: [{ id: "t2", instance: "b", prompt: "review" }] },
      ],
    }),
  );
}

describe("headless command lines", () => {
  it("claude-code: bypass by default (IS_SANDBOX=1 for root), dontAsk with an allow-list, limits as flags", () => {
    const p = plan({ preset: "claude-code", model: "sonnet", "max-turns": 40, budget: { "task-usd": 2.5 } });
    const s = agentSettings(p, p.tasks[0]);
    expect(s).toMatchObject({ preset: "claude-code", version: "2.1.332", model: "sonnet", maxTurns: 40, taskUsd: 2.5 });
    const inv = PRESETS["claude-code"].invocation(s as NonNullable<typeof s>, "/p");
    expect(inv.args).toEqual([
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--dangerously-skip-permissions",
      "--model",
      "sonnet",
      "--max-turns",
      "40",
      "--max-budget-usd",
      "2.5",
    ]);
    expect(inv.env.IS_SANDBOX).toBe("1");
    const restricted = PRESETS["claude-code"].invocation({ preset: "claude-code", version: "x", tools: ["Read", "Bash(npm test)"] }, "/p");
    expect(restricted.args).toContain("dontAsk");
    expect(restricted.args.slice(-2)).toEqual(["--allowedTools", "Read,Bash(npm test)"]);
    expect(restricted.args).not.toContain("--dangerously-skip-permissions");
  });

  it("an instance's preset and model win over the plan's; its version is the preset's own", () => {
    const p = plan({ preset: "claude-code", version: "2.1.300", model: "opus" }, { agent: { preset: "codex", model: "gpt-5" } });
    expect(agentSettings(p, p.tasks[0])).toMatchObject({ preset: "claude-code", version: "2.1.300", model: "opus" });
    expect(agentSettings(p, p.tasks[1])).toMatchObject({ preset: "codex", version: "0.171.0", model: "gpt-5" });
    expect(PRESETS.codex.invocation({ preset: "codex", version: "0.171.0", model: "gpt-5" }, "/p").args).toEqual([
      "exec",
      "--json",
      "--skip-git-repo-check",
      "--dangerously-bypass-approvals-and-sandbox",
      "--model",
      "gpt-5",
      "-",
    ]);
  });

  it("gemini trusts the slot and approves all; aider reads the prompt file and never commits", () => {
    const g = PRESETS.gemini.invocation({ preset: "gemini", version: "0.61.0" }, "/p");
    expect(g.args).toEqual(["--output-format", "json", "--approval-mode", "yolo"]);
    expect(g.env.GEMINI_CLI_TRUST_WORKSPACE).toBe("true");
    const a = PRESETS.aider.invocation({ preset: "aider", version: "0.86.2" }, "/tmp/prompt.md");
    expect(a.args).toEqual(expect.arrayContaining(["--yes-always", "--no-auto-commits", "--no-gitignore"]));
    expect(a.args.slice(-2)).toEqual(["--message-file", "/tmp/prompt.md"]);
  });

  it("each preset exports the home-relative config paths a private home must expose", () => {
    expect(PRESETS["claude-code"].configPaths).toEqual([".claude", ".claude.json"]);
    expect(PRESETS.codex.configPaths).toEqual([".codex"]);
    expect(PRESETS.gemini.configPaths).toEqual([".gemini"]);
  });
});

describe("preamble", () => {
  it("names the role, focus, task, declared files and outputs, upstream changes, and forbids commits", () => {
    const p = plan({ preset: "claude-code" });
    const text = preamble(p, p.tasks[0], [
      { task: "t0", files: ["a.ts", "b.ts"] },
      { task: "empty", files: [] },
    ]);
    expect(text).toContain('You are Writer (instance "a") in the plan "p".');
    expect(text).toContain("Your focus: docs.");
    expect(text).toContain('Your task: do it (task "t1", wave "W1").');
    expect(text).toContain("expected to change: x.md.");
    expect(text).toContain("must produce: out.txt.");
    expect(text).toContain("- t0: a.ts, b.ts");
    expect(text).not.toContain("empty");
    expect(text).toMatch(/do not commit, push/);
  });
});

describe("output parsers", () => {
  it("claude-code: figures from the result line; is_error and error subtypes are giving up", () => {
    const ok = `{"type":"system","subtype":"init","model":"claude-x"}\nnoise\n{"type":"result","subtype":"success","is_error":false,"num_turns":3,"total_cost_usd":0.0024,"usage":{"input_tokens":300,"output_tokens":60,"cache_read_input_tokens":5,"cache_creation_input_tokens":7},"permission_denials":[{"tool_name":"Bash","tool_input":{"command":"rm -rf x"}}]}`;
    expect(parseClaudeCode(ok)).toEqual({
      figures: {
        model: "claude-x",
        costUsd: 0.0024,
        turns: 3,
        tokens: { input: 300, output: 60, cacheRead: 5, cacheWrite: 7 },
        denied: [{ tool: "Bash", input: "rm -rf x" }],
      },
    });
    const apiError = `{"type":"result","subtype":"success","is_error":true,"api_error_status":401,"result":"Invalid API key · Please run /login","num_turns":1,"usage":{}}`;
    expect(parseClaudeCode(apiError).gaveUp).toBe("the agent stopped with an error (API status 401): Invalid API key · Please run /login");
    const budget = `{"type":"result","subtype":"error_max_budget_usd","is_error":true,"errors":["Reached maximum budget ($0.5)"],"usage":{}}`;
    expect(parseClaudeCode(budget).gaveUp).toBe("budget reached: Reached maximum budget ($0.5)");
    expect(parseClaudeCode("claude: error while loading shared libraries")).toEqual({});
  });

  it("codex (real 0.171.0 output): a turn that never completed is giving up, with the last error", () => {
    const run = parseCodex(fixture("codex-0.171.0-connection-refused.jsonl"));
    expect(run.figures).toEqual({ turns: 0, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, denied: [] });
    expect(run.gaveUp).toMatch(/^the agent stopped with an error: Reconnecting\.\.\. waiting for network/);
    const done = [
      '{"type":"thread.started","thread_id":"t"}',
      '{"type":"error","message":"Reconnecting... 2/5"}',
      '{"type":"turn.completed","usage":{"input_tokens":1200,"cached_input_tokens":200,"output_tokens":80}}',
    ].join("\n");
    expect(parseCodex(done)).toEqual({
      figures: { turns: 1, tokens: { input: 1000, output: 80, cacheRead: 200, cacheWrite: 0 }, denied: [] },
    });
  });

  it("gemini (real 0.61.0 output): the error document is giving up; stats give tokens and rejected tools", () => {
    expect(parseGemini(fixture("gemini-0.61.0-no-auth-type.txt")).gaveUp).toBe(
      "the agent stopped with an error: Invalid auth method selected.",
    );
    const ok = JSON.stringify(
      {
        response: "done",
        stats: {
          models: { "gemini-2.5-pro": { api: { totalRequests: 2 }, tokens: { prompt: 1000, candidates: 50, cached: 400, thoughts: 10 } } },
          tools: { byName: { run_shell_command: { decisions: { reject: 1, accept: 2 } } } },
        },
      },
      null,
      2,
    );
    expect(parseGemini(`YOLO mode is enabled.\n${ok}\n`)).toEqual({
      figures: {
        model: "gemini-2.5-pro",
        turns: 2,
        tokens: { input: 600, output: 60, cacheRead: 400, cacheWrite: 0 },
        denied: [{ tool: "run_shell_command" }],
      },
    });
  });

  it("aider: tokens summed per message, cost as the session total", () => {
    const out = [
      "Aider v0.86.2",
      "Model: anthropic/claude-sonnet-4 with diff edit format",
      "Tokens: 2.3k sent, 450 received. Cost: $0.02 message, $0.02 session.",
      "Applied edit to src/a.py",
      "Tokens: 3.1k sent, 1.2k cache write, 2k cache hit, 120 received. Cost: $0.01 message, $0.03 session.",
    ].join("\n");
    expect(parseAider(out)).toEqual({
      figures: {
        model: "anthropic/claude-sonnet-4",
        costUsd: 0.03,
        turns: 2,
        tokens: { input: 5400, output: 570, cacheRead: 2000, cacheWrite: 1200 },
        denied: [],
      },
    });
  });
});

describe("failure line", () => {
  it("names the exit and the last error lines, not the agent's JSON events or waveplan's notes", () => {
    const log = 'starting\n{"type":"system"}\nbash: line 1: claude: command not found\n[waveplan] stopping\n';
    expect(exitDescription(127, null, log)).toBe("exited with code 127: bash: line 1: claude: command not found");
    expect(exitDescription(1, null, "")).toBe("exited with code 1");
  });
});

describe("validate: agent settings", () => {
  const check = (agent: string, instances = "  a: { role: Writer }") =>
    checkPlan(
      `version: 1\nname: p\ninstances:\n${instances}\nagent: ${agent}\nwaves:\n  - id: W1\n    tasks:\n      - { instance: a, prompt: do it }\n`,
      "plan.yml",
    )
      .diagnostics.sorted()
      .map((d) => `${d.line}:${d.col} ${d.severity} [${d.rule}] ${d.message}`);

  it("warns about a command without setup, a tool list that runs no commands, and keys a CLI cannot honour", () => {
    expect(check("{ command: my-agent }")).toEqual([
      "5:10 warning [agent-setup] agent.command has no agent.setup: on a GitHub runner nothing installs the agent, so prompt tasks fail with `command not found` (use agent.preset, or install it in agent.setup)",
    ]);
    expect(check("{ preset: claude-code, tools: [Read, Edit] }")).toEqual([
      "5:31 warning [agent-tools] agent.tools lets claude-code run no commands (no Bash): it cannot run tests or builds, and such calls are denied",
    ]);
    expect(check("{ preset: claude-code, tools: [Read, 'Bash(npm test)'] }")).toEqual([]);
    expect(check("{ preset: codex, max-turns: 5 }")).toEqual([
      "5:25 warning [agent-support] agent.max-turns is not enforced for codex tasks: the codex CLI has no flag for it",
    ]);
  });

  it("refuses an agent with neither preset nor command, or both, and unknown keys", () => {
    expect(check("{ setup: npm i }")[0]).toMatch(/error \[missing-key\] agent is missing required key "preset" .* or "command"/);
    expect(check("{ preset: codex, command: x }")[0]).toMatch(/error \[agent\] agent has both preset "codex" and a command/);
    expect(check("{ preset: claude-code, max_turns: 3 }")[0]).toMatch(/error \[unknown-key\] unexpected key "max_turns"/);
    expect(check("{ preset: cursor }")[0]).toMatch(/error \[value\] agent.preset must be one of "claude-code", "codex", "gemini", "aider"/);
    // an instance's preset is enough for its tasks
    expect(check("{ preset: gemini }", "  a: { role: Writer, agent: { preset: claude-code, model: opus } }")).toEqual([]);
  });

  it("preamble: false sends the prompt alone", () => {
    const p = plan({ preset: "claude-code", preamble: false });
    expect(promptText(p, p.tasks[0])).toBe("do it");
    const q = plan({ preset: "claude-code" });
    expect(promptText(q, q.tasks[0])).toMatch(/^You are Writer .*\n---\n\ndo it$/s);
  });
});

describe("task hash", () => {
  it("ignores budgets, models, presets and versions (finished checkpoints stay valid; --redo runs a task again on purpose)", () => {
    const base = plan({ preset: "claude-code" });
    const hash = (p: ReturnType<typeof plan>) => taskHash(p, p.tasks[0]);
    expect(hash(plan({ preset: "claude-code", model: "opus", budget: { "task-usd": 1, "run-usd": 9 } }))).toBe(hash(base));
    expect(hash(plan({ preset: "codex" }))).toBe(hash(base));
    expect(hash(plan({ preset: "claude-code", version: "2.1.300" }))).toBe(hash(base));
    const p = plan({ preset: "claude-code" }, { agent: { preset: "gemini" } });
    expect(taskHash(p, p.tasks[1])).toBe(taskHash(base, base.tasks[1]));
    // what the agent may do changes what the task does
    expect(hash(plan({ preset: "claude-code", tools: ["Read"] }))).not.toBe(hash(base));
  });
});

describe("the agent configuration a sandboxed task gets in its private home", () => {
  it("is each preset's own paths, every preset's for a plain command, and nothing for a plan of scripts", () => {
    expect(homeShareFor(plan({ preset: "claude-code" }))).toEqual([".claude", ".claude.json"]);
    expect(homeShareFor(plan({ preset: "claude-code" }, { agent: { preset: "codex" } }))).toEqual([".claude", ".claude.json", ".codex"]);
    expect(homeShareFor(plan({ command: "my-agent", setup: "true" }))).toEqual([...DEFAULT_HOME_SHARE].sort());
    const scripts = normalizePlan(
      planSchema.parse({
        version: 1,
        name: "s",
        instances: { a: { role: "R" } },
        waves: [{ id: "W1", tasks: [{ instance: "a", run: "true" }] }],
      }),
    );
    expect(homeShareFor(scripts)).toEqual([]);
  });
});
