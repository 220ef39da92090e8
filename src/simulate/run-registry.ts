/**
 * Every simulated run of a repository, found by run id whatever `--out` it used: the simulator records
 * `<run id> → <out>` inside the repository's git directory (`<git-common-dir>/waveplan-simulate/runs/`),
 * next to the refs the runs push. The simulated REST API reads earlier runs through it (resume-from).
 */
import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

async function registryDir(repo: string): Promise<string> {
  const { stdout } = await run("git", ["rev-parse", "--git-common-dir"], { cwd: repo });
  const gitDir = stdout.trim();
  return join(isAbsolute(gitDir) ? gitDir : resolve(repo, gitDir), "waveplan-simulate", "runs");
}

export async function registerRun(repo: string, runId: string, out: string): Promise<void> {
  const dir = await registryDir(repo);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, runId), `${resolve(out)}\n`);
}

/** The output folder of run `runId` of `repo`, if the simulator ran it. */
export async function findRunOut(repo: string, runId: string): Promise<string | undefined> {
  if (!/^[0-9]+$/.test(runId)) return undefined;
  return readFile(join(await registryDir(repo), runId), "utf8").then(
    (t) => t.trim(),
    () => undefined,
  );
}

/** Run ids of every simulated run of `repo`. */
export async function listRunIds(repo: string): Promise<string[]> {
  return (await readdir(await registryDir(repo)).catch(() => [] as string[])).filter((n) => /^[0-9]+$/.test(n));
}

/**
 * What GitHub keeps of a repository between runs — its pull requests and the commit statuses on its
 * commits — beside the registry, so a later run (a pull request's re-attestation, a resumed run)
 * sees what an earlier one posted. Per-run events (pushes, dispatches, check runs, requests) stay in
 * each run's own `github.json`.
 */
export interface LastingGitHub {
  pulls?: unknown[];
  statuses?: Record<string, unknown[]>;
}

async function lastingFile(repo: string): Promise<string> {
  return join(await registryDir(repo), "..", "github.json");
}

export async function readLasting(repo: string): Promise<LastingGitHub> {
  return readFile(await lastingFile(repo), "utf8").then(
    (t) => JSON.parse(t) as LastingGitHub,
    () => ({}),
  );
}

export async function writeLasting(repo: string, lasting: LastingGitHub): Promise<void> {
  const file = await lastingFile(repo);
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, `${JSON.stringify(lasting)}\n`);
}
