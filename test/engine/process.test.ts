/**
 * engine/process.ts on real processes: how a task's process ends (exit code, signal, timeout,
 * interruption), what reaches its log (appended, secrets redacted even when split across chunks), and
 * that no process it started outlives it. Children say when they are ready by writing a file; the
 * test waits for that file, never for a span of time.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  CONTAINMENT_ENV,
  type ProcessResult,
  type ProcessSpec,
  REDACTED,
  Redactor,
  runProcess,
  secretValues,
} from "../../src/engine/process.js";
import { alive, pidFrom, readOrEmpty, reapTestProcesses, TEST_TOKEN, TEST_TOKEN_ENV, waitFor } from "../support/processes.js";
import { tempDir } from "../support/repo.js";

/** pids of processes started with a cleared environment (the token scan cannot see them) */
const untokened: number[] = [];
afterEach(async () => {
  await reapTestProcesses(untokened.splice(0));
});

interface Run {
  result: ProcessResult;
  /** the task log's content */
  log: string;
  /** everything onOutput received */
  output: string;
  dir: string;
}

/** Runs `script` with bash in a fresh folder; `dir` is the folder, shared with `spec` overrides. */
function start(script: string, spec: Partial<ProcessSpec> = {}, dir = tempDir()): { done: Promise<Run>; dir: string; chunks: Buffer[] } {
  const logFile = spec.logFile ?? join(dir, "task.log");
  const chunks: Buffer[] = [];
  const done = runProcess({
    command: "bash",
    args: ["-c", script],
    cwd: dir,
    // SHLVL: without it bash sources ~/.bashrc, taking its stdin (a socket) for a remote shell's
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", SHLVL: "1", [TEST_TOKEN_ENV]: TEST_TOKEN, OUT: dir },
    timeoutMs: 120_000,
    logFile,
    onOutput: (b) => chunks.push(Buffer.from(b)),
    ...spec,
  }).then((result) => ({ result, log: readFileSync(logFile, "utf8"), output: Buffer.concat(chunks).toString(), dir }));
  return { done, dir, chunks };
}

const run = (script: string, spec: Partial<ProcessSpec> = {}) => start(script, spec).done;

describe("how the task's process ended", () => {
  it("exit 0: exit code 0, no signal, neither timed out nor interrupted", async () => {
    const { result } = await run("true");
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, interrupted: false });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("a non-zero exit code is reported as is", async () => {
    const { result } = await run("exit 3");
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, interrupted: false });
  });

  it("a process killed by a signal reports the signal and no exit code", async () => {
    const { result } = await run("kill -USR1 $$");
    expect(result).toMatchObject({ exitCode: null, signal: "SIGUSR1", timedOut: false, interrupted: false });
  });

  it("a command that cannot be started rejects with the spawn error", async () => {
    const dir = tempDir();
    await expect(
      runProcess({ command: join(dir, "no-such-program"), args: [], cwd: dir, env: {}, timeoutMs: 60_000, logFile: join(dir, "task.log") }),
    ).rejects.toThrow(/ENOENT/);
  });

  it("timeout: SIGTERM first, and SIGKILL after the grace period to a process that traps TERM", async () => {
    // the trap is set well before the timeout, which is only a generous bound on bash starting
    const { result, log, dir } = await run(
      'trap \'echo term >> "$OUT/signals"\' TERM\necho ready > "$OUT/ready"\nwhile :; do sleep 0.05; done',
      { timeoutMs: 2000, killGraceMs: 3000 },
    );
    expect(readOrEmpty(join(dir, "ready"))).toBe("ready\n");
    expect(readOrEmpty(join(dir, "signals"))).toMatch(/^term\n/);
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true, interrupted: false });
    expect(log).toContain("[waveplan] timeout after 2000 ms: stopping the task's processes");
  });

  it("timeout: a process that does not trap TERM ends with SIGTERM", async () => {
    const { result } = await run("exec sleep 1000", { timeoutMs: 200, killGraceMs: 60_000 });
    expect(result).toMatchObject({ exitCode: null, signal: "SIGTERM", timedOut: true, interrupted: false });
  });

  it("abort: the task is interrupted, SIGTERM then SIGKILL after the grace period to a process that traps TERM", async () => {
    const abort = new AbortController();
    const task = start('trap \'echo term >> "$OUT/signals"\' TERM\necho ready > "$OUT/ready"\nwhile :; do sleep 0.05; done', {
      signal: abort.signal,
      killGraceMs: 3000,
    });
    await waitFor("the task to be ready", () => readOrEmpty(join(task.dir, "ready")) !== "");
    abort.abort();
    const { result, log } = await task.done;
    expect(readOrEmpty(join(task.dir, "signals"))).toMatch(/^term\n/);
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: false, interrupted: true });
    expect(log).toContain("[waveplan] interrupted: stopping the task's processes");
  });

  it("abort: a process that does not trap TERM ends with SIGTERM", async () => {
    const abort = new AbortController();
    const task = start('echo ready > "$OUT/ready"\nexec sleep 1000', { signal: abort.signal, killGraceMs: 60_000 });
    await waitFor("the task to be ready", () => readOrEmpty(join(task.dir, "ready")) !== "");
    abort.abort();
    const { result } = await task.done;
    expect(result).toMatchObject({ exitCode: null, signal: "SIGTERM", timedOut: false, interrupted: true });
  });

  it("a signal aborted before the start stops the task at once", async () => {
    const { result } = await run("exec sleep 1000", { signal: AbortSignal.abort(), killGraceMs: 60_000 });
    expect(result).toMatchObject({ exitCode: null, signal: "SIGTERM", interrupted: true, timedOut: false });
  });
});

describe("input, environment and log", () => {
  it("stdin is delivered and closed; without stdin the task reads end of file at once", async () => {
    const withInput = await run('cat > "$OUT/got"', { stdin: "line one\nline two\n" });
    expect(withInput.result.exitCode).toBe(0);
    expect(readFileSync(join(withInput.dir, "got"), "utf8")).toBe("line one\nline two\n");
    const without = await run('cat > "$OUT/got"');
    expect(without.result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(readFileSync(join(without.dir, "got"), "utf8")).toBe("");
  });

  it("the environment is exactly the spec's plus the containment marker, fresh for every run", async () => {
    const script = `echo "marker=$${CONTAINMENT_ENV}"; echo "home=\${HOME-unset}"; echo "own=$OWN"`;
    const first = await run(script, { env: { PATH: process.env.PATH ?? "", SHLVL: "1", [TEST_TOKEN_ENV]: TEST_TOKEN, OWN: "yes" } });
    const second = await run(script, { env: { PATH: process.env.PATH ?? "", SHLVL: "1", [TEST_TOKEN_ENV]: TEST_TOKEN, OWN: "yes" } });
    const marker = (log: string) => /^marker=(.*)$/m.exec(log)?.[1];
    expect(first.log).toMatch(/^home=unset$/m);
    expect(first.log).toMatch(/^own=yes$/m);
    expect(marker(first.log)).toMatch(/^[0-9a-f-]{36}$/);
    expect(marker(second.log)).toMatch(/^[0-9a-f-]{36}$/);
    expect(marker(first.log)).not.toBe(marker(second.log));
    // a scope of the caller's replaces the fresh marker
    const scope = { env: "MY_SCOPE", value: `slot-${TEST_TOKEN}` };
    const scoped = await run(script, { contain: scope });
    expect(scoped.log).toMatch(/^marker=$/m);
    const named = await run('echo "scope=$MY_SCOPE"', { contain: scope });
    expect(named.log).toBe(`scope=slot-${TEST_TOKEN}\n`);
  });

  it("stdout and stderr go to the log (appended to what it held) and to onOutput, all of it, even a large burst right before exit", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "task.log"), "earlier\n");
    // 2 MB through a 64 KB pipe, then exit at once
    const { result, log, output } = await start('echo err >&2; echo out; head -c 2097152 /dev/zero | tr "\\0" x; echo; echo last', {}, dir)
      .done;
    expect(result.exitCode).toBe(0);
    // the two streams interleave wherever the reads fall, so stderr's line is taken out before comparing
    expect(log).toContain("err\n");
    expect(log.replace("err\n", "")).toBe(`earlier\nout\n${"x".repeat(2097152)}\nlast\n`);
    expect(output).toBe(log.slice("earlier\n".length));
  });

  it("the last output written right before exit reaches the log, every time", async () => {
    // 60 KB fit in the pipe without blocking, so they are still unread when the process exits
    for (let i = 0; i < 10; i++) {
      const { log } = await run('head -c 60000 /dev/zero | tr "\\0" y > "$OUT/burst"; cat "$OUT/burst"; printf end');
      expect(log.length, `run ${i}`).toBe(60003);
      expect(log.endsWith("yend")).toBe(true);
    }
  });
});

describe("secrets in the output", () => {
  const SECRET = "hunter2-s3cr3t-value";

  it("a secret value is replaced by *** in the log and in onOutput, on stdout and on stderr", async () => {
    const stdout = await run(`echo "token: ${SECRET}"; echo "again ${SECRET}${SECRET}"`, { redact: [SECRET] });
    expect(stdout.log).toBe(`token: ${REDACTED}\nagain ${REDACTED}${REDACTED}\n`);
    expect(stdout.output).toBe(stdout.log);
    const stderr = await run(`echo "token: ${SECRET}" >&2`, { redact: [SECRET] });
    expect(stderr.log).toBe(`token: ${REDACTED}\n`);
    expect(stderr.output).toBe(stderr.log);
  });

  it("a secret split across two chunks of output is still redacted, also with the other stream writing in between", async () => {
    const [head, tail] = [SECRET.slice(0, 9), SECRET.slice(9)];
    // the padding is longer than the redactor holds back, so its arrival proves the first chunk was read
    const padding = "p".repeat(64);
    const task = start(
      [
        `printf '%s\\n%s' '${padding}' '${head}'`,
        'until [ -e "$OUT/go" ]; do sleep 0.01; done',
        `echo 'between ${padding}' >&2`,
        'until [ -e "$OUT/go2" ]; do sleep 0.01; done',
        `printf '%s\\n' '${tail}'`,
      ].join("\n"),
      { redact: [SECRET] },
    );
    await waitFor("the first half to be read", () => Buffer.concat(task.chunks).includes("pppp"));
    writeFileSync(join(task.dir, "go"), "");
    await waitFor("stderr in between to be read", () => Buffer.concat(task.chunks).includes("between"));
    writeFileSync(join(task.dir, "go2"), "");
    const { log, output } = await task.done;
    expect(log).not.toContain(head);
    expect(log).not.toContain(tail);
    // the two streams interleave at chunk boundaries, so only what each holds is checked
    expect(log).toContain(REDACTED);
    expect(log).toContain("between ");
    expect(log.replace(/[^p]/g, "")).toBe(padding + padding);
    expect(output).toBe(log);
  });

  /** `text` through `r` in chunks of `size` bytes. */
  const through = (r: Redactor, text: string, size: number) => {
    const data = Buffer.from(text);
    const out: Buffer[] = [];
    for (let i = 0; i < data.length; i += size) out.push(r.push(data.subarray(i, i + size)));
    out.push(r.flush());
    return Buffer.concat(out).toString();
  };

  it("the Redactor finds a secret fed in chunks of any size, and each line of a multi-line secret printed alone", () => {
    const multi = "-----BEGIN KEY-----\nAAAABBBBCCCC\n-----END KEY-----";
    const text = `x ${SECRET} y ${multi} printed alone: AAAABBBBCCCC end  `;
    for (const size of [1, 2, 3, 7, 19, 1000]) {
      const out = through(new Redactor([SECRET, multi, "  ", ""]), text, size);
      expect(out, `chunks of ${size}`).toMatch(/^x \*\*\* y (\*\*\*|\*\*\*\n\*\*\*\n\*\*\*) printed alone: \*\*\* end {2}$/);
    }
    // in one chunk the whole multi-line secret is one ***
    expect(through(new Redactor([multi]), `${multi}.`, 1000)).toBe("***.");
    // nothing to redact: chunks pass through unchanged and nothing is held back
    const none = new Redactor([]);
    expect(none.push(Buffer.from("abc")).toString()).toBe("abc");
    expect(none.flush().length).toBe(0);
  });

  it("of two secrets where one starts the other, the longer is replaced whole when it arrives in one chunk", () => {
    expect(through(new Redactor(["abc", "abcdef"]), "x abcdef y abc z", 1000)).toBe("x *** y *** z");
  });

  // KNOWN BUG (reported to the lead, src/engine/process.ts Redactor.push): a match of the shorter
  // secret at the end of a chunk is accepted before the next chunk shows the longer one continues,
  // so the longer secret's tail ("def") is printed. Remove `.fails` once push holds such a match back.
  it("of two secrets where one starts the other, the longer is replaced whole also when split after the shorter", () => {
    expect(through(new Redactor(["abc", "abcdef"]), "x abcdef y", 1)).toBe("x *** y");
  });

  it("secretValues takes the named variables that are set and non-empty", () => {
    expect(secretValues(["A", "B", "C", "D"], { A: "one", B: "", D: "four" })).toEqual(["one", "four"]);
  });
});

describe("no process of the task outlives it", () => {
  it("a background child holding the output pipes open does not hang the task and is killed when it ends", async () => {
    const { result, dir } = await run('sleep 1000 & echo $! > "$OUT/bg"\necho started');
    expect(result.exitCode).toBe(0);
    const bg = Number(readOrEmpty(join(dir, "bg")).trim());
    expect(bg).toBeGreaterThan(0);
    expect(alive(bg)).toBe(false);
  });

  it("a child that left the group and session with setsid (and ignores TERM) is killed when the task ends", async () => {
    const { result, dir } = await run(
      'setsid bash -c \'trap "" TERM HUP; echo $$ > "$OUT/escapee"; exec sleep 1000\' < /dev/null > /dev/null 2>&1 &\n' +
        'until [ -s "$OUT/escapee" ]; do sleep 0.01; done',
    );
    expect(result.exitCode).toBe(0);
    const escapee = await pidFrom(join(dir, "escapee"));
    expect(alive(escapee)).toBe(false);
  });

  it("when the task is stopped, an escaped child that ignores TERM is killed with it", async () => {
    const abort = new AbortController();
    const task = start(
      'setsid bash -c \'trap "" TERM; echo $$ > "$OUT/escapee"; exec sleep 1000\' < /dev/null > /dev/null 2>&1 &\n' +
        'until [ -s "$OUT/escapee" ]; do sleep 0.01; done\necho ready > "$OUT/ready"\nexec sleep 1000',
      { signal: abort.signal, killGraceMs: 60_000 },
    );
    await waitFor("the escapee to start", () => readOrEmpty(join(task.dir, "ready")) !== "");
    const escapee = await pidFrom(join(task.dir, "escapee"));
    abort.abort();
    const { result } = await task.done;
    expect(result).toMatchObject({ signal: "SIGTERM", interrupted: true });
    expect(alive(escapee)).toBe(false);
  });

  it("a background child with a cleared environment (invisible to the scan) that stayed in the task's process group is killed with the group", async () => {
    const dir = tempDir();
    const { result } = await start(
      `env -i /bin/sh -c 'echo $$ > ${dir}/bg; exec sleep 1000' &\nuntil [ -s "$OUT/bg" ]; do sleep 0.01; done\nuntil [ "$(cat /proc/$(cat "$OUT/bg")/comm)" = sleep ]; do sleep 0.01; done`,
      {},
      dir,
    ).done;
    const bg = Number(readOrEmpty(join(dir, "bg")).trim());
    untokened.push(bg);
    expect(result.exitCode).toBe(0);
    expect(bg).toBeGreaterThan(0);
    expect(alive(bg)).toBe(false);
  });

  it("stopping the task sends SIGTERM to its whole process group, also to a member the scan cannot see", async () => {
    const dir = tempDir();
    const abort = new AbortController();
    // the member has a cleared environment (no marker) and a handler that records TERM and exits;
    // the task's shell outlives it by waiting for that record
    const task = start(
      [
        `env -i /bin/sh -c 'trap "echo term > ${dir}/member-signals; exit 0" TERM; echo $$ > ${dir}/member; while :; do sleep 0.05; done' &`,
        "trap ':' TERM",
        'until [ -s "$OUT/member" ]; do sleep 0.01; done',
        'echo ready > "$OUT/ready"',
        'until [ -s "$OUT/member-signals" ]; do sleep 0.05; done',
        "exit 0",
      ].join("\n"),
      { signal: abort.signal, killGraceMs: 5000 },
      dir,
    );
    await waitFor("the task to be ready", () => readOrEmpty(join(dir, "ready")) !== "");
    untokened.push(Number(readOrEmpty(join(dir, "member")).trim()));
    abort.abort();
    const { result } = await task.done;
    expect(readOrEmpty(join(dir, "member-signals"))).toBe("term\n");
    expect(result).toMatchObject({ exitCode: 0, interrupted: true });
  });

  it("with a scope folder, a child that cleared its environment but runs inside the folder is killed too", async () => {
    const dir = tempDir();
    const { result } = await start(
      "setsid env -i /bin/sh -c 'echo $$ > escapee; exec sleep 1000' < /dev/null > /dev/null 2>&1 &\n" +
        'until [ -s escapee ]; do sleep 0.01; done\nuntil [ "$(cat /proc/$(cat escapee)/comm)" = sleep ]; do sleep 0.01; done',
      { contain: { env: "SCOPE_T", value: TEST_TOKEN, dir } },
      dir,
    ).done;
    const escapee = Number(readOrEmpty(join(dir, "escapee")).trim());
    untokened.push(escapee);
    expect(result.exitCode).toBe(0);
    expect(escapee).toBeGreaterThan(0);
    expect(alive(escapee)).toBe(false);
  });
});
