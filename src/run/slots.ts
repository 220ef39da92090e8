/**
 * Task slots: isolation by construction. A task runs in a folder whose git state is its own, so
 * nothing it does with git (refs, tags, stash, config, `info/exclude`, hooks, replace refs, even
 * deleting or corrupting its `.git`) reaches the user's repository:
 *
 *   .waveplan/git/                 waveplan's run repository (bare; borrows the user's objects through
 *                                  `objects/info/alternates`; materialized trees and captured blobs are
 *                                  written here, never into the user's repository)
 *   .waveplan/slots/s-<n>/         a task's folder; its `.git` is made fresh for every task: HEAD at
 *                                  the materialized commit (detached), its own refs and config, objects
 *                                  borrowed from the run repository
 *   .waveplan/slots/s-<n>.index    waveplan's own index of that folder (the folder is read and written
 *                                  with GIT_DIR=.waveplan/git, GIT_WORK_TREE=the folder, this index)
 *
 * Because waveplan checks out and captures with its own git dir and index, a slot is reused with an
 * incremental `read-tree -u` whatever the previous task did to the folder's `.git`. A slot that cannot
 * be prepared (a task broke its files' permissions, a crash left it half-written) is discarded and made
 * again. Every process of a slot's task carries WAVEPLAN_SLOT=<folder> and is killed before the slot
 * is used again (engine/containment.ts); processes left by a runner killed with SIGKILL are killed
 * when the next run adopts the pool.
 */
import { chmod, copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ContainmentScope, killContained } from "../engine/containment.js";
import type { Workspace } from "../engine/workspace.js";
import { git } from "../git/git.js";

export const SLOT_ENV = "WAVEPLAN_SLOT";

export interface Slot extends Workspace {
  readonly name: string;
  readonly index: string;
}

export class SlotPool {
  private idle: string[] = [];
  private all = new Set<string>();
  private next = 0;
  private identity = "";

  /**
   * @param repo the user's repository (read: its identity and `info/exclude`)
   * @param runGitDir waveplan's run repository (see above)
   * @param dir the folder holding the slots
   */
  constructor(
    private readonly repo: string,
    readonly runGitDir: string,
    private readonly dir: string,
  ) {}

  /**
   * Make the run repository and adopt the slots left by earlier runs. The caller holds the repository
   * lock, so anything here belongs to a run that is gone: its leftover processes are killed, stale
   * lock files removed, and a slot without its index (killed while being made) is discarded.
   */
  async adopt(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await killContained({ env: SLOT_ENV, value: `${this.dir}/`, prefix: true, dir: this.dir });
    await initRunRepository(this.repo, this.runGitDir);
    this.identity = await userIdentity(this.repo);
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.endsWith(".lock")) {
        await rm(join(this.dir, name), { force: true });
        continue;
      }
      const n = Number(/^s-(\d+)$/.exec(name)?.[1] ?? Number.NaN);
      if (Number.isNaN(n)) {
        // not a slot (a task wrote beside its folder): nothing of it can land, remove it
        if (!/^s-\d+\.index$/.test(name)) await rm(join(this.dir, name), { recursive: true, force: true });
        continue;
      }
      this.next = Math.max(this.next, n + 1);
      if (names.includes(`${name}.index`)) this.idle.push(name);
      else await this.discard(name);
    }
    for (const name of names) {
      const m = /^(s-\d+)\.index$/.exec(name);
      if (m && !names.includes(m[1])) await rm(join(this.dir, name), { force: true });
    }
  }

  acquire(): Slot {
    const name = this.idle.pop() ?? `s-${this.next++}`;
    this.all.add(name);
    return this.slot(name);
  }

  release(slot: Slot): void {
    this.idle.push(slot.name);
  }

  /** A slot that failed in waveplan's own hands is not trusted again: removed, remade on demand. */
  async discard(name: string): Promise<void> {
    this.all.delete(name);
    this.idle = this.idle.filter((n) => n !== name);
    await killContained({ env: SLOT_ENV, value: `${join(this.dir, name)}/`, dir: join(this.dir, name) });
    await forceRemove(join(this.dir, name));
    await rm(join(this.dir, `${name}.index`), { force: true });
    await rm(join(this.dir, `${name}.index.lock`), { force: true });
  }

  /** Remove every slot and the run repository (at the end of a finished run). */
  async removeAll(): Promise<void> {
    await forceRemove(this.dir);
    await rm(this.runGitDir, { recursive: true, force: true });
    this.all.clear();
    this.idle = [];
  }

  private slot(name: string): Slot {
    const dir = join(this.dir, name);
    const index = `${dir}.index`;
    const gitEnv = { GIT_DIR: this.runGitDir, GIT_WORK_TREE: dir, GIT_INDEX_FILE: index };
    const contain: ContainmentScope = { env: SLOT_ENV, value: `${dir}/`, dir };
    const { runGitDir, identity } = this;
    return {
      name,
      dir,
      index,
      gitEnv,
      contain,
      // git discovery stops at the slots folder: a task that deletes its .git finds no repository
      // rather than the user's one above it
      taskEnv: { GIT_CEILING_DIRECTORIES: this.dir },
      async prepare(commit: string) {
        // (no process of an earlier task is left here: each task's are killed when it ends, and those
        // of a runner that died are killed by adopt())
        // --reset -u: rewrite what differs from the index (waveplan's own, so it is what the previous
        // task left), then clean removes whatever the index does not hold (untracked, ignored, nested
        // repositories); the folder's own .git is never touched by either and is made fresh below
        const checkout = async () => {
          await mkdir(dir, { recursive: true });
          await rm(`${index}.lock`, { force: true });
          await git(["read-tree", "--reset", "-u", commit], { cwd: dir, env: gitEnv });
          // clean only reads the index and update-index swaps it atomically (same entries, fresher stat
          // info), so the two run at once: one git process less on every task's critical path
          await Promise.all([
            git(["clean", "-q", "-ffdx"], { cwd: dir, env: gitEnv }),
            // fresh stat info in the index: without it `read-tree --reset` leaves racily-clean entries that
            // every later `add -A` hashes again (measured 2x per task at 10k files, bench/isolation.mjs)
            git(["update-index", "-q", "--refresh"], { cwd: dir, env: gitEnv, okCodes: [1] }),
          ]);
        };
        // the folder's own .git is made meanwhile: read-tree and clean never enter a top-level .git
        const dotGit = freshGitDir(dir, runGitDir, commit, identity);
        try {
          await checkout();
        } catch {
          // a slot the previous task broke (permissions, a corrupt index): discard it, start from nothing
          await dotGit.catch(() => {});
          await forceRemove(dir);
          await rm(index, { force: true });
          await checkout();
          await freshGitDir(dir, runGitDir, commit, identity);
        }
        await dotGit.catch(() => freshGitDir(dir, runGitDir, commit, identity));
        // waveplan's index, now matching the folder, so `git status` in the task does not re-read every file
        await copyFile(index, join(dir, ".git", "index"));
      },
    };
  }
}

/** rm -rf, also through folders a task made unreadable or unwritable. */
async function forceRemove(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(async () => {
    await chmodTree(dir);
    await rm(dir, { recursive: true, force: true });
  });
}

async function chmodTree(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => {});
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await chmodTree(join(dir, e.name));
}

/** The run repository: bare, borrowing the user's objects; its `info/exclude` is the user's. */
async function initRunRepository(repo: string, gitDir: string): Promise<void> {
  const commonDir = await git(["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd: repo });
  const alternates = join(gitDir, "objects/info/alternates");
  const have = await readFile(alternates, "utf8").catch(() => "");
  if (have !== `${join(commonDir, "objects")}\n`) {
    await rm(gitDir, { recursive: true, force: true });
    await git(["init", "-q", "--bare", gitDir], { cwd: repo });
    await git(["config", "gc.auto", "0"], { cwd: gitDir });
    await writeFile(alternates, `${join(commonDir, "objects")}\n`);
  }
  // what the user ignores locally is not part of a task's change either (as with a worktree before)
  const exclude = await readFile(join(commonDir, "info/exclude")).catch(() => Buffer.alloc(0));
  await mkdir(join(gitDir, "info"), { recursive: true });
  await writeFile(join(gitDir, "info/exclude"), exclude);
}

/** user.name/user.email of the user's repository, so a task can `git commit` in its slot. */
async function userIdentity(repo: string): Promise<string> {
  const get = (key: string) => git(["config", "--get", key], { cwd: repo, okCodes: [1] }).catch(() => "");
  const [name, email] = await Promise.all([get("user.name"), get("user.email")]);
  const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  return name || email ? `[user]\n${name ? `\tname = ${quote(name)}\n` : ""}${email ? `\temail = ${quote(email)}\n` : ""}` : "";
}

/**
 * The slot's own `.git`, written directly (no git process): HEAD detached at `commit`, empty refs,
 * objects borrowed from the run repository (waveplan's index is copied in once the checkout is done).
 */
async function freshGitDir(dir: string, runGitDir: string, commit: string, identity: string): Promise<void> {
  const dotGit = join(dir, ".git");
  await forceRemove(dotGit);
  await mkdir(join(dotGit, "objects/info"), { recursive: true });
  await Promise.all([
    mkdir(join(dotGit, "objects/pack")),
    mkdir(join(dotGit, "info")),
    mkdir(join(dotGit, "refs/heads"), { recursive: true }),
    mkdir(join(dotGit, "refs/tags"), { recursive: true }),
    writeFile(join(dotGit, "HEAD"), `${commit}\n`),
    writeFile(
      join(dotGit, "config"),
      `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n${identity}`,
    ),
    writeFile(join(dotGit, "objects/info/alternates"), `${join(runGitDir, "objects")}\n`),
  ]);
}
