/**
 * Aider (`aider-chat` on PyPI), headless: `--message-file` with the prompt file (Aider reads it with
 * open(), so a regular file works where `/dev/stdin` on a socket did not), `--yes-always` to accept its
 * confirmations, `--no-auto-commits --no-dirty-commits` because waveplan captures the change, and
 * `--no-gitignore` so Aider does not edit .gitignore for its own files (aider/args.py).
 *
 * Aider cannot run shell commands headless: with `--yes-always` a confirmation that needs an explicit
 * yes (running the shell commands it suggests) is answered "no" (aider/io.py, confirm_ask,
 * explicit_yes_required) — so a plan whose tasks must run tests draws a warning. Figures come from its
 * text output, the line aider/coders/base_coder.py (calculate_and_show_tokens_and_cost) prints after
 * each message: "Tokens: 2.3k sent, 450 received. Cost: $0.02 message, $0.05 session." — tokens per
 * message (summed here), cost as the session total. No turn limit, tool list or budget flag.
 */
import { PRESET_CAPABILITIES } from "../plan/agent-capabilities.js";
import type { AgentPreset, ParsedRun } from "./preset.js";

export const aider: AgentPreset = {
  name: "aider",
  ...PRESET_CAPABILITIES["aider"],
  testedVersion: "0.86.2",
  install: { kind: "pip", package: "aider-chat" },
  secrets: ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY", "DEEPSEEK_API_KEY"],
  loginFiles: [],
  configPaths: [".aider"],
  invocation(s, promptFile) {
    const args = [
      "--yes-always",
      "--no-auto-commits",
      "--no-dirty-commits",
      "--no-gitignore",
      "--no-check-update",
      "--no-analytics",
      "--no-show-model-warnings",
      "--no-pretty",
      "--no-stream",
    ];
    if (s.model) args.push("--model", s.model);
    args.push("--message-file", promptFile);
    return { args, env: {} };
  },
  parse: parseAider,
};

const TOKENS =
  /Tokens: ([\d.,]+k?) sent(?:, ([\d.,]+k?) cache write)?(?:, ([\d.,]+k?) cache hit)?, ([\d.,]+k?) received\.(?: Cost: \$([\d.]+) message, \$([\d.]+) session\.)?/g;

export function parseAider(output: string): ParsedRun {
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  let turns = 0;
  let cost: number | undefined;
  for (const m of output.matchAll(TOKENS)) {
    turns++;
    tokens.input += count(m[1]);
    tokens.cacheWrite += count(m[2]);
    tokens.cacheRead += count(m[3]);
    tokens.output += count(m[4]);
    if (m[6] !== undefined) cost = Number(m[6]);
  }
  const model = /^Model: (\S+)/m.exec(output)?.[1];
  if (turns === 0 && !model) return {};
  const run: ParsedRun = {
    figures: { ...(model ? { model } : {}), ...(cost !== undefined ? { costUsd: cost } : {}), turns, tokens, denied: [] },
  };
  // litellm errors end a message without a reply; aider prints them and exits 0 (aider/coders/base_coder.py send_message)
  const apiError = /^(litellm\.\w+Error: .*)$/m.exec(output)?.[1];
  if (apiError && turns === 0) run.gaveUp = `the agent stopped with an error: ${apiError.slice(0, 300)}`;
  return run;
}

/** "2.3k" → 2300, "1,250" → 1250 (aider's format_tokens). */
function count(s: string | undefined): number {
  if (!s) return 0;
  const t = s.replace(/,/g, "");
  return Math.round(t.endsWith("k") ? Number(t.slice(0, -1)) * 1000 : Number(t));
}
