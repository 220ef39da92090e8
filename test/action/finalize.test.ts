/**
 * The bundled action's `finalize` command (the final-commit job): verify every checkpoint of the run,
 * land one commit on the bare origin, write the run summary — or fail listing the waves that did not
 * succeed and push nothing.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimGitHub } from "../../src/simulate/github-api/index.js";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { PLAN_FILE, repoFiles } from "./fixture.js";
import {
  cleanup,
  commands,
  git,
  issueJobToken,
  type Job,
  makeRepo,
  type Repo,
  repoGitHub,
  requireActionBundle,
  runAction,
  tempDir,
} from "./helpers.js";

let service: ResultsService;
let root: string;
let repo: Repo;
let gh: SimGitHub;
const TOKEN = "ghs_finalizeTestToken0123456789";
const ALL_SUCCESS = JSON.stringify({
  plan: { result: "success", outputs: {} },
  W1: { result: "success", outputs: {} },
  W2: { result: "success", outputs: {} },
});

beforeAll(async () => {
  requireActionBundle();
  root = tempDir("waveplan-finalize-");
  service = await startResultsService({ dir: join(root, "results") });
  repo = makeRepo(join(root, "repo"), repoFiles());
  gh = await repoGitHub(repo);
  issueJobToken(gh, TOKEN);
});

afterAll(async () => {
  await gh?.close();
  await service?.close();
  cleanup(root);
});

const job = (runId: number, name: string, inputs: Record<string, string>, extra: Partial<Job> = {}) =>
  runAction({ service, repo, root, runId, job: name, inputs: { plan: PLAN_FILE, ...inputs }, github: gh, ...extra });

async function runWaves(runId: number): Promise<void> {
  for (const id of ["write-a", "write-b", "combine"]) {
    const r = await job(runId, id, { command: "task", task: id });
    expect(r.code, r.stdout).toBe(0);
  }
}

describe("finalize", () => {
  it("fails listing every wave that did not succeed, and pushes nothing", async () => {
    const before = git(repo.origin, "for-each-ref");
    const needs = JSON.stringify({ plan: { result: "success" }, W1: { result: "failure" }, W2: { result: "skipped" } });
    const r = await job(8001, "final-commit", { command: "finalize", needs, land: "true", token: TOKEN });
    expect(r.code).toBe(1);
    const [error] = commands(r.stdout, "error");
    expect(error.message).toBe("not landed: 2 jobs of the run did not succeed: W1 (failure), W2 (skipped)");
    expect(error.props.file).toBe(PLAN_FILE);
    expect(r.outputs.status).toBe("failure");
    // no task of run 8001 wrote a checkpoint: W1's job failed before, W2's was skipped (not run, not failed)
    expect(r.summary.split("\n")[0]).toBe("## ❌ write-a, write-b failed in W1 · 0 done · 2 failed · 1 not run");
    expect(r.summary).toContain("Not landed: 1 job failed and 1 was skipped after it");
    expect(r.summary).toContain("It failed before writing a checkpoint");
    expect(r.summary).toContain("**Not run** (1): combine");
    expect(git(repo.origin, "for-each-ref")).toBe(before);
    expect(gh.state.statuses).toEqual({}); // a failed run leaves no status anywhere
  });

  it("names the failed task with its job, instance and the end of its output, and lists what never ran", async () => {
    // run 7002 attempt 1: write-a fails (fixture), write-b succeeds, combine is skipped
    expect((await job(7002, "write-a", { command: "task", task: "write-a" })).code).toBe(1);
    expect((await job(7002, "write-b", { command: "task", task: "write-b" })).code).toBe(0);
    const needs = JSON.stringify({ plan: { result: "success" }, W1: { result: "failure" }, W2: { result: "skipped" } });
    const r = await job(7002, "final-commit", { command: "finalize", needs, land: "true", token: TOKEN });
    expect(r.code).toBe(1);
    const lines = r.summary.split("\n");
    expect(lines[0]).toBe("## ❌ write-a failed in W1 · 1 done · 1 failed · 1 not run");
    expect(r.summary).toContain("### ❌ write-a: Write a");
    // the job name as the Actions UI shows it (matrix values filled in), not the job id
    expect(r.summary).toMatch(
      /job \*\*W1 · A · write-a\*\* · wave W1 · instance A \(Writer\) · [\d.]+m?s — \*\*exited with code 3: flaky failure\*\*/,
    );
    expect(r.summary).toContain("```text\nflaky failure\n```");
    expect(r.summary).toContain("**Re-run failed jobs**");
    expect(r.summary).toContain("**Not run** (1): combine");
    expect(r.summary).toContain("Not landed: 1 job failed and 1 was skipped after it");
    expect(r.summary).toMatch(/w0\[".*"\]:::failed/);
  });

  it("a cancelled wave fails it too, even when every checkpoint exists", async () => {
    await runWaves(8002);
    const needs = JSON.stringify({ plan: { result: "success" }, W1: { result: "success" }, W2: { result: "cancelled" } });
    const r = await job(8002, "final-commit", { command: "finalize", needs, land: "true", token: TOKEN });
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toContain("W2 (cancelled)");
    expect(git(repo.origin, "rev-parse", "main")).toBe(repo.sha);
  });

  it("fails naming the task whose checkpoint is missing", async () => {
    const r = await job(8003, "final-commit", { command: "finalize", needs: ALL_SUCCESS, land: "true", token: TOKEN });
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toBe('cannot land: task "write-a" has no checkpoint in run 8003');
    expect(git(repo.origin, "rev-parse", "main")).toBe(repo.sha);
  });

  it("verifies every checkpoint, pushes one commit to origin and writes the run summary", async () => {
    await runWaves(8004);
    const r = await job(8004, "final-commit", { command: "finalize", needs: ALL_SUCCESS, land: "true", token: TOKEN });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.status).toBe("landed");
    const head = git(repo.origin, "rev-parse", "main");
    expect(r.outputs.commit).toBe(head);
    expect(git(repo.origin, "rev-parse", "main^")).toBe(repo.sha); // exactly one commit on top of the base

    expect(git(repo.origin, "show", "main:combined.txt")).toBe("a from attempt 1\nb\nnote of a");
    expect(git(repo.origin, "show", "main:a.txt")).toBe("a from attempt 1");
    const files = git(repo.origin, "ls-tree", "-r", "--name-only", "main").split("\n");
    expect(files).not.toContain("old.txt");
    expect(files).not.toContain("notes/a.log"); // a declared output that git ignores stays out of the commit
    const message = git(repo.origin, "log", "-1", "--format=%B", "main");
    expect(message).toContain("demo: combine a and b");
    expect(message).toContain("Plan: Action demo (");
    expect(message).toContain("Run: 8004");
    expect(message).toContain("Instances: A (Writer), B (Reviewer)");
    expect(git(repo.origin, "log", "-1", "--format=%an <%ae>", "main")).toBe(
      "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
    );

    expect(r.summary.split("\n")[0]).toMatch(/^## ✅ 3\/3 tasks · 2 waves · [\d.]+m?s$/);
    expect(r.summary).toContain("```mermaid\nflowchart TD");
    expect(r.summary).toMatch(/```mermaid\ngantt\n {2}dateFormat x/);
    expect(r.summary).toMatch(/ {2}W1 .*:done, w0, \d{13}, \d{13}/);
    expect(r.summary).toMatch(/\| combine: Combine a and b \| W2 \| A \| ✅ done \|/);
    expect(r.summary).toMatch(/Measured speedup \*\*\d+\.\d\d×\*\* over running the same tasks one after another/);

    // the token is masked, and reached neither the log, the summary nor the checkout's git config
    expect(r.stdout).toContain(`::add-mask::${TOKEN}\n`);
    expect(r.stdout.replace(/^::add-mask::.*$/gm, "")).not.toContain(TOKEN);
    expect(r.summary).not.toContain(TOKEN);
    expect(git(r.workspace, "config", "--list")).not.toContain("extraheader");

    // the verdict reaches the landing commit: the job's own check run stays on GITHUB_SHA (docs
    // "Troubleshooting required status checks": required checks are read on the head commit)
    expect(gh.state.statuses[head]).toEqual([
      expect.objectContaining({
        context: "final-commit",
        state: "success",
        targetUrl: "https://github.com/octo/repo/actions/runs/8004",
        by: "GITHUB_TOKEN (final-commit)",
      }),
    ]);
    expect(Object.keys(gh.state.statuses)).toEqual([head]);
    expect(gh.state.pushes.at(-1)).toMatchObject({ ref: "refs/heads/main", after: head, triggersWorkflows: false });
  });

  it("does not push when land is false, but still verifies and reports the commit", async () => {
    await runWaves(8005);
    const before = git(repo.origin, "for-each-ref");
    const r = await job(8005, "final-commit", {
      command: "finalize",
      needs: ALL_SUCCESS,
      land: "false",
      author: "Rel Ease <rel@example.com>",
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.status).toBe("verified");
    expect(r.outputs.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(git(r.workspace, "log", "-1", "--format=%an <%ae>", r.outputs.commit)).toBe("Rel Ease <rel@example.com>");
    expect(git(repo.origin, "for-each-ref")).toBe(before);
  });

  it("refuses to overwrite a branch that moved since the run started", async () => {
    await runWaves(8006);
    // origin/main is now the commit landed by run 8004, not this run's base
    const before = git(repo.origin, "rev-parse", "main");
    expect(before).not.toBe(repo.sha);
    const r = await job(8006, "final-commit", { command: "finalize", needs: ALL_SUCCESS, land: "true", token: TOKEN });
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toMatch(/^branch main moved since the run started, so the change was not pushed/);
    expect(git(repo.origin, "rev-parse", "main")).toBe(before);
    expect(Object.keys(gh.state.statuses)).toEqual([before]); // only run 8004's
  });
});
