/** The sandbox a plan's tasks run in, or none when it says `sandbox: off`. */
import type { Plan } from "../plan/model.js";
import { openSandbox } from "./open.js";
import { DEFAULT_HOME_SHARE, type Sandbox } from "./sandbox.js";

/**
 * @param homeShare home-relative paths of the agent's configuration copied into the private home (an
 * agent preset's list; the default covers Claude Code, Codex and Gemini CLI)
 */
export async function sandboxForPlan(plan: Plan, homeShare: readonly string[] = DEFAULT_HOME_SHARE): Promise<Sandbox | undefined> {
  if (plan.sandbox === "off") return undefined;
  return openSandbox({ network: plan.sandbox?.network !== false, homeShare });
}

/** What the run's output says about tasks' isolation. */
export function sandboxNote(sandbox: Sandbox | undefined): string {
  return sandbox
    ? `tasks are sandboxed (${sandbox.tool})`
    : "tasks are NOT sandboxed (sandbox: off): each can read and write whatever this user can; only the process scan contains them";
}
