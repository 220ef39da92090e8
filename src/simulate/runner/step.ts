/** What every kind of step gets from the job runner, and the `run:` step itself. */
import { writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { WaveplanError } from "../../errors.js";
import { asString, type Contexts } from "../expressions.js";
import type { SimRun } from "../run-context.js";
import type { SimStep } from "../workflow/load.js";
import type { JobLog } from "./job-log.js";
import { runStepProcess } from "./process.js";

export interface JobPlace {
  /** `GITHUB_JOB` and the results-service job key: the job id, plus the matrix index */
  key: string;
  workspace: string;
  temp: string;
  home: string;
  eventPath: string;
  /** process groups started by steps, killed when the job ends */
  pgids: number[];
}

export interface StepRun {
  run: SimRun;
  job: JobPlace;
  step: SimStep;
  contexts: Contexts;
  /** the step's full environment: runner variables, workflow/job/step env, file commands */
  env: Record<string, string>;
  defaultsRun: Record<string, string>;
  log: JobLog;
  signal: AbortSignal;
  timeoutMs: number;
}

export type StepOutcome = "success" | "failure";

export class StepError extends WaveplanError {
  override readonly name = "StepError";
}

/** `run:` — the script, with its expressions already substituted, in bash (GitHub's default shell on Linux). */
export async function runScript(s: StepRun): Promise<StepOutcome> {
  const script = asString(s.step.run, s.contexts);
  const file = join(s.job.temp, `step-${s.step.index + 1}.sh`);
  await writeFile(file, script);
  const shell = s.step.shell === undefined ? (s.defaultsRun.shell ?? "") : asString(s.step.shell, s.contexts);
  const [command, ...args] = shellCommand(shell, file, s.step.where);
  const dir = s.step.workingDirectory === undefined ? s.defaultsRun["working-directory"] : asString(s.step.workingDirectory, s.contexts);
  const cwd = dir ? (isAbsolute(dir) ? dir : join(s.job.workspace, dir)) : s.job.workspace;
  const exit = await runStepProcess({
    command,
    args,
    cwd,
    env: s.env,
    log: s.log,
    timeoutMs: s.timeoutMs,
    signal: s.signal,
    onSpawn: (pgid) => s.job.pgids.push(pgid),
  });
  // GitHub turns a failed script into an annotation, not only a log line
  if (exit.exitCode !== 0 && !exit.cancelled && !exit.timedOut)
    s.log.stepLine(`::error::Process completed with exit code ${exit.exitCode}.`);
  return exit.exitCode === 0 ? "success" : "failure";
}

function shellCommand(shell: string, file: string, where: string): string[] {
  switch (shell) {
    case "":
    case "bash":
      return ["bash", "--noprofile", "--norc", "-eo", "pipefail", file];
    case "sh":
      return ["sh", "-e", file];
    default: {
      if (!shell.includes("{0}"))
        throw new StepError(`${where}: shell "${shell}" is not supported by the simulator (use bash, sh or a command with {0})`);
      return shell
        .split(/\s+/)
        .filter(Boolean)
        .map((part) => part.replace("{0}", file));
    }
  }
}
