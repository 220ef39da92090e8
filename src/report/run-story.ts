/**
 * What a run did, told once for every view (GitHub job summary, terminal, HTML report): per task its
 * state, per wave its measured time, overhead and status, the verdict, the failures and the cost.
 * Pure: plan + checkpoint records (+ what GitHub said about jobs that left no checkpoint) in, values out.
 */
import type { CheckpointRecord } from "../checkpoint/record.js";
import { shapeSpeedup } from "../graph/estimate.js";
import { formatDuration } from "../plan/duration.js";
import type { Plan, Task, Wave } from "../plan/model.js";
import { type CostTotal, costOf, formatCost, sumCosts } from "./cost.js";

/**
 * - success / failure: the task ran and left a checkpoint saying so;
 * - lost: its job ran and failed before it could write a checkpoint (a gate refusal, a setup error);
 * - not-run: never started (an earlier wave failed, or the run stopped).
 */
export type TaskState = "success" | "failure" | "lost" | "not-run";

export interface TaskStory {
  task: Task;
  state: TaskState;
  record?: CheckpointRecord;
  /** the job's name as GitHub shows it (GitHub runs only) */
  job?: string;
  /** why it failed, one line */
  error?: string;
  cost?: CostTotal;
}

export type WaveState = "success" | "failure" | "not-run" | "partial";

export interface WaveStory {
  wave: Wave;
  state: WaveState;
  tasks: TaskStory[];
  /** first task start → last task end of the tasks that ran, in ms since the epoch */
  startMs?: number;
  endMs?: number;
  /** endMs − startMs */
  wallMs?: number;
  longest?: TaskStory;
  /** the sum of its tasks' times */
  taskMs: number;
  /**
   * Time the wave added beyond its own work: from the end of the previous wave to its own end, minus
   * its critical task time (the slowest task of a parallel wave, the whole chain of a sequential one).
   * On GitHub this is job start-up, checkout and checkpoint transfer; locally, slot preparation.
   */
  overheadMs?: number;
  cost: CostTotal;
}

export interface RunStory {
  plan: Plan;
  tasks: TaskStory[];
  waves: WaveStory[];
  counts: { success: number; failure: number; notRun: number; total: number };
  startMs?: number;
  endMs?: number;
  wallMs: number;
  taskMs: number;
  /** task time over wall time: how much faster than running the same tasks one after another */
  speedup?: number;
  /** what the plan's shape allows with the measured task times (graph/estimate.ts) */
  bestSpeedup?: number;
  /** the overhead of every wave that ran, summed */
  overheadMs: number;
  /** tasks that failed (with or without a checkpoint), in plan order */
  failures: TaskStory[];
  cost: CostTotal;
  verdict: string;
}

export interface StoryInput {
  plan: Plan;
  records: readonly CheckpointRecord[];
  /** tasks whose job failed without leaving a checkpoint, with what is known */
  lost?: ReadonlyMap<string, string>;
  /** GitHub job names per task */
  jobNames?: ReadonlyMap<string, string>;
}

const time = (iso: string) => new Date(iso).getTime();

export function tellRun(input: StoryInput): RunStory {
  const { plan } = input;
  const byTask = new Map(input.records.map((r) => [r.task.id, r]));
  const tasks: TaskStory[] = plan.tasks.map((task) => {
    const record = byTask.get(task.id);
    const job = input.jobNames?.get(task.id);
    if (record)
      return {
        task,
        state: record.status,
        record,
        job,
        error: record.status === "failure" ? (record.error ?? "failed") : undefined,
        cost: record.agent ? costOf(record.agent) : undefined,
      };
    const lost = input.lost?.get(task.id);
    if (lost !== undefined) return { task, state: "lost", job, error: lost };
    return { task, state: "not-run", job };
  });
  const byId = new Map(tasks.map((t) => [t.task.id, t]));
  let previousEnd: number | undefined;
  const waves = plan.waves.map((wave): WaveStory => {
    const mine = wave.tasks.map((t) => byId.get(t.id) as TaskStory);
    const ran = mine.filter((t) => t.record);
    const starts = ran.map((t) => time((t.record as CheckpointRecord).startedAt));
    const ends = ran.map((t) => time((t.record as CheckpointRecord).finishedAt));
    const durations = ran.map((t) => (t.record as CheckpointRecord).durationMs);
    const taskMs = durations.reduce((a, b) => a + b, 0);
    const startMs = ran.length ? Math.min(...starts) : undefined;
    const endMs = ran.length ? Math.max(...ends) : undefined;
    const longest = ran.length ? ran.reduce((a, b) => ((b.record?.durationMs ?? 0) > (a.record?.durationMs ?? 0) ? b : a)) : undefined;
    const workMs = wave.mode === "sequential" ? taskMs : Math.max(0, ...durations);
    const from = previousEnd ?? startMs;
    const overheadMs = endMs !== undefined && from !== undefined ? Math.max(0, endMs - from - workMs) : undefined;
    if (endMs !== undefined) previousEnd = Math.max(previousEnd ?? endMs, endMs);
    const failed = mine.some((t) => t.state === "failure" || t.state === "lost");
    const state: WaveState = failed
      ? "failure"
      : mine.every((t) => t.state === "success")
        ? "success"
        : mine.every((t) => t.state === "not-run")
          ? "not-run"
          : "partial";
    return {
      wave,
      state,
      tasks: mine,
      startMs,
      endMs,
      wallMs: startMs !== undefined && endMs !== undefined ? endMs - startMs : undefined,
      longest,
      taskMs,
      overheadMs,
      cost: sumCosts(mine.flatMap((t) => (t.cost ? [t.cost] : []))),
    };
  });
  const ran = input.records;
  const startMs = ran.length ? Math.min(...ran.map((r) => time(r.startedAt))) : undefined;
  const endMs = ran.length ? Math.max(...ran.map((r) => time(r.finishedAt))) : undefined;
  const wallMs = startMs !== undefined && endMs !== undefined ? Math.max(0, endMs - startMs) : 0;
  const taskMs = ran.reduce((s, r) => s + r.durationMs, 0);
  const counts = {
    success: tasks.filter((t) => t.state === "success").length,
    failure: tasks.filter((t) => t.state === "failure" || t.state === "lost").length,
    notRun: tasks.filter((t) => t.state === "not-run").length,
    total: tasks.length,
  };
  const failures = tasks.filter((t) => t.state === "failure" || t.state === "lost");
  const cost = sumCosts(tasks.flatMap((t) => (t.cost ? [t.cost] : [])));
  const story: RunStory = {
    plan,
    tasks,
    waves,
    counts,
    startMs,
    endMs,
    wallMs,
    taskMs,
    speedup: wallMs > 0 && taskMs > 0 ? taskMs / wallMs : undefined,
    bestSpeedup: shapeSpeedup(plan, new Map(ran.map((r) => [r.task.id, r.durationMs]))),
    overheadMs: waves.reduce((s, w) => s + (w.overheadMs ?? 0), 0),
    failures,
    cost,
    verdict: "",
  };
  story.verdict = verdictOf(story);
  return story;
}

/** `✅ 32/32 tasks · 13 waves · 1m15s` or `❌ I3-W3-1 failed in W3 · 8 done · 1 failed · 23 not run`. */
function verdictOf(s: RunStory): string {
  const money = s.cost.tasks > 0 ? ` · ${formatCost(s.cost)}` : "";
  if (s.failures.length === 0 && s.counts.notRun === 0)
    return `✅ ${s.counts.success}/${s.counts.total} tasks · ${s.plan.waves.length} waves · ${formatDuration(s.wallMs)}${money}`;
  const parts = [`${s.counts.success} done`, `${s.counts.failure} failed`, `${s.counts.notRun} not run`];
  if (s.failures.length === 0) return `⏸ not finished · ${parts.join(" · ")}${money}`;
  const names = s.failures.slice(0, 3).map((f) => f.task.id);
  const more = s.failures.length > 3 ? ` and ${s.failures.length - 3} more` : "";
  const waves = [...new Set(s.failures.map((f) => f.task.waveId))];
  return `❌ ${names.join(", ")}${more} failed in ${waves.join(", ")} · ${parts.join(" · ")}${money}`;
}

/** The one speedup sentence: the figure, what it is measured against, and where the rest went. */
export function speedupSentence(s: RunStory, markdown = true): string {
  const b = (x: string) => (markdown ? `**${x}**` : x);
  if (s.speedup === undefined || s.wallMs === 0) return "No task time was measured.";
  const ran = s.waves.filter((w) => w.wallMs !== undefined).length;
  const parts = [
    `Measured speedup ${b(`${s.speedup.toFixed(2)}×`)} over running the same tasks one after another:`,
    `${formatDuration(s.taskMs)} of task time in ${formatDuration(s.wallMs)} of wall time (first task start → last task end).`,
  ];
  if (s.overheadMs > 0)
    parts.push(
      `${formatDuration(s.overheadMs)} of that (${Math.round((100 * s.overheadMs) / s.wallMs)}%) went to starting and checkpointing ${ran} wave${ran === 1 ? "" : "s"} rather than to task work;`,
    );
  if (s.bestSpeedup !== undefined)
    parts.push(`${s.overheadMs > 0 ? "the" : "The"} plan's shape allows at most ${s.bestSpeedup.toFixed(2)}× with these task times.`);
  return parts.join(" ");
}

export const STATE_MARK: Record<TaskState | WaveState, string> = {
  success: "✅",
  failure: "❌",
  lost: "❌",
  "not-run": "⏸",
  partial: "◐",
};

export const STATE_TEXT: Record<TaskState | WaveState, string> = {
  success: "done",
  failure: "failed",
  lost: "failed (no checkpoint)",
  "not-run": "not run",
  partial: "partly run",
};
