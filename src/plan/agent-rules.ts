/**
 * Semantic checks of `agent:` and `instances.<id>.agent` (validate.ts calls them): which agent runs
 * each prompt task, and the settings a preset cannot honour.
 */
import { PRESET_CAPABILITIES } from "./agent-capabilities.js";
import type { DiagnosticList, Position } from "./diagnostics.js";
import type { Plan, SourcePath, Task } from "./model.js";

type Locate = (path: SourcePath, key?: boolean) => Position;

/** A prompt task needs an agent: the plan's preset or command, or its instance's preset. */
export function promptTaskAgent(plan: Plan, t: Task): boolean {
  const instancePreset = plan.instances.find((i) => i.id === t.instance)?.agent?.preset;
  return Boolean(instancePreset || plan.agent?.preset || plan.agent?.command);
}

export function checkAgent(plan: Plan, d: DiagnosticList, locate: Locate): void {
  const agent = plan.agent;
  const prompts = plan.tasks.filter((t) => t.kind === "prompt");
  if (!agent) return;
  if (!agent.preset && !agent.command) {
    d.error(
      "missing-key",
      `agent is missing required key "preset" (claude-code, codex, gemini, aider) or "command" (any other agent)`,
      locate(["agent"], true),
    );
    return;
  }
  if (agent.preset && agent.command)
    d.error(
      "agent",
      `agent has both preset "${agent.preset}" and a command; use the preset, or a command for an agent without one`,
      locate(["agent", "command"], true),
    );
  if (prompts.length === 0) return;
  if (agent.command && !agent.preset && !agent.setup)
    d.warning(
      "agent-setup",
      "agent.command has no agent.setup: on a GitHub runner nothing installs the agent, so prompt tasks fail with `command not found` (use agent.preset, or install it in agent.setup)",
      locate(["agent", "command"], true),
    );
  const presets = new Set(prompts.map((t) => plan.instances.find((i) => i.id === t.instance)?.agent?.preset ?? agent.preset));
  for (const name of presets) {
    if (!name) continue;
    const preset = PRESET_CAPABILITIES[name];
    const unsupported = [
      agent.tools && !preset.supports.tools ? "tools" : undefined,
      agent.maxTurns !== undefined && !preset.supports.maxTurns ? "max-turns" : undefined,
      agent.budget?.taskUsd !== undefined && !preset.supports.taskUsd ? "budget.task-usd" : undefined,
    ].filter((k): k is string => k !== undefined);
    for (const key of unsupported)
      d.warning(
        "agent-support",
        `agent.${key} is not enforced for ${name} tasks: the ${preset.bin} CLI has no flag for it`,
        locate(["agent", ...key.split(".")], true),
      );
    if (agent.tools && preset.supports.tools && !agent.tools.some((tool) => preset.commandTools.includes(tool.replace(/\(.*$/, ""))))
      d.warning(
        "agent-tools",
        `agent.tools lets ${name} run no commands (no ${preset.commandTools.join(" or ")}): it cannot run tests or builds, and such calls are denied`,
        locate(["agent", "tools"], true),
      );
  }
}
