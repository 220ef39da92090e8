/**
 * A step's process: its own process group, so a timeout or a cancelled job (fail-fast, Ctrl-C)
 * ends everything the step started; output goes through the job log line by line. A step's process
 * group does not hold everything it started — the action runs its task in a group of its own, and a
 * task may `setsid` — so each step's environment carries a marker, and a cancelled or timed-out step
 * ends only when no process with that marker is left (engine/containment.ts: the /proc scan, its limits).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { type ContainmentScope, killContained, signalContained } from "../../engine/containment.js";
import type { JobLog } from "./job-log.js";

/** Marker variable of every process a simulated step starts (the action's own tasks inherit it). */
export const STEP_MARKER_ENV = "WAVEPLAN_SIMULATE_STEP";

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
    const contain: ContainmentScope = { env: STEP_MARKER_ENV, value: randomUUID() };
    const child = spawn(p.command, p.args, {
      cwd: p.cwd,
      env: { ...p.env, [contain.env]: contain.value },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
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
      signalContained(contain, "SIGTERM").catch(() => {});
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
      // a stopped step is over only when nothing it started runs any more (a task of the action, a
      // setsid escapee); a step that ended by itself leaves its background processes to the job's end
      const stopped = cancelled || timedOut ? killContained(contain).catch(() => 0) : Promise.resolve(0);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        child.stdout.destroy();
        child.stderr.destroy();
        out();
        err();
        stopped.then(() => resolve({ exitCode: code, timedOut, cancelled }));
      };
      child.once("close", finish);
      setTimeout(finish, 100);
    });
  });
}
