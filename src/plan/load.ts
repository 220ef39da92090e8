/**
 * Turns plan text into a normalized Plan, collecting every problem with its file position:
 * encoding, YAML syntax, schema (types, unknown keys) and semantic rules (validate.ts).
 */
import { readFileSync, statSync } from "node:fs";
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { DiagnosticList, PlanError, type Position } from "./diagnostics.js";
import { normalizePlan, type Plan, type SourcePath } from "./model.js";
import { planSchema } from "./schema.js";
import { didYouMean } from "./suggest.js";
import { validatePlan } from "./validate.js";

/** Plans are human-written; anything larger is a mistake and would only make the parser slow. */
export const MAX_PLAN_BYTES = 4 * 1024 * 1024;
const MAX_ALIASES = 100;
/** A plan is about six levels deep; junk nested deeper would only exhaust the stack downstream. */
export const MAX_DEPTH = 64;
/** After a syntax error the parser reports every following token; the first few are the useful ones. */
const MAX_SYNTAX_ERRORS = 10;

export interface LoadedPlan {
  plan: Plan;
  file: string;
  source: string;
  /** warnings (errors make load throw) */
  diagnostics: DiagnosticList;
  /** position in the file of a value, e.g. a task: `locate(task.source)` */
  locate(path: SourcePath, key?: boolean): Position;
}

export interface LoadResult {
  plan?: Plan;
  file: string;
  source: string;
  diagnostics: DiagnosticList;
  locate(path: SourcePath, key?: boolean): Position;
}

/** Reads and checks a plan file; throws PlanError listing every error. */
export function loadPlanFile(file: string): LoadedPlan {
  const size = statSync(file).size;
  if (size > MAX_PLAN_BYTES) {
    const d = new DiagnosticList(file);
    d.error("file-too-large", `plan file is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
    throw new PlanError(d.items, "");
  }
  return requirePlan(checkPlan(readFileSync(file), file));
}

export function requirePlan(result: LoadResult): LoadedPlan {
  if (!result.plan || result.diagnostics.hasErrors) throw new PlanError(result.diagnostics.sorted(), result.source);
  return result as LoadedPlan;
}

/** Decode as strict UTF-8, reporting the position of the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array, d: DiagnosticList): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const good = validUtf8Prefix(bytes);
    const prefix = new TextDecoder().decode(bytes.subarray(0, good));
    const lines = prefix.split("\n");
    d.error("encoding", `file is not valid UTF-8 (byte 0x${bytes[good].toString(16).padStart(2, "0")} at offset ${good})`, {
      line: lines.length,
      col: lines[lines.length - 1].length + 1,
    });
    return undefined;
  }
}

function validUtf8Prefix(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  const dec = new TextDecoder("utf-8", { fatal: true });
  // Binary search on the longest decodable prefix (a cut inside a multibyte char also fails, so step back up to 3).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    let ok = false;
    for (let back = 0; back < 4 && mid - back >= lo && !ok; back++) {
      try {
        dec.decode(bytes.subarray(0, mid - back));
        ok = mid - back === mid;
      } catch {}
    }
    if (ok) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Parse and validate plan text without throwing. */
export function checkPlan(input: string | Uint8Array, file: string): LoadResult {
  const d = new DiagnosticList(file);
  const source = typeof input === "string" ? input : decodeUtf8(input, d);
  const fail = (): LoadResult => ({ file, source: source ?? "", diagnostics: d, locate: () => ({ line: 1, col: 1 }) });
  if (source === undefined) return fail();

  // Positions come from our own line index: the parser's LineCounter misses the lines of a block
  // scalar that a syntax error cuts short, which put carets past the end of their line.
  const lineStarts = [0];
  for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const at = (offset: number, length = 1): Position => {
    const o = Math.max(0, Math.min(offset, source.length));
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: o - lineStarts[lo] + 1, length };
  };

  const deep = deepFlowOnOneLine(source);
  if (deep !== undefined) {
    d.error("nesting", `values are nested more than ${MAX_DEPTH} levels deep; a plan needs about six`, at(deep));
    return fail();
  }

  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    d.error("syntax", `cannot parse the file as YAML: ${(e as Error).message}`, { line: 1, col: 1 });
    return fail();
  }
  const seenLines = new Set<number>();
  let syntaxErrors = 0;
  for (const e of doc.errors) {
    const where = at(e.pos[0], Math.max(1, e.pos[1] - e.pos[0]));
    if (seenLines.has(where.line)) continue;
    seenLines.add(where.line);
    if (++syntaxErrors > MAX_SYNTAX_ERRORS) {
      const rest = doc.errors.filter((x) => at(x.pos[0]).line >= where.line).length;
      d.error("syntax", `${rest} more YAML syntax error(s) from here on, most likely consequences of the ones above`, where);
      break;
    }
    const raw = e.message.split("\n")[0].replace(/ at line \d+, column \d+.*$/, "");
    const message = /call stack/i.test(raw) ? "the YAML is nested too deeply to read; a plan needs about six levels" : raw;
    d.error("syntax", message, where);
  }
  if (d.hasErrors) return fail();
  if (!checkShape(doc, d, at)) return fail();

  const locate = (path: SourcePath, key = false): Position => {
    const node = findNode(doc.contents as Node | null, path, key);
    const range = node?.range ?? [0, 1];
    const text = source.slice(range[0], range[1]);
    return at(range[0], Math.max(1, Math.min(text.indexOf("\n") === -1 ? text.length : text.indexOf("\n"), 80)));
  };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    d.error("syntax", `cannot expand YAML aliases: ${(e as Error).message}`, { line: 1, col: 1 });
    return fail();
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    d.error("type", "a plan is a YAML mapping with keys version, name, instances and waves", { line: 1, col: 1 });
    return { ...fail(), locate };
  }

  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportSchemaIssue(issue, d, locate, raw);
    const rangeOf = (path: SourcePath): [number, number] | undefined => {
      const r = findNode(doc.contents as Node | null, path, false)?.range;
      return r ? [r[0], r[2]] : undefined;
    };
    const offsetOf = (p: Position) => (lineStarts[p.line - 1] ?? 0) + p.col - 1;
    validateDespiteSchemaErrors(raw, parsed.error.issues, d, locate, rangeOf, offsetOf);
    return { file, source, diagnostics: d, locate };
  }
  const plan = normalizePlan(parsed.data);
  validatePlan(plan, d, locate, parsed.data);
  return { plan, file, source, diagnostics: d, locate };
}

/**
 * A schema error would otherwise hide every semantic error until it is fixed. Drop the values the
 * schema rejected inside tasks and waves (and unknown top-level keys), check the rest, and keep only
 * findings outside the tasks and waves that had schema errors: those are checked again once fixed.
 * Anything harder to set aside (instances, agent, a missing required key) skips this pass.
 */
function validateDespiteSchemaErrors(
  raw: object,
  issues: readonly z.core.$ZodIssue[],
  d: DiagnosticList,
  locate: (p: SourcePath, key?: boolean) => Position,
  rangeOf: (path: SourcePath) => [number, number] | undefined,
  offsetOf: (p: Position) => number,
): void {
  const repaired = structuredClone(raw);
  const owners: SourcePath[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    const ownerLength =
      path[0] === "waves" && path[2] === "tasks" && path.length >= 4 ? 4 : path[0] === "waves" && path.length >= 2 ? 2 : 0;
    const owner = valueAt(repaired, path.slice(0, ownerLength));
    if (!owner || typeof owner !== "object" || Array.isArray(owner)) return;
    const keys =
      issue.code === "unrecognized_keys" && path.length === ownerLength
        ? issue.keys
        : ownerLength && path.length > ownerLength
          ? [String(path[ownerLength])]
          : [];
    if (keys.length === 0) return;
    for (const k of keys) delete (owner as Record<string, unknown>)[k];
    if (ownerLength) owners.push(path.slice(0, ownerLength));
  }
  const again = planSchema.safeParse(repaired);
  if (!again.success) return;
  const semantic = new DiagnosticList(d.file);
  validatePlan(normalizePlan(again.data), semantic, locate, again.data);
  const hidden = owners.map(rangeOf).filter((r): r is [number, number] => r !== undefined);
  for (const item of semantic.items) {
    const at = offsetOf(item);
    if (!hidden.some(([start, end]) => at >= start && at < end)) d.items.push(item);
  }
}

/**
 * The YAML parser slows down sharply on flow collections nested thousands deep (`[[[[…`), which only
 * junk produces: spot such a line before parsing, by its brackets outside quotes. The offset of the
 * bracket that goes too deep, or undefined. Deep nesting spread over many lines is left to checkShape.
 */
function deepFlowOnOneLine(source: string): number | undefined {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\n") {
      depth = 0;
      quote = "";
    } else if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") {
      if (++depth > MAX_DEPTH) return i;
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Before converting to JavaScript: refuse nesting deeper than any plan needs (conversion and schema
 * checks recurse) and keys that are lists or mappings (they cannot name anything in a plan).
 */
function checkShape(doc: Document.Parsed, d: DiagnosticList, at: (offset: number, length?: number) => Position): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_DEPTH) {
      d.error("nesting", `values are nested more than ${MAX_DEPTH} levels deep; a plan needs about six`, at(node.range?.[0] ?? 0));
      return false;
    }
    for (const item of node.items) {
      if (isPair(item)) {
        if (isMap(item.key) || isSeq(item.key) || isAlias(item.key)) {
          d.error("key", "a key must be a plain value, not a list or a mapping", at(item.key.range?.[0] ?? 0));
          return false;
        }
        stack.push({ node: item.value, depth: depth + 1 });
      } else if (!isAlias(item)) stack.push({ node: item, depth: depth + 1 });
    }
  }
  return true;
}

function findNode(root: Node | null, path: SourcePath, key: boolean): Node | undefined {
  let node: Node | null | undefined = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair: unknown = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!isPair(pair)) return node;
      if (key && i === path.length - 1) return pair.key as Node;
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node ?? undefined;
    }
  }
  return node ?? undefined;
}

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

const KNOWN_KEYS: Record<string, string[]> = {
  plan: ["$schema", "version", "name", "description", "instances", "agent", "env", "land", "github", "waves"],
  instance: ["role", "focus"],
  agent: ["command", "setup", "secrets"],
  wave: ["id", "name", "description", "mode", "estimate", "tasks"],
  task: ["id", "instance", "title", "run", "prompt", "outputs", "timeout", "retries", "estimate", "env", "needs", "files"],
  land: ["strategy", "branch", "message", "author"],
  github: ["runs-on", "pull-request", "node-version", "token-secret", "app", "dispatch"],
  app: ["client-id", "private-key-secret"],
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

function reportSchemaIssue(
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
