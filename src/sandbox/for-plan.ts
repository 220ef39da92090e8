/** The sandbox a plan's tasks run in, or none when it says `sandbox: off`. */
import { agentSettings, PRESETS } from "../agent/presets.js";
import type { Plan } from "../plan/model.js";
import { openSandbox } from "./open.js";
import { DEFAULT_HOME_SHARE, type Sandbox } from "./sandbox.js";

/**
 * @param homeShare home-relative paths of the agents' configuration copied into each task's private
 * home; by default what the plan's agents need (homeShareFor)
 */
export async function sandboxForPlan(plan: Plan, homeShare: readonly string[] = homeShareFor(plan)): Promise<Sandbox | undefined> {
  if (plan.sandbox === "off") return undefined;
  return openSandbox({ network: plan.sandbox?.network !== false, homeShare });
}

/**
 * The agent configuration a plan's tasks need in their private home: each preset's own paths (a user
 * logged in with the CLI keeps working); for an `agent.command`, which may start any CLI, every
 * preset's; none for a plan of scripts, which then pays for no copy.
 */
export function homeShareFor(plan: Plan): readonly string[] {
  const prompts = plan.tasks.filter((t) => t.kind === "prompt");
  if (prompts.length === 0) return [];
  const paths = new Set<string>();
  for (const t of prompts) {
    const settings = agentSettings(plan, t);
    for (const p of settings ? PRESETS[settings.preset].configPaths : DEFAULT_HOME_SHARE) paths.add(p);
  }
  return [...paths].sort();
}

/** What the run's output says about tasks' isolation. */
export function sandboxNote(sandbox: Sandbox | undefined): string {
  return sandbox
    ? `tasks are sandboxed (${sandbox.tool})`
    : "tasks are NOT sandboxed (sandbox: off): each can read and write whatever this user can; only the process scan contains them";
}
