/**
 * `finalize` (the final-commit job, `if: always()`): fails listing every wave job that did not
 * succeed; otherwise downloads every checkpoint of the run, verifies the complete chain with the
 * gate's own expectations, builds the one landing commit and, when asked to, pushes it or opens a
 * pull request. Writes the run's job summary either way.
 */
import * as core from "@actions/core";
import type { CheckpointRecord } from "../checkpoint/record.js";
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import { verifyChain } from "../engine/gate.js";
import { landingCommit } from "../engine/landing-commit.js";
import type { LoadedPlan } from "../plan/load.js";
import type { Plan } from "../plan/model.js";
import { renderFailedWavesSummary, renderFinalSummary } from "../report/summary.js";
import { attest } from "./attest.js";
import { jobContext } from "./context.js";
import { annotate } from "./errors.js";
import { finalizeInputs } from "./inputs.js";
import { type JobEnv, jobEnv } from "./job-env.js";
import { land } from "./land.js";
import { unsuccessfulJobs } from "./needs.js";
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
    await core.summary.addRaw(renderFailedWavesSummary(loaded.plan, loaded.file, failed)).write();
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

  const outcome = await land(r, loaded, commit, records.length, inputs);
  core.setOutput("status", outcome.status);
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
  return renderFinalSummary({ plan: loaded.plan, planFile: loaded.file, runId: r.runId, attempt: r.attempt, records, outcome });
}
