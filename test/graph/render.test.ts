import { describe, expect, it } from "vitest";
import { dotString, MAX_BARRIER_EDGES, mermaidEscape, renderDot, renderGraph, renderMermaid, renderText } from "../../src/graph/render.js";
import { loadFixture, planFrom } from "./helpers.js";

const plan = loadFixture();

/** Edge lines of a rendering, without node and subgraph declarations. */
const edges = (text: string, arrow: string) => text.split("\n").filter((l) => l.includes(arrow) && !l.includes('[label="I'));

describe("mermaid", () => {
  const out = renderMermaid(plan);

  it("is a left-to-right flowchart with one subgraph per wave, labelled with name, mode and estimate", () => {
    expect(out.startsWith("flowchart LR\n")).toBe(true);
    expect(out).toContain(`  subgraph w0["W0: Safety · sequential · 2m"]`);
    expect(out).toContain(`  subgraph w2["W2: Migration · sequential · 30m"]`);
    expect(out.match(/^ {2}subgraph /gm)).toHaveLength(4);
    expect(out.match(/^ {2}end$/gm)).toHaveLength(4);
  });

  it("labels nodes id: title (instance) and escapes quotes and brackets", () => {
    expect(out).toContain(`    t1["I2-W1-1: Export users schema (I2)"]`);
    expect(out).toContain(`    t7["I3-W3-1: Fix #34;quoted#34; #91;bracket#93; #60;thing#62; (I3)"]`);
  });

  it("draws chains, barriers from exit to entry tasks, and needs not already drawn", () => {
    expect(edges(out, "-->")).toEqual([
      "  t3 --> t4",
      "  t4 --> t5",
      "  t0 --> t1",
      "  t0 --> t2",
      "  t1 --> t3",
      "  t2 --> t3",
      "  t5 --> t6",
      "  t5 --> t7",
    ]);
    // I2-W1-1 needs I1-W0-1, already the barrier edge t0 --> t1
    expect(out).not.toContain("-.->");
  });

  it("draws needs across waves as dotted edges", () => {
    const p = planFrom(`version: 1
name: n
instances: { A: { role: a }, B: { role: b } }
waves:
  - { id: W0, tasks: [{ id: x, instance: A, run: x }] }
  - { id: W1, tasks: [{ id: y, instance: B, run: y }] }
  - { id: W2, tasks: [{ id: z, instance: A, run: z, needs: [x] }] }
`);
    const m = renderMermaid(p);
    expect(m).toContain("  t0 -.->|needs| t2");
    expect(renderDot(p)).toContain(`  t0 -> t2 [style=dashed, label="needs"];`);
    expect(renderText(p)).toContain("z  A  z  (needs x)");
  });

  it("draws a wide barrier as one wave-to-wave edge", () => {
    const n = Math.ceil(Math.sqrt(MAX_BARRIER_EDGES)) + 1;
    const tasks = (w: string) => Array.from({ length: n }, (_, i) => `{ id: ${w}-${i}, instance: I${i}, run: x }`).join(", ");
    const instances = Array.from({ length: n }, (_, i) => `I${i}: { role: r }`).join(", ");
    const p = planFrom(
      `version: 1\nname: wide\ninstances: { ${instances} }\nwaves:\n  - { id: A, tasks: [${tasks("a")}] }\n  - { id: B, tasks: [${tasks("b")}] }\n`,
    );
    expect(edges(renderMermaid(p), "-->")).toEqual(["  w0 --> w1"]);
    expect(edges(renderDot(p), "->")).toEqual([`  t0 -> t${n} [ltail=cluster_0, lhead=cluster_1];`]);
  });

  it("keeps every label on one line and free of syntax characters", () => {
    expect(mermaidEscape('a "b" [c] {d} <e> |f| #g `h` & i; \\j\nk')).toBe(
      "a #34;b#34; #91;c#93; #123;d#125; #60;e#62; #124;f#124; #35;g #96;h#96; #38; i#59; #92;j k",
    );
  });
});

describe("dot", () => {
  const out = renderDot(plan);

  it("is a digraph with one cluster per wave and the same edges as mermaid", () => {
    expect(out.startsWith("digraph waveplan {\n  rankdir=LR;\n")).toBe(true);
    expect(out.trimEnd().endsWith("}")).toBe(true);
    expect(out).toContain(`  subgraph cluster_1 {\n    label="W1: Analysis · parallel · 10m";`);
    expect(out).toContain(`    t7 [label="I3-W3-1: Fix \\"quoted\\" [bracket] <thing> (I3)"];`);
    expect(edges(out, "->").map((l) => l.replace(" ->", " -->").replace(";", ""))).toEqual(edges(renderMermaid(plan), "-->"));
  });

  it("escapes backslashes and quotes", () => {
    expect(dotString('say "hi" \\n')).toBe('"say \\"hi\\" \\\\n"');
  });
});

describe("text", () => {
  it("is a timeline: one header per wave with estimate, mode and instances, tasks indented, ↓ between waves", () => {
    expect(renderText(plan)).toBe(`Authentication integration — 4 waves, 8 tasks, 4 instances
critical path 1h2m · sequential 1h32m · 1.5x

W0: Safety (2m) │ SEQUENTIAL │ I1
  1. I1-W0-1  I1  Create git backup
  ↓
W1: Analysis (10m) │ PARALLEL │ I2, I3
  I2-W1-1  I2  Export users schema  (needs I1-W0-1)
  I3-W1-1  I3  List endpoints
  ↓
W2: Migration (30m) │ SEQUENTIAL │ I1→I2→I3
  1. I1-W2-1  I1  Plan migration
  2. I2-W2-1  I2  Write migration
  3. I3-W2-1  I3  Apply migration
  ↓
W3: Tests (20m) │ PARALLEL │ I4, I3
  I4-W3-1  I4  Add tests
  I3-W3-1  I3  Fix "quoted" [bracket] <thing>
`);
  });

  it("omits the estimate and the name when the plan has none", () => {
    const p = planFrom(
      "version: 1\nname: bare\ninstances: { A: { role: a } }\nwaves:\n  - { id: W0, tasks: [{ instance: A, run: echo hi }] }\n",
    );
    expect(renderText(p)).toBe("bare — 1 wave, 1 task, 1 instance\n\nW0 │ PARALLEL │ A\n  A-W0-1  A  echo hi\n");
  });
});

describe("renderGraph", () => {
  it("dispatches on the format", () => {
    expect(renderGraph(plan, "mermaid")).toBe(renderMermaid(plan));
    expect(renderGraph(plan, "dot")).toBe(renderDot(plan));
    expect(renderGraph(plan, "text")).toBe(renderText(plan));
  });
});
