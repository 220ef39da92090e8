/**
 * The wave graph as Mermaid (also used in the GitHub job summary), Graphviz DOT and a plain-text
 * timeline in the style of a markdown plan. All three draw the same edges: the chain inside a
 * sequential wave, the barrier between consecutive waves (exit tasks → entry tasks) and `needs`.
 */
import { formatDuration } from "../plan/duration.js";
import type { Plan, Task, Wave } from "../plan/model.js";
import { planTiming, waveEstimate } from "./estimate.js";

export type GraphFormat = "mermaid" | "dot" | "text";
export const GRAPH_FORMATS: readonly GraphFormat[] = ["mermaid", "dot", "text"];

/**
 * Above this many exit×entry pairs a barrier is drawn as one wave-to-wave edge: two parallel waves of
 * 8 tasks would otherwise draw 64 crossing lines that say nothing more than "wave after wave".
 */
export const MAX_BARRIER_EDGES = 12;

/** Tasks that finish a wave: the last of a chain, or every task of a parallel wave. */
export function exitTasks(wave: Wave): Task[] {
  return wave.mode === "sequential" ? wave.tasks.slice(-1) : wave.tasks;
}

/** Tasks that start a wave: the first of a chain, or every task of a parallel wave. */
export function entryTasks(wave: Wave): Task[] {
  return wave.mode === "sequential" ? wave.tasks.slice(0, 1) : wave.tasks;
}

interface Edges {
  chain: [Task, Task][];
  /** per barrier: the task pairs, or `grouped` when it is drawn wave to wave */
  barriers: { from: Wave; to: Wave; pairs: [Task, Task][]; grouped: boolean }[];
  /** `needs` not already drawn as a solid edge */
  needs: [Task, Task][];
}

function edgesOf(plan: Plan): Edges {
  const chain: [Task, Task][] = [];
  for (const w of plan.waves) {
    if (w.mode === "sequential") for (let i = 1; i < w.tasks.length; i++) chain.push([w.tasks[i - 1], w.tasks[i]]);
  }
  const barriers: Edges["barriers"] = [];
  const waves = plan.waves.filter((w) => w.tasks.length > 0);
  for (let i = 1; i < waves.length; i++) {
    const pairs = exitTasks(waves[i - 1]).flatMap((a) => entryTasks(waves[i]).map((b): [Task, Task] => [a, b]));
    barriers.push({ from: waves[i - 1], to: waves[i], pairs, grouped: pairs.length > MAX_BARRIER_EDGES });
  }
  const solid = new Set([...chain, ...barriers.filter((b) => !b.grouped).flatMap((b) => b.pairs)].map(([a, b]) => `${a.index}>${b.index}`));
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const needs: [Task, Task][] = [];
  for (const t of plan.tasks) {
    for (const n of t.needs) {
      const from = byId.get(n);
      if (from && !solid.has(`${from.index}>${t.index}`)) needs.push([from, t]);
    }
  }
  return { chain, barriers, needs };
}

function waveLabel(wave: Wave): string {
  const est = waveEstimate(wave);
  const title = wave.name === wave.id ? wave.id : `${wave.id}: ${wave.name}`;
  return [title, wave.mode, est > 0 ? formatDuration(est) : undefined].filter(Boolean).join(" · ");
}

function taskLabel(task: Task): string {
  return `${task.id}: ${task.title} (${task.instance})`;
}

/** One line of label text: plan text may hold newlines and control characters. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
}

/**
 * Mermaid label text inside `"…"`: quotes, `#` (which starts an entity) and the characters Mermaid
 * treats as shape or markup syntax become numeric entities, so no label can break the diagram.
 */
export function mermaidEscape(text: string): string {
  return oneLine(text).replace(/["#<>[\]{}|`&;\\]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** Mermaid flowchart, left to right, one subgraph per wave. Node ids are synthetic (`t0`…), never user text. */
export function renderMermaid(plan: Plan): string {
  const lines = ["flowchart LR"];
  const node = (t: Task) => `t${t.index}`;
  for (const w of plan.waves) {
    lines.push(`  subgraph w${w.index}["${mermaidEscape(waveLabel(w))}"]`);
    if (w.tasks.length === 0) lines.push(`    w${w.index}_empty["(no tasks)"]`);
    for (const t of w.tasks) lines.push(`    ${node(t)}["${mermaidEscape(taskLabel(t))}"]`);
    lines.push("  end");
  }
  const { chain, barriers, needs } = edgesOf(plan);
  for (const [a, b] of chain) lines.push(`  ${node(a)} --> ${node(b)}`);
  for (const b of barriers) {
    if (b.grouped) lines.push(`  w${b.from.index} --> w${b.to.index}`);
    else for (const [x, y] of b.pairs) lines.push(`  ${node(x)} --> ${node(y)}`);
  }
  for (const [a, b] of needs) lines.push(`  ${node(a)} -.->|needs| ${node(b)}`);
  return `${lines.join("\n")}\n`;
}

/** A DOT double-quoted string: backslash and quote escaped, so `\n` in a title stays literal text. */
export function dotString(text: string): string {
  return `"${oneLine(text).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Graphviz digraph, left to right, one cluster per wave. */
export function renderDot(plan: Plan): string {
  const lines = [
    "digraph waveplan {",
    "  rankdir=LR;",
    // compound lets a grouped barrier edge start and end at cluster borders
    "  compound=true;",
    `  label=${dotString(plan.name)};`,
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
  ];
  const node = (t: Task) => `t${t.index}`;
  for (const w of plan.waves) {
    lines.push(`  subgraph cluster_${w.index} {`, `    label=${dotString(waveLabel(w))};`);
    if (w.mode === "sequential") lines.push("    style=dashed;");
    if (w.tasks.length === 0) lines.push(`    w${w.index}_empty [label="(no tasks)", style=dotted];`);
    for (const t of w.tasks) lines.push(`    ${node(t)} [label=${dotString(taskLabel(t))}];`);
    lines.push("  }");
  }
  const { chain, barriers, needs } = edgesOf(plan);
  for (const [a, b] of chain) lines.push(`  ${node(a)} -> ${node(b)};`);
  for (const b of barriers) {
    if (b.grouped) {
      const [x, y] = b.pairs[0];
      lines.push(`  ${node(x)} -> ${node(y)} [ltail=cluster_${b.from.index}, lhead=cluster_${b.to.index}];`);
    } else for (const [x, y] of b.pairs) lines.push(`  ${node(x)} -> ${node(y)};`);
  }
  for (const [a, b] of needs) lines.push(`  ${node(a)} -> ${node(b)} [style=dashed, label="needs"];`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/**
 * A timeline like a markdown plan's:
 *   W4: Backend Features Pt1 (12m) │ PARALLEL │ I4, I5, I6
 *     I4-W4-1  I4  Implement login endpoint
 *   ↓
 */
export function renderText(plan: Plan): string {
  const timing = planTiming(plan);
  const out: string[] = [`${oneLine(plan.name)} — ${planSize(plan)}`];
  if (timing.speedup !== undefined) {
    out.push(
      `critical path ${formatDuration(timing.criticalPathMs)} · sequential ${formatDuration(timing.sequentialMs)} · ${timing.speedup.toFixed(1)}x`,
    );
  }
  out.push("");
  const idWidth = Math.max(0, ...plan.tasks.map((t) => t.id.length));
  const instWidth = Math.max(0, ...plan.tasks.map((t) => t.instance.length));
  plan.waves.forEach((w, i) => {
    if (i > 0) out.push("  ↓");
    const est = waveEstimate(w);
    const title = w.name === w.id ? w.id : `${w.id}: ${oneLine(w.name)}`;
    const who =
      w.mode === "sequential" ? w.tasks.map((t) => t.instance).join("→") : [...new Set(w.tasks.map((t) => t.instance))].join(", ");
    out.push(`${title}${est > 0 ? ` (${formatDuration(est)})` : ""} │ ${w.mode.toUpperCase()} │ ${who || "no tasks"}`);
    w.tasks.forEach((t, n) => {
      const step = w.mode === "sequential" ? `${n + 1}. ` : "";
      const needs = t.needs.length ? `  (needs ${t.needs.join(", ")})` : "";
      out.push(`  ${step}${t.id.padEnd(idWidth)}  ${t.instance.padEnd(instWidth)}  ${oneLine(t.title)}${needs}`);
    });
  });
  return `${out.join("\n")}\n`;
}

/** "4 waves, 8 tasks, 1 instance" */
export function planSize(plan: Plan): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
  return [n(plan.waves.length, "wave"), n(plan.tasks.length, "task"), n(plan.instances.length, "instance")].join(", ");
}

export function renderGraph(plan: Plan, format: GraphFormat): string {
  if (format === "mermaid") return renderMermaid(plan);
  if (format === "dot") return renderDot(plan);
  return renderText(plan);
}
