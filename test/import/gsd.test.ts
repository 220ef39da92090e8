/** GSD phase folders: depends_on spellings, done plans, waves, checkpoints, files_modified, located diagnostics. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gsdPlanId, normalizeDependency } from "../../src/import/gsd.js";
import { ROOT, waveplan } from "./helpers.js";

const phase = (name: string) => join(ROOT, "test/fixtures/gsd", name);
const rel = (name: string) => `test/fixtures/gsd/${name}`;

describe("depends_on spellings", () => {
  it.each([
    ["01-02", "01-02"],
    [2, "03-02"],
    ["2", "03-02"],
    ["02", "03-02"],
    ["01-02-PLAN.md", "01-02"],
    [".planning/phases/01-setup/01-02-PLAN.md", "01-02"],
    ["01-02-PLAN", "01-02"],
    ["02.1-03", "02.1-03"],
    [{ plan: 1 }, undefined],
    ["later", undefined],
  ])("%j → %s", (ref, want) => {
    expect(normalizeDependency(ref, "03")).toBe(want);
  });

  it("plan ids come from file names", () => {
    expect(gsdPlanId("26-01-PLAN.md")).toBe("26-01");
    expect(gsdPlanId("26-01-SUMMARY.md")).toBeUndefined();
    expect(gsdPlanId("PLAN.md")).toBeUndefined();
  });
});

describe("waveplan import <GSD phase>", () => {
  it("maps plans to tasks: waves, needs from every spelling, files, the body as the prompt; done plans left out", async () => {
    const r = await waveplan("import", rel("03-search-index"));
    expect(r.code, r.err).toBe(0);
    const plan = parse(r.out);
    expect(plan.waves.map((w: { id: string; tasks: { id: string }[] }) => [w.id, w.tasks.map((t) => t.id)])).toEqual([
      ["W1", ["03-01", "03-02"]],
      ["W2", ["03-03"]],
      ["W3", ["03-04"]],
    ]);
    const [t1, t2] = plan.waves[0].tasks;
    // 03-00 has a SUMMARY: done, so 03-01's dependency on it is already satisfied
    expect(t1.needs).toBeUndefined();
    expect(t1.files).toEqual(["src/tokenize.js", "test/tokenize.test.js"]);
    expect(t1.prompt).toMatch(/^<objective>\nSplit text into lower-cased word tokens, test first\./);
    expect(t1.prompt).toContain("@notes/search-decisions.md");
    expect(t1.title).toBe("Split text into lower-cased word tokens, test first");
    expect(plan.waves[1].tasks[0].needs).toEqual(["03-01", "03-02"]); // [01, 2]
    expect(plan.waves[2].tasks[0].needs).toEqual(["03-03"]); // a file name, as a scalar
    expect(t2.files).toEqual(["src/store.js"]);
    // roles from `type`, one worker per task of the widest wave
    expect(plan.instances).toEqual({
      I1: { role: "TDD Engineer", focus: "1 tdd plan" },
      I2: { role: "Executor", focus: "3 execute plans" },
    });
    expect(t1.instance).toBe("I1");
    expect(plan.name).toBe("Phase 03: Search Index");
    // declared wave 2, but its dependency is in wave 2: moved, with a located warning
    expect(r.err).toContain(
      "test/fixtures/gsd/03-search-index/03-04-PLAN.md:5:7: warning: plan 03-04 says wave 2 but depends on 03-03 (wave 2); it runs in wave 3",
    );
    expect(r.out.split("\n")[1]).toBe("# Regenerate: waveplan import test/fixtures/gsd/03-search-index");
  });

  it("--all keeps done plans; one PLAN.md stands for its folder; --workers sets the pool", async () => {
    const all = await waveplan("import", join(phase("03-search-index"), "03-02-PLAN.md"), "--all", "--workers", "1");
    expect(all.code, all.err).toBe(0);
    const plan = parse(all.out);
    expect(plan.waves.map((w: { id: string }) => w.id)).toEqual(["W0", "W1", "W2", "W3"]);
    expect(plan.waves[1].tasks[0].needs).toEqual(["03-00"]);
    expect(Object.keys(plan.instances)).toEqual(["I1"]);
    expect(all.out).toContain("--all --workers 1");
  });

  it("refuses autonomous: false at the key unless --allow-checkpoints; warns about files_modified overlaps and other phases", async () => {
    const refused = await waveplan("import", rel("07-overlap"));
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^test\/fixtures\/gsd\/07-overlap\/07-02-PLAN\.md:10:1: error: this plan is not autonomous \(`autonomous: false`\).*--allow-checkpoints \[gsd-checkpoint\]\n {3}\|\n10 \| autonomous: false\n {3}\| \^~~~~~~~~~$/m,
    );
    expect(refused.out).toBe("");

    const allowed = await waveplan("import", rel("07-overlap"), "--allow-checkpoints");
    expect(allowed.code, allowed.err).toBe(0);
    expect(allowed.err).toContain(
      "test/fixtures/gsd/07-overlap/07-02-PLAN.md:9:5: warning: plans 07-01 and 07-02 of wave W1 both list README.md in files_modified",
    );
    expect(allowed.err).toContain("07-03-PLAN.md:6:23: warning: depends on 05-02, a plan of another phase; it is taken as done");
    expect(allowed.err.match(/\[files-overlap\]/g)).toHaveLength(1);
    expect(parse(allowed.out).waves[1].tasks[0].needs).toEqual(["07-01"]);
  });

  it("cycles and dangling plan ids are located errors, all of them at once", async () => {
    const r = await waveplan("import", rel("08-cycle"));
    expect(r.code).toBe(1);
    const heads = r.err.split("\n").filter((l) => /: error: /.test(l));
    expect(heads).toEqual([
      "test/fixtures/gsd/08-cycle/08-02-PLAN.md:5:14: error: dependency cycle: 08-01 → 08-02 → 08-01 (each needs the next); no order can satisfy it [cycle]",
      "test/fixtures/gsd/08-cycle/08-03-PLAN.md:5:14: error: depends on plan 08-09, which is not in this phase (plans: 08-01, 08-02, 08-03) [gsd-depends-on]",
    ]);
  });

  it("-o and --check work as for markdown", async () => {
    const { mkdtempSync, rmSync, writeFileSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "waveplan-gsd-"));
    try {
      const out = join(dir, "plan.yml");
      expect((await waveplan("import", phase("03-search-index"), "-o", out)).code).toBe(0);
      const check = await waveplan("import", phase("03-search-index"), "-o", out, "--check");
      expect(check.code, check.err).toBe(0);
      expect(check.out).toMatch(
        /up to date with .*03-search-index \(3 waves, 4 tasks, 2 workers, 1 finished left out \(--all keeps them\), 1 warning\(s\)\)/,
      );
      writeFileSync(out, readFileSync(out, "utf8").replace("id: 03-04", "id: 03-05"));
      expect((await waveplan("import", phase("03-search-index"), "-o", out, "--check")).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
