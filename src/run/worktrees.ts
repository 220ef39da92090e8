/**
 * A pool of git worktrees under .waveplan/worktrees. Reusing a worktree makes materializing the next
 * task an incremental checkout instead of writing the whole repository again.
 */
import { access, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { git } from "../git/git.js";

export class WorktreePool {
  private idle: string[] = [];
  private all: string[] = [];
  private next = 0;
  private creating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repo: string,
    private readonly dir: string,
    private readonly base: string,
  ) {}

  /**
   * Adopt worktrees left by earlier runs (still registered with git) instead of making new ones. The
   * caller holds the repository lock, so anything here belongs to a run that is gone: a worktree it
   * was killed while making is removed, and a lock it was killed while holding is dropped.
   */
  async adopt(): Promise<void> {
    await git(["worktree", "prune"], { cwd: this.repo });
    const listed = await git(["worktree", "list", "--porcelain"], { cwd: this.repo });
    const registered = new Set(
      listed
        .split("\n")
        .filter((l) => l.startsWith("worktree "))
        .map((l) => l.slice(9)),
    );
    for (const name of (await readdir(this.dir).catch(() => [] as string[])).sort()) {
      const path = join(this.dir, name);
      const n = Number(/^wt-(\d+)$/.exec(name)?.[1] ?? Number.NaN);
      if (Number.isNaN(n)) continue;
      this.next = Math.max(this.next, n + 1);
      const gitDir =
        registered.has(path) && (await exists(join(path, ".git")))
          ? await git(["rev-parse", "--absolute-git-dir", "--verify", "-q", "HEAD"], { cwd: path }).catch(() => "")
          : "";
      if (gitDir) {
        await rm(join(gitDir.split("\n")[0], "index.lock"), { force: true });
        this.idle.push(path);
        this.all.push(path);
      } else {
        await git(["worktree", "remove", "--force", "--force", path], { cwd: this.repo }).catch(() => {});
        await rm(path, { recursive: true, force: true });
      }
    }
    await git(["worktree", "prune"], { cwd: this.repo });
  }

  async acquire(): Promise<string> {
    const reused = this.idle.pop();
    if (reused) return reused;
    const path = join(this.dir, `wt-${this.next++}`);
    // `git worktree add` is not safe to run concurrently in one repository: serialize the (cheap)
    // registration; the files are written by the task's own checkout, which runs in parallel.
    const created = this.creating.then(() =>
      git(["worktree", "add", "-q", "--detach", "--no-checkout", "--force", path, this.base], { cwd: this.repo }),
    );
    this.creating = created.catch(() => {});
    await created;
    this.all.push(path);
    return path;
  }

  release(path: string): void {
    this.idle.push(path);
  }

  /** Remove every worktree of the pool (at the end of a finished run). */
  async removeAll(): Promise<void> {
    for (const path of this.all) {
      await git(["worktree", "remove", "--force", "--force", path], { cwd: this.repo }).catch(() => {});
    }
    await git(["worktree", "prune"], { cwd: this.repo }).catch(() => {});
    this.all = [];
    this.idle = [];
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
