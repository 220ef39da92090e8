/**
 * `waveplan run --allow-dirty` keeps the snapshot of the user's uncommitted edits out of the user's
 * object store: after a landed run, a failed run and its resume, the repository holds only the objects
 * it had plus those the landed commits reference (real git, through the bundled CLI).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo, requireBundle, tempDir } from "../support/repo.js";
import { events, expectNoLeftovers, expectOk, run, treeFiles, writePlan } from "./helpers.js";

beforeAll(requireBundle);

// The tasks read files the test writes beside the repository; a sandboxed task has a /tmp of its own,
// so the test's folders live outside /tmp, as a user's do (test/run/sandbox.test.ts).
process.env.TMPDIR = mkdtempSync("/var/tmp/waveplan-dirty-test-");
afterAll(() => rmSync(process.env.TMPDIR as string, { recursive: true, force: true }));

const DRAFT = "an uncommitted draft that must not reach the object store\n";
const EDIT = "README edited but not committed\n";

/** Every object in the repository's own store (it has no alternates). */
function objects(repo: string): Set<string> {
  return new Set(git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)").split("\n").filter(Boolean));
}

/** Objects no ref, index or HEAD reaches (reflogs left out: a landing is what must reach them). */
function unreachable(repo: string): string {
  return git(repo, "fsck", "--unreachable", "--no-reflogs", "--no-progress");
}

/** Objects reachable from `tip` but not from `from`. */
function reachable(repo: string, tip: string, from: string): Set<string> {
  return new Set(
    git(repo, "rev-list", "--objects", tip, "--not", from)
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ")[0]),
  );
}

/** A repository with a tracked edit and an untracked file; its object ids before the run, the blobs the edits would make. */
function dirtyRepo() {
  const repo = makeRepo({ "README.md": "base\n", "notes.txt": "one\n" });
  // an identity only this repository has: the landed commit must be authored with it
  git(repo, "config", "user.name", "Dirty Tester");
  git(repo, "config", "user.email", "dirty@example.com");
  writeFileSync(join(repo, "README.md"), EDIT);
  writeFileSync(join(repo, "draft.txt"), DRAFT);
  return {
    repo,
    head: git(repo, "rev-parse", "HEAD"),
    before: objects(repo),
    draftBlob: blobId(repo, DRAFT),
    editBlob: blobId(repo, EDIT),
  };
}

/** The blob id of `content`, computed without writing it. */
function blobId(repo: string, content: string): string {
  const file = join(tempDir(), "blob");
  writeFileSync(file, content);
  return git(repo, "hash-object", file);
}

function added(repo: string, before: Set<string>): string[] {
  return [...objects(repo)].filter((o) => !before.has(o)).sort();
}

describe("--allow-dirty leaves no object of the snapshot in the user's repository", () => {
  it("landing on the current branch adds only the landed commit's own objects", async () => {
    const { repo, head, before, draftBlob, editBlob } = dirtyRepo();
    expect(unreachable(repo)).toBe("");
    // the task reads the untracked draft (it is in the snapshot) and writes something of its own
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "a", run: "wc -l < draft.txt > lines.txt && echo a > a.txt" }] }]);
    expectOk(await run(repo, plan, "--allow-dirty"));
    expect(git(repo, "rev-parse", "HEAD^")).toBe(head);
    expect(git(repo, "show", "HEAD:lines.txt")).toBe("1");
    expect(git(repo, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual(["a.txt", "lines.txt"]);
    expect(git(repo, "log", "-1", "--format=%an <%ae> / %cn <%ce>")).toBe(
      "Dirty Tester <dirty@example.com> / Dirty Tester <dirty@example.com>",
    );

    expect(added(repo, before)).toEqual([...reachable(repo, "HEAD", head)].sort());
    expect(unreachable(repo)).toBe("");
    expect(hasObject(repo, draftBlob)).toBe(false);
    expect(hasObject(repo, editBlob)).toBe(false);
    // the edits are still uncommitted where they were
    expect(git(repo, "status", "--porcelain")).toBe(" M README.md\n?? draft.txt");
    expectNoLeftovers(repo);
  });

  it("a failed run adds nothing; its resume still runs on the snapshot and lands only the plan's change", async () => {
    const { repo, head, draftBlob, editBlob } = dirtyRepo();
    // a staged edit: its blob is in the user's store only while the index names it
    git(repo, "add", "README.md");
    const before = objects(repo);
    const gate = join(tempDir(), "go");
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "a", run: "cp draft.txt copy.txt && echo a >> copy.txt" }] },
      { id: "W2", tasks: [{ id: "b", run: `test -f ${gate} && cat README.md copy.txt | wc -l > count.txt` }] },
    ]);
    const failed = await run(repo, plan, "--allow-dirty");
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.stderr).toContain('task "b"');
    expect(added(repo, before)).toEqual([]);
    expect(unreachable(repo)).toBe("");
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expectNoLeftovers(repo);

    // the run repository was emptied after the failed attempt: the resume brings the snapshot back,
    // whole even after the user unstaged the edit and pruned its blob
    git(repo, "reset", "-q");
    git(repo, "gc", "-q", "--prune=now");
    expect(hasObject(repo, editBlob)).toBe(false);
    writeFileSync(gate, "");
    expectOk(await run(repo, plan, "--resume"));
    expect(
      events(repo)
        .filter((e) => e.type === "task-skip")
        .map((e) => e.task),
    ).toEqual(["a"]);
    expect(git(repo, "rev-parse", "HEAD^")).toBe(head);
    expect(treeFiles(repo)).toEqual(["README.md", "copy.txt", "count.txt", "notes.txt"]);
    expect(git(repo, "show", "HEAD:README.md")).toBe("base");
    expect(git(repo, "show", "HEAD:count.txt")).toBe("3");
    expect(added(repo, before)).toEqual([...reachable(repo, "HEAD", head)].sort());
    expect(unreachable(repo)).toBe("");
    expect(hasObject(repo, draftBlob)).toBe(false);
    expect(hasObject(repo, editBlob)).toBe(false);
    expectNoLeftovers(repo);
  });

  it("--branch brings exactly the objects of the snapshot commit and the plan's commit", async () => {
    const { repo, head, before, draftBlob, editBlob } = dirtyRepo();
    const plan = writePlan(repo, [{ id: "W1", tasks: [{ id: "a", run: "echo a > a.txt" }] }]);
    expectOk(await run(repo, plan, "--allow-dirty", "--branch", "with-edits"));
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(git(repo, "rev-parse", "with-edits~2")).toBe(head);
    expect(git(repo, "show", "--name-only", "--format=", "with-edits~1").split("\n").sort()).toEqual(["README.md", "draft.txt"]);
    expect(git(repo, "show", "--name-only", "--format=", "with-edits").split("\n")).toEqual(["a.txt"]);
    expect(git(repo, "show", "with-edits:draft.txt")).toBe(DRAFT.trimEnd());

    expect(added(repo, before)).toEqual([...reachable(repo, "with-edits", head)].sort());
    expect(hasObject(repo, draftBlob)).toBe(true);
    expect(hasObject(repo, editBlob)).toBe(true);
    expect(unreachable(repo)).toBe("");
    expect(git(repo, "status", "--porcelain")).toBe(" M README.md\n?? draft.txt");
    expectNoLeftovers(repo);
  });
});

function hasObject(repo: string, id: string): boolean {
  try {
    git(repo, "cat-file", "-e", id);
    return true;
  } catch {
    return false;
  }
}
