/**
 * Puts the pieces together: role table + timeline + wave sections → the plan to emit, with a warning
 * (at the markdown line) for everything that would not work as written.
 */
import type { DiagnosticList, Position } from "../plan/diagnostics.js";
import { assignIds } from "./ids.js";
import type { ImportedInstance, ImportedPlan, ImportedTask, ImportedWave } from "./imported.js";
import { cleanLabel, type MarkdownDoc, stripInline, titleCase } from "./markdown.js";
import { parseRoleTable } from "./roles.js";
import { reviewScript, writesFile } from "./scripts.js";
import { parseSections, type SectionTask, type WaveSection } from "./sections.js";
import { at } from "./source.js";
import { parseTimeline, TIMELINE_SHAPE, type TimelineWave } from "./timeline.js";
import { checkUtilization } from "./utilization.js";

/** Builds the plan; errors and warnings go to `d` (the caller stops on errors). */
export function buildPlan(doc: MarkdownDoc, d: DiagnosticList, fallbackName: string): ImportedPlan {
  const roles = parseRoleTable(doc, d);
  if (!roles)
    d.error(
      "role-table",
      "no instance role table found: expected a markdown table with at least the columns | ID | Role | (and optionally Specialization, Active Waves)",
      at(doc.lines, doc.headings.find((h) => /role|instance/i.test(h.text))?.index ?? 0),
    );
  const known = new Set(roles?.rows.map((r) => r.id));
  const timeline = parseTimeline(doc, d, known);
  if (timeline.length === 0 && !d.hasErrors)
    d.error(
      "timeline",
      `no waves found: expected a wave timeline, one line per wave like "${TIMELINE_SHAPE}"`,
      at(doc.lines, doc.headings.find((h) => /timeline|wave/i.test(h.text))?.index ?? 0),
    );
  const sections = parseSections(doc, d, known);

  const instances: ImportedInstance[] = (roles?.rows ?? []).map((r) => ({ id: r.id, role: r.role, focus: r.focus, at: r.at }));
  const addMissing = (id: string, where: Position, what: string) => {
    if (instances.some((i) => i.id === id)) return;
    instances.push({ id, role: "Unknown", at: where });
    if (roles) d.warning("unknown-instance", `instance ${id} (${what}) is not in the role table; imported with role "Unknown"`, where);
  };

  const waves = timeline.map((tw) => {
    for (const id of tw.instances) addMissing(id, tw.at, `wave ${tw.id} of the timeline`);
    const section = sections.find((s) => s.waveId === tw.id);
    if (section?.tasks.length) {
      for (const t of section.tasks) addMissing(t.instance, t.at, `a task of wave ${tw.id}`);
      return waveFromSection(tw, section, d, doc.lines);
    }
    if (section)
      d.warning("section", `the section for wave ${tw.id} has no tasks like "**I1 - Title:**"; using the timeline instead`, section.at);
    return placeholderWave(tw, d);
  });
  for (const s of sections) {
    if (!timeline.some((w) => w.id === s.waveId))
      d.warning(
        "section",
        `wave ${s.waveId} has a section but no line in the timeline; its ${s.tasks.length} task(s) are not imported`,
        s.at,
      );
  }

  assignIds(waves, d);
  if (roles) checkUtilization(roles, waves, d);

  const h1 = doc.headings.find((h) => h.level === 1);
  const name = h1 ? titleCase(cleanLabel(h1.text)) : "";
  return {
    name: name || fallbackName,
    description: objective(doc),
    instances,
    needsAgent: waves.some((w) => w.tasks.some((t) => t.prompt !== undefined)),
    waves,
  };
}

function objective(doc: MarkdownDoc): string | undefined {
  for (let i = 0; i < doc.lines.length; i++) {
    if (doc.fenceOf[i]) continue;
    const m = /^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?:Objective|Goal)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.+)$/i.exec(doc.lines[i]);
    if (m) return cleanLabel(stripInline(m[1])) || undefined;
  }
  return undefined;
}

function baseWave(tw: TimelineWave, placeholder: boolean, tasks: ImportedTask[]): ImportedWave {
  return {
    id: tw.id,
    name: titleCase(tw.name),
    description: tw.description,
    mode: tw.mode,
    estimate: tw.estimate,
    placeholder,
    tasks,
    at: tw.at,
  };
}

function placeholderWave(tw: TimelineWave, d: DiagnosticList): ImportedWave {
  const prompt = `${titleCase(tw.name)}${tw.description ? `: ${tw.description}` : ""}\n`;
  d.warning(
    "placeholder",
    `wave ${tw.id} has no detailed section; imported as ${tw.instances.length} placeholder prompt task(s) whose prompt is the timeline description — write the real prompts or scripts`,
    tw.at,
  );
  return baseWave(
    tw,
    true,
    tw.instances.map((instance) => ({ finalId: "", instance, title: titleCase(tw.name), prompt, outputs: [], at: tw.at })),
  );
}

function waveFromSection(tw: TimelineWave, section: WaveSection, d: DiagnosticList, lines: readonly string[]): ImportedWave {
  if (section.mode && section.mode !== tw.mode)
    d.warning(
      "mode",
      `the section says ${section.mode.toUpperCase()} but the timeline (line ${tw.at.line}) says ${tw.mode.toUpperCase()}; the timeline wins`,
      section.at,
    );
  const listed = new Set(tw.instances);
  const inSection = new Set(section.tasks.map((t) => t.instance));
  for (const t of section.tasks) {
    if (!listed.has(t.instance)) {
      d.warning("timeline", `${t.instance} has a task in wave ${tw.id} but the timeline (line ${tw.at.line}) does not list it`, t.at);
      listed.add(t.instance);
    }
  }
  const missing = tw.instances.filter((i) => !inSection.has(i));
  if (missing.length)
    d.warning(
      "timeline",
      `the timeline lists ${[...new Set(missing)].join(", ")} in wave ${tw.id} but its section has no task for them`,
      tw.at,
    );
  if (tw.mode === "sequential") {
    const order = [...new Set(section.tasks.map((t) => t.instance))];
    const chain = [...new Set(tw.instances)].filter((i) => inSection.has(i));
    if (order.join("→") !== chain.join("→"))
      d.warning(
        "chain",
        `the section's task order ${order.join("→")} differs from the timeline's chain ${chain.join("→")}; the section's order is used`,
        section.at,
      );
  }
  const tasks = section.tasks.map((t) => taskFromSection(t, d, lines));
  placeOutputs(tasks, section, d);
  return baseWave(tw, false, tasks);
}

function taskFromSection(t: SectionTask, d: DiagnosticList, lines: readonly string[]): ImportedTask {
  const base = { finalId: "", instance: t.instance, title: t.title, outputs: [], at: t.at };
  if (t.script.some((l) => l.text.trim() !== "")) {
    const { script, findings } = reviewScript(t.script);
    for (const f of findings) d.warning(f.rule, f.message, at(lines, f.index, f.needle));
    return { ...base, run: script, note: t.text || undefined };
  }
  if (t.ref)
    d.warning(
      "placeholder",
      `task ${t.ref} refers to a prompt in another document ("${t.text.split("\n")[0]}"); its prompt is a placeholder — paste the real prompt or script`,
      t.at,
    );
  if (!t.text) {
    d.warning("placeholder", `task "${t.title}" of ${t.instance} has neither a script nor a prompt; its title is used as the prompt`, t.at);
    return { ...base, id: t.ref, prompt: `${t.title}\n` };
  }
  return { ...base, id: t.ref, prompt: `${t.text}\n` };
}

/** Checkpoint files become outputs of the task whose script writes them, else of the wave's last task. */
function placeOutputs(tasks: ImportedTask[], section: WaveSection, d: DiagnosticList): void {
  for (const cp of section.checkpoints) {
    const writer = [...tasks].reverse().find((t) => t.run !== undefined && writesFile(t.run, cp.name));
    const owner = writer ?? tasks[tasks.length - 1];
    if (!owner.outputs.includes(cp.name)) owner.outputs.push(cp.name);
    if (!writer)
      d.warning(
        "checkpoint-file",
        `no task of wave ${section.waveId} visibly writes ${cp.name}; it is declared as an output of the wave's last task (${owner.instance}: ${owner.title}), which fails unless that task creates it`,
        cp.at,
      );
  }
}
