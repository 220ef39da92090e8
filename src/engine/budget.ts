/**
 * Spending limits, from the cost each agent CLI reported (`record.agent.costUsd`; never a guessed
 * price). Pure: the local runner and the GitHub task job give it the records they have.
 *
 * `agent.budget.run-usd`: no task starts once the run has spent the budget. What the run has spent is
 * the sum over its checkpoints — one per task, the latest attempt's (a task run again replaces its
 * record, so an earlier failed attempt's cost is not counted twice, nor at all). Locally that is every
 * checkpoint of the run so far; on GitHub a task job sees only its upstream checkpoints (its parallel
 * siblings are still running), so a wave can overshoot by what its own tasks spend — as it can locally,
 * where a wave's tasks start together.
 *
 * `agent.budget.task-usd`: where the CLI has a limit of its own (Claude Code `--max-budget-usd`) the
 * preset passes it and the CLI stops itself; otherwise a task that reports more than the budget fails.
 */
import type { AgentFigures, CheckpointRecord } from "../checkpoint/record.js";
import { formatUsd, roundUsd } from "../report/agent-totals.js";

export interface RunBudget {
  usd: number;
  /** where it was set, for the message: `agent.budget.run-usd` or `--run-budget-usd` */
  source: string;
  /** how to continue with more, for the message (locally and on GitHub the ways differ) */
  raise: string;
}

/** How to continue a local run stopped by its budget. */
export const RAISE_LOCALLY = "raise agent.budget.run-usd in the plan, or pass run --run-budget-usd, and --resume";
/** How to continue a GitHub run stopped by its budget. */
export const RAISE_ON_GITHUB = "raise agent.budget.run-usd in the plan, compile, commit, and dispatch a run with resume-from";

export interface Spend {
  usd: number;
  /** the tasks that spent anything, the most expensive first */
  tasks: { task: string; usd: number }[];
  /** tasks whose CLI reported no cost: they count as nothing (their tokens are not priced here) */
  unpriced: string[];
}

export function spentBy(records: Iterable<Pick<CheckpointRecord, "task" | "agent">>): Spend {
  const spend: Spend = { usd: 0, tasks: [], unpriced: [] };
  for (const r of records) {
    if (!r.agent) continue;
    if (typeof r.agent.costUsd !== "number") spend.unpriced.push(r.task.id);
    else if (r.agent.costUsd > 0) {
      spend.usd += r.agent.costUsd;
      spend.tasks.push({ task: r.task.id, usd: r.agent.costUsd });
    }
  }
  spend.usd = roundUsd(spend.usd);
  spend.tasks.sort((a, b) => b.usd - a.usd || a.task.localeCompare(b.task));
  return spend;
}

/** Why `task` must not start, or undefined when the run is still within its budget. */
export function runBudgetRefusal(task: string, budget: RunBudget | undefined, spend: Spend): string | undefined {
  if (!budget || spend.usd < budget.usd) return undefined;
  const top = spend.tasks.slice(0, 5).map((t) => `${t.task} ${formatUsd(t.usd)}`);
  const more = spend.tasks.length > top.length ? `, and ${spend.tasks.length - top.length} more` : "";
  return (
    `run budget spent: ${formatUsd(spend.usd)} of ${budget.source} ${formatUsd(budget.usd)} (${top.join(", ")}${more}); ` +
    `task "${task}" was not started. To continue, ${budget.raise}: finished tasks are not run again`
  );
}

/** A task that reported more than `agent.budget.task-usd` fails (for CLIs that cannot stop themselves). */
export function taskBudgetFailure(agent: AgentFigures | undefined, taskUsd: number | undefined): string | undefined {
  if (taskUsd === undefined || typeof agent?.costUsd !== "number" || agent.costUsd <= taskUsd) return undefined;
  return `spent ${formatUsd(agent.costUsd)}, over agent.budget.task-usd ${formatUsd(taskUsd)}`;
}

/** `--run-budget-usd` (a number of dollars), or undefined when the flag is absent; throws on anything else. */
export function parseUsd(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const usd = Number(value.trim().replace(/^\$/, ""));
  if (!value.trim() || !Number.isFinite(usd) || usd <= 0)
    throw new RangeError(`${what} must be a positive amount of US dollars, e.g. 5 or 0.50; got "${value}"`);
  return usd;
}
