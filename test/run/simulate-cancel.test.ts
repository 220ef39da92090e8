/**
 * `simulate` (issue 13, "no task outlives its turn"): a cancelled job's task must not keep running.
 * The action runs its task in a process group of its own, and the task may `setsid` on top: neither
 * is in the step's process group. The compiled workflow runs through the simulator with the bundled
 * action; the run is cancelled (as Ctrl-C does) once the task has started, and every process the task
 * started is gone when the simulator returns. Waits on a file the task writes, never on a time window.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileWorkflow } from "../../src/compile/workflow.js";
import { loadPlanFile } from "../../src/plan/load.js";
import { simulate } from "../../src/simulate/simulate.js";
import { vendorAction } from "../simulate/helpers.js";
import { git, makeRepo, requireBundle, tempDir } from "../support/repo.js";

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("simulate: a cancelled job", () => {
  it("leaves no process of its task running (the action's task group and a setsid escapee included)", { timeout: 180_000 }, async () => {
    requireBundle();
    const out = tempDir();
    const pidFile = join(out, "pids");
    const repo = makeRepo({ "README.md": "simulate cancel\n" });
    writeFileSync(
      join(repo, "plan.yml"),
      // sandbox: off: the task reports its pids through a file under the host's /tmp (which the
      // sandbox hides); this tests the process scan that contains tasks without a sandbox
      `version: 1
name: cancel
sandbox: off
instances: { I1: { role: Worker } }
waves:
  - id: W1
    tasks:
      - id: long
        instance: I1
        run: |
          setsid bash -c 'trap "" TERM; echo $$ >> ${pidFile}; sleep 1000' > /dev/null 2>&1 < /dev/null &
          echo $$ >> ${pidFile}
          sleep 1000
`,
    );
    const workflow = ".github/workflows/plan.yml";
    mkdirSync(join(repo, ".github/workflows"), { recursive: true });
    writeFileSync(
      join(repo, workflow),
      compileWorkflow(loadPlanFile(join(repo, "plan.yml")).plan, { planPath: "plan.yml", workflowPath: workflow }),
    );
    // the jobs use the vendored action, as `compile -o` writes it
    vendorAction(repo);
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "plan");
    const bare = join(tempDir(), "origin.git");
    execFileSync("git", ["clone", "-q", "--bare", repo, bare]);

    const cancel = new AbortController();
    const watch = setInterval(() => {
      if (existsSync(pidFile) && readFileSync(pidFile, "utf8").trim().split(/\s+/).length === 2) cancel.abort();
    }, 10);
    try {
      const result = await simulate({
        workflowFile: join(repo, workflow),
        repo: bare,
        out: join(tempDir(), "out"),
        concurrency: 2,
        inputs: {},
        secrets: {},
        cwd: repo,
        write: () => {},
        cancelled: cancel.signal,
      });
      expect(cancel.signal.aborted).toBe(true);
      expect(result.conclusion).not.toBe("success");
    } finally {
      clearInterval(watch);
    }
    const pids = readFileSync(pidFile, "utf8").trim().split(/\s+/).map(Number);
    expect(pids).toHaveLength(2);
    expect(pids.filter(alive)).toEqual([]);
  });
});
