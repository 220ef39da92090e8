/**
 * Execute: a `run:` task is its script under `bash -eo pipefail`; a `prompt:` task is the plan's agent
 * command with the prompt on stdin. Both get the WAVEPLAN_* variables and run in the task workspace.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Plan, Task } from "../plan/model.js";
import type { ContainmentScope } from "./containment.js";
import { type ProcessResult, runProcess, secretValues } from "./process.js";

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
  const secretNames = o.plan.agent?.secrets ?? [];
  // agent.secrets name the variables whose values are secret: never in a log, whichever task prints them
  const redact = secretValues(secretNames, taskEnv(o));
  // and they are the agent's: a `run:` task does not inherit them (the plan's own env may still set one)
  const env = o.task.kind === "run" ? taskEnv({ ...o, env: withoutNames(o.env, secretNames) }) : taskEnv(o);
  if (o.task.kind === "run") {
    const script = join(o.scratchDir, `${o.task.id}.sh`);
    await writeFile(script, o.task.body);
    return runProcess({
      command: "bash",
      args: [...BASH, script],
      cwd: o.workspace,
      env,
      timeoutMs: o.task.timeoutMs,
      logFile: o.logFile,
      onOutput: o.onOutput,
      redact,
      contain: o.contain,
      signal: o.signal,
      logLimitBytes: o.plan.limits?.logBytes,
    });
  }
  const command = o.plan.agent?.command;
  if (!command) throw new Error(`task "${o.task.id}" is a prompt task but the plan has no agent.command`);
  return runProcess({
    command: "bash",
    args: [...BASH, "-c", command],
    cwd: o.workspace,
    env,
    stdin: o.task.body,
    timeoutMs: o.task.timeoutMs,
    logFile: o.logFile,
    onOutput: o.onOutput,
    redact,
    contain: o.contain,
    signal: o.signal,
    logLimitBytes: o.plan.limits?.logBytes,
  });
}

function withoutNames(env: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out = { ...env };
  for (const name of names) delete out[name];
  return out;
}
