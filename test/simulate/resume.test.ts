/**
 * Resume a failed run in a new run (dispatch input `resume-from`): the new run's task jobs reuse the
 * failed run's checkpoints that still verify (fetched through the simulated REST API, as
 * `@actions/artifact` does with `findBy`), re-execute the failed task and its downstream only, and
 * land the tree an uninterrupted run lands.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveResume } from "../../src/action/resume.js";
import { startGitHub } from "../../src/simulate/github-api/index.js";
import { countingExecutions, git, localRunTree, requireBundles, simulateIn } from "./helpers.js";

beforeAll(requireBundles);

const PLAN = "test/simulate/fixtures/three-waves.yml";

describe("resume-from", () => {
  it("re-executes only the failed task and its downstream, reusing the rest, and lands the uninterrupted tree", {
    timeout: 240_000,
  }, async () => {
    const { s, executions, reset } = countingExecutions(PLAN);
    const base = git(s.bare, "rev-parse", "main");

    const failed = await simulateIn(s, { failTask: "I2-W2-1" });
    expect(failed.conclusion).toBe("failure");
    // fail-fast is off: the failed task's sibling finished and kept its checkpoint
    expect(executions()).toEqual(["I1-W1-1", "I2-W1-1", "I3-W2-1"]);
    expect(JSON.parse(readFileSync(join(failed.outDir, "state.json"), "utf8")).runId).toBe(failed.state.runId);
    reset();

    // latest-failed: the newest failed run of this workflow on this branch, through the simulated REST API
    const api = await startGitHub({ repo: s.bare, repository: failed.state.repository, rules: { protect: [], allowTokenPrs: false } });
    // a task job's GITHUB_TOKEN: compile grants it actions: read to read the resumed run
    const token = api.jobToken("W1", { contents: "read", actions: "read" });
    try {
      const env = {
        GITHUB_API_URL: api.apiUrl,
        GITHUB_REPOSITORY: failed.state.repository,
        GITHUB_RUN_ID: String(Number(failed.state.runId) + 1),
        GITHUB_WORKFLOW_REF: `${failed.state.repository}/.github/workflows/plan.yml@refs/heads/main`,
        GITHUB_REF_NAME: "main",
      };
      const latest = await resolveResume("latest-failed", token, env);
      expect(latest).toMatchObject({ runId: failed.state.runId, base, findBy: { workflowRunId: Number(failed.state.runId) } });
      expect(await resolveResume(failed.state.runId, token, env)).toEqual(latest);
      await expect(resolveResume("latest-failed", token, { ...env, GITHUB_REF_NAME: "other" })).rejects.toThrow(
        "resume-from latest-failed: no failed run of plan.yml on branch other before this one",
      );
      await expect(resolveResume(failed.state.runId, "wrong", env)).rejects.toThrow(/answered 401.*actions: read/);
      await expect(resolveResume("12; rm", token, env)).rejects.toThrow('input "resume-from" must be a run id or latest-failed');
    } finally {
      await api.close();
    }

    // a new run with its own --out finds the failed one by run id
    const resumed = await simulateIn(s, { inputs: { "resume-from": failed.state.runId } });
    expect(resumed.conclusion, resumed.output).toBe("success");
    expect(resumed.state.runId).not.toBe(failed.state.runId);
    expect(executions()).toEqual(["I1-W3-1", "I2-W2-1", "I3-W3-1"]);
    const log = (job: string, task?: string) => {
      const instance = resumed.state.jobs[job].instances.find((i) => !task || i.matrix?.task === task);
      return readFileSync(join(resumed.outDir, instance?.log as string), "utf8");
    };
    expect(log("W1", "I1-W1-1")).toContain(`I1-W1-1: reused from run ${failed.state.runId}`);
    expect(log("W2", "I3-W2-1")).toContain(`I3-W2-1: reused from run ${failed.state.runId}`);
    expect(log("W2", "I2-W2-1")).toMatch(/no: .*task failed/);
    expect(Object.keys(resumed.pushed)).toEqual(["main"]);
    expect(git(s.bare, "rev-parse", "main^")).toBe(base);
    expect(git(s.bare, "rev-parse", "main^{tree}")).toBe(localRunTree(s));
  });
});
