/** Thin adapter over the git executable: every git call in waveplan goes through here. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WaveplanError } from "../errors.js";
import { ShellPool } from "./shell-pool.js";

export class GitError extends WaveplanError {
  override readonly name = "GitError";
  constructor(
    readonly args: string[],
    readonly code: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(" ")} failed (${code}): ${stderr.trim().split("\n").slice(0, 6).join("\n")}`);
  }
}

export interface GitOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  input?: string | Uint8Array;
  /** accept these exit codes without throwing (e.g. 1 for `diff --quiet`) */
  okCodes?: number[];
  /**
   * Bytes handed to a script on pipes: the i-th on file descriptor 3 + i, which a command of the script
   * reads as its stdin with `fdInput(i)`. For bytes that were verified in memory (checkpoint patches): a
   * pipe cannot be rewritten between the check and git reading it, as a file on disk could. (Node's
   * pipes are socket pairs, which cannot be opened as /dev/fd/N, hence stdin; the script runs under
   * bash, as dash refuses descriptors above 9.)
   */
  files?: Uint8Array[];
}

/** The redirection that makes `GitOptions.files[i]` a command's stdin, e.g. `git apply - <&3`. */
export function fdInput(i: number): string {
  return `<&${3 + i}`;
}

export interface GitResult {
  stdout: Buffer;
  code: number;
}

/** Identity used for the commits waveplan makes internally (materialized trees); never pushed. */
export const INTERNAL_IDENTITY = {
  GIT_AUTHOR_NAME: "waveplan",
  GIT_AUTHOR_EMAIL: "waveplan@localhost",
  GIT_COMMITTER_NAME: "waveplan",
  GIT_COMMITTER_EMAIL: "waveplan@localhost",
  GIT_AUTHOR_DATE: "1700000000 +0000",
  GIT_COMMITTER_DATE: "1700000000 +0000",
};

const trace = process.env.WAVEPLAN_TRACE_GIT === "1";

/**
 * Configuration that would make git run a program, forced off for every git call waveplan makes: a
 * task can write configuration (waveplan's run repository `.waveplan/git/config`, the job's checkout on
 * GitHub, with `sandbox: off` the user's `.git/config`), and waveplan's own git must never run what a
 * task put there. Given through GIT_CONFIG_COUNT/KEY_n/VALUE_n, which git reads after every config file
 * (git-config(1) "ENVIRONMENT"), so these values win wherever a file sets the same key. Keys from
 * git-config(1) that name a command or a hook: core.fsmonitor (a hook run on every index refresh),
 * core.hooksPath (hooks; /dev/null is no folder, so no hook is found), core.sshCommand, core.pager,
 * core.editor, sequence.editor, core.askPass, credential.helper (empty resets the list), gpg.program
 * and friends with commit.gpgSign/tag.gpgSign off (commit-tree would sign), log.showSignature,
 * submodule.recurse (a checkout would update submodules, whose `update` may be `!command`),
 * protocol.ext.allow (the ext:: transport runs a command), gc.auto/maintenance.auto (no background gc).
 * Drivers named by .gitattributes (filter.<name>.clean/smudge/process, diff.<name>.textconv/command,
 * merge.<name>.driver) cannot be listed here, as their names are free: diffs are made with
 * --no-ext-diff --no-textconv, and the run repository's own config is checked before every call on it
 * (guardConfig below), so only drivers of the user's own configuration (e.g. git-lfs) ever run.
 */
export const SAFE_CONFIG: readonly [string, string][] = [
  ["core.fsmonitor", "false"],
  ["core.hooksPath", "/dev/null"],
  ["core.sshCommand", "ssh"],
  ["core.pager", "cat"],
  ["core.editor", ":"],
  ["sequence.editor", ":"],
  ["core.askPass", ""],
  ["credential.helper", ""],
  ["commit.gpgSign", "false"],
  ["tag.gpgSign", "false"],
  ["gpg.program", "gpg"],
  ["gpg.openpgp.program", "gpg"],
  ["gpg.x509.program", "gpgsm"],
  ["gpg.ssh.program", "ssh-keygen"],
  ["log.showSignature", "false"],
  ["submodule.recurse", "false"],
  ["protocol.ext.allow", "never"],
  ["gc.auto", "0"],
  ["maintenance.auto", "false"],
];

const SAFE_ENV: Record<string, string> = Object.fromEntries([
  ["GIT_CONFIG_COUNT", String(SAFE_CONFIG.length)],
  ...SAFE_CONFIG.flatMap(([k, v], i) => [
    [`GIT_CONFIG_KEY_${i}`, k],
    [`GIT_CONFIG_VALUE_${i}`, v],
  ]),
]);

/** Git folders whose `config` a task could write, with the only content waveplan accepts there. */
const guarded = new Map<string, Buffer>();

/**
 * From now on, every git call on `gitDir` (as GIT_DIR or as the folder it runs in) first checks that
 * its config file holds exactly `content`: a task that added a filter driver, an include or anything
 * else there is caught before git reads it, and the call fails saying so.
 */
export function guardConfig(gitDir: string, content: string): void {
  guarded.set(gitDir, Buffer.from(content));
}

export class UntrustedConfigError extends WaveplanError {
  override readonly name = "UntrustedConfigError";
}

function checkGuarded(opts: GitOptions): void {
  if (guarded.size === 0) return;
  const dir = opts.env?.GIT_DIR ?? opts.cwd;
  const want = guarded.get(dir);
  if (!want) return;
  const have = (() => {
    try {
      return readFileSync(join(dir, "config"));
    } catch {
      return undefined;
    }
  })();
  if (!have?.equals(want))
    throw new UntrustedConfigError(
      `${join(dir, "config")} was changed since waveplan wrote it (by a task?); waveplan runs no git there, as its configuration could make git run a program`,
    );
}

export function gitRaw(args: string[], opts: GitOptions): Promise<GitResult> {
  return spawnGit("git", args, opts);
}

/**
 * Several git commands in one process: `script` (POSIX sh, its arguments "$@" = `args`) runs them. A
 * spawn from node blocks its event loop for the whole fork and exec (3-4 ms here, more with a larger
 * heap), while `sh` forks its git processes cheaply; so chained commands on a task's critical path
 * go through one `sh` rather than one node spawn each. Exit codes and stderr are the script's.
 */
export function gitScript(script: string, args: string[], opts: GitOptions): Promise<GitResult> {
  return spawnGit(opts.files?.length ? "bash" : "sh", ["-c", script, "sh", ...args], opts);
}

let shells: ShellPool | undefined;

/**
 * Route git calls through a pool of long-lived `sh` helpers (git/shell-pool.ts) until the returned
 * function is called. For a process that makes many git calls and leaves process.env alone (the local
 * runner): the helpers' environment is process.env as it was when they started.
 */
export function useShellPool(size = 8): () => void {
  const pool = new ShellPool(size);
  shells = pool;
  return () => {
    if (shells === pool) shells = undefined;
    pool.close();
  };
}

function spawnGit(command: string, args: string[], opts: GitOptions): Promise<GitResult> {
  const started = trace ? performance.now() : 0;
  try {
    checkGuarded(opts);
  } catch (e) {
    return Promise.reject(e);
  }
  const env = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...SAFE_ENV, ...opts.env };
  const failed = (code: number | null, stderr: string) => new GitError(command === "git" ? args : [`(sh -c) ${args[1]}`], code, stderr);
  const viaShell = shells && !opts.files?.length && ShellPool.accepts(args, env, opts.input) ? shells : undefined;
  const result = viaShell
    ? viaShell.run(command, args, opts.cwd, env as Record<string, string>, opts.input).then(({ code, stdout, stderr }) => {
        if (code === 0 || opts.okCodes?.includes(code)) return { stdout, code };
        throw failed(code, stderr.toString());
      })
    : spawnDirect(command, args, opts, env, failed);
  return trace
    ? result.finally(() =>
        process.stderr.write(
          `[git ${(performance.now() - started).toFixed(1)}ms] ${command === "sh" ? `sh: ${args[1].slice(0, 60)}` : args.slice(0, 4).join(" ")} @${started.toFixed(0)}\n`,
        ),
      )
    : result;
}

function spawnDirect(
  command: string,
  args: string[],
  opts: GitOptions,
  env: Record<string, string | undefined>,
  failed: (code: number | null, stderr: string) => GitError,
): Promise<GitResult> {
  return new Promise<GitResult>((resolve, reject) => {
    const files = opts.files ?? [];
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe", ...files.map(() => "pipe" as const)],
    });
    files.forEach((data, i) => {
      const pipe = child.stdio[3 + i] as NodeJS.WritableStream & { on(e: "error", f: () => void): void };
      pipe.on("error", () => {}); // git stopped reading (it failed): its exit code says why
      pipe.end(data);
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const stdout = Buffer.concat(out);
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) resolve({ stdout, code: code ?? 0 });
      else reject(failed(code, Buffer.concat(err).toString()));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}

export async function git(args: string[], opts: GitOptions): Promise<string> {
  return (await gitRaw(args, opts)).stdout.toString().replace(/\n$/, "");
}

/** Make a commit object from a tree without touching any ref, index or working tree. */
export async function commitTree(
  cwd: string,
  tree: string,
  parents: string[],
  message: string,
  identity?: Record<string, string>,
): Promise<string> {
  const args = ["commit-tree", tree, ...parents.flatMap((p) => ["-p", p])];
  return git(args, { cwd, input: `${message}\n`, env: identity ?? INTERNAL_IDENTITY });
}

export async function repoRoot(cwd: string): Promise<string> {
  return git(["rev-parse", "--show-toplevel"], { cwd });
}

export async function headCommit(cwd: string): Promise<string> {
  return git(["rev-parse", "--verify", "HEAD^{commit}"], { cwd });
}
