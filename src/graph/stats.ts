/**
 * Plan insight from the plan's own estimates: who is busy when (a role table with utilization), what
 * each wave costs, and the critical path versus doing everything one after another.
 */
import type { Plan, WaveMode } from "../plan/model.js";
import { type PlanTiming, planTiming, taskEstimate, waveEstimate } from "./estimate.js";

export interface InstanceStats {
  id: string;
  role: string;
  focus?: string;
  /** ids of the waves this instance has tasks in, in plan order */
  waves: string[];
  tasks: number;
  /** sum of the estimates of its tasks */
  busyMs: number;
  /** busyMs / critical path: the share of the run this worker is working; undefined without estimates */
  utilization?: number;
}

export interface WaveStats {
  id: string;
  name: string;
  mode: WaveMode;
  tasks: number;
  /** instances in order of first appearance; for a sequential wave this is the chain order */
  instances: string[];
  estimateMs: number;
}

export interface PlanStats {
  plan: string;
  instances: InstanceStats[];
  waves: WaveStats[];
  totals: PlanTiming & { tasks: number };
}

export interface StatsOptions {
  /** start-up cost of one GitHub job (checkout, artifact download), for the pipeline wall-time estimate */
  jobOverheadMs?: number;
}

export function planStats(plan: Plan, options: StatsOptions = {}): PlanStats {
  const timing = planTiming(plan, options.jobOverheadMs ?? 0);
  const instances: InstanceStats[] = plan.instances.map((i) => ({
    id: i.id,
    role: i.role,
    focus: i.focus,
    waves: [],
    tasks: 0,
    busyMs: 0,
  }));
  const byId = new Map(instances.map((i) => [i.id, i]));
  for (const wave of plan.waves) {
    for (const task of wave.tasks) {
      const s = byId.get(task.instance);
      // validate.ts reports tasks of unknown instances; stats only describe declared ones
      if (!s) continue;
      s.tasks++;
      s.busyMs += taskEstimate(wave, task);
      if (s.waves[s.waves.length - 1] !== wave.id) s.waves.push(wave.id);
    }
  }
  for (const s of instances) s.utilization = timing.criticalPathMs > 0 ? s.busyMs / timing.criticalPathMs : undefined;

  const waves: WaveStats[] = plan.waves.map((w) => ({
    id: w.id,
    name: w.name,
    mode: w.mode,
    tasks: w.tasks.length,
    instances: [...new Set(w.tasks.map((t) => t.instance))],
    estimateMs: waveEstimate(w),
  }));
  return { plan: plan.name, instances, waves, totals: { ...timing, tasks: plan.tasks.length } };
}
