/**
 * A spec-kit feature (`specs/003-feature/tasks.md` beside plan.md, spec.md …) → the plan. What one
 * plan task is (`--group`):
 * - `story` (default): one agent per user story, the stories side by side once the phases before
 *   them are done (the template: "Once Foundational phase completes, all user stories can start in
 *   parallel"); every other phase (Setup, Foundational, Polish, the old template's 3.x phases) is one
 *   agent, after everything listed before it. Stories that name the same file, or whose tasks say they
 *   depend on another story's, run one after the other.
 * - `batch`: the file's own markers: each `[P]` task one agent beside the rest of its run of `[P]`
 *   tasks; consecutive tasks without `[P]` one agent, in order.
 * - `task`: one agent per T-line; runs of `[P]` tasks side by side, every other task alone.
 * Finished tasks (`[x]`, `[X]`, `[-]`) are left out unless --all. Pure: the text comes in.
 */
import type { Position } from "../plan/diagnostics.js";
import { type Report, waveNeeds } from "./diagnostics.js";
import type { ImportedPlan, ImportedTask, ImportedWave, Where } from "./imported.js";
import { expand, parseTasksMd, type SkPhase, type SkTask } from "./speckit-parse.js";
import { assignWorkers, capitalize, capWaves, widestWave } from "./workers.js";

export type SpecKitGroup = "story" | "batch" | "task";
export const SPEC_KIT_GROUPS: readonly SpecKitGroup[] = ["story", "batch", "task"];

export interface SpecKitSource {
  kind: "speckit";
  /** tasks.md, as diagnostics name it */
  file: string;
  text: string;
  /** the feature folder's name, `003-feature` */
  feature: string;
  /** the feature folder from the repository root, `specs/003-feature` */
  featureDir: string;
  /** the design documents beside tasks.md (`plan.md`, `contracts/` …) */
  context: string[];
}

export interface SpecKitOptions {
  source: SpecKitSource;
  group: SpecKitGroup;
  all?: boolean;
  workers?: number;
  maxParallel: number;
}

/** One task of the plan: some T-lines of the file, done by one agent. */
interface Unit {
  id: string;
  title: string;
  kind: SkPhase["kind"];
  phase: SkPhase;
  tasks: SkTask[];
  /** story mode: a phase that waits for everything before it, and that everything after waits for */
  barrier: boolean;
  /** batch/task modes: units of one step run side by side, steps one after the other */
  step: number;
  needs: { id: string; at: Where }[];
}

export function importSpecKit(opts: SpecKitOptions, report: Report): { plan: ImportedPlan; skipped: string[] } {
  const src = opts.source;
  const d = report.for(src.file);
  const where = (p: Position): Where => ({ ...p, file: src.file });
  const parsed = parseTasksMd(src.text, d);
  // the feature's own documents are read, not changed: a story that names quickstart.md does not conflict with another
  const documents = (f: string) => f.startsWith("specs/") || f.startsWith("contracts/") || ["tasks.md", ...src.context].includes(f);
  for (const t of parsed.tasks) t.files = t.files.filter((f) => !documents(f));
  const work = (t: SkTask) => opts.all === true || !t.finished;
  const skipped = parsed.tasks.filter((t) => !work(t)).map((t) => t.id);

  const units = opts.group === "story" ? storyUnits(parsed.tasks) : stepUnits(parsed.tasks, opts.group);
  const unitOf = new Map<string, Unit>();
  for (const u of units) for (const t of u.tasks) unitOf.set(t.id, u);
  const pending = units.filter((u) => u.tasks.some(work));
  const index = new Map(units.map((u, i) => [u, i]));
  const taskIndex = new Map(parsed.tasks.map((t, i) => [t.id, i]));
  const add = (u: Unit, other: Unit, at: Where) => {
    if (other !== u && !u.needs.some((n) => n.id === other.id)) u.needs.push({ id: other.id, at });
  };

  // written dependencies: on a task listed before (a later one cannot be waited for without reordering the file)
  for (const u of pending)
    for (const t of u.tasks.filter(work))
      for (const dep of t.deps) {
        const ids = expand(dep.ref, parsed.tasks);
        if (!ids.length || ids.some((id) => !taskIndex.has(id))) {
          d.warning("speckit-dependency", `${dep.ref.replace("..", "–")} is not a task of this file; the dependency is ignored`, dep.at);
          continue;
        }
        for (const id of ids) {
          const other = unitOf.get(id) as Unit;
          if (id === t.id || other === u) continue;
          if ((taskIndex.get(id) ?? 0) > (taskIndex.get(t.id) ?? 0)) {
            d.warning("speckit-dependency", `${t.id} depends on ${id}, which is listed after it; the file's order is kept`, dep.at);
            continue;
          }
          const dependency = parsed.tasks[taskIndex.get(id) ?? 0];
          if (!work(dependency) || !pending.includes(other)) continue; // done: nothing to wait for
          if ((index.get(other) ?? 0) < (index.get(u) ?? 0)) add(u, other, where(dep.at));
          else
            d.warning(
              "speckit-dependency",
              `${t.id} (${u.id}) depends on ${id} of ${other.id}, which is grouped to run after ${u.id}; --group task keeps the order of every line`,
              dep.at,
            );
        }
      }
  if (opts.group === "story") storyOrder(pending, work, add, d, where);
  else
    pending.forEach((u) => {
      const previous = pending.filter((p) => p.step < u.step);
      const last = previous.length ? Math.max(...previous.map((p) => p.step)) : undefined;
      for (const p of previous.filter((x) => x.step === last)) add(u, p, where(u.tasks[0].at));
    });

  const byId = new Map(pending.map((u) => [u.id, u]));
  const waveOf = waveNeeds(
    pending.map((u) => u.id),
    new Map(pending.map((u) => [u.id, u.needs])),
    () => 1,
    report,
    () => src.file,
  );
  const kinds = new Map<ImportedTask, string>();
  const numbers = [...new Set(pending.map((u) => waveOf.get(u.id) ?? 1))].sort((a, b) => a - b);
  const byDepth: ImportedWave[] = numbers.map((n) => {
    const members = pending.filter((u) => (waveOf.get(u.id) ?? 1) === n);
    const tasks = members.map((u) => {
      const files = [...new Set(u.tasks.filter(work).flatMap((t) => t.files))];
      const task: ImportedTask = {
        id: u.id,
        finalId: u.id,
        instance: "",
        title: u.title,
        prompt: promptOf(u, src, parsed.name, work),
        outputs: [],
        needs: u.needs.map((x) => x.id).filter((id) => byId.has(id)),
        files,
        note: `${u.tasks
          .filter(work)
          .map((t) => t.id)
          .join(", ")} of ${src.featureDir}/tasks.md`,
        at: where(u.tasks[0].at),
      };
      kinds.set(task, u.kind);
      return task;
    });
    return { id: `W${n}`, name: waveName(members), mode: "parallel", placeholder: false, tasks, at: tasks[0].at };
  });
  const waves = capWaves(byDepth, opts.maxParallel, report, src.file);
  const instances = assignWorkers(
    waves,
    kinds,
    opts.workers ?? widestWave(waves),
    (k) => ROLES[k as SkPhase["kind"]] ?? "Engineer",
    (k, n) => `${n} ${k === "phase" ? "" : `${k} `}task${n === 1 ? "" : "s"}`,
    { line: 1, col: 1, file: src.file },
  );
  return {
    plan: {
      name: parsed.name ?? capitalize(src.feature.replace(/^\d+-/, "").replace(/[-_]+/g, " ")),
      description: `spec-kit feature ${src.featureDir} (--group ${opts.group})`,
      instances,
      needsAgent: true,
      waves,
    },
    skipped,
  };
}

const ROLES: Record<SkPhase["kind"], string> = {
  setup: "Setup Engineer",
  foundational: "Foundation Engineer",
  story: "Story Engineer",
  polish: "Polish Engineer",
  phase: "Engineer",
};

/** Story mode: a unit per (phase, user story); a phase without stories is one unit. */
function storyUnits(tasks: readonly SkTask[]): Unit[] {
  const units: Unit[] = [];
  const ids = new Set<string>();
  const unique = (id: string) => {
    let out = id;
    for (let n = 2; ids.has(out); n++) out = `${id}-${n}`;
    ids.add(out);
    return out;
  };
  for (const t of tasks) {
    const storyPhase = t.phase.kind === "story" || tasks.some((x) => x.phase === t.phase && x.story);
    const story = storyPhase ? (t.story ?? t.phase.story) : undefined;
    let unit = units.find((u) => u.phase === t.phase && (u.barrier ? story === undefined : u.id.split("-")[0] === story));
    if (!unit) {
      const barrier = story === undefined;
      unit = {
        id: unique(barrier ? phaseId(t.phase) : (story as string)),
        title: barrier ? t.phase.title : storyTitle(story as string, t.phase),
        kind: barrier ? t.phase.kind : "story",
        phase: t.phase,
        tasks: [],
        barrier,
        step: 0,
        needs: [],
      };
      units.push(unit);
    }
    unit.tasks.push(t);
  }
  return units;
}

/** Batch and task modes: units in steps; a step's units run side by side. */
function stepUnits(tasks: readonly SkTask[], group: "batch" | "task"): Unit[] {
  const units: Unit[] = [];
  let step = 0;
  let previous: SkTask | undefined;
  for (const t of tasks) {
    const newPhase = previous?.phase !== t.phase;
    const last = units[units.length - 1];
    const joinsRun = group === "batch" && !t.parallel && previous && !previous.parallel && !newPhase && last;
    if (joinsRun) last.tasks.push(t);
    else {
      if (!(t.parallel && previous?.parallel && !newPhase)) step++;
      units.push({
        id: t.id,
        title: t.title,
        kind: t.phase.kind,
        phase: t.phase,
        tasks: [t],
        barrier: false,
        step,
        needs: [],
      });
    }
    previous = t;
  }
  for (const u of units)
    if (u.tasks.length > 1) u.title = `${u.tasks[0].id}–${u.tasks[u.tasks.length - 1].id}: ${u.tasks[0].title}`.slice(0, 80);
    else u.title = `${u.tasks[0].id}: ${u.tasks[0].title}`.slice(0, 80);
  return units;
}

/**
 * Story mode order: a barrier needs every pending unit since the last barrier (and that barrier);
 * a story needs the last barrier, and an earlier story of its group that names one of its files.
 */
function storyOrder(
  pending: Unit[],
  work: (t: SkTask) => boolean,
  add: (u: Unit, other: Unit, at: Where) => void,
  d: ReturnType<Report["for"]>,
  where: (p: Position) => Where,
): void {
  let barrier: Unit | undefined;
  let since: Unit[] = [];
  for (const u of pending) {
    const at = where(u.tasks[0].at);
    if (u.barrier) {
      for (const p of since) add(u, p, at);
      if (barrier) add(u, barrier, at);
      barrier = u;
      since = [];
      continue;
    }
    if (barrier) add(u, barrier, at);
    const mine = new Set(u.tasks.filter(work).flatMap((t) => t.files));
    for (const other of since) {
      const shared = [...new Set(other.tasks.filter(work).flatMap((t) => t.files))].filter((f) => mine.has(f));
      if (!shared.length) continue;
      add(u, other, at);
      const t = u.tasks.find((x) => work(x) && x.files.includes(shared[0])) as SkTask;
      d.warning(
        "speckit",
        `${u.id} and ${other.id} both name ${shared[0]}${shared.length > 1 ? ` (and ${shared.length - 1} more)` : ""}; ${u.id} runs after ${other.id} so that the checkpoint does not have to merge two changes to it`,
        t.at,
      );
    }
    since.push(u);
  }
}

function phaseId(p: SkPhase): string {
  if (p.number) return `phase-${p.number}`;
  const slug = p.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30);
  return slug || "tasks";
}

function storyTitle(story: string, p: SkPhase): string {
  const title = p.kind === "story" && p.story === story ? p.title : `${story} of ${p.title}`;
  return title.length > 80 ? `${title.slice(0, 79)}…` : title;
}

function waveName(members: Unit[]): string {
  const phases = [...new Set(members.map((u) => u.phase))];
  if (phases.length === 1 && members.length === 1) return members[0].barrier ? phases[0].title : members[0].title;
  if (members.every((u) => u.kind === "story")) return `User stories ${members.map((u) => u.id).join(", ")}`;
  const name = phases.map((p) => p.title).join(" + ");
  return name.length > 80 ? `${name.slice(0, 79)}…` : name;
}

function promptOf(u: Unit, src: SpecKitSource, feature: string | undefined, work: (t: SkTask) => boolean): string {
  const dir = src.featureDir;
  const todo = u.tasks.filter(work);
  const done = u.tasks.filter((t) => !work(t));
  const context = src.context.map((f) => `${dir}/${f}`);
  const parts = [
    `You are implementing part of the spec-kit feature ${feature ? `"${feature}" ` : ""}in ${dir}/.`,
    `${context.length ? `Read its design documents first: ${context.join(", ")}. ` : ""}The whole task list is ${dir}/tasks.md; do only ${todo.length === 1 ? "the task below" : "the tasks below, in order"}. Do not tick them off in tasks.md: other tasks of this feature run at the same time, and waveplan records what is done.`,
    [`## ${u.phase.heading}`, ...u.phase.intro.slice(0, 12)].join("\n"),
    `## Your task${todo.length === 1 ? "" : "s"}\n\n${todo.map((t) => t.text.trimEnd()).join("\n")}`,
  ];
  if (done.length) parts.push(`Already done in this part (keep, do not redo): ${done.map((t) => t.id).join(", ")}.`);
  return `${parts.join("\n\n")}\n`;
}
