/**
 * A step's process: its own process group, so a timeout or a cancelled job (fail-fast, Ctrl-C)
 * ends everything the step started; output goes through the job log line by line.
 */
import { spawn } from "node:child_process";
import type { JobLog } from "./job-log.js";

export interface StepProcess {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  log: JobLog;
  timeoutMs: number;
  /** aborted when the job is cancelled */
  signal: AbortSignal;
  /** the process group, which the job kills when it ends (background processes live until then, as on a runner) */
  onSpawn?: (pgid: number) => void;
}

export interface StepExit {
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
}

/** Time between SIGTERM and SIGKILL, as a runner gives a cancelled step a moment to clean up. */
const KILL_GRACE_MS = 2000;

export function runStepProcess(p: StepProcess): Promise<StepExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(p.command, p.args, { cwd: p.cwd, env: p.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid) p.onSpawn?.(child.pid);
    let timedOut = false;
    let cancelled = false;
    const kill = () => {
      const signal = (s: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, s);
        } catch {}
      };
      signal("SIGTERM");
      setTimeout(() => signal("SIGKILL"), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      p.log.info(`##[error] the step exceeded its timeout of ${Math.round(p.timeoutMs / 60000)} minute(s)`);
      kill();
    }, p.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      p.log.info("##[error] the operation was canceled");
      kill();
    };
    if (p.signal.aborted) onAbort();
    else p.signal.addEventListener("abort", onAbort, { once: true });
    const out = p.log.lineSplitter();
    const err = p.log.lineSplitter();
    child.stdout.on("data", out);
    child.stderr.on("data", err);
    child.on("error", (e) => {
      clearTimeout(timer);
      p.signal.removeEventListener("abort", onAbort);
      reject(new Error(`cannot start ${p.command}: ${e.message}`));
    });
    // 'exit', not 'close': a background process holding the pipes must not keep the step running
    child.on("exit", (code) => {
      clearTimeout(timer);
      p.signal.removeEventListener("abort", onAbort);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        child.stdout.destroy();
        child.stderr.destroy();
        out();
        err();
        resolve({ exitCode: code, timedOut, cancelled });
      };
      child.once("close", finish);
      setTimeout(finish, 100);
    });
  });
}
