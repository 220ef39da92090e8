/**
 * Why a task's process failed, in one line: the exit and the last lines the process wrote that look
 * like an error (a shell's "command not found", a stack trace's message, an agent's API error) — not
 * just "exited with code 1" with the cause left in the log file. Pure text.
 */

const ERRORISH =
  /error|not found|denied|fatal|failed|cannot|can't|no such|invalid|unauthori[sz]ed|forbidden|refused|exception|traceback|panic/i;
const MAX_LINE = 240;

/** The last lines of `output` worth quoting: error-like ones when there are any, else the last ones. */
export function lastErrorLines(output: string, count = 2): string[] {
  const lines = output
    .split("\n")
    .map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trim())
    // waveplan's own notes and an agent's JSON events are not the process's error message
    .filter((l) => l !== "" && !l.startsWith("[waveplan]") && !(l.startsWith("{") && l.endsWith("}")));
  const errorish = lines.filter((l) => ERRORISH.test(l));
  const chosen = (errorish.length ? errorish : lines).slice(-count);
  return chosen.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}…` : l));
}

/** "exited with code 127: bash: line 1: claude: command not found" */
export function exitDescription(exitCode: number | null, signal: string | null, output: string): string {
  const exit = `exited with ${exitCode === null ? `signal ${signal}` : `code ${exitCode}`}`;
  const lines = lastErrorLines(output);
  return lines.length ? `${exit}: ${lines.join(" | ")}` : exit;
}
