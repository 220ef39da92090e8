/**
 * The simulated GitHub on its own: real git clients pushing over smart HTTP to `git http-backend`,
 * and REST calls through @actions/github's Octokit, against GitHub's rules (sources in
 * src/simulate/github-api/*). Git runs asynchronously: the server lives in this process.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getOctokit } from "@actions/github";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimGitHub, startGitHub } from "../../src/simulate/github-api/index.js";
import { env, git, tempDir } from "./helpers.js";

let gh: SimGitHub;
let work: string;
let bare: string;
let jobToken: string;
let readOnlyToken: string;
const PAT = "github_pat_simulatedUserToken0123456789";

function gitAsync(cwd: string, args: string[]): Promise<{ status: number; stderr: string }> {
  return new Promise((done) =>
    execFile("git", args, { cwd, env: env(), encoding: "utf8" }, (e, _out, stderr) =>
      done({ status: e ? (typeof e.code === "number" ? e.code : 1) : 0, stderr }),
    ),
  );
}

function push(token: string, ...args: string[]) {
  const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
  return gitAsync(work, ["-c", `http.${gh.apiUrl}/.extraheader=${header}`, "push", gh.gitUrl, ...args]);
}

beforeAll(async () => {
  const root = tempDir();
  work = join(root, "work");
  mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  git(work, "config", "user.name", "T");
  git(work, "config", "user.email", "t@example.com");
  writeFileSync(join(work, "a.txt"), "a\n");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "initial");
  bare = join(root, "origin.git");
  execFileSync("git", ["clone", "-q", "--bare", work, bare], { env: env() });
  gh = await startGitHub({ repo: bare, repository: "octo/repo", rules: { protect: ["main"], allowTokenPrs: false } });
  jobToken = gh.jobToken("final-commit", { contents: "write", "pull-requests": "write", statuses: "write" });
  readOnlyToken = gh.jobToken("W1", { contents: "read" });
  gh.userToken("LANDING_TOKEN", PAT);
});
afterAll(async () => gh?.close());

describe("git over smart HTTP (git http-backend) under GitHub's push rules", () => {
  it("clones anonymously, like a public repository", async () => {
    const into = join(tempDir(), "clone");
    expect((await gitAsync(work, ["clone", "-q", gh.gitUrl, into])).status).toBe(0);
    expect(git(into, "log", "--format=%s")).toBe("initial");
  });

  it("GH006: a push to a protected branch is refused with GitHub's text, and the branch is unchanged (docs: About protected branches › Require status checks)", async () => {
    const before = git(bare, "rev-parse", "main");
    writeFileSync(join(work, "a.txt"), "b\n");
    git(work, "commit", "-qam", "change");
    const r = await push(jobToken, "HEAD:refs/heads/main");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("GH006: Protected branch update failed for refs/heads/main.");
    expect(r.stderr).toContain('Required status check "final-commit" is expected.');
    expect(git(bare, "rev-parse", "main")).toBe(before);
  });

  it("a job token pushes a feature branch; the push starts no workflow (docs: Triggering a workflow from a workflow)", async () => {
    const r = await push(jobToken, "HEAD:refs/heads/feature");
    expect(r.status, r.stderr).toBe(0);
    expect(git(bare, "rev-parse", "feature")).toBe(git(work, "rev-parse", "HEAD"));
    expect(gh.state.pushes.at(-1)).toMatchObject({
      ref: "refs/heads/feature",
      by: "GITHUB_TOKEN (final-commit)",
      triggersWorkflows: false,
    });
  });

  it("a job token without contents: write cannot push; no token cannot push; an unknown token is refused", async () => {
    expect((await push(readOnlyToken, "HEAD:refs/heads/other")).stderr).toContain("denied to github-actions[bot]");
    expect((await push("ghs_unknown", "HEAD:refs/heads/other")).status).not.toBe(0);
    const anon = await gitAsync(work, ["push", gh.gitUrl, "HEAD:refs/heads/other"]);
    expect(anon.status).not.toBe(0);
    expect(git(bare, "branch", "--list", "other")).toBe("");
  });

  it("GITHUB_TOKEN cannot create or update .github/workflows files; a PAT can, and its push starts workflows", async () => {
    mkdirSync(join(work, ".github/workflows"), { recursive: true });
    writeFileSync(join(work, ".github/workflows/ci.yml"), "on: [push, workflow_dispatch]\njobs: {}\n");
    git(work, "add", "-A");
    git(work, "commit", "-qm", "ci");
    const refused = await push(jobToken, "HEAD:refs/heads/feature");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(
      "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission",
    );
    const ok = await push(PAT, "HEAD:refs/heads/feature");
    expect(ok.status, ok.stderr).toBe(0);
    expect(gh.state.pushes.at(-1)).toMatchObject({ by: "secret LANDING_TOKEN", triggersWorkflows: true });
  });

  it("a GitHub App installation token has the permissions it was minted with: workflows only when asked (create-github-app-token permission-* inputs)", async () => {
    writeFileSync(join(work, ".github/workflows/ci.yml"), "on: [push]\njobs: {}\n");
    git(work, "commit", "-qam", "ci: push only");
    const narrow = gh.appToken("Iv23liTest", { contents: "write" });
    const refused = await push(narrow, "HEAD:refs/heads/app-branch");
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain("without `workflows` permission");
    expect(git(bare, "branch", "--list", "app-branch")).toBe("");
    const full = gh.appToken("Iv23liTest", { contents: "write", workflows: "write" });
    const ok = await push(full, "HEAD:refs/heads/app-branch");
    expect(ok.status, ok.stderr).toBe(0);
    expect(gh.state.pushes.at(-1)).toMatchObject({ ref: "refs/heads/app-branch", by: "GitHub App Iv23liTest", triggersWorkflows: true });
  });
});

describe("REST API", () => {
  const api = (token: string) => getOctokit(token, { baseUrl: gh.apiUrl }).rest;
  const repo = { owner: "octo", repo: "repo" };

  it("pulls.create with GITHUB_TOKEN: 403 with GitHub's message while the setting is off (docs: Preventing GitHub Actions from creating or approving pull requests)", async () => {
    await expect(api(jobToken).pulls.create({ ...repo, head: "feature", base: "main", title: "t" })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("GitHub Actions is not permitted to create or approve pull requests."),
    });
    expect(gh.state.pulls).toEqual([]);
  });

  it("a PAT opens the pull request; list by head finds it; a second one for the same head is a 422", async () => {
    const created = await api(PAT).pulls.create({ ...repo, head: "feature", base: "main", title: "t", body: "b" });
    expect(created.data.number).toBe(1);
    const listed = await api(jobToken).pulls.list({ ...repo, head: "octo:feature", base: "main", state: "open" });
    expect(listed.data.map((p) => p.number)).toEqual([1]);
    await expect(api(PAT).pulls.create({ ...repo, head: "feature", base: "main", title: "t" })).rejects.toMatchObject({ status: 422 });
    const rec = await gh.record();
    expect(rec.pulls).toEqual([
      expect.objectContaining({ number: 1, head: "feature", base: "main", state: "open", headSha: git(bare, "rev-parse", "feature") }),
    ]);
  });

  it("commit statuses: need statuses: write, a known SHA and a valid state (REST docs: Create a commit status)", async () => {
    const sha = git(bare, "rev-parse", "feature");
    await expect(api(readOnlyToken).repos.createCommitStatus({ ...repo, sha, state: "success" })).rejects.toMatchObject({ status: 403 });
    await expect(api(jobToken).repos.createCommitStatus({ ...repo, sha: "0".repeat(40), state: "success" })).rejects.toMatchObject({
      status: 422,
    });
    await api(jobToken).repos.createCommitStatus({ ...repo, sha, state: "success", context: "final-commit", description: "ok" });
    expect((await gh.record()).statuses[sha]).toEqual([
      expect.objectContaining({ context: "final-commit", state: "success", description: "ok" }),
    ]);
  });

  it("workflow dispatch: needs actions: write and a workflow_dispatch trigger on the ref (REST docs: Create a workflow dispatch event)", async () => {
    await expect(api(jobToken).actions.createWorkflowDispatch({ ...repo, workflow_id: "ci.yml", ref: "feature" })).rejects.toMatchObject({
      status: 403,
    });
    const withActions = gh.jobToken("final-commit", { actions: "write" });
    await expect(
      api(withActions).actions.createWorkflowDispatch({ ...repo, workflow_id: "missing.yml", ref: "feature" }),
    ).rejects.toMatchObject({ status: 404 });
    await api(withActions).actions.createWorkflowDispatch({ ...repo, workflow_id: "ci.yml", ref: "feature" });
    expect(gh.state.dispatches).toEqual([expect.objectContaining({ workflow: "ci.yml", ref: "feature" })]);
  });
});
