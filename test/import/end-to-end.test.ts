/**
 * Issue 16's full path for each source: `waveplan import` → `compile` → `simulate` (the compiled
 * workflow run offline under GitHub's rules, the bundled action in every job) → one landed commit
 * whose tree is the one `waveplan run` lands locally; prompt tasks run by a stand-in agent on PATH.
 * Then a real GSD phase, Task Master graph, spec-kit feature and Backlog.md folder (../shared/real-plans,
 * when present) run to one landed commit with `waveplan run`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { localRunTree, simulateCli } from "../simulate/helpers.js";
import { cleanEnv } from "../support/repo.js";
import { ROOT } from "./helpers.js";
import { standInAgentPath } from "./stand-in-agent.js";

const CLI = join(ROOT, "bin/waveplan.js");
const built = ["dist/index.js", "dist/cli/index.js"].every((f) => existsSync(join(ROOT, f)));
const base = realpathSync(mkdtempSync(join(tmpdir(), "waveplan-import-e2e-")));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let PATH = "";
beforeAll(() => {
  PATH = standInAgentPath(join(base, "bin"));
});

/** Environment for the CLI: the stand-in agent first on PATH, nothing of an outer git or Actions run. */
const env = () => cleanEnv({ PATH });

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env: env(), encoding: "utf8" }).trim();
const cli = (cwd: string, ...args: string[]) => spawnSync("node", [CLI, ...args], { cwd, env: env(), encoding: "utf8" });

/** A repository holding the imported plan (agent setup dropped: the stand-in is already installed) and its workflow. */
function importedRepo(name: string, source: string, flags: string[] = []): { work: string; bare: string; plan: Record<string, unknown> } {
  const root = join(base, name);
  const work = join(root, "work");
  mkdirSync(work, { recursive: true });
  git(work, "init", "-q", "-b", "main");
  git(work, "config", "user.name", "Test User");
  git(work, "config", "user.email", "test@example.com");
  git(work, "config", "commit.gpgsign", "false");
  writeFileSync(join(work, "README.md"), `${name}\n`);
  const imported = cli(work, "import", source, "-o", "plan.yml", ...flags);
  expect(imported.status, imported.stderr).toBe(0);
  // the preset would install the real Claude Code on each simulated runner (network, and a model to
  // talk to); the stand-in on PATH takes its place as a plain command (test/agent runs the real CLI)
  const text = readFileSync(join(work, "plan.yml"), "utf8");
  if (/^agent:/m.test(text)) expect(text).toMatch(/^agent:\n {2}preset: claude-code\n/m);
  writeFileSync(join(work, "plan.yml"), text.replace(/^agent:\n {2}preset: claude-code\n/m, "agent:\n  command: claude\n"));
  const compiled = cli(work, "compile", "plan.yml", "-o", ".github/workflows/plan.yml");
  expect(compiled.status, compiled.stderr).toBe(0);
  git(work, "add", "-A");
  git(work, "commit", "-qm", "base");
  const bare = join(root, "origin.git");
  git(root, "clone", "-q", "--bare", work, bare);
  return { work, bare, plan: parse(readFileSync(join(work, "plan.yml"), "utf8")) };
}

const cases = [
  {
    name: "markdown",
    source: join(ROOT, "test/fixtures/import-run/plan.md"),
    files: {
      "src/greet.js": 'export const greet = (name) => "hello " + name;\n',
      "docs/greet.md": "greet(name) says hello.\n",
      "WAVE_2_CHECKPOINT.txt": "done\n",
    },
  },
  {
    name: "gsd",
    source: join(ROOT, "test/fixtures/gsd/03-search-index"),
    files: { "src/store.js": "export const store = new Map();\n", "docs/search.md": "Search splits the query like the documents.\n" },
  },
  {
    name: "taskmaster",
    source: join(ROOT, "test/fixtures/taskmaster/untagged/tasks.json"),
    files: {
      "src/scale.js": "export const scale = (q, n) => q * n;\n",
      "src/shopping.js": "export const merge = (lists) => lists.flat();\n",
    },
  },
  {
    // no `write` lines in spec-kit task lines: the stand-in leaves one file per task
    name: "speckit",
    source: join(ROOT, "test/fixtures/speckit/specs/004-notes-sync"),
    files: { "agent-work/US2.txt": "", "agent-work/phase-6.txt": "" },
  },
  {
    name: "backlog",
    source: join(ROOT, "test/fixtures/backlog/backlog"),
    files: {
      "src/scale.js": "export const scale = (q, n) => q * n;\n",
      "src/shopping.js": "export const merge = (lists) => lists.flat();\n",
      "src/print.js": "export const print = (r) => r.title;\n",
    },
  },
];

describe.skipIf(!built)("import → compile → simulate → one landed commit", () => {
  it.each(cases)("$name", { timeout: 240_000 }, async ({ name, source, files }) => {
    const { work, bare } = importedRepo(name, source);
    const before = git(bare, "rev-parse", "main");
    const run = await simulateCli(
      work,
      // jobs run with a runner's PATH: the stand-in agent goes on it explicitly, as a setup step would
      [
        ".github/workflows/plan.yml",
        "--repo",
        bare,
        "--out",
        join(work, "..", "sim-out"),
        "--concurrency",
        "4",
        "--runner-path",
        join(base, "bin"),
      ],
      { PATH },
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const landed = git(bare, "rev-parse", "main");
    expect(git(bare, "rev-parse", `${landed}^`)).toBe(before);
    for (const [path, text] of Object.entries(files))
      if (text) expect(git(bare, "show", `${landed}:${path}`)).toBe(text.trimEnd());
      else expect(git(bare, "cat-file", "-t", `${landed}:${path}`)).toBe("blob");
    expect(git(bare, "rev-parse", `${landed}^{tree}`)).toBe(localRunTree({ work, plan: "plan.yml" }, { PATH }));
  });
});

const REAL = join(ROOT, "../shared/real-plans");
const realCases = [
  { name: "real-gsd", source: join(REAL, "gsd/FReptar0__centik/26-auth-wiring-login") },
  { name: "real-taskmaster", source: join(REAL, "taskmaster/11RothMony__kyc/tasks.json") },
  { name: "real-speckit", source: join(REAL, "speckit/Wnt__greenhouse-solar-heater/specs/022-relay-toggle-ui") },
  { name: "real-backlog", source: join(REAL, "backlog/evanstern__script-world/backlog") },
].filter((c) => existsSync(c.source));

describe.skipIf(!built || realCases.length === 0)("real plans run to one landed commit (skipped without ../shared/real-plans)", () => {
  it.each(realCases)("$name", { timeout: 240_000 }, ({ name, source }) => {
    const { work, plan } = importedRepo(name, source);
    const baseCommit = git(work, "rev-parse", "HEAD");
    const ran = cli(work, "run", "plan.yml");
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    const tasks = (plan.waves as { tasks: { id: string }[] }[]).flatMap((w) => w.tasks.map((t) => t.id));
    expect(git(work, "rev-list", `${baseCommit}..HEAD`).split("\n")).toHaveLength(1);
    // the stand-in wrote one file per task; each is outside the task's declared files (GSD), which the run says
    expect(git(work, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual(
      tasks.map((t) => `agent-work/${t}.txt`).sort(),
    );
    if (name === "real-gsd")
      expect(ran.stdout).toMatch(/warning: task 26-00 changed 1 file\(s\) outside its declared files: agent-work\/26-00\.txt/);
  });
});
