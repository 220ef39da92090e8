import type { Plan, Task } from "./model.js";

/**
 * Limits of GitHub Actions that a plan runs into, in one place for the plan checks, `compile` and the
 * simulator.
 */

/**
 * "A matrix will generate a maximum of 256 jobs per workflow run. This limit applies to both
 * GitHub-hosted and self-hosted runners." — GitHub docs, Workflow syntax for GitHub Actions,
 * `jobs.<job_id>.strategy.matrix`.
 */
export const MATRIX_LIMIT = 256;

/**
 * The job time a task's job needs besides the task itself; the plan checks compare it with GitHub's
 * job limit and `compile` adds it to `timeout-minutes`. Here, not in compile/, because the plan layer
 * must not depend on the compiler above it.
 */
/** Minutes added to the longest task for checkout, upstream checkpoints and the checkpoint upload. */
export const JOB_OVERHEAD_MINUTES = 5;
/** Minutes added when the job runs `agent.setup` before a prompt task. */
export const SETUP_MINUTES = 10;

/** Set-up time a job's agent needs before its prompt tasks: agent.setup or a preset's install. */
export function agentSetupMinutes(plan: Plan, tasks: Task[]): number {
  const installs = plan.agent?.setup || plan.agent?.preset || plan.instances.some((i) => i.agent?.preset);
  return installs && tasks.some((t) => t.kind === "prompt") ? SETUP_MINUTES : 0;
}
