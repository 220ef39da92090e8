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

/** Turns any error into annotations and a failed step. */
export function fail(e: unknown, where?: Where): void {
  if (e instanceof PlanError) {
    for (const d of e.diagnostics) {
      const message = `${d.message} [${d.rule}]`;
      const props = { title: "waveplan plan", file: d.file, startLine: d.line, startColumn: d.col };
      if (d.severity === "error") core.error(message, props);
      else core.warning(message, props);
    }
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
