/** Wording of schema errors: what zod found, said the way a plan author reads it, at its position. */
import type { z } from "zod";
import type { DiagnosticList, Position } from "./diagnostics.js";
import type { SourcePath } from "./model.js";
import { agentSchema, githubAppSchema, githubSchema, instanceSchema, landSchema, planSchema, taskSchema, waveSchema } from "./schema.js";
import { didYouMean } from "./suggest.js";

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const seg of path) v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Uint8Array) return "binary data";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Keys each section may have, for "did you mean" and "expected one of": read from the schema, so a key
 * added there is suggested here too.
 */
const KNOWN_KEYS: Record<string, string[]> = {
  plan: Object.keys(planSchema.shape),
  instance: Object.keys(instanceSchema.shape),
  agent: Object.keys(agentSchema.shape),
  wave: Object.keys(waveSchema.shape),
  task: Object.keys(taskSchema.shape),
  land: Object.keys(landSchema.shape),
  github: Object.keys(githubSchema.shape),
  app: Object.keys(githubAppSchema.shape),
};

function sectionOf(path: readonly PropertyKey[]): string {
  const p = path.map(String);
  if (p.length === 0) return "plan";
  if (p[0] === "instances" && p.length === 2) return "instance";
  if (p[0] === "waves" && p.length === 2) return "wave";
  if (p[0] === "waves" && p[2] === "tasks" && p.length === 4) return "task";
  return p[p.length - 1];
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, seg) => (typeof seg === "number" ? `${s}[${seg}]` : s ? `${s}.${String(seg)}` : String(seg)), "");
}

export function reportSchemaIssue(
  issue: z.core.$ZodIssue,
  d: DiagnosticList,
  locate: (p: SourcePath, key?: boolean) => Position,
  raw: unknown,
): void {
  const path = issue.path as (string | number)[];
  const where = pathText(path) || "plan";
  switch (issue.code) {
    case "unrecognized_keys": {
      const section = sectionOf(path);
      const known = KNOWN_KEYS[section] ?? [];
      for (const k of issue.keys) {
        d.error(
          "unknown-key",
          `unexpected key "${k}" in ${section}${didYouMean(k, known)}${known.length ? ` (expected one of ${known.join(", ")})` : ""}`,
          locate([...path, k], true),
        );
      }
      return;
    }
    case "invalid_type": {
      const value = valueAt(raw, path);
      if (value === undefined) {
        const parent = path.slice(0, -1);
        d.error("missing-key", `${sectionOf(parent)} is missing required key "${String(path[path.length - 1])}"`, locate(parent, true));
      } else {
        d.error(
          "type",
          `${where} must be ${issue.expected === "record" || issue.expected === "object" ? "a mapping" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}, got ${describe(value)}`,
          locate(path),
        );
      }
      return;
    }
    case "invalid_value":
      if (valueAt(raw, path) === undefined) {
        const parent = path.slice(0, -1);
        d.error("missing-key", `${sectionOf(parent)} is missing required key "${String(path[path.length - 1])}"`, locate(parent, true));
        return;
      }
      d.error(
        "value",
        `${where} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describe(valueAt(raw, path))}`,
        locate(path),
      );
      return;
    case "invalid_key": {
      const key = String(path[path.length - 1]);
      d.error("id", `${where}: "${key}": ${issue.issues[0]?.message ?? issue.message}`, locate(path, true));
      return;
    }
    case "invalid_union":
      // the only union in the schema: environment variable values
      if (path.includes("env")) {
        d.error("type", `${where} must be a string, a number or a boolean, got ${describe(valueAt(raw, path))}`, locate(path));
        return;
      }
      d.error("value", `${where}: ${issue.message}`, locate(path));
      return;
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const message =
        issue.origin === "string" && issue.code === "too_small" && Number(bound) <= 1
          ? `${where} must not be empty`
          : issue.origin === "number"
            ? `${where} must be ${issue.code === "too_small" ? "at least" : "at most"} ${String(bound)}, got ${describe(valueAt(raw, path))}`
            : `${where}: ${issue.message}`;
      d.error("value", message, locate(path));
      return;
    }
    default:
      d.error("value", `${where}: ${issue.message}`, locate(path));
  }
}
