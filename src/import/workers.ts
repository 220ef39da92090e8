/**
 * GSD and Task Master have no named instances: tasks are spread over a pool of workers, each with a
 * role taken from what the source says about its tasks (GSD `type`, Task Master `priority`), so
 * `stats`, the matrix job names and the summary still say who did what.
 */
import type { Report } from "./diagnostics.js";
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

/**
 * The most tasks one imported wave holds by default: every task of a wave starts at once (an agent
 * each), so a 124-task graph whose first wave has 28 tasks would start 28 agents together.
 */
export const DEFAULT_MAX_PARALLEL = 8;

/**
 * Splits each wave of more than `max` tasks into consecutive waves (`W3`, `W3b`, `W3c` …) of at most
 * `max`, in the source's order. The tasks of one wave are independent, so any split keeps every
 * dependency satisfied; `split` is told about each wave that was split.
 */
export function splitWideWaves(waves: ImportedWave[], max: number, split: (wave: ImportedWave, parts: string[]) => void): ImportedWave[] {
  return waves.flatMap((w) => {
    if (w.tasks.length <= max) return [w];
    const parts: ImportedWave[] = [];
    for (let i = 0; i < w.tasks.length; i += max) {
      const n = parts.length;
      const tasks = w.tasks.slice(i, i + max);
      parts.push({
        ...w,
        id: n === 0 ? w.id : `${w.id}${String.fromCharCode(97 + (n % 26))}${n >= 26 ? Math.floor(n / 26) : ""}`,
        name: `${w.name} (part ${n + 1} of ${Math.ceil(w.tasks.length / max)})`,
        tasks,
        at: tasks[0].at,
      });
    }
    split(
      w,
      parts.map((p) => p.id),
    );
    return parts;
  });
}

/** splitWideWaves with a warning at each wave it splits. */
export function capWaves(waves: ImportedWave[], max: number, report: Report, fallbackFile: string): ImportedWave[] {
  return splitWideWaves(waves, max, (w, parts) =>
    report.warning(
      "max-parallel",
      `wave ${w.id} has ${w.tasks.length} tasks that could all start at once; it is split into waves ${parts.join(", ")} of at most ${max}, so no more than ${max} agents run together (--max-parallel N changes the cap)`,
      w.at,
      fallbackFile,
    ),
  );
}
