/**
 * The GitHub job summaries, as markdown text: pure functions of the plan and the checkpoint records,
 * so they are tested on values and the action only writes what they return.
 *
 * final-commit: the wave graph (Mermaid flowchart), the measured timeline (Mermaid gantt, one section
 * per instance, so idle instances and stragglers show at a glance), a task table, per-instance
 * utilization and the measured speedup next to the plan's estimate.
 */

import type { CheckpointRecord } from "../checkpoint/record.js";
import { planTiming, shapeSpeedup } from "../graph/estimate.js";
import { renderMermaid } from "../graph/render.js";
import { formatDuration } from "../plan/duration.js";
import type { Plan } from "../plan/model.js";
import { undeclaredChangeWarnings } from "./declared-files.js";

export interface Measured {
  /** first task start → last task end, in ms since the epoch */
  startMs: number;
  endMs: number;
  wallMs: number;
  /** sum of every task's duration */
  taskMs: number;
  /** taskMs / wallMs: how many tasks ran at once on average */
  speedup?: number;
  instances: { id: string; role: string; tasks: number; busyMs: number; utilization?: number }[];
}

const time = (iso: string) => new Date(iso).getTime();

/** Wall time, task time and per-instance busy time of the records. */
export function measure(plan: Plan, records: readonly CheckpointRecord[]): Measured {
  const startMs = Math.min(...records.map((r) => time(r.startedAt)));
  const endMs = Math.max(...records.map((r) => time(r.finishedAt)));
  const wallMs = records.length ? Math.max(0, endMs - startMs) : 0;
  const taskMs = records.reduce((s, r) => s + r.durationMs, 0);
  const instances = plan.instances
    .map((i) => {
      const mine = records.filter((r) => r.task.instance === i.id);
      const busyMs = mine.reduce((s, r) => s + r.durationMs, 0);
      return { id: i.id, role: i.role, tasks: mine.length, busyMs, utilization: wallMs > 0 ? busyMs / wallMs : undefined };
    })
    .filter((i) => i.tasks > 0);
  return {
    startMs: records.length ? startMs : 0,
    endMs: records.length ? endMs : 0,
    wallMs,
    taskMs,
    speedup: wallMs > 0 && taskMs > 0 ? taskMs / wallMs : undefined,
    instances,
  };
}

/** Text for a gantt section title: a colon, `#` or `;` would end or break the line. */
function ganttText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/[:#;]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Mermaid gantt of the measured run: a section per instance, a bar per task from its start to its
 * end (wall clock, `dateFormat x` = ms since the epoch). Bar labels are task ids, which are
 * `[A-Za-z0-9._-]` and so cannot break the syntax.
 */
export function renderGantt(plan: Plan, records: readonly CheckpointRecord[]): string {
  const lines = ["gantt", "  title Measured timeline", "  dateFormat x", "  axisFormat %H:%M:%S"];
  for (const instance of plan.instances) {
    const mine = records.filter((r) => r.task.instance === instance.id).sort((a, b) => time(a.startedAt) - time(b.startedAt));
    if (mine.length === 0) continue;
    lines.push(`  section ${ganttText(`${instance.id} ${instance.role}`)}`);
    for (const r of mine) {
      const start = time(r.startedAt);
      // a bar needs a length to be drawn
      const end = Math.max(time(r.finishedAt), start + 1);
      lines.push(`  ${r.task.id} :${r.status === "success" ? "done" : "crit"}, ${start}, ${end}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A markdown table cell: pipes and newlines would split the row. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

function table(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/**
 * Mermaid refuses diagrams above 50,000 characters (its default maxTextSize) and GitHub caps a step
 * summary at 1 MiB: larger plans get a note instead of a diagram, and a capped task table.
 */
export const MAX_DIAGRAM_CHARS = 50_000;
export const MAX_TABLE_ROWS = 500;

function mermaidBlock(text: string, what: string): string {
  if (text.length > MAX_DIAGRAM_CHARS)
    return `_The ${what} is too large for Mermaid to draw (${text.length} characters); \`waveplan graph\` renders it locally._`;
  return ["```mermaid", text.trimEnd(), "```"].join("\n");
}

const percent = (x: number | undefined) => (x === undefined ? "–" : `${Math.round(x * 100)}%`);

/** The task table: plan order, with tasks that have no record shown as missing. */
export function renderTaskTable(plan: Plan, records: readonly CheckpointRecord[]): string {
  const byTask = new Map(records.map((r) => [r.task.id, r]));
  // past the cap, failed and missing tasks are the rows worth the space
  const failedFirst = plan.tasks.length > MAX_TABLE_ROWS;
  const shown = failedFirst
    ? [
        ...plan.tasks.filter((t) => byTask.get(t.id)?.status !== "success"),
        ...plan.tasks.filter((t) => byTask.get(t.id)?.status === "success"),
      ].slice(0, MAX_TABLE_ROWS)
    : plan.tasks;
  const rows = table(
    ["Wave", "Task", "Instance", "Status", "Duration", "Tries", "Change"],
    shown.map((t) => {
      const r = byTask.get(t.id);
      if (!r) return [t.waveId, `${t.id}: ${t.title}`, t.instance, "no checkpoint", "–", "–", "–"];
      const status = r.status === "success" ? "✅ success" : `❌ ${r.error ?? "failure"}`;
      const change = r.patch.files.length ? `${r.patch.files.length} files, +${r.patch.insertions} −${r.patch.deletions}` : "none";
      return [t.waveId, `${t.id}: ${t.title}`, t.instance, status, formatDuration(r.durationMs), String(r.tries), change];
    }),
  );
  return failedFirst ? `${rows}\n\n_${plan.tasks.length - shown.length} more successful tasks not shown._` : rows;
}

export function renderUtilization(m: Measured): string {
  return table(
    ["Instance", "Role", "Tasks", "Busy", "Utilization"],
    m.instances.map((i) => [i.id, i.role, String(i.tasks), formatDuration(i.busyMs), percent(i.utilization)]),
  );
}

export interface FinalSummary {
  plan: Plan;
  planFile: string;
  runId: string;
  attempt: number;
  /** verified records in plan order */
  records: readonly CheckpointRecord[];
  /** what happened to the combined change */
  outcome: string;
}

export function renderFinalSummary(s: FinalSummary): string {
  const m = measure(s.plan, s.records);
  const estimate = planTiming(s.plan).speedup;
  const best = shapeSpeedup(s.plan, new Map(s.records.map((r) => [r.task.id, r.durationMs])));
  const speedup = [
    `**Wall time** ${formatDuration(m.wallMs)} (first task start → last task end) vs **${formatDuration(m.taskMs)}** of task time:`,
    `measured speedup **${m.speedup === undefined ? "–" : `${m.speedup.toFixed(2)}x`}**`,
    `(plan estimate ${estimate === undefined ? "– (no estimates in the plan)" : `${estimate.toFixed(2)}x`}).`,
    // issue 14: a plan of one-task waves cannot go faster than 1.0x, however fast the runner is
    `The plan's shape allows at most **${best === undefined ? "–" : `${best.toFixed(2)}x`}** with these task times.`,
  ].join(" ");
  return [
    `## waveplan: ${cell(s.plan.name)}`,
    "",
    `Plan \`${cell(s.planFile)}\` · run ${s.runId} attempt ${s.attempt} · ${s.plan.tasks.length} tasks in ${s.plan.waves.length} waves`,
    "",
    s.outcome,
    "",
    "### Wave graph",
    "",
    mermaidBlock(renderMermaid(s.plan), "wave graph"),
    "",
    "### Measured timeline",
    "",
    mermaidBlock(renderGantt(s.plan, s.records), "timeline"),
    "",
    speedup,
    "",
    "### Tasks",
    "",
    renderTaskTable(s.plan, s.records),
    "",
    ...undeclaredSection(s.plan, s.records),
    "### Instances",
    "",
    renderUtilization(m),
    "",
  ].join("\n");
}

/** Changes outside a task's declared `files:` (a warning: the run still landed). */
function undeclaredSection(plan: Plan, records: readonly CheckpointRecord[]): string[] {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const warnings = undeclaredChangeWarnings(
    records.flatMap((r) => {
      const task = byId.get(r.task.id);
      return task ? [{ task, changed: r.patch.files }] : [];
    }),
  );
  return warnings.length ? ["**Warning — changes outside declared files:**", "", ...warnings.map((w) => `- ${cell(w)}`), ""] : [];
}

/** final-commit when waves did not succeed: which ones, and the graph to place them. */
export function renderFailedWavesSummary(plan: Plan, planFile: string, failed: { job: string; result: string }[]): string {
  return [
    `## waveplan: ${cell(plan.name)} — not landed`,
    "",
    `Plan \`${cell(planFile)}\`: ${failed.length} job${failed.length === 1 ? "" : "s"} did not succeed, so nothing was verified or landed.`,
    "",
    table(
      ["Job", "Result"],
      failed.map((f) => [f.job, f.result]),
    ),
    "",
    "### Wave graph",
    "",
    mermaidBlock(renderMermaid(plan), "wave graph"),
    "",
  ].join("\n");
}

/** The short summary a task job writes about its one task. */
export function renderTaskSummary(plan: Plan, record: CheckpointRecord, artifact: string): string {
  const task = plan.tasks.find((t) => t.id === record.task.id);
  const ok = record.status === "success";
  const change = record.patch.files.length
    ? `${record.patch.files.length} file${record.patch.files.length === 1 ? "" : "s"} changed, +${record.patch.insertions} −${record.patch.deletions}`
    : "no change";
  return [
    `### ${ok ? "✅" : "❌"} ${cell(record.task.id)}${task ? `: ${cell(task.title)}` : ""}`,
    "",
    `Wave ${record.task.wave} · instance ${record.task.instance} · ${formatDuration(record.durationMs)}${record.tries > 1 ? ` · ${record.tries} tries` : ""} · ${change}`,
    ...(record.outputs.length ? ["", `Outputs: ${record.outputs.map((o) => `\`${cell(o.path)}\``).join(", ")}`] : []),
    ...(ok ? [] : ["", `**Failed:** ${cell(record.error ?? "failure")}`]),
    "",
    `Checkpoint artifact \`${artifact}\``,
    "",
  ].join("\n");
}

/** The summary of a task job whose task never started (its gate refused, setup failed). */
export function renderTaskNotStarted(plan: Plan, taskId: string, reason: string): string {
  const task = plan.tasks.find((t) => t.id === taskId);
  return [
    `### ⛔ ${cell(taskId)}${task ? `: ${cell(task.title)}` : ""} did not run`,
    "",
    ...(task ? [`Wave ${task.waveId} · instance ${task.instance}`, ""] : []),
    cell(reason),
    "",
  ].join("\n");
}
