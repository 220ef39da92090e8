/**
 * The HTML report of a local run, written into its folder (`.waveplan/runs/<run>/report.html`) at
 * the end of every run and by `waveplan report`: the run's records, read from its checkpoints,
 * told by report/run-story.ts and drawn by report/html.ts.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type CheckpointRecord, RECORD_FILE } from "../checkpoint/record.js";
import type { Plan } from "../plan/model.js";
import { renderHtmlReport } from "../report/html.js";
import { tellRun } from "../report/run-story.js";
import { localRetry } from "../report/summary.js";
import type { Layout, RunInfo } from "./layout.js";

export const REPORT_FILE = "report.html";

/** Every checkpoint record of a local run (unverified: they are reported, never applied). */
export async function readRunRecords(layout: Layout, runId: string): Promise<CheckpointRecord[]> {
  const dir = layout.checkpoints(runId);
  const records: CheckpointRecord[] = [];
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    try {
      records.push(JSON.parse(await readFile(join(dir, entry, RECORD_FILE), "utf8")) as CheckpointRecord);
    } catch {
      // a checkpoint being written, or not a checkpoint: nothing to report
    }
  }
  return records;
}

function outcomeOf(run: RunInfo): string {
  switch (run.status) {
    case "landed":
      return `Landed as \`${run.landedCommit?.slice(0, 12)}\` on \`${run.targetBranch ?? run.branch ?? "HEAD"}\`.`;
    case "succeeded":
      return "Every task succeeded; nothing was landed (no task changed a file, or only part of the plan ran).";
    case "interrupted":
      return "Interrupted: its running tasks were stopped; nothing landed.";
    case "running":
      return "Still running (or killed): the report shows the checkpoints written so far.";
    default:
      return "Failed: nothing landed, the working tree is untouched.";
  }
}

/** Writes the report of `run` (to `file`, default the run folder's report.html) and returns its path. */
export async function writeRunReport(
  layout: Layout,
  run: RunInfo,
  plan: Plan,
  file = join(layout.runDir(run.runId), REPORT_FILE),
): Promise<string> {
  const records = await readRunRecords(layout, run.runId);
  const story = tellRun({ plan, records });
  const html = renderHtmlReport(story, {
    planFile: run.planFile,
    runId: run.runId,
    outcome: outcomeOf(run),
    retry: story.failures.length || run.status === "interrupted" ? localRetry(run.planFile, run.runId) : undefined,
    generatedAt: new Date().toISOString().replace("T", " ").slice(0, 19),
  });
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, html);
  return file;
}
