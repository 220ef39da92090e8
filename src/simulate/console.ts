/** What the simulator prints: the job graph up front, a line per job as it ends, then the outcome. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { InstanceRecord, JobRecord, Result } from "./job-record.js";
import type { SchedulerEvents } from "./scheduler.js";
import type { SimWorkflow } from "./workflow/load.js";

const MARK: Record<Result, string> = { success: "✓", failure: "✗", cancelled: "⊘", skipped: "–" };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The jobs by depth in the `needs` graph: `plan → W0 → W1 → …`, parallel jobs side by side. */
export function renderGraph(workflow: SimWorkflow): string {
  const depth = new Map<string, number>();
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const job = byId.get(id);
    const d = job?.needs.length ? Math.max(...(job as SimWorkflow["jobs"][number]).needs.map(depthOf)) + 1 : 0;
    depth.set(id, d);
    return d;
  };
  const levels: string[][] = [];
  for (const j of workflow.jobs) {
    const d = depthOf(j.id);
    levels[d] = [...(levels[d] ?? []), j.id];
  }
  return levels.map((ids) => (ids.length > 1 ? `{${ids.join(", ")}}` : ids[0])).join(" → ");
}

export function progressPrinter(write: (s: string) => void): SchedulerEvents {
  return {
    finished(_job, i: InstanceRecord) {
      const time = i.result === "skipped" || (i.result === "cancelled" && i.durationMs === 0) ? "" : seconds(i.durationMs);
      write(`  ${MARK[i.result]} ${i.name.padEnd(40)} ${i.result.padEnd(9)} ${time}\n`);
    },
    reused(job: JobRecord) {
      for (const i of job.instances) write(`  ↺ ${i.name.padEnd(40)} ${i.result.padEnd(9)} (attempt ${i.attempt})\n`);
    },
  };
}

/** The run's annotations (as GitHub lists them on the run page) and the final-commit job summary. */
export function renderOutcome(outDir: string, jobs: Map<string, JobRecord>, attempt: number): string {
  const parts: string[] = [];
  const annotations = [...jobs.values()]
    .flatMap((j) => j.instances)
    .filter((i) => i.attempt === attempt)
    .flatMap((i) => i.annotations)
    .filter((a) => a.level !== "notice");
  if (annotations.length) {
    parts.push("\nAnnotations");
    for (const a of annotations) {
      const at = a.file ? ` ${a.file}${a.line ? `:${a.line}${a.col ? `:${a.col}` : ""}` : ""}` : "";
      parts.push(`  ${a.level} [${a.job}]${at}: ${a.title ? `${a.title}: ` : ""}${a.message}`);
    }
  }
  const final = jobs.get("final-commit")?.instances[0];
  if (final?.summary) {
    const text = readIfAny(join(outDir, final.summary)).trim();
    if (text) parts.push(`\nfinal-commit summary (${final.summary})\n\n${text}`);
  }
  return `${parts.join("\n")}\n`;
}

function readIfAny(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
