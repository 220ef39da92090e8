/**
 * What the agents cost, with the real Claude Code CLI (the claude-code preset's tested version) against
 * the scripted model server: `status --json` shows the figures the CLI printed, the run total is their
 * sum, a run budget stops the run after the wave that spent it, raising it and resuming does not call
 * the model again for finished tasks, and `--redo` of one of two parallel tasks calls it for that one only.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { CheckpointRecord } from "../../src/checkpoint/record.js";
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
import { cli, git, makeRepo, requireBundle, tempDir } from "../support/repo.js";
import { expectOk, latestRun, startedInLastAttempt } from "./helpers.js";

let server: ModelServer;
let claudeBin: string;

/** Input tokens each request of a task reports: different per task, so sums show which were added. */
const INPUT_TOKENS: Record<string, number> = { a: 1000, b: 3000, c: 500 };

/** Each task: one Bash call writing <task>.txt, then "Done." — two requests, two turns. */
function script(r: ModelRequest): Reply | undefined {
  if (!isAgentTurn(r)) return undefined;
  const task = taskOf(r) ?? "";
  const usage = { input_tokens: INPUT_TOKENS[task] ?? 100, output_tokens: 40, cache_read_input_tokens: 10, cache_creation_input_tokens: 5 };
  if (turn(r) === 0)
    return { content: [{ type: "tool_use", name: "Bash", input: { command: `echo ${task} > ${task}.txt`, description: "write" } }], usage };
  return { content: [{ type: "text", text: "Done." }], usage };
}

beforeAll(async () => {
  requireBundle();
  claudeBin = await agentBin("claude-code");
  server = await startAnthropicServer(script);
}, 600_000);
afterAll(() => server?.close());

/** W1: a ∥ b, W2: c — all prompt tasks of the claude-code preset. */
function planFile(agent: Record<string, unknown> = {}): string {
  const file = join(tempDir(), "plan.yml");
  const task = (id: string) => ({ id, instance: "I1", title: `task ${id}`, prompt: `TASK:${id} Write ${id}.txt.` });
  const plan = {
    version: 1,
    name: "agent cost",
    instances: { I1: { role: "Engineer" } },
    agent: { preset: "claude-code", ...agent },
    waves: [
      { id: "W1", tasks: [task("a"), task("b")] },
      { id: "W2", tasks: [task("c")] },
    ],
  };
  writeFileSync(file, stringify(plan));
  return file;
}

/** One home for every run of the file, as a user has: the run ledger's key (~/.local/state) must be found again on --resume. */
let home: string | undefined;

function env(): Record<string, string> {
  home ??= tempDir("waveplan-claude-home-");
  return {
    PATH: `${claudeBin}:${process.env.PATH}`,
    HOME: home,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: "sk-ant-test-key-0123456789",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
}

/** The `result` line Claude Code printed (stream-json), from the task's log. */
function printedResult(repo: string, task: string): Record<string, unknown> {
  const log = readFileSync(join(repo, ".waveplan/runs", latestRun(repo), "logs", `${task}.log`), "utf8");
  const lines = log
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return {};
      }
    });
  const result = lines.findLast((l) => l.type === "result");
  if (!result) throw new Error(`no result line in the log of ${task}:\n${log.slice(-2000)}`);
  return result;
}

function record(repo: string, task: string): CheckpointRecord {
  return JSON.parse(readFileSync(join(repo, ".waveplan/runs", latestRun(repo), "checkpoints", task, "record.json"), "utf8"));
}

async function statusJson(repo: string) {
  const r = await cli(repo, ["status", "--json"], env());
  expectOk(r);
  return JSON.parse(r.stdout);
}

describe("agent cost with the real Claude Code", () => {
  it("status --json shows the figures the CLI printed, per task and summed for the run", { timeout: 600_000 }, async () => {
    const repo = makeRepo();
    const from = server.requests.length;
    expectOk(await cli(repo, ["run", planFile()], env()));
    expect(requestsByTask(server, from)).toEqual({ a: 2, b: 2, c: 2 });
    const status = await statusJson(repo);
    let cost = 0;
    for (const id of ["a", "b", "c"]) {
      const printed = printedResult(repo, id);
      const usage = printed.usage as Record<string, number>;
      const agent = status.tasks.find((t: { task: string }) => t.task === id).agent;
      expect(agent, id).toEqual({
        preset: "claude-code",
        model: expect.any(String),
        costUsd: printed.total_cost_usd,
        turns: printed.num_turns,
        tokens: {
          input: usage.input_tokens,
          output: usage.output_tokens,
          cacheRead: usage.cache_read_input_tokens,
          cacheWrite: usage.cache_creation_input_tokens,
        },
        denied: [],
      });
      // what the server reported, per request, times the requests of the task
      expect(agent.tokens.input, id).toBe(INPUT_TOKENS[id] * 2);
      expect(agent.turns, id).toBe(2);
      expect(agent.costUsd, id).toBeGreaterThan(0);
      cost += agent.costUsd;
    }
    expect(status.run.agent).toEqual({
      costUsd: expect.closeTo(cost, 9),
      turns: 6,
      tokens: { input: 9000, output: 240, cacheRead: 60, cacheWrite: 30 },
      tasks: 3,
    });
  });

  it("a run budget smaller than the first wave's cost stops after it; a higher budget resumes without calling the model for finished tasks", {
    timeout: 600_000,
  }, async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const plan = planFile({ budget: { "run-usd": 0.000001 } });
    let from = server.requests.length;
    const stopped = await cli(repo, ["run", plan], env());
    expect(stopped.code, stopped.stderr).toBe(1);
    expect(requestsByTask(server, from)).toEqual({ a: 2, b: 2 });
    const spent = (record(repo, "a").agent?.costUsd ?? 0) + (record(repo, "b").agent?.costUsd ?? 0);
    expect(stopped.stderr).toMatch(
      /run budget spent: \$\S+ of agent\.budget\.run-usd \$0\.000001 \(b \$\S+, a \$\S+\); task "c" was not started/,
    );
    expect(git(repo, "rev-parse", "HEAD"), "nothing landed").toBe(base);
    const status = await statusJson(repo);
    expect(status.run.status).toBe("failed");
    expect(status.run.agent.costUsd).toBeCloseTo(spent, 9);

    // raised in the plan: the budget is not part of any task's hash, so a and b are reused
    writeFileSync(plan, readFileSync(plan, "utf8").replace("run-usd: 0.000001", "run-usd: 100"));
    from = server.requests.length;
    expectOk(await cli(repo, ["run", plan, "--resume"], env()));
    expect(requestsByTask(server, from)).toEqual({ c: 2 });
    expect(startedInLastAttempt(repo)).toEqual(["c"]);
    expect(git(repo, "show", "HEAD:a.txt")).toBe("a");
  });

  it("agent.budget.task-usd is Claude Code's own --max-budget-usd: the CLI stops, the task fails saying so", {
    timeout: 600_000,
  }, async () => {
    const repo = makeRepo();
    const from = server.requests.length;
    const r = await cli(repo, ["run", planFile({ budget: { "task-usd": 0.000001 } })], env());
    expect(r.code).toBe(1);
    for (const id of ["a", "b"]) {
      const rec = record(repo, id);
      expect(rec.status, id).toBe("failure");
      expect(rec.agent?.gaveUp, id).toMatch(/^budget reached/);
      expect(rec.error, id).toMatch(/budget reached/);
      // what the CLI printed: its own budget stop
      expect(printedResult(repo, id).subtype, id).toBe("error_max_budget_usd");
    }
    expect(requestsByTask(server, from).c, "no downstream task ran").toBeUndefined();
  });

  it("--redo of one of two parallel agent tasks calls the model again for it only (and its downstream)", { timeout: 600_000 }, async () => {
    const repo = makeRepo();
    const plan = planFile();
    let from = server.requests.length;
    const stopped = await cli(repo, ["run", plan, "--run-budget-usd", "0.000001"], env());
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain("of --run-budget-usd");
    expect(requestsByTask(server, from)).toEqual({ a: 2, b: 2 });
    const before = record(repo, "a");

    from = server.requests.length;
    expectOk(await cli(repo, ["run", plan, "--resume", "--redo", "a"], env()));
    expect(requestsByTask(server, from)).toEqual({ a: 2, c: 2 });
    expect(startedInLastAttempt(repo)).toEqual(["a", "c"]);
    expect(record(repo, "a").startedAt).not.toBe(before.startedAt);
    // the run's total counts a once: its new checkpoint replaced the old one
    const status = await statusJson(repo);
    expect(status.run.agent.turns).toBe(6);
  });
});
