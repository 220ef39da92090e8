/**
 * The real Claude Code CLI (the claude-code preset's tested version, from the npm registry) run by
 * `waveplan run` against the scripted model server: a plan with two parallel prompt tasks and a
 * downstream one lands a commit holding a file the agent wrote with its Write tool and files produced
 * by commands it ran with Bash; the server saw each instance's role in the preamble; a restricted
 * `tools` list produces denied calls in the record; `max-turns: 1` fails the task, saying why; a
 * missing CLI and missing credentials fail naming the cause.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { CheckpointRecord } from "../../src/checkpoint/record.js";
import { latestRun } from "../run/helpers.js";
import { simulateCli } from "../simulate/helpers.js";
import { AGENT_CACHE, agentBin } from "../support/agent-cli.js";
import {
  isAgentTurn,
  type ModelRequest,
  type ModelServer,
  type Reply,
  startAnthropicServer,
  taskOf,
  turn,
  userTexts,
} from "../support/model-server/anthropic.js";
import { cli, git, makeRepo, requireBundle, tempDir } from "../support/repo.js";

let server: ModelServer;
let claudeBin: string;

/** The agent's working directory, as Claude Code states it in its environment message (the Write tool wants absolute paths). */
function cwdOf(r: ModelRequest): string {
  const m = /[Ww]orking directory: ([^\s"\\]+)/.exec(JSON.stringify(r.body));
  if (!m) throw new Error("no working directory in the request");
  return m[1];
}

const SCRIPT: Record<string, ((r: ModelRequest) => Reply)[]> = {
  "write-doc": [
    (r) => ({
      content: [
        { type: "text", text: "Writing the guide." },
        {
          type: "tool_use",
          name: "Write",
          input: { file_path: join(cwdOf(r), "docs/guide.md"), content: "# Guide\nwritten by the Write tool\n" },
        },
      ],
    }),
  ],
  "run-script": [
    () => ({
      content: [
        {
          type: "tool_use",
          name: "Bash",
          input: {
            command: `node -e "require('fs').mkdirSync('out',{recursive:true});require('fs').writeFileSync('out/build.txt','built by node '+process.version+'\\n')"`,
            description: "build",
          },
        },
      ],
    }),
  ],
  combine: [
    () => ({
      content: [
        { type: "tool_use", name: "Bash", input: { command: "cat docs/guide.md out/build.txt > combined.txt", description: "combine" } },
      ],
    }),
  ],
};

function script(r: ModelRequest): Reply | undefined {
  if (!isAgentTurn(r)) return undefined;
  const steps = SCRIPT[taskOf(r) ?? ""];
  const step = steps?.[turn(r)];
  return step ? step(r) : { content: [{ type: "text", text: "Done." }], usage: { output_tokens: 7 } };
}

beforeAll(async () => {
  requireBundle();
  claudeBin = await agentBin("claude-code");
  server = await startAnthropicServer(script);
}, 600_000);
afterAll(() => server?.close());

function planFile(agent: Record<string, unknown>, only?: string[]): string {
  const tasks1 = [
    {
      id: "write-doc",
      instance: "docs",
      title: "Write the guide",
      prompt: "TASK:write-doc Write docs/guide.md.",
      files: ["docs/guide.md"],
    },
    {
      id: "run-script",
      instance: "build",
      title: "Build",
      prompt: "TASK:run-script Produce out/build.txt with node.",
      outputs: ["out/build.txt"],
    },
  ].filter((t) => !only || only.includes(t.id));
  const waves: unknown[] = [{ id: "W1", tasks: tasks1 }];
  if (!only) waves.push({ id: "W2", tasks: [{ id: "combine", instance: "lead", title: "Combine", prompt: "TASK:combine Combine them." }] });
  const file = join(tempDir(), "plan.yml");
  const plan = {
    version: 1,
    name: "claude code plan",
    instances: {
      docs: { role: "Documentation Writer", focus: "user guides" },
      build: { role: "Build Engineer", focus: "build scripts" },
      lead: { role: "Integration Lead" },
    },
    agent: { preset: "claude-code", ...agent },
    waves,
  };
  writeFileSync(file, stringify(plan));
  return file;
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: `${claudeBin}:${process.env.PATH}`,
    HOME: tempDir("waveplan-claude-home-"),
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: "sk-ant-test-key-0123456789",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    ...extra,
  };
}

function record(repo: string, task: string): CheckpointRecord {
  return JSON.parse(readFileSync(join(repo, ".waveplan/runs", latestRun(repo), "checkpoints", task, "record.json"), "utf8"));
}

describe("claude-code preset with the real CLI", () => {
  it("two parallel prompt tasks and a downstream one land the files the agent wrote (Write) and made (Bash)", async () => {
    const repo = makeRepo();
    const seen = server.requests.length;
    const r = await cli(repo, ["run", planFile({})], env());
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(git(repo, "show", "HEAD:docs/guide.md")).toBe("# Guide\nwritten by the Write tool");
    expect(git(repo, "show", "HEAD:out/build.txt")).toMatch(/^built by node v\d+/);
    expect(git(repo, "show", "HEAD:combined.txt")).toMatch(/^# Guide\nwritten by the Write tool\nbuilt by node v/);

    // the preamble told each agent its role and focus, what its upstream changed, and not to commit
    const requests = server.requests.slice(seen).filter(isAgentTurn);
    const first = (task: string) => userTexts(requests.find((q) => taskOf(q) === task) as ModelRequest).join("\n");
    expect(first("write-doc")).toContain("You are Documentation Writer");
    expect(first("write-doc")).toContain("Your focus: user guides.");
    expect(first("write-doc")).toContain("expected to change: docs/guide.md");
    expect(first("run-script")).toContain("You are Build Engineer");
    expect(first("run-script")).toContain("must produce: out/build.txt");
    expect(first("combine")).toContain("You are Integration Lead");
    expect(first("combine")).toMatch(/- write-doc: docs\/guide\.md/);
    expect(first("combine")).toMatch(/- run-script: out\/build\.txt/);
    expect(first("combine")).toContain("do not commit");

    // the record carries the CLI's own figures: 2 requests of 100 input / 20 or 7 output tokens each
    const doc = record(repo, "write-doc");
    expect(doc.status).toBe("success");
    expect(doc.agent).toMatchObject({ preset: "claude-code", turns: 2, denied: [] });
    expect(doc.agent?.tokens.input).toBe(200);
    expect(doc.agent?.costUsd).toBeGreaterThan(0);
    expect(record(repo, "combine").agent?.preset).toBe("claude-code");
  });

  it("a tools list without Bash: the command is denied and reported in the record, the missing output fails the task", async () => {
    const repo = makeRepo();
    const r = await cli(repo, ["run", planFile({ tools: ["Read", "Write", "Edit"] }, ["write-doc", "run-script"])], env());
    expect(r.code).toBe(1);
    const build = record(repo, "run-script");
    expect(build.agent?.denied).toEqual([{ tool: "Bash", input: expect.stringContaining("node -e") }]);
    expect(build.error).toContain("out/build.txt");
    // Write was on the list: that task still succeeded
    expect(record(repo, "write-doc")).toMatchObject({ status: "success", agent: { denied: [] } });
  });

  it("max-turns: 1 fails a task that needs more, saying so", async () => {
    const repo = makeRepo();
    const r = await cli(repo, ["run", planFile({ "max-turns": 1 }, ["write-doc"])], env());
    expect(r.code).toBe(1);
    const rec = record(repo, "write-doc");
    expect(rec.status).toBe("failure");
    expect(rec.error).toBe("claude gave up: max turns (1) reached");
    expect(rec.agent?.gaveUp).toBe("max turns (1) reached");
    expect(`${r.stdout}${r.stderr}`).toContain("max turns (1) reached");
  });

  it("fails naming the cause: no `claude` on PATH, or no credentials", async () => {
    const repo = makeRepo();
    const noCli = await cli(repo, ["run", planFile({}, ["write-doc"])], env({ PATH: process.env.PATH ?? "" }));
    expect(noCli.code).toBe(1);
    expect(record(repo, "write-doc").error).toMatch(/^`claude`: command not found .*npm install -g @anthropic-ai\/claude-code@2\.1\.332/);

    const noKey = await cli(repo, ["run", planFile({}, ["write-doc"])], env({ ANTHROPIC_API_KEY: "" }));
    expect(noKey.code).toBe(1);
    expect(record(repo, "write-doc").error).toMatch(
      /claude-code is not authenticated: set one of ANTHROPIC_API_KEY, CLAUDE_CODE_OAUTH_TOKEN/,
    );
  });
});

describe("claude-code preset, compiled and run under simulate", () => {
  const CACHE = join(AGENT_CACHE, "simulate-cache");

  /** A repository holding the plan and its compiled workflow (with the vendored action), and its bare clone. */
  async function compiled(agent: Record<string, unknown>): Promise<{ work: string; bare: string }> {
    const work = makeRepo();
    const plan = planFile(agent);
    const text = readFileSync(plan, "utf8").replace("waves:", "env:\n  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1'\nwaves:");
    writeFileSync(join(work, "plan.yml"), text);
    const c = await cli(work, ["compile", "plan.yml", "-o", ".github/workflows/plan.yml"]);
    expect(c.code, c.stderr).toBe(0);
    git(work, "add", "-A");
    git(work, "commit", "-qm", "plan");
    const bare = join(tempDir(), "origin.git");
    git(work, "clone", "-q", "--bare", work, bare);
    return { work, bare };
  }

  it("installs the pinned CLI through the preset's setup (cached between jobs and runs) and lands the same files", async () => {
    const { work, bare } = await compiled({ vars: ["ANTHROPIC_BASE_URL"] });
    const workflow = readFileSync(join(work, ".github/workflows/plan.yml"), "utf8");
    expect(workflow).toContain("uses: actions/cache@27d5ce7f107fe9357f9df03efb73ab90386fccae");
    expect(workflow).toContain("path: ~/.cache/waveplan/agents/claude-code-2.1.332");
    expect(workflow).toMatch(/ANTHROPIC_API_KEY: \$\{\{ secrets\.ANTHROPIC_API_KEY \}\}/);
    expect(workflow).toMatch(/ANTHROPIC_BASE_URL: \$\{\{ vars\.ANTHROPIC_BASE_URL \}\}/);

    const out = join(tempDir(), "sim-out");
    const r = await simulateCli(work, [
      ".github/workflows/plan.yml",
      "--repo",
      bare,
      "--out",
      out,
      "--secret",
      "ANTHROPIC_API_KEY=sk-ant-test-key-0123456789",
      "--var",
      `ANTHROPIC_BASE_URL=${server.url}`,
      "--cache-dir",
      CACHE,
    ]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(git(bare, "show", "main:docs/guide.md")).toBe("# Guide\nwritten by the Write tool");
    expect(git(bare, "show", "main:out/build.txt")).toMatch(/^built by node v\d+/);
    expect(git(bare, "show", "main:combined.txt")).toMatch(/^# Guide\nwritten by the Write tool\nbuilt by node v/);
    // the downstream job (one task: a plain job named after its wave) found the CLI in the cache the first
    // wave's jobs saved (or an earlier run did); the first wave's jobs installed it or restored it too
    const log = (job: string) => readFileSync(join(out, "attempt-1", job, "log.txt"), "utf8");
    const key = "waveplan-agent-claude-code-2.1.332-Linux-X64";
    expect(log("W2")).toContain(`Cache restored from key: ${key}`);
    expect(log("W2")).toContain("restored from the cache");
    const w1 = readdirSync(join(out, "attempt-1")).filter((j) => j.startsWith("W1"));
    expect(w1).toHaveLength(2);
    for (const job of w1) expect(log(job)).toMatch(/installed into .*claude-code-2\.1\.332|restored from the cache/);
  }, 900_000);

  it("a `command:` agent the workflow does not install is missing on the runner, even when it is on the user's PATH", async () => {
    const { work, bare } = await compiled({});
    const text = readFileSync(join(work, "plan.yml"), "utf8").replace(
      "preset: claude-code",
      "command: claude -p --dangerously-skip-permissions",
    );
    writeFileSync(join(work, "plan.yml"), text);
    const c = await cli(work, ["compile", "plan.yml", "-o", ".github/workflows/plan.yml"]);
    expect(c.stderr).toContain("[agent-setup]");
    git(work, "commit", "-qam", "command agent");
    git(work, "push", "-q", bare, "main");
    const r = await simulateCli(work, [".github/workflows/plan.yml", "--repo", bare, "--out", join(tempDir(), "o")], {
      PATH: `${claudeBin}:${process.env.PATH}`,
    });
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/claude: command not found/);
  }, 300_000);
});
