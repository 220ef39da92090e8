/**
 * Real processes in unit tests that hold on a busy machine: wait for events (a file a child writes, a
 * condition polled with a generous safety limit), never for a wall-clock window; and every process a
 * test started is gone after the test, even when the test failed half-way (`reapTestProcesses` in
 * `afterEach`). Test processes are found by a token in their environment, which this helper checks on
 * its own (it does not rely on the containment code under test).
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";

/** Every process a test file starts carries TEST_TOKEN_ENV=TEST_TOKEN (children inherit it). */
export const TEST_TOKEN_ENV = "WAVEPLAN_UNIT_TEST_PROCESS";
export const TEST_TOKEN = randomUUID();

/** Poll `check` until it holds; the limit is a safety net for a broken build, not a timing assumption. */
export async function waitFor(what: string, check: () => boolean, limitMs = 45_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A process is gone when /proc has no entry for it or only a zombie (it runs nothing any more). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** The file's content, or "" while it does not exist yet. */
export function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The pid a child wrote into `file` (waits until it did). */
export async function pidFrom(file: string): Promise<number> {
  await waitFor(`a pid in ${file}`, () => /^\d+\s/.test(readOrEmpty(file)));
  return Number(readOrEmpty(file).trim());
}

/** Live pids whose initial environment holds TEST_TOKEN_ENV=TEST_TOKEN, plus `extra` ones still alive. */
function testProcesses(extra: readonly number[]): number[] {
  const needle = Buffer.from(`\0${TEST_TOKEN_ENV}=${TEST_TOKEN}\0`);
  const found = new Set(extra.filter(alive));
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${pid}/environ`), Buffer.from([0])]);
      if (environ.includes(needle) && alive(pid)) found.add(pid);
    } catch {}
  }
  return [...found];
}

/** SIGKILL every process this test file started until none is left (use in afterEach). */
export async function reapTestProcesses(extra: readonly number[] = []): Promise<void> {
  await waitFor("the test's processes to be gone", () => {
    const left = testProcesses(extra);
    for (const pid of left)
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    return left.length === 0;
  });
}
