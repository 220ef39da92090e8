/** Plans, run state and repository snapshots for the runner's integration tests. */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { stringify } from "yaml";
import { type CliResult, cli, git } from "../support/repo.js";

export interface TaskSpec {
  id: string;
  instance?: string;
  /** a script, or (with an agent added to the plan) a prompt */
  run?: string;
  prompt?: string;
  outputs?: string[];
  timeout?: string;
  retries?: number;
  env?: Record<string, string>;
}
export interface WaveSpec {
  id: string;
  mode?: "parallel" | "sequential";
  tasks: TaskSpec[];
}

/** Write a plan next to (never inside) the repository, so the working tree stays clean. */
export function writePlan(repo: string, waves: WaveSpec[], name = "test plan", file = join(dirname(repo), "plan.yml")): string {
  const instances: Record<string, { role: string }> = {};
  for (const w of waves) for (const t of w.tasks) instances[t.instance ?? "I1"] = { role: `role of ${t.instance ?? "I1"}` };
  const plan = {
    version: 1,
    name,
    instances,
    waves: waves.map((w) => ({ id: w.id, ...(w.mode ? { mode: w.mode } : {}), tasks: w.tasks.map((t) => ({ instance: "I1", ...t })) })),
  };
  writeFileSync(file, stringify(plan));
  return file;
}

/** `waveplan run <plan> ...args` in the repository. */
export function run(repo: string, plan: string, ...args: string[]): Promise<CliResult> {
  return cli(repo, ["run", plan, ...args]);
}

export function expectOk(r: CliResult): void {
  expect(r.stderr, r.stdout).toBe("");
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}

export function expectNoStackTrace(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

/** Run ids, oldest first: by start time (run.json), as `waveplan status` orders them, then id. */
export function runIds(repo: string): string[] {
  const dir = join(repo, ".waveplan/runs");
  const startedAt = (id: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, id, "run.json"), "utf8")).startedAt as string;
    } catch {
      return "";
    }
  };
  const key = (id: string) => `${startedAt(id)}\0${id}`;
  return readdirSync(dir).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function latestRun(repo: string): string {
  const ids = runIds(repo);
  return ids[ids.length - 1];
}

export type Event = { type: string; task?: string; time: string; [k: string]: unknown };

/** events.jsonl of a run, split into the attempts (run-start ... run-end) it saw. */
export function events(repo: string, runId = latestRun(repo)): Event[] {
  return readFileSync(join(repo, ".waveplan/runs", runId, "events.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Task ids started in the last attempt recorded in events.jsonl. */
export function startedInLastAttempt(repo: string, runId?: string): string[] {
  const all = events(repo, runId);
  const last = all.map((e) => e.type).lastIndexOf("run-start");
  return all
    .slice(last)
    .filter((e) => e.type === "task-start")
    .map((e) => e.task as string);
}

export function record(repo: string, task: string, runId = latestRun(repo)) {
  return JSON.parse(readFileSync(join(repo, ".waveplan/runs", runId, "checkpoints", task, "record.json"), "utf8"));
}

/** Everything a failed run must leave as it was. */
export function snapshot(repo: string) {
  return {
    head: git(repo, "rev-parse", "HEAD"),
    branch: git(repo, "symbolic-ref", "-q", "HEAD"),
    branches: git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
    // waveplan's own state folder is ignored by its own .gitignore; everything else must stay as it was
    status: git(repo, "status", "--porcelain=v1", "--untracked-files=all", "--ignored")
      .split("\n")
      .filter((l) => !l.startsWith("!! .waveplan/"))
      .join("\n"),
    files: readdirSync(repo, { recursive: true })
      .map(String)
      .filter((p) => !p.startsWith(".git") && !p.startsWith(".waveplan"))
      .sort()
      .map((p) => `${p}:${existsSync(join(repo, p)) ? readFileSafe(join(repo, p)) : "?"}`),
  };
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "<dir>";
  }
}

/**
 * A finished run leaves no worktree, lock or object of its own behind; its slots stay for the next run,
 * each with its index, which describes the folder but for ignored files (removed by the next task's
 * prepare). After runs killed with SIGKILL (`killed`), a slot the final run did not use may still hold
 * what its killed task left: the next run that adopts it compares every file (run/slots.ts), so only
 * its index is required.
 */
export function expectNoLeftovers(repo: string, context?: string, { killed = false } = {}): void {
  const worktrees = git(repo, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((l) => l.startsWith("worktree "));
  expect(worktrees, context).toEqual([`worktree ${repo}`]);
  for (const left of ["worktrees", "lock", "lock.takeover"])
    expect(existsSync(join(repo, ".waveplan", left)), `${context ?? ""} .waveplan/${left}`).toBe(false);
  const runGit = join(repo, ".waveplan", "git");
  const objects = existsSync(join(runGit, "objects")) ? readdirSync(join(runGit, "objects")).filter((n) => /^[0-9a-f]{2}$/.test(n)) : [];
  expect(objects, `${context ?? ""} objects left in the run repository`).toEqual([]);
  const slotsDir = join(repo, ".waveplan", "slots");
  const entries = existsSync(slotsDir) ? readdirSync(slotsDir) : [];
  for (const name of entries) {
    expect(name, `${context ?? ""} .waveplan/slots/${name}`).toMatch(/^s-\d+(\.index)?$/);
    if (name.endsWith(".index") || killed) continue;
    expect(entries, `${context ?? ""} ${name} without its index`).toContain(`${name}.index`);
    const env = { GIT_DIR: runGit, GIT_WORK_TREE: join(slotsDir, name), GIT_INDEX_FILE: join(slotsDir, `${name}.index`) };
    // modified, deleted or untracked (not ignored) files: what the index does not describe
    const undescribed = execFileSync("git", ["ls-files", "-m", "-d", "-o", "--exclude-standard", "--directory"], {
      cwd: join(slotsDir, name),
      env: { ...process.env, ...env },
    }).toString();
    expect(undescribed, `${context ?? ""} ${name}: files its index does not describe`).toBe("");
  }
}

/** Files of a commit: path → content (utf8). */
export function show(repo: string, rev: string, path: string): string {
  return git(repo, "show", `${rev}:${path}`);
}

export function treeFiles(repo: string, rev = "HEAD"): string[] {
  return git(repo, "ls-tree", "-r", "-z", "--name-only", rev).split("\0").filter(Boolean).sort();
}

/**
 * The plan file with `sandbox: off`: for tests of the fallback containment (the /proc scan), whose
 * tasks report to the test through files under the host's /tmp, which the sandbox hides.
 */
export function unsandboxed(file: string): string {
  appendFileSync(file, "sandbox: off\n");
  return file;
}
