/** Errors the CLI turns into exit codes and clean messages (never a stack trace). */
import { formatDiagnostics, PlanError } from "../plan/diagnostics.js";

/** Bad command line: exit 2. */
export class UsageError extends Error {}

/** A plan or run failed in a way already explained by the message: exit 1. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function reportError(e: unknown, write: (s: string) => void): number {
  if (e instanceof PlanError) {
    write(`${formatDiagnostics(e.diagnostics, e.source)}\n`);
    return 1;
  }
  if (e instanceof UsageError) {
    write(`error: ${e.message}\n`);
    return 2;
  }
  if (e instanceof CliError) {
    write(`error: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e as NodeJS.ErrnoException;
  if (err?.code === "ENOENT" && err.path) {
    write(`error: no such file: ${err.path}\n`);
    return 1;
  }
  write(`error: ${err?.message ?? String(e)}\n`);
  if (process.env.WAVEPLAN_DEBUG) write(`${err?.stack ?? ""}\n`);
  return 1;
}
