/**
 * Estimated timing from the plan's own figures: per-task estimates, wave wall time, the critical path
 * (what a perfectly parallel run takes) versus the sequential sum (one worker doing everything).
 */
import type { Plan, Task, Wave } from "../plan/model.js";

/** A task's estimate: its own, else its wave's (split over a sequential chain), else 0. */
export function taskEstimate(wave: Wave, task: Task): number {
  if (task.estimateMs !== undefined) return task.estimateMs;
  if (wave.estimateMs === undefined) return 0;
  return wave.mode === "sequential" ? wave.estimateMs / wave.tasks.length : wave.estimateMs;
}

/** Wall time of a wave: the slowest task of a parallel wave, the sum of a chain; the wave's own figure wins. */
export function waveEstimate(wave: Wave): number {
  if (wave.estimateMs !== undefined) return wave.estimateMs;
  const times = wave.tasks.map((t) => taskEstimate(wave, t));
  return wave.mode === "sequential" ? times.reduce((a, b) => a + b, 0) : Math.max(0, ...times);
}

export interface PlanTiming {
  criticalPathMs: number;
  sequentialMs: number;
  /** sequentialMs / criticalPathMs, or undefined without estimates */
  speedup?: number;
  /** per-job start-up cost added to each job on the critical path when estimating a GitHub run */
  jobOverheadMs: number;
  /** critical path plus one job overhead per job on it (a sequential wave is a chain of jobs) */
  pipelineMs: number;
}

export function planTiming(plan: Plan, jobOverheadMs = 0): PlanTiming {
  const criticalPathMs = plan.waves.reduce((s, w) => s + waveEstimate(w), 0);
  const sequentialMs = plan.waves.reduce((s, w) => s + w.tasks.reduce((a, t) => a + taskEstimate(w, t), 0), 0);
  // plan job + each wave's jobs on the critical path + final-commit
  const jobsOnPath = 2 + plan.waves.reduce((n, w) => n + (w.mode === "sequential" ? w.tasks.length : 1), 0);
  return {
    criticalPathMs,
    sequentialMs,
    speedup: criticalPathMs > 0 ? sequentialMs / criticalPathMs : undefined,
    jobOverheadMs,
    pipelineMs: criticalPathMs + jobsOnPath * jobOverheadMs,
  };
}

/**
 * The best speedup the plan's shape allows with the measured task times: their sum over the measured
 * critical path (a parallel wave costs its slowest task, a chain the sum of its tasks). A plan of
 * one-task waves allows 1.0x however fast the runner is. Tasks without a time (not run, reused)
 * count as 0; undefined when no task has a time.
 */
export function shapeSpeedup(plan: Plan, durationMs: ReadonlyMap<string, number>): number | undefined {
  let sum = 0;
  let path = 0;
  for (const w of plan.waves) {
    const times = w.tasks.map((t) => durationMs.get(t.id) ?? 0);
    sum += times.reduce((a, b) => a + b, 0);
    path += w.mode === "sequential" ? times.reduce((a, b) => a + b, 0) : Math.max(0, ...times);
  }
  return path > 0 ? sum / path : undefined;
}
