/**
 * `--allow-dirty`: the run is based on a snapshot of the working tree (tracked changes and untracked,
 * not ignored, files) committed off-branch through a private index — the user's index, working tree
 * and branches are not touched. Landing later moves only the plan's own change onto HEAD.
 *
 * The snapshot's own objects (its commit, trees, and the blobs of the dirty files) never go into the
 * user's object store: git writes them to a private object directory (GIT_OBJECT_DIRECTORY, the user's
 * objects borrowed through GIT_ALTERNATE_OBJECT_DIRECTORIES — git(1) "Environment Variables"), and
 * they are kept as one pack under `.waveplan/snapshots/` for as long as the run may be resumed. Each
 * attempt copies that pack into waveplan's run repository (which `SlotPool.park` empties after every
 * attempt). The landing commit is built there too; only the objects the landed commit references and
 * the user lacks are then copied into the user's repository (`pack-objects --local` leaves out what the
 * run repository borrows from it).
 */
import { copyFile, link, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitTree, GitError, git, gitRaw, INTERNAL_IDENTITY } from "../git/git.js";

/** The user's object store (shared by all worktrees of the repository). */
async function objectsOf(repo: string): Promise<string> {
  const commonDir = await git(["rev-parse", "--path-format=absolute", "--git-common-dir"], { cwd: repo });
  return join(commonDir, "objects");
}

/** One entry of GIT_ALTERNATE_OBJECT_DIRECTORIES: a path holding the separator is given C-quoted (git 2.11+). */
function alternate(path: string): string {
  return /[:"\\]/.test(path) ? `"${path.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : path;
}

/**
 * Commit the working tree on top of `head` without writing into the user's object store; the new
 * objects are kept as a pack in `packs` (named after the snapshot commit). Returns the commit.
 */
export async function snapshotWorkingTree(repo: string, head: string, packs: string): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), "waveplan-snapshot-"));
  const objects = join(tmp, "objects");
  const env = {
    GIT_INDEX_FILE: join(tmp, "index"),
    GIT_OBJECT_DIRECTORY: objects,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: alternate(await objectsOf(repo)),
  };
  try {
    await mkdir(join(objects, "pack"), { recursive: true });
    await git(["read-tree", head], { cwd: repo, env });
    await git(["add", "-A", "--", ".", ":(exclude).waveplan"], { cwd: repo, env });
    const tree = await git(["write-tree"], { cwd: repo, env });
    const commit = await commitTree(repo, tree, [head], "waveplan: snapshot of the uncommitted working tree", {
      ...INTERNAL_IDENTITY,
      ...env,
    });
    // everything the snapshot holds beyond `head`, also what was borrowed from the user's store (the
    // blobs of staged edits): a resume must not depend on objects the user may gc meanwhile
    await mkdir(packs, { recursive: true });
    await git(["pack-objects", "-q", "--revs", join(packs, commit)], { cwd: repo, env, input: `${commit}\n^${head}\n` });
    return commit;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Make the snapshot `base` readable in the run repository (after `SlotPool.adopt`, which may have made
 * that repository afresh). A run started before snapshots were kept aside has its snapshot in the
 * user's repository, which the run repository borrows: nothing to copy then.
 */
export async function restoreSnapshot(packs: string, base: string, runGitDir: string): Promise<void> {
  const names = (await readdir(packs).catch(() => [] as string[])).filter((n) => n.startsWith(`${base}-`));
  const dest = join(runGitDir, "objects", "pack");
  await mkdir(dest, { recursive: true });
  // git looks for packs named pack-<hash>.{idx,pack} (gitrepository-layout(5))
  await Promise.all(
    names.map(async (n) => {
      const to = join(dest, `pack-${n.slice(base.length + 1)}`);
      await link(join(packs, n), to).catch((e: NodeJS.ErrnoException) => (e.code === "EEXIST" ? undefined : copyFile(join(packs, n), to)));
    }),
  );
  const found = await git(["cat-file", "-e", `${base}^{commit}`], { cwd: runGitDir }).then(
    () => true,
    (e) => (e instanceof GitError ? false : Promise.reject(e)),
  );
  if (!found)
    throw new Error(
      `the snapshot of your uncommitted edits this run is based on (${base.slice(0, 12)}) is gone from ${packs}; start a new run with --allow-dirty`,
    );
}

/**
 * Copy into the user's repository the objects `commit` references that it lacks, from the run
 * repository where the landing commit was built (`have`: a commit the user's repository holds).
 */
export async function copyLandedObjects(runGitDir: string, repo: string, commit: string, have: string): Promise<void> {
  const pack = await gitRaw(["pack-objects", "-q", "--revs", "--local", "--stdout"], { cwd: runGitDir, input: `${commit}\n^${have}\n` });
  await gitRaw(["unpack-objects", "-q"], { cwd: repo, input: pack.stdout });
}

/** The author the user's repository would give the landing commit, as "Name <email>" (undefined: none configured). */
export async function userAuthor(repo: string): Promise<string | undefined> {
  const ident = await git(["var", "GIT_AUTHOR_IDENT"], { cwd: repo }).catch(() => "");
  return /^(.+ <.*>) \d+ [+-]\d{4}$/.exec(ident)?.[1];
}

/**
 * The change from `base` to `result`, re-applied onto `onto` as one commit (parent `onto`). Used when
 * the run's base was a snapshot: the landed commit carries the plan's change, not the user's edits.
 */
export async function moveChange(
  repo: string,
  base: string,
  result: string,
  onto: string,
  message: string,
  identity?: Record<string, string>,
): Promise<string> {
  // bytes, not text: a patch may carry file contents that are not UTF-8
  const patch = (await gitRaw(["diff", "--binary", "--full-index", "--no-renames", base, result], { cwd: repo })).stdout;
  const tmp = await mkdtemp(join(tmpdir(), "waveplan-move-"));
  const env = { GIT_INDEX_FILE: join(tmp, "index") };
  try {
    await git(["read-tree", onto], { cwd: repo, env });
    if (patch.length > 0) {
      await git(["apply", "--cached", "--binary", "--whitespace=nowarn", "-"], { cwd: repo, env, input: patch }).catch((e) => {
        throw new Error(
          `the plan's change does not apply to HEAD without your uncommitted edits (${(e as Error).message.split("\n")[1] ?? ""}); land it on a new branch with --resume <run> --branch NAME (a snapshot commit of your edits, then the plan's commit)`,
        );
      });
    }
    const tree = await git(["write-tree"], { cwd: repo, env });
    return await commitTree(repo, tree, [onto], message, identity);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
