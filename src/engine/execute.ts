/**
 * Execute: a `run:` task is its script under `bash -eo pipefail`; a `prompt:` task is its agent — a
 * preset's CLI started headless (src/agent/), or the plan's `agent.command` under bash — with the
 * preamble and prompt on stdin (a regular file) and in $WAVEPLAN_PROMPT_FILE. Both get the WAVEPLAN_*
 * variables and run in the task workspace. The result says why a task failed in one line, and for a
 * preset what its CLI reported (cost, tokens, turns, denied tools, whether it gave up).
 */
import { constants } from "node:fs";
import { access, open, stat, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { missingAuth } from "../agent/auth.js";
import { exitDescription } from "../agent/failure.js";
import { preamble, type UpstreamChange } from "../agent/preamble.js";
import { agentSecretNames, agentSettings, PRESETS } from "../agent/presets.js";
import type { AgentFigures } from "../checkpoint/record.js";
import { taskEstimate } from "../graph/estimate.js";
import type { Plan, Task } from "../plan/model.js";
import { borrowedObjectDirs } from "../sandbox/borrowed.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { ContainmentScope } from "./containment.js";
import { type ProcessResult, type ProcessSpec, runProcess, secretValues } from "./process.js";

export interface ExecuteOptions {
  plan: Plan;
  task: Task;
  workspace: string;
  scratchDir: string;
  logFile: string;
  env: Record<string, string>;
  runId: string;
  /** what the task's upstream tasks changed (for the prompt's preamble) */
  upstream?: UpstreamChange[];
  onOutput?: (chunk: Buffer) => void;
  /** which processes are the task's (killed when it ends) */
  contain?: ContainmentScope;
  /** aborted when the run is interrupted */
  signal?: AbortSignal;
  /** the sandbox every task runs in; absent only when the plan says `sandbox: off` */
  sandbox?: Sandbox;
  /** host folders the task reads besides its slot and scratch folder (RunContext.readable) */
  readable?: string[];
}

export interface ExecuteResult extends ProcessResult {
  /** why the task failed, one line, when the process says so (its exit and last error lines, an agent that gave up) */
  failure?: string;
  /** what a preset's CLI reported about this attempt */
  agent?: AgentFigures;
}

/** The prompt file's variable: agents that take a file rather than stdin read it. */
export const PROMPT_FILE_ENV = "WAVEPLAN_PROMPT_FILE";

/**
 * --norc: a `bash -c` whose stdin is a socket (node's pipes are socket pairs) takes itself for a remote
 * shell and at SHLVL < 2 sources ~/.bashrc (bash's shell.c, run_startup_files), so the user's shell
 * set-up would change what a task runs.
 */
const BASH = ["--norc", "-eo", "pipefail"];

/** How much of the end of a task's log is read for its agent's summary and its last error lines. */
const TAIL_BYTES = 8 * 1024 * 1024;

/** The plan's estimate for a task in seconds (its own, else its wave's; graph/estimate.ts), "" without one. */
function estimateSeconds(plan: Plan, task: Task): string {
  const wave = plan.waves[task.waveIndex];
  const ms = wave ? taskEstimate(wave, task) : (task.estimateMs ?? 0);
  return ms > 0 ? String(Math.round(ms / 1000)) : "";
}

export function taskEnv(o: ExecuteOptions): Record<string, string> {
  const { plan, task } = o;
  const role = plan.instances.find((i) => i.id === task.instance)?.role ?? "";
  return {
    ...o.env,
    ...plan.env,
    ...task.env,
    WAVEPLAN_RUN: o.runId,
    WAVEPLAN_PLAN: plan.name,
    WAVEPLAN_TASK: task.id,
    WAVEPLAN_TASK_TITLE: task.title,
    WAVEPLAN_INSTANCE: task.instance,
    WAVEPLAN_ROLE: role,
    WAVEPLAN_WAVE: task.waveId,
    WAVEPLAN_TASK_ESTIMATE: estimateSeconds(plan, task),
  };
}

/** The text a prompt task's agent receives: the preamble (unless `agent.preamble: false`) and the prompt. */
export function promptText(plan: Plan, task: Task, upstream: UpstreamChange[] = []): string {
  return plan.agent?.preamble === false ? task.body : `${preamble(plan, task, upstream)}${task.body}`;
}

export async function executeTask(o: ExecuteOptions): Promise<ExecuteResult> {
  const secretNames = agentSecretNames(o.plan);
  // the secrets' values are never in a log, whichever task prints them
  const redact = secretValues(secretNames, taskEnv(o));
  // and they are the agent's: a `run:` task does not inherit them (the plan's own env may still set one)
  const env = o.task.kind === "run" ? taskEnv({ ...o, env: withoutNames(o.env, secretNames) }) : taskEnv(o);
  const common = {
    cwd: o.workspace,
    timeoutMs: o.task.timeoutMs,
    logFile: o.logFile,
    onOutput: o.onOutput,
    redact,
    contain: o.contain,
    signal: o.signal,
    logLimitBytes: o.plan.limits?.logBytes,
  };
  const from = await logSize(o.logFile);
  if (o.task.kind === "run") {
    const script = join(o.scratchDir, `${o.task.id}.sh`);
    await writeFile(script, o.task.body);
    const result = await run(o, { ...common, command: "bash", args: [...BASH, script], env });
    return { ...result, failure: await exitFailure(result, o.logFile, from) };
  }

  const promptFile = join(o.scratchDir, `${o.task.id}.prompt.md`);
  await writeFile(promptFile, promptText(o.plan, o.task, o.upstream));
  env[PROMPT_FILE_ENV] = promptFile;
  const settings = agentSettings(o.plan, o.task);
  if (!settings) {
    const command = o.plan.agent?.command;
    if (!command) throw new Error(`task "${o.task.id}" is a prompt task but no agent runs it (agent.preset or agent.command)`);
    const result = await run(o, { ...common, command: "bash", args: [...BASH, "-c", command], env, stdinFile: promptFile });
    return { ...result, failure: await exitFailure(result, o.logFile, from) };
  }

  const preset = PRESETS[settings.preset];
  const unauthenticated = missingAuth(preset, env);
  if (unauthenticated) return notStarted(unauthenticated);
  const invocation = preset.invocation(settings, promptFile);
  const agentEnv = { ...env, ...invocation.env };
  // an unset GitHub secret arrives as an empty variable: the CLI must not take it for a credential
  for (const name of preset.secrets) if (agentEnv[name] === "") delete agentEnv[name];
  const spec: ProcessSpec = { ...common, command: preset.bin, args: invocation.args, env: agentEnv, stdinFile: promptFile };
  // looked up here, not left to the spawn: inside the sandbox a missing program is only bwrap's exit code
  if (!(await onPath(preset.bin, agentEnv.PATH ?? "")))
    return notStarted(
      `\`${preset.bin}\`: command not found (${preset.name} is not installed on this machine's PATH; install ${installHint(preset.install, settings.version)})`,
    );
  const result = await run(o, spec);
  const output = await readLog(o.logFile, from);
  const parsed = preset.parse(output);
  const model = parsed.figures?.model ?? settings.model;
  const agent: AgentFigures | undefined = parsed.figures && {
    preset: preset.name,
    ...parsed.figures,
    ...(model ? { model } : {}),
    ...(parsed.gaveUp ? { gaveUp: parsed.gaveUp } : {}),
  };
  const failure = result.timedOut
    ? undefined
    : parsed.gaveUp
      ? `${preset.bin} gave up: ${parsed.gaveUp}`
      : result.exitCode !== 0
        ? exitDescription(result.exitCode, result.signal, output)
        : undefined;
  return { ...result, failure, ...(agent ? { agent } : {}) };
}

function notStarted(failure: string): ExecuteResult {
  return { exitCode: null, signal: null, timedOut: false, interrupted: false, durationMs: 0, failure };
}

function installHint(install: (typeof PRESETS)[keyof typeof PRESETS]["install"], version: string): string {
  return install.kind === "npm" ? `\`npm install -g ${install.package}@${version}\`` : `\`pipx install ${install.package}==${version}\``;
}

async function exitFailure(result: ProcessResult, logFile: string, from: number): Promise<string | undefined> {
  if (result.timedOut || result.interrupted || result.exitCode === 0) return undefined;
  return exitDescription(result.exitCode, result.signal, await readLog(logFile, from));
}

async function logSize(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}

/** What the process wrote to the log after offset `from` (its last TAIL_BYTES at most). */
async function readLog(file: string, from: number): Promise<string> {
  const size = await logSize(file);
  const start = Math.max(from, size - TAIL_BYTES);
  if (size <= start) return "";
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return buf.toString("utf8");
  } finally {
    await fh.close();
  }
}

/** The task's process, inside the run's sandbox when there is one. */
async function run(o: ExecuteOptions, spec: ProcessSpec): Promise<ProcessResult> {
  if (!o.sandbox) return runProcess(spec);
  const wrapped = await o.sandbox.wrap({
    command: spec.command,
    args: spec.args,
    env: spec.env,
    writable: o.workspace,
    // its script, the git objects its folder borrows, and what the run lets every task read
    readable: [o.scratchDir, ...borrowedObjectDirs(o.workspace), ...(o.readable ?? [])],
  });
  try {
    return await runProcess({ ...spec, command: wrapped.command, args: wrapped.args, env: wrapped.env, supervisor: true });
  } finally {
    await wrapped.dispose();
  }
}

/** Whether `bin` is an executable file in one of PATH's folders (or a path that is one). */
async function onPath(bin: string, path: string): Promise<boolean> {
  const candidates = bin.includes("/")
    ? [bin]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, bin));
  for (const file of candidates)
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  return false;
}

function withoutNames(env: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out = { ...env };
  for (const name of names) delete out[name];
  return out;
}
