/**
 * Agent cost and the run budget on GitHub, under `simulate`, with the real Claude Code against the
 * scripted model server: the wave-2 task job refuses to start its agent once its upstream records
 * reached `agent.budget.run-usd`; raised in the plan and dispatched with `resume-from`, the run lands
 * without calling the model again for the finished tasks, and final-commit reads the figures from the
 * verified records.
 *
 * The simulator's jobs inherit its environment (src/simulate/run-context.ts hostEnvironment): the
 * server's address reaches the task through ANTHROPIC_BASE_URL set on this process. Their PATH is a
 * runner's, not this process's (src/simulate/runner/runner-path.ts): the CLI goes on it with `runnerPath`.
 * HOME is left alone: each job has a home of its own and each task a private one in its sandbox, and a
 * HOME under /tmp would put the simulator's runner-PATH folder ($HOME/.cache/waveplan) where the
 * task's sandbox (a private /tmp) cannot see it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileWorkflow } from "../../src/compile/workflow.js";
import { loadPlanFile } from "../../src/plan/load.js";
import { agentBin } from "../support/agent-cli.js";
import {
  isAgentTurn,
  type ModelRequest,
  type ModelServer,
  type Reply,
  requestsByTask,
  startAnthropicServer,
  taskOf,
  turn,
} from "../support/model-server/anthropic.js";
import { git, requireBundles, type Scratch, scratch, simulateIn } from "./helpers.js";

let server: ModelServer;
/** the folder holding the pinned `claude` (outside /tmp: the task's sandbox has a /tmp of its own) */
let bin: string;
const saved: Record<string, string | undefined> = {};

function script(r: ModelRequest): Reply | undefined {
  if (!isAgentTurn(r)) return undefined;
  const task = taskOf(r) ?? "";
  if (turn(r) === 0)
    return { content: [{ type: "tool_use", name: "Bash", input: { command: `echo ${task} > ${task}.txt`, description: "write" } }] };
  return { content: [{ type: "text", text: "Done." }] };
}

beforeAll(async () => {
  requireBundles();
  bin = await agentBin("claude-code");
  server = await startAnthropicServer(script);
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    ANTHROPIC_BASE_URL: server.url,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
}, 600_000);
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await server?.close();
});

const secrets = { ANTHROPIC_API_KEY: "sk-ant-test-key-0123456789" };
const log = (
  run: { outDir: string; state: { jobs: Record<string, { instances: { log?: string; matrix?: Record<string, unknown> }[] }> } },
  job: string,
  task?: string,
) => {
  const instance = run.state.jobs[job].instances.find((i) => !task || i.matrix?.task === task);
  return readFileSync(join(run.outDir, instance?.log as string), "utf8");
};

describe("agent cost under simulate", () => {
  it("a task job does not start its agent once the upstream records spent the run budget; raised, the run resumes without paying twice", {
    timeout: 900_000,
  }, async () => {
    const stopped: Scratch = scratch({ plan: "test/simulate/fixtures/agent-cost.yml" });
    let from = server.requests.length;
    const first = await simulateIn(stopped, { secrets, runnerPath: [bin] });
    expect(first.conclusion, first.output).toBe("failure");
    expect(requestsByTask(server, from), first.output).toEqual({ a: 2, b: 2 });
    expect(first.output).toMatch(
      /run budget spent: \$\S+ of agent\.budget\.run-usd \$0\.000001 \((a|b) \$\S+, (a|b) \$\S+\); task "c" was not started/,
    );

    // raised in the plan, compiled and committed: the task hashes did not change, so a and b are reused
    const work = stopped.work;
    const plan = join(work, stopped.plan);
    writeFileSync(plan, readFileSync(plan, "utf8").replace("run-usd: 0.000001", "run-usd: 100"));
    writeFileSync(
      stopped.workflow,
      compileWorkflow(loadPlanFile(plan).plan, { planPath: stopped.plan, workflowPath: ".github/workflows/plan.yml" }),
    );
    git(work, "commit", "-qam", "raise the run budget");
    git(work, "push", "-q", stopped.bare, "HEAD:main");

    from = server.requests.length;
    const resumed = await simulateIn(stopped, { secrets, runnerPath: [bin], inputs: { "resume-from": first.state.runId } });
    expect(resumed.conclusion, resumed.output).toBe("success");
    expect(requestsByTask(server, from)).toEqual({ c: 2 });
    expect(log(resumed, "W1", "a")).toContain(`a: reused from run ${first.state.runId}`);
    // final-commit verified three records carrying the CLI's figures: 2 turns each
    expect(log(resumed, "final-commit")).toMatch(/agents: \$\S+ for 3 tasks, 6 turns, tokens 600 in, 120 out/);
    expect(git(stopped.bare, "show", "main:c.txt")).toBe("c");
  });
});
