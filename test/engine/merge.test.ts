/**
 * Parallel siblings' changes combine the way git merges branches (issue 23), with real git: each
 * sibling's captured patch is against the tree they all started from; materialize merges them in plan
 * order, and only what git calls a conflict is one — named by both tasks, the path and the lines.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckpointRecord } from "../../src/checkpoint/record.js";
import type { VerifiedCheckpoint } from "../../src/checkpoint/verify.js";
import { captureChange } from "../../src/engine/capture.js";
import { MergeConflictError } from "../../src/engine/conflict-report.js";
import { materializeCommit, materializeTree, TreeCache } from "../../src/engine/materialize.js";
import { checkoutWorkspace } from "../../src/engine/workspace.js";
import type { Task } from "../../src/plan/model.js";
import { git, makeRepo, tempDir } from "../support/repo.js";

const TEN = `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join("\n")}\n`;
const edit = (text: string, line: number, to: string) => text.replace(`line ${line}\n`, `${to}\n`);

/** A sibling's verified checkpoint: its change captured against `start`, citing `upstream` (what started it). */
async function sibling(
  repo: string,
  start: string,
  id: string,
  change: (dir: string) => void,
  upstream: VerifiedCheckpoint[] = [],
  wave = "W1",
): Promise<VerifiedCheckpoint> {
  git(repo, "checkout", "-q", "-f", "--detach", start);
  change(repo);
  const dir = tempDir(`waveplan-merge-${id}-`);
  const captured = await captureChange(checkoutWorkspace(repo), start, { id, outputs: [] } as unknown as Task, dir);
  git(repo, "reset", "-q", "--hard");
  git(repo, "clean", "-q", "-ffdx");
  const record = {
    task: { id, wave },
    patch: captured.patch,
    outputs: [],
    upstream: upstream.map((u) => ({ task: u.record.task.id, record: u.recordSha256 })),
  } as unknown as CheckpointRecord;
  return { dir, record, recordSha256: id.padEnd(64, "0"), patchFile: join(dir, "change.patch") };
}

const show = (repo: string, tree: string, path: string) => git(repo, "show", `${tree}:${path}`);

async function conflictOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(MergeConflictError);
  return (e as Error).message;
}

describe("merging parallel siblings", () => {
  it("edits to different lines of one file both land; the same edit made twice lands once; a downstream task builds on the merge", async () => {
    const repo = makeRepo({ "app.py": TEN, "other.txt": "o\n" });
    const base = git(repo, "rev-parse", "HEAD");
    const a = await sibling(repo, base, "A-W1-1", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 2, "two")));
    const b = await sibling(repo, base, "B-W1-1", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 9, "nine")));
    const c = await sibling(repo, base, "C-W1-1", (d) => {
      writeFileSync(join(d, "app.py"), edit(TEN, 2, "two"));
      writeFileSync(join(d, ".gitignore"), ".aider*\n");
    });
    const d = await sibling(repo, base, "D-W1-1", (dir) => writeFileSync(join(dir, ".gitignore"), ".aider*\n"));
    const tree = await materializeTree(repo, base, [a, b, c, d]);
    expect(show(repo, tree, "app.py")).toBe(edit(edit(TEN, 2, "two"), 9, "nine").trimEnd());
    expect(show(repo, tree, ".gitignore")).toBe(".aider*");
    expect(show(repo, tree, "other.txt")).toBe("o");

    // the next wave starts from the merge; with a cache the merged prefix is reused and gives the same tree
    const merged = await materializeCommit(repo, base, [a, b, c, d]);
    const e = await sibling(
      repo,
      merged,
      "E-W2-1",
      (dir) => writeFileSync(join(dir, "app.py"), edit(edit(edit(TEN, 2, "two"), 9, "nine"), 5, "five")),
      [a, b, c, d],
      "W2",
    );
    const cache = new TreeCache(join(tempDir(), "trees"));
    expect(await materializeCommit(repo, base, [a, b, c, d], cache)).toBe(merged);
    const after = await materializeTree(repo, base, [a, b, c, d, e], cache);
    expect(after).toBe(await materializeTree(repo, base, [a, b, c, d, e]));
    expect(show(repo, after, "app.py")).toContain("two\nline 3\nline 4\nfive\n");
    await cache.dispose();
  });

  it("overlapping edits are a conflict naming both tasks, the path, each side's lines and git's markers", async () => {
    const repo = makeRepo({ "app.py": TEN });
    const base = git(repo, "rev-parse", "HEAD");
    const a = await sibling(repo, base, "A-W1-1", (d) => writeFileSync(join(d, "app.py"), edit(edit(TEN, 3, "three"), 4, "four")));
    const free = await sibling(repo, base, "F-W1-1", (d) => writeFileSync(join(d, "free.txt"), "f\n"));
    const b = await sibling(repo, base, "B-W1-1", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 4, "FOUR")));
    const message = await conflictOf(materializeTree(repo, base, [a, free, b]));
    expect(message).toContain('conflict: parallel tasks "A-W1-1" and "B-W1-1" of wave "W1" change app.py in ways that do not merge:');
    // git's conflict region: both sides' lines 3-4 (B kept line 3, changed line 4)
    expect(message).toContain('app.py: "A-W1-1" lines 3-4, "B-W1-1" lines 3-4');
    expect(message).toContain(
      ["    <<<<<<< A-W1-1", "    three", "    four", "    =======", "    line 3", "    FOUR", "    >>>>>>> B-W1-1"].join("\n"),
    );
    expect(message).not.toContain("F-W1-1");
    expect(message).toMatch(/--redo B-W1-1.*later wave.*sequential wave/);
  });

  it("names the earlier sibling that conflicts, not the first one that touched the file", async () => {
    const repo = makeRepo({ "app.py": TEN });
    const base = git(repo, "rev-parse", "HEAD");
    const a = await sibling(repo, base, "a", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 1, "ONE")));
    const b = await sibling(repo, base, "b", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 8, "EIGHT")));
    const c = await sibling(repo, base, "c", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 8, "eight")));
    expect(await conflictOf(materializeTree(repo, base, [a, b, c]))).toContain('app.py: "b" line 8, "c" line 8');
  });

  it("delete/modify, file/folder and a binary file changed on both sides are conflicts, in git's words with task names", async () => {
    const bin = Buffer.from([0, 1, 2, 3, 0, 255]);
    const repo = makeRepo({ "app.py": TEN, "data.bin": bin, x: "file\n" });
    const base = git(repo, "rev-parse", "HEAD");
    const del = await sibling(repo, base, "del", (d) => rmSync(join(d, "app.py")));
    const mod = await sibling(repo, base, "mod", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 5, "five")));
    expect(await conflictOf(materializeTree(repo, base, [del, mod]))).toMatch(
      /app\.py: CONFLICT \(modify\/delete\): app\.py deleted in "del" and modified in "mod"/,
    );

    const b1 = await sibling(repo, base, "b1", (d) => writeFileSync(join(d, "data.bin"), Buffer.concat([bin, Buffer.from([1])])));
    const b2 = await sibling(repo, base, "b2", (d) => writeFileSync(join(d, "data.bin"), Buffer.concat([bin, Buffer.from([2])])));
    expect(await conflictOf(materializeTree(repo, base, [b1, b2]))).toMatch(
      /parallel tasks "b1" and "b2" .* data\.bin[\s\S]*data\.bin: .*binary/i,
    );

    const file = await sibling(repo, base, "file", (d) => writeFileSync(join(d, "x"), "changed\n"));
    const folder = await sibling(repo, base, "folder", (d) => {
      rmSync(join(d, "x"));
      mkdirSync(join(d, "x"));
      writeFileSync(join(d, "x/y.txt"), "y\n");
    });
    const clash = await conflictOf(materializeTree(repo, base, [file, folder]));
    expect(clash).toContain('parallel tasks "file" and "folder" of wave "W1" change x in ways that do not merge');
    expect(clash).toContain('x: a file in "file", a folder in "folder"');
  });

  it("honours .gitattributes: merge=union keeps both sides, -merge (binary) conflicts; a configured merge driver command never runs", async () => {
    const repo = makeRepo({
      ".gitattributes": "*.list merge=union\nlocked.txt -merge\nsub/*.cfg merge=evil\n",
      "names.list": "alice\n",
      "locked.txt": TEN,
      "sub/a.cfg": TEN,
    });
    const marker = join(tempDir(), "driver-ran");
    git(repo, "config", "merge.evil.driver", `touch ${marker}; exit 0`);
    git(repo, "config", "merge.union.driver", `touch ${marker}; exit 0`);
    const base = git(repo, "rev-parse", "HEAD");
    const a = await sibling(repo, base, "a", (d) => {
      writeFileSync(join(d, "names.list"), "alice\nbob\n");
      writeFileSync(join(d, "sub/a.cfg"), edit(TEN, 2, "two"));
    });
    const b = await sibling(repo, base, "b", (d) => {
      writeFileSync(join(d, "names.list"), "alice\ncarol\n");
      writeFileSync(join(d, "sub/a.cfg"), edit(TEN, 9, "nine"));
    });
    const tree = await materializeTree(repo, base, [a, b]);
    expect(show(repo, tree, "names.list")).toBe("alice\nbob\ncarol");
    // merge=evil is no built-in driver: the text merge, never the configured command
    expect(show(repo, tree, "sub/a.cfg")).toBe(edit(edit(TEN, 2, "two"), 9, "nine").trimEnd());
    expect(existsSync(marker)).toBe(false);

    const l1 = await sibling(repo, base, "l1", (d) => writeFileSync(join(d, "locked.txt"), edit(TEN, 2, "two")));
    const l2 = await sibling(repo, base, "l2", (d) => writeFileSync(join(d, "locked.txt"), edit(TEN, 9, "nine")));
    expect(await conflictOf(materializeTree(repo, base, [l1, l2]))).toContain("locked.txt");
  });

  it("a folder's .gitattributes rules only below it; attributes come from the tree the wave started from, not from a sibling's change", async () => {
    const repo = makeRepo({ "sub/.gitattributes": "*.list merge=union\n", "sub/deep/n.list": "a\n", "top.list": "a\n" });
    const base = git(repo, "rev-parse", "HEAD");
    const a = await sibling(repo, base, "a", (d) => {
      writeFileSync(join(d, "sub/deep/n.list"), "a\nb\n");
      writeFileSync(join(d, ".gitattributes"), "top.list merge=union\n");
    });
    const b = await sibling(repo, base, "b", (d) => writeFileSync(join(d, "sub/deep/n.list"), "a\nc\n"));
    expect(show(repo, await materializeTree(repo, base, [a, b]), "sub/deep/n.list")).toBe("a\nb\nc");
    const t1 = await sibling(repo, base, "t1", (d) => {
      writeFileSync(join(d, "top.list"), "a\nb\n");
      writeFileSync(join(d, ".gitattributes"), "top.list merge=union\n");
    });
    const t2 = await sibling(repo, base, "t2", (d) => writeFileSync(join(d, "top.list"), "a\nc\n"));
    expect(await conflictOf(materializeTree(repo, base, [t1, t2]))).toContain('top.list: "t1" line 2, "t2" line 2');
  });

  it("a sequential chain (each link citing the one before) applies in turn, also on one file", async () => {
    const repo = makeRepo({ "app.py": TEN });
    const base = git(repo, "rev-parse", "HEAD");
    const a = await sibling(repo, base, "a", (d) => writeFileSync(join(d, "app.py"), edit(TEN, 2, "two")));
    const afterA = await materializeCommit(repo, base, [a]);
    const b = await sibling(repo, afterA, "b", (d) => writeFileSync(join(d, "app.py"), edit(edit(TEN, 2, "two"), 3, "three")), [a]);
    expect(show(repo, await materializeTree(repo, base, [a, b]), "app.py")).toBe(edit(edit(TEN, 2, "two"), 3, "three").trimEnd());
  });
});
