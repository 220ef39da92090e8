/**
 * `waveplan run`: executes a plan on this machine. Waves run in order; a parallel wave's tasks run
 * concurrently (bounded), a sequential wave's as a chain. Each task goes through the shared execution
 * path (engine/task.ts) in a pooled slot with a git state of its own (run/slots.ts); the result lands
 * only if every task succeeded. Any failure ends the run as failed with the task named; SIGINT/SIGTERM
 * stop the running tasks and record the run as interrupted.
 */

import { appendFileSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { agentSecretNames } from "../agent/presets.js";
import { RunLedger } from "../checkpoint/ledger.js";
import { LocalCheckpointStore } from "../checkpoint/local-store.js";
import { type CheckpointRecord, RECORD_FILE } from "../checkpoint/record.js";
import { SecretGuardStore } from "../checkpoint/secret-guard.js";
import { CheckpointError, type VerifiedCheckpoint } from "../checkpoint/verify.js";
import { RAISE_LOCALLY, runBudgetOf, runBudgetRefusal, spentBy } from "../engine/budget.js";
import type { RunContext } from "../engine/context.js";
import { inheritedEnv, namedSecrets } from "../engine/env.js";
import { assertNoConflicts, GateError, reuseCheckpoint, verifyChain } from "../engine/gate.js";
import { materializeCommit, TreeCache } from "../engine/materialize.js";
import { needsMerge } from "../engine/siblings.js";
import { InterruptedError, runTask, type TaskOutcome } from "../engine/task.js";
import { WaveplanError } from "../errors.js";
import { git, headCommit, repoRoot, useShellPool } from "../git/git.js";
import { redoRule, unknownRedoTasks } from "../graph/redo.js";
import { upstreamOf } from "../graph/upstream.js";
import { planHash } from "../plan/hash.js";
import { type LoadedPlan, loadPlanFile } from "../plan/load.js";
import type { Plan, Task, Wave } from "../plan/model.js";
import { sandboxForPlan } from "../sandbox/for-plan.js";
import type { EventSink } from "./events.js";
import { assertBranchName, land, landingCommit } from "./land.js";
import { Layout, type RunInfo } from "./layout.js";
import { acquireLock } from "./lock.js";
import { writeRunReport } from "./report-file.js";
import { SlotPool } from "./slots.js";
import { copyLandedObjects, restoreSnapshot, snapshotWorkingTree, userAuthor } from "./snapshot.js";

export class RunError extends WaveplanError {
  override readonly name = "RunError";
}

/** A `--redo` naming no task of the plan (or none this run selects): a usage error. */
export class RedoError extends RunError {}

/** A task's step failed in waveplan's hands (not the task's own exit): the run ends naming the task. */
class TaskError extends Error {}

export interface RunOptions {
  planFile: string;
  cwd: string;
  concurrency?: number;
  /** true: the latest run of this plan; a string: that run id */
  resume?: boolean | string;
  wave?: string;
  only?: string;
  /** tasks to run again (with everything downstream) although their checkpoints verify; needs `resume` */
  redo?: string[];
  /** `--run-budget-usd`: overrides the plan's agent.budget.run-usd */
  runBudgetUsd?: number;
  branch?: string;
  /** base the run on a snapshot of the uncommitted working tree; only the plan's change lands */
  allowDirty?: boolean;
  onEvent: EventSink;
}

export interface RunResult {
  run: RunInfo;
  plan: Plan;
  outcomes: TaskOutcome[];
  /** tasks whose verified checkpoint from an earlier attempt was reused */
  skipped: Task[];
  status: "succeeded" | "failed" | "partial";
  landed?: string;
  error?: string;
  wallMs: number;
  /** the run's HTML report (run/report-file.ts) */
  report?: string;
}

/** Tasks to execute: the selection plus whatever upstream it needs (skipped later if checkpointed). */
export function selectTasks(plan: Plan, opts: { wave?: string; only?: string }): Task[] {
  let selected = plan.tasks;
  if (opts.wave) {
    if (!plan.waves.some((w) => w.id === opts.wave))
      throw new RunError(`no wave "${opts.wave}" in plan (waves: ${plan.waves.map((w) => w.id).join(", ")})`);
    selected = plan.tasks.filter((t) => t.waveId === opts.wave);
  }
  if (opts.only) {
    const t = plan.tasks.find((x) => x.id === opts.only);
    if (!t) throw new RunError(`no task "${opts.only}" in plan`);
    selected = [t];
  }
  const needed = new Set(selected.map((t) => t.id));
  for (const t of selected) for (const u of upstreamOf(plan, t)) needed.add(u.id);
  return plan.tasks.filter((t) => needed.has(t.id));
}

export async function prepareRepo(cwd: string): Promise<string> {
  const repo = await repoRoot(cwd).catch(() => {
    throw new RunError(`${cwd} is not inside a git repository; waveplan run needs one (git init && git commit)`);
  });
  await headCommit(repo).catch(() => {
    throw new RunError("the repository has no commits yet; the run's base is HEAD, so commit something first");
  });
  return repo;
}

export async function runPlan(opts: RunOptions): Promise<RunResult> {
  // a run makes a few git calls per task on its critical path: through long-lived sh helpers, not a
  // node spawn each (git/shell-pool.ts)
  const stopShells = useShellPool();
  try {
    return await runPlanWithShells(opts);
  } finally {
    stopShells();
  }
}

async function runPlanWithShells(opts: RunOptions): Promise<RunResult> {
  const loaded: LoadedPlan = loadPlanFile(opts.planFile);
  const repo = await prepareRepo(opts.cwd);
  if (opts.branch) await assertBranchName(repo, opts.branch);
  const layout = new Layout(repo);
  await layout.init();
  const release = await acquireLock(layout.lockFile);
  // SIGINT/SIGTERM: stop the tasks, record the run as interrupted, exit non-zero; a second signal
  // while stopping does not wait any longer for the tasks' grace period.
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
    interrupt.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await layout.prepare();
    return await runLocked(opts, loaded, repo, layout, interrupt.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await release();
  }
}

async function runLocked(opts: RunOptions, loaded: LoadedPlan, repo: string, layout: Layout, interrupt: AbortSignal): Promise<RunResult> {
  const { plan } = loaded;
  // before anything is recorded: a machine that cannot sandbox fails the run with the reason
  const sandbox = await sandboxForPlan(plan);
  const planFile = relative(repo, resolve(opts.cwd, opts.planFile));
  // `--resume` with nothing to resume (first use in a script, or a kill before the run was recorded) starts afresh
  const tasks = selectTasks(plan, opts);
  checkRedo(plan, tasks, opts.redo ?? []);
  const earlier = opts.resume ? await findRun(layout, plan, planFile, opts.resume) : undefined;
  const run = earlier ?? (await newRun(layout, repo, plan, planFile, opts.branch, opts.allowDirty));
  if (opts.branch) run.targetBranch = opts.branch;
  run.status = "running";
  // Kept in run.json until each has run again: an attempt stopped before that would otherwise
  // leave the old, verifying checkpoint to be reused by the next --resume.
  if (opts.redo?.length) run.redo = [...new Set([...(run.redo ?? []), ...opts.redo])];
  const redo = redoRule(plan, run.redo ?? []);
  await layout.saveRun(run);

  const ctx: RunContext = { ...runContext(plan, run, layout, interrupt), sandbox };
  const ledger = await RunLedger.open({ repo, runId: run.runId, entriesDir: layout.ledger(run.runId), fresh: earlier === undefined });
  ctx.ledger = ledger;
  // kept indexes (and git's lock files) of an attempt that was killed are not trusted: made again
  await ctx.trees?.dispose();
  const pool = new SlotPool(repo, layout.runGitDir, layout.slots);

  const started = Date.now();
  const emit: EventSink = (e) => {
    appendFileSync(layout.events(run.runId), `${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`);
    opts.onEvent(e);
  };
  emit({
    type: "run-start",
    runId: run.runId,
    plan: plan.name,
    base: run.base,
    tasks: tasks.length,
    waves: plan.waves.length,
    resumed: earlier !== undefined,
    sandbox: sandbox?.tool ?? "off",
    ...(opts.resume && !earlier ? { fresh: `no earlier run of plan "${plan.name}" to resume` } : {}),
  });
  const outcomes: TaskOutcome[] = [];
  const skipped: Task[] = [];
  let error: string | undefined;
  const budget = runBudgetOf(plan, RAISE_LOCALLY, opts.runBudgetUsd);
  // what the run's checkpoints cost so far, by task: those of earlier attempts too (a resumed run's
  // budget covers the whole run), replaced as tasks finish
  const spent = budget ? await recordsOf(layout, run.runId) : new Map<string, CheckpointRecord>();
  let overBudget: string | undefined;

  let interrupted: string | undefined;
  try {
    await removeLegacyWorktrees(repo, layout);
    await pool.adopt();
    // a run on a snapshot of uncommitted edits: the snapshot's objects live outside the user's repository
    if (run.head) await restoreSnapshot(layout.snapshots, run.base, layout.runGitDir);
    for (const wave of plan.waves) {
      if (interrupt.aborted) break;
      const waveTasks = wave.tasks.filter((t) => tasks.includes(t));
      if (waveTasks.length === 0) continue;
      const waveStart = Date.now();
      emit({ type: "wave-start", wave: wave.id, name: wave.name, index: wave.index, mode: wave.mode, tasks: waveTasks.map((t) => t.id) });
      const todo = await toRun(ctx, wave, waveTasks, emit, skipped, redo);
      const limit = wave.mode === "sequential" ? 1 : Math.max(1, opts.concurrency ?? todo.length);
      const waveOutcomes = await runBounded(todo, limit, interrupt, async (t) => {
        // checked as each task is about to start: a later one of a bounded wave sees its siblings' cost
        overBudget ??= runBudgetRefusal(t.id, budget, spentBy(spent.values()));
        if (overBudget) return undefined;
        const outcome = await runInSlot(ctx, pool, t, wave, emit);
        spent.set(t.id, outcome.record);
        if (run.redo?.includes(t.id)) {
          // its new checkpoint replaced the old one: the redo is done, whatever the outcome
          run.redo = run.redo.filter((id) => id !== t.id);
          if (run.redo.length === 0) run.redo = undefined;
          await layout.saveRun(run);
        }
        return outcome;
      });
      const finished = waveOutcomes.filter((o): o is TaskOutcome => o !== undefined);
      outcomes.push(...finished);
      if (interrupt.aborted) break;
      const failed = finished.filter((o) => o.status === "failure");
      if (failed.length === 0 && !overBudget) {
        // the next wave (or the landing) would find a conflict anyway; finding it here names the wave that made it
        await verifyWave(ctx, wave, waveTasks);
      }
      const waveFailed = failed.length > 0 || overBudget !== undefined;
      emit({ type: "wave-end", wave: wave.id, status: waveFailed ? "failure" : "success", durationMs: Date.now() - waveStart });
      if (waveFailed) {
        error = [
          ...failed.map(
            (o) => `task "${o.task.id}" (${o.task.instance}) failed: ${o.error}; log: ${relative(opts.cwd, o.logFile) || o.logFile}`,
          ),
          ...(overBudget ? [overBudget] : []),
        ].join("\n");
        break;
      }
    }
  } catch (e) {
    // whatever failed — a gate, a checkpoint, a leaked secret, git — the run ends as failed, never "running"
    if (e instanceof InterruptedError) interrupted = String(interrupt.reason ?? "a signal");
    else error = (e as Error).message;
  }
  if (interrupt.aborted) {
    interrupted = String(interrupt.reason ?? "a signal");
    error = `interrupted by ${interrupted}: its running tasks were stopped; continue with --resume`;
  }

  let status: RunResult["status"] = error ? "failed" : tasks.length === plan.tasks.length ? "succeeded" : "partial";
  let landed: string | undefined;
  if (status === "succeeded") {
    try {
      landed = await landRun(repo, plan, run, ctx, emit);
      // a landed run is never resumed: its key is of no more use
      await ledger.dispose();
    } catch (e) {
      status = "failed";
      error = (e as Error).message;
    }
  }
  const wallMs = Date.now() - started;
  const taskMs = outcomes.reduce((s, o) => s + o.record.durationMs, 0);
  run.status = interrupted ? "interrupted" : status === "failed" ? "failed" : landed ? "landed" : "succeeded";
  run.finishedAt = new Date().toISOString();
  run.wallMs = wallMs;
  // why it failed, for `status`: a budget stop or a gate refusal has no failed task record to show it
  run.error = error;
  // The slots stay for the next run, tidied (a new run adopts them and compares every file once);
  // what this run wrote into the run repository goes.
  await Promise.all([pool.park(), ctx.trees?.dispose()]);
  await layout.saveRun(run);
  // the report is a convenience: a run never fails for want of it
  const report = await writeRunReport(layout, run, plan).catch(() => undefined);
  emit({ type: "run-end", runId: run.runId, status: interrupted ? "interrupted" : status, wallMs, taskMs, error, landed });
  return { run, plan, outcomes, skipped, status, landed, error, wallMs, report };
}

async function newRun(layout: Layout, repo: string, plan: Plan, planFile: string, branch?: string, allowDirty?: boolean): Promise<RunInfo> {
  const [dirty, head, current] = await Promise.all([
    git(["status", "--porcelain", "--untracked-files=normal"], { cwd: repo }),
    headCommit(repo),
    git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: repo, okCodes: [1] }),
  ]);
  if (dirty && allowDirty) {
    const base = await snapshotWorkingTree(repo, head, layout.snapshots);
    return layout.createRun({
      planFile,
      planName: plan.name,
      planHash: planHash(plan),
      base,
      head,
      branch: current || undefined,
      targetBranch: branch,
    });
  }
  if (dirty) {
    const files = dirty
      .split("\n")
      .slice(0, 5)
      .map((l) => `  ${l}`);
    throw new RunError(
      `the working tree has uncommitted changes; the run is based on HEAD and lands on it, so commit or stash them first (or use --allow-dirty to run on them; only the plan's change lands):\n${files.join("\n")}`,
    );
  }
  const base = head;
  return layout.createRun({
    planFile,
    planName: plan.name,
    planHash: planHash(plan),
    base,
    branch: current || undefined,
    targetBranch: branch,
  });
}

/** Runs one task in a slot from the pool; a slot the task may have broken is discarded, never reused. */
async function runInSlot(ctx: RunContext, pool: SlotPool, t: Task, wave: Wave, emit: EventSink): Promise<TaskOutcome> {
  const slot = pool.acquire();
  let sound = false;
  try {
    const outcome = await runTask(ctx, t, slot, {
      onStart: () => emit({ type: "task-start", task: t.id, instance: t.instance, wave: wave.id, title: t.title }),
    }).catch((e) => {
      if (e instanceof InterruptedError || e instanceof GateError || e instanceof CheckpointError) throw e;
      // git refusing, a slot the task deleted, a patch that does not apply: the run ends, naming the task
      throw new TaskError(`task "${t.id}" (${t.instance}) failed: ${(e as Error).message}`);
    });
    sound = true;
    emit({
      type: "task-end",
      task: t.id,
      instance: t.instance,
      wave: wave.id,
      status: outcome.status,
      durationMs: outcome.record.durationMs,
      logFile: outcome.logFile,
      error: outcome.error,
      ...(outcome.record.logTail ? { logTail: outcome.record.logTail } : {}),
    });
    return outcome;
  } finally {
    // the slot now holds the task's upstream and its change (capture added it to the slot's index)
    if (sound) pool.release(slot, [...upstreamOf(ctx.plan, t).map((u) => u.id), t.id]);
    else await pool.discard(slot.name);
  }
}

/** The engine's view of a local run: checkpoints in the run folder, git work in waveplan's run repository. */
function runContext(plan: Plan, run: RunInfo, layout: Layout, interrupt: AbortSignal): RunContext {
  // a task that writes a secret's value into the repository must not land it
  const store = new SecretGuardStore(new LocalCheckpointStore(layout.checkpoints(run.runId)), namedSecrets(agentSecretNames(plan)));
  const secrets = store.scanner;
  return {
    plan,
    planHash: planHash(plan),
    runId: run.runId,
    attempt: 1,
    base: run.base,
    // materialized trees and captured blobs go to waveplan's run repository, never the user's
    repoDir: layout.runGitDir,
    store,
    secrets,
    logDir: layout.logs(run.runId),
    scratchDir: layout.scratch(run.runId),
    env: inheritedEnv(),
    strictPlanHash: false,
    verified: new Map(),
    // the index of each materialized tree is kept, so the next wave applies its patches without reading the tree again
    trees: new TreeCache(join(layout.scratch(run.runId), "trees")),
    signal: interrupt,
  };
}

/**
 * The wave's tasks that must run; those whose checkpoint still verifies are reused (`--resume`),
 * unless `redo` says to run them again.
 */
async function toRun(
  ctx: RunContext,
  wave: Wave,
  waveTasks: Task[],
  emit: EventSink,
  skipped: Task[],
  redo: (t: Task) => boolean,
): Promise<Task[]> {
  const todo: Task[] = [];
  for (const t of waveTasks) {
    // In a chain, a task after one that must re-run has to re-run too: its upstream changed.
    if ((todo.length === 0 || wave.mode === "parallel") && !redo(t)) {
      if ((await reuseCheckpoint(ctx, t)).reused) {
        skipped.push(t);
        emit({
          type: "task-skip",
          task: t.id,
          instance: t.instance,
          wave: wave.id,
          reason: "verified checkpoint from an earlier attempt",
        });
        continue;
      }
    }
    todo.push(t);
  }
  return todo;
}

/** Lands a run whose every checkpoint verified: one commit, unless the plan changed no file. */
async function landRun(repo: string, plan: Plan, run: RunInfo, ctx: RunContext, emit: EventSink): Promise<string | undefined> {
  const all = plan.tasks.map((t) => ctx.verified.get(t.id) as VerifiedCheckpoint);
  // A run on a snapshot of uncommitted edits lands only the plan's change on the current branch;
  // on a new branch, the snapshot commit stays in the history under the plan's commit.
  const onto = run.targetBranch ? undefined : run.head;
  // built in the user's repository from the verified patches: the first write to it is the landing.
  // A snapshot lives in the run repository: the commit is built there (authored as the user's
  // repository would author it) and only the objects the landing references are copied over.
  const where = run.head ? ctx.repoDir : repo;
  const author = run.head ? plan.land.author || (await userAuthor(repo)) : undefined;
  const commit = await landingCommit(where, plan, run.runId, run.base, all, { onto, author });
  // a plan whose tasks changed no file has nothing to land: no empty commit
  const [after, before] = await Promise.all([commit, onto ?? run.base].map((c) => git(["rev-parse", `${c}^{tree}`], { cwd: where })));
  if (after === before) return undefined;
  if (run.head) await copyLandedObjects(ctx.repoDir, repo, commit, run.head);
  const { branch, commit: landedCommit } = await land(repo, commit, onto ?? run.base, run.targetBranch);
  run.landedCommit = landedCommit;
  emit({ type: "land", commit: landedCommit, branch });
  return landedCommit;
}

/** Every checkpoint record of the run so far, by task (unverified: they only count money). */
async function recordsOf(layout: Layout, runId: string): Promise<Map<string, CheckpointRecord>> {
  const dir = layout.checkpoints(runId);
  const records = new Map<string, CheckpointRecord>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    try {
      const r = JSON.parse(await readFile(join(dir, name, RECORD_FILE), "utf8")) as CheckpointRecord;
      records.set(r.task.id, r);
    } catch {}
  }
  return records;
}

/** `--redo` names tasks of the plan that this run selects (`--wave`/`--only` may leave some out). */
function checkRedo(plan: Plan, selected: Task[], redo: string[]): void {
  const unknown = unknownRedoTasks(plan, redo);
  if (unknown.length) throw new RedoError(unknown.join("\n"));
  const outside = redo.filter((id) => !selected.some((t) => t.id === id));
  if (outside.length)
    throw new RedoError(
      `--redo ${outside.join(", ")}: not among the tasks this run selects (--wave/--only leave ${outside.length === 1 ? "it" : "them"} out)`,
    );
}

/** The run to resume: the one named, else the latest of this plan (undefined when there is none). */
async function findRun(layout: Layout, plan: Plan, planFile: string, resume: boolean | string): Promise<RunInfo | undefined> {
  if (typeof resume === "string") {
    const run = await layout.readRun(resume);
    if (!run) throw new RunError(`no run "${resume}" in ${layout.root}/runs`);
    return run;
  }
  const runs = (await layout.listRuns()).filter((r) => r.planFile === planFile || r.planName === plan.name);
  const run = runs[0];
  if (!run) return undefined;
  if (run.status === "landed")
    throw new RunError(`the latest run of "${plan.name}" (${run.runId}) already landed; start a new one without --resume`);
  return run;
}

/**
 * A finished wave's checkpoints verify and combine: when its parallel tasks changed the same paths,
 * the merge is made now (and kept for the next wave's tasks), so a conflict ends the run here.
 */
async function verifyWave(ctx: RunContext, wave: Wave, tasks: Task[]): Promise<void> {
  const done = await verifyChain(ctx, tasks, (t) => `task "${t.id}" finished without a checkpoint`);
  assertNoConflicts(ctx.plan, done);
  if (!needsMerge(done)) return;
  const through = ctx.plan.tasks.filter((t) => t.waveIndex <= wave.index).map((t) => ctx.verified.get(t.id));
  // with its commit, which the next wave's tasks check out (made once here rather than once per task)
  if (through.every((cp) => cp !== undefined)) await materializeCommit(ctx.repoDir, ctx.base, through, ctx.trees);
}

/** Worktrees of versions before slots: removed (files and git's registration) the first time. */
async function removeLegacyWorktrees(repo: string, layout: Layout): Promise<void> {
  const legacy = await rm(layout.legacyWorktrees, { recursive: true }).then(
    () => true,
    () => false,
  );
  if (legacy) await git(["worktree", "prune"], { cwd: repo });
}

/** Runs `fn` over items, at most `limit` at once; after an error or an interruption no new item
 * starts, and the error is raised once the items in flight have finished (their checkpoints stay
 * usable for --resume). */
async function runBounded<T, R>(items: T[], limit: number, stop: AbortSignal, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failure && !stop.aborted) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (error) {
        failure ??= { error };
      }
    }
  });
  await Promise.all(workers);
  if (failure) throw failure.error;
  return results;
}
