/**
 * Jobs in `needs:` order, as GitHub schedules them: a job starts once everything it needs has
 * finished, its `if:` decides between running and `skipped` (default `success()`: every needed job
 * succeeded), its matrix expands into combinations that run concurrently up to `max-parallel` and
 * the run's `--concurrency`, and with `fail-fast` the first failing combination cancels the rest.
 * On a re-run, jobs that are not re-run keep the earlier attempt's record.
 */
import { join } from "node:path";
import { anySignal, Semaphore } from "./concurrency.js";
import { asString, type Contexts, condition, resolve } from "./expressions.js";
import type { InstanceRecord, JobRecord, Result } from "./job-record.js";
import { expandStrategy } from "./matrix.js";
import type { SimRun } from "./run-context.js";
import { type InstanceSpec, runJob } from "./runner/job.js";
import type { SimJob } from "./workflow/load.js";

export type { InstanceRecord, JobRecord } from "./job-record.js";

export interface SchedulerEvents {
  started?(job: SimJob, instance: { key: string; name: string }): void;
  finished?(job: SimJob, instance: InstanceRecord): void;
  reused?(job: JobRecord): void;
}

export interface ScheduleOptions {
  run: SimRun;
  /** the run's output folder; logs go to `<attempt dir>/<key>/` */
  outDir: string;
  concurrency: number;
  /** re-run: the earlier attempt's records, and which jobs run again (the rest keep their record) */
  previous?: Map<string, JobRecord>;
  rerun?: Set<string>;
  events?: SchedulerEvents;
}

export async function schedule(o: ScheduleOptions): Promise<Map<string, JobRecord>> {
  const { run } = o;
  const slots = new Semaphore(o.concurrency);
  const byId = new Map(run.workflow.jobs.map((j) => [j.id, j]));
  const settled = new Map<string, Promise<JobRecord>>();
  // every job listens for the run's cancellation: one listener on the caller's signal, many on ours
  const runCancelled = anySignal([run.cancelled]);
  const recordOf = (id: string): Promise<JobRecord> => {
    let p = settled.get(id);
    if (!p) {
      p = settle(byId.get(id) as SimJob);
      settled.set(id, p);
    }
    return p;
  };

  async function settle(job: SimJob): Promise<JobRecord> {
    const needs = await Promise.all(job.needs.map(recordOf));
    const earlier = o.previous?.get(job.id);
    if (earlier && o.rerun && !o.rerun.has(job.id)) {
      o.events?.reused?.(earlier);
      return earlier;
    }
    const needsContext = Object.fromEntries(needs.map((n) => [n.id, { result: n.result, outputs: n.outputs }]));
    const failedUpstream = needs.some((n) => n.failedUpstream);
    const contexts: Contexts = { github: { ...githubLite(run) }, inputs: run.inputs, vars: run.vars, needs: needsContext };
    const status = {
      success: () => needs.every((n) => n.result === "success") && !run.cancelled.aborted,
      failure: () => failedUpstream,
      cancelled: () => run.cancelled.aborted,
    };
    const base = { id: job.id, outputs: {}, attempt: run.attempt };
    let go: boolean;
    try {
      go = condition(job.if, contexts, status);
    } catch (e) {
      return finishWithoutRunning(job, { ...base, result: "failure", failedUpstream: true }, (e as Error).message);
    }
    if (!go) return finishWithoutRunning(job, { ...base, result: "skipped", failedUpstream });
    let strategy: ReturnType<typeof expandStrategy>;
    try {
      strategy = expandStrategy(resolve(job.strategy, contexts), job.where);
    } catch (e) {
      return finishWithoutRunning(job, { ...base, result: "failure", failedUpstream: true }, (e as Error).message);
    }
    const combinations = strategy.combinations ?? [undefined];
    const keep =
      earlier?.instances.length === combinations.length && !needs.some((n) => n.attempt === run.attempt) ? earlier.instances : [];
    const failFast = new AbortController();
    // a job that starts after the run was cancelled (its if: asked for always() or cancelled()) runs to its end
    const cancel = anySignal(run.cancelled.aborted ? [failFast.signal] : [runCancelled, failFast.signal]);
    const perJob = new Semaphore(strategy.maxParallel);
    // a matrix job's outputs: the combinations write into one set, the last to finish wins
    const outputs: Record<string, string> = { ...earlier?.outputs };

    const instances = await Promise.all(
      combinations.map(async (matrix, index): Promise<InstanceRecord> => {
        const kept = keep[index];
        if (kept?.result === "success") return kept;
        const key = strategy.combinations ? `${job.id}.${index + 1}` : job.id;
        const name = jobName(job, matrix, { ...contexts, matrix: matrix ?? {} });
        return perJob.run(() =>
          slots.run(async () => {
            const dir = `attempt-${run.attempt}/${key}`;
            if (cancel.aborted) {
              const record: InstanceRecord = {
                key,
                name,
                matrix,
                result: "cancelled",
                attempt: run.attempt,
                durationMs: 0,
                annotations: [],
              };
              o.events?.finished?.(job, record);
              return record;
            }
            o.events?.started?.(job, { key, name });
            const startedAt = new Date().toISOString();
            const spec: InstanceSpec = {
              job,
              key,
              name,
              matrix,
              strategy: {
                "fail-fast": strategy.failFast,
                "job-index": index,
                "job-total": combinations.length,
                "max-parallel": Math.min(strategy.maxParallel, 256),
              },
              needs: needsContext,
              logFile: join(o.outDir, dir, "log.txt"),
              summaryFile: join(o.outDir, dir, "summary.md"),
            };
            // a job that cannot even start (a bad timeout-minutes, a full disk) fails like any other
            const r = await runJob(run, spec, cancel).catch((e: Error) => ({
              result: "failure" as const,
              outputs: {},
              annotations: [{ level: "error" as const, message: e.message, job: key }],
              durationMs: 0,
            }));
            if (r.result === "failure" && strategy.failFast) failFast.abort();
            const record: InstanceRecord = {
              key,
              name,
              matrix,
              result: r.result,
              attempt: run.attempt,
              startedAt,
              durationMs: r.durationMs,
              log: `${dir}/log.txt`,
              summary: `${dir}/summary.md`,
              annotations: r.annotations,
            };
            Object.assign(outputs, r.outputs);
            o.events?.finished?.(job, record);
            return record;
          }),
        );
      }),
    );
    const result = aggregate(instances.map((i) => i.result));
    return { ...base, result, outputs, instances, failedUpstream: failedUpstream || result === "failure" };
  }

  function finishWithoutRunning(job: SimJob, record: Omit<JobRecord, "instances">, error?: string): JobRecord {
    const instance: InstanceRecord = {
      key: job.id,
      name: typeof job.name === "string" ? job.name : job.id,
      result: record.result,
      attempt: run.attempt,
      durationMs: 0,
      annotations: error ? [{ level: "error", message: error, job: job.id }] : [],
    };
    o.events?.finished?.(job, instance);
    return { ...record, instances: [instance] };
  }

  const all = await Promise.all(run.workflow.jobs.map((j) => recordOf(j.id)));
  return new Map(all.map((r) => [r.id, r]));
}

function aggregate(results: Result[]): Result {
  if (results.includes("failure")) return "failure";
  if (results.includes("cancelled")) return "cancelled";
  if (results.every((r) => r === "skipped")) return "skipped";
  return "success";
}

function jobName(job: SimJob, matrix: Record<string, unknown> | undefined, contexts: Contexts): string {
  if (job.name !== undefined) {
    try {
      return asString(job.name, contexts);
    } catch {}
  }
  return matrix ? `${job.id} (${Object.values(matrix).map(String).join(", ")})` : job.id;
}

/** The part of `github` a job-level expression (`if`, `strategy`, `name`) may read. */
function githubLite(run: SimRun): Record<string, unknown> {
  return {
    event_name: run.event.name,
    sha: run.sha,
    ref: run.ref,
    ref_name: run.refName,
    repository: run.repository,
    run_id: run.runId,
    run_attempt: String(run.attempt),
    workflow: run.workflow.name,
  };
}
