import { describe, expect, it } from "vitest";
import { importMarkdown } from "../../src/import/index.js";
import { checkPlan } from "../../src/plan/load.js";

const md = (...tasks: string[]) =>
  [
    "| ID | Role |",
    "|---|---|",
    "| I1 | Dev |",
    "",
    "```",
    "W1: Work (5min) │ SEQUENTIAL │ I1 │ work",
    "```",
    "",
    "### WAVE 1: WORK",
    "",
    ...tasks,
  ].join("\n");

describe("task ids", () => {
  it("omits ids equal to the plan default and writes only the ones that must differ", () => {
    const r = importMarkdown(md("**I1 - First:**", "do a", "", "**I1 - Second:**", "See existing plan PROMPT I1-W1-1 for details"), {
      file: "p.md",
    });
    const plan = checkPlan(r.yaml, "p.yml").plan;
    // the referenced id I1-W1-1 is kept, so the first task cannot have its default and gets the next free one
    expect(plan?.tasks.map((t) => [t.title, t.id])).toEqual([
      ["First", "I1-W1-2"],
      ["Second", "I1-W1-1"],
    ]);
    expect(r.yaml).toContain("      - id: I1-W1-2\n        instance: I1\n        title: First\n");
  });

  it("drops a referenced id used twice, with a warning at the second task", () => {
    const r = importMarkdown(md("**I1 - A:**", "See existing plan PROMPT X-1", "", "**I1 - B:**", "See existing plan PROMPT X-1"), {
      file: "p.md",
    });
    expect(checkPlan(r.yaml, "p.yml").plan?.tasks.map((t) => t.id)).toEqual(["X-1", "I1-W1-2"]);
    expect(r.diagnostics.items.filter((d) => d.rule === "duplicate-id").map((d) => [d.line, d.message])).toEqual([
      [14, "task id X-1 is used by an earlier task; this one gets a generated id"],
    ]);
  });
});
