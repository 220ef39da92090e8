/**
 * A repository with Git LFS (issue 27): a task sees an LFS file's content, not its pointer, and a task
 * that changes one lands it as LFS does (a pointer in the commit, the content in the working tree).
 * The filter comes from the user's own repository config (`git lfs install --local`), which slots
 * honour; a filter only a task could have configured never runs (test/git/safe-config.test.ts).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, cli, git, makeRepo, requireBundle, tempDir, writeFiles } from "../support/repo.js";

const CONTENT = "large binary stand-in\n";

function lfs(repo: string, ...args: string[]): string {
  return execFileSync("git", ["lfs", ...args], { cwd: repo, env: cleanEnv(), encoding: "utf8" });
}

let state: string;
beforeAll(() => {
  requireBundle();
  // (.ci/run installs Debian's git-lfs when missing)
  execFileSync("git", ["lfs", "version"], { env: cleanEnv() });
  state = tempDir("waveplan-state-");
});

describe("Git LFS in task slots", () => {
  it("a task reads an LFS file's content, and its change to one lands as LFS stores it", async () => {
    const repo = makeRepo();
    lfs(repo, "install", "--local");
    writeFiles(repo, { ".gitattributes": "*.dat filter=lfs diff=lfs merge=lfs -text\n", "asset.dat": CONTENT });
    git(repo, "add", ".gitattributes", "asset.dat");
    git(repo, "commit", "-q", "-m", "lfs asset");
    expect(git(repo, "show", "HEAD:asset.dat")).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1/);

    writeFiles(join(repo, ".."), {
      "plan.yml": `version: 1
name: lfs
instances: { I1: { role: Reader } }
waves:
  - id: W1
    tasks:
      - { id: read, instance: I1, run: "cp asset.dat seen.txt && echo changed by the task > asset.dat" }
`,
    });
    const r = await cli(repo, ["run", "../plan.yml"], { XDG_STATE_HOME: state });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(git(repo, "show", "HEAD:seen.txt")).toBe(CONTENT.trimEnd());
    // the commit holds a pointer, the working tree the content (from the object git-lfs stored)
    expect(git(repo, "show", "HEAD:asset.dat")).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1/);
    expect(readFileSync(join(repo, "asset.dat"), "utf8")).toBe("changed by the task\n");
    expect(git(repo, "status", "--porcelain")).toBe("");
  }, 120_000);
});
