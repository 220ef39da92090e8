/**
 * Property: whatever a valid plan is mutated into, loading it either succeeds or reports errors
 * located in the file (line and column inside the text, a message) — it never throws. Runs in
 * process for speed; a smaller sample goes through the bundled CLI (exit code, location, no stack).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { checkPlan } from "../../src/plan/load.js";
import { CLI, cleanEnv, ROOT, requireBundle, tempDir } from "../support/repo.js";

const VALID = [
  "examples/auth-integration/plan.yml",
  "examples/agent-prompts/plan.yml",
  "test/fixtures/plans/small.yml",
  "test/fixtures/plans/prompts.yml",
  "test/fixtures/compile/agent.yml",
  "test/fixtures/compile/edge.yml",
  "test/fixtures/compile/wide.yml",
].map((file) => {
  const text = readFileSync(join(ROOT, file), "utf8");
  return { file, text, data: parse(text) as Json };
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path to a value inside `value` (objects and arrays included), root excluded. */
function paths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => {
    const child = (value as Record<string | number, Json>)[k];
    return [[...prefix, k], ...paths(child, [...prefix, k])];
  });
}

function parentOf(root: Json, path: Path): Record<string | number, Json> {
  let v = root as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) v = v[seg] as Record<string | number, Json>;
  return v;
}

const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom("", "../x", "/etc/passwd", ".git/config", "I1", "W0", "5m", "1h30m", "0s", "\u0024{{ secrets.X }}", "-1", "yes"),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

/** A structural mutation of the parsed plan, applied to a copy. */
type Mutation = (plan: Json, pick: (n: number) => number, value: Json, key: string) => void;

const MUTATIONS: Record<string, Mutation> = {
  deleteKey: (plan, pick) => {
    const ps = paths(plan);
    const p = ps[pick(ps.length)];
    const parent = parentOf(plan, p);
    if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
    else delete parent[p[p.length - 1]];
  },
  changeType: (plan, pick, value) => {
    const ps = paths(plan);
    const p = ps[pick(ps.length)];
    parentOf(plan, p)[p[p.length - 1]] = value;
  },
  insertUnknownKey: (plan, pick, value, key) => {
    const objects = [[], ...paths(plan)].filter((p) => {
      const v = p.length ? parentOf(plan, p)[p[p.length - 1]] : plan;
      return v !== null && typeof v === "object" && !Array.isArray(v);
    });
    const p = objects[pick(objects.length)];
    const target = (p.length ? parentOf(plan, p)[p[p.length - 1]] : plan) as Record<string, Json>;
    target[key || "x"] = value;
  },
  swapIds: (plan, pick) => {
    const ids = paths(plan).filter((p) => p[p.length - 1] === "id" || p[p.length - 1] === "instance" || p[p.length - 2] === "needs");
    if (ids.length < 2) return;
    const a = ids[pick(ids.length)];
    const b = ids[pick(ids.length)];
    const pa = parentOf(plan, a);
    const pb = parentOf(plan, b);
    [pa[a[a.length - 1]], pb[b[b.length - 1]]] = [pb[b[b.length - 1]], pa[a[a.length - 1]]];
  },
  randomString: (plan, pick, _value, key) => {
    const strings = paths(plan).filter((p) => typeof parentOf(plan, p)[p[p.length - 1]] === "string");
    if (strings.length === 0) return;
    const p = strings[pick(strings.length)];
    parentOf(plan, p)[p[p.length - 1]] = key;
  },
  duplicateItem: (plan, pick) => {
    const lists = paths(plan).filter((p) => Array.isArray(parentOf(plan, p)[p[p.length - 1]]));
    if (lists.length === 0) return;
    const p = lists[pick(lists.length)];
    const list = parentOf(plan, p)[p[p.length - 1]] as Json[];
    if (list.length) list.push(structuredClone(list[pick(list.length)]));
  },
};

/** A textual mutation of the file itself. */
type TextMutation = (text: string, at: number, insert: string) => string;

const TEXT_MUTATIONS: Record<string, TextMutation> = {
  truncate: (text, at) => text.slice(0, at),
  insert: (text, at, insert) => text.slice(0, at) + insert + text.slice(at),
  deleteRange: (text, at, insert) => text.slice(0, at) + text.slice(at + insert.length + 1),
  deleteLine: (text, at) => {
    const lines = text.split("\n");
    lines.splice(at % lines.length, 1);
    return lines.join("\n");
  },
  indentLine: (text, at, insert) => {
    const lines = text.split("\n");
    const i = at % lines.length;
    lines[i] = (insert.length % 2 ? "\t" : " ") + lines[i];
    return lines.join("\n");
  },
};

const YAML_NOISE = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "!!binary ",
    "? ",
    "|",
    ">-",
    "#",
    '"',
    "'",
    "\t",
    "\r\n",
    "\u0000",
    "%",
    "@",
    "`",
    "<<: *a",
  ),
);

const structural = fc.record({
  base: fc.integer({ min: 0, max: VALID.length - 1 }),
  steps: fc.array(
    fc.record({
      kind: fc.constantFrom(...Object.keys(MUTATIONS)),
      seed: fc.nat(),
      value: junk,
      key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("timout", "taks", "outputs", "needs", "id", "run", "prompt", "env")),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

const textual = fc.record({
  base: fc.integer({ min: 0, max: VALID.length - 1 }),
  steps: fc.array(fc.record({ kind: fc.constantFrom(...Object.keys(TEXT_MUTATIONS)), at: fc.nat(), insert: YAML_NOISE }), {
    minLength: 1,
    maxLength: 3,
  }),
});

function applyStructural(input: { base: number; steps: { kind: string; seed: number; value: Json; key: string }[] }): string {
  const plan = structuredClone(VALID[input.base].data);
  for (const step of input.steps) {
    let s = step.seed;
    const pick = (n: number) => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return n > 0 ? s % n : 0;
    };
    MUTATIONS[step.kind](plan, pick, structuredClone(step.value), step.key);
  }
  return stringify(plan);
}

function applyTextual(input: { base: number; steps: { kind: string; at: number; insert: string }[] }): string {
  let text = VALID[input.base].text;
  for (const step of input.steps) text = TEXT_MUTATIONS[step.kind](text, step.at % (text.length + 1), step.insert);
  return text;
}

/** The property itself: never throws; success, or every diagnostic points inside the text. */
function assertLocated(text: string): void {
  const result = checkPlan(text, "mutant.yml");
  const lines = result.source.split("\n");
  for (const d of result.diagnostics.items) {
    expect(d.message.trim().length, JSON.stringify(d)).toBeGreaterThan(0);
    expect(Number.isInteger(d.line) && d.line >= 1, JSON.stringify(d)).toBe(true);
    expect(Number.isInteger(d.col) && d.col >= 1, JSON.stringify(d)).toBe(true);
    // a position past the end of the file or of its line points at nothing the user can find
    expect(d.line, JSON.stringify(d)).toBeLessThanOrEqual(Math.max(1, lines.length));
    expect(d.col, JSON.stringify(d)).toBeLessThanOrEqual((lines[d.line - 1] ?? "").length + 1);
  }
  if (!result.diagnostics.hasErrors) expect(result.plan).toBeDefined();
}

/** Runs per property; WAVEPLAN_FUZZ_RUNS raises it for a longer hunt (with WAVEPLAN_FUZZ_SEED). */
const RUNS = Number(process.env.WAVEPLAN_FUZZ_RUNS ?? 300);
const CLI_RUNS = 16;
let runs = 0;

describe("mutated valid plans, in process", () => {
  it("the unmutated plans are valid (so a mutation is what makes them fail)", () => {
    for (const v of VALID) expect(checkPlan(v.text, v.file).diagnostics.errors, v.file).toEqual([]);
  });

  it("structural mutations (delete keys, change types, unknown keys, swapped ids, random strings): located errors or success", () => {
    fc.assert(
      fc.property(structural, (input) => {
        runs++;
        assertLocated(applyStructural(input));
      }),
      { numRuns: RUNS, seed: Number(process.env.WAVEPLAN_FUZZ_SEED ?? 20240607) },
    );
  });

  it("textual mutations (truncation, YAML noise, deleted and re-indented lines): located errors or success", () => {
    fc.assert(
      fc.property(textual, (input) => {
        runs++;
        assertLocated(applyTextual(input));
      }),
      { numRuns: RUNS, seed: Number(process.env.WAVEPLAN_FUZZ_SEED ?? 20240607) },
    );
    expect(runs).toBe(2 * RUNS);
  });
});

describe("mutated valid plans, through the bundled CLI", () => {
  beforeAll(requireBundle);

  it("validate exits 0 or 1 with located errors and never a stack trace", () => {
    const dir = tempDir("waveplan-fuzz-");
    let n = 0;
    fc.assert(
      fc.property(fc.oneof(structural.map(applyStructural), textual.map(applyTextual)), (text) => {
        const file = join(dir, `mutant-${n++}.yml`);
        writeFileSync(file, text);
        const r = spawnSync(process.execPath, [CLI, "validate", file], { encoding: "utf8", env: cleanEnv(), timeout: 20_000 });
        const out = r.stdout + r.stderr;
        expect(out).not.toMatch(/^\s+at .+|node:internal/m);
        expect([0, 1], out).toContain(r.status);
        if (r.status === 1) expect(r.stderr).toMatch(/^.*mutant-\d+\.yml:\d+:\d+: error: \S/m);
        else expect(r.stdout).toMatch(/: ok — /);
      }),
      { numRuns: CLI_RUNS, seed: 7 },
    );
    expect(n).toBe(CLI_RUNS);
  });
});
