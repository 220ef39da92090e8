/**
 * The presets by name, and the settings one prompt task runs with: the plan's `agent`, with its
 * instance's `agent.preset`/`agent.model` taking precedence.
 */
import type { Agent, Plan, Task } from "../plan/model.js";
import { aider } from "./aider.js";
import { claudeCode } from "./claude-code.js";
import { codex } from "./codex.js";
import { gemini } from "./gemini.js";
import type { AgentPreset, AgentSettings, PresetName } from "./preset.js";

export const PRESETS: Record<PresetName, AgentPreset> = { "claude-code": claudeCode, codex, gemini, aider };

/** The preset and settings `task` runs with, or undefined when its agent is a plain `command`. */
export function agentSettings(plan: Plan, task: Task): AgentSettings | undefined {
  const agent = plan.agent;
  const instance = plan.instances.find((i) => i.id === task.instance)?.agent;
  const name = instance?.preset ?? agent?.preset;
  if (!name) return undefined;
  const preset = PRESETS[name];
  // a version pinned for another preset does not carry over to an instance that switches presets
  const version = agent?.preset === name && agent.version ? agent.version : preset.testedVersion;
  return {
    preset: name,
    version,
    model: instance?.model ?? (instance?.preset && instance.preset !== agent?.preset ? undefined : agent?.model),
    tools: agent?.tools,
    maxTurns: agent?.maxTurns,
    taskUsd: agent?.budget?.taskUsd,
  };
}

/** Every (preset, version) the plan's prompt tasks use, for installs and caches. */
export function presetsUsed(plan: Plan, tasks: readonly Task[] = plan.tasks): AgentSettings[] {
  const seen = new Map<string, AgentSettings>();
  for (const t of tasks) {
    if (t.kind !== "prompt") continue;
    const s = agentSettings(plan, t);
    if (s) seen.set(`${s.preset}@${s.version}`, s);
  }
  return [...seen.values()].sort((a, b) => a.preset.localeCompare(b.preset));
}

/** The secret names a prompt task gets on GitHub: `agent.secrets`, else every preset's defaults. */
export function agentSecretNames(plan: Plan): string[] {
  if (plan.agent?.secrets?.length) return plan.agent.secrets;
  return [...new Set(presetsUsed(plan).flatMap((s) => PRESETS[s.preset].secrets))];
}

export type { Agent };
