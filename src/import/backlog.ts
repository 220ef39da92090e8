/**
 * A Backlog.md folder (MrLesk/Backlog.md: `backlog/config.yml`, `backlog/tasks/task-N - Title.md`
 * with YAML frontmatter and `## Description`, `## Acceptance Criteria`, `## Implementation Plan`
 * sections) → the plan: one prompt task per task file that is not done; `dependencies` → `needs`,
 * waves by dependency depth. The last of config.yml's `statuses` is done (Backlog.md's board puts
 * it last); `completed/` holds done tasks and `archive/tasks/` dropped ones; `drafts/` are not work.
 * Pure: the files come in as text.
 */
import type { Position } from "../plan/diagnostics.js";
import { type Report, waveNeeds } from "./diagnostics.js";
import type { ImportedPlan, ImportedTask, ImportedWave, Where } from "./imported.js";
import { parseLocated } from "./locate.js";
import { assignWorkers, capitalize, capWaves, widestWave } from "./workers.js";

export interface BacklogFile {
  name: string;
  path: string;
  text: string;
}

export interface BacklogSource {
  kind: "backlog";
  folder: string;
  config?: { path: string; text: string };
  tasks: BacklogFile[];
  completed: BacklogFile[];
  archived: BacklogFile[];
  /** how many drafts there are (not read: drafts are not work) */
  drafts: number;
}

export interface BacklogOptions {
  source: BacklogSource;
  all?: boolean;
  workers?: number;
  maxParallel: number;
}

interface BlTask {
  /** as written, `TASK-8` */
  id: string;
  /** compared form, `task-8` */
  key: string;
  title: string;
  status: string;
  statusAt: Where;
  priority: string;
  labels: string[];
  parent?: string;
  dependencies: { ref: string; key: string; at: Where }[];
  body: string;
  file: BacklogFile;
  at: Where;
}

/** Backlog.md's defaults (src/constants/index.ts DEFAULT_STATUSES) when config.yml has none. */
const DEFAULT_STATUSES = ["To Do", "In Progress", "Done"];

export function importBacklog(opts: BacklogOptions, report: Report): { plan: ImportedPlan; skipped: string[] } {
  const src = opts.source;
  const { statuses, prefix, name } = readConfig(src, report);
  const doneStatus = statuses[statuses.length - 1].toLowerCase();
  const read = (files: BacklogFile[]) => files.map((f) => readTask(f, prefix, report)).filter((t): t is BlTask => t !== undefined);
  // in id order (task-2 before task-10), as Backlog.md lists them
  const active = read(src.tasks).sort((a, b) => a.key.localeCompare(b.key, "en", { numeric: true }));
  const completed = new Set(read(src.completed).map((t) => t.key));
  const archived = new Set(read(src.archived).map((t) => t.key));
  for (const t of active)
    if (!statuses.some((s) => s.toLowerCase() === t.status.toLowerCase()))
      report
        .for(t.file.path)
        .warning(
          "backlog",
          `status "${t.status}" is not one of config.yml's statuses (${statuses.join(", ")}); the task is read as not done`,
          t.statusAt,
        );
  const isDone = (t: BlTask) => t.status.toLowerCase() === doneStatus;
  const skipped = opts.all ? [] : active.filter(isDone).map((t) => t.id);
  const kept = active.filter((t) => opts.all || !isDone(t));
  const byKey = new Map(kept.map((t) => [t.key, t]));
  const known = new Set([...active.map((t) => t.key), ...completed]);

  const edges = new Map<string, { id: string; at: Where }[]>();
  for (const t of kept) {
    const needs: { id: string; at: Where }[] = [];
    for (const dep of t.dependencies) {
      const d = report.for(t.file.path);
      if (dep.key === t.key) d.warning("backlog-dependency", `${t.id} depends on itself; ignored`, dep.at);
      else if (byKey.has(dep.key)) {
        if (!needs.some((n) => n.id === dep.key)) needs.push({ id: dep.key, at: dep.at });
      } else if (known.has(dep.key))
        continue; // done (status or completed/): nothing to wait for
      else if (archived.has(dep.key))
        d.warning("backlog-dependency", `${t.id} depends on ${dep.ref}, which is archived; taken as nothing to wait for`, dep.at);
      else
        d.warning(
          "backlog-dependency",
          `${t.id} depends on ${dep.ref}, which is not a task of ${src.folder} (tasks/, completed/, archive/); the dependency is ignored`,
          dep.at,
        );
    }
    edges.set(t.key, needs);
  }
  const waveOf = waveNeeds(
    kept.map((t) => t.key),
    edges,
    () => 1,
    report,
    (key) => byKey.get(key)?.file.path ?? "",
  );
  const kinds = new Map<ImportedTask, string>();
  const numbers = [...new Set(kept.map((t) => waveOf.get(t.key) ?? 1))].sort((a, b) => a - b);
  const byDepth: ImportedWave[] = numbers.map((n) => {
    const tasks = kept
      .filter((t) => (waveOf.get(t.key) ?? 1) === n)
      .map((t) => {
        const task: ImportedTask = {
          id: t.key,
          finalId: t.key,
          instance: "",
          title: t.title,
          prompt: promptOf(t, folderName(src.folder)),
          outputs: [],
          needs: (edges.get(t.key) ?? []).map((e) => e.id),
          note: `Backlog.md ${t.id} (${t.status}, ${t.priority} priority)`,
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
      tasks,
      at: tasks[0].at,
    };
  });
  const first = src.tasks[0]?.path ?? src.folder;
  const waves = capWaves(byDepth, opts.maxParallel, report, first);
  const instances = assignWorkers(
    waves,
    kinds,
    opts.workers ?? widestWave(waves),
    (k) => capitalize(`${k}-priority engineer`),
    (k, n) => `${n} ${k}-priority task${n === 1 ? "" : "s"}`,
    { line: 1, col: 1, file: first },
  );
  return {
    plan: {
      name: name ? `${name} backlog` : "Backlog",
      description: `Backlog.md tasks in ${folderName(src.folder)}/${src.drafts ? ` (${src.drafts} draft(s) not imported: drafts are not work)` : ""}`,
      instances,
      needsAgent: true,
      waves,
    },
    skipped,
  };
}

/** The backlog folder as the repository names it (`backlog`), whatever path it was given by. */
const folderName = (folder: string) => folder.replace(/\/+$/, "").split("/").pop() || "backlog";

function readConfig(src: BacklogSource, report: Report): { statuses: string[]; prefix: string; name?: string } {
  const fallback = { statuses: DEFAULT_STATUSES, prefix: "task" };
  if (!src.config) return fallback;
  const parsed = parseLocated(src.config.text);
  const d = report.for(src.config.path);
  if (parsed.errors.length) {
    d.warning(
      "backlog",
      `config.yml does not parse (${parsed.errors[0].message}); using Backlog.md's default statuses ${DEFAULT_STATUSES.join(", ")}`,
      parsed.errors[0].at,
    );
    return fallback;
  }
  const config = (parsed.value ?? {}) as Record<string, unknown>;
  const statuses = Array.isArray(config.statuses) ? config.statuses.map(String).filter((s) => s.trim()) : [];
  if (config.statuses !== undefined && !statuses.length)
    d.warning("backlog", `statuses is not a list of names; using ${DEFAULT_STATUSES.join(", ")}`, parsed.locate(["statuses"]));
  return {
    statuses: statuses.length ? statuses : DEFAULT_STATUSES,
    prefix: typeof config.task_prefix === "string" && config.task_prefix.trim() ? config.task_prefix.trim().toLowerCase() : "task",
    name: typeof config.project_name === "string" ? config.project_name : undefined,
  };
}

/** `TASK-8`, `task-8`, `8`, `task-08` → `task-8` (Backlog.md's taskIdsEqual: prefix and case ignored, numbers compared as numbers). */
export function backlogKey(ref: string, prefix: string): string {
  const text = ref.trim().toLowerCase();
  const m = /^(?:([a-z][\w]*)-)?(\d+(?:\.\d+)*)$/.exec(text);
  if (!m) return text;
  return `${m[1] ?? prefix}-${m[2]
    .split(".")
    .map((n) => String(Number(n)))
    .join(".")}`;
}

function readTask(file: BacklogFile, prefix: string, report: Report): BlTask | undefined {
  const d = report.for(file.path);
  const top: Where = { line: 1, col: 1, file: file.path };
  const lines = file.text.replace(/^\uFEFF/, "").split("\n");
  if (lines[0]?.trim() !== "---") {
    d.error("backlog", "no frontmatter: a Backlog.md task starts with a --- block holding id, title, status", top);
    return undefined;
  }
  const end = lines.findIndex((l, i) => i > 0 && /^---\s*$/.test(l));
  if (end < 0) {
    d.error("backlog", "the frontmatter opened by --- on line 1 is never closed: add a --- line after its last key", { ...top, length: 3 });
    return undefined;
  }
  const parsed = parseLocated(lines.slice(1, end).join("\n"), 2);
  for (const e of parsed.errors) d.error("backlog", `frontmatter: ${e.message}`, e.at);
  if (parsed.errors.length) return undefined;
  const front = (parsed.value ?? {}) as Record<string, unknown>;
  const where = (path: (string | number)[], key = false): Where => ({ ...parsed.locate(path, key), file: file.path });
  const fromName = /^([A-Za-z][\w]*-\d+(?:\.\d+)*)\b/.exec(file.name)?.[1];
  const id = typeof front.id === "string" || typeof front.id === "number" ? String(front.id).trim() : fromName;
  if (!id) {
    d.error("backlog", "no `id:` in the frontmatter and none in the file name (task-N - Title.md)", top);
    return undefined;
  }
  const deps = Array.isArray(front.dependencies) ? front.dependencies : typeof front.dependencies === "string" ? [front.dependencies] : [];
  const dependencies = deps.flatMap((ref, i) => {
    const at = where(Array.isArray(front.dependencies) ? ["dependencies", i] : ["dependencies"]);
    return typeof ref === "string" || typeof ref === "number" ? [{ ref: String(ref), key: backlogKey(String(ref), prefix), at }] : [];
  });
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
  return {
    id,
    key: backlogKey(id, prefix),
    title: (str(front.title) ?? id).replace(/\s+/g, " "),
    status: str(front.status) ?? "To Do",
    statusAt: where([front.status === undefined ? "id" : "status"]),
    priority: (str(front.priority) ?? "medium").toLowerCase(),
    labels: Array.isArray(front.labels) ? front.labels.map(String) : [],
    parent: str(front.parent_task_id) ?? str(front.parent),
    dependencies,
    body: lines.slice(end + 1).join("\n"),
    file,
    at: { ...(front.id === undefined ? { line: 1, col: 1 } : where(["id"], true)), file: file.path } as Where & Position,
  };
}

/** The task file's body as written, without Backlog.md's section markers, under a header naming the task. */
function promptOf(t: BlTask, folder: string): string {
  const body = t.body
    .split("\n")
    .filter((l) => !/^\s*<!--\s*(?:SECTION|AC|DOD|COMMENTS?):[A-Z_]*:?(?:BEGIN|END)?\s*-->\s*$/.test(l))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const facts = [
    `status ${t.status}`,
    `${t.priority} priority`,
    ...(t.labels.length ? [`labels ${t.labels.join(", ")}`] : []),
    ...(t.parent ? [`a subtask of ${t.parent}`] : []),
  ];
  return [
    `# ${t.id}: ${t.title}`,
    `A Backlog.md task (${facts.join("; ")}), from ${folder}/tasks/${t.file.name}. Do what it describes and meet its acceptance criteria; do not edit the task file: other tasks run at the same time, and waveplan records what is done.`,
    body,
  ]
    .filter(Boolean)
    .join("\n\n")
    .concat("\n");
}
