/**
 * Finding every process a task started, wherever it went. A process group is not enough: `setsid`,
 * `nohup … &` under a new session or a double fork leaves it. Linux cgroups would hold them all, but a
 * writable cgroup v2 hierarchy is not available to an unprivileged CLI (nor on this machine: cgroup v1,
 * read-only), so waveplan marks each task's environment with a variable and scans /proc:
 *
 *   a process belongs to the task if its initial environment (/proc/<pid>/environ) holds the marker,
 *   or its working directory (/proc/<pid>/cwd) is inside the task's folder.
 *
 * Limits, stated: a process that re-executes itself with a cleared environment (`env -i`) AND leaves the
 * folder escapes the scan; so does one in another PID namespace, or one owned by another user that this
 * user cannot inspect. Without /proc (macOS) only the process group is killed.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { sep } from "node:path";

export interface ContainmentScope {
  /** marker variable set in the task's environment */
  env: string;
  /** its value; with `prefix`, any value starting with it matches (every slot of a pool) */
  value: string;
  prefix?: boolean;
  /** processes whose working directory is inside this folder belong to the task too */
  dir?: string;
}

/**
 * Pids (other than this process) that belong to `scope`. Synchronous on purpose: a few hundred tiny
 * reads cost ~1–5 ms this way, while the same reads through the libuv thread pool cost 10× that.
 */
export async function findContained(scope: ContainmentScope): Promise<number[]> {
  return scan(scope).found;
}

interface Scan {
  found: number[];
  /**
   * Processes whose environment cannot be told yet: in the middle of an `execve`, between the switch
   * to the new address space and the set-up of its arguments, the kernel reports an empty environ and
   * cmdline (fs/proc/base.c, environ_read: `if (!mm->env_end) return 0`). A task's child caught there
   * by the last scan would be missed, and show up with the marker a moment later.
   */
  unsettled: number[];
}

function scan(scope: ContainmentScope): Scan {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return { found: [], unsettled: [] };
  }
  const needle = Buffer.from(`${scope.env}=${scope.value}`);
  const found: number[] = [];
  const unsettled: number[] = [];
  for (const name of entries) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    if (scope.dir) {
      const cwd = readlinkOr(`/proc/${pid}/cwd`);
      if (cwd && (cwd === scope.dir || cwd.startsWith(scope.dir + sep))) {
        found.push(pid);
        continue;
      }
    }
    const environ = readOr(`/proc/${pid}/environ`);
    if (environ?.length === 0 && inExec(pid)) unsettled.push(pid);
    else if (environ && holds(environ, needle, scope.prefix ?? false)) found.push(pid);
  }
  return { found, unsettled };
}

/** PF_KTHREAD in /proc/<pid>/stat's flags (include/linux/sched.h): kernel threads have no environ at all. */
const PF_KTHREAD = 0x00200000;

/**
 * A live user process with neither environ nor cmdline is between two programs (execve). Zombies and
 * kernel threads have neither either, for good, and are not waited for.
 */
function inExec(pid: number): boolean {
  const stat = readOr(`/proc/${pid}/stat`)?.toString("latin1");
  if (!stat) return false;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X" || (Number(fields[6]) & PF_KTHREAD) !== 0) return false;
  return readOr(`/proc/${pid}/cmdline`)?.length === 0;
}

/** `needle` as a whole NUL-separated entry of an environ block (or its start, with `prefix`). */
function holds(environ: Buffer, needle: Buffer, prefix: boolean): boolean {
  for (let at = environ.indexOf(needle); at !== -1; at = environ.indexOf(needle, at + 1)) {
    const end = environ[at + needle.length];
    if ((at === 0 || environ[at - 1] === 0) && (prefix || end === 0 || end === undefined)) return true;
  }
  return false;
}

function readlinkOr(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

function readOr(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Send `signal` to every process of the scope but `except` (once; no waiting). */
export async function signalContained(scope: ContainmentScope, signal: NodeJS.Signals, except?: number): Promise<void> {
  for (const pid of await findContained(scope)) if (pid !== except) tryKill(pid, signal);
}

/**
 * SIGKILL every process of the scope until a scan finds none. One pass is not enough: a process may
 * fork between the scan and its kill, and the child may be in the middle of an exec when the next scan
 * looks (see `Scan.unsettled`). So each pass waits for events, not for time: for the processes it
 * killed to be gone, and for every process caught mid-exec to finish it or die, before scanning again.
 * Once the processes it killed are gone, nothing of the scope is left to fork, so a scan that finds
 * nothing and nothing unsettled is final. Zombies do not count: their environ and cwd are gone, they
 * run nothing and hold no file open. Returns how many processes were killed.
 */
export async function killContained(scope: ContainmentScope): Promise<number> {
  // a process still being torn down at the next scan is seen (and signalled) again: counted once
  const killed = new Set<number>();
  // safety net for a broken kernel or a process stuck between two programs, not a timing assumption
  const giveUpAt = Date.now() + 60_000;
  for (;;) {
    const { found, unsettled } = scan(scope);
    if (found.length === 0 && unsettled.length === 0) return killed.size;
    for (const pid of found) if (tryKill(pid, "SIGKILL")) killed.add(pid);
    await until(() => found.every(gone) && unsettled.every((pid) => !inExec(pid)), giveUpAt, scope);
  }
}

/** The process no longer runs anything: no /proc entry, or a zombie waiting for its parent. */
function gone(pid: number): boolean {
  const stat = readOr(`/proc/${pid}/stat`)?.toString("latin1");
  if (!stat) return true;
  const state = stat[stat.lastIndexOf(")") + 2];
  return state === "Z" || state === "X";
}

async function until(check: () => boolean, giveUpAt: number, scope: ContainmentScope): Promise<void> {
  for (let n = 0; !check(); n++) {
    if (Date.now() > giveUpAt) throw new Error(`processes of ${scope.env}=${scope.value} are still running after a minute of SIGKILLs`);
    await new Promise((r) => setTimeout(r, n < 10 ? 1 : 10));
  }
}

function tryKill(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
