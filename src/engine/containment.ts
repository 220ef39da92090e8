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
import { readdir, readFile, readlink } from "node:fs/promises";
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

/** Pids (other than this process) that belong to `scope`. */
export async function findContained(scope: ContainmentScope): Promise<number[]> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const needle = Buffer.from(`${scope.env}=${scope.value}`);
  const found: number[] = [];
  await Promise.all(
    entries.map(async (name) => {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return;
      if (scope.dir) {
        const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
        if (cwd && (cwd === scope.dir || cwd.startsWith(scope.dir + sep))) {
          found.push(pid);
          return;
        }
      }
      const environ = await readFile(`/proc/${pid}/environ`).catch(() => undefined);
      if (!environ) return;
      for (let at = environ.indexOf(needle); at !== -1; at = environ.indexOf(needle, at + 1)) {
        const start = at === 0 || environ[at - 1] === 0;
        const end = environ[at + needle.length];
        if (start && (scope.prefix || end === 0 || end === undefined)) {
          found.push(pid);
          return;
        }
      }
    }),
  );
  return found;
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
  let killed = 0;
  for (let pass = 0; pass < 200; pass++) {
    const pids = await findContained(scope);
    if (pids.length === 0) return killed;
    for (const pid of pids) if (tryKill(pid, "SIGKILL")) killed++;
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
