/**
 * `waveplan run --resume --redo TASK`: a task whose checkpoint verifies runs again with everything
 * downstream; its parallel siblings are reused. Real runs of `run:` tasks in temporary repositories,
 * through the bundled CLI. The tasks read their "answer" from a folder outside the repository, the
 * way an agent may answer differently the second time.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeRepo, requireBundle, sleep, startCli, tempDir } from "../support/repo.js";
import { events, expectNoStackTrace, expectOk, latestRun, run, show, startedInLastAttempt, type WaveSpec, writePlan } from "./helpers.js";

beforeAll(requireBundle);

// The tasks read files the test writes beside the repository; a sandboxed task has a /tmp of its own,
// so the test's folders live outside /tmp, as a user's do (test/run/sandbox.test.ts).
process.env.TMPDIR = mkdtempSync("/var/tmp/waveplan-redo-test-");
afterAll(() => rmSync(process.env.TMPDIR as string, { recursive: true, force: true }));

/** W1 a ∥ b → W2 chain c1 → c2 → W3 d; d fails until "$ANSWERS/go" exists, so the run can be resumed. */
function setup(c2 = "cat c.txt > c2.txt") {
  const repo = makeRepo();
  const answers = join(tempDir(), "answers");
  mkdirSync(answers);
  writeFileSync(join(answers, "a"), "one\n");
  const env = { ANSWERS: answers };
  const waves: WaveSpec[] = [
    {
      id: "W1",
      tasks: [
        { id: "a", run: 'cat "$ANSWERS/a" > a.txt', env },
        { id: "b", run: "echo b > b.txt" },
      ],
    },
    {
      id: "W2",
      mode: "sequential",
      tasks: [
        { id: "c1", run: "cat a.txt b.txt > c.txt" },
        { id: "c2", run: c2, env },
      ],
    },
    { id: "W3", tasks: [{ id: "d", run: 'test -e "$ANSWERS/go"\ncat c2.txt > d.txt', env }] },
  ];
  return { repo, answers, plan: writePlan(repo, waves) };
}

const skippedInLastAttempt = (repo: string) => {
  const all = events(repo);
  return all
    .slice(all.map((e) => e.type).lastIndexOf("run-start"))
    .filter((e) => e.type === "task-skip")
    .map((e) => e.task);
};

describe("run --resume --redo", () => {
  it("runs the named task and its downstream again although their checkpoints verify; the sibling is reused", async () => {
    const { repo, answers, plan } = setup();
    const first = await run(repo, plan);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain('task "d"');
    const runId = latestRun(repo);

    // the cause of the failure fixed, and a different "answer" for a: a plain resume keeps the old one
    writeFileSync(join(answers, "go"), "");
    writeFileSync(join(answers, "a"), "two\n");
    const redone = await run(repo, plan, "--resume", "--redo", "a");
    expectOk(redone);
    expect(latestRun(repo)).toBe(runId);
    expect(startedInLastAttempt(repo)).toEqual(["a", "c1", "c2", "d"]);
    expect(skippedInLastAttempt(repo)).toEqual(["b"]);
    expect(show(repo, "HEAD", "d.txt")).toBe("two\nb");
    const info = JSON.parse(readFileSync(join(repo, ".waveplan/runs", runId, "run.json"), "utf8"));
    expect(info.redo).toBeUndefined();
  });

  it("a redo in the middle of a chain re-runs the rest of the chain and later waves only", async () => {
    const { repo, answers, plan } = setup();
    expect((await run(repo, plan)).code).toBe(1);
    writeFileSync(join(answers, "go"), "");
    expectOk(await run(repo, plan, "--resume", "--redo", "c2"));
    expect(startedInLastAttempt(repo)).toEqual(["c2", "d"]);
    expect(skippedInLastAttempt(repo)).toEqual(["a", "b", "c1"]);
  });

  it("an attempt stopped before the redone task finished leaves the redo pending for the next --resume", async () => {
    // with "$ANSWERS/hold", c2 waits until the test releases it
    const { repo, answers, plan } = setup(
      'test ! -e "$ANSWERS/hold" || while [ ! -e "$ANSWERS/release" ]; do sleep 0.05; done\ncat c.txt > c2.txt',
    );
    expect((await run(repo, plan)).code).toBe(1);
    const runId = latestRun(repo);
    writeFileSync(join(answers, "hold"), "");
    const child = startCli(repo, ["run", plan, "--resume", "--redo", "c2"]);
    const until = Date.now() + 120_000; // a safety net for a broken build only
    while (startedInLastAttempt(repo).at(-1) !== "c2" || !events(repo).some((e) => e.type === "run-start" && e.resumed)) {
      if (child.exitCode !== null || Date.now() > until) throw new Error(`c2 never started (runner exit ${child.exitCode})`);
      await sleep(20);
    }
    child.kill("SIGINT");
    const stopped = await child.result;
    expect(stopped.code, stopped.stderr).not.toBe(0);
    const info = JSON.parse(readFileSync(join(repo, ".waveplan/runs", runId, "run.json"), "utf8"));
    expect(info).toMatchObject({ status: "interrupted", redo: ["c2"] });

    // without --redo this time: the old checkpoint of c2 still verifies, but the redo was asked for
    writeFileSync(join(answers, "release"), "");
    writeFileSync(join(answers, "go"), "");
    expectOk(await run(repo, plan, "--resume"));
    expect(startedInLastAttempt(repo)).toEqual(["c2", "d"]);
    expect(JSON.parse(readFileSync(join(repo, ".waveplan/runs", runId, "run.json"), "utf8")).redo).toBeUndefined();
  });

  it("rejects an unknown task with a suggestion, and --redo without --resume, as usage errors", async () => {
    const { repo, plan } = setup();
    const unknown = await run(repo, plan, "--resume", "--redo", "c3");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: no task "c3" in plan "test plan" to redo; did you mean "c1"?\n');
    const noResume = await run(repo, plan, "--redo", "a");
    expect(noResume.code).toBe(2);
    expect(noResume.stderr).toContain("--redo needs --resume");
    const outside = await run(repo, plan, "--resume", "--only", "a", "--redo", "d");
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain("--redo d: not among the tasks this run selects");
    for (const r of [unknown, noResume, outside]) expectNoStackTrace(r);
    expect(existsSync(join(repo, ".waveplan/runs")) ? latestRun(repo) : undefined).toBeUndefined();
  });
});
