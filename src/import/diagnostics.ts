/**
 * Diagnostics for a source made of one or several files (a GSD phase folder): one list per file,
 * each printed with its own file's lines under the caret.
 */
import { type Diagnostic, DiagnosticList, formatDiagnostic } from "../plan/diagnostics.js";
import type { Rule } from "../plan/rules.js";
import type { Where } from "./imported.js";

export class Report {
  private readonly lists = new Map<string, DiagnosticList>();
  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  /** The list for one file (created on first use; files keep the order they were first used in). */
  for(file: string): DiagnosticList {
    let list = this.lists.get(file);
    if (!list) {
      list = new DiagnosticList(file);
      this.lists.set(file, list);
    }
    return list;
  }

  warning(rule: Rule, message: string, at: Where, fallbackFile: string): void {
    this.for(at.file ?? fallbackFile).warning(rule, message, at);
  }

  get hasErrors(): boolean {
    return [...this.lists.values()].some((l) => l.hasErrors);
  }

  /** Every diagnostic, file by file (in the order of `texts`), each file's by line. */
  sorted(): Diagnostic[] {
    const order = [...this.texts.keys()];
    const files = [...this.lists.keys()].sort((a, b) => rank(order, a) - rank(order, b));
    return files.flatMap((f) => this.lists.get(f)?.sorted() ?? []);
  }

  format(list: readonly Diagnostic[]): string {
    const split = new Map<string, string[]>();
    return list
      .map((d) => {
        let lines = split.get(d.file);
        if (!lines) {
          lines = (this.texts.get(d.file) ?? "").split("\n");
          split.set(d.file, lines);
        }
        return formatDiagnostic(d, lines);
      })
      .join("\n");
  }
}

function rank(order: string[], file: string): number {
  const i = order.indexOf(file);
  return i < 0 ? order.length : i;
}

/** Thrown when a source cannot be imported: every error found, with the files to show them in. */
export class ImportError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly formatted: string,
  ) {
    super(formatted);
  }
}

/**
 * The wave of each task: at least `minWave(id)`, and one more than the latest wave among what it
 * needs, so every task starts as early as its dependencies allow. A cycle is an error at the
 * dependency that closes it, naming the whole loop.
 */
export function waveNeeds(
  ids: readonly string[],
  edges: ReadonlyMap<string, readonly { id: string; at: Where }[]>,
  minWave: (id: string) => number,
  report: Report,
  fileOf: (id: string) => string,
): Map<string, number> {
  const wave = new Map<string, number>();
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (id: string): number => {
    const known = wave.get(id);
    if (state.get(id) === "done" && known !== undefined) return known;
    state.set(id, "visiting");
    stack.push(id);
    let w = minWave(id);
    for (const e of edges.get(id) ?? []) {
      if (state.get(e.id) === "visiting") {
        const loop = [...stack.slice(stack.indexOf(e.id)), e.id];
        const key = [...loop].sort().join(" ");
        if (!reported.has(key)) {
          reported.add(key);
          report
            .for(e.at.file ?? fileOf(id))
            .error("cycle", `dependency cycle: ${loop.join(" → ")} (each needs the next); no order can satisfy it`, e.at);
        }
        continue;
      }
      w = Math.max(w, visit(e.id) + 1);
    }
    stack.pop();
    state.set(id, "done");
    wave.set(id, w);
    return w;
  };
  for (const id of ids) visit(id);
  return wave;
}
