/**
 * spec-kit features: phases in order, user stories side by side, every pending T-task in exactly one
 * prompt with its paths, the design documents named, real-file quirks (bold and emoji ids, T009a,
 * repeated ids, [P] at the end, checklists and code blocks that look like tasks, Chinese and Korean,
 * CRLF) read, and every warning at file:line:col.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { filesIn } from "../../src/import/speckit-parse.js";
import { ROOT, waveplan } from "./helpers.js";

const FEATURE = "test/fixtures/speckit/specs/004-notes-sync";
const TASKS = readFileSync(join(ROOT, FEATURE, "tasks.md"), "utf8").split("\n");
/** 1-based line and column of `needle` on the first line holding `line`. */
const at = (line: string, needle = line) => {
  const i = TASKS.findIndex((l) => l.includes(line));
  return `${i + 1}:${TASKS[i].indexOf(needle) + 1}`;
};
type Task = { id: string; title: string; prompt: string; needs?: string[]; files?: string[]; instance: string };
type Wave = { id: string; name: string; tasks: Task[] };
const ids = (plan: { waves: Wave[] }) => plan.waves.map((w) => [w.id, w.tasks.map((t) => t.id)]);
/** Which tasks' prompts hold a T-line with this id. */
const holders = (plan: { waves: Wave[] }, id: string) =>
  plan.waves.flatMap((w) => w.tasks).filter((t) => new RegExp(`^- \\[.\\] (?:\\*\\*|🔬 )?${id}\\b`, "m").test(t.prompt));
const PENDING = ["T003", "T004", "T005", "T006", "T007", "T009", "T009a", "T010", "T012", "T013", "T014"];
const FINISHED = ["T001", "T002", "T008", "T011"];

const tmp = mkdtempSync(join(tmpdir(), "waveplan-speckit-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("waveplan import <spec-kit feature>", () => {
  it("story (default): Setup, then Foundational, then the user stories side by side, then Polish", async () => {
    const r = await waveplan("import", FEATURE);
    expect(r.code, r.err).toBe(0);
    const plan = parse(r.out);
    expect(plan.name).toBe("Notes Sync 笔记同步");
    expect(ids(plan)).toEqual([
      ["W1", ["phase-1"]],
      ["W2", ["phase-2"]],
      ["W3", ["US1", "US2", "US3"]],
      ["W4", ["phase-6"]],
    ]);
    const [us1, us2, us3] = plan.waves[2].tasks;
    expect(us1.needs).toEqual(["phase-2"]);
    expect(plan.waves[3].tasks[0].needs).toEqual(["US1", "US2", "US3", "phase-2"]);
    expect(us1.title).toBe("User Story 1 - Save a note");
    expect(us2.title).toBe("User Story 2 - List notes 笔记列表");
    // the stories run at once: three workers
    expect(new Set([us1.instance, us2.instance, us3.instance]).size).toBe(3);
    expect(us1.files).toEqual(["test/contract/save.test.js", "src/notes/save.js"]);
    expect(us3.files).toEqual(["src/notes/share.js"]);
  });

  it("every pending T-task reaches exactly one agent, with its continuation lines and the design documents; finished ones none", async () => {
    const plan = parse((await waveplan("import", FEATURE)).out);
    for (const id of PENDING)
      expect(
        holders(plan, id).map((t) => t.id),
        id,
      ).toHaveLength(1);
    for (const id of FINISHED) expect(holders(plan, id), id).toEqual([]);
    const us1 = plan.waves[2].tasks[0] as Task;
    expect(us1.prompt).toContain(
      "- [ ] T007 [US1] Implement save in `src/notes/save.js`\n  - validate the title (标题不能为空)\n  - return the new id\n",
    );
    expect(us1.prompt).toContain("Already done in this part (keep, do not redo): T008.");
    expect(us1.prompt).toContain(
      "Read its design documents first: specs/004-notes-sync/plan.md, specs/004-notes-sync/spec.md, specs/004-notes-sync/data-model.md, specs/004-notes-sync/contracts/.",
    );
    expect(us1.prompt).toContain("**Independent Test**: POST /notes returns 201.");
    expect(us1.prompt).toContain("Do not tick them off in tasks.md");
    // the repeated T005 is the second task of Foundational; the Korean line is US2's
    expect(holders(plan, "T005").map((t) => t.id)).toEqual(["phase-2"]);
    expect(plan.waves[1].tasks[0].prompt).toContain("- [ ] T005 Add a store test in test/store.test.js [P]");
    expect(plan.waves[2].tasks[1].prompt).toContain("T009 [P] [US2] 목록 API를 구현 in src/notes/list.js");
    // [~] is work in progress: imported; [-] was dropped: not
    expect(plan.waves[2].tasks[2].prompt).toContain("- [~] T012");
    // nothing from the comment, the code block or the Notes checklist
    expect(JSON.stringify(plan)).not.toMatch(/T900|T020|Commit after each task/);
  });

  it("warns at file:line:col: a repeated id, a dependency on a task that does not exist, a checklist line without id in a phase", async () => {
    const r = await waveplan("import", FEATURE);
    const warnings = r.err.split("\n").filter((l) => /: warning: /.test(l));
    const file = `${FEATURE}/tasks.md`;
    expect(warnings).toEqual([
      `${file}:${at("T005 Add a store test", "T005")}: warning: task id T005 is used twice; this one is imported as T005-2 [speckit]`,
      `${file}:${at("Check that the docs render", "-")}: warning: 1 checklist item(s) under a phase have no task id like T001; they are not imported [speckit]`,
      `${file}:${at("T099 blocks T013", "T099")}: warning: T099 is not a task of this file; the dependency is ignored [speckit-dependency]`,
    ]);
  });

  it("--group task: one agent per T-line, [P] runs side by side; --group batch: [P] tasks alone, runs without [P] together", async () => {
    const task = parse((await waveplan("import", FEATURE, "--group", "task")).out);
    expect(task.waves.flatMap((w: Wave) => w.tasks.map((t) => t.id))).toEqual([
      "T003",
      "T004",
      "T005",
      "T005-2",
      "T006",
      "T007",
      "T009",
      "T009a",
      "T010",
      "T012",
      "T013",
      "T014",
    ]);
    // the repeated id: each line in its own task (the second imported as T005-2)
    for (const id of PENDING.filter((x) => x !== "T005"))
      expect(
        holders(task, id).map((t) => t.id),
        id,
      ).toEqual([id]);
    expect(holders(task, "T005").map((t) => t.id)).toEqual(["T005", "T005-2"]);
    expect(task.waves[0].tasks[0].title).toBe("T003: Add the notes folder src/notes/index.js");
    const batch = parse((await waveplan("import", FEATURE, "--group", "batch")).out);
    expect(batch.waves.flatMap((w: Wave) => w.tasks.map((t) => t.id))).toEqual([
      "T003",
      "T004",
      "T005-2",
      "T006",
      "T007",
      "T009",
      "T009a",
      "T010",
      "T013",
      "T014",
    ]);
    // T004 and T005 (no [P]) are one agent's, in order; the repeated T005 ([P]) is an agent of its own
    expect(holders(batch, "T004").map((t) => t.id)).toEqual(["T004"]);
    expect(holders(batch, "T005").map((t) => t.id)).toEqual(["T004", "T005-2"]);
    expect(batch.waves.flatMap((w: Wave) => w.tasks).find((t: Task) => t.id === "T004").prompt).toMatch(
      /\*\*T004\*\* .*\n- \[ \] 🔬 T005 /,
    );
  });

  it("--all imports finished tasks too; a feature with nothing left says so", async () => {
    const all = parse((await waveplan("import", FEATURE, "--all")).out);
    for (const id of [...PENDING, ...FINISHED]) expect(holders(all, id), id).toHaveLength(1);
    const done = join(tmp, "specs/005-done");
    cpSync(join(ROOT, FEATURE), done, { recursive: true });
    writeFileSync(join(done, "tasks.md"), "# Tasks: Done\n\n## Phase 1: Setup\n\n- [x] T001 Create it\n- [X] T002 Test it\n");
    const r = await waveplan("import", join(done, "tasks.md"));
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "tasks.md:1:1: error: every task is already done (T001, T002); nothing to import — pass --all to import finished work too [nothing-to-do]",
    );
  });

  it("CRLF reads like LF, and no \\r reaches a prompt", async () => {
    const crlf = join(tmp, "specs/004-notes-sync");
    cpSync(join(ROOT, FEATURE), crlf, { recursive: true });
    writeFileSync(join(crlf, "tasks.md"), TASKS.join("\r\n"));
    const r = await waveplan("import", crlf);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain("\r");
    const lf = parse((await waveplan("import", FEATURE)).out);
    expect(parse(r.out).waves).toEqual(lf.waves);
    expect(r.err).toContain(`tasks.md:${at("T005 Add a store test", "T005")}: warning: task id T005 is used twice`);
  });

  it("the older template (Phase 3.1 Setup / 3.2 Tests First …): phases in order; Dependencies lines read", async () => {
    const old = "test/fixtures/speckit/specs/001-old-template";
    const story = await waveplan("import", old);
    expect(story.code, story.err).toBe(0);
    expect(story.err).toBe("");
    expect(ids(parse(story.out))).toEqual([
      ["W1", ["phase-3.1"]],
      ["W2", ["phase-3.2"]],
      ["W3", ["phase-3.3"]],
    ]);
    const task = parse((await waveplan("import", old, "--group", "task")).out);
    expect(ids(task)).toEqual([
      ["W1", ["T001"]],
      ["W2", ["T002"]],
      ["W3", ["T003", "T004"]],
      ["W4", ["T005"]],
      ["W5", ["T006"]],
    ]);
    expect(task.waves[2].tasks[0].files).toEqual(["tests/contract/test_users_post.py"]);
  });

  it("--group is checked, and only for spec-kit", async () => {
    const bad = await waveplan("import", FEATURE, "--group", "phase");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--group takes story, batch, task, not "phase"');
    const gsd = await waveplan("import", "test/fixtures/gsd/03-search-index", "--group", "task");
    expect(gsd.code).toBe(2);
    expect(gsd.err).toContain("--group applies to spec-kit tasks");
  });
});

describe("file paths in a task line", () => {
  it.each([
    ["Create `src/models/user.py` and tests/unit/test_user.py", ["src/models/user.py", "tests/unit/test_user.py"]],
    ["Add `@aws-sdk/client-s3` to package.json dependencies", ["package.json"]],
    ["call `deviceConfig.mo` and `mqttBridge.publish(relay, on)` per contracts/ws.md.", ["contracts/ws.md"]],
    ["POST /api/users endpoint, e.g. in apps/web/ (see https://x.dev/a.js)", ["apps/web/"]],
  ])("%s", (text, want) => {
    expect(filesIn(text)).toEqual(want);
  });
});
