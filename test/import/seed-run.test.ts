/**
 * Issue 15: the ORIGINAL seed plan (../shared/examples/seed-plan.md, as people write them — with a
 * `cd` to the author's machine and a "safety backup" `git add -A; git commit`) imports and runs all
 * 13 waves with `waveplan run` to one landed commit, with a stand-in agent for its prompt tasks.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { standInAgentPath } from "./stand-in-agent.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SEED = join(ROOT, "../shared/examples/seed-plan.md");
const BUNDLE = join(ROOT, "dist/cli/index.js");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "waveplan-seed-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// skipped when the checkout has no ../shared next to it, or dist/ is not built (npm test bundles first)
describe.skipIf(!existsSync(SEED) || !existsSync(BUNDLE))("the original seed plan runs after import", () => {
  it("imports with the backup commit disabled, then runs all 13 waves to one landed commit", () => {
    const repo = join(dir, "repo");
    execFileSync("git", ["init", "-q", "-b", "main", repo]);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "Test");
    writeFileSync(join(repo, "README.md"), "scratch\n");
    // the imported plan's agent is the claude-code preset; the stand-in answers as `claude` on PATH,
    // and the preset's key check (made before the first prompt task) finds a key
    const env = { ...process.env, PATH: standInAgentPath(join(dir, "bin")), ANTHROPIC_API_KEY: "sk-ant-stand-in" };
    const cli = (...args: string[]) => spawnSync("node", [join(ROOT, "bin/waveplan.js"), ...args], { cwd: repo, encoding: "utf8", env });

    const imported = cli("import", SEED, "-o", "plan.yml");
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stderr).toMatch(
      /seed-plan\.md:101:1: warning: git add inside a task is done by waveplan itself, so the imported script has this line commented out/,
    );
    expect(imported.stderr).toMatch(
      /seed-plan\.md:102:1: warning: git commit .*base commit — that is the backup — .*that is the final commit \[git-bookkeeping\]/,
    );
    const plan = parse(readFileSync(join(repo, "plan.yml"), "utf8"));
    expect(plan.waves).toHaveLength(13);
    const w0 = plan.waves[0].tasks[0].run as string;
    expect(w0).toMatch(/^# git add -A {2}# disabled by waveplan import/m);
    expect(w0).toMatch(/^# git commit -m .* {2}# disabled by waveplan import/m);
    expect(w0).toMatch(/^git status$/m);

    git("add", ".");
    git("commit", "-qm", "base");
    const base = git("rev-parse", "HEAD").trim();
    const ran = cli("run", "plan.yml");
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    const tasks = plan.waves.flatMap((w: { tasks: unknown[] }) => w.tasks).length;
    expect(ran.stdout.match(/ success /g)).toHaveLength(tasks);
    for (const w of plan.waves) expect(ran.stdout).toMatch(new RegExp(` ${w.id} +success `));

    // one commit on top of the base, holding W0's checkpoint file and every prompt task's change
    expect(git("rev-list", `${base}..HEAD`).trim().split("\n")).toHaveLength(1);
    expect(git("log", "-1", "--format=%s")).toMatch(/^waveplan: Authentication Integration/);
    expect(readFileSync(join(repo, "WAVE_0_CHECKPOINT.txt"), "utf8")).toContain("WAVE 0 COMPLETE");
    expect(readdirSync(join(repo, "agent-work"))).toHaveLength(tasks - 1);
    expect(git("status", "--porcelain")).toBe("");
  }, 180_000);
});
