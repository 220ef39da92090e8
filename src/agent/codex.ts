/**
 * OpenAI Codex CLI (`@openai/codex`), headless: `codex exec --json -` reads the prompt from stdin
 * (`codex exec --help`: "If not provided as an argument (or if `-` is used), instructions are read from
 * stdin") and prints one JSON event a line: thread.started, turn.started, item.*, turn.completed
 * (`usage: { input_tokens, cached_input_tokens, output_tokens }`), turn.failed (`error.message`), error.
 *
 * Permissions: `--dangerously-bypass-approvals-and-sandbox` ("Intended solely for running in
 * environments that are externally sandboxed", `codex exec --help` of 0.171.0) — waveplan's task sandbox
 * is that environment, and Codex's own Landlock/seccomp sandbox cannot nest inside it. Codex has no
 * allow-list of tools, no turn limit and no budget flag: those plan keys draw a warning. Auth:
 * OPENAI_API_KEY or CODEX_API_KEY (both read by the 0.171.0 binary), or `codex login` (~/.codex/auth.json).
 */
import { PRESET_CAPABILITIES } from "../plan/agent-capabilities.js";
import { type AgentPreset, jsonLines, num, type ParsedRun } from "./preset.js";

export const codex: AgentPreset = {
  name: "codex",
  ...PRESET_CAPABILITIES["codex"],
  testedVersion: "0.171.0",
  install: { kind: "npm", package: "@openai/codex" },
  secrets: ["OPENAI_API_KEY", "CODEX_API_KEY"],
  loginFiles: [".codex/auth.json"],
  configPaths: [".codex"],
  invocation(s) {
    const args = ["exec", "--json", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"];
    if (s.model) args.push("--model", s.model);
    args.push("-");
    return { args, env: {} };
  },
  parse: parseCodex,
};

export function parseCodex(output: string): ParsedRun {
  const events = jsonLines(output).filter((e) => typeof e.type === "string");
  if (!events.some((e) => e.type === "thread.started" || e.type === "turn.completed" || e.type === "turn.failed")) return {};
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let turns = 0;
  for (const e of events) {
    if (e.type !== "turn.completed" && e.type !== "turn.failed") continue;
    turns++;
    const u = (e.usage ?? {}) as Record<string, unknown>;
    // input_tokens includes the cached part (OpenAI usage semantics): report them apart
    const cached = num(u.cached_input_tokens);
    tokens.input += Math.max(0, num(u.input_tokens) - cached);
    tokens.cacheRead += cached;
    tokens.output += num(u.output_tokens);
  }
  const run: ParsedRun = { figures: { turns, tokens, denied: [] } };
  const failed = events.findLast((e) => e.type === "turn.failed" || e.type === "error");
  const completedAfter = failed && events.indexOf(failed) < events.findLastIndex((e) => e.type === "turn.completed");
  if (failed && !completedAfter) {
    const err = failed.type === "turn.failed" ? (failed.error as Record<string, unknown> | undefined)?.message : failed.message;
    run.gaveUp = `the agent stopped with an error: ${String(err ?? "turn failed")
      .split("\n")[0]
      .slice(0, 300)}`;
  }
  return run;
}
