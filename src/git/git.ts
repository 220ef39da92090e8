/** Thin adapter over the git executable: every git call in waveplan goes through here. */
import { spawn } from "node:child_process";
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
  const env = { GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...opts.env };
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
