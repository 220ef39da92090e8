/**
 * Run output for people and machines. On a TTY: finished tasks scroll by (failures with the end of
 * their output in place) and a live footer shows the wave (k/N), the elapsed time, the counts and
 * the running tasks with their titles. Otherwise one line per event, or one JSON object per event
 * with --json.
 *
 * The footer is redrawn by moving the cursor up over it, which is only right if each footer line
 * takes exactly one terminal row: every line is cut to the terminal's width in visible columns
 * (wide characters and emoji count two, colours none), never in bytes or UTF-16 units.
 */
import { formatDuration } from "../plan/duration.js";
import type { RunEvent } from "./events.js";
import { truncateToWidth } from "./text-width.js";

export interface Renderer {
  event(e: RunEvent): void;
  close(): void;
}

const stamp = () => new Date().toISOString().slice(11, 19);

/** Lines of a failed task's output shown in place (the record keeps up to 20). */
export const TAIL_LINES_SHOWN = 8;

export function jsonRenderer(write: (s: string) => void): Renderer {
  return { event: (e) => write(`${JSON.stringify({ time: new Date().toISOString(), ...e })}\n`), close: () => {} };
}

/** The tail of a failed task's output, indented under its line. */
function tailLines(logTail: string | undefined, prefix: string): string[] {
  if (!logTail) return [];
  return logTail
    .split("\n")
    .slice(-TAIL_LINES_SHOWN)
    .map((l) => `${prefix}${l}`);
}

export function lineRenderer(write: (s: string) => void): Renderer {
  let waves = 0;
  return {
    event(e) {
      if (e.type === "run-start") waves = e.waves;
      // the closing lines of `run` say where it landed, once
      if (e.type === "land") return;
      const text = describe(e, waves);
      if (text) write(`[${stamp()}] ${text}\n`);
      if (e.type === "task-end" && e.status === "failure") for (const l of tailLines(e.logTail, "    │ ")) write(`${l}\n`);
    },
    close() {},
  };
}

function describe(e: RunEvent, waves: number): string | undefined {
  switch (e.type) {
    case "run-start":
      return `${e.fresh ? `${e.fresh}: ` : ""}${e.resumed ? "resuming" : "starting"} run ${e.runId} of "${e.plan}": ${e.tasks} tasks in ${e.waves} waves, base ${e.base.slice(0, 12)}${e.sandbox === "off" ? "; tasks are NOT sandboxed (sandbox: off)" : `, tasks sandboxed (${e.sandbox})`}`;
    case "wave-start":
      return `wave ${e.index + 1}/${waves} ${e.wave}${e.name === e.wave ? "" : ` ${e.name}`} (${e.mode}, ${e.tasks.length} task${e.tasks.length === 1 ? "" : "s"})`;
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

const bold = (s: string) => `\x1b[1m${s}\x1b[0m`;
const dim = (s: string) => `\x1b[2m${s}\x1b[0m`;
const green = (s: string) => `\x1b[32m${s}\x1b[0m`;
const red = (s: string) => `\x1b[31m${s}\x1b[0m`;
const yellow = (s: string) => `\x1b[33m${s}\x1b[0m`;

export function ttyRenderer(stream: NodeJS.WriteStream): Renderer {
  const running = new Map<string, { instance: string; title: string; since: number }>();
  const titles = new Map<string, string>();
  let wave = "";
  let waves = 0;
  let started = Date.now();
  let done = 0;
  let failed = 0;
  let reused = 0;
  let total = 0;
  let footerLines = 0;
  // nothing to show before the run has started (and nothing to draw over the terminal's first row)
  let begun = false;
  // one column spare: writing into the last column leaves some terminals in a pending-wrap state
  const width = () => Math.max(20, (stream.columns || 80) - 1);
  const cut = (line: string) => truncateToWidth(line, width());
  const clearFooter = () => {
    if (footerLines > 0) stream.write(`\x1b[${footerLines}F\x1b[J`);
    footerLines = 0;
  };
  const drawFooter = () => {
    const now = Date.now();
    const left = total - done - failed - reused;
    const lines = [
      `${bold(wave || "starting")} ${dim("·")} ${formatDuration(now - started)} elapsed ${dim("·")} ${done} done · ${failed ? red(`${failed} failed`) : "0 failed"}${reused ? ` · ${reused} reused` : ""} · ${left} to go`,
    ];
    // the footer never takes more than a third of the screen: the scrolling lines are the story
    const room = Math.max(2, Math.floor((stream.rows || 24) / 3) - 1);
    const tasks = [...running];
    for (const [task, r] of tasks.slice(0, room))
      lines.push(`  ${yellow("●")} ${task} ${dim(`(${r.instance})`)} ${formatDuration(now - r.since)}  ${r.title}`);
    if (tasks.length > room) lines.push(dim(`  … and ${tasks.length - room} more running`));
    stream.write(`${lines.map(cut).join("\n")}\n`);
    footerLines = lines.length;
  };
  const print = (line: string) => stream.write(`${cut(line)}\n`);
  const timer = setInterval(() => {
    if (!begun) return;
    clearFooter();
    drawFooter();
  }, 250);
  timer.unref();
  return {
    event(e) {
      clearFooter();
      switch (e.type) {
        case "run-start":
          begun = true;
          total = e.tasks;
          waves = e.waves;
          started = Date.now();
          print(describe(e, waves) ?? "");
          break;
        case "wave-start":
          wave = `wave ${e.index + 1}/${waves} ${e.wave}${e.name === e.wave ? "" : ` ${e.name}`}`;
          print(`${bold(`▶ ${wave}`)} ${dim(`(${e.mode}, ${e.tasks.length} task${e.tasks.length === 1 ? "" : "s"})`)}`);
          break;
        case "task-start":
          titles.set(e.task, e.title);
          running.set(e.task, { instance: e.instance, title: e.title, since: Date.now() });
          break;
        case "task-skip":
          reused++;
          print(dim(`  ↺ ${e.task} (${e.instance}) reused: ${e.reason}`));
          break;
        case "task-end": {
          running.delete(e.task);
          const title = titles.get(e.task) ?? "";
          if (e.status === "success") {
            done++;
            print(`  ${green("✓")} ${e.task} ${dim(`(${e.instance})`)} ${formatDuration(e.durationMs)}  ${title}`);
          } else {
            failed++;
            print(`  ${red("✗")} ${e.task} ${dim(`(${e.instance})`)} ${formatDuration(e.durationMs)}  ${title}`);
            // the failure and its output stay in the scrollback as they are: not cut, they are never redrawn
            stream.write(`    ${red(e.error ?? "failed")}\n`);
            for (const l of tailLines(e.logTail, `    ${dim("│")} `)) stream.write(`${l}\n`);
            stream.write(`    ${dim(`log: ${e.logFile}`)}\n`);
          }
          break;
        }
        case "wave-end":
          if (e.status === "failure") print(red(`✗ ${e.wave} failed after ${formatDuration(e.durationMs)}`));
          else print(dim(`  ${e.wave} complete in ${formatDuration(e.durationMs)}`));
          break;
        case "land":
          // said once, by the closing lines of `run`
          break;
        case "run-end":
          clearInterval(timer);
          print(describe(e, waves) ?? "");
          return;
      }
      if (begun) drawFooter();
    },
    close() {
      clearInterval(timer);
      clearFooter();
    },
  };
}
