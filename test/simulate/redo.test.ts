/**
 * The dispatch input `redo` with `resume-from`: a task whose checkpoint in the resumed run verifies
 * runs again, with everything downstream of it; its sibling and the earlier waves are reused. A `redo`
 * that cannot mean anything fails the `plan` job before any task runs.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git } from "../support/repo.js";
import { localRunTree, requireBundles, scratch, simulateIn, tempDir } from "./helpers.js";

beforeAll(requireBundles);

describe("redo", () => {
  it("runs the named task and its downstream again; a bad redo fails the plan job before any task", { timeout: 600_000 }, async () => {
    // every task execution appends its id here (outside every checkout, so with sandbox: off: the
    // sandbox's private /tmp would keep the tasks from writing it — what is tested here is which tasks re-run)
    const counter = join(tempDir(), "executions.log");
    writeFileSync(counter, "");
    const s = scratch({
      plan: "test/simulate/fixtures/three-waves.yml",
      editPlanBeforeCompile: (text) =>
        `${text.replace(/^( {8}run: \|?)(.*)$/gm, (_m, head: string, rest: string) =>
          head.endsWith("|")
            ? `${head}\n          echo "$WAVEPLAN_TASK" >> ${counter}${rest}`
            : `${head} echo "$WAVEPLAN_TASK" >> ${counter} && ${rest.trim()}`,
        )}sandbox: off\n`,
    });
    const executions = () => readFileSync(counter, "utf8").split("\n").filter(Boolean).sort();
    const failed = await simulateIn(s, { failTask: "I2-W2-1" });
    expect(failed.conclusion).toBe("failure");
    expect(executions()).toEqual(["I1-W1-1", "I2-W1-1", "I3-W2-1"]);
    writeFileSync(counter, "");

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
