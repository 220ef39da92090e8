/**
 * The project's end-to-end test: each example plan, compiled, runs through the simulated workflow —
 * GitHub's parser, the bundled action in every job, checkpoints travelling as artifacts — and
 * final-commit lands exactly the tree the local runner lands.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readState } from "../../src/simulate/state.js";
import { git, localRunTree, requireBundles, scratch, simulateCli, simulateIn } from "./helpers.js";

beforeAll(requireBundles);

describe("simulate the example plans", () => {
  // the largest example, through the bundled CLI, with the action vendored into the commit by compile
  it("auth-integration lands the local runner's tree", { timeout: 240_000 }, async () => {
    const s = scratch({ plan: "examples/auth-integration/plan.yml" });
    expect(readFileSync(s.workflow, "utf8")).toContain("uses: ./.github/actions/waveplan\n");
    const before = git(s.bare, "rev-parse", "main");
    const out = join(s.work, "..", "sim-out");
    const started = Date.now();
    const run = await simulateCli(s.work, [s.workflow, "--repo", s.bare, "--out", out, "--concurrency", "4"]);
    const wallMs = Date.now() - started;
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);

    const state = await readState(out);
    const instances = Object.values(state.jobs).flatMap((j) => j.instances);
    expect(instances.filter((i) => i.result !== "success")).toEqual([]);
    // plan, 13 waves (W8 a chain of 5, parallel waves one job per task), final-commit
    expect(instances).toHaveLength(34);
    expect(state.jobs.W1.instances.map((i) => i.name)).toEqual(["W1 · I2 · I2-W1-1", "W1 · I10 · I10-W1-1", "W1 · I11 · I11-W1-1"]);

    // on GitHub the example lands on its own branch (land.branch), never on the branch it ran on
    expect(git(s.bare, "rev-parse", "main")).toBe(before);
    const landed = git(s.bare, "rev-parse", "example/auth-integration");
    expect(git(s.bare, "rev-parse", `${landed}^`)).toBe(before);
    expect(run.stdout).toContain(`pushed ${landed.slice(0, 12)} to example/auth-integration`);
    expect(git(s.bare, "rev-parse", `${landed}^{tree}`)).toBe(localRunTree(s));
    // the final-commit summary ends the output, and the job's summary file holds it
    expect(run.stdout).toMatch(/final-commit summary[\s\S]*## ✅ 32\/32 tasks · 13 waves · /);
    expect(run.stdout).toContain("**Authentication integration** · plan ");
    expect(readFileSync(join(out, "attempt-1/final-commit/summary.md"), "utf8")).toContain("I12-W10-1");

    // the split the issue asks for: task time (the checkpoints' own durations) vs everything else
    // the task table's time column (rows start with the task id)
    const summary = readFileSync(join(out, "attempt-1/final-commit/summary.md"), "utf8");
    const taskMs = [...summary.matchAll(/^\| I\d+-W\d+-\d+: .*? \| (\d+(?:\.\d+)?)(ms|s) \|[^|]*\|$/gm)].reduce(
      (sum, m) => sum + Number(m[1]) * (m[2] === "s" ? 1000 : 1),
      0,
    );
    const jobMs = instances.reduce((sum, i) => sum + i.durationMs, 0);
    process.stdout.write(
      `[simulate auth-integration] wall ${(wallMs / 1000).toFixed(1)}s, ${instances.length} jobs, job time summed ${(jobMs / 1000).toFixed(1)}s, task time summed ${(taskMs / 1000).toFixed(1)}s\n`,
    );
  });

  // this repository's own pipeline shape: `uses: ./`, the action and its dist/ committed in the checkout
  it("agent-prompts with --action-ref ./ lands the local runner's tree", { timeout: 120_000 }, async () => {
    const s = scratch({
      plan: "examples/agent-prompts/plan.yml",
      extra: ["examples/agent-prompts/agent.sh"],
      actionRef: "./",
      withAction: true,
    });
    expect(readFileSync(s.workflow, "utf8")).toContain("uses: ./");
    const result = await simulateIn(s, { secrets: { ANTHROPIC_API_KEY: "sk-simulated-secret" } });
    expect(result.conclusion, result.output).toBe("success");
    expect(Object.keys(result.pushed)).toEqual(["main"]);
    expect(git(s.bare, "rev-parse", "main^{tree}")).toBe(localRunTree(s));
    // the secret reached the prompt tasks' env (agent.secrets) but never a log
    const logs = Object.values(result.state.jobs)
      .flatMap((j) => j.instances)
      .map((i) => readFileSync(join(result.outDir, i.log as string), "utf8"))
      .join("\n");
    expect(logs).not.toContain("sk-simulated-secret");
    expect(logs).toContain("agent for I3 (Publisher)");
  });
});
