/**
 * `--allow-dirty`: the run is based on a snapshot of the working tree (tracked changes and untracked,
 * not ignored, files) committed off-branch through a private index — the user's index, working tree
 * and branches are not touched. Landing later moves only the plan's own change onto HEAD.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitTree, git, gitRaw } from "../git/git.js";

export async function snapshotWorkingTree(repo: string, head: string): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), "waveplan-snapshot-"));
  const env = { GIT_INDEX_FILE: join(tmp, "index") };
  try {
    await git(["read-tree", head], { cwd: repo, env });
    await git(["add", "-A", "--", ".", ":(exclude).waveplan"], { cwd: repo, env });
    const tree = await git(["write-tree"], { cwd: repo, env });
    return await commitTree(repo, tree, [head], "waveplan: snapshot of the uncommitted working tree");
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
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
