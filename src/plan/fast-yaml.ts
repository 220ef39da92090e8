/**
 * The fast path for reading a plan: `js-yaml` turns plain YAML into values about ten times faster than
 * `yaml` builds its document with positions (1.1 s of a 10k-task `compile`, issue 14). Positions are
 * only needed to report a problem, so the located parse (`yaml`) runs only then, or when this path
 * declines: anchors and aliases, complex keys, nesting deeper than a plan needs,
 * or anything js-yaml refuses. Both must give the same values; test/plan/fast-yaml.test.ts holds them to it.
 */
import { FAILSAFE_SCHEMA, load, type State, Type } from "js-yaml";

/**
 * The YAML 1.2 core schema exactly as `yaml` resolves plain scalars (its schema/core/*.js), not
 * js-yaml's own, which also reads `1_000` and `0b101` as numbers.
 */
const core = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar("null", /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar("bool", /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === "t" || s[0] === "T"),
    scalar("int", /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) =>
      s.startsWith("0o") ? Number.parseInt(s.slice(2), 8) : s.startsWith("0x") ? Number.parseInt(s.slice(2), 16) : Number.parseInt(s, 10),
    ),
    scalar(
      "float",
      /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      (s) => (/nan$/i.test(s) ? Number.NaN : /inf$/i.test(s) ? (s[0] === "-" ? -Infinity : Infinity) : Number.parseFloat(s)),
    ),
  ],
});

function scalar(name: string, test: RegExp, construct: (s: string) => unknown): Type {
  return new Type(`tag:yaml.org,2002:${name}`, {
    kind: "scalar",
    resolve: (s: string | null) => test.test(s ?? ""),
    construct: (s: string | null) => construct(s ?? ""),
  });
}

const DECLINED = new Error("declined");

/**
 * The plan file's value, or undefined when this path declines (then `yaml` reads it, with positions,
 * and reports whatever is wrong). `maxDepth`: deeper nesting is declined too, for the located check.
 */
export function fastParse(source: string, maxDepth: number): unknown {
  // a directive (`%YAML 1.1`) changes how scalars read
  if (/^%/m.test(source)) return undefined;
  let depth = 0;
  try {
    const value = load(source, {
      schema: core,
      listener(event: "open" | "close", state: State) {
        depth += event === "open" ? 1 : -1;
        if (depth > maxDepth) throw DECLINED;
        if (event !== "close") return;
        // an anchor (and so any alias: one without an anchor fails) is left to the full parser, which
        // bounds alias expansion. Explicit tags need no check: the schema knows only str, seq, map,
        // null, bool, int and float, resolved as `yaml` does, and refuses any other tag.
        if ((state as State & { anchor: string | null }).anchor !== null) throw DECLINED;
        // a list or mapping followed by `:` is a key (`[a]: b`, `? [a]\n: b`), which js-yaml turns into a string
        if ((state.kind === "sequence" || state.kind === "mapping") && nextToken(source, state.position) === ":") throw DECLINED;
      },
    });
    return value !== null && typeof value === "object" && !Array.isArray(value) && plainKeys(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The first character at or after `at` that is not white space or part of a comment. */
function nextToken(source: string, at: number): string {
  for (let i = at; i < source.length; i++) {
    const c = source[i];
    if (c === "#") while (i < source.length && source[i] !== "\n") i++;
    else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return c;
  }
  return "";
}

/**
 * Keys the two parsers turn into different strings: a null key (`~: x`: "null" here, "" there), and
 * keys longer than the located parser's 1024-character limit on implicit keys, which it refuses.
 */
function plainKeys(root: object): boolean {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === "null" || k === "[object Object]" || k.length > 1000) return false;
      stack.push(x);
    }
  }
  return true;
}
