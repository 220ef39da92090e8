/**
 * Runs a task's process: its own process group so a timeout (or the task ending) kills every child,
 * including background processes the script left behind; output goes to the task log.
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
  timeoutMs: number;
  logFile: string;
  /** also receive output as it arrives (the GitHub job log) */
  onOutput?: (chunk: Buffer) => void;
  /** grace period between SIGTERM and SIGKILL on timeout */
  killGraceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
}

export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const log = createWriteStream(spec.logFile, { flags: "a" });
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {}
    };
    const timer = setTimeout(() => {
      timedOut = true;
      log.write(`\n[waveplan] timeout after ${spec.timeoutMs} ms: killing the task's process group\n`);
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), spec.killGraceMs ?? 2000).unref();
    }, spec.timeoutMs);
    const forward = (b: Buffer) => {
      log.write(b);
      spec.onOutput?.(b);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.stdin.on("error", () => {});
    child.stdin.end(spec.stdin ?? "");
    child.on("error", (e) => {
      clearTimeout(timer);
      log.end(() => reject(e));
    });
    // 'exit' rather than 'close': a background process holding the pipes open must not hang the task.
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      killGroup("SIGKILL");
      const finish = () => {
        child.stdout.destroy();
        child.stderr.destroy();
        log.end(() => resolve({ exitCode: code, signal, timedOut, durationMs: Date.now() - started }));
      };
      // let already-buffered output drain briefly
      setTimeout(finish, 20);
    });
  });
}
