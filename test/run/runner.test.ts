/**
 * `waveplan run` against real git repositories, through the bundled CLI: changes flowing between
 * waves and along chains, conflicts, failures that leave the repository untouched, timeouts,
 * retries, resume, selection flags, landing on a branch, refusals and `status`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, git, makeRepo, requireBundle, sleep, startCli, tempDir } from "../support/repo.js";
import {
  events,
  expectNoLeftovers,
  expectNoStackTrace,
  expectOk,
  latestRun,
  record,
  run,
  show,
  snapshot,
  startedInLastAttempt,
  treeFiles,
  unsandboxed,
  writePlan,
} from "./helpers.js";

beforeAll(requireBundle);

/** Processes whose command line contains `marker` (pgrep -f), after giving the kernel a moment to reap. */
async function processesMatching(marker: string): Promise<string> {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = spawnSync("pgrep", ["-af", marker], { encoding: "utf8" }).stdout.trim();
    if (!out) return "";
    await sleep(100);
  }
  return out;
}

describe("changes flow through the plan", () => {
  it("carries patches across waves and along a sequential chain, isolates parallel tasks, and lands one commit", async () => {
    const repo = makeRepo({ "README.md": "base\n" });
    const base = git(repo, "rev-parse", "HEAD");
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "a", instance: "I1", run: "test ! -e b.txt\necho A > a.txt" },
          { id: "b", instance: "I2", run: "test ! -e a.txt\necho B > b.txt" },
        ],
      },
      {
        id: "W2",
        mode: "sequential",
        tasks: [
          { id: "c", instance: "I1", run: "cat a.txt b.txt > c.txt" },
          { id: "d", instance: "I2", run: 'test "$(cat c.txt)" = "$(printf "A\\nB")"\ncat c.txt c.txt > d.txt' },
        ],
      },
      { id: "W3", tasks: [{ id: "e", instance: "I3", run: "wc -l < d.txt | tr -d ' ' > e.txt\nrm README.md" }] },
    ]);
    const r = await run(repo, plan);
    expectOk(r);
    const runId = latestRun(repo);
    expect(r.stdout).toContain(`landed`);
    expect(git(repo, "rev-parse", "HEAD^")).toBe(base);
    expect(git(repo, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(treeFiles(repo)).toEqual(["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
    expect(show(repo, "HEAD", "c.txt")).toBe("A\nB");
    expect(show(repo, "HEAD", "d.txt")).toBe("A\nB\nA\nB");
    expect(show(repo, "HEAD", "e.txt")).toBe("4");
    const message = git(repo, "log", "-1", "--format=%B");
    expect(message).toContain("Plan: test plan");
    expect(message).toContain(`Run: ${runId}`);
    expect(git(repo, "status", "--porcelain")).toBe("");
    // each record chains to the records it consumed
    expect(record(repo, "d").upstream.map((u: { task: string }) => u.task)).toEqual(["a", "b", "c"]);
    expect(record(repo, "e").upstream.map((u: { task: string }) => u.task)).toEqual(["a", "b", "c", "d"]);
    expectNoLeftovers(repo);
  });

  it("merges parallel edits to one file: different lines both land, an identical line lands once, every slot of the next waves starts from the merge", async () => {
    const ten = `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n")}\n`;
    const repo = makeRepo({ "app.py": ten });
    // every later task checks that its folder is exactly its materialized commit (a slot that caught up wrongly fails it)
    const pristine = 'test -z "$(git status --porcelain --untracked-files=all)"';
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "top", instance: "I1", run: "sed -i 's/^line 2$/two/' app.py && echo '.aider*' >> .gitignore" },
          { id: "bottom", instance: "I2", run: "sed -i 's/^line 9$/nine/' app.py && echo '.aider*' >> .gitignore" },
          { id: "aside", instance: "I3", run: "echo aside > aside.txt" },
        ],
      },
      {
        id: "W2",
        tasks: [
          { id: "seen1", instance: "I1", run: `${pristine} && grep -c '^two$' app.py > seen1.txt && grep -c '^nine$' app.py >> seen1.txt` },
          { id: "seen2", instance: "I2", run: `${pristine} && sed -i 's/^line 4$/four/' app.py` },
          { id: "seen3", instance: "I3", run: `${pristine} && sed -i 's/^line 7$/seven/' app.py` },
        ],
      },
      { id: "W3", tasks: [{ id: "last", instance: "I2", run: `${pristine} && cat app.py .gitignore > last.txt` }] },
    ]);
    expectOk(await run(repo, plan, "--concurrency", "3"));
    const merged = ten
      .replace("line 2\n", "two\n")
      .replace("line 9\n", "nine\n")
      .replace("line 4\n", "four\n")
      .replace("line 7\n", "seven\n");
    expect(show(repo, "HEAD", "app.py")).toBe(merged.trimEnd());
    expect(show(repo, "HEAD", ".gitignore")).toBe(".aider*");
    expect(show(repo, "HEAD", "seen1.txt")).toBe("1\n1");
    expect(show(repo, "HEAD", "last.txt")).toBe(`${merged}.aider*`);
    expectNoLeftovers(repo);
  });

  it("stops on two parallel tasks changing the same line: names both, the path and the lines, lands nothing, exits 1", async () => {
    const repo = makeRepo({ "shared/x.txt": "base\n" });
    const before = snapshot(repo);
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "left", instance: "I1", run: "echo left > shared/x.txt" },
          { id: "right", instance: "I2", run: "echo right > shared/x.txt" },
          { id: "other", instance: "I3", run: "echo other > other.txt" },
        ],
      },
      { id: "W2", tasks: [{ id: "after", run: "echo after > after.txt" }] },
    ]);
    const r = await run(repo, plan);
    expect(r.code).toBe(1);
    expectNoStackTrace(r);
    expect(r.stderr).toMatch(/conflict: parallel tasks "left" and "right" of wave "W1" change shared\/x\.txt in ways that do not merge/);
    expect(r.stderr).toContain('shared/x.txt: "left" line 1, "right" line 1');
    expect(r.stderr).toContain("nothing landed");
    expect(snapshot(repo)).toEqual(before);
    expect(startedInLastAttempt(repo)).not.toContain("after");
  });

  it("a failed task leaves HEAD, branches, working tree and status as they were; names the task and its log", async () => {
    const repo = makeRepo({ "README.md": "base\n", "src/app.txt": "v1\n" });
    writeFileSync(join(repo, ".gitignore"), "ignored.txt\n");
    git(repo, "add", ".gitignore");
    git(repo, "commit", "-q", "-m", "ignore");
    writeFileSync(join(repo, "ignored.txt"), "the user's ignored file\n");
    const before = snapshot(repo);
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "edit", run: "echo v2 > src/app.txt\necho new > new.txt\nrm README.md" }] },
      { id: "W2", tasks: [{ id: "boom", instance: "I2", run: "echo about to fail\nexit 3" }] },
    ]);
    const r = await run(repo, plan);
    expect(r.code).toBe(1);
    expectNoStackTrace(r);
    expect(snapshot(repo)).toEqual(before);
    const runId = latestRun(repo);
    const log = `.waveplan/runs/${runId}/logs/boom.log`;
    expect(r.stderr).toContain(`task "boom" (I2) failed: exited with code 3: about to fail; log: ${log}`);
    expect(readFileSync(join(repo, log), "utf8")).toContain("about to fail");
    expect(existsSync(join(repo, ".waveplan/lock"))).toBe(false);
  });
});

describe("processes", () => {
  it("a timeout kills the task's whole process tree", async () => {
    const repo = makeRepo();
    const marker = `wp-timeout-${process.pid}-${Date.now()}`;
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          {
            id: "slow",
            timeout: "1s",
            run: `bash -c 'sleep 1000; true' ${marker}-a &\n(bash -c 'sleep 1000; true' ${marker}-b &)\nsleep 1000 &\nwait`,
          },
        ],
      },
    ]);
    const started = Date.now();
    const r = await run(repo, plan);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`task "slow" (I1) failed: timed out after 1s`);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await processesMatching(marker)).toBe("");
  });

  it("a background process a task leaves running is killed when the task ends", async () => {
    const repo = makeRepo();
    const marker = `wp-bg-${process.pid}-${Date.now()}`;
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          {
            id: "spawner",
            run: `bash -c 'sleep 1; echo late > late.txt; sleep 1000; true' ${marker} &\necho done > done.txt`,
          },
        ],
      },
      // the next task starts after the first ended: its process must already be gone
      { id: "W2", tasks: [{ id: "check", run: `sleep 1.5\nif pgrep -f ${marker}; then exit 9; fi\ntest ! -e late.txt` }] },
    ]);
    const r = await run(repo, plan);
    expectOk(r);
    expect(treeFiles(repo)).toEqual(["README.md", "done.txt"]);
    expect(await processesMatching(marker)).toBe("");
  });

  it("retries a failing task from a clean materialized tree", async () => {
    const repo = makeRepo();
    const outside = tempDir();
    const counter = join(outside, "counter");
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          {
            id: "flaky",
            retries: 1,
            env: { COUNTER: counter },
            run: 'n=$(cat "$COUNTER" 2>/dev/null || echo 0)\nn=$((n + 1))\necho $n > "$COUNTER"\necho "try $n" > try-$n.txt\ntest $n -ge 2',
          },
        ],
      },
      { id: "W2", tasks: [{ id: "next", run: "cat try-2.txt > seen.txt" }] },
    ]);
    // the attempts count in a file outside the slot, which the sandbox keeps them from writing
    unsandboxed(plan);
    const r = await run(repo, plan);
    expectOk(r);
    expect(readFileSync(counter, "utf8").trim()).toBe("2");
    // the first attempt's files are gone: each try starts from the materialized tree
    expect(treeFiles(repo)).toEqual(["README.md", "seen.txt", "try-2.txt"]);
    expect(record(repo, "flaky").tries).toBe(2);
    expect(readFileSync(join(repo, ".waveplan/runs", latestRun(repo), "logs/flaky.log"), "utf8")).toContain("retry 1 of 1");

    // retries are bounded: a task that always fails runs 1 + retries times
    const repo2 = makeRepo();
    const counter2 = join(outside, "counter2");
    const plan2 = writePlan(repo2, [
      {
        id: "W1",
        tasks: [{ id: "broken", retries: 2, env: { COUNTER: counter2 }, run: 'echo x >> "$COUNTER"\nexit 1' }],
      },
    ]);
    unsandboxed(plan2);
    const r2 = await run(repo2, plan2);
    expect(r2.code).toBe(1);
    expect(readFileSync(counter2, "utf8")).toBe("x\nx\nx\n");
    expect(record(repo2, "broken").tries).toBe(3);
  });
});

describe("resume", () => {
  it("after a task failure: the fixed task and its downstream re-run, the rest is reused, the result lands", async () => {
    const repo = makeRepo();
    const waves = (fixed: boolean) => [
      {
        id: "W1",
        tasks: [
          { id: "a", instance: "I1", run: "echo a > a.txt" },
          { id: "b", instance: "I2", run: "echo b > b.txt" },
        ],
      },
      {
        id: "W2",
        tasks: [
          { id: "c", instance: "I1", run: "cat a.txt > c.txt" },
          { id: "d", instance: "I2", run: fixed ? "cat b.txt > d.txt" : "cat missing.txt > d.txt" },
        ],
      },
      { id: "W3", tasks: [{ id: "e", instance: "I3", run: "cat c.txt d.txt > e.txt" }] },
    ];
    const plan = writePlan(repo, waves(false));
    const first = await run(repo, plan);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('task "d" (I2) failed');
    const runId = latestRun(repo);
    expect(first.stderr).toContain(`--resume ${runId}`);

    writePlan(repo, waves(true));
    const second = await run(repo, plan, "--resume");
    expectOk(second);
    expect(latestRun(repo)).toBe(runId);
    expect(startedInLastAttempt(repo)).toEqual(["d", "e"]);
    expect(second.stdout).toMatch(/resuming run/);
    expect(show(repo, "HEAD", "e.txt")).toBe("a\nb");
    expect(treeFiles(repo)).toEqual(["README.md", "a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
    expectNoLeftovers(repo);

    // a landed run is not resumed again
    const third = await run(repo, plan, "--resume");
    expect(third.code).toBe(1);
    expect(third.stderr).toContain("already landed");
  });

  it("a changed task re-runs with everything downstream (also unchanged chain successors); unchanged upstream is reused", async () => {
    const repo = makeRepo();
    const waves = (v: string, lastOk: boolean) => [
      { id: "W1", tasks: [{ id: "a", run: "echo a > a.txt" }] },
      {
        id: "W2",
        mode: "sequential" as const,
        tasks: [
          { id: "b1", run: `echo ${v} > b.txt` },
          { id: "b2", run: "cat a.txt b.txt > b2.txt" },
        ],
      },
      { id: "W3", tasks: [{ id: "c", run: lastOk ? "cat b2.txt > c.txt" : "exit 1" }] },
    ];
    const plan = writePlan(repo, waves("one", false));
    expect((await run(repo, plan)).code).toBe(1);
    writePlan(repo, waves("two", true));
    const r = await run(repo, plan, "--resume");
    expectOk(r);
    expect(startedInLastAttempt(repo)).toEqual(["b1", "b2", "c"]);
    const skips = events(repo)
      .filter((e) => e.type === "task-skip")
      .map((e) => e.task);
    expect(skips).toEqual(["a"]);
    expect(show(repo, "HEAD", "c.txt")).toBe("a\ntwo");
  });

  it("a run killed right after landing resumes to the landed result instead of failing", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "a", run: "echo a > a.txt" }] }]);
    expectOk(await run(repo, plan));
    const landed = git(repo, "rev-parse", "HEAD");
    // the state a SIGKILL between the fast-forward and the run record's update leaves behind
    const runJson = join(repo, ".waveplan/runs", latestRun(repo), "run.json");
    const info = JSON.parse(readFileSync(runJson, "utf8"));
    info.status = "running";
    delete info.landedCommit;
    delete info.finishedAt;
    writeFileSync(runJson, JSON.stringify(info));
    const r = await run(repo, plan, "--resume");
    expectOk(r);
    expect(git(repo, "rev-parse", "HEAD")).toBe(landed);
    expect(JSON.parse(readFileSync(runJson, "utf8"))).toMatchObject({ status: "landed", landedCommit: landed });
  });
});

describe("selection and landing flags", () => {
  const threeWaves = (repo: string) =>
    writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "a", instance: "I1", run: "echo a > a.txt" },
          { id: "b", instance: "I2", run: "echo b > b.txt" },
        ],
      },
      { id: "W2", tasks: [{ id: "c", run: "cat a.txt b.txt > c.txt" }] },
      { id: "W3", tasks: [{ id: "d", run: "cat c.txt > d.txt" }] },
    ]);

  it("--branch lands on a new branch and leaves the working tree, HEAD and current branch untouched", async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const before = snapshot(repo);
    const r = await run(repo, threeWaves(repo), "--branch", "waveplan/result");
    expectOk(r);
    const after = snapshot(repo);
    expect({ ...after, branches: "" }).toEqual({ ...before, branches: "" });
    expect(git(repo, "rev-parse", "waveplan/result^")).toBe(base);
    expect(treeFiles(repo, "waveplan/result")).toEqual(["README.md", "a.txt", "b.txt", "c.txt", "d.txt"]);
    expect(show(repo, "waveplan/result", "d.txt")).toBe("a\nb");
    expectNoLeftovers(repo);
  });

  it("--dry-run prints the tasks in order (with upstream of a selection) and touches nothing", async () => {
    const repo = makeRepo();
    const plan = threeWaves(repo);
    const all = await run(repo, plan, "--dry-run");
    expectOk(all);
    const order = [...all.stdout.matchAll(/^ {2}(\S+) \[/gm)].map((m) => m[1]);
    expect(order).toEqual(["a", "b", "c", "d"]);
    const only = await run(repo, plan, "--dry-run", "--only", "c");
    expectOk(only);
    expect([...only.stdout.matchAll(/^ {2}(\S+) \[/gm)].map((m) => m[1])).toEqual(["a", "b", "c"]);
    expect(only.stdout).toContain("3 of 4 tasks would run");
    expect(existsSync(join(repo, ".waveplan"))).toBe(false);
  });

  it("--wave and --only run the selection with its upstream, land nothing, and --resume completes the run", async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const plan = threeWaves(repo);
    const partial = await run(repo, plan, "--wave", "W2");
    expectOk(partial);
    // a and b run in parallel: their start order is not fixed
    expect(startedInLastAttempt(repo).sort()).toEqual(["a", "b", "c"]);
    expect(partial.stdout).toContain("partial run");
    expect(git(repo, "rev-parse", "HEAD")).toBe(base);
    const rest = await run(repo, plan, "--resume");
    expectOk(rest);
    expect(startedInLastAttempt(repo)).toEqual(["d"]);
    expect(show(repo, "HEAD", "d.txt")).toBe("a\nb");

    const repo2 = makeRepo();
    const plan2 = threeWaves(repo2);
    expectOk(await run(repo2, plan2, "--only", "b"));
    expect(startedInLastAttempt(repo2)).toEqual(["b"]);
    expect(git(repo2, "rev-parse", "HEAD")).toBe(git(repo2, "rev-parse", "main"));
    expect(treeFiles(repo2)).toEqual(["README.md"]);

    const bad = await run(repo2, plan2, "--only", "nope");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no task "nope"');
  });

  it("--concurrency 1 runs a parallel wave one task at a time; by default the wave runs at once", async () => {
    const repo = makeRepo();
    const meeting = tempDir();
    // each task waits (up to 10 s) until all three have started, and fails otherwise: only possible when they run concurrently
    const task = (id: string) => ({
      id,
      instance: id.toUpperCase(),
      env: { MEET: meeting },
      run: `touch "$MEET/${id}"\nfor i in $(seq 100); do [ $(ls "$MEET" | wc -l) -ge 3 ] && break; sleep 0.1; done\n[ $(ls "$MEET" | wc -l) -ge 3 ]\necho ${id} > ${id}.txt`,
    });
    const plan = writePlan(repo, [{ id: "W1", tasks: [task("x"), task("y"), task("z")] }]);
    // the tasks meet in a folder outside their slots, which the sandbox keeps them from writing
    unsandboxed(plan);
    expectOk(await run(repo, plan));

    const repo2 = makeRepo();
    const plan2 = writePlan(repo2, [
      {
        id: "W1",
        tasks: ["x", "y", "z"].map((id) => ({ id, instance: id.toUpperCase(), run: `sleep 0.2\necho ${id} > ${id}.txt` })),
      },
    ]);
    expectOk(await run(repo2, plan2, "--concurrency", "1"));
    const seq = events(repo2)
      .filter((e) => e.type === "task-start" || e.type === "task-end")
      .map((e) => `${e.type === "task-start" ? "+" : "-"}${e.task}`);
    expect(seq).toEqual(["+x", "-x", "+y", "-y", "+z", "-z"]);
    expect(treeFiles(repo2)).toEqual(["README.md", "x.txt", "y.txt", "z.txt"]);

    const usage = await run(repo2, plan2, "--concurrency", "0");
    expect(usage.code).toBe(2);
  });
});

describe("a plan that changes nothing", () => {
  it("succeeds without landing an empty commit", async () => {
    const repo = makeRepo({ "README.md": "base\n" });
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "look", run: "cat README.md > /dev/null" }] }]);
    const head = git(repo, "rev-parse", "HEAD");
    const r = await run(repo, plan);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("nothing to land: no task changed a file");
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
  });
});

describe("refusals", () => {
  it("refuses a dirty working tree, naming the files", async () => {
    const repo = makeRepo({ "README.md": "base\n" });
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "a", run: "echo a > a.txt" }] }]);
    writeFileSync(join(repo, "README.md"), "edited\n");
    writeFileSync(join(repo, "untracked.txt"), "new\n");
    const before = snapshot(repo);
    const r = await run(repo, plan);
    expect(r.code).toBe(1);
    expectNoStackTrace(r);
    expect(r.stderr).toContain("uncommitted changes");
    expect(r.stderr).toContain("README.md");
    expect(r.stderr).toContain("untracked.txt");
    expect(snapshot(repo)).toEqual(before);
  });

  it("--allow-dirty runs on the uncommitted edits and lands only the plan's change", async () => {
    const repo = makeRepo({ "README.md": "base\n", "notes.txt": "one\n" });
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "a", run: "cat draft.txt > seen.txt && echo a > a.txt" }] }]);
    writeFileSync(join(repo, "README.md"), "edited\n");
    writeFileSync(join(repo, "draft.txt"), "uncommitted draft\n");
    const head = git(repo, "rev-parse", "HEAD");
    const r = await run(repo, plan, "--allow-dirty");
    expect(r.code, r.stderr).toBe(0);
    // the task saw the untracked draft; the landed commit holds only the plan's own files
    expect(git(repo, "rev-parse", "HEAD^")).toBe(head);
    expect(git(repo, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual(["a.txt", "seen.txt"]);
    expect(git(repo, "show", "HEAD:seen.txt")).toBe("uncommitted draft");
    // the edits are still uncommitted where they were
    expect(readFileSync(join(repo, "README.md"), "utf8")).toBe("edited\n");
    expect(git(repo, "status", "--porcelain")).toBe(" M README.md\n?? draft.txt");
  });

  it("refuses a folder that is not a git repository, and a repository without commits", async () => {
    const dir = tempDir();
    const plan = join(dir, "plan.yml");
    writePlan(join(dir, "x"), [{ id: "W1", tasks: [{ id: "a", run: "true" }] }], "p", plan);
    const r = await cli(dir, ["run", plan], { GIT_CEILING_DIRECTORIES: dir });
    expect(r.code).toBe(1);
    expectNoStackTrace(r);
    expect(r.stderr).toContain("is not inside a git repository");
    expect(existsSync(join(dir, ".waveplan"))).toBe(false);

    const empty = join(dir, "empty");
    git(dir, "init", "-q", empty);
    const r2 = await cli(empty, ["run", plan]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain("no commits yet");
  });

  it("a second run on the same repository refuses while the first holds the lock", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "slow", run: "sleep 2\necho done > done.txt" }] }]);
    const first = startCli(repo, ["run", plan]);
    const lock = join(repo, ".waveplan/lock");
    for (let i = 0; i < 100 && !existsSync(lock); i++) await sleep(50);
    expect(existsSync(lock)).toBe(true);
    const second = await run(repo, plan);
    expect(second.code).toBe(1);
    expectNoStackTrace(second);
    expect(second.stderr).toContain(`another waveplan run (pid ${first.pid}) is using this repository`);
    expect(second.stderr).toContain(".waveplan/lock");
    expectOk(await first.result);
    expect(treeFiles(repo)).toEqual(["README.md", "done.txt"]);
    expectNoLeftovers(repo);
  });
});

describe("status", () => {
  it("shows the latest run's tasks and outcome, and a failed run's error and log", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "a", instance: "I1", run: "echo a > a.txt" },
          { id: "b", instance: "I2", run: "echo b > b.txt" },
        ],
      },
    ]);
    expectOk(await run(repo, plan));
    const runId = latestRun(repo);
    const s = await cli(repo, ["status"]);
    expectOk(s);
    expect(s.stdout).toContain(`run ${runId} of "test plan"`);
    expect(s.stdout).toContain(`landed as ${git(repo, "rev-parse", "--short=12", "HEAD")}`);
    expect(s.stdout).toMatch(/^a\s+I1\s+W1\s+success/m);
    expect(s.stdout).toMatch(/^b\s+I2\s+W1\s+success/m);
    const json = JSON.parse((await cli(repo, ["status", "--json"])).stdout);
    expect(json.run.runId).toBe(runId);
    expect(json.tasks.map((t: { task: string; status: string }) => `${t.task}:${t.status}`)).toEqual(["a:success", "b:success"]);

    const failing = writePlan(repo, [
      { id: "W1", tasks: [{ id: "a", run: "echo a2 > a2.txt" }] },
      { id: "W2", tasks: [{ id: "z", instance: "I9", run: "exit 4" }] },
    ]);
    expect((await run(repo, failing)).code).toBe(1);
    const failedId = latestRun(repo);
    const s2 = await cli(repo, ["status", failedId]);
    expectOk(s2);
    expect(s2.stdout).toContain("— failed");
    expect(s2.stdout).toMatch(/^z\s+I9\s+W2\s+failure/m);
    expect(s2.stdout).toContain(`z: exited with code 4 (log ${join(repo, ".waveplan/runs", failedId, "logs/z.log")})`);
    const missing = await cli(repo, ["status", "no-such-run"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no run "no-such-run"');
  });
});
