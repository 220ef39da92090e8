/**
 * Real git repositories and the real CLI for integration tests: temp folders that are removed after
 * the test file, `git` as a process, and `waveplan` spawned from the bundle (bin/waveplan.js) exactly
 * as users run it. The one copy of what every suite needs (test/action, test/simulate and test/run
 * keep only their own helpers next to their tests).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The bundle `npm test` builds first; WAVEPLAN_TEST_CLI may point at another build of bin/waveplan.js's target. */
export const CLI = process.env.WAVEPLAN_TEST_CLI ?? join(ROOT, "bin/waveplan.js");

/** The bundled action, as action.yml runs it. */
export const ACTION = join(ROOT, "dist/index.js");

/** Fails the test file early when a bundle it runs is missing (paths in this project). */
export function requireBuilt(files: string[]): void {
  for (const bundle of files.map((f) => resolve(ROOT, f)))
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: build it with npm run bundle (npm test does)`);
}

/** The CLI's bundle (usable as `beforeAll(requireBundle)`). */
export function requireBundle(): void {
  requireBuilt([process.env.WAVEPLAN_TEST_CLI ?? "dist/cli/index.js"]);
}

const made: string[] = [];
const removeMade = () => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
};
// Under vitest: after each test file. A script using these helpers (bench/action-cost.ts, run by
// vite-node) cannot import vitest at all (it throws outside a test worker), so it cleans up on exit.
if (process.env.VITEST) (await import("vitest")).afterAll(removeMade);
else process.on("exit", removeMade);

/** A fresh folder under the OS temp dir, removed when the test file ends. */
export function tempDir(prefix = "waveplan-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/**
 * The environment for git, the CLI and the action: no variables that point git at another repository
 * or config, nor the action at a real runner (when the tests themselves run in a GitHub Actions job).
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(GIT_|GITHUB_|INPUT_|ACTIONS_|RUNNER_)/.test(k)) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", WAVEPLAN_DEBUG: "", ...extra };
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: cleanEnv(), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }).replace(/\n$/, "");
}

/** Write files (paths relative to `dir`, folders made as needed). */
export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** `git init` on branch main with a local identity and one commit holding `files`. */
export function makeRepo(files: Record<string, string | Buffer> = { "README.md": "scratch\n" }, dir = join(tempDir(), "repo")): string {
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.name", "Test User");
  git(dir, "config", "user.email", "test@example.com");
  git(dir, "config", "commit.gpgsign", "false");
  writeFiles(dir, files);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  return dir;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start `waveplan ...args` in `cwd`; the child is its own process group leader. */
export function startCli(cwd: string, args: string[], env: Record<string, string> = {}): ChildProcess & { result: Promise<CliResult> } {
  const child = spawn("node", [CLI, ...args], { cwd, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    stderr += b.toString();
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return Object.assign(child, { result });
}

/** Run `waveplan ...args` in `cwd` to the end. */
export function cli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(cwd, args, env).result;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
