/** Thin adapter over the git executable: every git call in waveplan goes through here. */
import { spawn } from "node:child_process";
import { WaveplanError } from "../errors.js";

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
}

export interface GitResult {
  stdout: Buffer;
  code: number;
}

/** Identity used for the commits waveplan makes internally (materialized trees); never pushed. */
const INTERNAL_IDENTITY = {
  GIT_AUTHOR_NAME: "waveplan",
  GIT_AUTHOR_EMAIL: "waveplan@localhost",
  GIT_COMMITTER_NAME: "waveplan",
  GIT_COMMITTER_EMAIL: "waveplan@localhost",
  GIT_AUTHOR_DATE: "1700000000 +0000",
  GIT_COMMITTER_DATE: "1700000000 +0000",
};

const trace = process.env.WAVEPLAN_TRACE_GIT === "1";

export function gitRaw(args: string[], opts: GitOptions): Promise<GitResult> {
  const started = trace ? performance.now() : 0;
  return new Promise<GitResult>((resolve, reject) => {
    const child = spawn("git", args, {
      cwd: opts.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => {
      const stdout = Buffer.concat(out);
      if (code === 0 || (code !== null && opts.okCodes?.includes(code))) resolve({ stdout, code: code ?? 0 });
      else reject(new GitError(args, code, Buffer.concat(err).toString()));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  }).finally(() => {
    if (trace)
      process.stderr.write(`[git ${(performance.now() - started).toFixed(1)}ms] ${args.slice(0, 4).join(" ")} @${started.toFixed(0)}\n`);
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
