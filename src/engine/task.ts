/**
 * The one execution path for a task, shared by `waveplan run` and the GitHub action:
 * gate → materialize → execute → capture → checkpoint.
 */
import { createHash, randomBytes } from "node:crypto";
import { appendFile, lstat, mkdir, readlink, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { agentSettings, PRESETS } from "../agent/presets.js";
import { type AgentFigures, CHECKPOINT_SCHEMA, type CheckpointRecord, RECORD_FILE } from "../checkpoint/record.js";
import { SecretLeakError, type SecretScanner } from "../checkpoint/secret-guard.js";
import { upstreamOf } from "../graph/upstream.js";
import { taskHash } from "../plan/hash.js";
import type { Plan, Task } from "../plan/model.js";
import { taskBudgetFailure } from "./budget.js";
import { captureChange } from "./capture.js";
import type { RunContext } from "./context.js";
import { namedSecrets } from "./env.js";
import { executeTask } from "./execute.js";
import { gate } from "./gate.js";
import { readLogTail } from "./log-tail.js";
import { checkoutClean, materializeCommit } from "./materialize.js";
import { readNoFollow } from "./no-follow.js";
import { checkoutWorkspace, type Workspace } from "./workspace.js";

/** The run was interrupted (SIGINT/SIGTERM) while the task ran: it was stopped, no checkpoint is written. */
export class InterruptedError extends Error {}

export interface TaskOutcome {
  task: Task;
  status: "success" | "failure";
  record: CheckpointRecord;
  logFile: string;
  error?: string;
}

export interface TaskHooks {
  /** called once the gate passed and the workspace is ready, right before the process starts */
  onStart?: (task: Task) => void;
}

/** `where`: a slot (local runs) or the folder of the job's checkout (the action). */
export async function runTask(ctx: RunContext, task: Task, where: string | Workspace, hooks: TaskHooks = {}): Promise<TaskOutcome> {
  const workspace = typeof where === "string" ? checkoutWorkspace(where) : where;
  const upstream = await gate(ctx, task);
  // the workspace may bring itself up to date from the upstream patches while the commit is being made
  const making = materializeCommit(ctx.repoDir, ctx.base, upstream, ctx.trees);
  making.catch(() => {});
  await checkoutClean(workspace, making, upstream);
  const materialized = await making;

  await mkdir(ctx.logDir, { recursive: true });
  const logFile = join(ctx.logDir, `${task.id}.log`);
  await writeFile(logFile, "");
  if (ctx.signal?.aborted) throw new InterruptedError(`task "${task.id}" was not started: the run was interrupted`);
  hooks.onStart?.(task);
  const startedAt = new Date();
  let result: { exitCode: number | null; timedOut: boolean; signal: NodeJS.Signals | null; failure?: string } = {
    exitCode: null,
    timedOut: false,
    signal: null,
  };
  let agent: AgentFigures | undefined;
  const upstreamChanges = upstream.map((u) => ({ task: u.record.task.id, files: u.record.patch.files }));
  const budget = taskBudget(ctx.plan, task);
  let overTaskBudget: string | undefined;
  let tries = 0;
  for (;;) {
    tries++;
    if (tries > 1) {
      await appendFile(logFile, `\n[waveplan] retry ${tries - 1} of ${task.retries}: starting again from the materialized tree\n`);
      await checkoutClean(workspace, materialized, upstream);
    }
    const run = await executeTask({
      plan: ctx.plan,
      task,
      workspace: workspace.dir,
      scratchDir: ctx.scratchDir,
      logFile,
      env: { ...ctx.env, ...workspace.taskEnv },
      runId: ctx.runId,
      upstream: upstreamChanges,
      onOutput: ctx.onOutput && ((chunk) => ctx.onOutput?.(task.id, chunk)),
      contain: workspace.contain,
      signal: ctx.signal,
      sandbox: ctx.sandbox,
      readable: ctx.readable,
    });
    // an interrupted task is neither a success nor a failure: it runs again on --resume
    if (run.interrupted) throw new InterruptedError(`task "${task.id}" was stopped: the run was interrupted`);
    result = run;
    // every attempt was paid for: the record adds them up
    agent = addFigures(agent, run.agent);
    overTaskBudget = budget.enforce ? taskBudgetFailure(agent, budget.usd) : undefined;
    if ((result.exitCode === 0 && !result.timedOut && !result.failure) || tries > task.retries) break;
    // agent.budget.task-usd covers every try: once spent, no retry pays for another
    if (overTaskBudget || (budget.usd !== undefined && (agent?.costUsd ?? 0) >= budget.usd)) break;
  }
  const finishedAt = new Date();

  const dir = join(ctx.scratchDir, "checkpoints", `${task.id}-${randomBytes(4).toString("hex")}`);
  await mkdir(dir, { recursive: true });
  const captured = await captureChange(workspace, materialized, task, dir, ctx.plan.limits?.checkpointBytes);
  if (ctx.secrets && !ctx.secrets.empty) await refuseSecrets(ctx.secrets, task, workspace.dir, captured.patch.files, dir);
  const processError = result.timedOut
    ? `timed out after ${Math.round(task.timeoutMs / 1000)}s`
    : (result.failure ??
      (result.exitCode !== 0
        ? `exited with ${result.exitCode === null ? `signal ${result.signal}` : `code ${result.exitCode}`}`
        : undefined));
  const error = overTaskBudget ?? processError ?? captured.error;
  const logTail = error ? await readLogTail(logFile, namedSecrets(ctx.plan.agent?.secrets ?? [], { ...process.env, ...ctx.env })) : "";
  const record: CheckpointRecord = {
    schema: CHECKPOINT_SCHEMA,
    plan: { name: ctx.plan.name, hash: ctx.planHash },
    run: { id: ctx.runId, attempt: ctx.attempt },
    base: ctx.base,
    task: { id: task.id, wave: task.waveId, instance: task.instance, hash: taskHash(ctx.plan, task) },
    status: error ? "failure" : "success",
    exitCode: result.exitCode,
    ...(error ? { error } : {}),
    ...(logTail ? { logTail } : {}),
    tries,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    patch: captured.patch,
    outputs: captured.outputs,
    upstream: upstreamOf(ctx.plan, task).map((u) => ({ task: u.id, record: ctx.verified.get(u.id)?.recordSha256 ?? "" })),
    ...(agent ? { agent } : {}),
  };
  const text = `${JSON.stringify(record, null, 2)}\n`;
  // the ledger vouches for the bytes written here, before anything else can touch the file
  await ctx.ledger?.sign(task.id, createHash("sha256").update(text).digest("hex"));
  await writeAtomic(join(dir, RECORD_FILE), text);
  await ctx.store.publish(task.id, dir);
  return { task, status: record.status, record, logFile, error };
}

/**
 * `agent.budget.task-usd` of a prompt task, and whether waveplan enforces it from the reported cost:
 * a preset whose CLI has a limit of its own (Claude Code `--max-budget-usd`) gets the flag and stops
 * itself (its "budget reached" fails the task); for the others the task fails when it reported more.
 */
function taskBudget(plan: Plan, task: Task): { usd?: number; enforce: boolean } {
  const settings = task.kind === "prompt" ? agentSettings(plan, task) : undefined;
  if (settings?.taskUsd === undefined) return { enforce: false };
  return { usd: settings.taskUsd, enforce: !PRESETS[settings.preset].supports.taskUsd };
}

/** The figures of two attempts of one task, added up (the later attempt's model and reason to give up). */
export function addFigures(a: AgentFigures | undefined, b: AgentFigures | undefined): AgentFigures | undefined {
  if (!a || !b) return b ?? a;
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const costUsd = sum(a.costUsd, b.costUsd);
  const turns = sum(a.turns, b.turns);
  return {
    ...b,
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(turns !== undefined ? { turns } : {}),
    tokens: {
      input: a.tokens.input + b.tokens.input,
      output: a.tokens.output + b.tokens.output,
      cacheRead: a.tokens.cacheRead + b.tokens.cacheRead,
      cacheWrite: a.tokens.cacheWrite + b.tokens.cacheWrite,
    },
    denied: [...a.denied, ...b.denied],
  };
}

/**
 * The content of every file the task changed, binary or not, as it is in its folder (the patch holds
 * binary files compressed, where no secret is seen): one holding a secret's value refuses the checkpoint.
 */
async function refuseSecrets(secrets: SecretScanner, task: Task, root: string, files: string[], staged: string): Promise<void> {
  for (const file of files) {
    const st = await lstat(join(root, file)).catch(() => undefined);
    const content = st?.isSymbolicLink()
      ? Buffer.from(await readlink(join(root, file)))
      : st?.isFile()
        ? await readNoFollow(root, file)
        : undefined;
    const name = Buffer.isBuffer(content) ? secrets.find(content) : undefined;
    if (name) {
      await rm(staged, { recursive: true, force: true });
      throw new SecretLeakError(
        `task "${task.id}" put the value of secret ${name} into its checkpoint (${file}, a changed file); the checkpoint was refused`,
      );
    }
  }
}

export async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString("hex")}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
