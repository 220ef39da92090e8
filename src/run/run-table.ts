/** The closing table of a run: per task status and duration, wall time vs summed task time. */
import { formatDuration } from "../plan/duration.js";

export interface TaskRow {
  task: string;
  instance: string;
  wave: string;
  status: string;
  durationMs?: number;
}

export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** `bestSpeedup`: what the plan's shape allows with these task times (graph/estimate.ts shapeSpeedup). */
export function renderRunReport(rows: TaskRow[], wallMs: number | undefined, bestSpeedup?: number): string {
  const table = renderTable(
    ["task", "instance", "wave", "status", "duration"],
    rows.map((r) => [r.task, r.instance, r.wave, r.status, r.durationMs === undefined ? "-" : formatDuration(r.durationMs)]),
  );
  const taskMs = rows.reduce((s, r) => s + (r.durationMs ?? 0), 0);
  const lines = [table, ""];
  if (wallMs !== undefined && wallMs > 0 && taskMs > 0) {
    lines.push(
      `wall time ${formatDuration(wallMs)} vs ${formatDuration(taskMs)} of task time: measured speedup ${(taskMs / wallMs).toFixed(2)}x` +
        (bestSpeedup === undefined ? "" : ` (the plan's shape allows at most ${bestSpeedup.toFixed(2)}x with these task times)`),
    );
  }
  return lines.join("\n");
}
