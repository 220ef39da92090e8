/**
 * Reads a spec-kit `tasks.md` (github/spec-kit, templates/tasks-template.md and the older "Phase 3.1
 * Setup / 3.2 Tests First" template): phases in order, `- [ ] T012 [P] [US1] Description with path`
 * task lines, their continuation lines, and the dependencies written in prose. Pure: text in.
 * Code blocks and HTML comments hold examples, not tasks; checklists without a T-id are not tasks.
 */
import type { DiagnosticList, Position } from "../plan/diagnostics.js";

export interface SkPhase {
  /** the heading without `#`, as written */
  heading: string;
  /** `3`, `3.1`, `2i` from "Phase 3.1: …", when numbered */
  number?: string;
  /** the heading without "Phase N:", "(Priority: P1)" and emoji */
  title: string;
  kind: "setup" | "foundational" | "story" | "polish" | "phase";
  /** the story number a "User Story 2" phase is about */
  story?: string;
  /** lines between the heading and its first task (Purpose, Goal, Independent Test …) */
  intro: string[];
  at: Position;
}

export interface SkTask {
  /** unique in the file: a repeated id gets `-2`, `-3` … */
  id: string;
  /** as written */
  written: string;
  /** the checkbox character: ` `, `x`, `X`, `-`, `~` … */
  mark: string;
  /** `[x]`, `[X]` (done) or `[-]` (dropped): not work */
  finished: boolean;
  parallel: boolean;
  /** `US1` from `[US1]` */
  story?: string;
  /** the task as written, from its checkbox to its last continuation line, dedented */
  text: string;
  title: string;
  files: string[];
  deps: { ref: string; at: Position }[];
  phase: SkPhase;
  at: Position;
}

export interface SkFile {
  /** from `# Tasks: Name` */
  name?: string;
  phases: SkPhase[];
  tasks: SkTask[];
}

const CHECKBOX = /^(\s*)[-*+]\s+\[(.)\]\s+(.*)$/;
/** `**T001 [P]**`, `🔬 T002`, `T01:`, `T003a`, `T054b-1` */
const TASK_ID = /^((?:\*\*|__)?\s*(?:[^\p{L}\p{N}\s*_[]+\s*)?)(T\d+[A-Za-z]?(?:-\d+)?)(?![\p{L}\p{N}])/u;
const ID_LIST = String.raw`T\d+[A-Za-z]?(?:-\d+)?(?:\s*(?:[-–—]|\.\.|to)\s*T\d+[A-Za-z]?(?:-\d+)?)?`;
const IDS_AFTER = new RegExp(
  String.raw`\b(?:depends?\s+on|dependency|dependencies|requires|blocked\s+by|needs)\b\s*:?\s*((?:${ID_LIST})(?:\s*(?:,|and|&|\+|/)\s*(?:${ID_LIST}))*)`,
  "gi",
);

/** Every task line of the file; problems that cost nothing (odd marks, repeated ids) are warnings. */
export function parseTasksMd(text: string, d: DiagnosticList): SkFile {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const phases: SkPhase[] = [];
  const tasks: SkTask[] = [];
  const seen = new Map<string, number>();
  let name: string | undefined;
  let phase: SkPhase | undefined;
  let inDependencies = false;
  let introOpen = false;
  let fence: string | undefined;
  let comment = false;
  const depLines: { index: number; text: string }[] = [];
  const unlabelled: Position[] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (f && (fence === undefined || line.trim().startsWith(fence))) {
      fence = fence === undefined ? f[1] : undefined;
      continue;
    }
    if (fence !== undefined) {
      if (inDependencies) depLines.push({ index: i, text: line });
      continue;
    }
    if (comment) {
      if (line.includes("-->")) comment = false;
      continue;
    }
    if (/^\s*<!--/.test(line) && !line.includes("-->")) {
      comment = true;
      continue;
    }
    const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const level = h[1].length;
      const heading = h[2];
      if (level === 1) {
        name ??= heading.replace(/^tasks\s*:\s*/i, "").trim() || undefined;
        continue;
      }
      const isPhase = /^(?:\*\*)?phase\b/i.test(heading);
      if (isPhase || level === 2) {
        inDependencies = !isPhase && /dependenc/i.test(heading);
        phase = isPhase || !inDependencies ? newPhase(heading, isPhase, { line: i + 1, col: level + 2 }) : undefined;
        if (phase) phases.push(phase);
        introOpen = true;
      } else introOpen = false;
      continue;
    }
    if (inDependencies) {
      depLines.push({ index: i, text: line });
      continue;
    }
    const m = CHECKBOX.exec(line);
    const id = m ? TASK_ID.exec(m[3]) : null;
    if (!m || !id) {
      if (m && phase && /^phase\b/i.test(phase.heading)) unlabelled.push({ line: i + 1, col: m[1].length + 1, length: line.trim().length });
      else if (phase && introOpen && line.trim() && !/^\s*---+\s*$/.test(line)) phase.intro.push(line.trim());
      continue;
    }
    introOpen = false;
    phase ??= (() => {
      const p = newPhase("Tasks", false, { line: i + 1, col: 1 });
      phases.push(p);
      return p;
    })();
    // continuation: the indented lines (and blank lines inside them) up to the next line at this indent or the next task
    const indent = m[1].length;
    let end = i;
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j];
      if (!next.trim()) continue;
      const nextIndent = next.length - next.trimStart().length;
      if (nextIndent <= indent || (CHECKBOX.test(next) && TASK_ID.test(CHECKBOX.exec(next)?.[3] ?? ""))) break;
      end = j;
    }
    const block = lines.slice(i, end + 1).map((l) => (l.slice(0, indent).trim() === "" ? l.slice(indent) : l.trimStart()));
    const written = id[2];
    const idCol = m[1].length + line.slice(m[1].length).indexOf(m[3]) + id[1].length + 1;
    const at: Position = { line: i + 1, col: idCol, length: written.length };
    const count = (seen.get(written) ?? 0) + 1;
    seen.set(written, count);
    const unique = count === 1 ? written : `${written}-${count}`;
    if (count > 1)
      d.warning("speckit", `task id ${written} is used ${count === 2 ? "twice" : `${count} times`}; this one is imported as ${unique}`, at);
    const mark = m[2];
    if (!/[ xX~-]/.test(mark))
      d.warning("speckit", `checkbox [${mark}] is not one spec-kit writes ([ ], [x], [X]); the task is read as not done`, {
        line: i + 1,
        col: indent + 3,
        length: 3,
      });
    const first = m[3].slice(id[0].length);
    const body = block.join("\n");
    tasks.push({
      id: unique,
      written,
      mark,
      finished: /[xX-]/.test(mark),
      parallel: /\[P\]/.test(m[3]),
      story: /\[(US\d+)\]/i.exec(m[3])?.[1].toUpperCase(),
      text: body,
      title: titleOf(first, unique),
      files: filesIn(body),
      deps: depsIn(block, i, lines),
      phase,
      at,
    });
    i = end;
  }
  if (unlabelled.length)
    d.warning(
      "speckit",
      `${unlabelled.length} checklist item(s) under a phase have no task id like T001; they are not imported${unlabelled.length > 1 ? ` (lines ${unlabelled.map((p) => p.line).join(", ")})` : ""}`,
      unlabelled[0],
    );
  addSectionDependencies(depLines, tasks);
  return { name, phases: phases.filter((p) => tasks.some((t) => t.phase === p)), tasks };
}

function newPhase(heading: string, isPhase: boolean, at: Position): SkPhase {
  const clean = heading.replace(/\*\*/g, "").trim();
  const number = isPhase ? /^phase\s+([\dA-Za-z]+(?:\.[\dA-Za-z]+)*)/i.exec(clean)?.[1] : undefined;
  const title =
    clean
      .replace(/^phase\s+[\dA-Za-z.]*\s*[:.—–-]?\s*/i, "")
      .replace(/\(priority:[^)]*\)/i, "")
      .replace(/\p{Extended_Pictographic}|\uFE0F|\u200D/gu, "")
      .replace(/\s+/g, " ")
      .replace(/\s*\bMVP$/, "")
      .trim() || clean;
  const story = /user\s+stor(?:y|ies)\s+(\d+)/i.exec(clean)?.[1];
  const kind = story
    ? "story"
    : /setup/i.test(title)
      ? "setup"
      : /foundation|blocking|prerequisite/i.test(title)
        ? "foundational"
        : /polish|cross-cutting/i.test(title)
          ? "polish"
          : "phase";
  return { heading: clean, number, title, kind, story: story && `US${story}`, intro: [], at };
}

function titleOf(first: string, id: string): string {
  const text = first
    .replace(/\[(?:P|US\d+)\]/gi, "")
    .replace(/\*\*|__|`/g, "")
    .replace(/^[\s:.—–-]+/, "")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) return id;
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

const EXTENSIONS =
  /\.(?:md|mdx|json|jsonc|js|mjs|cjs|jsx|ts|tsx|mts|py|go|rs|lua|toml|ya?ml|sql|sh|bash|css|scss|html?|txt|c|cc|cpp|h|hpp|java|kt|swift|rb|php|cs|tf|tfvars|xml|ini|cfg|conf|vue|svelte|dart|ex|exs|proto|graphql|gradle|lock|env|example)$/i;

/** Paths the task names: `a/b.ts`, `src/x/`, `package.json` (with a known extension when there is no slash). */
export function filesIn(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s`'"()[\]{},;]+/)) {
    const token = raw.replace(/^[*_<]+|[*_>:.!?]+$/g, "").replace(/^\.\//, "");
    if (!token || token.length > 200 || /^(?:https?:|mailto:|@|~|\/|-)/.test(token) || token.includes("..") || /[=|$%*]/.test(token))
      continue;
    if (!/^[\w.@-]+(?:\/[\w.@[\]-]+)*\/?$/.test(token)) continue;
    const slash = token.includes("/");
    const last = token.replace(/\/$/, "").split("/").pop() ?? "";
    const file = slash ? token.endsWith("/") || /\.[A-Za-z][\w]{0,9}$/.test(last) : EXTENSIONS.test(token);
    if (file && !out.includes(token)) out.push(token);
  }
  return out;
}

/** `T006`, `T003-T005`, `T006–T008` → id references with their positions (ranges kept as `A..B`). */
function refsIn(list: string, line: number, col: number): { ref: string; at: Position }[] {
  const out: { ref: string; at: Position }[] = [];
  const re = /(T\d+[A-Za-z]?(?:-\d+)?)(?:\s*(?:[-–—]|\.\.|to)\s*(T\d+[A-Za-z]?(?:-\d+)?))?/g;
  for (const m of list.matchAll(re)) {
    const at = { line, col: col + (m.index ?? 0), length: m[0].length };
    out.push({ ref: m[2] ? `${m[1]}..${m[2]}` : m[1], at });
  }
  return out;
}

function depsIn(block: string[], first: number, lines: string[]): { ref: string; at: Position }[] {
  const out: { ref: string; at: Position }[] = [];
  block.forEach((_, k) => {
    const line = lines[first + k];
    for (const m of line.matchAll(IDS_AFTER)) {
      const start = (m.index ?? 0) + m[0].length - m[1].length;
      out.push(...refsIn(m[1], first + k + 1, start + 1));
    }
  });
  return out;
}

/**
 * A `## Dependencies` section: `T008 blocks T009`, `T003,T004 → T005 → T006`, `T004-T007 before T008`,
 * `T010 depends on T009` → dependencies of the tasks they name (ids listed before the task only).
 */
function addSectionDependencies(depLines: { index: number; text: string }[], tasks: SkTask[]): void {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  for (const { index, text: line } of depLines) {
    let offset = 0;
    // `[needs T030/T031]` annotates a line; it is not one more step of its arrows
    for (const text of line.replace(/\[[^\]]*\]/g, (m) => " ".repeat(m.length)).split(";")) {
      sectionClause(text, index, offset, tasks, byId);
      offset += text.length + 1;
    }
  }
}

function sectionClause(text: string, index: number, offset: number, tasks: SkTask[], byId: Map<string, SkTask>): void {
  {
    const arrow = /\s*(?:→|->|─+▶|-+>|=>|⇒|⟶|\bblocks\b|\bbefore\b|\bgates\b)\s*/i;
    const backward = /\s*(?:\bdepends\s+on\b|\bafter\b|\bneeds\b|←|<-)\s*/i;
    let segments: string[];
    let reverse = false;
    if (arrow.test(text)) segments = text.split(new RegExp(arrow.source, "gi"));
    else if (backward.test(text)) {
      segments = text.split(new RegExp(backward.source, "gi"));
      reverse = true;
    } else return;
    let col = 1;
    const groups = segments.map((s) => {
      const start = text.indexOf(s, col - 1);
      col = start + s.length + 1;
      return refsIn(s, index + 1, offset + start + 1);
    });
    if (reverse) groups.reverse();
    for (let g = 1; g < groups.length; g++) {
      const before = groups[g - 1];
      if (!before.length) continue;
      for (const target of groups[g]) {
        for (const id of expand(target.ref, tasks)) {
          const t = byId.get(id);
          if (t) t.deps.push(...before);
        }
      }
    }
  }
}

/** `T003..T005` → the ids of the file from the first to the second, in file order; a single id → itself. */
export function expand(ref: string, tasks: readonly SkTask[]): string[] {
  if (!ref.includes("..")) return [ref];
  const [from, to] = ref.split("..");
  const a = tasks.findIndex((t) => t.id === from);
  const b = tasks.findIndex((t) => t.id === to);
  if (a < 0 || b < 0 || b < a) return [];
  return tasks.slice(a, b + 1).map((t) => t.id);
}
