/**
 * final-commit under GitHub's landing rules, against the simulated GitHub (src/simulate/github-api):
 * protected branches (GH006), GITHUB_TOKEN and `.github/workflows/`, a token from a secret
 * (fine-grained PAT / GitHub App token) and dispatching the repository's CI after landing.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimGitHub } from "../../src/simulate/github-api/index.js";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { PLAN, PLAN_FILE, PR_PLAN, repoFiles } from "./fixture.js";
import { cleanup, commands, git, issueJobToken, makeRepo, repoGitHub, requireActionBundle, runAction, tempDir } from "./helpers.js";

const JOB_TOKEN = "ghs_landingRulesJobToken01234567";
const PAT = "github_pat_landingRulesSecretToken0123456789";
const NEEDS = JSON.stringify({ plan: { result: "success" }, W1: { result: "success" }, W2: { result: "success" } });
/** combine also writes a CI workflow: a change GITHUB_TOKEN may never push */
const withWorkflowChange = (plan: string) =>
  plan.replace(
    "cat a.txt b.txt notes/a.log > combined.txt\n",
    "cat a.txt b.txt notes/a.log > combined.txt\n          mkdir -p .github/workflows && printf 'on: [push, workflow_dispatch]\\njobs: {}\\n' > .github/workflows/ci.yml\n",
  );
const withGitHub = (plan: string, settings: string) => plan.replace("\nwaves:\n", `\ngithub:\n${settings}waves:\n`);

let nextRunId = 9300;
let service: ResultsService;
let root: string;
beforeAll(async () => {
  requireActionBundle();
  root = tempDir("waveplan-landing-");
  service = await startResultsService({ dir: join(root, "results") });
});
afterAll(async () => {
  await service?.close();
  cleanup(root);
});

/** A fresh repository with `plan`, its simulated GitHub, and a run of every task; returns the finalize step. */
async function scenario(name: string, plan: string, rules: Parameters<typeof repoGitHub>[1], permissions: unknown) {
  const repo = makeRepo(join(root, name), repoFiles(plan));
  const gh = await repoGitHub(repo, rules);
  issueJobToken(gh, JOB_TOKEN, permissions);
  const runId = nextRunId++;
  for (const id of ["write-a", "write-b", "combine"]) {
    const r = await runAction({ service, repo, root, runId, job: id, inputs: { command: "task", plan: PLAN_FILE, task: id } });
    expect(r.code, r.stdout).toBe(0);
  }
  const finalize = (inputs: Record<string, string>) =>
    runAction({
      service,
      repo,
      root,
      runId,
      job: "final-commit",
      github: gh,
      inputs: { command: "finalize", plan: PLAN_FILE, needs: NEEDS, land: "true", "github-token": JOB_TOKEN, ...inputs },
    });
  return { repo, gh, finalize };
}

describe("landing under GitHub's rules", () => {
  const opened: SimGitHub[] = [];
  afterAll(async () => {
    for (const gh of opened) await gh.close();
  });
  const track = <T extends { gh: SimGitHub }>(s: T) => {
    opened.push(s.gh);
    return s;
  };

  it("commit onto a protected branch: GH006 is explained (protection, what to do), the branch is unchanged, no status (docs: About protected branches)", async () => {
    const { repo, gh, finalize } = track(
      await scenario("protected", PLAN, { protect: ["main"] }, { contents: "write", statuses: "write" }),
    );
    const r = await finalize({ token: JOB_TOKEN });
    expect(r.code).toBe(1);
    const message = commands(r.stdout, "error")[0].message;
    expect(message).toMatch(/^branch main is protected \(branch protection or a ruleset refused the push\), so nothing was pushed/);
    expect(message).toContain("Dispatch the workflow on a feature branch");
    expect(message).toContain("land.strategy: pull-request");
    expect(message).toContain("GH006: Protected branch update failed for refs/heads/main.");
    expect(git(repo.origin, "rev-parse", "main")).toBe(repo.sha);
    expect(gh.state.statuses).toEqual({});
    expect(gh.state.pushes).toEqual([]);
  });

  it("a change under .github/workflows/ with GITHUB_TOKEN is refused before any push, naming the files and the fix", async () => {
    const { repo, gh, finalize } = track(
      await scenario(
        "workflow-file",
        withWorkflowChange(PR_PLAN),
        { allowTokenPrs: true },
        {
          contents: "write",
          "pull-requests": "write",
          statuses: "write",
        },
      ),
    );
    const before = git(repo.origin, "for-each-ref");
    const r = await finalize({ token: JOB_TOKEN });
    expect(r.code).toBe(1);
    const message = commands(r.stdout, "error")[0].message;
    expect(message).toContain("(.github/workflows/ci.yml)");
    expect(message).toContain("nothing was pushed");
    expect(message).toContain("github: { token-secret: NAME }");
    expect(git(repo.origin, "for-each-ref")).toBe(before);
    expect(gh.state.pushes).toEqual([]);
    expect(gh.state.pulls).toEqual([]);
  });

  it("a token from a secret (github.token-secret): PR opened though the setting is off, workflow change allowed, the push starts workflows, the token masked", async () => {
    const plan = withGitHub(withWorkflowChange(PR_PLAN), "  token-secret: LANDING_TOKEN\n");
    const { repo, gh, finalize } = track(await scenario("app-token", plan, { protect: ["main"] }, { contents: "read", statuses: "write" }));
    gh.userToken("LANDING_TOKEN", PAT);
    const r = await finalize({ token: PAT });
    expect(r.code, r.stdout).toBe(0);
    const head = git(repo.origin, "rev-parse", "waveplan/action-demo");
    expect(git(repo.origin, "show", `${head}:.github/workflows/ci.yml`)).toContain("workflow_dispatch");
    const record = await gh.record();
    expect(record.pulls).toEqual([
      expect.objectContaining({ head: "waveplan/action-demo", headSha: head, base: "main", openedBy: "secret LANDING_TOKEN" }),
    ]);
    expect(record.pushes).toEqual([expect.objectContaining({ by: "secret LANDING_TOKEN", triggersWorkflows: true })]);
    // the status comes from the job's own GITHUB_TOKEN (statuses: write)
    expect(record.statuses[head]).toEqual([
      expect.objectContaining({ context: "final-commit", state: "success", by: "GITHUB_TOKEN (final-commit)" }),
    ]);
    expect(r.stdout).toContain(`::add-mask::${PAT}\n`);
    expect(r.stdout.replace(/^::add-mask::.*$/gm, "")).not.toContain(PAT);
    expect(r.summary).not.toContain(PAT);
  });

  it("github.app: the App's installation token lands the workflow change and opens the PR; an empty token fails before any push", async () => {
    const plan = withGitHub(withWorkflowChange(PR_PLAN), "  app: { client-id: APP_CLIENT_ID, private-key-secret: APP_PRIVATE_KEY }\n");
    const { repo, gh, finalize } = track(
      await scenario("github-app", plan, { protect: ["main"] }, { contents: "read", statuses: "write" }),
    );
    const empty = await finalize({ token: "" });
    expect(empty.code).toBe(1);
    expect(commands(empty.stdout, "error")[0].message).toMatch(
      /GitHub App token \(github\.app\), but the "token" input is empty.*nothing was pushed/,
    );
    expect(gh.state.pushes).toEqual([]);
    // what the create-github-app-token step would hand over: contents, pull requests and workflows write
    const token = gh.appToken("Iv23liLanding", { contents: "write", "pull-requests": "write", workflows: "write" });
    const r = await finalize({ token });
    expect(r.code, r.stdout).toBe(0);
    const head = git(repo.origin, "rev-parse", "waveplan/action-demo");
    expect(git(repo.origin, "show", `${head}:.github/workflows/ci.yml`)).toContain("workflow_dispatch");
    const record = await gh.record();
    expect(record.pulls).toEqual([
      expect.objectContaining({ headSha: head, openedBy: "GitHub App Iv23liLanding", triggersWorkflows: true }),
    ]);
    expect(record.pushes).toEqual([expect.objectContaining({ by: "GitHub App Iv23liLanding", triggersWorkflows: true })]);
    expect(record.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", by: "GITHUB_TOKEN (final-commit)" })]);
    expect(r.stdout.replace(/^::add-mask::.*$/gm, "")).not.toContain(token);
  });

  it("github.token-secret set but the secret empty: fails before any push, naming the secret", async () => {
    const plan = withGitHub(PR_PLAN, "  token-secret: LANDING_TOKEN\n");
    const { gh, finalize } = track(await scenario("empty-secret", plan, {}, { contents: "read", statuses: "write" }));
    const r = await finalize({ token: "" });
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toContain("secret LANDING_TOKEN (github.token-secret), but it is empty");
    expect(gh.state.pushes).toEqual([]);
  });

  it("github.dispatch: after landing with GITHUB_TOKEN on a feature branch, the named workflow is dispatched there (docs: workflow_dispatch is exempt)", async () => {
    const plan = withGitHub(PLAN, "  dispatch: [demo.yml]\n");
    const { repo, gh, finalize } = track(
      await scenario("dispatch", plan, { protect: ["main"] }, { contents: "write", statuses: "write", actions: "write" }),
    );
    const r = await finalize({ token: JOB_TOKEN, branch: "feature" });
    expect(r.code, r.stdout).toBe(0);
    const head = git(repo.origin, "rev-parse", "feature");
    expect(gh.state.dispatches).toEqual([
      expect.objectContaining({ workflow: "demo.yml", ref: "feature", by: "GITHUB_TOKEN (final-commit)" }),
    ]);
    expect(gh.state.statuses[head]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);
    expect(r.summary).toContain("Started `demo.yml` on `feature`.");
  });
});
