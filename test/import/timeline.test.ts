import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../../src/import/markdown.js";
import { parseEstimate, parseInstances, parseTimeline, parseTimelineLine } from "../../src/import/timeline.js";
import { DiagnosticList } from "../../src/plan/diagnostics.js";

describe("parseEstimate", () => {
  it.each([
    ["12min", "12m"],
    ["~5 min", "5m"],
    ["1h 30min", "1h30m"],
    ["2 hours", "2h"],
    ["90s", "90s"],
    ["45 sec", "45s"],
  ])("%s → %s", (text, want) => {
    expect(parseEstimate(text)).toBe(want);
  });

  it("refuses what is not a duration", () => {
    expect(parseEstimate("Part 1")).toBeUndefined();
    expect(parseEstimate("")).toBeUndefined();
  });
});

describe("parseTimelineLine", () => {
  it("reads a parallel wave", () => {
    expect(parseTimelineLine("W4: Backend Features Pt1 (12min) │ PARALLEL │ I4, I5, I6 │ Signup, rotation, rate limit")).toEqual({
      wave: {
        id: "W4",
        name: "Backend Features Pt1",
        estimate: "12m",
        mode: "parallel",
        instances: ["I4", "I5", "I6"],
        description: "Signup, rotation, rate limit",
      },
      chainInParallel: false,
    });
  });

  it("reads a sequential chain in its order, and drops decorative emoji", () => {
    const r = parseTimelineLine("W8: MIGRATION EXECUTION (5min) │ SEQUENTIAL │ I1→I13→I3→I2→I4 │ ⚠️ CRITICAL");
    expect(r).toMatchObject({ wave: { mode: "sequential", instances: ["I1", "I13", "I3", "I2", "I4"], description: "CRITICAL" } });
  });

  it("reads `I1 only`, ASCII pipes, the double-encoded bar, and no description", () => {
    expect(parseTimelineLine("W0: Safety (2min) | SEQUENTIAL | I1 only")).toMatchObject({
      wave: { id: "W0", instances: ["I1"], description: undefined },
    });
    expect(parseTimelineLine("W2: Infra (7min) ‚îÇ PARALLEL ‚îÇ I13, I3 ‚îÇ x")).toMatchObject({ wave: { instances: ["I13", "I3"] } });
  });

  it("keeps a parenthesis that is not an estimate in the name", () => {
    expect(parseTimelineLine("W3: Cleanup (part 2) │ PARALLEL │ I1")).toMatchObject({
      wave: { name: "Cleanup (part 2)", estimate: undefined },
    });
  });

  it("flags arrows in a parallel wave", () => {
    expect(parseTimelineLine("W1: A │ PARALLEL │ I1 -> I2")).toMatchObject({ chainInParallel: true });
  });

  it("explains what is wrong", () => {
    expect(parseTimelineLine("Wave four: stuff")).toMatchObject({ error: expect.stringContaining("starts with the wave id") });
    expect(parseTimelineLine("W2: Test │ WHENEVER │ I2")).toEqual({
      error: 'wave W2: the second column must say PARALLEL or SEQUENTIAL, got "WHENEVER"',
      column: "WHENEVER",
    });
    expect(parseTimelineLine("W2: Test │ PARALLEL")).toMatchObject({ error: expect.stringContaining("expected W<n>") });
  });
});

describe("parseInstances", () => {
  it("expands ranges and accepts known non-numbered ids", () => {
    expect(parseInstances("I7-I9, I2")).toEqual(["I7", "I8", "I9", "I2"]);
    expect(parseInstances("lead and I2", new Set(["lead"]))).toEqual(["lead", "I2"]);
  });

  it("rejects words that are not instances", () => {
    expect(parseInstances("everyone")).toMatch(/"everyone" is not an instance id/);
    expect(parseInstances("only")).toMatch(/no instances listed/);
  });
});

describe("parseTimeline", () => {
  it("reads the fenced block, skipping connector lines, and reports bad lines with their line number", () => {
    const md = [
      "# P",
      "",
      "```",
      "W0: A (1min) │ SEQUENTIAL │ I1 only │ x",
      "    ↓",
      "W1: B │ SOMETIMES │ I2 │ y",
      "W1: C │ PARALLEL │ I2",
      "```",
    ].join("\n");
    const d = new DiagnosticList("p.md");
    const waves = parseTimeline(parseMarkdown(md), d, new Set());
    expect(waves.map((w) => [w.id, w.at.line])).toEqual([
      ["W0", 4],
      ["W1", 7],
    ]);
    expect(d.errors.map((e) => [e.line, e.col, e.message])).toEqual([
      [6, 9, 'cannot read this timeline line: wave W1: the second column must say PARALLEL or SEQUENTIAL, got "SOMETIMES"'],
    ]);
  });

  it("falls back to W lines under a timeline heading", () => {
    const md = "## Timeline\n\nW1: A (5min) | PARALLEL | I1, I2 | go\n\n## Next\nW2: B | PARALLEL | I3";
    const waves = parseTimeline(parseMarkdown(md), new DiagnosticList("p.md"), new Set());
    expect(waves.map((w) => w.id)).toEqual(["W1"]);
  });

  it("reports a repeated wave id", () => {
    const d = new DiagnosticList("p.md");
    parseTimeline(parseMarkdown("```\nW1: A │ PARALLEL │ I1\nW1: B │ PARALLEL │ I2\n```"), d, new Set());
    expect(d.errors.map((e) => [e.line, e.message])).toEqual([[3, "wave W1 is already on line 2"]]);
  });
});
