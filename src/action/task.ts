/**
 * `task` (a wave job): one task through the engine's execution path — gate (download and verify every
 * upstream checkpoint), materialize, execute, capture — with the checkpoint uploaded as this
 * attempt's artifact. Output streams into the job log; failures are annotated at the task in the plan.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import { SETUP_MINUTES } from "../compile/jobs.js";
import type { RunContext } from "../engine/context.js";
import { gate, reuseCheckpoint } from "../engine/gate.js";
import { runProcess } from "../engine/process.js";
import { runTask } from "../engine/task.js";
import type { LoadedPlan } from "../plan/load.js";
import { findTask, type Task } from "../plan/model.js";
import { renderTaskNotStarted, renderTaskSummary } from "../report/summary.js";
import { type JobContext, jobContext } from "./context.js";
import { ActionError, annotate, fail } from "./errors.js";
import { taskInputs } from "./inputs.js";
import { type JobEnv, jobEnv, taskBaseEnv } from "./job-env.js";
import { loadPlan } from "./plan.js";
import { runnerSandbox } from "./sandbox.js";

export async function task(): Promise<void> {
  const r = jobEnv();
  const loaded = await loadPlan(r);
  const id = taskInputs().task;
  const t = findTask(loaded.plan, id);
  if (!t) throw new ActionError(`no task "${id}" in ${loaded.file} (tasks: ${loaded.plan.tasks.map((x) => x.id).join(", ")})`);
  core.setOutput("status", "failure");
  try {
    await runOne(r, loaded, t);
  } catch (e) {
    // gate refusals, setup failures, upload errors: all belong to this task's place in the plan
    fail(e, { file: loaded.file, at: loaded.locate(t.source) });
    await core.summary
      .addRaw(renderTaskNotStarted(loaded.plan, t.id, (e as Error)?.message ?? String(e)))
      .write()
      .catch(() => {}); // the annotation above already says it all
  }
}

async function runOne(r: JobEnv, loaded: LoadedPlan, t: Task): Promise<void> {
  const { plan } = loaded;
  const { ctx, store, resumed } = await jobContext(r, plan);
  if (resumed && (await reuse(ctx, t, resumed, store.nameFor(t.id)))) return;
  ctx.sandbox = await runnerSandbox(plan);
  if (t.kind === "prompt" && plan.agent?.setup) await agentSetup(r, ctx, loaded, plan.agent.setup);

  ctx.onOutput = (_task, chunk) => process.stdout.write(chunk);
  core.startGroup(`Upstream checkpoints of ${t.id}`);
  const outcome = await runTask(ctx, t, r.workspace, {
    onStart: () => {
      core.info(`${ctx.verified.size} upstream checkpoint${ctx.verified.size === 1 ? "" : "s"} verified and applied`);
      core.endGroup();
      core.startGroup(`${t.waveId} · ${t.instance} · ${t.id}: ${t.title}`);
    },
  }).finally(() => core.endGroup());

  const { record } = outcome;
  const artifact = store.nameFor(t.id);
  core.info(
    `checkpoint of ${t.id} uploaded as artifact ${artifact}: ${record.status}, ${record.patch.files.length} files changed, ${record.outputs.length} outputs`,
  );
  core.setOutput("status", record.status);
  core.setOutput("checkpoint", artifact);
  await core.summary.addRaw(renderTaskSummary(plan, record, artifact)).write();
  if (outcome.status === "failure") {
    annotate(
      `task "${t.id}" (${t.instance}) failed: ${outcome.error}`,
      { file: loaded.file, at: loaded.locate(t.source) },
      `waveplan ${t.id}`,
    );
    process.exitCode = core.ExitCode.Failure;
  }
}

/**
 * `resume-from`: the resumed run's checkpoint of this task is reused when it verifies against this
 * run's task hash and upstream chain — the rule of local `run --resume` (engine/gate.ts) — and is
 * published unchanged as this run's checkpoint, so downstream jobs and final-commit read it here.
 */
async function reuse(ctx: RunContext, t: Task, resumed: NonNullable<JobContext["resumed"]>, artifact: string): Promise<boolean> {
  const outcome = await core.group(`Reuse the checkpoint of ${t.id} from run ${resumed.runId}?`, async () => {
    const verified = await gate(ctx, t);
    core.info(`${verified.length} upstream checkpoint${verified.length === 1 ? "" : "s"} of this run verified`);
    const result = await reuseCheckpoint(ctx, t, resumed.store);
    core.info(result.reused ? "yes: its task hash and upstream chain verify" : `no: ${result.why}`);
    return result;
  });
  if (!outcome.reused) return false;
  await ctx.store.publish(t.id, outcome.reused.dir);
  const { record } = outcome.reused;
  core.info(`${t.id}: reused from run ${resumed.runId}; uploaded as artifact ${artifact} (${record.patch.files.length} files changed)`);
  core.setOutput("status", record.status);
  core.setOutput("checkpoint", artifact);
  await core.summary
    .addRaw(`> **${t.id}** reused from run ${resumed.runId}: its checkpoint still verifies, the task did not run again.\n\n`)
    .addRaw(renderTaskSummary(ctx.plan, record, artifact))
    .write();
  return true;
}

/** `agent.setup`, from the hash-checked plan file: once per job, before a prompt task. */
async function agentSetup(r: JobEnv, ctx: RunContext, loaded: LoadedPlan, script: string): Promise<void> {
  const file = join(ctx.scratchDir, "agent-setup.sh");
  await writeFile(file, script);
  const result = await core.group("Agent setup (agent.setup)", () =>
    runProcess({
      command: "bash",
      args: ["-eo", "pipefail", file],
      // Whatever it leaves in the checkout is removed when the task's tree is materialized: setup
      // is for tools (installed globally or under $HOME), never part of the change.
      cwd: r.workspace,
      env: taskBaseEnv(),
      timeoutMs: SETUP_MINUTES * 60_000,
      logFile: join(ctx.logDir, "agent-setup.log"),
      onOutput: (chunk) => process.stdout.write(chunk),
    }),
  );
  if (result.exitCode !== 0 || result.timedOut) {
    const why = result.timedOut ? `timed out after ${SETUP_MINUTES} minutes` : `exited with ${result.exitCode ?? result.signal}`;
    throw new ActionError(`agent.setup (${loaded.file}) ${why}; the task did not run`);
  }
}
