/**
 * Runs a task's process: its own process group, and a marker in its environment, so a timeout, an
 * interruption or the task ending kills every process it started — background ones and those that
 * left the group with `setsid` (engine/containment.ts) — before the task's turn is over. Output goes
 * to the task log with the values of secrets replaced by `***`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { closeSync, createWriteStream, openSync } from "node:fs";
import type { Readable } from "node:stream";
import { formatSize } from "../plan/size.js";
import { type ContainmentScope, killContained, signalContained } from "./containment.js";
import { namedSecrets } from "./env.js";

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
  /**
   * stdin from this regular file instead (wins over `stdin`): node's own stdio pipes are socket pairs,
   * which `aider --message-file /dev/stdin` and bash (a remote shell, see execute.ts) take for a socket
   */
  stdinFile?: string;
  timeoutMs: number;
  logFile: string;
  /** also receive output as it arrives (the GitHub job log) */
  onOutput?: (chunk: Buffer) => void;
  /** grace period between SIGTERM and SIGKILL on timeout */
  killGraceMs?: number;
  /** values replaced by `***` in everything the task prints (log file and onOutput) */
  redact?: readonly string[];
  /** which processes are the task's (default: a fresh marker only this run of the process carries) */
  contain?: ContainmentScope;
  /** aborting it stops the task (SIGTERM, then SIGKILL after the grace period) */
  signal?: AbortSignal;
  /**
   * `command` supervises a sandbox (sandbox/sandbox.ts): SIGTERM goes to the processes inside only,
   * since the supervisor's death ends them all at once, without their grace period
   */
  supervisor?: boolean;
  /** the most of the task's output the log file keeps (`limits.log`); beyond it the log says it was cut */
  logLimitBytes?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** stopped through `signal` */
  interrupted: boolean;
  durationMs: number;
}

/** The marker variable every task process carries (its value names the task's turn or slot). */
export const CONTAINMENT_ENV = "WAVEPLAN_CONTAINMENT";

export function runProcess(spec: ProcessSpec): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const log = createWriteStream(spec.logFile, { flags: "a" });
    const contain = spec.contain ?? { env: CONTAINMENT_ENV, value: randomUUID() };
    let stdinFd: number | undefined;
    try {
      if (spec.stdinFile !== undefined) stdinFd = openSync(spec.stdinFile, "r");
    } catch (e) {
      log.end(() => reject(e));
      return;
    }
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...spec.env, [contain.env]: contain.value },
      detached: true,
      stdio: [stdinFd ?? "pipe", "pipe", "pipe"],
    }) as ChildProcess & { stdout: Readable; stderr: Readable };
    // the child has its own copy of the descriptor now
    if (stdinFd !== undefined) closeSync(stdinFd);
    let timedOut = false;
    let interrupted = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {}
    };
    // SIGTERM to the group and to every marked process, SIGKILL to the group after the grace period
    // (the rest is killed by the scan once the task's own process has exited)
    const stop = (why: string) => {
      log.write(`\n[waveplan] ${why}: stopping the task's processes\n`);
      if (!spec.supervisor) killGroup("SIGTERM");
      signalContained(contain, "SIGTERM", spec.supervisor ? child.pid : undefined).catch(() => {});
      setTimeout(() => killGroup("SIGKILL"), spec.killGraceMs ?? 2000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop(`timeout after ${spec.timeoutMs} ms`);
    }, spec.timeoutMs);
    const onAbort = () => {
      interrupted = true;
      stop("interrupted");
    };
    if (spec.signal?.aborted) onAbort();
    else spec.signal?.addEventListener("abort", onAbort, { once: true });
    // the log keeps the first logLimitBytes of output, then one line saying the rest was dropped
    let logRoom = spec.logLimitBytes ?? Number.POSITIVE_INFINITY;
    let logCut = false;
    const emit = (b: Buffer) => {
      if (b.length === 0) return;
      if (logCut) {
        // the log said so already
      } else if (b.length <= logRoom) {
        log.write(b);
        logRoom -= b.length;
      } else {
        log.write(b.subarray(0, logRoom));
        log.write(
          `\n[waveplan] log truncated: the task printed more than ${formatSize(spec.logLimitBytes ?? 0)} (limits.log in the plan); the rest was not kept\n`,
        );
        logCut = true;
      }
      spec.onOutput?.(b);
    };
    // stdout and stderr interleave into one log, so each gets its own redactor: a secret split
    // across two writes of one stream is still found when the other stream writes in between
    const redactors = [new Redactor(spec.redact ?? []), new Redactor(spec.redact ?? [])];
    const flushOutput = () => {
      for (const r of redactors) emit(r.flush());
    };
    child.stdout.on("data", (b: Buffer) => emit(redactors[0].push(b)));
    child.stderr.on("data", (b: Buffer) => emit(redactors[1].push(b)));
    if (child.stdin) {
      child.stdin.on("error", () => {});
      child.stdin.end(spec.stdin ?? "");
    }
    child.on("error", (e) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
      flushOutput();
      log.end(() => reject(e));
    });
    // 'exit' rather than 'close': a background process holding the pipes open must not hang the task.
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
      killGroup("SIGKILL");
      const durationMs = Date.now() - started;
      // the task's turn ends only when no process of it is left (escaped ones included)
      const reaped = killContained(contain).catch((e: Error) => {
        log.write(`\n[waveplan] ${e.message}\n`);
      });
      const finish = async () => {
        await reaped;
        child.stdout.destroy();
        child.stderr.destroy();
        flushOutput();
        log.end(() => resolve({ exitCode: code, signal, timedOut, interrupted, durationMs }));
      };
      // let already-buffered output drain: until both pipes closed (at once when every process holding
      // them is gone, which the scan above made so), at most 20 ms
      const drained = Promise.all([child.stdout, child.stderr].map((s) => (s.closed ? undefined : new Promise((r) => s.once("close", r)))));
      Promise.race([drained, new Promise((r) => setTimeout(r, 20))]).then(finish);
    });
  });
}

/** The values of the environment variables named as secrets (unset or empty ones are skipped). */
export function secretValues(names: readonly string[], env: Record<string, string | undefined>): string[] {
  return namedSecrets(names, env).map((s) => s.value);
}

export const REDACTED = "***";

/**
 * Replaces secret values in a byte stream with `***`. Output arrives in arbitrary chunks, so the
 * last bytes of each chunk that could be the start of a secret are held back until the next chunk
 * (or flush) shows whether they are. A multi-line secret is also redacted line by line, since
 * programs often print it wrapped or a line at a time.
 */
export class Redactor {
  private readonly needles: Buffer[];
  private readonly holdBack: number;
  private pending = Buffer.alloc(0);

  constructor(values: readonly string[]) {
    const all = new Set<string>();
    for (const v of values) {
      if (v.trim() === "") continue;
      all.add(v);
      for (const line of v.split(/\r?\n/)) if (line.trim().length >= 4) all.add(line);
    }
    // longest first: at one position the longer secret wins over a secret that is its prefix
    this.needles = [...all].map((v) => Buffer.from(v)).sort((a, b) => b.length - a.length);
    this.holdBack = Math.max(0, ...this.needles.map((n) => n.length - 1));
  }

  /** Bytes that are safe to write now. */
  push(chunk: Buffer): Buffer {
    if (this.needles.length === 0) return chunk;
    return this.scan(this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk, false);
  }

  /** The held-back tail, at the end of the stream (a secret in it is redacted: nothing can extend it now). */
  flush(): Buffer {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest.length ? this.scan(rest, true) : rest;
  }

  private scan(data: Buffer, final: boolean): Buffer {
    const out: Buffer[] = [];
    let from = 0;
    for (;;) {
      let at = -1;
      let len = 0;
      for (const n of this.needles) {
        const i = data.indexOf(n, from);
        if (i !== -1 && (at === -1 || i < at)) {
          at = i;
          len = n.length;
        }
      }
      if (at === -1) break;
      // a longer secret may start here and continue in the next chunk ("abc" now, "abcdef" once "def"
      // arrives): wait for it rather than print its tail in clear
      if (!final && this.longerMayFollow(data, at, len)) {
        out.push(data.subarray(from, at));
        this.pending = Buffer.from(data.subarray(at));
        return Buffer.concat(out);
      }
      out.push(data.subarray(from, at), Buffer.from(REDACTED));
      from = at + len;
    }
    if (final) {
      out.push(data.subarray(from));
      return Buffer.concat(out);
    }
    // a secret starting in the last holdBack bytes may continue in the next chunk
    const keepFrom = Math.max(from, data.length - this.holdBack);
    out.push(data.subarray(from, keepFrom));
    this.pending = Buffer.from(data.subarray(keepFrom));
    return Buffer.concat(out);
  }

  private longerMayFollow(data: Buffer, at: number, len: number): boolean {
    const rest = data.subarray(at);
    return this.needles.some((n) => n.length > len && n.length > rest.length && n.subarray(0, rest.length).equals(rest));
  }
}
