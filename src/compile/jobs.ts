/**
 * The jobs of one wave. A parallel wave is one matrix job (several when it has more tasks than a
 * matrix allows); a sequential wave is a chain of single-task jobs in plan order; a wave of one
 * task, either mode, is one plain job. Each wave's first job(s) `needs:` the previous wave's last
 * job(s), so the barrier between waves is GitHub's own.
 *
 * What a job knows about its task is the id only (`matrix.task`, or a literal id in a chain job): the
 * action reads the script or prompt, env, timeout and retries from the plan file. Plan text never
 * reaches a `run:` script or a `${{ }}` expression.
 *
 * `agent.setup` and a preset's install are not workflow steps: the action runs them (once per job, before
 * a prompt task) from the hash-checked plan file, like any other plan script; an `actions/cache` step
 * keeps the installed CLI between the jobs of a run (agent-steps.ts). `agent.secrets` (default: the
 * preset's) and `agent.vars` become `env:` from `secrets.*` / `vars.*` on the action step of prompt tasks
 * only; a matrix mixing prompt and script tasks gets two action steps, selected by `matrix.kind`, so
 * script tasks never see the secrets.
 */
import { agentSetupMinutes, JOB_OVERHEAD_MINUTES, MATRIX_LIMIT } from "../plan/github-limits.js";
import { instanceOf, type Plan, type Task, type Wave } from "../plan/model.js";
import { agentCacheStep, agentStepEnv } from "./agent-steps.js";
import { expr, type JobIds, jobIdBase, literalText } from "./ids.js";
import { PINS, pinnedRef } from "./pins.js";

export type Job = Record<string, unknown>;

/** What building the jobs of one workflow needs: the plan, where it is, the action, the job ids. */
export interface WorkflowBuild {
  plan: Plan;
  planPath: string;
  actionRef: string;
  ids: JobIds;
}

export function checkoutStep(withFullHistory = false): Job {
  return {
    name: "Check out",
    uses: pinnedRef(PINS.checkout),
    with: withFullHistory ? { "persist-credentials": false, "fetch-depth": 0 } : { "persist-credentials": false },
  };
}

/** The jobs of `wave`, in order, and the ids the next wave must wait for. */
export function waveJobs(ctx: WorkflowBuild, wave: Wave, previous: string[]): { jobs: [string, Job][]; last: string[] } {
  const base = jobIdBase(wave.id);
  if (wave.tasks.length === 1) {
    // A single task needs neither a matrix nor a chain: a plain job with a literal id shows the same name.
    const [task] = wave.tasks;
    const id = ctx.ids.allocate(base);
    return { jobs: [[id, taskJob(ctx, `${wave.id} · ${task.instance} · ${task.id}`, previous, [task], task.id)]], last: [id] };
  }
  if (wave.mode === "sequential") {
    const jobs: [string, Job][] = [];
    let needs = previous;
    wave.tasks.forEach((task, i) => {
      const id = ctx.ids.allocate(`${base}-${i + 1}`);
      const name = `${wave.id} · ${i + 1}/${wave.tasks.length} · ${task.instance} · ${task.id}`;
      jobs.push([id, taskJob(ctx, name, needs, [task], task.id)]);
      needs = [id];
    });
    return { jobs, last: needs };
  }
  const parts = splitEvenly(wave.tasks, Math.ceil(wave.tasks.length / MATRIX_LIMIT));
  const jobs = parts.map((tasks, i): [string, Job] => {
    const single = parts.length === 1;
    const id = ctx.ids.allocate(single ? base : `${base}-part${i + 1}`);
    const label = single ? wave.id : `${wave.id} (part ${i + 1}/${parts.length})`;
    return [id, taskJob(ctx, `${label} · ${expr("matrix.instance")} · ${expr("matrix.task")}`, previous, tasks)];
  });
  return { jobs, last: jobs.map(([id]) => id) };
}

/** A job running `tasks`: one literal task (`taskId`) or a matrix over them. */
function taskJob(ctx: WorkflowBuild, name: string, needs: string[], tasks: Task[], taskId?: string): Job {
  const { plan } = ctx;
  const mixed = new Set(tasks.map((t) => t.kind)).size > 1;
  const job: Job = { name };
  if (needs.length) job.needs = needs.length === 1 ? needs[0] : needs;
  job["runs-on"] = plan.github.runsOn;
  job["timeout-minutes"] = timeoutMinutes(plan, tasks);
  // reading another run's checkpoints (input resume-from) goes through the REST API
  job.permissions = { ...RESUME_PERMISSIONS };
  if (taskId === undefined) {
    const include = tasks.map((t) => ({
      task: t.id,
      instance: t.instance,
      role: literalText(instanceOf(plan, t.instance)?.role ?? ""),
      ...(mixed ? { kind: t.kind } : {}),
    }));
    // fail-fast off by default: a failed task must not cancel siblings mid-work (their checkpoints,
    // often paid-for agent work, are kept and reused by a re-run or a resume-from run)
    job.strategy = { "fail-fast": plan.github.failFast ?? false, matrix: { include } };
  }
  const ref = taskId ?? expr("matrix.task");
  const env = agentStepEnv(plan);
  const step = (extra: Job): Job => ({
    ...extra,
    uses: ctx.actionRef,
    with: {
      command: "task",
      plan: ctx.planPath,
      task: ref,
      ...resumeInputs(taskId === undefined ? "matrix" : "literal"),
      redo: expr("inputs.redo"),
    },
  });
  const hasPrompt = tasks.some((t) => t.kind === "prompt");
  let steps: Job[];
  if (!hasPrompt || Object.keys(env).length === 0) steps = [step({ name: "Run task" })];
  else if (!mixed) steps = [{ ...step({ name: "Run task" }), env }];
  else
    steps = [
      { ...step({ name: "Run task (agent)", if: "matrix.kind == 'prompt'" }), env },
      step({ name: "Run task", if: "matrix.kind != 'prompt'" }),
    ];
  const cache = agentCacheStep(plan, tasks, mixed);
  if (cache) steps.unshift(cache);
  job.steps = [checkoutStep(), ...steps];
  return job;
}

/** A task job reads the artifacts of the run it resumes; nothing else needs more than `contents: read`. */
export const RESUME_PERMISSIONS = { contents: "read", actions: "read" } as const;

/** The plan job's id, whose outputs name the resumed run and its artifacts (action/validate.ts). */
export const PLAN_JOB = "plan";

/**
 * The action inputs that let a job reuse checkpoints of the run named by the dispatch input
 * `resume-from`. The token is passed only when that input is set (pull_request runs have no inputs).
 * The plan job lists that run once; every later job gets the run from its `resume-run` output and a
 * task job only its own artifact.
 */
export function resumeInputs(task?: "matrix" | "literal" | "none"): Job {
  const fromPlan = task === undefined ? {} : { "resume-run": expr(`needs.${PLAN_JOB}.outputs.resume-run`) };
  // a matrix job picks its task's entry; a job with a literal task id gets the listing and picks it
  // itself, so that no plan text (not even an id) is written into an expression
  const artifact =
    task === "matrix"
      ? {
          "resume-artifact": expr(
            `needs.${PLAN_JOB}.outputs.resume-run && toJSON(fromJSON(needs.${PLAN_JOB}.outputs.resume-artifacts)[matrix.task]) || ''`,
          ),
        }
      : task === "literal"
        ? { "resume-artifacts": expr(`needs.${PLAN_JOB}.outputs.resume-artifacts`) }
        : {};
  return {
    "resume-from": expr("inputs.resume-from"),
    token: expr("github.event_name == 'workflow_dispatch' && inputs.resume-from != '' && github.token || ''"),
    ...fromPlan,
    ...artifact,
  };
}

/** The longest task with all its retries, rounded up to minutes, plus the job's own overhead. */
export function timeoutMinutes(plan: Plan, tasks: Task[]): number {
  const longest = Math.max(...tasks.map((t) => Math.ceil((t.timeoutMs * (t.retries + 1)) / 60_000)));
  return longest + JOB_OVERHEAD_MINUTES + agentSetupMinutes(plan, tasks);
}

/** `n` consecutive slices whose sizes differ by at most one. */
export function splitEvenly<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(items.length / n) + (i < items.length % n ? 1 : 0);
    out.push(items.slice(start, start + size));
    start += size;
  }
  return out;
}
