import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { GitHubRecord } from "../../src/simulate/github-api/state.js";
import { compiledRepository, git, requireBundles, simulateCli, tempDir } from "./helpers.js";

beforeAll(requireBundles);

const PLAN = `version: 1
name: Reattest demo
instances:
  I1: { role: Writer }
  I2: { role: Reviewer }
land:
  strategy: pull-request
waves:
  - id: W1
    tasks:
      - { instance: I1, title: Write a, run: "echo a > a.txt" }
      - { instance: I2, title: Write b, run: "echo b > b.txt" }
`;
const BRANCH = "waveplan/reattest-demo";

function repository(): { work: string; github: string } {
  const { work, github } = compiledRepository(PLAN);
  git(work, "remote", "add", "github", github);
  return { work, github };
}

/** A commit on `branch` of the bare repository, made in the working clone and pushed (a user's push). */
function pushCommit(work: string, github: string, branch: string, file: string, message: string): string {
  git(work, "fetch", "-q", "github");
  const exists = git(github, "for-each-ref", `refs/heads/${branch}`) !== "";
  git(work, "checkout", "-q", "-B", branch, `github/${exists ? branch : "main"}`);
  writeFileSync(join(work, file), `${message}\n`);
  git(work, "add", file);
  git(work, "commit", "-qm", message);
  git(work, "push", "-q", "github", `HEAD:refs/heads/${branch}`);
  return git(work, "rev-parse", "HEAD");
}

const record = (out: string) => JSON.parse(readFileSync(join(out, "github.json"), "utf8")) as GitHubRecord;
const finalLog = (out: string) => readFileSync(join(out, "attempt-1/final-commit/log.txt"), "utf8");

async function event(work: string, github: string, name: string, head: string) {
  const out = join(tempDir(), "out");
  const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--event", name, "--head", head, "--out", out]);
  return { r, out, gh: record(out) };
}

describe("re-attestation on pull_request and merge_group", () => {
  it("a reviewer's fix-up on the landed branch gets final-commit = success with no task run; the merge queue too", {
    timeout: 240_000,
  }, async () => {
    const { work, github } = repository();
    const landed = join(tempDir(), "landed");
    const first = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--allow-token-prs", "--out", landed]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const landing = record(landed).refs[BRANCH];
    expect(record(landed).statuses[landing]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);

    const fixup = pushCommit(work, github, BRANCH, "review.txt", "review: fix a typo");
    const { r, out, gh } = await event(work, github, "pull_request", BRANCH);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // the check run GitHub reads on the pull request's head: the job's, named final-commit
    expect(gh.checkRuns).toContainEqual({ name: "final-commit", headSha: fixup, conclusion: "success", event: "pull_request" });
    // no task job ran: the wave's check runs are skipped
    expect(gh.checkRuns.filter((c) => c.name.startsWith("W1")).map((c) => c.conclusion)).toEqual(["skipped"]);
    expect(finalLog(out)).toContain(`Attested without running any task`);
    expect(finalLog(out)).toContain(landing.slice(0, 12));
    expect(gh.pushes).toEqual([]);

    const queued = await event(work, github, "merge_group", BRANCH);
    expect(queued.r.code, queued.r.stdout + queued.r.stderr).toBe(0);
    const mergeCommit = queued.gh.checkRuns.find((c) => c.name === "final-commit");
    expect(mergeCommit).toMatchObject({ conclusion: "success", event: "merge_group" });
    expect(git(github, "rev-parse", `${mergeCommit?.headSha}^2`)).toBe(fixup);
    // the queue's temporary branch is gone again
    expect(Object.keys(queued.gh.refs).filter((b) => b.startsWith("gh-readonly-queue/"))).toEqual([]);
  });

  it("an unrelated pull request passes, saying it holds no landing", { timeout: 120_000 }, async () => {
    const { work, github } = repository();
    const head = pushCommit(work, github, "docs", "docs.txt", "docs: unrelated");
    const { r, out, gh } = await event(work, github, "pull_request", "docs");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(gh.checkRuns).toContainEqual({ name: "final-commit", headSha: head, conclusion: "success", event: "pull_request" });
    expect(finalLog(out)).toContain('No landing of plan "Reattest demo"');
  });

  it("a commit that claims a landing without its run's final-commit status fails, naming the commit", { timeout: 120_000 }, async () => {
    const { work, github } = repository();
    const hash = /waveplan-plan-hash: ([0-9a-f]{64})/.exec(readFileSync(join(work, ".github/workflows/plan.yml"), "utf8"))?.[1] as string;
    const forged = pushCommit(
      work,
      github,
      "forged",
      "a.txt",
      `waveplan: Reattest demo\n\nPlan: Reattest demo (${hash.slice(0, 12)})\nRun: 4242`,
    );
    const { r, out, gh } = await event(work, github, "pull_request", "forged");
    expect(r.code).toBe(1);
    expect(gh.checkRuns).toContainEqual({ name: "final-commit", headSha: forged, conclusion: "failure", event: "pull_request" });
    expect(finalLog(out)).toContain(`${forged.slice(0, 12)} says it was landed by run 4242, but carries no "final-commit" status`);
  });

  it("refuses --head without a pull request event, and a head branch that does not exist", async () => {
    const { work, github } = repository();
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--head", "main"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--head names a pull request's branch");
    const missing = await simulateCli(work, [".github/workflows/plan.yml", "--repo", github, "--event", "pull_request", "--head", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--head nope: no such branch");
  });
});
