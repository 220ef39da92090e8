/**
 * `waveplan run plan.yml --resume` is the natural way to make a script idempotent: with nothing to
 * resume (its first use, or a kill before the run was recorded) it starts a fresh run and says so
 * (issue 17 point 2), instead of failing.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, git, makeRepo, requireBundle } from "../support/repo.js";

beforeAll(requireBundle);

/** A two-wave plan beside (not inside) the repository, so the working tree stays clean. */
function setup(): { repo: string; plan: string; base: string } {
  const repo = makeRepo();
  const plan = join(dirname(repo), "plan.yml");
  writeFileSync(
    plan,
    `version: 1
name: idempotent
instances:
  I1: { role: Coordinator }
waves:
  - id: W0
    tasks:
      - { instance: I1, run: "echo one > one.txt" }
  - id: W1
    tasks:
      - { instance: I1, run: "cat one.txt > two.txt" }
`,
  );
  return { repo, plan, base: git(repo, "rev-parse", "HEAD") };
}

describe("run --resume with nothing to resume", () => {
  it("starts a fresh run on first use, says so, and lands", async () => {
    const { repo, plan, base } = setup();
    const r = await cli(repo, ["run", plan, "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no earlier run of plan "idempotent" to resume: starting run \S+ of "idempotent"/);
    expect(git(repo, "rev-parse", "HEAD^")).toBe(base);
    expect(git(repo, "show", "HEAD:two.txt")).toBe("one");
  });

  it("says so in the JSON event stream too", async () => {
    const { repo, plan } = setup();
    const r = await cli(repo, ["run", plan, "--resume", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const start = r.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((e) => e.type === "run-start");
    expect(start).toMatchObject({ resumed: false, fresh: 'no earlier run of plan "idempotent" to resume' });
  });

  it("starts afresh after a kill before the run was recorded (its folder exists, its run.json does not)", async () => {
    const { repo, plan, base } = setup();
    // what Layout.createRun leaves when killed after making the run's folders, before writing run.json
    const runDir = join(repo, ".waveplan/runs/20260101-000000-dead");
    for (const sub of ["checkpoints", "logs", "scratch"]) mkdirSync(join(runDir, sub), { recursive: true });
    writeFileSync(join(repo, ".waveplan/.gitignore"), "*\n");
    const r = await cli(repo, ["run", plan, "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no earlier run of plan "idempotent" to resume');
    expect(git(repo, "rev-parse", "HEAD^")).toBe(base);
  });

  it("still resumes an earlier run when there is one", async () => {
    const { repo, plan } = setup();
    writeFileSync(plan, `${readFileSync(plan, "utf8")}  - id: W2\n    tasks:\n      - { instance: I1, run: "exit 3" }\n`);
    const failed = await cli(repo, ["run", plan]);
    expect(failed.code).toBe(1);
    writeFileSync(plan, readFileSync(plan, "utf8").replace("exit 3", "echo fixed > three.txt"));
    const r = await cli(repo, ["run", plan, "--resume"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/resuming run/);
    expect(r.stdout).not.toContain("no earlier run");
  });
});
