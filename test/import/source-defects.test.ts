/**
 * Issue 26's GSD and Task Master defects, each in a fixture shaped like the real file that showed it:
 * letter-suffixed plans, CRLF frontmatter, a YAML error in a key the importer does not read, finished
 * plans with human checkpoints, the two Task Master layouts side by side, GSD frontmatter the agent
 * needs, and the smaller ones (other tags with work, unclosed frontmatter, a phase folder named `27`,
 * review/deferred/blocked, a graph too wide to start at once).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { waveplan } from "./helpers.js";

const gsd = (name: string) => `test/fixtures/gsd/${name}`;
const tm = (name: string) => `test/fixtures/taskmaster/${name}`;
type Wave = { id: string; name: string; tasks: { id: string; needs?: string[]; prompt: string; title: string; instance: string }[] };
const ids = (plan: { waves: Wave[] }) => plan.waves.map((w) => [w.id, w.tasks.map((t) => [t.id, t.needs ?? []])]);
const tmp = mkdtempSync(join(tmpdir(), "waveplan-defects-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("GSD phases as real repositories write them", () => {
  it("1. letter-suffixed plans (02a, 01b) are plans, and depends_on may name them; 7. a folder named 27 is Phase 27", async () => {
    const r = await waveplan("import", gsd("27"));
    expect(r.code, r.err).toBe(0);
    const plan = parse(r.out);
    expect(ids(plan)).toEqual([
      [
        "W1",
        [
          ["27-01", []],
          ["27-01b", []],
        ],
      ],
      [
        "W2",
        [
          ["27-02", ["27-01b"]],
          ["27-02a", ["27-01", "27-01b"]],
        ],
      ],
    ]);
    expect(plan.name).toBe("Phase 27");
  });

  it("2. CRLF frontmatter reads like LF; no \\r reaches a prompt", async () => {
    const dir = join(tmp, "03-search-index");
    cpSync(gsd("03-search-index"), dir, { recursive: true });
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), readFileSync(join(dir, f), "utf8").replace(/\n/g, "\r\n"));
    const r = await waveplan("import", dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain("\r");
    const lf = parse((await waveplan("import", gsd("03-search-index"))).out).waves;
    expect(parse(r.out).waves).toEqual(lf);
  });

  it("3. a YAML error in a key the importer does not read is a located warning, and its text still reaches the agent", async () => {
    const r = await waveplan("import", gsd("11-escape"));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /^test\/fixtures\/gsd\/11-escape\/11-01-PLAN\.md:15:\d+: warning: frontmatter key `must_haves` is not valid YAML \(.*\); the importer does not read it, and hands its text to the agent as written \[gsd-frontmatter\]$/m,
    );
    const task = parse(r.out).waves[0].tasks[0];
    expect(task.files).toEqual(["app/View.php"]);
    expect(task.prompt).toContain('      contains: "public string \\$viewMode"\n');
  });

  it("4. a finished plan's human checkpoint does not block; a phase whose plans are all done says there is nothing to do", async () => {
    const r = await waveplan("import", gsd("12-done"));
    expect(r.code, r.err).toBe(0);
    expect(ids(parse(r.out))).toEqual([["W2", [["12-02", []]]]]);
    const all = await waveplan("import", gsd("13-all-done"));
    expect(all.code).toBe(1);
    expect(all.err).toContain(
      "13-01-PLAN.md:1:1: error: every task is already done (13-01); nothing to import — pass --all to import finished work too [nothing-to-do]",
    );
    expect(all.err).not.toContain("gsd-checkpoint");
  });

  it("6. must_haves and user_setup reach the agent, and the prompt names its plan file", async () => {
    const prompt: string = parse((await waveplan("import", gsd("11-escape"))).out).waves[0].tasks[0].prompt;
    expect(prompt).toContain("<plan_file>.planning/phases/11-escape/11-01-PLAN.md</plan_file>");
    expect(prompt).toContain('must_haves:\n  truths:\n    - "The view keeps its mode"\n');
    expect(prompt).toContain('user_setup:\n  - service: mail\n    why: "send the digest"\n');
    // the body stays first, as written
    expect(prompt).toMatch(/^<objective>\nKeep the view mode on the view\.\n<\/objective>\n/);
  });

  it("7. an unclosed frontmatter is named as such", async () => {
    const r = await waveplan("import", gsd("14-unclosed"));
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "test/fixtures/gsd/14-unclosed/14-01-PLAN.md:1:1: error: the frontmatter opened by --- on line 1 is never closed: add a --- line after its last key [gsd-frontmatter]",
    );
  });
});

describe("Task Master graphs as real repositories keep them", () => {
  it("5. a project folder with both layouts reads .taskmaster/tasks/tasks.json (as Task Master does) and says so", async () => {
    const r = await waveplan("import", tm("both"));
    expect(r.code, r.err).toBe(0);
    expect(parse(r.out).waves[0].tasks[0].title).toBe("Current layout task");
    expect(r.err).toContain(
      "test/fixtures/taskmaster/both/.taskmaster/tasks/tasks.json:1:1: warning: tasks/tasks.json also exists in test/fixtures/taskmaster/both; importing .taskmaster/tasks/tasks.json, the file Task Master itself uses",
    );
  });

  it("7. nothing to do in the current tag names the tags that have pending work", async () => {
    const r = await waveplan("import", tm("tags-done/tasks.json"));
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'error: every task is already done (1); nothing to import — pass --all to import finished work too; tag "feature-search" has 2 pending tasks (--tag feature-search) [nothing-to-do]',
    );
  });

  it("7. review is finished work, deferred and blocked are not run — nor is what needs them — each said at its status", async () => {
    const r = await waveplan("import", tm("statuses/tasks.json"));
    expect(r.code, r.err).toBe(0);
    expect(ids(parse(r.out))).toEqual([["W1", [["task-5", []]]]]);
    const warnings = r.err.split("\n").filter((l) => /: warning: /.test(l));
    expect(warnings).toEqual([
      "test/fixtures/taskmaster/statuses/tasks.json:4:46: warning: task 2 is deferred: not imported (--all imports it) [taskmaster-status]",
      "test/fixtures/taskmaster/statuses/tasks.json:5:56: warning: task 3 is blocked: not imported (--all imports it) [taskmaster-status]",
      "test/fixtures/taskmaster/statuses/tasks.json:6:89: warning: task 4 needs task 2, which is not imported; it is left out too [taskmaster-status]",
    ]);
    const all = parse((await waveplan("import", tm("statuses/tasks.json"), "--all")).out);
    expect(all.waves.flatMap((w: Wave) => w.tasks.map((t) => t.id)).sort()).toEqual(["task-1", "task-2", "task-3", "task-4", "task-5"]);
  });

  it("7. a wide graph does not start 28 agents at once: waves hold at most 8 by default (--max-parallel N), said at the wave", async () => {
    const file = join(tmp, "wide.json");
    const tasks = Array.from({ length: 30 }, (_, i) => ({
      id: i + 1,
      title: `Task ${i + 1}`,
      status: "pending",
      dependencies: [] as number[],
    }));
    tasks.push({ id: 31, title: "After all", status: "pending", dependencies: tasks.map((t) => t.id) });
    writeFileSync(file, JSON.stringify({ tasks }, null, 2));
    const r = await waveplan("import", file);
    expect(r.code, r.err).toBe(0);
    const plan = parse(r.out);
    expect(plan.waves.map((w: Wave) => [w.id, w.tasks.length])).toEqual([
      ["W1", 8],
      ["W1b", 8],
      ["W1c", 8],
      ["W1d", 6],
      ["W2", 1],
    ]);
    expect(Object.keys(plan.instances)).toHaveLength(8);
    expect(r.err).toContain(
      "wide.json:4:7: warning: wave W1 has 30 tasks that could all start at once; it is split into waves W1, W1b, W1c, W1d of at most 8, so no more than 8 agents run together (--max-parallel N changes the cap) [max-parallel]",
    );
    const wider = parse((await waveplan("import", file, "--max-parallel", "30")).out);
    expect(wider.waves.map((w: Wave) => w.tasks.length)).toEqual([30, 1]);
  });
});
