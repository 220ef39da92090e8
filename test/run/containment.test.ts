/**
 * Containment (issue 13): a task is untrusted code. Each class below is run through the real CLI with
 * real git and real processes, and waits on events (files a task writes, events.jsonl), never on a
 * wall-clock window, so it holds with both cores busy.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo, requireBundle, startCli, tempDir } from "../support/repo.js";
import {
  expectNoLeftovers,
  expectNoStackTrace,
  expectOk,
  latestRun,
  record,
  run,
  show,
  snapshot,
  treeFiles,
  unsandboxed,
  writePlan,
} from "./helpers.js";

beforeAll(requireBundle);

/** Poll `check` until it holds; the limit is only a safety net for a broken build, not a timing assumption. */
async function waitFor(what: string, check: () => boolean, limitMs = 90_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A process is gone when /proc has no entry for it or only a zombie (it runs nothing any more). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function pids(file: string): number[] {
  return readFileSync(file, "utf8").split(/\s+/).filter(Boolean).map(Number);
}

/** Everything of the user's repository a task could reach with git: refs of every kind, stash, config, info/, hooks. */
function gitState(repo: string) {
  const gitDir = join(repo, ".git");
  return {
    refs: git(repo, "for-each-ref", "--format=%(refname) %(objectname)"),
    stash: git(repo, "stash", "list"),
    config: readFileSync(join(gitDir, "config"), "utf8"),
    exclude: readFileSync(join(gitDir, "info/exclude"), "utf8"),
    hooks: execFileSync("ls", ["-A", join(gitDir, "hooks")], { encoding: "utf8" }),
    log: git(repo, "log", "--format=%H %s", "--all"),
    worktrees: git(repo, "worktree", "list", "--porcelain").replace(/^HEAD \S+$/m, ""),
  };
}

function runState(repo: string): string {
  return JSON.parse(readFileSync(join(repo, ".waveplan/runs", latestRun(repo), "run.json"), "utf8")).status;
}

describe("isolation by construction: nothing a task does with git reaches the user's repository", () => {
  it("branches, tags, stash, config, info/exclude, hooks, replace refs, a deleted or replaced .git: the user's git state is as it was, the files land", async () => {
    const repo = makeRepo({ "README.md": "base\n", "notes.txt": "user notes\n" });
    // the user has a stash of their own, which a task must not see or consume
    writeFileSync(join(repo, "notes.txt"), "work in progress\n");
    git(repo, "stash", "-q");
    const before = gitState(repo);
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "refs", instance: "I1", run: "echo r > refs.txt\ngit branch evil\ngit tag v9\ngit update-ref refs/heads/main HEAD" },
          {
            id: "stash",
            instance: "I2",
            // the task sees a stash of its own (empty), not the user's; what it stashes stays in its slot
            run: 'test -z "$(git stash list)"\n! git stash pop -q 2>/dev/null\necho tmp > tmp.txt\ngit stash -u -q\necho s > stash.txt',
          },
          {
            id: "config",
            instance: "I3",
            run: [
              "git config user.name Mallory",
              "git config core.hooksPath /nonexistent",
              "echo '*.txt' >> .git/info/exclude",
              "printf '#!/bin/sh\\nexit 1\\n' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit",
              "echo c > config.txt",
            ].join("\n"),
          },
          { id: "replace", instance: "I4", run: "git replace -f HEAD \"$(git commit-tree -m evil 'HEAD^{tree}')\"\necho p > replace.txt" },
          {
            id: "gitless",
            instance: "I5",
            run: "rm -rf .git\n! git status 2>/dev/null\n! git tag from-gitless 2>/dev/null\necho g > gitless.txt",
          },
          { id: "newgit", instance: "I6", run: "rm -rf .git\ngit init -q .\ngit commit -q --allow-empty -m other\necho n > newgit.txt" },
        ],
      },
      // the same slots again: new files still land (no excluded *.txt, no hook, no replaced history)
      { id: "W2", tasks: [{ id: "after", run: "git log --format=%s -1 > after.txt\ncat refs.txt config.txt > after2.txt" }] },
    ]);
    const r = await run(repo, plan, "--concurrency", "2");
    expectOk(r);
    expect(treeFiles(repo)).toEqual(
      [
        "README.md",
        "after.txt",
        "after2.txt",
        "config.txt",
        "gitless.txt",
        "newgit.txt",
        "notes.txt",
        "refs.txt",
        "replace.txt",
        "stash.txt",
      ].sort(),
    );
    expect(show(repo, "HEAD", "after.txt")).toBe("waveplan: materialized upstream");
    const after = gitState(repo);
    // one new commit on main (the landing), nothing else anywhere
    expect(after.refs.replace(/refs\/heads\/main \S+/, "")).toBe(before.refs.replace(/refs\/heads\/main \S+/, ""));
    const head = git(repo, "rev-parse", "HEAD");
    expect(
      after.log
        .split("\n")
        .filter((l) => !l.startsWith(head))
        .sort(),
    ).toEqual(before.log.split("\n").sort());
    expect({ ...after, refs: "", log: "" }).toEqual({ ...before, refs: "", log: "" });
    expect(git(repo, "stash", "list")).toMatch(/^stash@\{0\}/);
    expect(git(repo, "status", "--porcelain")).toBe("");
    expectNoLeftovers(repo);
  });

  it("a task that corrupts its index or its HEAD does not break the capture or the next task in that slot", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "corrupt", run: "echo a > a.txt\necho garbage > .git/index\necho junk > .git/HEAD\ntouch .git/index.lock .git/HEAD.lock" },
        ],
      },
      { id: "W2", tasks: [{ id: "next", run: "git status --short > /dev/null\ncat a.txt > b.txt" }] },
    ]);
    expectOk(await run(repo, plan));
    expect(treeFiles(repo)).toEqual(["README.md", "a.txt", "b.txt"]);
    expectNoLeftovers(repo);
  });
});

// These tasks report pids through files under the host's /tmp, and test the process scan that contains
// tasks under `sandbox: off`; the sandbox's own containment is test/run/sandbox.test.ts.
describe("no task outlives its turn", () => {
  it("a process that escaped with setsid is gone when its task ends, before the slot is reused", async () => {
    const repo = makeRepo();
    const out = tempDir();
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          {
            id: "escape",
            run: `setsid bash -c 'echo $$ > ${out}/escapee; while :; do echo x >> escaped.txt; sleep 0.01; done' > /dev/null 2>&1 < /dev/null &\nuntil [ -s ${out}/escapee ]; do sleep 0.01; done`,
          },
        ],
      },
      { id: "W2", tasks: [{ id: "next", run: "echo n > next.txt" }] },
    ]);
    unsandboxed(plan);
    const r = await run(repo, plan, "--concurrency", "1");
    expectOk(r);
    const [escapee] = pids(join(out, "escapee"));
    expect(alive(escapee)).toBe(false);
    // whatever the escapee wrote before it was killed belongs to its own task, never to the next one
    expect(record(repo, "next").patch.files).toEqual(["next.txt"]);
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} to waveplan run stops every task (setsid ones too), records the run as interrupted, exits non-zero; --resume lands`, async () => {
      const repo = makeRepo();
      const out = tempDir();
      const task = (id: string) => ({
        id,
        instance: id === "t1" ? "I1" : "I2",
        // ignores SIGTERM, starts an escapee in a new session, then waits forever
        run: `trap '' TERM INT\nsetsid bash -c 'trap "" TERM INT; echo $$ >> ${out}/pids; sleep 1000' > /dev/null 2>&1 < /dev/null &\necho $$ >> ${out}/pids\necho started > ${out}/${id}\nwhile :; do sleep 0.05; done`,
      });
      const plan = writePlan(repo, [{ id: "W1", tasks: [task("t1"), task("t2")] }]);
      unsandboxed(plan);
      const child = startCli(repo, ["run", plan]);
      await waitFor("both tasks to start", () => existsSync(join(out, "t1")) && existsSync(join(out, "t2")));
      await waitFor("four pids", () => pids(join(out, "pids")).length === 4);
      const started = pids(join(out, "pids"));
      expect(started.every(alive)).toBe(true);
      child.kill(signal);
      const r = await child.result;
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.code).not.toBeNull();
      expectNoStackTrace(r);
      expect(r.stderr).toContain(`interrupted by ${signal}`);
      expect(runState(repo)).toBe("interrupted");
      // every process of every task is gone by the time the runner has exited
      expect(started.filter(alive)).toEqual([]);
      expect(existsSync(join(repo, ".waveplan/lock"))).toBe(false);

      writePlan(repo, [
        {
          id: "W1",
          tasks: [
            { id: "t1", instance: "I1", run: "echo 1 > one.txt" },
            { id: "t2", instance: "I2", run: "echo 2 > two.txt" },
          ],
        },
      ]);
      unsandboxed(plan);
      expectOk(await run(repo, plan, "--resume"));
      expect(treeFiles(repo)).toEqual(["README.md", "one.txt", "two.txt"]);
      expectNoLeftovers(repo);
    });
  }

  it("processes left by a runner killed with SIGKILL are killed before the next run reuses their slots", async () => {
    const repo = makeRepo();
    const out = tempDir();
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          {
            id: "stray",
            run: `setsid bash -c 'echo $$ >> ${out}/pids; while :; do date >> stray.txt; sleep 0.01; done' > /dev/null 2>&1 < /dev/null &\necho $$ >> ${out}/pids\nsleep 1000`,
          },
        ],
      },
    ]);
    unsandboxed(plan);
    const child = startCli(repo, ["run", plan]);
    await waitFor("two pids", () => existsSync(join(out, "pids")) && pids(join(out, "pids")).length === 2);
    child.kill("SIGKILL");
    await child.result;
    const strays = pids(join(out, "pids"));
    expect(strays.every(alive)).toBe(true);
    writePlan(repo, [{ id: "W1", tasks: [{ id: "stray", run: "echo fixed > fixed.txt" }] }]);
    unsandboxed(plan);
    expectOk(await run(repo, plan, "--resume"));
    expect(strays.filter(alive)).toEqual([]);
    expect(treeFiles(repo)).toEqual(["README.md", "fixed.txt"]);
  });
});

describe("every failure ends the run as failed, naming the task", () => {
  it("a task that deletes its own slot: failed with the task named; the broken slot is discarded and the resume lands", async () => {
    const repo = makeRepo();
    const before = snapshot(repo);
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "selfdelete", instance: "I1", run: 'echo x > x.txt\nrm -rf "$PWD"' }] },
      { id: "W2", tasks: [{ id: "after", run: "echo after > after.txt" }] },
    ]);
    unsandboxed(plan);
    const r = await run(repo, plan);
    expect(r.code, r.stderr).toBe(1);
    expectNoStackTrace(r);
    expect(r.stderr).toMatch(/task "selfdelete" \(I1\) failed: .*removed its own folder/);
    expect(runState(repo)).toBe("failed");
    expect(snapshot(repo)).toEqual(before);
    writePlan(repo, [
      { id: "W1", tasks: [{ id: "selfdelete", instance: "I1", run: "echo x > x.txt" }] },
      { id: "W2", tasks: [{ id: "after", run: "echo after > after.txt" }] },
    ]);
    unsandboxed(plan);
    expectOk(await run(repo, plan, "--resume"));
    expect(treeFiles(repo)).toEqual(["README.md", "after.txt", "x.txt"]);
  });

  it("a file-vs-folder clash between parallel tasks is a named merge conflict", async () => {
    const repo = makeRepo();
    const before = snapshot(repo);
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "file", instance: "I1", run: "echo f > x" },
          { id: "folder", instance: "I2", run: "mkdir x\necho d > x/y" },
        ],
      },
      { id: "W2", tasks: [{ id: "after", run: "true" }] },
    ]);
    const r = await run(repo, plan);
    expect(r.code, r.stderr).toBe(1);
    expectNoStackTrace(r);
    expect(r.stderr).toMatch(/conflict: parallel tasks "file" and "folder" of wave "W1" change x in ways that do not merge/);
    expect(r.stderr).toContain('x: a file in "file", a folder in "folder"');
    expect(runState(repo)).toBe("failed");
    expect(snapshot(repo)).toEqual(before);
  });

  it("stale lock files in a slot's git state (a crash inside git) do not stop the resume", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "one", run: "echo 1 > one.txt" }] },
      { id: "W2", tasks: [{ id: "bad", run: "exit 3" }] },
    ]);
    expect((await run(repo, plan)).code).toBe(1);
    // what SIGKILL during a git operation leaves behind
    for (const lock of ["slots/s-0.index.lock", "slots/s-0/.git/index.lock", "slots/s-0/.git/HEAD.lock", "slots/s-9.index.lock"])
      writeFileSync(join(repo, ".waveplan", lock), "");
    writePlan(repo, [
      { id: "W1", tasks: [{ id: "one", run: "echo 1 > one.txt" }] },
      { id: "W2", tasks: [{ id: "bad", run: "git status --short\ngit commit -q --allow-empty -m ok\necho 2 > two.txt" }] },
    ]);
    expectOk(await run(repo, plan, "--resume"));
    expect(treeFiles(repo)).toEqual(["README.md", "one.txt", "two.txt"]);
  });
});

describe("outputs follow plan order", () => {
  it("downstream gets the newest version of an output several waves rewrite; two parallel tasks declaring one output conflict", async () => {
    const repo = makeRepo({ "README.md": "x\n", ".gitignore": "build/\n" });
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "v1", outputs: ["build/out.txt"], run: "mkdir -p build\necho v1 > build/out.txt" }] },
      { id: "W2", tasks: [{ id: "v2", outputs: ["build/out.txt"], run: "mkdir -p build\necho v2 > build/out.txt" }] },
      { id: "W3", tasks: [{ id: "read", run: "cat build/out.txt > seen.txt" }] },
    ]);
    expectOk(await run(repo, plan));
    expect(show(repo, "HEAD", "seen.txt")).toBe("v2");

    const repo2 = makeRepo();
    const plan2 = writePlan(repo2, [
      {
        id: "W1",
        tasks: [
          { id: "p1", instance: "I1", outputs: ["report.txt"], run: "echo 1 > report.txt" },
          { id: "p2", instance: "I2", outputs: ["report.txt"], run: "echo 2 > report.txt" },
        ],
      },
    ]);
    const r = await run(repo2, plan2);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/conflict: parallel tasks "p1" and "p2" of wave "W1" change report\.txt in ways that do not merge/);
  });
});

describe("nested repositories", () => {
  it("a git clone inside a task is refused with a named error instead of landing a gitlink to a commit that exists nowhere", async () => {
    const upstream = makeRepo({ "lib.txt": "library\n" });
    const repo = makeRepo();
    const before = snapshot(repo);
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "cloner", instance: "I1", run: `git clone -q ${upstream} vendor/lib\necho ok > ok.txt` }] },
    ]);
    unsandboxed(plan);
    const r = await run(repo, plan);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/task "cloner" \(I1\) failed: nested git repository at vendor\/lib/);
    expect(snapshot(repo)).toEqual(before);
    // without its .git the files land as files
    writePlan(repo, [
      { id: "W1", tasks: [{ id: "cloner", instance: "I1", run: `git clone -q ${upstream} vendor/lib\nrm -rf vendor/lib/.git` }] },
    ]);
    unsandboxed(plan);
    expectOk(await run(repo, plan, "--resume"));
    expect(treeFiles(repo)).toEqual(["README.md", "vendor/lib/lib.txt"]);
  });
});

describe("landing refuses a bad --branch", () => {
  for (const [branch, why] of [
    ["main", /--branch "main" is checked out here/],
    ["HEAD", /--branch "HEAD" is not a valid branch name/],
    ["@{-1}", /is not a valid branch name/],
    ["a..b", /is not a valid branch name/],
  ] as const) {
    it(`--branch ${branch}`, async () => {
      const repo = makeRepo();
      const before = snapshot(repo);
      const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "t", run: "echo t > t.txt" }] }]);
      const r = await run(repo, plan, "--branch", branch);
      expect(r.code, r.stderr).toBe(1);
      expectNoStackTrace(r);
      expect(r.stderr).toMatch(why);
      expect(snapshot(repo)).toEqual(before);
      expect(git(repo, "for-each-ref", "--format=%(refname)")).toBe("refs/heads/main");
    });
  }
});

describe("the lock", () => {
  it("runs racing for a stale lock: exactly one takes it over; .gitignore is written only under the lock", async () => {
    const repo = makeRepo();
    const out = tempDir();
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "hold", run: `echo $$ > ${out}/holder\nuntil [ -e ${out}/go ]; do sleep 0.01; done` }] },
    ]);
    unsandboxed(plan);
    // a lock left by a process that is gone
    const dead = startCli(repo, ["--version"]);
    await dead.result;
    execFileSync("mkdir", ["-p", join(repo, ".waveplan")]);
    writeFileSync(join(repo, ".waveplan/lock"), `${dead.pid}\n`);
    const racers = Array.from({ length: 4 }, () => startCli(repo, ["run", plan]));
    await waitFor("one run to hold the repository", () => existsSync(join(out, "holder")));
    // the others give up while the holder's task still runs (it waits for "go")
    await waitFor("three racers to give up", () => racers.filter((c) => c.exitCode !== null).length >= 3);
    // a user's edit of .waveplan/.gitignore while the run holds the lock is not overwritten by a refused run
    writeFileSync(join(repo, ".waveplan/.gitignore"), "*\n# kept\n");
    const refused = await run(repo, plan);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/another waveplan run \(pid \d+\) is using this repository/);
    expect(readFileSync(join(repo, ".waveplan/.gitignore"), "utf8")).toBe("*\n# kept\n");
    writeFileSync(join(out, "go"), "");
    const all = await Promise.all(racers.map((c) => c.result));
    expect(all.filter((x) => x.code === 0)).toHaveLength(1);
    expect(all.filter((x) => x.code === 1 && /another waveplan run/.test(x.stderr))).toHaveLength(3);
  });
});
