/**
 * `land.strategy: pull-request` against the simulated GitHub (src/simulate/github-api): finalize
 * pushes the plan's branch over smart HTTP with the job's token, opens or updates the pull request
 * through the REST API, and posts the `final-commit` status on the pull request's head — under
 * GitHub's rules: `main` protected, and GITHUB_TOKEN allowed to open pull requests only when the
 * repository says so ("Allow GitHub Actions to create and approve pull requests", off by default).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimGitHub } from "../../src/simulate/github-api/index.js";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { PLAN, PLAN_FILE, PR_PLAN, repoFiles } from "./fixture.js";
import {
  cleanup,
  commands,
  git,
  issueJobToken,
  makeRepo,
  type Repo,
  repoGitHub,
  requireActionBundle,
  runAction,
  tempDir,
} from "./helpers.js";

const TOKEN = "ghs_pullRequestTestToken987654321";
const NEEDS = JSON.stringify({ plan: { result: "success" }, W1: { result: "success" }, W2: { result: "success" } });
/** what compile grants final-commit for a pull-request plan without github.token-secret */
const PR_PERMISSIONS = { contents: "write", "pull-requests": "write", statuses: "write" };

let service: ResultsService;
let root: string;

beforeAll(async () => {
  requireActionBundle();
  expect(PR_PLAN).not.toBe(PLAN);
  root = tempDir("waveplan-pr-");
  service = await startResultsService({ dir: join(root, "results") });
});

afterAll(async () => {
  await service?.close();
  cleanup(root);
});

async function runAll(repo: Repo, gh: SimGitHub, runId: number, inputs: Record<string, string> = {}) {
  for (const id of ["write-a", "write-b", "combine"]) {
    const r = await runAction({ service, repo, root, runId, job: id, inputs: { command: "task", plan: PLAN_FILE, task: id } });
    expect(r.code, r.stdout).toBe(0);
  }
  return runAction({
    service,
    repo,
    root,
    runId,
    job: "final-commit",
    github: gh,
    inputs: { command: "finalize", plan: PLAN_FILE, needs: NEEDS, land: "true", token: TOKEN, "github-token": TOKEN, ...inputs },
  });
}

describe("land.strategy: pull-request, the setting on and main protected", () => {
  let repo: Repo;
  let gh: SimGitHub;
  beforeAll(async () => {
    repo = makeRepo(join(root, "on"), repoFiles(PR_PLAN));
    gh = await repoGitHub(repo, { protect: ["main"], allowTokenPrs: true });
    issueJobToken(gh, TOKEN, PR_PERMISSIONS);
  });
  afterAll(() => gh?.close());

  it("pushes the plan's branch, opens one pull request into main, and its head carries final-commit = success", async () => {
    const r = await runAll(repo, gh, 9001);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.status).toBe("landed");
    const head = git(repo.origin, "rev-parse", "waveplan/action-demo");
    expect(head).toBe(r.outputs.commit);
    expect(git(repo.origin, "rev-parse", "main")).toBe(repo.sha); // main untouched
    const record = await gh.record();
    expect(record.pulls).toEqual([
      expect.objectContaining({ number: 1, head: "waveplan/action-demo", headSha: head, base: "main", state: "open" }),
    ]);
    expect(gh.state.pulls[0].body).toContain("Run: 9001");
    expect(record.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    expect(r.summary).toContain("pull request https://github.com/octo/repo/pull/1");
    // GITHUB_TOKEN's push starts no workflow (docs: Triggering a workflow from a workflow)
    expect(record.pushes).toEqual([expect.objectContaining({ ref: "refs/heads/waveplan/action-demo", triggersWorkflows: false })]);
  });

  it("a later run replaces the branch's commit, updates the same pull request, and the new head gets the status", async () => {
    const r = await runAll(repo, gh, 9002);
    expect(r.code, r.stdout).toBe(0);
    const head = git(repo.origin, "rev-parse", "waveplan/action-demo");
    expect(head).toBe(r.outputs.commit);
    const record = await gh.record();
    expect(record.pulls).toHaveLength(1);
    expect(record.pulls[0].headSha).toBe(head);
    expect(gh.state.pulls[0].body).toContain("Run: 9002");
    expect(record.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
  });

  it("fails clearly without a token", async () => {
    const r = await runAction({
      service,
      repo,
      root,
      runId: 9002,
      job: "final-commit",
      github: gh,
      inputs: { command: "finalize", plan: PLAN_FILE, needs: NEEDS, land: "true" },
    });
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toBe('the plan lands as a pull request, which needs the "token" input');
  });
});

describe("land.strategy: pull-request with the setting off (GitHub's default)", () => {
  it("exits 1 naming the setting, where it is and the pushed branch; no pull request, the status on the pushed head (docs: Preventing GitHub Actions from creating or approving pull requests)", async () => {
    const repo = makeRepo(join(root, "off"), repoFiles(PR_PLAN));
    const gh = await repoGitHub(repo, { protect: ["main"] });
    issueJobToken(gh, TOKEN, PR_PERMISSIONS);
    try {
      const r = await runAll(repo, gh, 9003);
      expect(r.code).toBe(1);
      const message = commands(r.stdout, "error")[0].message;
      expect(message).toContain('"Allow GitHub Actions to create and approve pull requests"');
      expect(message).toContain("Settings → Actions → General → Workflow permissions");
      expect(message).toContain("pushed to branch waveplan/action-demo");
      expect(git(repo.origin, "rev-parse", "waveplan/action-demo")).toBe(r.outputs.commit);
      expect(gh.state.pulls).toEqual([]);
      // the status is posted before the pull request is opened: one opened by hand finds it on its head
      expect(gh.state.statuses[r.outputs.commit]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
      expect(message).toContain("Its head already carries final-commit = success");
    } finally {
      await gh.close();
    }
  });

  it("a token that cannot read pull requests fails before anything is pushed", async () => {
    const repo = makeRepo(join(root, "noread"), repoFiles(PR_PLAN));
    const gh = await repoGitHub(repo, { allowTokenPrs: true });
    issueJobToken(gh, TOKEN, { contents: "write", statuses: "write" });
    try {
      const r = await runAll(repo, gh, 9004);
      expect(r.code).toBe(1);
      expect(commands(r.stdout, "error")[0].message).toMatch(/^cannot read the pull requests of octo\/repo \(403: .*nothing was pushed/);
      expect(git(repo.origin, "branch", "--list", "waveplan/*")).toBe("");
    } finally {
      await gh.close();
    }
  });
});
