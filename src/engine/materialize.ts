/**
 * Materialize: the task's starting tree is the base commit plus every upstream patch, in plan order;
 * parallel siblings whose changes touch the same paths are combined with a three-way merge against the
 * tree they started from (engine/siblings.ts decides, engine/merge.ts merges). The tree is built in a
 * private index (no working tree involved) and checked out into the task's workspace incrementally, so
 * a reused slot only rewrites what changed.
 */
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type VerifiedCheckpoint, verifiedOutput, verifiedPatch } from "../checkpoint/verify.js";
import { commitTree, fdInput, GitError, gitScript, INTERNAL_IDENTITY } from "../git/git.js";
import { sha256 } from "../plan/hash.js";
import { mergeSiblings } from "./merge.js";
import { createNoFollow, LinkInPathError } from "./no-follow.js";
import { combineSteps, groupBoundaries } from "./siblings.js";
import type { Workspace } from "./workspace.js";

/** A materialized tree, and an index file that holds it (so the next patches need no `read-tree`). */
interface Built {
  /** a tree-ish (`<base>^{tree}` when no patch changed anything) */
  tree: string;
  index?: string;
  /** its commit (parent `base`) when it was made with the tree; `base` when no patch changed anything */
  commit?: string;
}

/**
 * What a run has materialized, by upstream chain: each patch is applied once per run, and parallel tasks
 * of a wave share their upstream's tree (the first one builds it, the others await it). With a folder,
 * each tree's index is kept there, so the next wave starts from it instead of reading its tree again.
 */
export class TreeCache {
  readonly trees = new Map<string, Promise<Built>>();
  constructor(readonly indexDir?: string) {}

  /** Remove the kept indexes (the trees and commits stay in the repository). */
  async dispose(): Promise<void> {
    if (this.indexDir) await rm(this.indexDir, { recursive: true, force: true });
  }
}

/** The key of each prefix of `upstream`'s chain (the sha256 chain of record hashes, from `base`). */
function chainKeys(base: string, upstream: VerifiedCheckpoint[]): string[] {
  const keys: string[] = [];
  let key = base;
  for (const cp of upstream) {
    key = sha256(`${key}\n${cp.recordSha256}`);
    keys.push(key);
  }
  return keys;
}

/**
 * The tree of base + patches. Upstream lists are always a prefix of the plan order, so with a cache the
 * longest cached prefix is the starting point and the remaining patches go to one `git apply` call.
 */
export async function materializeTree(repoDir: string, base: string, upstream: VerifiedCheckpoint[], cache?: TreeCache): Promise<string> {
  const keys = chainKeys(base, upstream);
  const full = keys[keys.length - 1];
  if (full === undefined) return `${base}^{tree}`;
  return (await build(repoDir, base, upstream, keys, cache)).tree;
}

/** A commit (never on any branch, parent `base`) of base + patches; `base` itself when there are none. */
export async function materializeCommit(repoDir: string, base: string, upstream: VerifiedCheckpoint[], cache?: TreeCache): Promise<string> {
  const keys = chainKeys(base, upstream);
  const full = keys[keys.length - 1];
  if (full === undefined) return base;
  // the commit is made with the tree (and cached with it); a tree built without one gets it here
  // (commit-tree is deterministic: same tree, parent, message and dates, same commit)
  const { tree, commit } = await build(repoDir, base, upstream, keys, cache, true);
  return commit ?? commitTree(repoDir, tree, [base], MATERIALIZED);
}

function build(
  repoDir: string,
  base: string,
  upstream: VerifiedCheckpoint[],
  keys: string[],
  cache?: TreeCache,
  withCommit = false,
): Promise<Built> {
  const full = keys[keys.length - 1];
  const cached = cache?.trees.get(full);
  if (cached) return cached;
  let start = 0;
  let from: Promise<Built | undefined> = Promise.resolve(undefined);
  // a cached prefix is a starting point only where it does not split a group of parallel siblings
  const boundaries = cache ? groupBoundaries(upstream) : new Set<number>();
  for (let i = upstream.length - 1; i > 0 && cache; i--) {
    if (!boundaries.has(i)) continue;
    const hit = cache.trees.get(keys[i - 1]);
    if (hit) {
      start = i;
      from = hit;
      break;
    }
  }
  const built = from.then((prefix) =>
    applyPatches(repoDir, base, prefix, upstream.slice(start), cache?.indexDir && join(cache.indexDir, full), withCommit),
  );
  cache?.trees.set(full, built);
  built.catch(() => cache?.trees.delete(full));
  return built;
}

const MATERIALIZED = "waveplan: materialized upstream";

/**
 * `prefix` (or `base`) + the patches, in a private index: copied from the prefix's kept index when there
 * is one, else read from its tree. `keep`: where to keep the resulting index. Without a merge, one
 * process (git.ts gitScript) reads the tree, applies, writes the tree and, `withCommit`, makes the commit.
 */
async function applyPatches(
  repoDir: string,
  base: string,
  prefix: Built | undefined,
  upstream: VerifiedCheckpoint[],
  keep: string | undefined,
  withCommit: boolean,
): Promise<Built> {
  const steps = combineSteps(upstream);
  if (steps.length === 0) return prefix ?? { tree: `${base}^{tree}`, commit: base };
  const tmp = keep ? undefined : await mkdtemp(join(tmpdir(), "waveplan-index-"));
  const index = keep ?? join(tmp as string, "index");
  const env = {
    ...INTERNAL_IDENTITY,
    GIT_INDEX_FILE: index,
    WAVEPLAN_FROM: prefix?.tree ?? base,
    WAVEPLAN_BASE: base,
    WAVEPLAN_MESSAGE: MATERIALIZED,
  };
  // read the starting tree (unless its index was copied), apply, write the tree, maybe commit it
  const apply = async (patches: VerifiedCheckpoint[], read: boolean, commit: boolean) => {
    const readFrom = read ? 'git read-tree "$WAVEPLAN_FROM" || exit 98; ' : "";
    // one `git apply` per patch, in plan order, each reading its verified bytes from its own pipe
    const applying = patches.map((_, i) => `git apply --cached --binary --whitespace=nowarn - ${fdInput(i)} || exit 99; `).join("");
    const committing = commit ? ' && printf "%s\\n" "$WAVEPLAN_MESSAGE" | git commit-tree "$t" -p "$WAVEPLAN_BASE"' : "";
    // each patch read once and checked against its record: git applies those very bytes
    const bytes = await Promise.all(patches.map(verifiedPatch));
    const out = await gitScript(`${readFrom}${applying}t=$(git write-tree) && echo "$t"${committing}`, [], {
      cwd: repoDir,
      env,
      files: bytes,
    }).catch((e) => {
      if (e instanceof GitError && e.code === 99)
        throw new Error(
          `the changes of tasks ${patches.map((cp) => `"${cp.record.task.id}"`).join(", ")} do not apply on top of their upstream: ${e.stderr.trim()}`,
        );
      throw e;
    });
    const [tree, made] = out.stdout.toString().trim().split("\n");
    return { tree, commit: commit ? made : undefined };
  };
  try {
    if (keep) await mkdir(dirname(keep), { recursive: true });
    if (prefix?.index) await copyFile(prefix.index, index);
    let read = !prefix?.index;
    const [only] = steps;
    if (steps.length === 1 && "apply" in only) {
      const { tree, commit } = await apply(only.apply, read, withCommit);
      return { tree, index: keep, commit };
    }
    let tree = prefix?.tree ?? `${base}^{tree}`;
    for (const step of steps) {
      if ("apply" in step) {
        tree = (await apply(step.apply, read, false)).tree;
      } else {
        // the siblings' attributes are those of the tree they started from, before any of them
        const started = tree;
        if (read || step.free.length) tree = (await apply(step.free, read, false)).tree;
        // (the index now holds the merge)
        tree = await mergeSiblings(repoDir, index, tree, started, step.entangled);
      }
      read = false;
    }
    return { tree, index: keep, commit: withCommit ? await commitTree(repoDir, tree, [base], MATERIALIZED) : undefined };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** Make the workspace exactly `commit` (no untracked or ignored leftovers), then add upstream outputs. */
export async function checkoutClean(workspace: Workspace, commit: string | Promise<string>, upstream: VerifiedCheckpoint[]): Promise<void> {
  await workspace.prepare(Promise.resolve(commit), upstream);
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
    try {
      // the bytes verified now are the bytes written; never through a link a patch put on the way
      await createNoFollow(dir, path, () => verifiedOutput(cp, path));
    } catch (e) {
      if (e instanceof LinkInPathError)
        throw new LinkInPathError(`cannot restore output ${path} of task "${cp.record.task.id}": ${e.message}`);
      throw e;
    }
  }
}
