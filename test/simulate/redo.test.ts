/**
 * The dispatch input `redo` with `resume-from`: a task whose checkpoint in the resumed run verifies
 * runs again, with everything downstream of it; its sibling and the earlier waves are reused. A `redo`
 * that cannot mean anything fails the `plan` job before any task runs.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/repo.js";
import { countingExecutions, localRunTree, requireBundles, simulateIn } from "./helpers.js";

beforeAll(requireBundles);

describe("redo", () => {
  it("runs the named task and its downstream again; a bad redo fails the plan job before any task", { timeout: 600_000 }, async () => {
    const { s, executions, reset } = countingExecutions("test/simulate/fixtures/three-waves.yml");
    const failed = await simulateIn(s, { failTask: "I2-W2-1" });
    expect(failed.conclusion).toBe("failure");
    expect(executions()).toEqual(["I1-W1-1", "I2-W1-1", "I3-W2-1"]);
    reset();

    const unknown = await simulateIn(s, { inputs: { "resume-from": failed.state.runId, redo: "I3-W2-9" } });
    expect(unknown.conclusion).toBe("failure");
    expect(unknown.output).toContain('input "redo": no task "I3-W2-9" in plan "Three waves" to redo; did you mean "I3-W2-1"?');
    const alone = await simulateIn(s, { inputs: { redo: "I3-W2-1" } });
    expect(alone.conclusion).toBe("failure");
    expect(alone.output).toContain('input "redo" (I3-W2-1) needs "resume-from"');
    expect(executions(), "no task ran after a bad redo").toEqual([]);

    // I3-W2-1's checkpoint verifies (a plain resume reuses it: see resume.test.ts); redo runs it again
    const redone = await simulateIn(s, { inputs: { "resume-from": failed.state.runId, redo: "I3-W2-1" } });
    expect(redone.conclusion, redone.output).toBe("success");
    expect(executions()).toEqual(["I1-W3-1", "I2-W2-1", "I3-W2-1", "I3-W3-1"]);
    const log = (job: string, task: string) => {
      const instance = redone.state.jobs[job].instances.find((i) => i.matrix?.task === task);
      return readFileSync(join(redone.outDir, instance?.log as string), "utf8");
    };
    expect(log("W1", "I1-W1-1")).toContain(`I1-W1-1: reused from run ${failed.state.runId}`);
    expect(log("W2", "I3-W2-1")).toContain(`I3-W2-1 runs again (input redo): its checkpoint in run ${failed.state.runId} is not reused`);
    expect(git(s.bare, "rev-parse", "main^{tree}")).toBe(localRunTree(s));
  });
});
