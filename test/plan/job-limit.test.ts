/** GitHub's 360-minute limit for a job on a hosted runner, reported by `validate` at the task (docs: "Usage limits" → job execution time). */
import { describe, expect, it } from "vitest";
import { checkPlan } from "../../src/plan/load.js";

const plan = (task: string, extra = "") => `version: 1
name: demo
instances:
  I1: { role: Worker }
${extra}waves:
  - id: W0
    tasks:
      - instance: I1
${task}`;

const limitDiagnostics = (source: string) =>
  checkPlan(source, "plan.yml")
    .diagnostics.sorted()
    .filter((d) => d.rule === "job-time-limit")
    .map((d) => `${d.line}:${d.col} ${d.severity} ${d.message}`);

describe("the hosted job limit", () => {
  it("refuses timeout × attempts plus set-up over 360 minutes, at the timeout, with the numbers", () => {
    expect(limitDiagnostics(plan("        run: x\n        timeout: 5h\n        retries: 1\n"))).toEqual([
      '10:18 error task "I1-W0-1" may need 605 minutes: timeout 300m × 2 attempts (retries: 1) = 600 min, plus 5 min of job set-up; GitHub ends a job on a hosted runner (ubuntu-latest) at 360 minutes — lower the timeout or the retries, or split the task',
    ]);
  });
  it("counts the agent set-up for prompt tasks", () => {
    const agent = "agent:\n  command: agent\n  setup: npm i -g agent\n";
    const [d] = limitDiagnostics(plan("        prompt: do it\n        timeout: 39m\n        retries: 8\n", agent));
    expect(d).toMatch(
      /^13:18 error task "I1-W0-1" may need 366 minutes: timeout 39m × 9 attempts \(retries: 8\) = 351 min, plus 15 min of job set-up/,
    );
    expect(limitDiagnostics(plan("        run: do it\n        timeout: 39m\n        retries: 8\n", agent))).toEqual([]);
  });
  it("accepts what fits, and only warns on a runner that is not GitHub-hosted", () => {
    expect(limitDiagnostics(plan("        run: x\n        timeout: 355m\n"))).toEqual([]);
    expect(limitDiagnostics(plan("        run: x\n        timeout: 356m\n"))).toHaveLength(1);
    const selfHosted = limitDiagnostics(plan("        run: x\n        timeout: 8h\n", "github:\n  runs-on: gpu-box\n"));
    expect(selfHosted).toEqual([
      expect.stringMatching(/ warning .*on a GitHub-hosted runner at 360 minutes.*fine only if "gpu-box" is self-hosted$/),
    ]);
  });
});
