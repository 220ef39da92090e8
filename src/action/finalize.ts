/**
 * `finalize` (the final-commit job, `if: always()`): fails listing every wave job that did not
 * succeed; otherwise downloads every checkpoint of the run, verifies the complete chain with the
 * gate's own expectations, builds the one landing commit and, when asked to, pushes it or opens a
 * pull request. Writes the run's job summary either way.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import { type CheckpointRecord, RECORD_FILE } from "../checkpoint/record.js";
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import { taskJobs } from "../compile/job-names.js";
import { verifyChain } from "../engine/gate.js";
import { landingCommit } from "../engine/landing-commit.js";
import type { LoadedPlan } from "../plan/load.js";
import type { Plan } from "../plan/model.js";
import { agentTotals, totalsLine } from "../report/agent-totals.js";
import { tellRun } from "../report/run-story.js";
import { githubRetry, renderRunSummary } from "../report/summary.js";
import { attest } from "./attest.js";
import { jobContext } from "./context.js";
import { annotate } from "./errors.js";
import { finalizeInputs } from "./inputs.js";
import { type JobEnv, jobEnv } from "./job-env.js";
import { land } from "./land.js";
import { type JobResult, unsuccessfulJobs } from "./needs.js";
import { loadPlan } from "./plan.js";

/** Who authors the landed commit when neither the `author` input nor the plan says. */
export const DEFAULT_AUTHOR = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>";

export async function finalize(): Promise<void> {
  const r = jobEnv();
  const loaded = await loadPlan(r);
  core.setOutput("status", "failure");
  const inputs = finalizeInputs();
  const event = process.env.GITHUB_EVENT_NAME ?? "";
  // pull_request runs the tasks only with github.pull-request: true; merge_group never does
  if (event === "merge_group" || (event === "pull_request" && !loaded.plan.github.pullRequest)) return attest(r, loaded, inputs, event);
  const failed = unsuccessfulJobs(inputs.needs);
  if (failed.length) {
    const list = failed.map((f) => `${f.job} (${f.result})`).join(", ");
    annotate(`not landed: ${failed.length} job${failed.length === 1 ? "" : "s"} of the run did not succeed: ${list}`, {
      file: loaded.file,
    });
    await core.summary.addRaw(await failureSummary(r, loaded, failed)).write();
    process.exitCode = core.ExitCode.Failure;
    return;
  }
  const verified = await core.group("Verify every checkpoint", () => verifyAll(r, loaded.plan));
  const records = verified.map((v) => v.record);
  const author = inputs.author || loaded.plan.land.author || DEFAULT_AUTHOR;
  const commit = await landingCommit(r.workspace, loaded.plan, r.runId, r.sha, verified, { author });
  core.info(
    `landing commit ${commit} (${records.reduce((n, c) => n + c.patch.files.length, 0)} file changes from ${records.length} tasks)`,
  );
  core.setOutput("commit", commit);
  // what the agents of the run cost, from the verified records (the summary shows it per task and wave)
  const cost = agentTotals(records);
  if (cost) core.info(totalsLine(cost));

  const outcome = await land(r, loaded, commit, records.length, inputs);
  core.setOutput("status", outcome.status);
  core.setOutput("commit", outcome.commit);
  await core.summary.addRaw(summary(r, loaded, records, outcome.text)).write();
}

/** Every checkpoint of the run, verified along the whole chain (engine/gate.ts verifyChain). */
async function verifyAll(r: JobEnv, plan: Plan): Promise<VerifiedCheckpoint[]> {
  const { ctx } = await jobContext(r, plan);
  const verified = await verifyChain(ctx, plan.tasks, (t) => `cannot land: task "${t.id}" has no checkpoint in run ${r.runId}`);
  for (const t of plan.tasks) core.info(`✓ ${t.id} (${t.instance})`);
  return verified;
}

function summary(r: JobEnv, loaded: LoadedPlan, records: CheckpointRecord[], outcome: string): string {
  const story = tellRun({ plan: loaded.plan, records, jobNames: jobNames(loaded.plan) });
  return renderRunSummary(story, { planFile: loaded.file, runId: r.runId, attempt: r.attempt, outcome });
}

function jobNames(plan: Plan): Map<string, string> {
  return new Map([...taskJobs(plan)].map(([task, job]) => [task, job.name]));
}

/**
 * The summary of a run that did not land: what every task that ran recorded (failed tasks publish a
 * checkpoint too, with the end of their output), read without the chain verification that landing
 * needs — it is only reported. A task whose job failed or was cancelled without a checkpoint is
 * named from `needs`; tasks of skipped jobs never ran.
 */
async function failureSummary(r: JobEnv, loaded: LoadedPlan, failed: JobResult[]): Promise<string> {
  const { plan } = loaded;
  const records: CheckpointRecord[] = [];
  try {
    const { store } = await jobContext(r, plan);
    await Promise.all(
      plan.tasks.map(async (t) => {
        const dir = await store.fetch(t.id);
        if (dir) records.push(JSON.parse(await readFile(join(dir, RECORD_FILE), "utf8")) as CheckpointRecord);
      }),
    );
  } catch (e) {
    core.warning(`the summary cannot show the tasks' checkpoints: ${(e as Error).message}`);
  }
  const jobs = taskJobs(plan);
  const result = new Map(failed.map((f) => [f.job, f.result]));
  const have = new Set(records.map((x) => x.task.id));
  const lost = new Map<string, string>();
  for (const t of plan.tasks) {
    const job = jobs.get(t.id);
    const res = job && result.get(job.jobId);
    if (!have.has(t.id) && (res === "failure" || res === "cancelled"))
      lost.set(t.id, res === "cancelled" ? "its job was cancelled" : "its job failed before the task wrote a checkpoint");
  }
  const story = tellRun({ plan, records, lost, jobNames: jobNames(plan) });
  const skipped = failed.filter((f) => f.result === "skipped").length;
  const broken = failed.length - skipped;
  const outcome = `Not landed: ${broken} job${broken === 1 ? "" : "s"} failed${skipped ? ` and ${skipped} ${skipped === 1 ? "was" : "were"} skipped after ${broken === 1 ? "it" : "them"}` : ""}, so nothing was verified or landed.`;
  return renderRunSummary(story, { planFile: loaded.file, runId: r.runId, attempt: r.attempt, outcome, retry: githubRetry(r.runId) });
}
