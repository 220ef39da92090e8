/**
 * Which verified patches are parallel siblings, and which of those need a three-way merge. Pure: it
 * reads only the verified records, so every consumer (a task's materialize, a slot's catch-up, the
 * landing) makes the same decision from the same checkpoints.
 *
 * A task's patch is against the tree of its upstream chain (record.upstream), which is always a
 * prefix of the plan order. Consecutive checkpoints with the same upstream chain started from the same
 * tree: they are the tasks of one parallel wave. Every other checkpoint (a sequential chain's link, a
 * wave of one task) is against the tree of everything before it, so its patch simply applies.
 */
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";

/** Consecutive checkpoints that started from one tree, in plan order (a group of one applies in turn). */
export function siblingGroups<T extends Pick<VerifiedCheckpoint, "record">>(checkpoints: readonly T[]): T[][] {
  const groups: T[][] = [];
  let last: string | undefined;
  for (const cp of checkpoints) {
    const key = chainKey(cp);
    const current = groups[groups.length - 1];
    if (current && key !== undefined && key === last) current.push(cp);
    else groups.push([cp]);
    last = key;
  }
  return groups;
}

/** The upstream chain as one comparable string; undefined for a record without one (never grouped). */
function chainKey(cp: Pick<VerifiedCheckpoint, "record">): string | undefined {
  const upstream = cp.record.upstream;
  return Array.isArray(upstream) ? upstream.map((u) => `${u.task}:${u.record}`).join("\n") : undefined;
}

/**
 * The siblings whose changes touch a path another sibling touches — the same path, or a file where the
 * other has something inside a folder of that name. Only these need a three-way merge; the others
 * change paths nobody else in the group changes, so their patches commute and apply as they are.
 */
export function entangled<T extends Pick<VerifiedCheckpoint, "record">>(group: readonly T[]): Set<T> {
  const asFile = new Map<string, Set<T>>();
  const asFolder = new Map<string, Set<T>>();
  const add = (map: Map<string, Set<T>>, path: string, cp: T) => {
    const set = map.get(path) ?? new Set<T>();
    set.add(cp);
    map.set(path, set);
  };
  for (const cp of group) {
    if (cp.record.patch.bytes === 0) continue;
    for (const file of cp.record.patch.files) {
      add(asFile, file, cp);
      const parts = file.split("/");
      for (let i = 1; i < parts.length; i++) add(asFolder, parts.slice(0, i).join("/"), cp);
    }
  }
  const result = new Set<T>();
  for (const [path, files] of asFile) {
    const clashing = new Set([...files, ...(asFolder.get(path) ?? [])]);
    if (clashing.size > 1) for (const cp of clashing) result.add(cp);
  }
  return result;
}

/** Whether any group of `checkpoints` needs a three-way merge (otherwise every patch applies in turn). */
export function needsMerge(checkpoints: readonly Pick<VerifiedCheckpoint, "record">[]): boolean {
  return siblingGroups(checkpoints).some((g) => g.length > 1 && entangled(g).size > 0);
}

/** How a list of patches combines: runs of patches that apply in turn, and groups that need a merge. */
export type CombineStep<T> = { apply: T[] } | { free: T[]; entangled: T[] };

/**
 * The steps that build base + `checkpoints` (which start at a group boundary): a group whose siblings
 * change disjoint paths joins the run of patches that apply in turn (one `git apply`); a group with
 * entangled siblings first applies its free ones, then merges the entangled ones. Empty patches drop out.
 */
export function combineSteps<T extends Pick<VerifiedCheckpoint, "record">>(checkpoints: readonly T[]): CombineStep<T>[] {
  const steps: CombineStep<T>[] = [];
  for (const group of siblingGroups(checkpoints)) {
    const changes = group.filter((cp) => cp.record.patch.bytes > 0);
    const tangled = group.length > 1 ? entangled(changes) : new Set<T>();
    if (tangled.size === 0) {
      if (changes.length === 0) continue;
      const last = steps[steps.length - 1];
      if (last && "apply" in last) last.apply.push(...changes);
      else steps.push({ apply: [...changes] });
    } else {
      steps.push({ free: changes.filter((cp) => !tangled.has(cp)), entangled: changes.filter((cp) => tangled.has(cp)) });
    }
  }
  return steps;
}

/** Where `checkpoints` may be cut without splitting a group of siblings: the lengths of its group-aligned prefixes. */
export function groupBoundaries(checkpoints: readonly Pick<VerifiedCheckpoint, "record">[]): Set<number> {
  const ends = new Set<number>([0]);
  let n = 0;
  for (const g of siblingGroups(checkpoints)) {
    n += g.length;
    ends.add(n);
  }
  return ends;
}
