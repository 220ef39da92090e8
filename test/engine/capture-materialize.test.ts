/**
 * The engine's change round trip with real git: capture writes a task's change as a patch against its
 * materialized commit; materialize rebuilds base + upstream patches, in plan order, without touching
 * any ref, index or working tree of the repository.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckpointRecord } from "../../src/checkpoint/record.js";
import type { VerifiedCheckpoint } from "../../src/checkpoint/verify.js";
import { captureChange } from "../../src/engine/capture.js";
import { materializeCommit, materializeTree, TreeCache } from "../../src/engine/materialize.js";
import { checkoutWorkspace } from "../../src/engine/workspace.js";
import type { Task } from "../../src/plan/model.js";
import { git, makeRepo, tempDir } from "../support/repo.js";

const BINARY = Buffer.from([0, 1, 2, 255, 0, 10, 13, 0, 128]);

function task(id: string, outputs: string[] = []): Task {
  return { id, outputs } as unknown as Task;
}

/** A checkpoint as the gate hands it to materialize, around a captured patch. */
function verified(id: string, dir: string, patch: { bytes: number; sha256: string }): VerifiedCheckpoint {
  const record = { task: { id }, patch, outputs: [] } as unknown as CheckpointRecord;
  return { dir, record, recordSha256: id.padEnd(64, "0"), patchFile: join(dir, "change.patch") };
}

async function capture(repo: string, base: string, id: string, edit: (dir: string) => void, outputs: string[] = []) {
  git(repo, "checkout", "-q", "-f", "--detach", base);
  edit(repo);
  const dir = tempDir(`waveplan-cp-${id}-`);
  const captured = await captureChange(checkoutWorkspace(repo), base, task(id, outputs), dir);
  git(repo, "reset", "-q", "--hard");
  git(repo, "clean", "-q", "-ffdx");
  return { captured, cp: verified(id, dir, captured.patch) };
}

describe("captureChange", () => {
  it("captures a binary change, a mode change, an added and a deleted file, and the declared output", async () => {
    const repo = makeRepo({ "data.bin": BINARY, "run.sh": "echo hi\n", "gone.txt": "bye\n", "keep.txt": "a\nb\n" });
    const base = git(repo, "rev-parse", "HEAD");
    const changed = Buffer.concat([BINARY, Buffer.from([0, 0, 7])]);
    const { captured, cp } = await capture(
      repo,
      base,
      "t",
      (d) => {
        writeFileSync(join(d, "data.bin"), changed);
        chmodSync(join(d, "run.sh"), 0o755);
        rmSync(join(d, "gone.txt"));
        writeFileSync(join(d, "keep.txt"), "a\nB\nc\n");
        mkdirSync(join(d, "out"));
        writeFileSync(join(d, "out/report.txt"), "done\n");
      },
      ["out/report.txt"],
    );
    expect(captured.error).toBeUndefined();
    expect(captured.patch.files.sort()).toEqual(["data.bin", "gone.txt", "keep.txt", "out/report.txt", "run.sh"]);
    // text lines only: keep.txt +2 -1, gone.txt -1, report +1; the binary file and the mode count nothing
    expect([captured.patch.insertions, captured.patch.deletions]).toEqual([3, 2]);
    expect(captured.outputs).toEqual([{ path: "out/report.txt", sha256: expect.stringMatching(/^[0-9a-f]{64}$/), bytes: 5 }]);
    expect(readFileSync(join(cp.dir, "outputs/out/report.txt"), "utf8")).toBe("done\n");

    // the patch alone rebuilds the change exactly: bytes of the binary file and the executable bit
    const commit = await materializeCommit(repo, base, [cp]);
    expect(git(repo, "rev-parse", "HEAD")).toBe(base); // no ref moved
    expect(git(repo, "ls-tree", commit, "run.sh").split(/\s/)[0]).toBe("100755");
    expect(git(repo, "ls-tree", "--name-only", commit).split("\n").sort()).toEqual(["data.bin", "keep.txt", "out", "run.sh"]);
    const blob = git(repo, "rev-parse", `${commit}:data.bin`);
    expect(blob).toBe(git(repo, "hash-object", tempFile(changed)));
  });

  it("an empty folder is no change, and a missing declared output fails the capture's result", async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const { captured } = await capture(repo, base, "t", (d) => mkdirSync(join(d, "empty")), ["out/missing.txt"]);
    expect(captured.patch.files).toEqual([]);
    expect(captured.patch.bytes).toBe(0);
    expect(captured.error).toBe("declared output missing: out/missing.txt");
  });
});

function tempFile(content: Buffer): string {
  const file = join(tempDir("waveplan-blob-"), "blob");
  writeFileSync(file, content);
  return file;
}

describe("materializeCommit", () => {
  it("applies upstream patches in plan order: B's change builds on A's", async () => {
    const repo = makeRepo({ "list.txt": "one\n" });
    const base = git(repo, "rev-parse", "HEAD");
    const a = await capture(repo, base, "a", (d) => writeFileSync(join(d, "list.txt"), "one\ntwo\n"));
    const afterA = await materializeCommit(repo, base, [a.cp]);
    const b = await capture(repo, afterA, "b", (d) => writeFileSync(join(d, "list.txt"), "one\ntwo\nthree\n"));

    const both = await materializeCommit(repo, base, [a.cp, b.cp]);
    expect(git(repo, "show", `${both}:list.txt`)).toBe("one\ntwo\nthree");
    expect(git(repo, "rev-parse", `${both}^`)).toBe(base); // parented on the base, on no branch
    expect(git(repo, "for-each-ref", "--contains", both)).toBe("");

    await expect(materializeCommit(repo, base, [b.cp, a.cp])).rejects.toThrow(
      'the changes of tasks "b", "a" do not apply on top of their upstream',
    );
  });

  it("no upstream is the base itself; with a cache, tasks sharing an upstream share its commit, and a longer upstream extends it (from the kept index) to the same commit as without", async () => {
    const repo = makeRepo({ "list.txt": "one\n" });
    const base = git(repo, "rev-parse", "HEAD");
    expect(await materializeCommit(repo, base, [])).toBe(base);
    const a = await capture(repo, base, "a", (d) => writeFileSync(join(d, "a.txt"), "A\n"));
    const b = await capture(repo, base, "b", (d) => writeFileSync(join(d, "b.txt"), "B\n"));
    const indexDir = join(tempDir(), "trees");
    const cache = new TreeCache(indexDir);
    const [x, y] = await Promise.all([materializeCommit(repo, base, [a.cp], cache), materializeCommit(repo, base, [a.cp], cache)]);
    expect(x).toBe(y);
    expect(readdirSync(indexDir)).toHaveLength(1); // [a]'s index, kept for the next wave
    const ab = await materializeCommit(repo, base, [a.cp, b.cp], cache);
    expect(ab).toBe(await materializeCommit(repo, base, [a.cp, b.cp]));
    expect(git(repo, "ls-tree", "--name-only", ab).split("\n")).toEqual(["a.txt", "b.txt", "list.txt"]);
    expect(readdirSync(indexDir)).toHaveLength(2);
    // the tree alone (landing) is the same tree, from the cache
    expect(await materializeTree(repo, base, [a.cp, b.cp], cache)).toBe(git(repo, "rev-parse", `${ab}^{tree}`));
    await cache.dispose();
    expect(existsSync(indexDir)).toBe(false);
  });
});
