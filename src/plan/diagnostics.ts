/**
 * Diagnostics are how every part of waveplan reports a problem in a file the user wrote.
 * The format follows compilers and actionlint: `file:line:col: severity: message [rule]`,
 * then the offending line with a caret under the column, so editors and CI annotate it.
 */
import { WaveplanError } from "../errors.js";
import type { Rule } from "./rules.js";

export type Severity = "error" | "warning";

export interface Position {
  /** 1-based line */
  line: number;
  /** 1-based column */
  col: number;
  /** length of the highlighted span on that line (at least 1) */
  length?: number;
}

export interface Diagnostic extends Position {
  severity: Severity;
  message: string;
  file: string;
  /** short rule name, e.g. `unknown-key`, shown in brackets; listed in rules.ts and docs/checks.md */
  rule: Rule;
}

export class DiagnosticList {
  readonly items: Diagnostic[] = [];
  constructor(readonly file: string) {}

  error(rule: Rule, message: string, at: Position): void {
    this.items.push({ severity: "error", rule, message, file: this.file, ...at });
  }

  warning(rule: Rule, message: string, at: Position): void {
    this.items.push({ severity: "warning", rule, message, file: this.file, ...at });
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === "error");
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  sorted(): Diagnostic[] {
    return [...this.items].sort((a, b) => a.line - b.line || a.col - b.col);
  }
}

/** Thrown by loaders when a file cannot be turned into a plan; carries every problem found. */
export class PlanError extends WaveplanError {
  override readonly name = "PlanError";
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly source?: string,
  ) {
    super(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`).join("\n"));
  }
}

const MAX_EXCERPT = 160;

/** Render one diagnostic with a caret excerpt of its source line, actionlint style. */
export function formatDiagnostic(d: Diagnostic, source?: string | readonly string[]): string {
  const head = `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.rule}]`;
  if (source === undefined) return head;
  const lineText = (typeof source === "string" ? source.split("\n") : source)[d.line - 1];
  if (lineText === undefined) return head;
  const shown = lineText.replace(/\r$/, "").slice(0, MAX_EXCERPT);
  const gutter = String(d.line);
  const pad = " ".repeat(gutter.length);
  const caretCol = Math.min(Math.max(d.col - 1, 0), shown.length);
  const span = Math.max(1, Math.min(d.length ?? 1, shown.length - caretCol || 1));
  const caret = `${" ".repeat(caretCol)}^${"~".repeat(span - 1)}`;
  return `${head}\n${pad} |\n${gutter} | ${shown}\n${pad} | ${caret}`;
}

export function formatDiagnostics(list: readonly Diagnostic[], source?: string): string {
  const lines = source?.split("\n"); // once, not per diagnostic: large plans can have thousands
  return list.map((d) => formatDiagnostic(d, lines)).join("\n");
}
