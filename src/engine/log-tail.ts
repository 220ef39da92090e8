/**
 * The end of a failed task's log, carried in its checkpoint record so that the job summary, the
 * terminal and the HTML report can say why it failed without the job log. Bounded (a record travels
 * in every downstream artifact and a job summary is capped at 1 MiB), stripped of terminal escapes,
 * and with the values of the plan's secrets masked: a checkpoint holding a secret is refused
 * (checkpoint/secret-guard.ts), and the failure record must not be lost for quoting one.
 */
import { open } from "node:fs/promises";
import { secretNeedles } from "../checkpoint/secret-guard.js";

export const LOG_TAIL_LINES = 20;
export const LOG_TAIL_CHARS = 2000;

/** The last lines of `text`, at most LOG_TAIL_LINES lines and LOG_TAIL_CHARS characters. */
export function tailOf(text: string, secrets: { name: string; value: string }[] = []): string {
  let clean = text
    // CSI/OSC sequences and carriage-return redraws (progress bars) would garble the quote
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, "")
    .replace(/^.*\r(?!\n)/gm, "")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
  for (const s of secretNeedles(secrets)) clean = clean.split(s.value.toString()).join("***");
  const lines = clean.replace(/\s+$/, "").split("\n").slice(-LOG_TAIL_LINES);
  let tail = lines.join("\n");
  if (tail.length > LOG_TAIL_CHARS) tail = `…${tail.slice(tail.length - LOG_TAIL_CHARS + 1)}`;
  return tail;
}

/** The tail of a log file: only its last bytes are read, however long the log. */
export async function readLogTail(file: string, secrets: { name: string; value: string }[] = []): Promise<string> {
  const handle = await open(file, "r").catch(() => undefined);
  if (!handle) return "";
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let text = buffer.toString("utf8");
    // a cut in the middle of a line (or a UTF-8 sequence) starts at the next whole line
    if (size > length) text = text.slice(text.indexOf("\n") + 1);
    return tailOf(text, secrets);
  } finally {
    await handle.close();
  }
}
