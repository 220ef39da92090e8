/** The optional task field `files:`: validate warns about overlaps in a parallel wave; a run reports changes outside it. */
import { describe, expect, it } from "vitest";
import { taskHash } from "../../src/plan/hash.js";
import { checkPlan } from "../../src/plan/load.js";
import { outsideDeclared, undeclaredChangeWarnings } from "../../src/report/declared-files.js";

const plan = (files1: string, files2: string, mode = "parallel") => `version: 1
name: files
instances: { I1: { role: A }, I2: { role: B } }
waves:
  - id: W1
    mode: ${mode}
    tasks:
      - { instance: I1, run: "true", files: ${files1} }
      - { instance: I2, run: "true", files: ${files2} }
`;

describe("files: in a plan", () => {
  it("two tasks of one parallel wave declaring one path is a located warning (paths compared normalized)", () => {
    const r = checkPlan(plan("[a.txt, src/x.js]", "[b.txt, ./src/x.js]"), "p.yml");
    expect(r.diagnostics.hasErrors).toBe(false);
    expect(r.diagnostics.sorted().map((d) => `${d.line}:${d.col} ${d.rule} ${d.message}`)).toEqual([
      '9:53 files-overlap tasks "I1-W1-1" and "I2-W1-1" of parallel wave "W1" both declare ./src/x.js; their changes to it are merged, and edits to the same lines of it would be a conflict (move one to a later wave or make the wave sequential)',
    ]);
  });

  it("no warning in a sequential wave or without overlap; an unknown-key suggestion still lists files", () => {
    expect(checkPlan(plan("[a.txt]", "[a.txt]", "sequential"), "p.yml").diagnostics.items).toEqual([]);
    expect(checkPlan(plan("[a.txt]", "[b.txt]"), "p.yml").diagnostics.items).toEqual([]);
    const typo = checkPlan(plan("[a.txt]", "[b.txt]").replace("files: [b.txt]", "filez: [b.txt]"), "p.yml");
    expect(typo.diagnostics.errors[0].message).toMatch(/"filez".*did you mean "files"\?/);
  });

  it("a plan without files: keeps its task hashes (the field is absent, not empty)", () => {
    const without = checkPlan(plan("[a.txt]", "[b.txt]").replace(/, files: \[[^\]]*\]/g, ""), "p.yml").plan;
    expect(without?.tasks[0]).not.toHaveProperty("files");
    const withFiles = checkPlan(plan("[a.txt]", "[b.txt]"), "p.yml").plan;
    if (!without || !withFiles) throw new Error("plans should load");
    expect(taskHash(withFiles, withFiles.tasks[0])).not.toBe(taskHash(without, without.tasks[0]));
  });
});

describe("changes outside the declared files", () => {
  it("files and folders cover what is under them; no declaration, no warning", () => {
    expect(outsideDeclared(["src/", "README.md"], ["src/a/b.js", "README.md", "docs/x.md", "srcx/y"])).toEqual(["docs/x.md", "srcx/y"]);
    expect(outsideDeclared(["./src"], ["src/a.js"])).toEqual([]);
    expect(outsideDeclared(undefined, ["anything"])).toEqual([]);
    expect(outsideDeclared([], ["anything"])).toEqual(["anything"]);
  });

  it("one warning line per task, the list capped", () => {
    const w = undeclaredChangeWarnings([
      { task: { id: "t1", files: ["a"] }, changed: ["a", "b", "c", "d", "e", "f", "g", "h"] },
      { task: { id: "t2", files: ["x"] }, changed: ["x"] },
      { task: { id: "t3" }, changed: ["y"] },
    ]);
    expect(w).toEqual(["task t1 changed 7 file(s) outside its declared files: b, c, d, e, f and 2 more"]);
  });
});
