/**
 * Materialize: the task's starting tree is the base commit plus every upstream patch, in plan order.
 * The tree is built in a private index (no working tree involved) and checked out into the task's
 * workspace incrementally, so a reused slot only rewrites what changed.
 */
import { copyFile, lstat, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { OUTPUTS_DIR } from "../checkpoint/record.js";
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import { commitTree, git } from "../git/git.js";
import { sha256 } from "../plan/hash.js";
import type { Workspace } from "./workspace.js";

/**
 * Commit (never on any branch) whose tree is base + patches. Upstream lists are always a prefix of
 * the plan order, so with a cache each patch is applied once per run: the longest cached prefix is the
 * starting point and the remaining patches go to one `git apply` call.
 */
export async function materializeCommit(
  repoDir: string,
  base: string,
  upstream: VerifiedCheckpoint[],
  cache?: Map<string, Promise<string>>,
): Promise<string> {
  const keys: string[] = [];
  let key = base;
  for (const cp of upstream) {
    key = sha256(`${key}\n${cp.recordSha256}`);
    keys.push(key);
  }
  const full = keys[keys.length - 1];
  if (full === undefined) return base;
  // Parallel tasks of one wave share their upstream: the first one builds the tree, the others await it.
  const cached = cache?.get(full);
  if (cached) return cached;
  let start = 0;
  let from: Promise<string> = Promise.resolve(base);
  for (let i = upstream.length - 1; i > 0 && cache; i--) {
    const hit = cache.get(keys[i - 1]);
    if (hit) {
      start = i;
      from = hit;
      break;
    }
  }
  const built = from.then((commit) => applyPatches(repoDir, base, commit, upstream.slice(start)));
  cache?.set(full, built);
  built.catch(() => cache?.delete(full));
  return built;
}

async function applyPatches(repoDir: string, base: string, from: string, upstream: VerifiedCheckpoint[]): Promise<string> {
  const rest = upstream.filter((cp) => cp.record.patch.bytes > 0);
  if (rest.length === 0) return from;
  const tmp = await mkdtemp(join(tmpdir(), "waveplan-index-"));
  const env = { GIT_INDEX_FILE: join(tmp, "index") };
  try {
    await git(["read-tree", from], { cwd: repoDir, env });
    try {
      await git(["apply", "--cached", "--binary", "--whitespace=nowarn", ...rest.map((cp) => cp.patchFile)], { cwd: repoDir, env });
    } catch (e) {
      throw new Error(
        `the changes of tasks ${rest.map((cp) => `"${cp.record.task.id}"`).join(", ")} do not apply on top of their upstream: ${(e as Error).message}`,
      );
    }
    const tree = await git(["write-tree"], { cwd: repoDir, env });
    return await commitTree(repoDir, tree, [base], "waveplan: materialized upstream");
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Make the workspace exactly `commit` (no untracked or ignored leftovers), then add upstream outputs. */
export async function checkoutClean(workspace: Workspace, commit: string, upstream: VerifiedCheckpoint[]): Promise<void> {
  await workspace.prepare(commit);
  await restoreOutputs(workspace.dir, upstream);
}

/**
 * Declared outputs that are not part of the tree (git-ignored) still reach downstream tasks: for each
 * path the copy of the newest upstream task that declared it (plan order), as a later wave that
 * rewrites an output replaces it. A path that is in the tree is left as the patches made it.
 */
async function restoreOutputs(dir: string, upstream: VerifiedCheckpoint[]): Promise<void> {
  const newest = new Map<string, VerifiedCheckpoint>();
  for (const cp of upstream) for (const out of cp.record.outputs) newest.set(out.path, cp);
  for (const [path, cp] of newest) {
    const target = join(dir, path);
    const exists = await lstat(target).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(cp.dir, OUTPUTS_DIR, path), target);
  }
}
