/** The whole importer on the fixtures and on the real double-encoded example: values of the plan it writes. */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importMarkdown } from "../../src/import/index.js";
import { PlanError } from "../../src/plan/diagnostics.js";
import { checkPlan } from "../../src/plan/load.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/markdown/${name}`, import.meta.url));
const read = (name: string) => readFileSync(fixture(name), "utf8");
const run = (name: string) => importMarkdown(read(name), { file: name });
const SHARED_EXAMPLE = fileURLToPath(new URL("../../../shared/examples/seed-plan.md", import.meta.url));

/** Import, expect failure, and return the errors as `line:col message`. */
function errorsOf(name: string): string[] {
  try {
    run(name);
  } catch (e) {
    if (!(e instanceof PlanError)) throw e;
    return e.diagnostics.map((d) => `${d.severity} ${d.line}:${d.col} ${d.message}`);
  }
  throw new Error(`${name} imported without errors`);
}

describe("full plan fixture", () => {
  const r = run("full-plan.md");
  const yaml = parse(r.yaml);

  it("validates, with no warnings for a complete document", () => {
    const check = checkPlan(r.yaml, "full.yml");
    expect(check.diagnostics.items).toEqual([]);
    expect(r.diagnostics.items).toEqual([]);
    expect(check.plan?.tasks).toHaveLength(31);
  });

  it("has the plan's name, description, and 15 instances from the role table", () => {
    expect(yaml.name).toBe("Inventory Service Hardening - 15 Instance Parallel Workflow");
    expect(yaml.description).toBe("Add refresh tokens and rate limiting to the inventory service, with tests and docs");
    expect(Object.keys(yaml.instances)).toHaveLength(15);
    expect(yaml.instances.I8).toEqual({ role: "Test Engineer #2", focus: "RBAC tests" });
    expect(yaml.agent).toBeUndefined();
  });

  it("has 13 waves from the timeline with estimates and modes", () => {
    expect(yaml.waves.map((w: { id: string }) => w.id)).toEqual(Array.from({ length: 13 }, (_, i) => `W${i}`));
    expect(yaml.waves[4]).toMatchObject({
      id: "W4",
      name: "Backend Features Pt1",
      estimate: "6m",
      description: "Signup, rotation, rate limit",
    });
    expect(yaml.waves[4].mode).toBeUndefined();
    expect(yaml.waves.filter((w: { mode?: string }) => w.mode === "sequential").map((w: { id: string }) => w.id)).toEqual([
      "W0",
      "W8",
      "W12",
    ]);
  });

  it("keeps the sequential chain's order and places the checkpoint file on the task that writes it", () => {
    const w8 = yaml.waves[8];
    expect(w8.name).toBe("Migration Execution");
    expect(w8.tasks.map((t: { instance: string }) => t.instance)).toEqual(["I1", "I13", "I3", "I2", "I4"]);
    expect(w8.tasks.map((t: { outputs?: string[] }) => t.outputs)).toEqual([undefined, undefined, undefined, undefined, ["migration.log"]]);
    expect(yaml.waves[3].tasks.map((t: { outputs?: string[] }) => t.outputs)).toEqual([
      ["migrations/001_refresh_tokens.sql"],
      ["analysis/comparison.txt"],
    ]);
  });

  it("turns bash blocks into scripts and prose beside them into a comment", () => {
    const t = yaml.waves[0].tasks[0];
    expect(t).toEqual({
      instance: "I1",
      title: "Record Baseline",
      run: 'mkdir -p status\nls -A | sort > status/baseline-files.txt\necho "✅ WAVE 0 COMPLETE" > status/WAVE_0_CHECKPOINT.txt\n',
      outputs: ["status/WAVE_0_CHECKPOINT.txt"],
    });
    expect(r.yaml).toContain("      # Migrations live in one folder and run in file-name order.\n      - instance: I3\n");
    expect(r.yaml).toContain("        run: |\n          mkdir -p status\n");
  });

  it("starts with a header naming the source, and is deterministic", () => {
    expect(r.yaml.split("\n")[0]).toBe(
      "# Imported from full-plan.md by `waveplan import`; edit the markdown and re-import, or edit this file and stop re-importing.",
    );
    expect(run("full-plan.md").yaml).toBe(r.yaml);
  });

  it("imports the double-encoded copy to exactly the same plan, warning once about the encoding", () => {
    const bad = importMarkdown(read("full-plan-double-encoded.md"), { file: "full-plan.md" });
    expect(bad.source).toBe(read("full-plan.md"));
    expect(bad.yaml).toBe(r.yaml);
    expect(bad.diagnostics.items.map((d) => [d.rule, d.line, d.col])).toEqual([["encoding", 1, 3]]);
  });
});

describe("small plan fixture", () => {
  const r = run("small-plan.md");
  const yaml = parse(r.yaml);

  it("imports a prompt task and a placeholder wave, and adds an agent so it validates", () => {
    expect(checkPlan(r.yaml, "small.yml").diagnostics.hasErrors).toBe(false);
    expect(yaml.agent).toEqual({ preset: "claude-code" });
    expect(yaml.waves[0].tasks[0].prompt).toBe(
      "Rewrite `CHANGELOG.md` so that every release has a one-line summary.\nKeep the existing version headings.\n\n```diff\n- ## 1.2.0\n+ ## 1.2.0 — faster imports\n```\n",
    );
    expect(yaml.waves[1]).toMatchObject({ id: "W2", estimate: "1h5m" });
    expect(yaml.waves[1].tasks).toEqual([
      { instance: "I1", title: "Review", prompt: "Review: Proofread and check links\n" },
      { instance: "I2", title: "Review", prompt: "Review: Proofread and check links\n" },
    ]);
    expect(r.yaml).toContain(
      "  # No detailed section for W2 in the markdown: these tasks are placeholders built from the timeline.\n  - id: W2",
    );
  });

  it("warns about the placeholders and the checkpoint file no script writes", () => {
    expect(r.diagnostics.sorted().map((d) => [d.rule, d.line, d.col])).toEqual([
      ["placeholder", 16, 1],
      ["checkpoint-file", 32, 18],
    ]);
  });
});

describe("warnings fixture", () => {
  const r = run("warnings-plan.md");
  const yaml = parse(r.yaml);

  it("reports each problem at its markdown line", () => {
    expect(r.diagnostics.sorted().map((d) => `${d.line}:${d.col} ${d.rule}`)).toEqual([
      "6:17 utilization",
      "9:1 unknown-instance",
      "10:1 placeholder",
      "17:1 absolute-cd",
      "23:1 absolute-cd",
      "26:18 checkpoint-file",
    ]);
    const util = r.diagnostics.items.find((d) => d.rule === "utilization");
    expect(util?.message).toBe(
      "the role table says I2 is active in W1, W3, but I2 has no task in W1; also works in W2; W3 is not in the timeline (from the waves: W2)",
    );
  });

  it("still produces a valid plan: the unknown instance gets role Unknown, the lone cd is commented out", () => {
    expect(checkPlan(r.yaml, "w.yml").diagnostics.hasErrors).toBe(false);
    expect(yaml.instances.I3).toEqual({ role: "Unknown" });
    expect(yaml.waves[0].tasks[0].run).toBe(
      "# cd /home/someone/project  # disabled by waveplan import: tasks start at the repository root\nmake build > build.log\n",
    );
    expect(yaml.waves[0].tasks[1].outputs).toEqual(["dist/app.tar.gz"]);
  });
});

describe("malformed documents", () => {
  it("no role table is an error (and only errors are shown)", () => {
    expect(errorsOf("no-role-table.md")).toEqual([
      "error 1:1 no instance role table found: expected a markdown table with at least the columns | ID | Role | (and optionally Specialization, Active Waves)",
    ]);
  });

  it("timeline lines that do not parse are errors with their line and column", () => {
    expect(errorsOf("bad-timeline.md")).toEqual([
      'error 11:19 cannot read this timeline line: wave W2: the second column must say PARALLEL or SEQUENTIAL, got "WHENEVER"',
      'error 13:30 cannot read this timeline line: wave W3: "everyone" is not an instance id (expected a list like "I4, I5, I6", a chain "I1→I2→I3" or "I1 only")',
    ]);
  });

  it("no waves at all is an error", () => {
    expect(errorsOf("no-waves.md")).toEqual([
      'error 1:1 no waves found: expected a wave timeline, one line per wave like "W<n>: <name> (<estimate>) │ PARALLEL|SEQUENTIAL │ <instances> │ <description>"',
    ]);
  });
});

describe.skipIf(!existsSync(SHARED_EXAMPLE))(
  "the shared real-world example (skipped when ../shared/examples/seed-plan.md is absent)",
  () => {
    // skipped when the checkout has no ../shared next to it: the example is not part of this repository
    const r = existsSync(SHARED_EXAMPLE) ? importMarkdown(readFileSync(SHARED_EXAMPLE, "utf8"), { file: "seed-plan.md" }) : undefined;
    const yaml = r && parse(r.yaml);

    it("repairs the encoding and imports a plan that validates", () => {
      if (!r) return;
      expect(r.repaired).toBeGreaterThan(50);
      expect(r.source).toContain("# 🚀 AUTHENTICATION INTEGRATION");
      expect(checkPlan(r.yaml, "seed.yml").diagnostics.hasErrors).toBe(false);
      expect(yaml.name).toBe("Authentication Integration - 15 Instance Ultra-Parallel Workflow");
      expect(Object.keys(yaml.instances)).toHaveLength(15);
      expect(yaml.instances.I1).toEqual({ role: "Coordinator", focus: "Orchestration, checkpoints, commits" });
      expect(yaml.waves).toHaveLength(13);
    });

    it("imports W0's script with the cd disabled and the checkpoint file as its output, and W1's referenced prompts", () => {
      if (!r) return;
      const w0 = yaml.waves[0].tasks[0];
      expect(w0.run.split("\n")[0]).toMatch(/^# cd "\/Users\/.*" {2}# disabled by waveplan import/);
      expect(w0.outputs).toEqual(["WAVE_0_CHECKPOINT.txt"]);
      const w1 = checkPlan(r.yaml, "seed.yml").plan?.waves[1];
      expect(w1?.tasks.map((t) => t.id)).toEqual(["I2-W1-1", "I2-W1-2", "I10-W1-1", "I10-W1-2"]);
      expect(yaml.waves[8]).toMatchObject({ mode: "sequential", estimate: "5m" });
      expect(yaml.waves[8].tasks.map((t: { instance: string }) => t.instance)).toEqual(["I1", "I13", "I3", "I2", "I4"]);
    });

    it("warns at the markdown lines: encoding, placeholders, the cd, the commit, the referenced prompts", () => {
      if (!r) return;
      const rules = r.diagnostics.sorted().map((d) => `${d.line} ${d.rule}`);
      expect(rules).toContain("1 encoding");
      expect(rules).toContain("62 placeholder");
      expect(rules).toContain("99 absolute-cd");
      expect(rules).toContain("101 git-bookkeeping");
      expect(rules).toContain("102 git-bookkeeping");
      expect(rules).toContain("113 placeholder");
      expect(rules).toContain("116 instance-overbooked");
    });
  },
);
