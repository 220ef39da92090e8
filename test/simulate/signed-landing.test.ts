/**
 * Landing where a ruleset requires signed commits: final-commit re-creates its verified landing
 * through the REST Git-data API, which GitHub signs for GITHUB_TOKEN and GitHub Apps, and moves the
 * branch only once GitHub's commit holds exactly the verified tree.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { GitHubRecord } from "../../src/simulate/github-api/state.js";
import { compiledRepository, git, requireBundles, simulateCli, tempDir } from "./helpers.js";

beforeAll(requireBundles);

/** Changes of every kind a tree entry can carry: new, nested, executable, symlink, modified, deleted, binary. */
const PLAN = (extra = "") => `version: 1
name: Signed demo
instances:
  I1: { role: Writer }
  I2: { role: Janitor }
waves:
  - id: W1
    tasks:
      - instance: I1
        title: Write files
        run: |
          echo a > a.txt
          mkdir -p src/deep && echo nested > src/deep/n.txt
          printf '#!/bin/sh\\necho hi\\n' > tool.sh && chmod +x tool.sh
          ln -s a.txt link.txt
          printf '\\000\\001\\002\\377' > blob.bin
      - instance: I2
        title: Tidy
        run: |
          echo changed >> keep.txt
          git rm -q old.txt
${extra}`;

const signatures = (include: string[]) => ({
  name: "signed",
  target: "branch",
  enforcement: "active",
  conditions: { ref_name: { include, exclude: [] } },
  rules: [{ type: "required_signatures" }],
});

function repository(plan: string, ruleset: object): { work: string; github: string; ruleset: string } {
  const { root, work, github } = compiledRepository(plan);
  writeFileSync(join(work, "keep.txt"), "keep\n");
  writeFileSync(join(work, "old.txt"), "old\n");
  git(work, "add", "keep.txt", "old.txt");
  git(work, "commit", "-qm", "files");
  git(work, "push", "-q", github, "main");
  const file = join(root, "ruleset.json");
  writeFileSync(file, JSON.stringify(ruleset));
  return { work, github, ruleset: file };
}

const record = (out: string) => JSON.parse(readFileSync(join(out, "github.json"), "utf8")) as GitHubRecord;
const finalLog = (out: string) => readFileSync(join(out, "attempt-1/final-commit/log.txt"), "utf8");

describe("signed landing (REST Git data)", () => {
  it("a signed-commits ruleset on main: the landing is created by GitHub, signed, with the verified tree, and carries final-commit", {
    timeout: 180_000,
  }, async () => {
    const { work, github, ruleset } = repository(PLAN(), signatures(["~DEFAULT_BRANCH"]));
    const base = git(github, "rev-parse", "main");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--ruleset", ruleset, "--out", out]);
    expect(r.code, r.stdout + r.stderr + finalLog(out)).toBe(0);
    const gh = record(out);
    const landed = gh.refs.main;
    expect(git(github, "rev-parse", `${landed}^`)).toBe(base);
    expect(gh.signed).toEqual([landed]);
    // REST calls: the branch's rules, one per added blob (6), the tree, the commit, reading and moving the ref, the status
    expect(gh.requests).toBe(1 + 6 + 1 + 1 + 2 + 1);
    expect(gh.pushes).toEqual([
      expect.objectContaining({ ref: "refs/heads/main", before: base, after: landed, by: "GITHUB_TOKEN (final-commit)" }),
    ]);
    expect(gh.statuses[landed]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    // GitHub authored and committed it; the message is the landing's (Plan:/Run: lines for re-attestation)
    expect(git(github, "log", "-1", "--format=%an|%cn", landed)).toBe("github-actions[bot]|GitHub");
    expect(git(github, "log", "-1", "--format=%B", landed)).toMatch(/^Plan: Signed demo \([0-9a-f]{12}\)$/m);
    // every kind of entry came through: modes, symlink, binary, deletion
    const tree = git(github, "ls-tree", "-r", landed);
    expect(tree).toMatch(/^100755 blob \S+\ttool\.sh$/m);
    expect(tree).toMatch(/^120000 blob \S+\tlink\.txt$/m);
    expect(tree).toMatch(/^100644 blob \S+\tsrc\/deep\/n\.txt$/m);
    expect(tree).not.toContain("old.txt");
    expect(git(github, "show", `${landed}:keep.txt`)).toBe("keep\nchanged");
    expect(git(github, "cat-file", "-s", `${landed}:blob.bin`)).toBe("4");
    const log = finalLog(out);
    expect(log).toContain("landing through GitHub's API so that GitHub signs the commit (ruleset 1 requires signed commits on main)");
    expect(log).toMatch(/GitHub created and signed [0-9a-f]{12} \(tree of the verified [0-9a-f]{12}; 6 blobs uploaded\)/);
  });

  it("land.signed: true with a personal access token: GitHub's commit comes back unsigned, and nothing lands", {
    timeout: 180_000,
  }, async () => {
    const plan = PLAN("land:\n  signed: true\ngithub:\n  token-secret: LAND_PAT\n");
    const { work, github, ruleset } = repository(plan, signatures(["refs/heads/release/**"]));
    const base = git(github, "rev-parse", "main");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      github,
      "--ruleset",
      ruleset,
      "--secret",
      "LAND_PAT=github_pat_signedDemo0123456789",
      "--out",
      out,
    ]);
    expect(r.code).toBe(1);
    expect(finalLog(out)).toMatch(/GitHub created commit [0-9a-f]{12} but did not sign it \(verification: unsigned\); nothing was landed/);
    const gh = record(out);
    expect(gh.refs.main).toBe(base);
    expect(gh.pushes).toEqual([]);
    expect(gh.statuses).toEqual({});
  });

  it("land.signed: false pushes with git, and GH013's signature rule says to set land.signed", { timeout: 180_000 }, async () => {
    const { work, github, ruleset } = repository(PLAN("land:\n  signed: false\n"), signatures(["~ALL"]));
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--ruleset", ruleset, "--out", out]);
    expect(r.code).toBe(1);
    expect(finalLog(out)).toContain('"Commits must have verified signatures." — final-commit pushed its landing commit with git, unsigned');
    expect(finalLog(out)).toContain("set land.signed: true");
    expect(record(out).signed).toEqual([]);
  });

  it("a pull-request landing on a signed branch: the plan's branch gets GitHub's signed commit, the pull request its status", {
    timeout: 180_000,
  }, async () => {
    const plan = PLAN("land:\n  strategy: pull-request\n");
    const { work, github, ruleset } = repository(plan, signatures(["~ALL"]));
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      github,
      "--ruleset",
      ruleset,
      "--allow-token-prs",
      "--out",
      out,
    ]);
    expect(r.code, r.stdout + r.stderr + finalLog(out)).toBe(0);
    const gh = record(out);
    const head = gh.refs["waveplan/signed-demo"];
    expect(gh.pulls).toEqual([expect.objectContaining({ head: "waveplan/signed-demo", base: "main", headSha: head })]);
    expect(gh.signed).toEqual([head]);
    expect(gh.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);

    // a second dispatch replaces the plan's branch with a new signed landing (force through the API)
    const again = join(tempDir(), "again");
    const second = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      github,
      "--ruleset",
      ruleset,
      "--allow-token-prs",
      "--out",
      again,
    ]);
    expect(second.code, second.stdout + second.stderr + finalLog(again)).toBe(0);
    const next = record(again);
    expect(next.refs["waveplan/signed-demo"]).not.toBe(head);
    expect(next.signed).toContain(next.refs["waveplan/signed-demo"]);
    expect(next.pulls).toHaveLength(1);
  });
});
