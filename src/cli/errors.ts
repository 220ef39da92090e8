/** Errors the CLI turns into exit codes and clean messages (never a stack trace). */
import { WaveplanError } from "../errors.js";
import { formatDiagnostics, PlanError } from "../plan/diagnostics.js";

/** Bad command line: exit 2. */
export class UsageError extends WaveplanError {
  override readonly name = "UsageError";
}

/** A plan or run failed in a way already explained by the message: exit 1. */
export class CliError extends WaveplanError {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/**
 * Prints an error the way a user should see it and returns the exit code. A WaveplanError's message
 * is the whole story; for anything else WAVEPLAN_DEBUG=1 also shows the stack.
 */
export function reportError(e: unknown, write: (s: string) => void): number {
  if (e instanceof PlanError) {
    write(`${formatDiagnostics(e.diagnostics, e.source)}\n`);
    return 1;
  }
  if (e instanceof WaveplanError) {
    write(`error: ${e.message}\n`);
    return e instanceof UsageError ? 2 : e instanceof CliError ? e.exitCode : 1;
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
