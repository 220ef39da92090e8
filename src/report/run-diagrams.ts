/**
 * The run's diagrams as Mermaid, for the GitHub job summary (GitHub renders ```mermaid blocks).
 *
 * The wave graph has one node per wave, top to bottom, so a 13-wave plan stays a narrow column that
 * reads at the summary's ~880 px width (a task-level flowchart of that plan is ~5,900 px wide and
 * is shrunk to ~15%). Nodes carry the measured time and the status colour; the plan's estimate
 * appears only labelled as such. The timeline has one row per wave that ran.
 */
import { mermaidEscape } from "../graph/render.js";
import { formatDuration } from "../plan/duration.js";
import type { RunStory, WaveState, WaveStory } from "./run-story.js";
import { STATE_MARK } from "./run-story.js";

const CLASS: Record<WaveState, string> = { success: "ok", failure: "failed", "not-run": "notrun", partial: "partial" };

/** GitHub's light palette (Primer): success green, danger red, neutral grey, attention yellow. */
const CLASS_DEFS = [
  "  classDef ok fill:#dafbe1,stroke:#1a7f37,color:#0d1117",
  "  classDef failed fill:#ffebe9,stroke:#cf222e,stroke-width:2px,color:#0d1117",
  "  classDef notrun fill:#f6f8fa,stroke:#8c959f,stroke-dasharray:4 3,color:#57606a",
  "  classDef partial fill:#fff8c5,stroke:#9a6700,color:#0d1117",
];

function waveNodeLabel(w: WaveStory): string {
  const { wave } = w;
  const title = wave.name === wave.id ? wave.id : `${wave.id} · ${wave.name}`;
  const shape =
    wave.mode === "sequential" && wave.tasks.length > 1
      ? `chain of ${wave.tasks.length}`
      : `${wave.tasks.length} task${wave.tasks.length === 1 ? "" : "s"}`;
  const measured = w.wallMs === undefined ? "not run" : formatDuration(w.wallMs);
  const lines = [`${STATE_MARK[w.state]} ${title}`, `${shape} · ${measured}`];
  const failed = w.tasks.filter((t) => t.state === "failure" || t.state === "lost").map((t) => t.task.id);
  if (failed.length) lines.push(`failed: ${failed.slice(0, 3).join(", ")}${failed.length > 3 ? " …" : ""}`);
  return lines.map((l) => mermaidEscape(l)).join("<br/>");
}

export function waveGraphMermaid(story: RunStory): string {
  const lines = ["flowchart TD"];
  for (const w of story.waves) lines.push(`  w${w.wave.index}["${waveNodeLabel(w)}"]:::${CLASS[w.state]}`);
  for (let i = 1; i < story.waves.length; i++) lines.push(`  w${story.waves[i - 1].wave.index} --> w${story.waves[i].wave.index}`);
  lines.push(...CLASS_DEFS);
  return `${lines.join("\n")}\n`;
}

/** Text for a gantt task name: a colon, `#` or `;` would end or break the line. */
export function ganttText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/[:#;]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A gantt row per wave that ran, from its first task start to its last task end (wall clock,
 * `dateFormat x` = ms since the epoch); the gaps between bars are the time between waves.
 */
export function timelineMermaid(story: RunStory): string | undefined {
  const ran = story.waves.filter((w) => w.startMs !== undefined && w.endMs !== undefined);
  if (ran.length === 0) return undefined;
  const lines = ["gantt", "  dateFormat x", "  axisFormat %H:%M:%S"];
  for (const w of ran) {
    const start = w.startMs as number;
    const end = Math.max(w.endMs as number, start + 1); // a bar needs a length to be drawn
    const tag = w.state === "failure" ? "crit" : "done";
    const name = ganttText(`${w.wave.id} ${w.wave.name === w.wave.id ? "" : w.wave.name} (${formatDuration((w.endMs as number) - start)})`);
    lines.push(`  ${name} :${tag}, w${w.wave.index}, ${start}, ${end}`);
  }
  return `${lines.join("\n")}\n`;
}
