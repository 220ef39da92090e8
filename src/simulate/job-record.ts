/**
 * What a simulated run records of its jobs (written to `<out>/state.json`, read back by
 * `--rerun-failed`): types only, shared by the scheduler, the console and the run state without
 * making the state depend on the scheduler that produces it.
 */
import type { Annotation } from "./runner/commands.js";

export type Result = "success" | "failure" | "cancelled" | "skipped";

export interface InstanceRecord {
  key: string;
  name: string;
  matrix?: Record<string, unknown>;
  result: Result;
  attempt: number;
  /** when the job started (ISO time), for timelines; absent for jobs that never ran */
  startedAt?: string;
  durationMs: number;
  /** paths relative to the run's output folder */
  log?: string;
  summary?: string;
  annotations: Annotation[];
}

export interface JobRecord {
  id: string;
  result: Result;
  outputs: Record<string, string>;
  /** this job or one it depends on failed (what `failure()` asks) */
  failedUpstream: boolean;
  attempt: number;
  instances: InstanceRecord[];
}
