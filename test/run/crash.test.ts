/**
 * Crash safety: a runner killed with SIGKILL at any moment resumes to the same final tree as an
 * uninterrupted run, and leaves no lock, worktree or object of its own behind once it finished, its
 * slots kept for the next run (issue 3, issue 7 item 3).
 * Waits on events only, never on a fixed window, so it holds with both cores busy (issue 15 point 7).
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliResult, git, makeRepo, requireBundle, sleep, startCli, tempDir } from "../support/repo.js";
import { events, expectNoLeftovers, expectOk, latestRun, run, runIds, startedInLastAttempt, type WaveSpec, writePlan } from "./helpers.js";

beforeAll(requireBundle);

const FILES = { "README.md": "crash test\n", "data/seed.txt": "seed\n" };
/** 4 waves, 8 tasks of ~50 ms, a chain in the middle; every file depends on earlier tasks' files. */
const WAVES: WaveSpec[] = [
  {
    id: "W1",
    tasks: [
      { id: "a1", instance: "I1", run: "sleep 0.05\necho a1 > a1.txt" },
      { id: "a2", instance: "I2", run: "sleep 0.05\ncat data/seed.txt > a2.txt" },
      { id: "a3", instance: "I3", run: "sleep 0.05\nmkdir -p d\necho a3 > d/a3.txt" },
    ],
  },
  {
    id: "W2",
    mode: "sequential",
    tasks: [
      { id: "b1", instance: "I1", run: "sleep 0.05\ncat a1.txt a2.txt > b.txt" },
      { id: "b2", instance: "I2", run: "sleep 0.05\ncat b.txt d/a3.txt > b2.txt\nrm data/seed.txt" },
    ],
  },
  {
    id: "W3",
    tasks: [
      { id: "c1", instance: "I1", run: "sleep 0.05\nrm a1.txt\ncat b2.txt > c1.txt" },
      { id: "c2", instance: "I3", run: "sleep 0.05\nsort -r b2.txt > c2.txt" },
    ],
  },
  { id: "W4", tasks: [{ id: "d1", instance: "I4", run: "sleep 0.05\ncat c1.txt c2.txt > final.txt" }] },
];
const EXPECTED_FILES = ["README.md", "a2.txt", "b.txt", "b2.txt", "c1.txt", "c2.txt", "d/a3.txt", "final.txt"];

let template: string | undefined;
/** An identical repository each time (same base commit): a copy of one made with git. */
function freshRepo(): { repo: string; plan: string; base: string } {
  template ??= makeRepo(FILES);
  const repo = join(tempDir(), "repo");
  cpSync(template, repo, { recursive: true });
  return { repo, plan: writePlan(repo, WAVES, "crash plan"), base: git(template, "rev-parse", "HEAD") };
}

let reference: { tree: string; wallMs: number };

beforeAll(async () => {
  const { repo, plan, base } = freshRepo();
  const started = Date.now();
  expectOk(await run(repo, plan));
  const wallMs = Date.now() - started;
  expect(git(repo, "rev-parse", "HEAD^")).toBe(base);
  expect(git(repo, "ls-tree", "-r", "--name-only", "HEAD").split("\n").sort()).toEqual(EXPECTED_FILES);
  reference = { tree: git(repo, "rev-parse", "HEAD^{tree}"), wallMs };
});

/** After a kill: resume the run the way a user would, ending with the plan's result on main. */
async function recover(repo: string, plan: string): Promise<{ how: string; result: CliResult }> {
  const resumed = await run(repo, plan, "--resume");
  if (resumed.code === 1 && resumed.stderr.includes("no earlier run of plan")) return { how: "fresh", result: await run(repo, plan) };
  if (resumed.code === 1 && resumed.stderr.includes("already landed"))
    return { how: "landed", result: { ...resumed, code: 0, stderr: "" } };
  return { how: "resume", result: resumed };
}

function expectFinished(repo: string, base: string, context: string): void {
  expect(git(repo, "rev-parse", "HEAD^{tree}"), context).toBe(reference.tree);
  expect(git(repo, "rev-parse", "HEAD^"), context).toBe(base);
  expect(git(repo, "symbolic-ref", "--short", "HEAD"), context).toBe("main");
  expect(git(repo, "status", "--porcelain"), context).toBe("");
  expectNoLeftovers(repo, context, { killed: true });
}

describe("SIGKILL of the runner", () => {
  it("killed mid-wave, resumed: reuses finished tasks and ends with the uninterrupted run's tree", { timeout: 180_000 }, async () => {
    const { repo, plan, base } = freshRepo();
    const child = startCli(repo, ["run", plan]);
    const eventsFile = () => {
      const runs = join(repo, ".waveplan/runs");
      const id = existsSync(runs) ? runIds(repo).pop() : undefined;
      return id && existsSync(join(runs, id, "events.jsonl")) ? join(runs, id, "events.jsonl") : "";
    };
    // wait until wave W3 is under way (an event, however long a busy machine takes), then kill
    const until = Date.now() + 120_000; // a safety net for a broken build only
    for (;;) {
      const file = eventsFile();
      if (file && readFileSync(file, "utf8").includes('"type":"task-start","task":"c')) break;
      if (child.exitCode !== null || Date.now() > until) throw new Error(`wave W3 never started (runner exit ${child.exitCode})`);
      await sleep(10);
    }
    child.kill("SIGKILL");
    const killed = await child.result;
    expect(killed.signal).toBe("SIGKILL");
    const runId = latestRun(repo);
    expect(JSON.parse(readFileSync(join(repo, ".waveplan/runs", runId, "run.json"), "utf8")).status).toBe("running");
    expect(git(repo, "rev-parse", "HEAD")).toBe(base);

    const resumed = await run(repo, plan, "--resume");
    expectOk(resumed);
    expect(latestRun(repo)).toBe(runId);
    const started = startedInLastAttempt(repo);
    expect(started).not.toContain("a1");
    expect(started).not.toContain("b2");
    expect(started).toContain("d1");
    const skipped = events(repo)
      .slice(events(repo).findLastIndex((e) => e.type === "run-start"))
      .filter((e) => e.type === "task-skip")
      .map((e) => e.task);
    expect(skipped).toEqual(expect.arrayContaining(["a1", "a2", "a3", "b1", "b2"]));
    expectFinished(repo, base, "mid-wave kill");
  });

  it("survives 20 kills at random moments: every resume ends with the same tree, no lock, its slots kept", async () => {
    const seed = Number(process.env.WAVEPLAN_CRASH_SEED ?? Date.now() % 100_000);
    let state = seed;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const rounds: string[] = [];
    let killedRounds = 0;
    const started = Date.now();
    // 20 rounds that really interrupted the run (a round whose run finished before the kill does not count)
    for (let round = 0; killedRounds < 20 && round < 30; round++) {
      const { repo, plan, base } = freshRepo();
      const delay = Math.round(random() * reference.wallMs * 0.9);
      // even rounds kill the runner alone; odd rounds its whole process group (git children included)
      const group = round % 2 === 1;
      const child = startCli(repo, ["run", plan]);
      await sleep(delay);
      if (child.exitCode === null && child.pid) process.kill(group ? -child.pid : child.pid, "SIGKILL");
      const killed = await child.result;
      const { how, result } = await recover(repo, plan);
      const context = `seed ${seed} round ${round}: ${group ? "group" : "runner"} killed after ${delay} ms (${killed.signal ?? `exit ${killed.code}`}), then ${how}\n${result.stdout}\n${result.stderr}`;
      expect(result.code, context).toBe(0);
      expectFinished(repo, base, context);
      if (killed.signal === "SIGKILL") killedRounds++;
      rounds.push(`${delay}ms:${killed.signal ? "killed" : "finished"}:${how}`);
    }
    expect(killedRounds, rounds.join(", ")).toBe(20);
    console.log(`crash loop (seed ${seed}): ${killedRounds} kills survived in ${Date.now() - started} ms: ${rounds.join(", ")}`);
  }, 900_000); // a safety net: on a loaded 2-core machine 20 kill-and-resume rounds take minutes
});
