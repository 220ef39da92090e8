/**
 * Per-wave sections: `### **WAVE 0: SAFETY** ⏱️ 2min │ 🔒 SEQUENTIAL`, then one block per task —
 * `**I1 - Create Git Backup:**` followed by a fenced bash block (a script) or text (a prompt) — and
 * `**Checkpoint:**` lines naming the files that prove the wave finished.
 */
import type { DiagnosticList, Position } from "../plan/diagnostics.js";
import type { WaveMode } from "../plan/model.js";
import { cleanLabel, dedent, type Fence, isRule, type MarkdownDoc } from "./markdown.js";
import { at } from "./source.js";

export interface ScriptLine {
  text: string;
  /** 0-based markdown line */
  index: number;
}

export interface SectionTask {
  instance: string;
  title: string;
  /** script lines from fenced bash/sh blocks (empty for a prompt task) */
  script: ScriptLine[];
  /** prompt text, or for a script task the prose around the script */
  text: string;
  /** `See existing plan PROMPT I2-W1-1` → `I2-W1-1` */
  ref?: string;
  at: Position;
}

export interface CheckpointFile {
  name: string;
  at: Position;
}

export interface WaveSection {
  waveId: string;
  title: string;
  mode?: WaveMode;
  tasks: SectionTask[];
  checkpoints: CheckpointFile[];
  at: Position;
}

const SHELL = new Set(["bash", "sh", "shell", "zsh"]);
const WAVE_HEADING = /^WAVE\s+(\d+)\b\s*[:.\-–—]?\s*(.*)$/i;
/** `**I2 - Export Users Schema:**` with the rest of the line after it */
const TASK_BOLD = /^\s*(?:[-*+]\s+)?\*\*\s*([A-Za-z][A-Za-z0-9_]*)\s*[-–—:]\s*(.+?)\s*:?\s*\*\*\s*:?\s*(.*)$/;
/** `#### I2 - Export Users Schema` */
const TASK_HEADING = /^\s*#{2,6}\s+\**\s*([A-Za-z][A-Za-z0-9_]*)\s*[-–—:]\s*(.+?)\s*:?\s*\**\s*:?\s*$/;
/** `**Checkpoint:** ...`, `Checkpoint: ...`, `- ✅ **Checkpoint**: ...` with the rest of the line */
const CHECKPOINT =
  /^\s*(?:[-*+]\s+)?(?:\p{Extended_Pictographic}|\uFE0F|\s)*(?:\*\*|__)?(?:\p{Extended_Pictographic}|\uFE0F|\s)*Checkpoints?\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$/iu;
const REF = /\bsee\b.*?\bprompt\s+([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])/i;

/** File names in a checkpoint line: backticked tokens that look like paths (`WAVE_0_CHECKPOINT.txt`, `out/report.json`). */
export function checkpointFiles(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`([^`\s]+)`/g)) {
    const name = m[1].replace(/^\.\//, "");
    if (/^[\w.][\w./-]*$/.test(name) && /[./]/.test(name) && !name.endsWith("/") && !out.includes(name)) out.push(name);
  }
  return out;
}

function isInstanceToken(id: string, known: ReadonlySet<string>): boolean {
  return known.has(id) || /^[A-Za-z]+\d+$/.test(id);
}

interface Draft {
  task: SectionTask;
  lines: string[];
}

/** Every `WAVE n` section, in document order. */
export function parseSections(doc: MarkdownDoc, d: DiagnosticList, known: ReadonlySet<string>): WaveSection[] {
  const { lines } = doc;
  const sections: WaveSection[] = [];
  for (const h of doc.headings) {
    const raw = h.text;
    const m = WAVE_HEADING.exec(cleanLabel(raw.split(/[│|⏱]/u)[0]));
    if (!m) continue;
    const modeText = raw.split(/[│|]/u).slice(1).join(" ");
    const section: WaveSection = {
      waveId: `W${Number(m[1])}`,
      title: m[2],
      mode: /\bSEQUENTIAL\b/i.test(modeText) ? "sequential" : /\bPARALLEL\b/i.test(modeText) ? "parallel" : undefined,
      tasks: [],
      checkpoints: [],
      at: at(lines, h.index, `WAVE ${m[1]}`),
    };
    let end = doc.headings.find((o) => o.index > h.index && o.level <= h.level)?.index ?? lines.length;
    for (let i = h.index + 1; i < end; i++) {
      if (!doc.fenceOf[i] && isRule(lines[i])) end = i;
    }
    let current: Draft | undefined;
    const finish = () => {
      if (current) section.tasks.push(finishTask(current));
      current = undefined;
    };
    for (let i = h.index + 1; i < end; i++) {
      const fence = doc.fenceOf[i];
      if (fence) {
        if (current) addFence(current, fence, lines);
        else d.warning("section", `code block before the first task of WAVE ${m[1]} is ignored`, at(lines, i));
        i = fence.end;
        continue;
      }
      const line = lines[i];
      const task = TASK_BOLD.exec(line) ?? TASK_HEADING.exec(line);
      if (task && isInstanceToken(task[1], known) && !/^checkpoints?$/i.test(task[1])) {
        finish();
        const title = cleanLabel(task[2]).replace(/:$/, "");
        current = { task: { instance: task[1], title, script: [], text: "", at: at(lines, i, task[1]) }, lines: [] };
        if (task[3]?.trim()) current.lines.push(task[3]);
        continue;
      }
      const cp = CHECKPOINT.exec(line);
      if (cp) {
        finish();
        for (const name of checkpointFiles(cp[1])) section.checkpoints.push({ name, at: at(lines, i, name) });
        continue;
      }
      if (current) current.lines.push(line);
    }
    finish();
    sections.push(section);
  }
  return sections;
}

function addFence(draft: Draft, fence: Fence, lines: readonly string[]): void {
  if (SHELL.has(fence.lang)) {
    if (draft.task.script.length) draft.task.script.push({ text: "", index: -1 });
    fence.body.forEach((text, k) => {
      draft.task.script.push({ text, index: fence.start + 1 + k });
    });
  } else {
    // other code (SQL, a sample file, an unlabelled block) is part of the prompt, fences included
    draft.lines.push(...lines.slice(fence.start, fence.end + 1));
  }
}

function finishTask(draft: Draft): SectionTask {
  const text = dedent(draft.lines).join("\n");
  const ref = REF.exec(text)?.[1];
  // trailing blank script lines carry nothing; the emitter ends every script with one newline
  while (draft.task.script.length && draft.task.script[draft.task.script.length - 1].text.trim() === "") draft.task.script.pop();
  return { ...draft.task, text, ref };
}
