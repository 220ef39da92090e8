/**
 * Running the bundled action (dist/index.js) exactly as a runner does: a fresh clone of the repository
 * at the run's commit as GITHUB_WORKSPACE, INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY
 * files, the run's identity, and the artifact runtime variables of the emulated results service.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type SimGitHub, startGitHub } from "../../src/simulate/github-api/index.js";
import { jobPermissions, type RepoRules } from "../../src/simulate/github-api/state.js";
import type { ResultsService } from "../../src/simulate/results-service.js";

import { ACTION, cleanEnv, git, requireBuilt, writeFiles } from "../support/repo.js";

export { ACTION, git, ROOT, tempDir, writeFiles } from "../support/repo.js";
export { craftZip } from "../support/zip.js";

export function requireActionBundle(): void {
  requireBuilt(["dist/index.js"]);
}

/** The environment a job starts from (test/support/repo.ts cleanEnv): nothing of a real runner's. */
export const baseEnv = (): Record<string, string> => cleanEnv();

export interface Repo {
  /** bare repository acting as the checkout's origin */
  origin: string;
  /** the commit every run is based on */
  sha: string;
}

/** A repository with `files` committed on main, pushed to a bare origin. */
export function makeRepo(root: string, files: Record<string, string>): Repo {
  const work = join(root, "author");
  mkdirSync(work, { recursive: true });
  git(work, "init", "-q", "-b", "main");
  git(work, "config", "user.name", "Test Author");
  git(work, "config", "user.email", "author@example.com");
  writeFiles(work, files);
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "initial");
  const origin = join(root, "origin.git");
  git(root, "clone", "-q", "--bare", work, origin);
  return { origin, sha: git(work, "rev-parse", "HEAD") };
}

/** What actions/checkout leaves: a fresh clone at the commit, detached, no credentials persisted. */
export function checkout(repo: Repo, into: string): string {
  git(dirname(into), "clone", "-q", repo.origin, into);
  git(into, "checkout", "-q", "--detach", repo.sha);
  return into;
}

export interface Job {
  service: ResultsService;
  repo: Repo;
  root: string;
  runId: number;
  attempt?: number;
  /** the job id; each job of an attempt gets its own backend id */
  job: string;
  inputs: Record<string, string>;
  /** variables the workflow step sets (`env:`), e.g. secrets */
  env?: Record<string, string>;
  /** the simulated GitHub of the repository: origin becomes its HTTP URL, GITHUB_API_URL its API */
  github?: SimGitHub;
  /** the action bundle to run (default dist/index.js); benchmarks compare builds */
  action?: string;
}

/** The simulated GitHub serving `repo.origin` as octo/repo, with GitHub's default settings unless told. */
export function repoGitHub(repo: Repo, rules: Partial<RepoRules> = {}): Promise<SimGitHub> {
  return startGitHub({ repo: repo.origin, repository: "octo/repo", rules: { protect: [], allowTokenPrs: false, ...rules } });
}

/** Makes `token` a GITHUB_TOKEN of the final-commit job with these `permissions:` (what compile grants by default). */
export function issueJobToken(gh: SimGitHub, token: string, permissions: unknown = { contents: "write", statuses: "write" }): void {
  gh.state.issue(token, { kind: "job", label: "final-commit", permissions: jobPermissions(permissions) });
}

export interface JobResult {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
  temp: string;
}

let jobs = 0;

/** Runs `node dist/index.js` as the step of one job. */
export function runAction(j: Job): Promise<JobResult> {
  const dir = join(j.root, `job-${++jobs}-${j.job}`);
  mkdirSync(dir, { recursive: true });
  const workspace = checkout(j.repo, join(dir, "workspace"));
  if (j.github) git(workspace, "remote", "set-url", "origin", j.github.gitUrl);
  const temp = join(dir, "runner-temp");
  mkdirSync(temp);
  const outputFile = join(dir, "github-output");
  const summaryFile = join(dir, "step-summary");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const inputs = Object.fromEntries(Object.entries(j.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const env = {
    ...baseEnv(),
    ...j.service.env({ runId: j.runId, runAttempt: j.attempt ?? 1, repository: "octo/repo", job: j.job, workspace }),
    GITHUB_SHA: j.repo.sha,
    GITHUB_REF: "refs/heads/main",
    GITHUB_REF_NAME: "main",
    GITHUB_EVENT_NAME: "workflow_dispatch",
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: temp,
    ...(j.github ? { GITHUB_API_URL: j.github.apiUrl } : {}),
    ...inputs,
    ...j.env,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [j.action ?? ACTION], { cwd: workspace, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({
        code,
        stdout,
        stderr,
        outputs: parseOutputs(readFileSync(outputFile, "utf8")),
        summary: readFileSync(summaryFile, "utf8"),
        workspace,
        temp,
      });
    });
  });
}

/** GITHUB_OUTPUT as @actions/core writes it: `name<<delimiter`, value lines, `delimiter`. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    out[m[1]] = value.join("\n");
  }
  return out;
}

/** Workflow commands of one kind from a step's stdout, e.g. `::error file=plan.yml,line=3::message`. */
export function commands(stdout: string, kind: string): { props: Record<string, string>; message: string }[] {
  const found: { props: Record<string, string>; message: string }[] = [];
  for (const line of stdout.split("\n")) {
    const m = new RegExp(`^::${kind}(?: ([^:]*))?::(.*)$`).exec(line);
    if (!m) continue;
    const props = Object.fromEntries(
      (m[1] ?? "")
        .split(",")
        .filter(Boolean)
        .map((p) => p.split("=") as [string, string]),
    );
    found.push({ props, message: decodeURIComponent(m[2].replace(/%(?![0-9A-F]{2})/g, "%25")) });
  }
  return found;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs `fn` in this process as a job of the run, for the real artifact client (it reads the runner
 * variables at call time). Its `::debug::` chatter goes nowhere instead of into the test output.
 */
export async function asJob<T>(service: ResultsService, runId: number, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  const write = process.stdout.write;
  Object.assign(process.env, service.env({ runId, repository: "octo/repo", job: "inspector" }));
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** Uploads raw bytes as a finalized zip artifact through the service's twirp API, as any job could. */
export async function uploadRawZip(
  service: ResultsService,
  run: { runId: number; runAttempt?: number; job: string },
  name: string,
  zip: Buffer,
) {
  const ctx = { ...run, repository: "octo/repo" };
  const ids = service.backendIds(ctx);
  const token = service.env(ctx).ACTIONS_RUNTIME_TOKEN;
  const body = { workflow_run_backend_id: ids.workflowRunBackendId, workflow_job_run_backend_id: ids.workflowJobRunBackendId };
  const call = async (method: string, extra: object) => {
    const res = await fetch(`${service.url}twirp/github.actions.results.api.v1.ArtifactService/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ ...body, ...extra }),
    });
    if (!res.ok) throw new Error(`${method}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, string>;
  };
  const { signed_upload_url: url } = await call("CreateArtifact", { name, version: 7, mime_type: "application/zip" });
  const put = await fetch(url, {
    method: "PUT",
    headers: { "x-ms-blob-type": "BlockBlob", "x-ms-blob-content-type": "application/zip" },
    body: zip,
  });
  if (!put.ok) throw new Error(`upload: ${put.status}`);
  const { createHash } = await import("node:crypto");
  await call("FinalizeArtifact", { name, size: String(zip.length), hash: `sha256:${createHash("sha256").update(zip).digest("hex")}` });
}
