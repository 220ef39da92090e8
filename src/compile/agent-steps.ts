/**
 * What a job with prompt tasks needs for its agents: an `actions/cache` step that keeps each preset's
 * pinned CLI (installed by the action into ~/.cache/waveplan/agents/<preset>-<version>, agent/install.ts)
 * between the jobs of a run, and the environment of the prompt-task step — `agent.secrets` (default: the
 * presets' own) from `secrets.*` and `agent.vars` from `vars.*`. Only names reach the workflow, never plan
 * text: preset names are an enum and versions match [0-9A-Za-z.+_-].
 */
import { RUNNER_AGENT_DIR } from "../agent/preset.js";
import { agentSecretNames, presetsUsed } from "../agent/presets.js";
import type { Plan, Task } from "../plan/model.js";
import { expr } from "./ids.js";
import { PINS, pinnedRef } from "./pins.js";

type Step = Record<string, unknown>;

/** The cache step for the presets `tasks` use, or undefined when they use none. */
export function agentCacheStep(plan: Plan, tasks: Task[], onlyPrompt: boolean): Step | undefined {
  const used = presetsUsed(plan, tasks);
  if (used.length === 0) return undefined;
  const names = used.map((s) => `${s.preset}-${s.version}`);
  return {
    name: `Cache the agent CLI (${used.map((s) => `${s.preset} ${s.version}`).join(", ")})`,
    ...(onlyPrompt ? { if: "matrix.kind == 'prompt'" } : {}),
    uses: pinnedRef(PINS.cache),
    with: {
      path: names.map((n) => `~/${RUNNER_AGENT_DIR}/${n}`).join("\n"),
      key: `waveplan-agent-${names.join("-")}-${expr("runner.os")}-${expr("runner.arch")}`,
    },
  };
}

/** The environment of a prompt task's step: its secrets and repository variables, by name. */
export function agentStepEnv(plan: Plan): Record<string, string> {
  return Object.fromEntries([
    ...agentSecretNames(plan).map((s) => [s, expr(`secrets.${s}`)]),
    ...(plan.agent?.vars ?? []).map((v) => [v, expr(`vars.${v}`)]),
  ]);
}
