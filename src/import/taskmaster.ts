/**
 * A Task Master task graph (`tasks.json`, untagged `{"tasks": […]}` or tagged `{"master": {"tasks":
 * […]}, …}`) → the plan: one prompt task per top-level task, its subtasks a numbered checklist in
 * dependency order; waves by dependency depth; `dependencies` → `needs`. Pure: the JSON comes in as text.
 */

import type { DiagnosticList } from "../plan/diagnostics.js";
import { type Report, waveNeeds } from "./diagnostics.js";
import type { ImportedPlan, ImportedTask, ImportedWave, Where } from "./imported.js";
import { type Path, parseLocated } from "./locate.js";
import { assignWorkers, capitalize, capWaves, widestWave } from "./workers.js";

export interface TaskMasterOptions {
  file: string;
  text: string;
  /** --tag; else `currentTag` (from .taskmaster/state.json), else `master` */
  tag?: string;
  currentTag?: string;
  all?: boolean;
  workers?: number;
  /** the most tasks one wave may hold */
  maxParallel: number;
}

interface TmTask {
  id: string;
  title: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  acceptanceCriteria?: string;
  priority: string;
  status: string;
  statusAt: Where;
  dependencies: { ref: string; at: Where }[];
  subtasks: TmSub[];
  at: Where;
}

interface TmSub {
  id: string;
  title: string;
  description?: string;
  details?: string;
  testStrategy?: string;
  status: string;
  deps: string[];
}

/**
 * Task Master's statuses (src/constants/task-status.js of eyaltoledano/claude-task-master): pending,
 * in-progress, done, review, deferred, cancelled, blocked. Work that is over — done, cancelled, or
 * written and waiting for a human's review — is left out unless --all, and what needs it does not wait.
 */
const FINISHED = new Set(["done", "cancelled", "review"]);
/** Work put off or stuck: left out unless --all, and so is everything that needs it. */
const HELD = new Set(["deferred", "blocked"]);

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() ? v.trim() : typeof v === "number" ? String(v) : undefined;
/** `1`, `"1"`, `"1.2"` → a task id in text; anything else undefined. */
const idText = (v: unknown): string | undefined =>
  typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? v.trim() : undefined;

export function importTaskMaster(
  opts: TaskMasterOptions,
  report: Report,
): { plan: ImportedPlan; skipped: string[]; tag?: string; pendingElsewhere?: string } {
  const d = report.for(opts.file);
  const top = { line: 1, col: 1, file: opts.file };
  const empty = { plan: { name: "", instances: [], needsAgent: true, waves: [] }, skipped: [] };
  let root: unknown;
  try {
    root = JSON.parse(opts.text.replace(/^\uFEFF/, ""));
  } catch (e) {
    const parsed = parseLocated(opts.text);
    d.error("json", `not valid JSON: ${(e as Error).message}`, parsed.errors[0]?.at ?? top);
    return empty;
  }
  const parsed = parseLocated(opts.text);
  const where = (path: Path, key = false): Where => ({ ...(parsed.errors.length ? top : parsed.locate(path, key)), file: opts.file });

  if (!root || typeof root !== "object" || Array.isArray(root)) {
    d.error("taskmaster", 'expected an object: {"tasks": […]} or tagged {"master": {"tasks": […]}}', top);
    return empty;
  }
  const obj = root as Record<string, unknown>;
  let base: Path;
  let tag: string | undefined;
  if (Array.isArray(obj.tasks)) {
    base = ["tasks"];
    if (opts.tag) d.warning("taskmaster-tag", `this tasks.json has no tags; --tag ${opts.tag} is ignored`, top);
  } else {
    const tags = Object.keys(obj).filter((k) => {
      const v = obj[k] as Record<string, unknown> | undefined;
      return v && typeof v === "object" && Array.isArray(v.tasks);
    });
    tag = opts.tag ?? opts.currentTag ?? "master";
    if (!tags.length) {
      d.error("taskmaster", 'no task list found: expected {"tasks": […]} or tags like {"master": {"tasks": […]}}', top);
      return empty;
    }
    if (!tags.includes(tag)) {
      d.error(
        "taskmaster-tag",
        `no tag "${tag}"${opts.tag ? "" : opts.currentTag ? " (the current tag in .taskmaster/state.json)" : " (the default)"}; this file has ${tags.map((t) => `"${t}"`).join(", ")} — choose one with --tag`,
        top,
      );
      return empty;
    }
    base = [tag, "tasks"];
  }
  const list = (base.length === 1 ? obj.tasks : (obj[base[0]] as Record<string, unknown>).tasks) as unknown[];

  const tasks: TmTask[] = [];
  const seen = new Map<string, TmTask>();
  list.forEach((raw, i) => {
    const path = [...base, i];
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      d.error("taskmaster", "a task must be an object with id, title and dependencies", where(path));
      return;
    }
    const t = raw as Record<string, unknown>;
    const id = idText(t.id);
    if (id === undefined || id.includes(".")) {
      d.error("taskmaster", `task id ${JSON.stringify(t.id)} is not a whole number`, where([...path, "id"]));
      return;
    }
    if (seen.has(id)) {
      d.error("duplicate-id", `task id ${id} is used twice`, where([...path, "id"]));
      return;
    }
    const deps = Array.isArray(t.dependencies) ? t.dependencies : t.dependencies === undefined ? [] : [t.dependencies];
    const dependencies: TmTask["dependencies"] = [];
    deps.forEach((dep, di) => {
      const at = where(Array.isArray(t.dependencies) ? [...path, "dependencies", di] : [...path, "dependencies"]);
      const ref = idText(dep);
      if (ref === undefined) d.error("taskmaster", `dependency ${JSON.stringify(dep)} is not a task id`, at);
      else dependencies.push({ ref, at });
    });
    const task: TmTask = {
      id,
      title: str(t.title) ?? `Task ${id}`,
      description: str(t.description),
      details: str(t.details),
      testStrategy: str(t.testStrategy),
      acceptanceCriteria: Array.isArray(t.acceptanceCriteria)
        ? t.acceptanceCriteria.map((c) => `- ${String(c)}`).join("\n")
        : str(t.acceptanceCriteria),
      priority: (str(t.priority) ?? "medium").toLowerCase(),
      status: (str(t.status) ?? "pending").toLowerCase(),
      statusAt: where([...path, t.status === undefined ? "id" : "status"]),
      dependencies,
      subtasks: readSubtasks(id, t.subtasks),
      at: where([...path, "id"], true),
    };
    seen.set(id, task);
    tasks.push(task);
  });

  const skipped = opts.all ? [] : tasks.filter((t) => FINISHED.has(t.status)).map((t) => t.id);
  const held = heldBack(tasks, opts.all === true, d);
  const kept = tasks.filter((t) => !skipped.includes(t.id) && !held.has(t.id));
  const byId = new Map(kept.map((t) => [t.id, t]));
  const edges = new Map<string, { id: string; at: Where }[]>();
  for (const t of kept) {
    const needs: { id: string; at: Where }[] = [];
    for (const dep of t.dependencies) {
      const parent = dep.ref.split(".")[0];
      if (dep.ref.includes("."))
        d.warning("taskmaster-dependency", `${dep.ref} is a subtask; task ${t.id} waits for all of task ${parent}`, dep.at);
      if (parent === t.id) d.error("cycle", `task ${t.id} depends on itself`, dep.at);
      else if (byId.has(parent)) {
        if (!needs.some((n) => n.id === parent)) needs.push({ id: parent, at: dep.at });
      } else if (held.has(parent)) {
        // left out with it (heldBack said so)
      } else if (!seen.has(parent))
        d.error(
          "taskmaster-dependency",
          `task ${t.id} depends on task ${parent}, which does not exist${tag ? ` in tag "${tag}"` : ""}`,
          dep.at,
        );
      // else: finished work (left out), nothing to wait for
    }
    edges.set(t.id, needs);
  }
  const waveOf = waveNeeds(
    kept.map((t) => t.id),
    edges,
    () => 1,
    report,
    () => opts.file,
  );
  const taskIdOf = (id: string) => `task-${id}`;
  const kinds = new Map<ImportedTask, string>();
  const numbers = [...new Set(kept.map((t) => waveOf.get(t.id) ?? 1))].sort((a, b) => a - b);
  const byDepth: ImportedWave[] = numbers.map((n) => {
    const ts = kept
      .filter((t) => (waveOf.get(t.id) ?? 1) === n)
      .map((t) => {
        const task: ImportedTask = {
          id: taskIdOf(t.id),
          finalId: taskIdOf(t.id),
          instance: "",
          title: t.title,
          prompt: promptOf(t, opts.all === true),
          outputs: [],
          needs: (edges.get(t.id) ?? []).map((e) => taskIdOf(e.id)),
          note: `Task Master task ${t.id} (${t.priority} priority, ${t.status})`,
          at: t.at,
        };
        kinds.set(task, t.priority);
        return task;
      });
    return {
      id: `W${n}`,
      name: n === 1 ? "No dependencies" : `Dependency depth ${n - 1}`,
      mode: "parallel",
      placeholder: false,
      tasks: ts,
      at: ts[0].at,
    };
  });
  const waves = capWaves(byDepth, opts.maxParallel, report, opts.file);
  const instances = assignWorkers(
    waves,
    kinds,
    opts.workers ?? widestWave(waves),
    (k) => capitalize(`${k}-priority engineer`),
    (k, n) => `${n} ${k}-priority task${n === 1 ? "" : "s"}`,
    top,
  );
  const name = tag ? `Task Master tasks (tag ${tag})` : "Task Master tasks";
  return { plan: { name, instances, needsAgent: true, waves }, skipped, tag, pendingElsewhere: pendingInOtherTags(obj, tag) };
}

/** Deferred and blocked tasks, and every task that needs one of them (it cannot start without it), with a warning each. */
function heldBack(tasks: readonly TmTask[], all: boolean, d: DiagnosticList): Set<string> {
  const held = new Set<string>();
  if (all) return held;
  for (const t of tasks)
    if (HELD.has(t.status)) {
      held.add(t.id);
      d.warning("taskmaster-status", `task ${t.id} is ${t.status}: not imported (--all imports it)`, t.statusAt);
    }
  let grew = true;
  while (grew) {
    grew = false;
    for (const t of tasks) {
      if (held.has(t.id) || FINISHED.has(t.status)) continue;
      const dep = t.dependencies.find((x) => held.has(x.ref.split(".")[0]));
      if (!dep) continue;
      held.add(t.id);
      grew = true;
      d.warning("taskmaster-status", `task ${t.id} needs task ${dep.ref.split(".")[0]}, which is not imported; it is left out too`, dep.at);
    }
  }
  return held;
}

/** " — tag "x" has N pending tasks (--tag x)" for the other tags of a tagged file, for the nothing-to-do message. */
function pendingInOtherTags(obj: Record<string, unknown>, tag: string | undefined): string {
  if (tag === undefined) return "";
  const other = Object.entries(obj).flatMap(([name, v]) => {
    const list = name !== tag && v && typeof v === "object" ? (v as { tasks?: unknown }).tasks : undefined;
    if (!Array.isArray(list)) return [];
    const n = list.filter((t) => {
      const status = (str((t as { status?: unknown })?.status) ?? "pending").toLowerCase();
      return !FINISHED.has(status) && !HELD.has(status);
    }).length;
    return n ? [`tag "${name}" has ${n} pending task${n === 1 ? "" : "s"} (--tag ${name})`] : [];
  });
  return other.length ? `; ${other.join(", ")}` : "";
}

function readSubtasks(parent: string, value: unknown): TmSub[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((s): s is Record<string, unknown> => !!s && typeof s === "object" && !Array.isArray(s))
    .map((s, i) => ({
      id: idText(s.id) ?? String(i + 1),
      title: str(s.title) ?? `Subtask ${i + 1}`,
      description: str(s.description),
      details: str(s.details),
      testStrategy: str(s.testStrategy),
      status: (str(s.status) ?? "pending").toLowerCase(),
      // sibling references come as 2 or "2" or "<parent>.2"
      deps: (Array.isArray(s.dependencies) ? s.dependencies : []).map((dep) => {
        const t = idText(dep) ?? "";
        return t.startsWith(`${parent}.`) ? t.slice(parent.length + 1) : t;
      }),
    }));
}

/** Subtasks in dependency order (a stable topological sort; a cycle among them keeps the listed order). */
export function orderSubtasks(subs: readonly TmSub[]): TmSub[] {
  const out: TmSub[] = [];
  const placed = new Set<string>();
  const ids = new Set(subs.map((s) => s.id));
  while (out.length < subs.length) {
    const next =
      subs.find((s) => !placed.has(s.id) && s.deps.every((d) => placed.has(d) || !ids.has(d) || d === s.id)) ??
      subs.find((s) => !placed.has(s.id));
    if (!next) break;
    placed.add(next.id);
    out.push(next);
  }
  return out;
}

const indent = (text: string, by: string) =>
  text
    .split("\n")
    .map((l) => (l ? by + l : l))
    .join("\n");

function promptOf(t: TmTask, all: boolean): string {
  const parts = [`# Task ${t.id}: ${t.title}`];
  if (t.description) parts.push(t.description);
  if (t.details) parts.push(`## Details\n\n${t.details}`);
  const subs = orderSubtasks(t.subtasks);
  if (subs.length) {
    const items = subs.map((s, i) => {
      const done = FINISHED.has(s.status) && !all ? " (already done — check it, do not redo it)" : "";
      const body = [s.description, s.details, s.testStrategy && `Test: ${s.testStrategy}`].filter(Boolean).join("\n\n");
      return `${i + 1}. ${s.title}${done}${body ? `\n${indent(body, "   ")}` : ""}`;
    });
    parts.push(`## Steps, in this order\n\n${items.join("\n")}`);
  }
  if (t.acceptanceCriteria) parts.push(`## Acceptance criteria\n\n${t.acceptanceCriteria}`);
  if (t.testStrategy) parts.push(`## Test strategy\n\n${t.testStrategy}`);
  return `${parts.join("\n\n")}\n`;
}
