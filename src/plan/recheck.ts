/**
 * Semantic checks on a plan that has schema errors, so that `validate` reports every error in one
 * pass (as actionlint does) instead of in rounds: each value the schema rejected is set aside —
 * dropped when optional, replaced by a stand-in when required — the rest is checked, and only the
 * findings that the rejected value makes meaningless are hidden. `consequences` says which those are.
 */
import type { z } from "zod";
import { DiagnosticList, type Position } from "./diagnostics.js";
import { normalizePlan, type SourcePath } from "./model.js";
import { MAX_ID_LENGTH, planSchema } from "./schema.js";
import { validatePlan } from "./validate.js";

type Locate = (p: SourcePath, key?: boolean) => Position;
type Obj = Record<string, unknown>;

/** Findings of `rules` located inside `owner` (a task, wave or instance), or anywhere when owner is undefined. */
interface Hidden {
  rules: readonly string[];
  owner?: SourcePath;
}

/** What to do with one rejected field: set it aside (or put `standIn` in its place) and hide what depends on it. */
interface Repair {
  standIn?: unknown;
  hide?: Hidden[];
}

const SKIP = "skip" as const;

/**
 * For a field the schema rejected (`key` of the task, wave or instance at `owner`, or a top-level key
 * when owner is empty): how it is set aside, and which semantic findings it makes meaningless.
 * SKIP when nothing sensible can stand in (the waves list itself, a task or wave that is not a mapping).
 */
function consequences(kind: "plan" | "instance" | "wave" | "task", owner: SourcePath, key: string, value: unknown): Repair | typeof SKIP {
  switch (`${kind}.${key}`) {
    case "plan.version":
      return { standIn: 1 };
    case "plan.name":
      return { standIn: "plan" };
    case "plan.agent":
      // a plan that declares an agent, however wrongly, means its prompt tasks to use it: no "no agent" errors
      // nor warnings about the stand-in's own settings
      return { standIn: { command: "agent" }, hide: [{ rules: ["agent-setup", "agent-tools", "agent-support"] }] };
    case "plan.instances":
      // without a readable instances mapping, whether a task's instance exists or an instance is used is unknown
      return { standIn: {}, hide: [{ rules: ["unknown-instance", "unused-instance"] }] };
    case "plan.waves":
      return SKIP;
    case "instance.role":
      return { standIn: "?", hide: [{ rules: ["unused-instance"], owner }] };
    case "wave.id":
      // tasks without an id take theirs from the wave's: a stand-in may collide, so no duplicate-id there
      return { standIn: standInId(value, `wave-${Number(owner[1]) + 1}`), hide: [{ rules: ["duplicate-id"], owner }] };
    case "wave.mode":
      // which tasks run side by side depends on the mode the author meant
      return { hide: [{ rules: ["instance-overbooked"], owner }] };
    case "wave.tasks":
      // the wave's tasks are unknown: its emptiness, and whether a `needs` names one of them, cannot be judged
      return { standIn: [], hide: [{ rules: ["empty-wave"], owner }, { rules: ["needs", "cycle"] }] };
    case "task.id":
      // the default id stands in; it may collide with another task's
      return { hide: [{ rules: ["duplicate-id"], owner }] };
    case "task.instance":
      // the instance the author meant is unknown: it may exist, clash with a sibling's, or be the one an
      // "unused" instance was meant to have; the default id made from it may collide
      return {
        standIn: standInId(value, `unassigned-${String(owner[1])}-${String(owner[3])}`),
        hide: [{ rules: ["unknown-instance", "instance-overbooked", "duplicate-id"], owner }, { rules: ["unused-instance"] }],
      };
    case "task.run":
    case "task.prompt":
      // the author wrote the key: the task is a script (or a prompt), only its value is wrong
      return { standIn: "" };
    default:
      // every other field (estimates, timeouts, env, outputs, needs, land, github…) is optional and nothing
      // else depends on it: dropping it can only make findings disappear, never appear
      return {};
  }
}

/** A rejected id, made valid so the rest of the plan can refer to it as the author meant (or `fallback`). */
function standInId(value: unknown, fallback: string): string {
  const cleaned = typeof value === "string" ? value.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[._-]+/, "") : "";
  return cleaned ? cleaned.slice(0, MAX_ID_LENGTH) : fallback;
}

export function checkDespiteSchemaErrors(
  raw: object,
  issues: readonly z.core.$ZodIssue[],
  d: DiagnosticList,
  locate: Locate,
  rangeOf: (path: SourcePath) => [number, number] | undefined,
  offsetOf: (p: Position) => number,
): void {
  const repaired = structuredClone(raw) as Obj;
  const hidden: Hidden[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    const ownerLength =
      path[0] === "waves" && path[2] === "tasks" && path.length >= 4
        ? 4
        : (path[0] === "waves" || path[0] === "instances") && path.length >= 2
          ? 2
          : 0;
    const kind = ownerLength === 4 ? "task" : ownerLength === 2 ? (path[0] === "waves" ? "wave" : "instance") : "plan";
    const owner = path.slice(0, ownerLength);
    const target = valueAt(repaired, owner);
    if (!target || typeof target !== "object" || Array.isArray(target)) return; // a task or wave that is not a mapping
    if (issue.code === "unrecognized_keys" && path.length === ownerLength) {
      for (const k of issue.keys) delete (target as Obj)[k];
      // a misspelled key may be the task's `run` or `prompt`: "has neither run nor prompt" would repeat the typo's error
      if (kind === "task") hidden.push({ rules: ["run-or-prompt"], owner });
      continue;
    }
    if (kind === "instance" && path.length === 2) {
      // an instance id the schema refused: tasks naming it are refused by the same id rule, so no one refers to it
      delete (target as Obj)[String(path[1])];
      continue;
    }
    if (path.length === ownerLength) return;
    const key = String(path[ownerLength]);
    const repair = consequences(kind, owner, key, (target as Obj)[key]);
    if (repair === SKIP) return;
    if ("standIn" in repair) (target as Obj)[key] = repair.standIn;
    else delete (target as Obj)[key];
    hidden.push(...(repair.hide ?? []));
  }

  const again = planSchema.safeParse(repaired);
  if (!again.success) return; // a case `consequences` does not know: report the schema errors alone
  const semantic = new DiagnosticList(d.file);
  validatePlan(normalizePlan(again.data), semantic, locate, again.data);
  const ranges = hidden.map((h) => ({ rules: h.rules, range: h.owner ? rangeOf(h.owner) : undefined, everywhere: !h.owner }));
  for (const item of semantic.items) {
    const at = offsetOf(item);
    const meaningless = ranges.some(
      (h) => h.rules.includes(item.rule) && (h.everywhere || (h.range !== undefined && at >= h.range[0] && at < h.range[1])),
    );
    if (!meaningless) d.items.push(item);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of path) v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}
