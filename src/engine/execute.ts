/**
 * Execute: a `run:` task is its script under `bash -eo pipefail`; a `prompt:` task is the plan's agent
 * command with the prompt on stdin. Both get the WAVEPLAN_* variables and run in the task workspace.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
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
  onOutput?: (chunk: Buffer) => void;
  /** which processes are the task's (killed when it ends) */
  contain?: ContainmentScope;
  /** aborted when the run is interrupted */
  signal?: AbortSignal;
  /** the sandbox every task runs in; absent only when the plan says `sandbox: off` */
  sandbox?: Sandbox;
}

/**
 * --norc: the task's stdin is a socket (node's pipes are socket pairs), which bash takes for a remote
 * shell: without --norc a `bash -c` at SHLVL < 2 sources ~/.bashrc (bash's shell.c, run_startup_files),
 * so the user's shell set-up would change what a task runs.
 */
const BASH = ["--norc", "-eo", "pipefail"];

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
  };
}

export async function executeTask(o: ExecuteOptions): Promise<ProcessResult> {
  const env = taskEnv(o);
  // agent.secrets name the variables whose values are secret: never in a log, whichever task prints them
  const redact = secretValues(o.plan.agent?.secrets ?? [], env);
  const common = {
    cwd: o.workspace,
    timeoutMs: o.task.timeoutMs,
    logFile: o.logFile,
    onOutput: o.onOutput,
    redact,
    contain: o.contain,
    signal: o.signal,
  };
  if (o.task.kind === "run") {
    const script = join(o.scratchDir, `${o.task.id}.sh`);
    await writeFile(script, o.task.body);
    return run(o, { ...common, command: "bash", args: [...BASH, script], env });
  }
  const command = o.plan.agent?.command;
  if (!command) throw new Error(`task "${o.task.id}" is a prompt task but the plan has no agent.command`);
  return run(o, { ...common, command: "bash", args: [...BASH, "-c", command], env, stdin: o.task.body });
}

/** The task's process, inside the run's sandbox when there is one. */
async function run(o: ExecuteOptions, spec: ProcessSpec): Promise<ProcessResult> {
  if (!o.sandbox) return runProcess(spec);
  const wrapped = await o.sandbox.wrap({
    command: spec.command,
    args: spec.args,
    env: spec.env,
    writable: o.workspace,
    // its script, and the git objects its folder borrows
    readable: [o.scratchDir, ...borrowedObjectDirs(o.workspace)],
  });
  try {
    return await runProcess({ ...spec, command: wrapped.command, args: wrapped.args, env: wrapped.env, supervisor: true });
  } finally {
    await wrapped.dispose();
  }
}
