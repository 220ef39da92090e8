/** The closing table of a run: per task status and duration, wall time vs summed task time. */
import { formatDuration } from "../plan/duration.js";
import { padToWidth, truncateToWidth, visibleWidth } from "./text-width.js";

export interface TaskRow {
  task: string;
  instance: string;
  wave: string;
  status: string;
  durationMs?: number;
  title?: string;
  /** agent tasks: the cost as formatted by report/cost.ts ("$0.12", "n/a") */
  cost?: string;
}

/** Columns padded by visible width, so wide characters and emoji in titles keep the columns straight. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ""))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => padToWidth(c, widths[i]))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export interface ReportOptions {
  /** what the plan's shape allows with these task times (graph/estimate.ts shapeSpeedup) */
  bestSpeedup?: number;
  /** terminal size: titles are cut to the width, and a table taller than the screen is folded */
  columns?: number;
  rows?: number;
  /** the command that prints the full table when it is folded */
  fullTable?: string;
}

const TITLE_MAX = 48;

/** `bestSpeedup`: what the plan's shape allows with these task times (graph/estimate.ts shapeSpeedup). */
export function renderRunReport(rows: TaskRow[], wallMs: number | undefined, options: ReportOptions | number = {}): string {
  const opts: ReportOptions = typeof options === "number" ? { bestSpeedup: options } : options;
  const withTitle = rows.some((r) => r.title);
  const withCost = rows.some((r) => r.cost);
  // a table taller than half the screen pushes the run's own story (waves, failures) out of sight
  const fold = opts.rows !== undefined && rows.length + 2 > opts.rows / 2;
  // folded: the failures only (the tasks that never ran are listed by name after the table)
  const shown = fold ? rows.filter((r) => r.status === "failure") : rows;
  const cells = shown.map((r) => [
    r.task,
    r.instance,
    r.wave,
    r.status,
    r.durationMs === undefined ? "-" : formatDuration(r.durationMs),
    ...(withCost ? [r.cost ?? "-"] : []),
    ...(withTitle ? [truncateToWidth(r.title ?? "", TITLE_MAX)] : []),
  ]);
  const headers = ["task", "instance", "wave", "status", "duration", ...(withCost ? ["cost"] : []), ...(withTitle ? ["title"] : [])];
  let table = renderTable(headers, cells);
  if (withTitle) {
    // the title is the last column: cut it to the screen (or a sane width) rather than wrap every row
    const max = opts.columns ? Math.max(20, opts.columns - 1) : undefined;
    if (max)
      table = table
        .split("\n")
        .map((l) => truncateToWidth(l, max))
        .join("\n");
  }
  const taskMs = rows.reduce((s, r) => s + (r.durationMs ?? 0), 0);
  const lines: string[] = [];
  if (fold) {
    const count = (s: string) => rows.filter((r) => r.status === s).length;
    const parts = [`${count("success")} done`, `${count("failure")} failed`];
    if (count("reused")) parts.push(`${count("reused")} reused`);
    const other = rows.length - count("success") - count("failure") - count("reused");
    if (other) parts.push(`${other} not run`);
    lines.push(
      `${rows.length} tasks: ${parts.join(", ")}`,
      ...(opts.fullTable ? [`the full table: ${opts.fullTable}`] : []),
      ...(shown.length ? ["", table] : []),
      "",
    );
  } else lines.push(table, "");
  if (wallMs !== undefined && wallMs > 0 && taskMs > 0) {
    lines.push(
      `wall time ${formatDuration(wallMs)} vs ${formatDuration(taskMs)} of task time: measured speedup ${(taskMs / wallMs).toFixed(2)}x` +
        (opts.bestSpeedup === undefined ? "" : ` (the plan's shape allows at most ${opts.bestSpeedup.toFixed(2)}x with these task times)`),
    );
  }
  return lines.join("\n");
}
