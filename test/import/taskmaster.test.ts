/** Task Master task graphs: tagged and untagged layouts, done work, waves by depth, subtask checklists, cycles. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT, waveplan } from "./helpers.js";

const tm = (p: string) => `test/fixtures/taskmaster/${p}`;
type Wave = { id: string; tasks: { id: string; instance: string; needs?: string[]; prompt: string; title: string }[] };

describe("waveplan import <tasks.json>", () => {
  it("untagged: one task per top-level task, waves by dependency depth, done work left out, deps in both spellings", async () => {
    const r = await waveplan("import", tm("untagged/tasks.json"));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe("");
    const plan = parse(r.out);
    expect(plan.waves.map((w: Wave) => [w.id, w.tasks.map((t) => [t.id, t.needs ?? []])])).toEqual([
      // task 1 is done: what depended only on it starts at once
      [
        "W1",
        [
          ["task-2", []],
          ["task-3", []],
        ],
      ],
      ["W2", [["task-4", ["task-2", "task-3"]]]],
    ]);
    expect(plan.name).toBe("Task Master tasks");
    expect(plan.instances).toEqual({
      // task-4 (low) goes to the least loaded worker, the lowest number on a tie
      I1: { role: "High-Priority Engineer", focus: "1 high-priority task, 1 low-priority task" },
      I2: { role: "Medium-Priority Engineer", focus: "1 medium-priority task" },
    });
  });

  it("the prompt: description, details, subtasks as a checklist in dependency order, test strategy", async () => {
    const plan = parse((await waveplan("import", tm("untagged/tasks.json"))).out);
    const prompt: string = plan.waves[0].tasks[0].prompt;
    expect(prompt).toBe(
      [
        "# Task 2: Parse ingredient lines",
        "",
        'Turn "2 cups flour" into quantity, unit and name.',
        "",
        "## Details",
        "",
        "write src/ingredients.js: export const parse = (line) => line.split(' ');",
        "",
        "## Steps, in this order",
        "",
        "1. Units table (already done — check it, do not redo it)",
        "   List the units.",
        "2. Quantity parser",
        "   Fractions like 1/2.",
        "",
        "   Accept unicode fractions too.",
        "3. Error messages",
        "   Say which part of the line is wrong.",
        "",
        "## Test strategy",
        "",
        "Table test over ten lines.",
        "",
      ].join("\n"),
    );
  });

  it("--workers: a smaller pool doubles up inside a wave, which the validator's warning names at the source", async () => {
    const r = await waveplan("import", tm("untagged/tasks.json"), "--workers", "1");
    expect(r.code, r.err).toBe(0);
    expect(Object.keys(parse(r.out).instances)).toEqual(["I1"]);
    expect(r.err).toContain(
      'untagged/tasks.json:30:7: warning: in the imported plan: instance "I1" has tasks "task-2" and "task-3" in parallel wave "W1"',
    );
    expect((await waveplan("import", tm("untagged/tasks.json"), "--workers", "0")).code).toBe(2);
  });

  it("--all keeps done tasks and their dependencies", async () => {
    const plan = parse((await waveplan("import", tm("untagged/tasks.json"), "--all")).out);
    expect(plan.waves.map((w: Wave) => w.tasks.map((t) => t.id))).toEqual([["task-1"], ["task-2", "task-3"], ["task-4"]]);
    expect(plan.waves[1].tasks[0].needs).toEqual(["task-1"]);
  });

  it("tagged: the current tag of .taskmaster/state.json by default, --tag to choose, an unknown tag is a located error", async () => {
    const file = tm("tagged/.taskmaster/tasks/tasks.json");
    const current = parse((await waveplan("import", file)).out);
    // the project folder, or its .taskmaster folder, stands for the same file
    expect(parse((await waveplan("import", tm("tagged"))).out).name).toBe("Task Master tasks (tag dark-mode)");
    expect(parse((await waveplan("import", tm("tagged/.taskmaster"))).out).name).toBe("Task Master tasks (tag dark-mode)");
    expect(current.name).toBe("Task Master tasks (tag dark-mode)");
    expect(current.waves.map((w: Wave) => w.tasks.map((t) => t.id))).toEqual([["task-1"], ["task-2", "task-3"]]);

    const master = await waveplan("import", file, "--tag", "master");
    expect(master.code, master.err).toBe(0);
    expect(parse(master.out).waves[0].tasks[0].title).toBe("Set up the board");
    expect(master.out).toContain(`waveplan import ${file} --tag master`);

    const missing = await waveplan("import", file, "--tag", "light");
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(
      `${file}:1:1: error: no tag "light"; this file has "master", "dark-mode" — choose one with --tag [taskmaster-tag]`,
    );
  });

  it("a tag given to an untagged file is a warning; markdown-only flags are refused for markdown", async () => {
    const r = await waveplan("import", tm("untagged/tasks.json"), "--tag", "x");
    expect(r.code).toBe(0);
    expect(r.err).toContain("untagged/tasks.json:1:1: warning: this tasks.json has no tags; --tag x is ignored");
    const md = await waveplan("import", join(ROOT, "test/fixtures/markdown/small-plan.md"), "--tag", "x");
    expect(md.code).toBe(2);
    expect(md.err).toMatch(/--tag applies to GSD, Task Master, spec-kit and Backlog.md sources/);
  });

  it("cycles and dangling ids are errors at the dependency, with a caret", async () => {
    const r = await waveplan("import", tm("broken/tasks.json"));
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain(
      "test/fixtures/taskmaster/broken/tasks.json:4:68: error: dependency cycle: 1 → 3 → 2 → 1 (each needs the next); no order can satisfy it [cycle]",
    );
    expect(r.err).toContain(
      "test/fixtures/taskmaster/broken/tasks.json:6:71: error: task 4 depends on task 9, which does not exist [taskmaster-dependency]",
    );
    expect(r.err).toMatch(/6 \| .*"dependencies": \[1, 9\] \}\n {2}\| {71}\^/);
  });

  it("broken JSON is a located error", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "waveplan-tm-"));
    try {
      writeFileSync(join(dir, "tasks.json"), '{\n  "tasks": [\n    { "id": 1, }\n  ]\n}\n');
      const r = await waveplan("import", join(dir, "tasks.json"));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/tasks\.json:\d+:\d+: error: not valid JSON: /);
      expect(r.err).not.toContain("    at ");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
