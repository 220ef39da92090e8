/**
 * `--redo TASK` (locally) and the `redo` dispatch input (GitHub): a task whose checkpoint still
 * verifies is run again anyway, and so is everything downstream of it — the way out of an agent
 * result that was wrong. Its siblings in a parallel wave are not downstream and are reused.
 */
import type { Plan, Task } from "../plan/model.js";
import { didYouMean } from "../plan/suggest.js";

/** Task ids from a list as people type it: repeated flags, or one input of ids split by commas or blanks. */
export function parseRedoList(values: readonly string[]): string[] {
  return [...new Set(values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean))];
}

/** One message per id that names no task of the plan, with a suggestion; empty when all are known. */
export function unknownRedoTasks(plan: Plan, ids: readonly string[]): string[] {
  const known = new Set(plan.tasks.map((t) => t.id));
  return ids.filter((id) => !known.has(id)).map((id) => `no task "${id}" in plan "${plan.name}" to redo${didYouMean(id, known)}`);
}

/**
 * Which tasks must run again: the named ones, and those with a named task upstream (graph/upstream.ts:
 * every task of an earlier wave, and the earlier links of a sequential chain) — decided from the named
 * tasks' places, so a 10k-task plan does not list every task's upstream.
 */
export function redoRule(plan: Plan, ids: readonly string[]): (task: Task) => boolean {
  const named = plan.tasks.filter((t) => ids.includes(t.id));
  if (named.length === 0) return () => false;
  return (task) =>
    named.some(
      (r) =>
        r.id === task.id ||
        r.waveIndex < task.waveIndex ||
        (r.waveIndex === task.waveIndex && plan.waves[r.waveIndex].mode === "sequential" && r.position < task.position),
    );
}
