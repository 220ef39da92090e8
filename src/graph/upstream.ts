/**
 * Which tasks a task depends on. Upstream = every task of earlier waves (the wave barrier), plus in a
 * sequential wave the tasks before it in the chain. `needs` only ever point to earlier waves, so they
 * are implied; they are kept as explicit edges for graphs.
 */
import type { Plan, Task } from "../plan/model.js";

export function upstreamOf(plan: Plan, task: Task): Task[] {
  const wave = plan.waves[task.waveIndex];
  const earlier = plan.tasks.filter((t) => t.waveIndex < task.waveIndex);
  return wave.mode === "sequential" ? [...earlier, ...wave.tasks.slice(0, task.position)] : earlier;
}

/** The direct predecessors: what a task waits for in a drawing of the graph. */
export function directUpstreamOf(plan: Plan, task: Task): Task[] {
  const wave = plan.waves[task.waveIndex];
  if (wave.mode === "sequential" && task.position > 0) return [wave.tasks[task.position - 1]];
  const prev = plan.waves[task.waveIndex - 1];
  if (!prev) return [];
  return prev.mode === "sequential" ? [prev.tasks[prev.tasks.length - 1]] : prev.tasks;
}
