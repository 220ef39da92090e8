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
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type VerifiedCheckpoint, verifiedPatch } from "../checkpoint/verify.js";
import { type ContainmentScope, killContained } from "../engine/containment.js";
import { needsMerge } from "../engine/siblings.js";
import type { Workspace } from "../engine/workspace.js";
import { fdInput, GitError, git, gitScript, guardConfig } from "../git/git.js";

export const SLOT_ENV = "WAVEPLAN_SLOT";

export interface Slot extends Workspace {
  readonly name: string;
  readonly index: string;
}

/**
 * What waveplan knows of a slot between two tasks. `tidied`: the task that used it was captured (its
 * change added to the slot's index, so the index describes the folder but for ignored files, which the
 * next prepare's `clean` removes) and the folder's `.git` was made afresh for the next task.
 */
interface SlotState {
  tidied: boolean;
  /** the tidying started when the slot was released; the next task waits for it */
  ready: Promise<void>;
  /** the tasks whose changes the slot's files hold, in plan order: the last task's upstream, then itself */
  holds?: readonly string[];
}

export class SlotPool {
  private idle: string[] = [];
  private states = new Map<string, SlotState>();
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
   * Make the run repository and adopt the slots left by earlier runs (a finished run keeps its slots,
   * so the next run does not check out every file again). The caller holds the repository lock, so
   * anything here belongs to a run that is gone: its leftover processes are killed, stale lock files
   * removed, and a slot without its index (killed while being made) is discarded. An adopted slot is
   * never trusted to match its index: its first checkout compares every file (see prepare).
   */
  async adopt(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const [, , identity, names] = await Promise.all([
      killContained({ env: SLOT_ENV, value: `${this.dir}/`, prefix: true, dir: this.dir }),
      initRunRepository(this.repo, this.runGitDir),
      userIdentity(this.repo),
      readdir(this.dir).catch(() => [] as string[]),
    ]);
    this.identity = identity;
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
      if (names.includes(`${name}.index`)) {
        await removeSpecialFiles(join(this.dir, name));
        this.idle.push(name);
      } else await this.discard(name);
    }
    for (const name of names) {
      const m = /^(s-\d+)\.index$/.exec(name);
      if (m && !names.includes(m[1])) await rm(join(this.dir, name), { force: true });
    }
    // lowest numbers first out of the pool, so a narrower run reuses the same slots every time
    this.idle.reverse();
  }

  acquire(): Slot {
    const name = this.idle.pop() ?? `s-${this.next++}`;
    return this.slot(name);
  }

  /**
   * The task that used `slot` ended and its change was captured (`add -A` into the slot's index): the
   * slot is tidied for the next task while the rest of the wave goes on.
   */
  release(slot: Slot, holds: readonly string[]): void {
    const state = this.state(slot.name);
    state.holds = holds;
    state.ready = this.tidy(slot).then(
      () => {
        state.tidied = true;
      },
      () => {
        state.tidied = false;
      },
    );
    this.idle.push(slot.name);
  }

  /** Every tidying started by release() has ended (before the run lands, or gives up its lock). */
  async settle(): Promise<void> {
    await Promise.all([...this.states.values()].map((s) => s.ready));
  }

  /** A slot that failed in waveplan's hands is not trusted again: removed, remade on demand. */
  async discard(name: string): Promise<void> {
    this.states.delete(name);
    this.idle = this.idle.filter((n) => n !== name);
    await killContained({ env: SLOT_ENV, value: `${join(this.dir, name)}/`, dir: join(this.dir, name) });
    await forceRemove(join(this.dir, name));
    await rm(join(this.dir, `${name}.index`), { force: true });
    await rm(join(this.dir, `${name}.index.lock`), { force: true });
  }

  /**
   * After a finished run: the slots stay for the next run (`waveplan clean` removes them); the objects
   * this run wrote into the run repository (materialized trees, captured changes) are referenced by
   * nothing any more and are removed. The slots' indexes may still name some of them, which is harmless:
   * an adopted slot's first checkout (`read-tree --reset`) replaces every entry that differs from the
   * new tree without reading the old entry's object.
   */
  async park(): Promise<void> {
    await this.settle();
    const objects = join(this.runGitDir, "objects");
    const names = await readdir(objects).catch(() => [] as string[]);
    await Promise.all(
      names.filter((n) => /^[0-9a-f]{2}$/.test(n) || n === "pack").map((n) => rm(join(objects, n), { recursive: true, force: true })),
    );
    await mkdir(join(objects, "pack"), { recursive: true });
  }

  /** Remove every slot and the run repository (`waveplan clean`). */
  async removeAll(): Promise<void> {
    await this.settle();
    await killContained({ env: SLOT_ENV, value: `${this.dir}/`, prefix: true, dir: this.dir });
    await forceRemove(this.dir);
    await rm(this.runGitDir, { recursive: true, force: true });
    this.states.clear();
    this.idle = [];
  }

  private state(name: string): SlotState {
    let state = this.states.get(name);
    if (!state) {
      state = { tidied: false, ready: Promise.resolve() };
      this.states.set(name, state);
    }
    return state;
  }

  /**
   * The folder's `.git` made afresh for the next task. (What the task left that capture did not add to
   * the index — ignored files, empty folders — is removed by the next task's prepare, in the same
   * process as its catch-up.)
   */
  private async tidy(slot: Slot): Promise<void> {
    await Promise.all([makeGitDir(slot.dir, this.runGitDir, this.identity), removeSpecialFiles(slot.dir)]);
  }

  private slot(name: string): Slot {
    const dir = join(this.dir, name);
    const index = `${dir}.index`;
    const gitEnv = { GIT_DIR: this.runGitDir, GIT_WORK_TREE: dir, GIT_INDEX_FILE: index };
    const contain: ContainmentScope = { env: SLOT_ENV, value: `${dir}/`, dir };
    const { runGitDir } = this;
    const state = this.state(name);
    const identity = () => this.identity;
    // --reset -u: rewrite what differs from the index, comparing every file with it (whatever the
    // folder holds), then clean removes whatever the index does not hold (untracked, ignored, nested
    // repositories); the folder's own .git is never touched by either and is made fresh meanwhile
    const fullCheckout = async (commit: string) => {
      await mkdir(dir, { recursive: true });
      await rm(`${index}.lock`, { force: true });
      // a slot made now has every file written by this read-tree, all in the same second as its index:
      // racily clean entries that every later `add -A` would hash again (measured 2x per task at 10k
      // files, bench/isolation.mjs) unless the index gets fresh stat info once. An adopted slot keeps
      // the stat info of the files it does not rewrite, so it needs no such pass over every file.
      const fresh = !(await stat(index).catch(() => undefined));
      // one process: read-tree, then clean removes whatever the index does not hold (untracked, ignored,
      // nested repositories), then (fresh) the refresh; one that finds nothing to vouch for is no error
      const refresh = fresh ? " && { git update-index -q --refresh || :; }" : "";
      await gitScript(`git read-tree --reset -u "$1" && git clean -q -ffdx${refresh}`, [commit], { cwd: dir, env: gitEnv });
    };
    // A tidied slot catches up in one process: `clean` (what capture did not add: ignored files, empty
    // folders), then `apply --index` of the patches it lacks (writes and checks only their paths; no
    // tree is read), or else a one-way merge with the new tree (writes only the paths whose entry
    // differs). False when git refuses anything (a racily-clean entry it will not vouch for): the
    // caller then compares every file.
    const catchUp = async (holds: readonly string[] | undefined, upstream: readonly VerifiedCheckpoint[], making: Promise<string>) => {
      const missing = holds && patchesToCatchUp(holds, upstream);
      // read and checked once (a rewritten patch is an error, not a reason to fall back): git applies these bytes
      const patches = missing && (await Promise.all(missing.map(verifiedPatch)));
      const applied =
        patches &&
        (await succeeds(
          gitScript(
            ["git clean -q -ffdx", ...patches.map((_, i) => `git apply --index --binary --whitespace=nowarn - ${fdInput(i)}`)].join(" && "),
            [],
            { cwd: dir, env: gitEnv, files: patches },
          ),
        ));
      return (
        applied || succeeds(gitScript('git clean -q -ffdx && exec git read-tree -m -u "$1"', [await making], { cwd: dir, env: gitEnv }))
      );
    };
    return {
      name,
      dir,
      index,
      gitEnv,
      contain,
      // git discovery stops at the slots folder: a task that deletes its .git finds no repository
      // rather than the user's one above it
      taskEnv: { GIT_CEILING_DIRECTORIES: this.dir },
      async prepare(making: Promise<string>, upstream: readonly VerifiedCheckpoint[]) {
        // (no process of an earlier task is left here: each task's are killed when it ends, and those
        // of a runner that died are killed by adopt())
        await state.ready;
        const { tidied, holds } = state;
        // whatever happens next, the folder is the task's until it is released and tidied again
        state.tidied = false;
        state.holds = undefined;
        const dotGit = tidied ? Promise.resolve() : makeGitDir(dir, runGitDir, identity());
        dotGit.catch(() => {}); // awaited below; remade there if it failed
        try {
          if (!(tidied && (await catchUp(holds, upstream, making)))) await fullCheckout(await making);
        } catch (e) {
          if (!(e instanceof GitError)) throw e; // the materialized commit could not be made: the task fails
          // a slot the previous task broke (permissions, a corrupt index): discard it, start from nothing
          await dotGit.catch(() => {});
          await forceRemove(dir);
          await rm(index, { force: true });
          await fullCheckout(await making);
          await makeGitDir(dir, runGitDir, identity());
        }
        await dotGit.catch(() => makeGitDir(dir, runGitDir, identity()));
        // HEAD at the materialized commit, and waveplan's index, now matching the folder, so `git status`
        // in the task does not re-read every file
        await Promise.all([writeFile(join(dir, ".git", "HEAD"), `${await making}\n`), copyFile(index, join(dir, ".git", "index"))]);
      },
    };
  }
}

/**
 * The patches a slot that holds `holds` (the last task's upstream, then that task) lacks to be its
 * upstream's tree, in plan order; undefined when it cannot catch up by applying patches. It can when
 * the last task's upstream is a prefix of the new upstream and the last task is in it, and every task
 * between them changed other files than the last task (its parallel siblings: their patches commute
 * with its own), and no group of parallel siblings among them needs a merge (engine/siblings.ts: then
 * applying the patches in turn is exactly what materialize builds). A sequential chain's next task
 * lacks nothing.
 */
export function patchesToCatchUp(holds: readonly string[], upstream: readonly VerifiedCheckpoint[]): VerifiedCheckpoint[] | undefined {
  const own = holds[holds.length - 1];
  const prefix = holds.length - 1;
  if (own === undefined || upstream.length <= prefix) return undefined;
  for (let i = 0; i < prefix; i++) if (upstream[i].record.task.id !== holds[i]) return undefined;
  const at = upstream.findIndex((cp, i) => i >= prefix && cp.record.task.id === own);
  if (at === -1) return undefined;
  const ownFiles = new Set(upstream[at].record.patch.files);
  for (let i = prefix; i < at; i++) if (upstream[i].record.patch.files.some((f) => ownFiles.has(f))) return undefined;
  if (needsMerge(upstream.slice(prefix))) return undefined;
  return upstream.filter((cp, i) => i >= prefix && i !== at && cp.record.patch.bytes > 0);
}

/** Whether a git call succeeded (its failure is an answer here, not an error). */
function succeeds(call: Promise<unknown>): Promise<boolean> {
  return call.then(
    () => true,
    () => false,
  );
}

/**
 * FIFOs, sockets and device files a task left in its folder: `git clean` leaves them (it removes only
 * what git could track), and the next task that opens one (`echo > build.log` on a FIFO) would hang.
 * The folder holds only folders, files and symbolic links afterwards (its `.git` is made afresh anyway).
 */
export async function removeSpecialFiles(dir: string, top = true): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries.map((e) => {
      const path = join(dir, e.name);
      if (e.isDirectory()) return top && e.name === ".git" ? undefined : removeSpecialFiles(path, false);
      if (e.isFile() || e.isSymbolicLink()) return undefined;
      return rm(path, { force: true });
    }),
  );
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

/** The run repository's whole configuration: nothing in it runs a program. */
const RUN_REPOSITORY_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n[gc]\n\tauto = 0\n";

/**
 * What of the user's own repository configuration slots must honour, for a task to see the files as a
 * checkout of the repository shows them (issue 27): its filter drivers (git-lfs's, so a task reads an
 * LFS file's content rather than its pointer; git-crypt's…) and line-ending settings. These come from
 * the user's `.git/config`, which waveplan trusts as it trusts the user's git (the global and system
 * files git reads by itself); a filter a task names in `.gitattributes` but that only a task-writable
 * config defines never runs (git.ts guardConfig). With a filter for LFS, git-lfs keeps its objects in
 * the user's `.git/lfs` (`lfs.storage`): a task's new LFS file is stored there once and the landing
 * checkout finds it.
 */
async function trustedRepositoryConfig(repo: string, commonDir: string): Promise<string> {
  const listed = await git(
    ["config", "--local", "-z", "--get-regexp", "^(filter\\..*\\.(clean|smudge|process|required)|core\\.(autocrlf|eol|safecrlf))$"],
    {
      cwd: repo,
      okCodes: [1],
    },
  ).catch(() => "");
  const quote = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const lines: string[] = [];
  for (const entry of listed.split("\0").filter(Boolean)) {
    const nl = entry.indexOf("\n");
    const key = nl === -1 ? entry : entry.slice(0, nl);
    const value = nl === -1 ? "true" : entry.slice(nl + 1);
    const m = /^(filter)\.(.+)\.([^.]+)$|^(core)\.([^.]+)$/.exec(key);
    if (!m || /[\n"\\]/.test(m[2] ?? "") || value.includes("\n")) continue;
    lines.push(m[1] ? `[filter ${quote(m[2])}]\n\t${m[3]} = ${quote(value)}\n` : `[core]\n\t${m[5]} = ${quote(value)}\n`);
  }
  const lfs =
    lines.some((l) => l.startsWith('[filter "lfs"]')) ||
    (await git(["config", "--get", "filter.lfs.process"], { cwd: repo, okCodes: [1] }).catch(() => "")) !== "";
  // (repositoryformatversion: git-lfs writes it into a config that lacks it, which the guard would refuse)
  if (lfs) lines.push(`[lfs]\n\tstorage = ${quote(join(commonDir, "lfs"))}\n\trepositoryformatversion = 0\n`);
  return lines.join("");
}

/** The run repository: bare, borrowing the user's objects; its `info/exclude` is the user's. */
async function initRunRepository(repo: string, gitDir: string): Promise<void> {
  const commonDir = await git(["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd: repo });
  const alternates = join(gitDir, "objects/info/alternates");
  const have = await readFile(alternates, "utf8").catch(() => "");
  if (have !== `${join(commonDir, "objects")}\n`) {
    await rm(gitDir, { recursive: true, force: true });
    await git(["init", "-q", "--bare", gitDir], { cwd: repo });
    await writeFile(alternates, `${join(commonDir, "objects")}\n`);
  }
  // its config is waveplan's alone, written afresh by every run (whatever a task of an earlier run did
  // to it) and checked before every git call on it (git.ts guardConfig)
  const config = RUN_REPOSITORY_CONFIG + (await trustedRepositoryConfig(repo, commonDir));
  await writeFile(join(gitDir, "config"), config);
  guardConfig(gitDir, config);
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
 * The slot's own `.git`, written directly (no git process): empty refs, objects borrowed from the run
 * repository. HEAD (detached at the materialized commit) and waveplan's index are written by prepare.
 */
async function makeGitDir(dir: string, runGitDir: string, identity: string): Promise<void> {
  const dotGit = join(dir, ".git");
  await forceRemove(dotGit);
  await mkdir(join(dotGit, "objects/info"), { recursive: true });
  await Promise.all([
    mkdir(join(dotGit, "objects/pack")),
    mkdir(join(dotGit, "info")),
    mkdir(join(dotGit, "refs/heads"), { recursive: true }),
    mkdir(join(dotGit, "refs/tags"), { recursive: true }),
    writeFile(
      join(dotGit, "config"),
      `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n${identity}`,
    ),
    writeFile(join(dotGit, "objects/info/alternates"), `${join(runGitDir, "objects")}\n`),
  ]);
}
