/**
 * Run output for people and machines. On a TTY: finished tasks scroll by and a live footer shows the
 * current wave, running tasks with elapsed time and the counts. Otherwise one line per event, or one
 * JSON object per event with --json.
 */
import { formatDuration } from "../plan/duration.js";
import type { RunEvent } from "./events.js";

export interface Renderer {
  event(e: RunEvent): void;
  close(): void;
}

const stamp = () => new Date().toISOString().slice(11, 19);

export function jsonRenderer(write: (s: string) => void): Renderer {
  return { event: (e) => write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`), close: () => {} };
}

export function lineRenderer(write: (s: string) => void): Renderer {
  return {
    event(e) {
      const text = describe(e);
      if (text) write(`[${stamp()}] ${text}\n`);
    },
    close() {},
  };
}

function describe(e: RunEvent): string | undefined {
  switch (e.type) {
    case "run-start":
      return `${e.fresh ? `${e.fresh}: ` : ""}${e.resumed ? "resuming" : "starting"} run ${e.runId} of "${e.plan}": ${e.tasks} tasks in ${e.waves} waves, base ${e.base.slice(0, 12)}${e.sandbox === "off" ? "; tasks are NOT sandboxed (sandbox: off)" : `, tasks sandboxed (${e.sandbox})`}`;
    case "wave-start":
      return `wave ${e.wave} ${e.name} (${e.mode}, ${e.tasks.length} task${e.tasks.length === 1 ? "" : "s"})`;
    case "task-skip":
      return `  ${e.task} (${e.instance}) skipped: ${e.reason}`;
    case "task-start":
      return `  ${e.task} (${e.instance}) started: ${e.title}`;
    case "task-end":
      return `  ${e.task} (${e.instance}) ${e.status === "success" ? "done" : "FAILED"} in ${formatDuration(e.durationMs)}${e.error ? ` — ${e.error}; log ${e.logFile}` : ""}`;
    case "wave-end":
      return `wave ${e.wave} ${e.status === "success" ? "complete" : "failed"} in ${formatDuration(e.durationMs)}`;
    case "land":
      return `landed ${e.commit.slice(0, 12)} on ${e.branch}`;
    case "run-end":
      return `run ${e.runId} ${e.status} in ${formatDuration(e.wallMs)}`;
  }
}

export function ttyRenderer(stream: NodeJS.WriteStream): Renderer {
  const running = new Map<string, { instance: string; since: number }>();
  let wave = "";
  let done = 0;
  let failed = 0;
  let skipped = 0;
  let total = 0;
  let footerLines = 0;
  const clearFooter = () => {
    if (footerLines > 0) stream.write(`\x1b[${footerLines}F\x1b[J`);
    footerLines = 0;
  };
  const drawFooter = () => {
    const now = Date.now();
    const lines = [
      `\x1b[1m${wave}\x1b[0m  ${done} done · ${failed} failed · ${skipped} skipped · ${total - done - failed - skipped} to go`,
    ];
    for (const [task, r] of running) lines.push(`  \x1b[33m●\x1b[0m ${task} (${r.instance}) ${formatDuration(now - r.since)}`);
    const width = stream.columns || 100;
    stream.write(`${lines.map((l) => l.slice(0, width + 12)).join("\n")}\n`);
    footerLines = lines.length;
  };
  const timer = setInterval(() => {
    clearFooter();
    drawFooter();
  }, 200);
  timer.unref();
  return {
    event(e) {
      clearFooter();
      if (e.type === "run-start") total = e.tasks;
      if (e.type === "wave-start") wave = `wave ${e.wave} ${e.name} (${e.mode})`;
      if (e.type === "task-start") running.set(e.task, { instance: e.instance, since: Date.now() });
      if (e.type === "task-skip") skipped++;
      if (e.type === "task-end") {
        running.delete(e.task);
        if (e.status === "success") done++;
        else failed++;
        const mark = e.status === "success" ? "\x1b[32m✓\x1b[0m" : "\x1b[31m✗\x1b[0m";
        stream.write(
          `${mark} ${e.wave} ${e.task} (${e.instance}) ${formatDuration(e.durationMs)}${e.error ? `  ${e.error}; log ${e.logFile}` : ""}\n`,
        );
      } else if (e.type !== "task-start") {
        const text = describe(e);
        if (text && e.type !== "task-skip") stream.write(`${text}\n`);
      }
      if (e.type === "run-end") {
        clearInterval(timer);
        return;
      }
      drawFooter();
    },
    close() {
      clearInterval(timer);
      clearFooter();
    },
  };
}
