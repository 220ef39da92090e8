/**
 * Backlog.md folders: the last status of config.yml is done, completed/ is done, drafts are not work,
 * dependencies (ignoring case) become needs and waves, unknown and archived ones are located warnings.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { backlogKey } from "../../src/import/backlog.js";
import { waveplan } from "./helpers.js";

const FOLDER = "test/fixtures/backlog/backlog";
type Wave = { id: string; tasks: { id: string; needs?: string[]; prompt: string; title: string }[] };
const ids = (plan: { waves: Wave[] }) => plan.waves.map((w) => [w.id, w.tasks.map((t) => [t.id, t.needs ?? []])]);

describe("waveplan import <Backlog.md folder>", () => {
  it("one task per task file not done; dependencies (any case) → needs and waves; done, completed/ and drafts left out", async () => {
    const r = await waveplan("import", FOLDER);
    expect(r.code, r.err).toBe(0);
    const plan = parse(r.out);
    expect(ids(plan)).toEqual([
      [
        "W1",
        [
          ["task-2", []],
          ["task-3", []],
        ],
      ],
      ["W2", [["task-10", ["task-2"]]]],
    ]);
    expect(plan.name).toBe("recipes backlog");
    expect(plan.description).toBe("Backlog.md tasks in backlog/ (1 draft(s) not imported: drafts are not work)");
    expect(plan.waves[1].tasks[0].title).toBe("Shopping list 购物清单");
    expect(r.out).not.toMatch(/Meal plans|Project setup|Parse ingredients/);
    expect(r.out).toContain("# Imported from test/fixtures/backlog/backlog by `waveplan import`; edit the Backlog.md tasks");
  });

  it("the prompt is the task file's body without Backlog.md's markers, under a header naming the task", async () => {
    const plan = parse((await waveplan("import", FOLDER)).out);
    expect(plan.waves[0].tasks[0].prompt).toBe(
      [
        "# TASK-2: Scale recipes: halve, double",
        "",
        "A Backlog.md task (status To Do; medium priority; labels math), from backlog/tasks/task-2 - Scale-recipes.md. Do what it describes and meet its acceptance criteria; do not edit the task file: other tasks run at the same time, and waveplan records what is done.",
        "",
        "## Description",
        "",
        "write src/scale.js: export const scale = (q, n) => q * n;",
        "",
        "## Acceptance Criteria",
        "- [ ] #1 Halving 3 eggs gives 1.5 eggs",
        "- [ ] #2 Units are kept",
        "",
        "## Implementation Plan",
        "",
        "1. Multiply every quantity",
        "",
      ].join("\n"),
    );
    expect(plan.waves[1].tasks[0].prompt).toContain("(status In Progress; low priority; a subtask of TASK-2)");
  });

  it("an unknown or archived dependency is a warning at the dependency", async () => {
    const r = await waveplan("import", FOLDER);
    expect(r.err.split("\n").filter((l) => /: warning: /.test(l))).toEqual([
      "test/fixtures/backlog/backlog/tasks/task-10 - Shopping-list.md:8:24: warning: TASK-10 depends on task-7, which is not a task of test/fixtures/backlog/backlog (tasks/, completed/, archive/); the dependency is ignored [backlog-dependency]",
      "test/fixtures/backlog/backlog/tasks/task-3 - Print-view.md:5:16: warning: TASK-3 depends on task-29, which is archived; taken as nothing to wait for [backlog-dependency]",
    ]);
  });

  it("--all imports done tasks; the project folder and config.yml stand for the backlog", async () => {
    const all = parse((await waveplan("import", FOLDER, "--all")).out);
    expect(ids(all)).toEqual([
      [
        "W1",
        [
          ["task-1", []],
          ["task-3", []],
        ],
      ],
      ["W2", [["task-2", ["task-1"]]]],
      ["W3", [["task-10", ["task-2"]]]],
    ]);
    for (const path of ["test/fixtures/backlog", `${FOLDER}/config.yml`]) {
      const r = await waveplan("import", path);
      expect(r.code, r.err).toBe(0);
      expect(ids(parse(r.out))).toEqual(ids(parse((await waveplan("import", FOLDER)).out)));
    }
  });

  it.each([
    ["TASK-8", "task-8"],
    ["task-08", "task-8"],
    ["8", "task-8"],
    ["Task-27.01.3", "task-27.1.3"],
    ["back-2", "back-2"],
  ])("ids compare like Backlog.md's taskIdsEqual: %s → %s", (ref, key) => {
    expect(backlogKey(ref, "task")).toBe(key);
  });
});
