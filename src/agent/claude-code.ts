/**
 * Claude Code (`@anthropic-ai/claude-code`), headless: `claude -p` with the prompt on stdin and
 * `--output-format stream-json --verbose` (one JSON object a line; the last, `type: "result"`, carries
 * `total_cost_usd`, `usage`, `num_turns`, `permission_denials`, `is_error` and `subtype`).
 *
 * Sources: the CLI reference (code.claude.com/docs/en/cli-reference: -p, --output-format, --model,
 * --max-turns "print mode only", --allowedTools, --permission-mode, --dangerously-skip-permissions,
 * --max-budget-usd) and `claude --help` of 2.1.332; `dontAsk` denies every tool not pre-approved by
 * --allowedTools instead of prompting, and the result's `permission_denials` lists what was refused
 * (seen against the scripted model server, test/agent/claude-code.test.ts). As root the CLI refuses
 * --dangerously-skip-permissions unless IS_SANDBOX=1 (anthropics/claude-code#3490, #9184: "cannot be
 * used with root/sudo privileges"); waveplan's task sandbox is the boundary, so it sets IS_SANDBOX=1.
 * `error_max_turns` exits 1; `error_max_budget_usd` and API errors may exit 0 with `is_error: true`.
 */
import { PRESET_CAPABILITIES } from "../plan/agent-capabilities.js";
import { type AgentPreset, jsonLines, num, type ParsedRun } from "./preset.js";

export const claudeCode: AgentPreset = {
  name: "claude-code",
  ...PRESET_CAPABILITIES["claude-code"],
  testedVersion: "2.1.332",
  install: { kind: "npm", package: "@anthropic-ai/claude-code" },
  // code.claude.com/docs/en/authentication, /setup-token: an API key, an OAuth token from
  // `claude setup-token`, or a gateway's bearer token
  secrets: ["ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN"],
  loginFiles: [".claude/.credentials.json"],
  configPaths: [".claude", ".claude.json"],
  invocation(s) {
    const args = ["-p", "--output-format", "stream-json", "--verbose"];
    if (s.tools) {
      // only the listed tools, never a prompt: anything else is denied and reported
      args.push("--permission-mode", "dontAsk", "--allowedTools", s.tools.join(","));
    } else {
      args.push("--dangerously-skip-permissions");
    }
    if (s.model) args.push("--model", s.model);
    if (s.maxTurns !== undefined) args.push("--max-turns", String(s.maxTurns));
    if (s.taskUsd !== undefined) args.push("--max-budget-usd", String(s.taskUsd));
    return {
      args,
      env: {
        IS_SANDBOX: "1",
        // code.claude.com/docs/en/settings (environment variables): no self-update inside a task
        DISABLE_AUTOUPDATER: "1",
      },
    };
  },
  parse: parseClaudeCode,
};

export function parseClaudeCode(output: string): ParsedRun {
  const lines = jsonLines(output);
  const result = lines.findLast((l) => l.type === "result");
  const init = lines.find((l) => l.type === "system" && l.subtype === "init");
  if (!result) return {};
  const usage = (result.usage ?? {}) as Record<string, unknown>;
  const denials = Array.isArray(result.permission_denials) ? (result.permission_denials as Record<string, unknown>[]) : [];
  const modelUsage = result.modelUsage && typeof result.modelUsage === "object" ? Object.keys(result.modelUsage) : [];
  const model = typeof init?.model === "string" ? init.model : modelUsage[0];
  const run: ParsedRun = {
    figures: {
      ...(model ? { model } : {}),
      ...(typeof result.total_cost_usd === "number" ? { costUsd: result.total_cost_usd } : {}),
      ...(typeof result.num_turns === "number" ? { turns: result.num_turns } : {}),
      tokens: {
        input: num(usage.input_tokens),
        output: num(usage.output_tokens),
        cacheRead: num(usage.cache_read_input_tokens),
        cacheWrite: num(usage.cache_creation_input_tokens),
      },
      denied: denials.map((d) => ({
        tool: String(d.tool_name ?? "?"),
        ...(d.tool_input !== undefined ? { input: inputText(d.tool_input) } : {}),
      })),
    },
  };
  if (result.is_error === true || (typeof result.subtype === "string" && result.subtype !== "success")) {
    run.gaveUp = givenUpReason(result);
  }
  return run;
}

function givenUpReason(result: Record<string, unknown>): string {
  const errors = Array.isArray(result.errors) ? result.errors.map(String).filter(Boolean) : [];
  if (result.subtype === "error_max_turns") {
    const m = errors.map((e) => /\((\d+)\)/.exec(e)).find(Boolean);
    return `max turns${m ? ` (${m[1]})` : ""} reached`;
  }
  if (result.subtype === "error_max_budget_usd") return `budget reached${errors.length ? `: ${errors.join("; ")}` : ""}`;
  const text = typeof result.result === "string" && result.result.trim() ? result.result.trim() : "";
  const what = errors.length ? errors.join("; ") : text || String(result.subtype ?? "error");
  const status = typeof result.api_error_status === "number" ? ` (API status ${result.api_error_status})` : "";
  return `the agent stopped with an error${status}: ${what.split("\n")[0].slice(0, 300)}`;
}

/** A denied call's input, short: the command for Bash, the path for file tools, else compact JSON. */
function inputText(input: unknown): string {
  if (input && typeof input === "object") {
    const o = input as Record<string, unknown>;
    for (const k of ["command", "file_path", "path", "pattern", "url"]) if (typeof o[k] === "string") return String(o[k]).slice(0, 200);
  }
  return JSON.stringify(input).slice(0, 200);
}
