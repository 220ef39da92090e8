/**
 * What the plan layer knows of each agent preset: its name, its program, and which plan keys its CLI
 * can honour — the facts validation needs. src/agent/ builds each preset on these (one source),
 * adding how to run, install and read the CLI; the plan layer never imports src/agent/.
 */
export const PRESET_NAMES = ["claude-code", "codex", "gemini", "aider"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetCapabilities {
  /** the program's name on PATH */
  bin: string;
  /** which plan keys the CLI can honour (the others draw a warning) */
  supports: { tools: boolean; maxTurns: boolean; taskUsd: boolean };
  /** tool names in `tools` that let the agent run commands (tests, builds) */
  commandTools: string[];
}

export const PRESET_CAPABILITIES: Record<PresetName, PresetCapabilities> = {
  "claude-code": { bin: "claude", supports: { tools: true, maxTurns: true, taskUsd: true }, commandTools: ["Bash"] },
  codex: { bin: "codex", supports: { tools: false, maxTurns: false, taskUsd: false }, commandTools: [] },
  gemini: { bin: "gemini", supports: { tools: true, maxTurns: false, taskUsd: false }, commandTools: ["run_shell_command"] },
  aider: { bin: "aider", supports: { tools: false, maxTurns: false, taskUsd: false }, commandTools: [] },
};
