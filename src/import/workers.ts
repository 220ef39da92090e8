/**
 * GSD and Task Master have no named instances: tasks are spread over a pool of workers, each with a
 * role taken from what the source says about its tasks (GSD `type`, Task Master `priority`), so
 * `stats`, the matrix job names and the summary still say who did what.
 */
import type { ImportedInstance, ImportedWave, Where } from "./imported.js";

/** A task waiting for a worker, with the kind of work the source gives it. */
export interface Unassigned {
  /** e.g. "execute", "tdd", "high" */
  kind: string;
}

/** The widest wave: with that many workers, nobody has two tasks in one parallel wave. */
export function widestWave(waves: readonly { tasks: readonly unknown[] }[]): number {
  return Math.max(1, ...waves.map((w) => w.tasks.length));
}

/**
 * Gives each task an instance `I1…In`. Inside a wave a worker takes one task while another is free;
 * a worker keeps to the kind of work it started with when it can, so its role stays true.
 * `roleOf(kind)` names a role, `at` is where the pool is explained (the source's first line).
 */
export function assignWorkers(
  waves: ImportedWave[],
  kinds: Map<ImportedWave["tasks"][number], string>,
  count: number,
  roleOf: (kind: string) => string,
  describe: (kind: string, n: number) => string,
  at: Where,
): ImportedInstance[] {
  const ids = Array.from({ length: count }, (_, i) => `I${i + 1}`);
  const done = new Map<string, Map<string, number>>(ids.map((id) => [id, new Map()]));
  const load = (id: string) => [...(done.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
  for (const wave of waves) {
    const busy = new Set<string>();
    for (const task of wave.tasks) {
      const kind = kinds.get(task) ?? "task";
      const free = ids.filter((id) => !busy.has(id));
      const pool = free.length ? free : ids;
      const score = (id: string) => {
        const did = done.get(id) as Map<string, number>;
        // same kind first, then a fresh worker, then the least loaded one; ties go to the lowest number
        return [did.has(kind) ? 0 : did.size === 0 ? 1 : 2, load(id)];
      };
      const best = pool.reduce((a, b) => {
        const [sa, la] = score(a);
        const [sb, lb] = score(b);
        return sb < sa || (sb === sa && lb < la) ? b : a;
      });
      busy.add(best);
      const did = done.get(best) as Map<string, number>;
      did.set(kind, (did.get(kind) ?? 0) + 1);
      task.instance = best;
    }
  }
  return ids
    .filter((id) => load(id) > 0)
    .map((id) => {
      const did = [...(done.get(id) as Map<string, number>)].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const role = roleOf(did[0][0]);
      const focus = did.map(([k, n]) => describe(k, n)).join(", ");
      return { id, role, focus, at };
    });
}

/** "high-priority engineer" → "High-Priority Engineer"; words already capitalised stay. */
export function capitalize(text: string): string {
  return text.replace(/(^|[\s-])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
}
