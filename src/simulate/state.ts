/**
 * The output folder of a simulated run, and the state that lets `--rerun-failed` continue it:
 *
 *   <out>/workflow.yml          the workflow as run (a re-run uses it, as GitHub re-runs the run's own workflow)
 *   <out>/artifacts/            the results service's storage: every attempt's checkpoint artifacts
 *   <out>/attempt-<n>/<job>/    log.txt and summary.md of each job (matrix combinations: <job>.<n>)
 *   <out>/state.json            run id, commit, inputs and every job's latest record
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SimEvent } from "./event.js";
import type { JobRecord } from "./job-record.js";
import type { SimWorkflow } from "./workflow/load.js";

export const STATE_VERSION = 1;

export interface RunState {
  version: number;
  /** the workflow file as given on the command line (for messages and `github.workflow_ref`) */
  workflowFile: string;
  repo: string;
  repository: string;
  runId: string;
  attempt: number;
  sha: string;
  ref: string;
  refName: string;
  /** the event of the run (absent in states written before `--event`: workflow_dispatch) */
  event?: SimEvent;
  inputs: Record<string, string | boolean | number>;
  /** names only: secret values are never written to disk, a re-run needs them again */
  secretNames: string[];
  conclusion: "success" | "failure" | "cancelled";
  jobs: Record<string, JobRecord>;
}

export const paths = (out: string) => ({
  state: join(out, "state.json"),
  workflow: join(out, "workflow.yml"),
  artifacts: join(out, "artifacts"),
  attempt: (n: number) => join(out, `attempt-${n}`),
});

export async function writeState(out: string, state: RunState): Promise<void> {
  await mkdir(out, { recursive: true });
  const tmp = `${paths(out).state}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(tmp, paths(out).state);
}

export async function readState(out: string): Promise<RunState> {
  const file = paths(out).state;
  if (!existsSync(file)) throw new Error(`${out} is not the output folder of a simulated run (no state.json)`);
  const state = JSON.parse(await readFile(file, "utf8")) as RunState;
  if (state.version !== STATE_VERSION)
    throw new Error(`${file}: state version ${state.version}, this waveplan reads version ${STATE_VERSION}`);
  return state;
}

/**
 * "Re-run failed jobs": every job that failed or was cancelled, and every job that depends on one of
 * them (directly or not) — the rest keep their result, outputs and artifacts.
 */
export function jobsToRerun(workflow: SimWorkflow, jobs: Record<string, JobRecord>): Set<string> {
  const rerun = new Set(workflow.jobs.filter((j) => ["failure", "cancelled"].includes(jobs[j.id]?.result ?? "failure")).map((j) => j.id));
  for (let grew = true; grew; ) {
    grew = false;
    for (const j of workflow.jobs)
      if (!rerun.has(j.id) && j.needs.some((n) => rerun.has(n))) {
        rerun.add(j.id);
        grew = true;
      }
  }
  return rerun;
}
