/**
 * Turns plan text into a normalized Plan, collecting every problem with its file position:
 * encoding, YAML syntax, schema (types, unknown keys) and semantic rules (validate.ts).
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { DiagnosticList, PlanError, type Position } from "./diagnostics.js";
import { fastParse } from "./fast-yaml.js";
import { normalizePlan, type Plan, type SourcePath } from "./model.js";
import { checkDespiteSchemaErrors } from "./recheck.js";
import { planSchema } from "./schema.js";
import { reportSchemaIssue } from "./schema-issues.js";
import { decodeUtf8, readPlanSource } from "./source.js";
import { validatePlan } from "./validate.js";

// where the markdown importer and the action have long found them
export { decodeUtf8, MAX_PLAN_BYTES } from "./source.js";

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
  return requirePlan(checkPlan(readPlanSource(file), file));
}

export function requirePlan(result: LoadResult): LoadedPlan {
  if (!result.plan || result.diagnostics.hasErrors) throw new PlanError(result.diagnostics.sorted(), result.source);
  return result as LoadedPlan;
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

  // Plain YAML is read without positions (fast); the located parse runs only when something is to
  // be reported, or when the fast path declines.
  let doc: Document.Parsed | undefined;
  let raw: unknown = fastParse(source, MAX_DEPTH);
  if (raw === undefined) {
    const deep = deepFlowOnOneLine(source);
    if (deep !== undefined) {
      d.error("nesting", `values are nested more than ${MAX_DEPTH} levels deep; a plan needs about six`, at(deep));
      return fail();
    }
    try {
      doc = parseLocated(source);
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
    try {
      raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      d.error("syntax", `cannot expand YAML aliases: ${(e as Error).message}`, { line: 1, col: 1 });
      return fail();
    }
  }
  const root = (): Node | null => {
    doc ??= parseLocated(source);
    return doc.contents as Node | null;
  };
  const locate = (path: SourcePath, key = false): Position => {
    const node = findNode(root(), path, key);
    const range = node?.range ?? [0, 1];
    const text = source.slice(range[0], range[1]);
    return at(range[0], Math.max(1, Math.min(text.indexOf("\n") === -1 ? text.length : text.indexOf("\n"), 80)));
  };

  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    d.error("type", "a plan is a YAML mapping with keys version, name, instances and waves", { line: 1, col: 1 });
    return { ...fail(), locate };
  }

  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportSchemaIssue(issue, d, locate, raw);
    const rangeOf = (path: SourcePath): [number, number] | undefined => {
      const r = findNode(root(), path, false)?.range;
      return r ? [r[0], r[2]] : undefined;
    };
    const offsetOf = (p: Position) => (lineStarts[p.line - 1] ?? 0) + p.col - 1;
    checkDespiteSchemaErrors(raw, parsed.error.issues, d, locate, rangeOf, offsetOf);
    return { file, source, diagnostics: d, locate };
  }
  const plan = normalizePlan(parsed.data);
  validatePlan(plan, d, locate, parsed.data);
  return { plan, file, source, diagnostics: d, locate };
}

function parseLocated(source: string): Document.Parsed {
  return parseDocument(source, { prettyErrors: false, uniqueKeys: true, strict: true });
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
