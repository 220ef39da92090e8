/**
 * `task` (a wave job): one task through the engine's execution path — gate (download and verify every
 * upstream checkpoint), materialize, execute, capture — with the checkpoint uploaded as this
 * attempt's artifact. Output streams into the job log; failures are annotated at the task in the plan.
 */
import { writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import * as core from "@actions/core";
import type { AgentSettings } from "../agent/preset.js";
import { RUNNER_AGENT_DIR } from "../agent/preset.js";
import { agentSettings, PRESETS } from "../agent/presets.js";
import { RAISE_ON_GITHUB, runBudgetOf, runBudgetRefusal, spentBy } from "../engine/budget.js";
import type { RunContext } from "../engine/context.js";
import { gate, reuseCheckpoint } from "../engine/gate.js";
import { runProcess } from "../engine/process.js";
import { runTask } from "../engine/task.js";
import { redoRule } from "../graph/redo.js";
import { SETUP_MINUTES } from "../plan/github-limits.js";
import type { LoadedPlan } from "../plan/load.js";
import { findTask, type Task } from "../plan/model.js";
import { formatUsd } from "../report/agent-totals.js";
import { renderTaskNotStarted, renderTaskSummary } from "../report/summary.js";
import { ensureInstalled, installDir } from "./agent-install.js";
import { type JobContext, jobContext } from "./context.js";
import { ActionError, annotate, fail } from "./errors.js";
import { taskInputs } from "./inputs.js";
import { type JobEnv, jobEnv, taskBaseEnv } from "./job-env.js";
import { loadPlan } from "./plan.js";
import { runnerSandbox } from "./sandbox.js";

export async function task(): Promise<void> {
  const r = jobEnv();
  const loaded = await loadPlan(r);
  const { task: id, redo } = taskInputs();
  const t = findTask(loaded.plan, id);
  if (!t) throw new ActionError(`no task "${id}" in ${loaded.file} (tasks: ${loaded.plan.tasks.map((x) => x.id).join(", ")})`);
  core.setOutput("status", "failure");
  try {
    await runOne(r, loaded, t, redoRule(loaded.plan, redo)(t));
  } catch (e) {
    // gate refusals, setup failures, upload errors: all belong to this task's place in the plan
    fail(e, { file: loaded.file, at: loaded.locate(t.source) });
    await core.summary
      .addRaw(renderTaskNotStarted(loaded.plan, t.id, (e as Error)?.message ?? String(e)))
      .write()
      .catch(() => {}); // the annotation above already says it all
  }
}

async function runOne(r: JobEnv, loaded: LoadedPlan, t: Task, redo: boolean): Promise<void> {
  const { plan } = loaded;
  const { ctx, store, resumed } = await jobContext(r, plan);
  if (resumed && redo) core.info(`${t.id} runs again (input redo): its checkpoint in run ${resumed.runId} is not reused`);
  else if (resumed && (await reuse(ctx, t, resumed, store.nameFor(t.id)))) return;
  await checkRunBudget(ctx, t);
  ctx.sandbox = await runnerSandbox(plan);
  if (t.kind === "prompt" && plan.agent?.setup) await agentSetup(r, ctx, loaded, plan.agent.setup);
  const agent = t.kind === "prompt" ? agentSettings(plan, t) : undefined;
  if (agent) await agentInstall(ctx, agent);

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

/**
 * `agent.budget.run-usd` on GitHub: a task job sees its upstream checkpoints only (its parallel siblings
 * are still running), so what the run has spent is what they cost; once that reaches the budget the
 * task does not start, and its job fails naming the budget (engine/budget.ts).
 */
async function checkRunBudget(ctx: RunContext, t: Task): Promise<void> {
  const budget = runBudgetOf(ctx.plan, RAISE_ON_GITHUB);
  if (!budget) return;
  const upstream = await gate(ctx, t);
  const spend = spentBy(upstream.map((u) => u.record));
  const refusal = runBudgetRefusal(t.id, budget, spend);
  if (refusal) throw new ActionError(refusal);
  core.info(`run budget: ${formatUsd(spend.usd)} of ${formatUsd(budget.usd)} spent by the upstream tasks`);
}

/**
 * A preset's CLI, pinned: from the folder the job's `actions/cache` step restored, else installed into
 * it (the cache's post step saves it for the run's next jobs); its program folder goes first on the
 * task's PATH.
 */
async function agentInstall(ctx: RunContext, agent: AgentSettings): Promise<void> {
  const preset = PRESETS[agent.preset];
  const root = join(homedir(), RUNNER_AGENT_DIR);
  const result = await core.group(`Agent CLI: ${preset.name} ${agent.version}`, async () => {
    try {
      const r = await ensureInstalled(preset, agent.version, root, {
        logFile: join(ctx.logDir, "agent-install.log"),
        env: taskBaseEnv(),
        onOutput: (chunk) => process.stdout.write(chunk),
        timeoutMs: SETUP_MINUTES * 60_000,
      });
      core.info(r.installed ? `installed into ${r.bin}` : `restored from the cache: ${r.bin}`);
      return r;
    } catch (e) {
      throw new ActionError(`${(e as Error).message}; the task did not run`);
    }
  });
  ctx.env = { ...ctx.env, PATH: [result.bin, ctx.env.PATH ?? process.env.PATH ?? ""].filter(Boolean).join(delimiter) };
  // The whole install folder stays readable in the sandbox, not only its program folder on PATH (whose
  // `claude` links to ../@anthropic-ai/…): under the simulator the job's home lies under the private /tmp.
  ctx.readable = [...(ctx.readable ?? []), installDir(root, preset, agent.version)];
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
