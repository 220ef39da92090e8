/**
 * `waveplan import`: a markdown parallel plan → plan YAML. Pure: text in, text and diagnostics out.
 * The result is always checked with the plan validator; output that does not validate is a bug here
 * and is reported as such instead of being written.
 */
import { basename, extname } from "node:path";
import { type Diagnostic, DiagnosticList, formatDiagnostics, PlanError } from "../plan/diagnostics.js";
import { checkPlan } from "../plan/load.js";
import type { SourcePath } from "../plan/model.js";
import { type BacklogSource, importBacklog } from "./backlog.js";
import { buildPlan } from "./build.js";
import { ImportError, Report } from "./diagnostics.js";
import { emitPlan } from "./emit.js";
import { repairDoubleEncoding } from "./encoding.js";
import { type GsdFile, importGsd } from "./gsd.js";
import type { ImportedPlan, Where } from "./imported.js";
import { parseMarkdown } from "./markdown.js";
import { importSpecKit, type SpecKitGroup, type SpecKitSource } from "./speckit.js";
import { importTaskMaster } from "./taskmaster.js";
import { DEFAULT_MAX_PARALLEL } from "./workers.js";

export interface ImportOptions {
  /** the markdown file's path, used in diagnostics */
  file: string;
  /** how the header names the source (default: `file`) */
  source?: string;
  /** the output file, named in the header's regenerate hint */
  output?: string;
}

export interface ImportResult {
  yaml: string;
  plan: ImportedPlan;
  /** warnings, positioned in the markdown (after repair) */
  diagnostics: DiagnosticList;
  /** the markdown text the positions refer to (repaired when it was double-encoded) */
  source: string;
  /** number of double-encoded character runs that were repaired */
  repaired: number;
}

/** Thrown when the emitted YAML does not validate: the importer, not the user, is wrong. */
export class ImportBugError extends Error {}

/** Throws PlanError (positions in the markdown) when the document cannot be imported. */
export function importMarkdown(text: string, opts: ImportOptions): ImportResult {
  const d = new DiagnosticList(opts.file);
  const repair = repairDoubleEncoding(text.replace(/^\uFEFF/, ""));
  if (repair.repaired > 0 && repair.first)
    d.warning(
      "encoding",
      `the file is double-encoded (UTF-8 that was read as Mac Roman, e.g. "üöÄ" for "🚀"); repaired ${repair.repaired} sequence(s) before importing — consider saving the repaired text`,
      repair.first,
    );
  const doc = parseMarkdown(repair.text);
  const fallbackName = basename(opts.file, extname(opts.file)) || "Imported plan";
  const plan = buildPlan(doc, d, fallbackName);
  // warnings would only bury the errors that stop the import
  if (d.hasErrors)
    throw new PlanError(
      d.sorted().filter((x) => x.severity === "error"),
      repair.text,
    );

  const yaml = emitPlan(plan, { source: opts.source ?? opts.file, output: opts.output });
  selfCheck(yaml, plan, d, opts.output ?? "imported plan");
  return { yaml, plan, diagnostics: d, source: repair.text, repaired: repair.repaired };
}

/** Validate the emitted YAML; report its warnings at the source lines they came from. */
function selfCheck(yaml: string, plan: ImportedPlan, d: DiagnosticList | Report, name: string): void {
  const result = checkPlan(yaml, name);
  if (result.diagnostics.hasErrors || !result.plan)
    throw new ImportBugError(
      `the imported plan does not validate — this is a bug in waveplan import, please report it with the markdown file:\n${formatDiagnostics(result.diagnostics.sorted(), yaml)}`,
    );
  const anchors: { line: number; at: Where }[] = [];
  const add = (path: SourcePath, where: Where) => anchors.push({ line: result.locate(path, true).line, at: where });
  for (const i of plan.instances) add(["instances", i.id], i.at);
  plan.waves.forEach((w, wi) => {
    add(["waves", wi], w.at);
    w.tasks.forEach((t, ti) => {
      add(["waves", wi, "tasks", ti], t.at);
    });
  });
  anchors.sort((a, b) => a.line - b.line);
  for (const w of result.diagnostics.sorted()) {
    // the importer already said this at the exact source line (GSD files_modified)
    if (w.rule === "files-overlap" && d instanceof Report) continue;
    const anchor = [...anchors].reverse().find((a) => a.line <= w.line) ?? anchors[0];
    const at = anchor?.at ?? { line: 1, col: 1 };
    if (d instanceof Report) d.warning(w.rule, `in the imported plan: ${w.message}`, at, "");
    else d.warning(w.rule, `in the imported plan: ${w.message}`, at);
  }
}

/** A plan people already have, read from disk by the caller (src/import/read-source.ts). */
export type PlanSource = (
  | { kind: "gsd"; folder: string; phase: string; plans: GsdFile[]; done: ReadonlySet<string> }
  | { kind: "taskmaster"; file: string; text: string; currentTag?: string }
  | SpecKitSource
  | BacklogSource
) & {
  /** what reading the source noticed (two candidate files …), warned at the source's first line */
  notices?: string[];
};

export interface SourceImportOptions {
  /** how the header names the source */
  source: string;
  output?: string;
  all?: boolean;
  tag?: string;
  allowCheckpoints?: boolean;
  workers?: number;
  /** spec-kit: what one task of the plan is */
  group?: SpecKitGroup;
  /** the most tasks one wave may hold (wider waves are split); default DEFAULT_MAX_PARALLEL */
  maxParallel?: number;
}

export interface SourceImportResult {
  yaml: string;
  plan: ImportedPlan;
  /** warnings, each in its own file */
  warnings: Diagnostic[];
  /** renders diagnostics with a caret excerpt from their own file */
  format(list: readonly Diagnostic[]): string;
  /** ids of finished work left out (GSD plans with a SUMMARY, Task Master tasks done or cancelled …) */
  skipped: string[];
}

/** CRLF and lone CR line ends as LF: positions stay the same, prompts carry no `\r`. */
const lf = (text: string) => text.replace(/\r\n?/g, "\n");

function normalized(src: PlanSource): PlanSource {
  switch (src.kind) {
    case "gsd":
      return { ...src, plans: src.plans.map((p) => ({ ...p, text: lf(p.text) })) };
    case "taskmaster":
    case "speckit":
      return { ...src, text: lf(src.text) };
    case "backlog": {
      const files = (l: typeof src.tasks) => l.map((f) => ({ ...f, text: lf(f.text) }));
      return {
        ...src,
        config: src.config && { ...src.config, text: lf(src.config.text) },
        tasks: files(src.tasks),
        completed: files(src.completed),
        archived: files(src.archived),
      };
    }
  }
}

function sourceTexts(src: PlanSource): Map<string, string> {
  switch (src.kind) {
    case "gsd":
      return new Map(src.plans.map((p) => [p.path, p.text]));
    case "taskmaster":
    case "speckit":
      return new Map([[src.file, src.text]]);
    case "backlog":
      return new Map([
        ...(src.config ? [[src.config.path, src.config.text] as const] : []),
        ...[...src.tasks, ...src.completed, ...src.archived].map((f) => [f.path, f.text] as const),
      ]);
  }
}

function firstFile(src: PlanSource): string {
  switch (src.kind) {
    case "gsd":
      return src.plans[0]?.path ?? src.folder;
    case "taskmaster":
    case "speckit":
      return src.file;
    case "backlog":
      return src.tasks[0]?.path ?? src.config?.path ?? src.folder;
  }
}

const KIND_NAMES = { gsd: "GSD phase", taskmaster: "Task Master tasks", speckit: "spec-kit tasks", backlog: "Backlog.md tasks" };

/** GSD phase, Task Master graph, spec-kit feature or Backlog.md folder → plan YAML. Throws ImportError with every located error. */
export function importSource(given: PlanSource, opts: SourceImportOptions): SourceImportResult {
  for (const [flag, n] of [
    ["--workers", opts.workers],
    ["--max-parallel", opts.maxParallel],
  ] as const)
    if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new RangeError(`${flag} must be a whole number of at least 1, not ${n}`);
  const src = normalized(given);
  const report = new Report(sourceTexts(src));
  for (const notice of src.notices ?? []) report.for(firstFile(src)).warning("source", notice, { line: 1, col: 1 });
  const flags = [
    ...(opts.all ? ["--all"] : []),
    ...(opts.allowCheckpoints ? ["--allow-checkpoints"] : []),
    ...(opts.tag ? ["--tag", opts.tag] : []),
    ...(opts.group ? ["--group", opts.group] : []),
    ...(opts.workers !== undefined ? ["--workers", String(opts.workers)] : []),
    ...(opts.maxParallel !== undefined ? ["--max-parallel", String(opts.maxParallel)] : []),
  ];
  const common = { all: opts.all, workers: opts.workers, maxParallel: opts.maxParallel ?? DEFAULT_MAX_PARALLEL };
  let result: { plan: ImportedPlan; skipped: string[]; pendingElsewhere?: string };
  switch (src.kind) {
    case "gsd":
      result = importGsd(
        { ...common, phase: src.phase, plans: src.plans, done: src.done, allowCheckpoints: opts.allowCheckpoints },
        report,
      );
      break;
    case "taskmaster":
      result = importTaskMaster({ ...common, file: src.file, text: src.text, tag: opts.tag, currentTag: src.currentTag }, report);
      break;
    case "speckit":
      result = importSpecKit({ ...common, source: src, group: opts.group ?? "story" }, report);
      break;
    case "backlog":
      result = importBacklog({ ...common, source: src }, report);
      break;
  }
  const { plan, skipped } = result;
  if (!report.hasErrors && plan.waves.length === 0) {
    report
      .for(firstFile(src))
      .error(
        "nothing-to-do",
        skipped.length
          ? `every task is already done (${skipped.join(", ")}); nothing to import — pass --all to import finished work too${result.pendingElsewhere ?? ""}`
          : `no tasks found${result.pendingElsewhere ?? ""}`,
        { line: 1, col: 1 },
      );
  }
  if (report.hasErrors) {
    const errors = report.sorted().filter((x) => x.severity === "error");
    throw new ImportError(errors, report.format(errors));
  }
  const yaml = emitPlan(plan, { source: opts.source, output: opts.output, flags, kind: KIND_NAMES[src.kind] });
  selfCheck(yaml, plan, report, opts.output ?? "imported plan");
  return { yaml, plan, warnings: report.sorted(), format: (l) => report.format(l), skipped };
}
