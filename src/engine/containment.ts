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
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const needle = Buffer.from(`${scope.env}=${scope.value}`);
  const found: number[] = [];
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
    if (environ && holds(environ, needle, scope.prefix ?? false)) found.push(pid);
  }
  return found;
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

/** Send `signal` to every process of the scope (once; no waiting). */
export async function signalContained(scope: ContainmentScope, signal: NodeJS.Signals): Promise<void> {
  for (const pid of await findContained(scope)) tryKill(pid, signal);
}

/**
 * SIGKILL every process of the scope until a scan finds none (a process may fork while it is being
 * killed, so one pass is not enough). Returns how many processes were killed. Zombies do not count:
 * their environ and cwd are gone, they run nothing and hold no file open.
 */
export async function killContained(scope: ContainmentScope): Promise<number> {
  // a process still being torn down at the next scan is seen (and signalled) again: counted once
  const killed = new Set<number>();
  for (let pass = 0; pass < 200; pass++) {
    const pids = await findContained(scope);
    if (pids.length === 0) return killed.size;
    for (const pid of pids) if (tryKill(pid, "SIGKILL")) killed.add(pid);
    // give the kernel a moment to tear them down before the next scan
    await new Promise((r) => setTimeout(r, pass < 5 ? 2 : 20));
  }
  throw new Error(`processes of ${scope.env}=${scope.value} keep appearing after 200 kill passes`);
}

function tryKill(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
