import type { Command } from "commander";
import { planSize } from "../../graph/render.js";
import { type PlanStats, planStats } from "../../graph/stats.js";
import { formatDuration, parseDuration } from "../../plan/duration.js";
import { loadPlanFile } from "../../plan/load.js";
import type { Plan } from "../../plan/model.js";
import { UsageError } from "../errors.js";

export function registerStats(program: Command): void {
  program
    .command("stats")
    .description("per-instance utilization, per-wave estimates, critical path vs sequential sum and the speedup")
    .argument("<plan>", "plan file (YAML)")
    .option("--json", "print one JSON object")
    .option("--job-overhead <duration>", "start-up cost of one GitHub job, to estimate the pipeline's wall time (e.g. 25s)")
    .action((file: string, opts: { json?: boolean; jobOverhead?: string }) => {
      const jobOverheadMs = opts.jobOverhead === undefined ? undefined : parseDuration(opts.jobOverhead);
      if (jobOverheadMs === undefined && opts.jobOverhead !== undefined)
        throw new UsageError(`--job-overhead: "${opts.jobOverhead}" is not a duration (write it like 25s, 1m or 1m30s)`);
      const { plan } = loadPlanFile(file);
      const stats = planStats(plan, { jobOverheadMs });
      process.stdout.write(opts.json ? `${JSON.stringify(toJson(stats))}\n` : formatStats(plan, stats, jobOverheadMs !== undefined));
    });
}

/** JSON keeps absent figures as null rather than dropping the key, so consumers see a stable shape. */
function toJson(s: PlanStats): object {
  return {
    ...s,
    instances: s.instances.map((i) => ({ ...i, focus: i.focus ?? null, utilization: i.utilization ?? null })),
    totals: { ...s.totals, speedup: s.totals.speedup ?? null },
  };
}

export function formatStats(plan: Plan, s: PlanStats, showPipeline: boolean): string {
  const percent = (u?: number) => (u === undefined ? "-" : `${Math.round(u * 100)}%`);
  const est = (ms: number) => (ms > 0 ? formatDuration(ms) : "-");
  const waveIndex = new Map(plan.waves.map((w) => [w.id, w.index]));
  const instances = table(
    ["Instance", "Role", "Focus", "Active Waves", "Tasks", "Busy", "Utilization"],
    s.instances.map((i) => [
      i.id,
      i.role,
      i.focus ?? "",
      compactWaves(i.waves, waveIndex),
      String(i.tasks),
      est(i.busyMs),
      percent(i.utilization),
    ]),
    [4, 5, 6],
  );
  const waves = table(
    ["Wave", "Name", "Mode", "Tasks", "Instances", "Estimate"],
    s.waves.map((w) => [w.id, w.name, w.mode, String(w.tasks), w.instances.join(w.mode === "sequential" ? "→" : ", "), est(w.estimateMs)]),
    [3, 5],
  );
  const t = s.totals;
  const totals =
    t.speedup === undefined
      ? ["no estimates: add `estimate:` to waves or tasks to see the critical path and speedup"]
      : [
          `critical path ${formatDuration(t.criticalPathMs)} vs sequential ${formatDuration(t.sequentialMs)} = ${t.speedup.toFixed(1)}x speedup`,
        ];
  if (showPipeline && t.speedup !== undefined)
    totals.push(
      `GitHub pipeline ≈ ${formatDuration(t.pipelineMs)} (with ${formatDuration(t.jobOverheadMs)} start-up per job on the critical path)`,
    );
  const head = `${s.plan}: ${planSize(plan)}`;
  return `${[head, "", instances, "", waves, "", ...totals].join("\n")}\n`;
}

/** `W1, W3–W6`: a role table's "Active Waves" column stays short for instances busy in many waves. */
function compactWaves(ids: string[], index: Map<string, number>): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ids.length) {
    let j = i;
    while (j + 1 < ids.length && index.get(ids[j + 1]) === (index.get(ids[j]) ?? -2) + 1) j++;
    parts.push(j - i >= 2 ? `${ids[i]}–${ids[j]}` : ids.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return parts.join(", ") || "-";
}

/** Left-aligned columns (right-aligned where numeric) separated by two spaces, header underlined. */
export function table(header: string[], rows: string[][], rightAligned: number[] = []): string {
  const width = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (rightAligned.includes(c) ? cell.padStart(width[c]) : cell.padEnd(width[c])))
      .join("  ")
      .trimEnd();
  return [line(header), line(width.map((w) => "─".repeat(w))), ...rows.map(line)].join("\n");
}
