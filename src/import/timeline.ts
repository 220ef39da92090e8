/**
 * The wave timeline: one line per wave, usually inside a fenced block, with connector lines between.
 *
 *   W4: Backend Features Pt1 (12min) │ PARALLEL │ I4, I5, I6 │ Signup, rotation, rate limit
 *   W8: Migration (5min) │ SEQUENTIAL │ I1→I13→I3 │ critical
 *   W0: Safety (2min) | SEQUENTIAL | I1 only | Git backup
 */
import type { DiagnosticList, Position } from "../plan/diagnostics.js";
import type { WaveMode } from "../plan/model.js";
import { cleanLabel, type MarkdownDoc, stripInline } from "./markdown.js";
import { at, ID } from "./source.js";

export interface TimelineWave {
  id: string;
  name: string;
  /** plan duration (`12m`), when the line gives one */
  estimate?: string;
  mode: WaveMode;
  /** instances in listed order (a chain's order for sequential waves); may repeat */
  instances: string[];
  description?: string;
  at: Position;
}

export const TIMELINE_SHAPE = "W<n>: <name> (<estimate>) │ PARALLEL|SEQUENTIAL │ <instances> │ <description>";

const WAVE_START = /^\s*W\d+\s*[:.)]/;
/** Lines drawn between waves: arrows, pipes, dots. */
const CONNECTOR = /^[\s↓⬇↡⇣│|┃:.·…v^\-–—>→⇒=*]*$/u;
/** The separators: box-drawing bar, ASCII pipe, and the bar as it looks when double-encoded. */
const SEPARATOR = /\s*(?:│|┃|\||‚îÇ)\s*/u;
const CHAIN = /→|->|⇒|=>|‚Üí/u;

/** `12min` → `12m`, `~1h 30 min` → `1h30m`, `90 sec` → `90s`; undefined when it is not a duration. */
export function parseEstimate(text: string): string | undefined {
  const m =
    /^~?\s*(?:(\d+)\s*(?:h|hr|hrs|hours?)\b)?\s*(?:(\d+)\s*(?:m|min|mins|minutes?)\b)?\s*(?:(\d+)\s*(?:s|sec|secs|seconds?)\b)?\s*$/i.exec(
      text.trim(),
    );
  if (!m || (m[1] ?? m[2] ?? m[3]) === undefined) return undefined;
  const [, h, min, s] = m;
  return `${h ? `${Number(h)}h` : ""}${min ? `${Number(min)}m` : ""}${s ? `${Number(s)}s` : ""}` || "0m";
}

export type LineResult = { wave: Omit<TimelineWave, "at">; chainInParallel: boolean } | { error: string; column?: string };

/** Parse one timeline line; `known` are the role table's instance ids (other `I<n>`-style ids are accepted too). */
export function parseTimelineLine(line: string, known: ReadonlySet<string> = new Set()): LineResult {
  const cols = line.trim().split(SEPARATOR);
  const head = /^(W\d+)\s*[:.)]\s*(.*?)\s*$/.exec(cols[0]);
  if (!head) return { error: `a timeline line starts with the wave id, e.g. "W4: Backend (12min)"; expected ${TIMELINE_SHAPE}` };
  const [, id, rest] = head;
  let name = rest;
  let estimate: string | undefined;
  const paren = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(rest);
  if (paren) {
    estimate = parseEstimate(paren[2]);
    if (estimate) name = paren[1];
  }
  name = cleanLabel(name);
  if (cols.length < 3) return { error: `wave ${id}: expected ${TIMELINE_SHAPE}` };
  const modeText = cleanLabel(cols[1]);
  const mode = /\bSEQUENTIAL\b/i.test(modeText) ? "sequential" : /\bPARALLEL\b/i.test(modeText) ? "parallel" : undefined;
  if (!mode) return { error: `wave ${id}: the second column must say PARALLEL or SEQUENTIAL, got "${modeText}"`, column: cols[1] };
  const instancesText = stripInline(cols[2]);
  const instances = parseInstances(instancesText, known);
  if (typeof instances === "string") return { error: `wave ${id}: ${instances}`, column: cols[2] };
  const description = cleanLabel(cols.slice(3).join(" │ "));
  return {
    wave: { id, name: name || id, estimate, mode, instances, description: description || undefined },
    chainInParallel: mode === "parallel" && CHAIN.test(instancesText),
  };
}

/** `I4, I5, I6` / `I1→I13→I3` / `I1 only` / `I7-I9` → ids, or an error message. */
export function parseInstances(text: string, known: ReadonlySet<string> = new Set()): string[] | string {
  const tokens = text
    .split(/\s*(?:,|;|&|\+|→|->|⇒|=>|‚Üí|\band\b|\bthen\b)\s*|\s+/u)
    .map((t) => t.trim())
    .filter((t) => t !== "" && !/^(only|alone)$/i.test(t));
  const out: string[] = [];
  for (const token of tokens) {
    const range = /^([A-Za-z]+)(\d+)\s*[-–]\s*\1?(\d+)$/.exec(token);
    if (range && Number(range[3]) > Number(range[2]) && Number(range[3]) - Number(range[2]) <= 100) {
      for (let n = Number(range[2]); n <= Number(range[3]); n++) out.push(`${range[1]}${n}`);
      continue;
    }
    if (!ID.test(token) || !(known.has(token) || /^[A-Za-z]+\d+$/.test(token)))
      return `"${token}" is not an instance id (expected a list like "I4, I5, I6", a chain "I1→I2→I3" or "I1 only")`;
    out.push(token);
  }
  if (out.length === 0) return `no instances listed (expected a list like "I4, I5, I6")`;
  return out;
}

/** The lines of the timeline: the fenced block with `W<n>:` lines, or such lines under a "timeline" heading. */
function timelineLines(doc: MarkdownDoc): number[] {
  const fence = doc.fences.find((f) => !/^(bash|sh|shell|zsh|console)$/.test(f.lang) && f.body.some((l) => WAVE_START.test(l)));
  if (fence) return fence.body.map((_, k) => fence.start + 1 + k);
  const heading = doc.headings.find((h) => /timeline/i.test(h.text));
  if (!heading) return [];
  const next = doc.headings.find((h) => h.index > heading.index && h.level <= heading.level)?.index ?? doc.lines.length;
  const out: number[] = [];
  for (let i = heading.index + 1; i < next; i++) if (!doc.fenceOf[i] && WAVE_START.test(doc.lines[i])) out.push(i);
  return out;
}

/** Every wave of the timeline, in order; errors for lines that do not parse and for repeated wave ids. */
export function parseTimeline(doc: MarkdownDoc, d: DiagnosticList, known: ReadonlySet<string>): TimelineWave[] {
  const waves: TimelineWave[] = [];
  for (const i of timelineLines(doc)) {
    const line = doc.lines[i];
    if (line.trim() === "" || CONNECTOR.test(line)) continue;
    const r = parseTimelineLine(line, known);
    if ("error" in r) {
      d.error("timeline", `cannot read this timeline line: ${r.error}`, at(doc.lines, i, r.column?.trim() || undefined));
      continue;
    }
    const where = at(doc.lines, i, r.wave.id);
    const dup = waves.find((w) => w.id === r.wave.id);
    if (dup) {
      d.error("timeline", `wave ${r.wave.id} is already on line ${dup.at.line}`, where);
      continue;
    }
    if (r.chainInParallel)
      d.warning("timeline", `wave ${r.wave.id} lists its instances as a chain (→) but says PARALLEL; imported as parallel`, where);
    waves.push({ ...r.wave, at: where });
  }
  return waves;
}
