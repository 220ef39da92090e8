/**
 * `waveplan import`: a markdown parallel plan → plan YAML. Pure: text in, text and diagnostics out.
 * The result is always checked with the plan validator; output that does not validate is a bug here
 * and is reported as such instead of being written.
 */
import { basename, extname } from "node:path";
import { DiagnosticList, formatDiagnostics, PlanError } from "../plan/diagnostics.js";
import { checkPlan } from "../plan/load.js";
import type { SourcePath } from "../plan/model.js";
import { buildPlan } from "./build.js";
import { emitPlan } from "./emit.js";
import { repairDoubleEncoding } from "./encoding.js";
import type { ImportedPlan } from "./imported.js";
import { parseMarkdown } from "./markdown.js";

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

/** Validate the emitted YAML; report its warnings at the markdown lines they came from. */
function selfCheck(yaml: string, plan: ImportedPlan, d: DiagnosticList, name: string): void {
  const result = checkPlan(yaml, name);
  if (result.diagnostics.hasErrors || !result.plan)
    throw new ImportBugError(
      `the imported plan does not validate — this is a bug in waveplan import, please report it with the markdown file:\n${formatDiagnostics(result.diagnostics.sorted(), yaml)}`,
    );
  const anchors: { line: number; at: { line: number; col: number; length?: number } }[] = [];
  const add = (path: SourcePath, where: { line: number; col: number; length?: number }) =>
    anchors.push({ line: result.locate(path, true).line, at: where });
  for (const i of plan.instances) add(["instances", i.id], i.at);
  plan.waves.forEach((w, wi) => {
    add(["waves", wi], w.at);
    w.tasks.forEach((t, ti) => {
      add(["waves", wi, "tasks", ti], t.at);
    });
  });
  anchors.sort((a, b) => a.line - b.line);
  for (const w of result.diagnostics.sorted()) {
    const anchor = [...anchors].reverse().find((a) => a.line <= w.line) ?? anchors[0];
    d.warning(w.rule, `in the imported plan: ${w.message}`, anchor?.at ?? { line: 1, col: 1 });
  }
}
