/**
 * The fast path (js-yaml, no positions) must read every plan exactly as the located parser (`yaml`,
 * YAML 1.2 core schema) does, and decline what it cannot read the same way: otherwise a plan's
 * values, and so its hash, would depend on which path read it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { fastParse } from "../../src/plan/fast-yaml.js";
import { MAX_DEPTH } from "../../src/plan/load.js";

const ROOT = join(import.meta.dirname, "../..");

/** What the located parser makes of `source`, or undefined when it reports an error. */
function located(source: string): unknown {
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true, strict: true });
  return doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
}

function expectSameAsLocated(source: string): void {
  const fast = fastParse(source, MAX_DEPTH);
  if (fast === undefined) return; // declined: the located parser reads it
  expect(fast, source).toEqual(located(source));
}

const yamlFiles = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".yml"))
    .map((f) => join(dir, f));

describe("fast plan parsing", () => {
  it.each([
    "examples/auth-integration/plan.yml",
    "examples/agent-prompts/plan.yml",
    ...yamlFiles("test/fixtures/plans"),
    ...yamlFiles("test/fixtures/compile"),
  ])("reads %s as the located parser does", (file) => {
    const source = readFileSync(join(ROOT, file), "utf8");
    expect(fastParse(source, MAX_DEPTH)).toBeDefined();
    expectSameAsLocated(source);
  });

  it.each(yamlFiles("test/fixtures/invalid"))("never accepts what the located parser refuses, nor reads it differently: %s", (file) => {
    expectSameAsLocated(readFileSync(join(ROOT, file), "utf8"));
  });

  // scalars where YAML 1.1, js-yaml's own schemas and the 1.2 core schema disagree
  const scalars = [
    "1_000",
    "0b101",
    "0o17",
    "017",
    "0x1F",
    "0X1F",
    "+12",
    "-0",
    ".5",
    "1.",
    "1e3",
    "1E+3",
    "-.5e-2",
    ".inf",
    "-.Inf",
    "+.INF",
    ".NaN",
    ".nan",
    "~",
    "",
    "null",
    "Null",
    "NULL",
    "nULL",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "True",
    "TRUE",
    "tRUE",
    "false",
    "2024-01-01",
    "2024-01-01T10:00:00Z",
    "12:30",
    "1:20:00",
    "0.1.2",
    "1,000",
    "=",
    "<<",
    '"quoted"',
    "'it''s'",
    '"\\x41\\u00e9\\t"',
    "!!str 12",
    "!!int '12'",
    "! 12",
    "!!float 1",
    "a #not comment",
    "a#b",
    "-",
    "--",
    "a: b".replace(": ", ":"),
  ];
  it.each(scalars)("reads the plain scalar %j as the 1.2 core schema does, in block and flow context", (s) => {
    expectSameAsLocated(`v: ${s}\n`);
    expectSameAsLocated(`v: [${s}]\n`);
    expectSameAsLocated(`${JSON.stringify(s)}: x\n`);
    if (!/[:#]/.test(s)) expectSameAsLocated(`${s}: x\n`);
  });

  it.each([
    "run: |\n  echo a\n\n  echo b\n\n\nnext: 1\n",
    "run: |-\n  a\n",
    "run: |+\n  a\n\n",
    "run: >\n  a\n  b\n\n  c\n",
    "run: >-\n  a\n    indented\n  b\n",
    "run: |2\n    two spaces kept\n",
    "run: plain\n  continued\n\n  paragraph\n",
    'run: "double\n  folded \\\n  escaped"\n',
    "run: 'single\n\n  folded'\n",
    "a:\n- 1\n- 2\n",
    "a: {b: 1, c: [x, {d: e}]}\n",
    "a: [ 1, 2, ]\n",
    "? a\n: b\n",
    "[a, b]: c\n",
    "a: &x 1\nb: *x\n",
    "a: 1\na: 2\n",
    "a: 1\n---\nb: 2\n",
    "%YAML 1.1\n---\na: yes\n",
    "a:\tb\n",
    "a:\n\t- b\n",
    "a: b: c\n",
    "a: 'unclosed\n",
    "\ufeffa: 1\n",
    "a: 1\r\nb: |\r\n  x\r\n",
    "__proto__: 1\n",
    "a: !!binary aGk=\n",
    "a: !custom x\n",
  ])("reads or declines %j as the located parser does", (source) => {
    expectSameAsLocated(source);
  });

  it("declines what only the located parser checks: anchors and aliases, complex keys, deep nesting", () => {
    expect(fastParse("a: &x [1]\nb: *x\n", MAX_DEPTH)).toBeUndefined();
    expect(fastParse("? [a]\n: b\n", MAX_DEPTH)).toBeUndefined();
    expect(fastParse("{a: 1}: b\n", MAX_DEPTH)).toBeUndefined();
    expect(fastParse(`a: ${"[".repeat(MAX_DEPTH + 1)}${"]".repeat(MAX_DEPTH + 1)}\n`, MAX_DEPTH)).toBeUndefined();
    expect(fastParse("- a\n", MAX_DEPTH)).toBeUndefined(); // not a mapping: the located parser says what it is
  });

  it("reads any JSON-like value written by a YAML printer as the located parser does", () => {
    const key = fc.oneof(fc.string(), fc.constantFrom("on", "yes", "1_0", "0b1", "~", "null", "<<"));
    const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), fc.boolean(), (doc, flow) => {
        expectSameAsLocated(stringify(doc, { collectionStyle: flow ? "flow" : "block" }));
      }),
      { numRuns: 300 },
    );
  });
});
