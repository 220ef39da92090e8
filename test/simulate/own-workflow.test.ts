/**
 * This repository's own dispatchable workflow (.github/workflows/auth-integration.yml, compiled from
 * examples/auth-integration/plan.yml with `--action-ref ./`) succeeds when run on this repository:
 * simulated on a clone of it, with the current action bundle and plan, as the lead commits them.
 */
import { execFileSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { env, git, ROOT, requireBundles, simulateIn, tempDir } from "./helpers.js";

beforeAll(requireBundles);

describe("the example workflow on a clone of this repository", () => {
  it("succeeds and lands on the example's own branch", { timeout: 300_000 }, async () => {
    const root = tempDir();
    const work = join(root, "waveplan");
    git(root, "clone", "-q", "--no-hardlinks", ROOT, work);
    git(work, "config", "user.name", "Test User");
    git(work, "config", "user.email", "test@example.com");
    git(work, "config", "commit.gpgsign", "false");
    // what this change commits: the plan, the action and its bundle (rebuilt), the compiled workflow
    for (const f of ["examples/auth-integration/plan.yml", "action.yml"]) cpSync(join(ROOT, f), join(work, f));
    rmSync(join(work, "dist"), { recursive: true, force: true });
    cpSync(join(ROOT, "dist"), join(work, "dist"), { recursive: true });
    const workflow = ".github/workflows/auth-integration.yml";
    execFileSync(
      "node",
      [join(ROOT, "bin/waveplan.js"), "compile", "examples/auth-integration/plan.yml", "-o", workflow, "--action-ref", "./"],
      { cwd: work, env: env(), stdio: "pipe" },
    );
    git(work, "add", "-A");
    git(work, "commit", "-qm", "the example workflow as committed", "--allow-empty");
    git(work, "branch", "-M", "main");
    const bare = join(root, "origin.git");
    git(root, "clone", "-q", "--bare", work, bare);
    const before = git(bare, "rev-parse", "main");

    const result = await simulateIn({ work, bare, workflow: join(work, workflow), plan: "examples/auth-integration/plan.yml" });
    expect(result.conclusion, result.output).toBe("success");
    // the example never lands on the branch it runs on: its plan names its own branch
    expect(Object.keys(result.pushed)).toEqual(["example/auth-integration"]);
    expect(git(bare, "rev-parse", "main")).toBe(before);
    expect(git(bare, "rev-parse", "example/auth-integration^")).toBe(before);
    // W0 made the toy service this repository does not have, and the plan changed it
    expect(git(bare, "show", "example/auth-integration:app/models.py")).toMatch(/role = Column/);
  });
});
