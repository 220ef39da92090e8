/**
 * The adapter between the disk and the pure importers: tells from a path which kind of plan it is
 * (GSD phase, Task Master graph, spec-kit feature, Backlog.md folder; undefined for a markdown plan)
 * and reads the files the importer needs, as text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { WaveplanError } from "../errors.js";
import { DiagnosticList, PlanError } from "../plan/diagnostics.js";
import { decodeUtf8, MAX_PLAN_BYTES } from "../plan/load.js";
import { gsdPlanId, gsdSummaryId } from "./gsd.js";
import type { PlanSource } from "./index.js";

/** The source at `path`, or undefined when it is a markdown plan. */
export function readPlanSource(path: string): PlanSource | undefined {
  const st = statSync(path);
  const name = basename(path);
  if (st.isDirectory()) return readFolder(path);
  if (gsdPlanId(name) !== undefined) return readGsd(dirname(path));
  if (name.toLowerCase() === "tasks.md") return readSpecKit(dirname(path), path);
  if (name.toLowerCase() === "config.yml" && existsSync(join(dirname(path), "tasks"))) return readBacklog(dirname(path));
  if (extname(path).toLowerCase() === ".json") return readTaskMaster(path);
  return undefined;
}

function readFolder(path: string): PlanSource {
  const names = readdirSync(path);
  if (names.some((n) => gsdPlanId(n) !== undefined)) return readGsd(path);
  if (names.includes("tasks.md")) return readSpecKit(path, join(path, "tasks.md"));
  if (isBacklog(path)) return readBacklog(path);
  if (isBacklog(join(path, "backlog"))) return readBacklog(join(path, "backlog"));
  // a project folder stands for its Task Master graph; Task Master's own findTasksPath
  // (eyaltoledano/claude-task-master, src/utils/path-utils.js) tries .taskmaster/ before the legacy tasks/
  const candidates = [".taskmaster/tasks/tasks.json", "tasks/tasks.json", "tasks.json"].filter((f) => existsSync(join(path, f)));
  if (candidates.length) {
    const source = readTaskMaster(join(path, candidates[0]));
    if (candidates.length > 1 && source.kind === "taskmaster")
      source.notices = [
        `${candidates.slice(1).join(" and ")} also exist${candidates.length > 2 ? "" : "s"} in ${posixPath(path)}; importing ${candidates[0]}, the file Task Master itself uses (give the other file's path to import it instead)`,
      ];
    return source;
  }
  throw new WaveplanError(
    `${path} is a folder without a plan waveplan knows: give a GSD phase folder (NN-MM-PLAN.md), a spec-kit feature folder (tasks.md), a Backlog.md folder (config.yml and tasks/), a Task Master tasks.json or a markdown plan`,
  );
}

function isBacklog(dir: string): boolean {
  return existsSync(join(dir, "config.yml")) && existsSync(join(dir, "tasks")) && statSync(join(dir, "tasks")).isDirectory();
}

function readGsd(folder: string): PlanSource {
  const names = readdirSync(folder).sort();
  const plans = names.filter((n) => gsdPlanId(n) !== undefined);
  if (!plans.length) throw new WaveplanError(`${folder} holds no GSD plans (NN-MM-PLAN.md)`);
  const done = new Set(names.map(gsdSummaryId).filter((x): x is string => !!x));
  return {
    kind: "gsd",
    folder,
    phase: basename(resolve(folder)),
    plans: plans.map((name) => ({ name, path: posixPath(join(folder, name)), text: readSourceText(join(folder, name)) })),
    done,
  };
}

function readTaskMaster(path: string): PlanSource {
  return { kind: "taskmaster", file: posixPath(path), text: readSourceText(path), currentTag: currentTag(path) };
}

/** Task Master keeps the tag in use in .taskmaster/state.json, next to the tasks/ folder. */
function currentTag(tasksJson: string): string | undefined {
  const dir = dirname(resolve(tasksJson));
  for (const state of [
    join(dir, "..", "state.json"),
    join(dir, ".taskmaster", "state.json"),
    join(dir, "..", ".taskmaster", "state.json"),
  ]) {
    if (!existsSync(state)) continue;
    try {
      const tag = (JSON.parse(readFileSync(state, "utf8")) as { currentTag?: unknown }).currentTag;
      if (typeof tag === "string" && tag) return tag;
    } catch {
      // a broken state file only loses the default; --tag still works
    }
  }
  return undefined;
}

/** The design documents spec-kit's /implement reads besides tasks.md (templates/commands/implement.md of github/spec-kit). */
const SPEC_KIT_CONTEXT = ["plan.md", "spec.md", "data-model.md", "contracts", "research.md", "quickstart.md"];

function readSpecKit(folder: string, tasks: string): PlanSource {
  const present = SPEC_KIT_CONTEXT.filter((f) => existsSync(join(folder, f)));
  const feature = basename(resolve(folder));
  return {
    kind: "speckit",
    file: posixPath(tasks),
    text: readSourceText(tasks),
    feature,
    featureDir: repoRelative(posixPath(resolve(folder)), "specs/", `specs/${feature}`),
    context: present.map((f) => (statSync(join(folder, f)).isDirectory() ? `${f}/` : f)),
  };
}

function readBacklog(folder: string): PlanSource {
  const md = (sub: string) => {
    const dir = join(folder, sub);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => n.toLowerCase().endsWith(".md"))
      .sort()
      .map((name) => ({ name, path: posixPath(join(dir, name)), text: readSourceText(join(dir, name)) }));
  };
  const config = join(folder, "config.yml");
  return {
    kind: "backlog",
    folder: posixPath(folder),
    config: existsSync(config) ? { path: posixPath(config), text: readSourceText(config) } : undefined,
    tasks: md("tasks"),
    completed: md("completed"),
    archived: md(join("archive", "tasks")),
    drafts: existsSync(join(folder, "drafts")) ? readdirSync(join(folder, "drafts")).filter((n) => n.endsWith(".md")).length : 0,
  };
}

/** The path from the repository root, found at `marker` (`specs/`); `fallback` when the path does not show it. */
function repoRelative(path: string, marker: string, fallback: string): string {
  const i = path.lastIndexOf(`/${marker}`);
  return i >= 0 ? path.slice(i + 1) : fallback;
}

/** A source file as text: size-capped, UTF-8 checked (an error at the file, not a stack trace). */
export function readSourceText(file: string): string {
  const size = statSync(file).size;
  const d = new DiagnosticList(file);
  if (size > MAX_PLAN_BYTES) {
    d.error("file-too-large", `source is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
    throw new PlanError(d.sorted());
  }
  const text = decodeUtf8(readFileSync(file), d);
  if (text === undefined) throw new PlanError(d.sorted());
  return text;
}

export function posixPath(p: string): string {
  return p.split(sep).join("/");
}
