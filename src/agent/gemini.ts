/**
 * Gemini CLI (`@google/gemini-cli`), headless: stdin that is not a terminal is the prompt, and
 * `--output-format json` prints one object at the end: `response`, `stats.models.<name>.tokens`
 * (`prompt`, `candidates`, `cached`, …), `stats.tools.totalDecisions` and `error` (docs/cli/headless.md:
 * exit 1 for an API failure, 53 when the turn limit is exceeded).
 *
 * Permissions: `--approval-mode yolo` approves every tool call (docs/cli/cli-reference.md); with a
 * `tools` list, `--allowed-tools` approves only those and headless mode refuses the rest. Gemini has no
 * turn-limit or budget flag (the turn limit is the `model.maxSessionTurns` setting): those plan keys draw
 * a warning. Auth: GEMINI_API_KEY (or GOOGLE_API_KEY for Vertex AI) — docs/get-started/authentication.md.
 */
import { PRESET_CAPABILITIES } from "../plan/agent-capabilities.js";
import { type AgentPreset, num, type ParsedRun } from "./preset.js";

export const gemini: AgentPreset = {
  name: "gemini",
  ...PRESET_CAPABILITIES["gemini"],
  testedVersion: "0.61.0",
  install: { kind: "npm", package: "@google/gemini-cli" },
  secrets: ["GEMINI_API_KEY", "GOOGLE_API_KEY"],
  loginFiles: [".gemini/oauth_creds.json"],
  configPaths: [".gemini"],
  invocation(s) {
    const args = ["--output-format", "json"];
    if (s.tools) args.push("--allowed-tools", s.tools.join(","));
    else args.push("--approval-mode", "yolo");
    if (s.model) args.push("--model", s.model);
    // headless in an untrusted folder, Gemini overrides the approval mode to "default" ("Approval mode
    // overridden to default because the current folder is not trusted", seen with 0.61.0); the task's
    // slot is waveplan's own checkout (packages/cli/src/config/trustedFolders.ts, checkPathTrust)
    return { args, env: { GEMINI_CLI_TRUST_WORKSPACE: "true" } };
  },
  parse: parseGemini,
};

export function parseGemini(output: string): ParsedRun {
  const doc = lastJsonDocument(output);
  if (!doc || (!("response" in doc) && !("stats" in doc) && !("error" in doc))) return {};
  const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const stats = (doc.stats ?? {}) as Record<string, unknown>;
  const models = (stats.models ?? {}) as Record<string, { tokens?: Record<string, unknown>; api?: Record<string, unknown> }>;
  let turns = 0;
  for (const m of Object.values(models)) {
    const t = m.tokens ?? {};
    // prompt includes the cached tokens (stats.models.*.tokens in docs/cli/headless.md)
    tokens.input += Math.max(0, num(t.prompt) - num(t.cached));
    tokens.cacheRead += num(t.cached);
    tokens.output += num(t.candidates) + num(t.thoughts);
    turns += num(m.api?.totalRequests);
  }
  const decisions = ((stats.tools as Record<string, unknown> | undefined)?.byName ?? {}) as Record<string, Record<string, unknown>>;
  const denied = Object.entries(decisions).flatMap(([tool, v]) => {
    const rejected = num((v.decisions as Record<string, unknown> | undefined)?.reject);
    return Array.from({ length: rejected }, () => ({ tool }));
  });
  const model = Object.keys(models)[0];
  const run: ParsedRun = { figures: { ...(model ? { model } : {}), turns, tokens, denied } };
  const error = doc.error as Record<string, unknown> | undefined;
  if (error)
    run.gaveUp = `the agent stopped with an error: ${String(error.message ?? error.type ?? "error")
      .split("\n")[0]
      .slice(0, 300)}`;
  return run;
}

/** The last top-level JSON object in the output (pretty-printed over several lines). */
function lastJsonDocument(output: string): Record<string, unknown> | undefined {
  let at = output.lastIndexOf("\n{");
  const starts: number[] = [];
  if (output.startsWith("{")) starts.push(0);
  while (at !== -1) {
    starts.push(at + 1);
    at = output.lastIndexOf("\n{", at - 1);
  }
  for (const s of starts.sort((a, b) => a - b)) {
    const end = output.lastIndexOf("}");
    try {
      const v = JSON.parse(output.slice(s, end + 1));
      if (v && typeof v === "object" && !Array.isArray(v)) return v;
    } catch {}
  }
  return undefined;
}
