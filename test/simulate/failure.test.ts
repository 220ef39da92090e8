/**
 * Failure paths through the whole workflow: a failing task (its wave fails, later waves are skipped,
 * final-commit fails naming the wave, nothing is pushed) and "Re-run failed jobs" after the fix; a
 * workflow whose plan changed after compiling stops in the plan job with the compile command.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, localRunTree, requireBundles, scratch, simulateIn } from "./helpers.js";

beforeAll(requireBundles);

const PLAN = "test/simulate/fixtures/three-waves.yml";

const results = (state: { jobs: Record<string, { result: string }> }) =>
  Object.fromEntries(Object.entries(state.jobs).map(([id, j]) => [id, j.result]));

describe("a failing task, then re-run failed jobs", () => {
  it("fails its wave, skips the later ones, lands nothing; the re-run reuses earlier artifacts and lands the clean tree", {
    timeout: 120_000,
  }, async () => {
    const s = scratch({ plan: PLAN });
    const base = git(s.bare, "rev-parse", "main");

    const failed = await simulateIn(s, { failTask: "I2-W2-1" });
    expect(failed.conclusion).toBe("failure");
    expect(results(failed.state)).toEqual({
      plan: "success",
      W1: "success",
      W2: "failure",
      "W3-1": "skipped",
      "W3-2": "skipped",
      "final-commit": "failure",
    });
    const w2 = failed.state.jobs.W2.instances.find((i) => i.matrix?.task === "I2-W2-1");
    expect(w2?.result).toBe("failure");
    expect(readFileSync(join(failed.outDir, w2?.log as string), "utf8")).toContain("waveplan simulate --fail I2-W2-1");
    const finalErrors = failed.state.jobs["final-commit"].instances[0].annotations.map((a) => a.message).join("\n");
    expect(finalErrors).toMatch(/not landed: .*W2 \(failure\)/);
    expect(finalErrors).toContain("W3-1 (skipped)");
    expect(failed.output).toContain("re-run the failed jobs with: waveplan simulate --rerun-failed");
    // issue 28: the final-commit summary names the failed task, its job and instance, and quotes its stderr
    const summary = readFileSync(join(failed.outDir, "attempt-1/final-commit/summary.md"), "utf8");
    expect(summary.split("\n")[0]).toBe("## ❌ I2-W2-1 failed in W2 · 3 done · 1 failed · 2 not run");
    expect(summary).toContain("### ❌ I2-W2-1: Service");
    expect(summary).toMatch(
      /job \*\*W2 · I2 · I2-W2-1\*\* · wave W2 · instance I2 \(Backend\) · [\d.]+m?s — \*\*exited with code 1: waveplan simulate --fail I2-W2-1: this task's command fails here\*\*/,
    );
    expect(summary).toContain("```text\nwaveplan simulate --fail I2-W2-1: this task's command fails here\n```");
    expect(summary).toContain("**Not run** (2): I1-W3-1, I3-W3-1");
    expect(summary).toContain("Not landed: 1 job failed and 2 were skipped after it");
    expect(failed.pushed).toEqual({});
    expect(git(s.bare, "rev-parse", "main")).toBe(base);
    const githubJson = () => JSON.parse(readFileSync(join(failed.outDir, "github.json"), "utf8"));
    expect(githubJson().statuses).toEqual({}); // a failed run leaves no status anywhere

    const rerun = await simulateIn(s, { rerunFailed: failed.outDir });
    expect(rerun.conclusion, rerun.output).toBe("success");
    expect(rerun.outDir).toBe(failed.outDir);
    expect(rerun.state.runId).toBe(failed.state.runId);
    expect(rerun.state.attempt).toBe(2);
    // W1 was not re-run: its attempt-1 checkpoints were downloaded by the attempt-2 jobs
    expect(rerun.state.jobs.W1.instances.map((i) => i.attempt)).toEqual([1, 1]);
    expect(rerun.state.jobs.W2.instances.find((i) => i.matrix?.task === "I2-W2-1")?.attempt).toBe(2);
    expect(rerun.state.jobs["final-commit"].instances[0].attempt).toBe(2);
    expect(rerun.output).toMatch(/↺ W1 · I1 · I1-W1-1\s+success\s+\(attempt 1\)/);
    expect(Object.keys(rerun.pushed)).toEqual(["main"]);
    expect(git(s.bare, "rev-parse", "main^")).toBe(base);
    expect(git(s.bare, "rev-parse", "main^{tree}")).toBe(localRunTree(s));
    const landed = git(s.bare, "rev-parse", "main");
    expect(githubJson().statuses[landed]).toEqual([expect.objectContaining({ context: "final-commit", state: "success" })]);

    await expect(simulateIn(s, { rerunFailed: failed.outDir })).rejects.toThrow(
      /nothing to re-run: every job of run \d+ \(attempt 2\) succeeded/,
    );
  });
});

describe("a workflow compiled from another version of the plan", () => {
  it("fails in the plan job with the compile command, skips every wave and lands nothing", async () => {
    const s = scratch({ plan: PLAN, editPlan: (text) => text.replace("title: Guide", "title: User guide") });
    const base = git(s.bare, "rev-parse", "main");
    const run = await simulateIn(s);
    expect(run.conclusion).toBe("failure");
    expect(results(run.state)).toEqual({
      plan: "failure",
      W1: "skipped",
      W2: "skipped",
      "W3-1": "skipped",
      "W3-2": "skipped",
      "final-commit": "failure",
    });
    const planErrors = run.state.jobs.plan.instances[0].annotations.map((a) => `${a.file}: ${a.message}`).join("\n");
    expect(planErrors).toContain(".github/workflows/plan.yml: .github/workflows/plan.yml was compiled from another version of");
    expect(planErrors).toContain(`run \`waveplan compile ${PLAN} -o .github/workflows/plan.yml\``);
    expect(run.output).toContain("Annotations");
    expect(run.pushed).toEqual({});
    expect(git(s.bare, "rev-parse", "main")).toBe(base);
  });
});
