/**
 * How the action reports failure: annotations that point at the plan file where possible, one
 * failed exit code, never a stack trace (that goes to the debug log only).
 */
import * as core from "@actions/core";
import { WaveplanError } from "../errors.js";
import type { Position } from "../plan/diagnostics.js";
import { PlanError } from "../plan/diagnostics.js";

/** A failure already explained by its message. */
export class ActionError extends WaveplanError {
  override readonly name = "ActionError";
}

export interface Where {
  file: string;
  at?: Position;
}

export function annotate(message: string, where?: Where, title?: string): void {
  core.error(message, {
    title,
    file: where?.file,
    startLine: where?.at?.line,
    startColumn: where?.at?.col,
  });
}

/**
 * The runner keeps at most 10 errors and 10 warnings per step as annotations and drops the rest
 * (actions/runner src/Runner.Worker/ExecutionContext.cs, `_maxIssueCount = 10`).
 */
export const MAX_ANNOTATIONS_PER_KIND = 10;

export interface Annotation {
  kind: "error" | "warning";
  message: string;
  props: core.AnnotationProperties;
}

export function diagnosticAnnotation(d: PlanError["diagnostics"][number]): Annotation {
  return {
    kind: d.severity === "error" ? "error" : "warning",
    message: `${d.message} [${d.rule}]`,
    props: { title: "waveplan plan", file: d.file, startLine: d.line, startColumn: d.col },
  };
}

/**
 * Annotations of one step, within the runner's limit: when a kind has more than 10, the first 9 are
 * annotations, the 10th says how many more there are, and the job summary lists them all.
 */
export async function annotateAll(items: Annotation[]): Promise<void> {
  for (const kind of ["error", "warning"] as const) {
    const emit = kind === "error" ? core.error : core.warning;
    const all = items.filter((i) => i.kind === kind);
    const over = all.length > MAX_ANNOTATIONS_PER_KIND;
    for (const a of over ? all.slice(0, MAX_ANNOTATIONS_PER_KIND - 1) : all) emit(a.message, a.props);
    if (!over) continue;
    const rest = all.length - (MAX_ANNOTATIONS_PER_KIND - 1);
    emit(
      `${rest} more ${kind}s are not shown here (GitHub shows ${MAX_ANNOTATIONS_PER_KIND} per step): all ${all.length} are in the job summary`,
      {
        title: "waveplan",
      },
    );
    const where = (p: core.AnnotationProperties) =>
      p.file ? `${p.file}${p.startLine ? `:${p.startLine}:${p.startColumn ?? 1}` : ""}: ` : "";
    await core.summary
      .addHeading(`waveplan: ${all.length} ${kind}s`, 3)
      .addList(all.map((a) => escapeHtml(`${where(a.props)}${a.message}`)))
      .write();
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Turns any error into annotations and a failed step. */
export function fail(e: unknown, where?: Where): void {
  if (e instanceof PlanError) {
    void annotateAll(e.diagnostics.map(diagnosticAnnotation)).catch(() => {});
    const n = e.diagnostics.filter((d) => d.severity === "error").length;
    core.info(`the plan has ${n} error${n === 1 ? "" : "s"} (see the annotations)`);
    process.exitCode = core.ExitCode.Failure;
    return;
  }
  const known = e instanceof WaveplanError;
  const message = (e as Error)?.message ?? String(e);
  if (!known && e instanceof Error && e.stack) core.debug(e.stack);
  // one annotation, placed in the plan when we know where: setFailed would add a second, unplaced one
  annotate(message, where);
  process.exitCode = core.ExitCode.Failure;
}
