/**
 * An agent preset: what waveplan knows about one agent CLI — how to run it headless with the prompt on
 * stdin, which flags let it edit files and run commands without asking (inside the sandbox, which is
 * the safety boundary), how the plan's `tools`, `model`, `max-turns` and `budget.task-usd` map to its
 * flags, how a runner installs a pinned version, which secrets authenticate it, which home-relative
 * config paths it needs, and how to read its machine output. Pure: no processes, no files.
 */
import type { AgentFigures } from "../checkpoint/record.js";

import type { PresetCapabilities, PresetName } from "../plan/agent-capabilities.js";

export { PRESET_NAMES, type PresetName } from "../plan/agent-capabilities.js";

/** What one prompt task asks of its agent, with the plan's and the instance's settings combined. */
export interface AgentSettings {
  preset: PresetName;
  version: string;
  model?: string;
  tools?: string[];
  maxTurns?: number;
  taskUsd?: number;
}

/** How the CLI is started: argv (never a shell string) and the variables it needs on top of the task's. */
export interface Invocation {
  args: string[];
  env: Record<string, string>;
}

/** What the CLI's output says about the run. */
export interface ParsedRun {
  /** absent when the output held no machine-readable summary (the CLI died before writing one) */
  figures?: Omit<AgentFigures, "preset">;
  /** why the agent gave up although it may have exited 0: max turns, budget, API error */
  gaveUp?: string;
}

/** Where runners keep installed agent CLIs, relative to the home folder (the path `actions/cache` saves). */
export const RUNNER_AGENT_DIR = ".cache/waveplan/agents";

/** How a runner installs the CLI into a folder of its own: `prefix`, with the program in `binDir`. */
export type InstallMethod = { kind: "npm"; package: string } | { kind: "pip"; package: string };

export interface AgentPreset extends PresetCapabilities {
  name: PresetName;
  /** the version the tests ran; `agent.version` defaults to it */
  testedVersion: string;
  install: InstallMethod;
  /** any one of these variables authenticates the CLI (checked before the task starts) */
  secrets: string[];
  /** home-relative files that hold a login made with the CLI itself (an alternative to the secrets) */
  loginFiles: string[];
  /** home-relative config paths the CLI reads and writes (what a private home must expose) */
  configPaths: string[];
  /** the headless command line for one task; the prompt is on stdin (a regular file) */
  invocation(s: AgentSettings, promptFile: string): Invocation;
  /** reads the CLI's stdout+stderr (as the task log holds it) */
  parse(output: string): ParsedRun;
}

/** The JSON objects among the lines of `output` (other lines — progress, warnings — are skipped). */
export function jsonLines(output: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of output.split("\n")) {
    const s = line.trim();
    if (!s.startsWith("{") || !s.endsWith("}")) continue;
    try {
      const v = JSON.parse(s);
      if (v && typeof v === "object" && !Array.isArray(v)) out.push(v);
    } catch {}
  }
  return out;
}

export function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}
