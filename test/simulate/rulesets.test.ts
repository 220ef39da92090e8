import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { explainRefusal } from "../../src/action/push.js";
import { refusalText } from "../../src/action/signed-landing.js";
import type { GitHubRecord } from "../../src/simulate/github-api/state.js";
import { compiledRepository, git, requireBundles, simulateCli, tempDir } from "./helpers.js";

beforeAll(requireBundles);

const PLAN = `version: 1
name: Ruleset demo
instances:
  I1: { role: Writer }
waves:
  - id: W1
    tasks:
      - { instance: I1, title: Write a, run: "echo a > a.txt" }
`;

const RULESET = {
  name: "main",
  target: "branch",
  enforcement: "active",
  conditions: { ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] } },
  rules: [
    { type: "pull_request", parameters: { required_approving_review_count: 1 } },
    { type: "required_status_checks", parameters: { required_status_checks: [{ context: "final-commit" }] } },
    { type: "required_signatures" },
    { type: "non_fast_forward" },
  ],
};

function repository(): { work: string; github: string; ruleset: string } {
  const { root, work, github } = compiledRepository(PLAN);
  const ruleset = join(root, "ruleset.json");
  writeFileSync(ruleset, JSON.stringify(RULESET));
  return { work, github, ruleset };
}

describe("--ruleset", () => {
  it("refuses final-commit's landing on main with GH013's rules, and final-commit names each violated rule with its fix", {
    timeout: 120_000,
  }, async () => {
    const { work, github, ruleset } = repository();
    const main = git(github, "rev-parse", "main");
    const out = join(tempDir(), "out");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--ruleset", ruleset, "--out", out]);
    expect(r.code).toBe(1);
    const log = readFileSync(join(out, "attempt-1/final-commit/log.txt"), "utf8");
    expect(log).toContain("GitHub's repository rulesets refused the push to main (GH013)");
    expect(log).toContain('"Changes must be made through a pull request." — land with land.strategy: pull-request');
    expect(log).toContain('"Required status check "final-commit" is expected."');
    // the signature rule is met: final-commit saw it in the branch's rules and let GitHub create and sign the commit
    expect(log).toContain("landing through GitHub's API so that GitHub signs the commit (ruleset 1 requires signed commits on main)");
    expect(log).not.toContain("verified signatures");
    expect(log).not.toContain("moved since the run started");
    // a fast-forward: the non_fast_forward rule holds
    expect(log).not.toContain("force-push");
    const gh = JSON.parse(readFileSync(join(out, "github.json"), "utf8")) as GitHubRecord;
    expect(gh.refs.main).toBe(main);
    expect(gh.pushes).toEqual([]);
    expect(gh.statuses).toEqual({});
    expect(gh.rules.rulesets?.[0]).toMatchObject({ name: "main", enforcement: "active" });
  });

  it("lets a feature branch the ruleset does not cover take the landing", { timeout: 120_000 }, async () => {
    const { work, github, ruleset } = repository();
    git(github, "branch", "feature", "main");
    git(github, "symbolic-ref", "HEAD", "refs/heads/feature");
    const out = join(tempDir(), "out");
    // ~DEFAULT_BRANCH is the repository's default branch when the simulated GitHub starts: here feature,
    // so name main explicitly
    writeFileSync(ruleset, JSON.stringify({ ...RULESET, conditions: { ref_name: { include: ["refs/heads/main"], exclude: [] } } }));
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--ruleset", ruleset, "--out", out]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("refuses a ruleset file that is not GitHub's ruleset JSON, saying where", async () => {
    const { work, github, ruleset } = repository();
    writeFileSync(ruleset, JSON.stringify({ name: "x", enforcement: "active", rules: [{ type: "merge_queue" }] }));
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--ruleset", ruleset]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--ruleset ${ruleset}: rules[0]: the simulator does not enforce "merge_queue"`);
  });
});

describe("explainRefusal", () => {
  it("reads GitHub's GH013 text (as github.com prints it) rule by rule", () => {
    // the refusal quoted in vercel/sandbox#169 and JRedrupp/bison#136
    const stderr = [
      "remote: error: GH013: Repository rule violations found for refs/heads/main.        ",
      "remote: Review all repository rules at https://github.com/o/r/rules?ref=refs%2Fheads%2Fmain        ",
      "remote: ",
      "remote: - Cannot force-push to this branch        ",
      "remote: ",
      "remote: - Changes must be made through a pull request.        ",
      "remote: ",
      "To https://github.com/o/r",
      " ! [remote rejected] HEAD -> main (push declined due to repository rule violations)",
    ].join("\n");
    const text = explainRefusal("main", stderr);
    expect(text).toMatch(/^GitHub's repository rulesets refused the push to main \(GH013\)/);
    expect(text).toContain('(1) "Cannot force-push to this branch" — the branch moved since the run started');
    expect(text).toContain('(2) "Changes must be made through a pull request." — land with land.strategy: pull-request');
  });

  it("reads the REST API's form of the refusal (422 on a ref update) the same way", () => {
    // the body GitHub answers "Update a reference" with when a ruleset refuses it
    const message =
      "Repository rule violations found\n\nChanges must be made through a pull request.\n\nCommits must have verified signatures.\n  Found 1 violation:\n\n  5cbd07211cca9d7c959f48cd0b10e6b6366c619e\n\n";
    const text = explainRefusal("main", refusalText(message));
    expect(text).toMatch(/^GitHub's repository rulesets refused the push to main \(GH013\)/);
    expect(text).toContain('(1) "Changes must be made through a pull request."');
    expect(text).toContain('(2) "Commits must have verified signatures." — final-commit pushed its landing commit with git');
    expect(text).not.toContain("(3)");
    expect(explainRefusal("main", refusalText("Update is not a fast forward"))).toContain("branch main moved since the run started");
  });
});
