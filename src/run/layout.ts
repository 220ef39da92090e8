/**
 * The local state folder: <repo>/.waveplan/ (ignored by its own .gitignore, so it never dirties
 * the tree). One folder per run; slots are pooled and reused across tasks and runs.
 *
 *   .waveplan/lock                      the pid of the run holding the repository
 *   .waveplan/git/                      waveplan's run repository (run/slots.ts)
 *   .waveplan/slots/s-<n>/              task folders, each with a git state of its own (run/slots.ts)
 *   .waveplan/snapshots/<commit>-*      --allow-dirty: the objects of a run's snapshot, as a pack (run/snapshot.ts)
 *   .waveplan/runs/<run-id>/run.json    plan, base commit, status
 *   .waveplan/runs/<run-id>/checkpoints/<task>/
 *   .waveplan/runs/<run-id>/ledger/<task> an HMAC of the record waveplan wrote (checkpoint/ledger.ts)
 *   .waveplan/runs/<run-id>/logs/<task>.log
 *   .waveplan/runs/<run-id>/events.jsonl
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeAtomic } from "../engine/task.js";

export interface RunInfo {
  runId: string;
  planFile: string;
  planName: string;
  planHash: string;
  base: string;
  /** with --allow-dirty: the commit checked out when the run started (base is a snapshot on top of it) */
  head?: string;
  /** branch checked out when the run started (landing target unless --branch) */
  branch?: string;
  targetBranch?: string;
  startedAt: string;
  finishedAt?: string;
  /** interrupted: stopped by SIGINT/SIGTERM; its tasks were stopped and it can be resumed */
  status: "running" | "failed" | "interrupted" | "succeeded" | "landed";
  landedCommit?: string;
  wallMs?: number;
  /** why the last attempt failed (absent when it did not) */
  error?: string;
  /** `--redo` tasks not yet run again in this run (they and their downstream ignore their checkpoints) */
  redo?: string[];
}

export class Layout {
  readonly root: string;
  constructor(readonly repo: string) {
    this.root = join(repo, ".waveplan");
  }
  get lockFile() {
    return join(this.root, "lock");
  }
  /** where versions before slots kept their git worktrees */
  get legacyWorktrees() {
    return join(this.root, "worktrees");
  }
  get slots() {
    return join(this.root, "slots");
  }
  get runGitDir() {
    return join(this.root, "git");
  }
  /** packs of `--allow-dirty` snapshots, kept out of the user's object store (run/snapshot.ts) */
  get snapshots() {
    return join(this.root, "snapshots");
  }
  runDir(runId: string) {
    return join(this.root, "runs", runId);
  }
  checkpoints(runId: string) {
    return join(this.runDir(runId), "checkpoints");
  }
  /** which records waveplan wrote (checkpoint/ledger.ts) */
  ledger(runId: string) {
    return join(this.runDir(runId), "ledger");
  }
  logs(runId: string) {
    return join(this.runDir(runId), "logs");
  }
  scratch(runId: string) {
    return join(this.runDir(runId), "scratch");
  }
  events(runId: string) {
    return join(this.runDir(runId), "events.jsonl");
  }

  /** The folder itself (for the lock file); nothing in it is written before the lock is held. */
  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  /** Under the lock: the folder's own .gitignore, so it never dirties the user's tree. */
  async prepare(): Promise<void> {
    await mkdir(join(this.root, "runs"), { recursive: true });
    const ignore = join(this.root, ".gitignore");
    const want = "# waveplan's local state: runs, checkpoints, slots\n*\n";
    if ((await readFile(ignore, "utf8").catch(() => "")) !== want) await writeAtomic(ignore, want);
  }

  async createRun(info: Omit<RunInfo, "runId" | "status" | "startedAt">): Promise<RunInfo> {
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "-");
    const run: RunInfo = {
      runId: `${stamp}-${randomBytes(2).toString("hex")}`,
      status: "running",
      startedAt: new Date().toISOString(),
      ...info,
    };
    await mkdir(this.checkpoints(run.runId), { recursive: true });
    await mkdir(this.logs(run.runId), { recursive: true });
    await mkdir(this.scratch(run.runId), { recursive: true });
    await this.saveRun(run);
    return run;
  }

  async saveRun(run: RunInfo): Promise<void> {
    await writeAtomic(join(this.runDir(run.runId), "run.json"), `${JSON.stringify(run, null, 2)}\n`);
  }

  async readRun(runId: string): Promise<RunInfo | undefined> {
    try {
      return JSON.parse(await readFile(join(this.runDir(runId), "run.json"), "utf8"));
    } catch {
      return undefined;
    }
  }

  /**
   * All runs, newest first: by start time (milliseconds), then id. Run ids start with a timestamp in
   * seconds only, so two runs started within one second (a failed run resumed at once, a script) would
   * otherwise come in the order of their random suffixes.
   */
  async listRuns(): Promise<RunInfo[]> {
    const ids = await readdir(join(this.root, "runs")).catch(() => [] as string[]);
    const runs = (await Promise.all(ids.map((id) => this.readRun(id)))).filter((r): r is RunInfo => r !== undefined);
    const key = (r: RunInfo) => `${r.startedAt}\0${r.runId}`;
    return runs.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
  }
}
