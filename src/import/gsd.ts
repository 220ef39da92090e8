/**
 * A GSD ("get-shit-done") phase folder → the plan: one prompt task per `NN-MM-PLAN.md`, waves from
 * its frontmatter `wave:`, `depends_on` → `needs`, `files_modified` → `files`, the body as the prompt.
 * Pure: the files come in as text; each diagnostic names the file it is about.
 */
import type { Position } from "../plan/diagnostics.js";
import { type Report, waveNeeds } from "./diagnostics.js";
import type { ImportedPlan, ImportedTask, ImportedWave, Where } from "./imported.js";
import { parseLocated } from "./locate.js";
import { assignWorkers, capitalize, capWaves, widestWave } from "./workers.js";

export interface GsdFile {
  /** the path diagnostics name */
  path: string;
  /** the file name, `NN-MM-PLAN.md` */
  name: string;
  text: string;
}

export interface GsdOptions {
  /** the phase folder's name, e.g. `26-auth-wiring-login` */
  phase: string;
  plans: GsdFile[];
  /** plan ids (`26-01`) that have a `26-01-SUMMARY.md` next to them: done */
  done: ReadonlySet<string>;
  all?: boolean;
  allowCheckpoints?: boolean;
  workers?: number;
  /** the most tasks one wave may hold */
  maxParallel: number;
}

export interface GsdPlan {
  id: string;
  file: GsdFile;
  wave: number;
  waveAt: Where;
  dependsOn: { ref: string; at: Where }[];
  files: string[];
  filesAt: Where[];
  type: string;
  body: string;
  title: string;
  /** where `autonomous: false` is written, when it is */
  checkpointAt?: Where;
  at: Where;
}

/** A plan number: `02`, `2.1`, and letter-suffixed `02a`, `01b` (inserted plans; `plan: 02b` in GSD frontmatter). */
const PLAN_NUMBER = String.raw`\d+(?:\.\d+)?[a-z]?`;
const PHASE_NUMBER = String.raw`\d+(?:\.\d+)?`;
const PLAN_FILE = new RegExp(`^(${PHASE_NUMBER})-(${PLAN_NUMBER})-PLAN\\.md$`, "i");
const SUMMARY_FILE = new RegExp(`^(${PHASE_NUMBER})-(${PLAN_NUMBER})-SUMMARY\\.md$`, "i");

/** The plan id `NN-MM` (or `NN-MMa`) of a plan file name, or undefined. */
export function gsdPlanId(name: string): string | undefined {
  const m = PLAN_FILE.exec(name);
  return m ? `${m[1]}-${m[2].toLowerCase()}` : undefined;
}

/** The plan id a `NN-MM-SUMMARY.md` marks as done, or undefined. */
export function gsdSummaryId(name: string): string | undefined {
  const m = SUMMARY_FILE.exec(name);
  return m ? `${m[1]}-${m[2].toLowerCase()}` : undefined;
}

/** `"01-01"`, `01`, `1`, `"01-01-PLAN.md"`, `".planning/phases/x/01-01-PLAN.md"` → a plan id. */
export function normalizeDependency(ref: unknown, phaseNumber: string): string | undefined {
  if (typeof ref === "number" && Number.isInteger(ref) && ref >= 0) return `${phaseNumber}-${String(ref).padStart(2, "0")}`;
  if (typeof ref !== "string") return undefined;
  const text = ref.trim().replace(/^.*\//, "");
  const plan = /^(\d+)([a-z]?)$/i.exec(text);
  if (plan) return `${phaseNumber}-${plan[1].padStart(2, "0")}${plan[2].toLowerCase()}`;
  const m = new RegExp(`^(${PHASE_NUMBER})-(${PLAN_NUMBER})(?:-(?:PLAN|SUMMARY))?(?:\\.md)?$`, "i").exec(text);
  return m ? `${m[1]}-${m[2].toLowerCase()}` : undefined;
}

/** Frontmatter between `---` lines at the top and the body after it; "unclosed" when the closing `---` is missing. */
function splitFrontmatter(text: string): { yaml: string; bodyLine: number; body: string } | "none" | "unclosed" {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (lines[0]?.trim() !== "---") return "none";
  const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (end < 0) return "unclosed";
  return { yaml: lines.slice(1, end).join("\n"), bodyLine: end + 2, body: lines.slice(end + 1).join("\n") };
}

/** Keys the importer reads: a YAML error inside one of them stops the import of the plan. */
const READ_KEYS = new Set(["wave", "depends_on", "files_modified", "autonomous", "type"]);
/** Keys handed to the agent as written (GSD's verification targets and the human setup it needs). */
const VERBATIM_KEYS = ["must_haves", "user_setup"];

/** Top-level `key:` blocks of a frontmatter, as 0-based line ranges [from, to). */
function topLevelBlocks(yaml: string): { key: string; from: number; to: number }[] {
  const lines = yaml.split("\n");
  const starts = lines.flatMap((l, i) => {
    const m = /^([A-Za-z_][\w-]*)\s*:/.exec(l);
    return m ? [{ key: m[1], from: i }] : [];
  });
  return starts.map((b, i) => ({ ...b, to: starts[i + 1]?.from ?? lines.length }));
}

/** The first sentence of `<objective>`, else the first heading or line of the body. */
function titleOf(body: string, id: string): string {
  const objective = /<objective>\s*([\s\S]*?)<\/objective>/i.exec(body)?.[1];
  const first = (objective ?? body)
    .split("\n")
    .map((l) => l.replace(/^#+\s*/, "").trim())
    .find((l) => l && !l.startsWith("<"));
  const sentence = first?.split(/(?<=[.!?])\s/)[0].replace(/[.:]$/, "");
  if (!sentence) return `Plan ${id}`;
  return sentence.length > 80 ? `${sentence.slice(0, 79)}…` : sentence;
}

/** Reads one PLAN.md; problems go to `report`. Undefined when the file cannot be a task. */
export function readGsdPlan(file: GsdFile, report: Report, phase: string): GsdPlan | undefined {
  const d = report.for(file.path);
  const top: Position = { line: 1, col: 1 };
  const id = gsdPlanId(file.name);
  if (!id) {
    d.error("gsd-plan", `"${file.name}" is not named like a GSD plan (NN-MM-PLAN.md)`, top);
    return undefined;
  }
  const fm = splitFrontmatter(file.text);
  if (fm === "none") {
    d.error("gsd-frontmatter", "no YAML frontmatter: a GSD plan starts with a --- block holding wave, depends_on, files_modified", top);
    return undefined;
  }
  if (fm === "unclosed") {
    d.error("gsd-frontmatter", "the frontmatter opened by --- on line 1 is never closed: add a --- line after its last key", {
      ...top,
      length: 3,
    });
    return undefined;
  }
  const blocks = topLevelBlocks(fm.yaml);
  let parsed = parseLocated(fm.yaml, 2);
  if (parsed.errors.length) {
    // GSD's own tooling reads frontmatter key by key, so a bad key it does not need does not stop a plan: neither does it here
    const blockAt = (line: number) => blocks.find((b) => line - 2 >= b.from && line - 2 < b.to);
    const fatal = parsed.errors.filter((e) => {
      const b = blockAt(e.at.line);
      return !b || READ_KEYS.has(b.key);
    });
    if (fatal.length) {
      for (const e of parsed.errors) d.error("gsd-frontmatter", `frontmatter: ${e.message}`, e.at);
      return undefined;
    }
    const lines = fm.yaml.split("\n");
    const dropped = new Set<string>();
    for (const e of parsed.errors) {
      const b = blockAt(e.at.line) as (typeof blocks)[number];
      if (!dropped.has(b.key))
        d.warning(
          "gsd-frontmatter",
          `frontmatter key \`${b.key}\` is not valid YAML (${e.message}); the importer does not read it${VERBATIM_KEYS.includes(b.key) ? ", and hands its text to the agent as written" : ", so it is ignored"}`,
          e.at,
        );
      dropped.add(b.key);
      for (let i = b.from; i < b.to; i++) lines[i] = "";
    }
    parsed = parseLocated(lines.join("\n"), 2);
  }
  const yamlLines = fm.yaml.split("\n");
  const verbatim = blocks
    .filter((b) => VERBATIM_KEYS.includes(b.key))
    .map((b) => yamlLines.slice(b.from, b.to).join("\n").trimEnd())
    .filter((t) => t.includes("\n") || !/:\s*(\[\]|\{\}|null|~)?\s*$/.test(t));
  const front = (parsed.value ?? {}) as Record<string, unknown>;
  if (typeof front !== "object" || Array.isArray(front)) {
    d.error("gsd-frontmatter", "the frontmatter is not a mapping of keys", top);
    return undefined;
  }
  const where = (path: (string | number)[], key = false): Where => ({ ...parsed.locate(path, key), file: file.path });
  const at = { ...top, file: file.path };

  let wave = 1;
  if (front.wave === undefined) d.warning("gsd-wave", "no `wave:` in the frontmatter; the plan is put in wave 1", top);
  else if (typeof front.wave === "number" && Number.isInteger(front.wave) && front.wave >= 0) wave = front.wave;
  else d.error("gsd-wave", `\`wave:\` must be a whole number, not ${JSON.stringify(front.wave)}`, where(["wave"]));

  const phaseNumber = id.slice(0, id.lastIndexOf("-"));
  const deps = front.depends_on === undefined || front.depends_on === null ? [] : front.depends_on;
  const list = Array.isArray(deps) ? deps : [deps];
  const dependsOn: GsdPlan["dependsOn"] = [];
  list.forEach((ref, i) => {
    const refAt = where(Array.isArray(deps) ? ["depends_on", i] : ["depends_on"]);
    const norm = normalizeDependency(ref, phaseNumber);
    if (norm === undefined)
      d.error(
        "gsd-depends-on",
        `cannot read ${JSON.stringify(ref)} as a plan: expected "NN-MM", a plan number like 01, or a plan file name`,
        refAt,
      );
    else dependsOn.push({ ref: norm, at: refAt });
  });

  const filesValue = front.files_modified ?? [];
  const files: string[] = [];
  const filesAt: Where[] = [];
  if (Array.isArray(filesValue))
    filesValue.forEach((f, i) => {
      if (typeof f === "string" && f.trim()) {
        files.push(f.trim().replace(/^\.\//, ""));
        filesAt.push(where(["files_modified", i]));
      } else d.warning("gsd-files", `files_modified entry ${JSON.stringify(f)} is not a path; ignored`, where(["files_modified", i]));
    });
  else d.warning("gsd-files", "files_modified is not a list of paths; ignored", where(["files_modified"]));

  const body = fm.body.replace(/^\s*\n/, "");
  if (!body.trim()) d.error("gsd-body", "the plan has no body after its frontmatter: there is nothing to tell the agent", at);
  const text = body.endsWith("\n") ? body : `${body}\n`;
  return {
    checkpointAt: front.autonomous === false ? where(["autonomous"], true) : undefined,
    id,
    file,
    wave,
    waveAt: front.wave === undefined ? at : where(["wave"]),
    dependsOn,
    files,
    filesAt,
    type: typeof front.type === "string" && front.type.trim() ? front.type.trim() : "execute",
    body: promptOf(text, repoPath(file, phase), verbatim),
    title: titleOf(body, id),
    at,
  };
}

/** Where the plan lives in its repository: GSD keeps phases in `.planning/phases/<phase>/`. */
function repoPath(file: GsdFile, phase: string): string {
  const i = file.path.lastIndexOf(".planning/");
  return i >= 0 ? file.path.slice(i) : `.planning/phases/${phase}/${file.name}`;
}

/** The body as written, then the plan file's name and the frontmatter the agent needs (GSD's executor reads both). */
function promptOf(body: string, path: string, verbatim: string[]): string {
  const parts = [body, `<plan_file>${path}</plan_file>\n`];
  if (verbatim.length)
    parts.push(
      `<plan_frontmatter note="from the plan file: what must hold when you are done, and setup a human does">\n${verbatim.join("\n")}\n</plan_frontmatter>\n`,
    );
  return parts.join("\n");
}

const ROLES: Record<string, string> = { execute: "Executor", tdd: "TDD Engineer" };

export function importGsd(opts: GsdOptions, report: Report): { plan: ImportedPlan; skipped: string[] } {
  const plans = [...opts.plans].sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  const read = plans.map((f) => readGsdPlan(f, report, opts.phase)).filter((p): p is GsdPlan => p !== undefined);
  const skipped = opts.all ? [] : read.filter((p) => opts.done.has(p.id)).map((p) => p.id);
  const kept = read.filter((p) => !skipped.includes(p.id));
  // a finished plan's human checkpoints are behind it: only the plans that will run are refused for them
  for (const p of kept) {
    if (!p.checkpointAt) continue;
    const d = report.for(p.file.path);
    if (opts.allowCheckpoints)
      d.warning(
        "gsd-checkpoint",
        "this plan is not autonomous: it stops at checkpoints for a human; imported anyway (--allow-checkpoints), so the agent runs through them alone",
        p.checkpointAt,
      );
    else
      d.error(
        "gsd-checkpoint",
        "this plan is not autonomous (`autonomous: false`): it waits for a human at its checkpoints, which a waveplan run cannot do; run it by hand, or import it anyway with --allow-checkpoints",
        p.checkpointAt,
      );
  }
  const byId = new Map(kept.map((p) => [p.id, p]));
  const known = new Set(read.map((p) => p.id));
  const phaseNumber = /^(\d+(?:\.\d+)?)/.exec(opts.phase)?.[1];

  // dependencies: on a kept plan → needs; on a done one → already satisfied; unknown → error (same phase) or warning
  const edges = new Map<string, { id: string; at: Where }[]>();
  for (const p of kept) {
    const needs: { id: string; at: Where }[] = [];
    for (const dep of p.dependsOn) {
      const d = report.for(dep.at.file ?? p.file.path);
      if (dep.ref === p.id) d.error("gsd-depends-on", `plan ${p.id} depends on itself`, dep.at);
      else if (byId.has(dep.ref)) needs.push({ id: dep.ref, at: dep.at });
      else if (known.has(dep.ref))
        continue; // done (has a SUMMARY): nothing to wait for
      else if (phaseNumber !== undefined && dep.ref.startsWith(`${phaseNumber}-`))
        d.error("gsd-depends-on", `depends on plan ${dep.ref}, which is not in this phase (plans: ${[...known].join(", ")})`, dep.at);
      else
        d.warning(
          "gsd-depends-on",
          `depends on ${dep.ref}, a plan of another phase; it is taken as done (import that phase first if it is not)`,
          dep.at,
        );
    }
    edges.set(p.id, needs);
  }

  const waveOf = waveNeeds(
    kept.map((p) => p.id),
    edges,
    (id) => byId.get(id)?.wave ?? 1,
    report,
    (id) => byId.get(id)?.file.path ?? "",
  );
  for (const p of kept) {
    const w = waveOf.get(p.id);
    const latest = (edges.get(p.id) ?? []).map((e) => `${e.id} (wave ${waveOf.get(e.id)})`).join(", ");
    if (w !== undefined && w > p.wave)
      report
        .for(p.file.path)
        .warning(
          "gsd-wave",
          `plan ${p.id} says wave ${p.wave} but depends on ${latest}; it runs in wave ${w}, after them (a task of one wave never sees its siblings' changes)`,
          p.waveAt,
        );
  }

  const waveNumbers = [...new Set(kept.map((p) => waveOf.get(p.id) ?? p.wave))].sort((a, b) => a - b);
  const kinds = new Map<ImportedTask, string>();
  const byNumber: ImportedWave[] = waveNumbers.map((n) => {
    const tasks = kept
      .filter((p) => (waveOf.get(p.id) ?? p.wave) === n)
      .map((p) => {
        const task: ImportedTask = {
          id: p.id,
          finalId: p.id,
          instance: "",
          title: p.title,
          prompt: p.body,
          outputs: [],
          needs: (edges.get(p.id) ?? []).map((e) => e.id),
          files: p.files,
          filesAt: p.filesAt,
          note: `from ${p.file.name}`,
          at: p.at,
        };
        kinds.set(task, p.type);
        return task;
      });
    return { id: `W${n}`, name: `Wave ${n}`, mode: "parallel", placeholder: false, tasks, at: tasks[0].at };
  });
  const waves = capWaves(byNumber, opts.maxParallel, report, plans[0]?.path ?? "");
  checkFileOverlaps(waves, report);
  const first = kept[0]?.at ?? { line: 1, col: 1, file: plans[0]?.path };
  const instances = assignWorkers(
    waves,
    kinds,
    opts.workers ?? widestWave(waves),
    (k) => ROLES[k] ?? capitalize(`${k} executor`),
    (k, n) => `${n} ${k} plan${n === 1 ? "" : "s"}`,
    first,
  );
  const phaseName = capitalize(
    opts.phase
      .replace(/^(\d+(?:\.\d+)?)(?:[-_]+|$)/, "")
      .replace(/[-_]+/g, " ")
      .trim(),
  );
  return {
    plan: {
      // a folder named just `27` is "Phase 27", not "Phase 27: 27"
      name: phaseNumber ? `Phase ${phaseNumber}${phaseName ? `: ${phaseName}` : ""}` : capitalize(opts.phase.replace(/[-_]+/g, " ")),
      description: `GSD phase ${opts.phase}`,
      instances,
      needsAgent: true,
      waves,
    },
    skipped,
  };
}

/** Two tasks of one wave that declare the same file may make conflicting edits to it: say so now, at the second one. */
export function checkFileOverlaps(waves: ImportedWave[], report: Report): void {
  for (const w of waves) {
    const owner = new Map<string, ImportedTask>();
    for (const t of w.tasks)
      (t.files ?? []).forEach((f, fi) => {
        const other = owner.get(f);
        if (other && other !== t)
          report
            .for(t.at.file ?? "")
            .warning(
              "files-overlap",
              `plans ${other.finalId} and ${t.finalId} of wave ${w.id} both list ${f} in files_modified; edits to the same lines of it would be a merge conflict — make one depend on the other`,
              t.filesAt?.[fi] ?? t.at,
            );
        else owner.set(f, t);
      });
  }
}
