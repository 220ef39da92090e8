/**
 * Git edge cases through `waveplan run` (issue 7, item 2): what a task changes must reach later
 * tasks and the landed commit byte for byte and mode for mode. (What a task cannot reach — the user's
 * git state — is test/run/containment.test.ts.)
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo, requireBundle } from "../support/repo.js";
import { expectNoLeftovers, expectOk, latestRun, record, run, treeFiles, writePlan } from "./helpers.js";

beforeAll(requireBundle);

const BINARY = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0, 0x1b, 0x80, 0x7f, 10, 0]);
const octal = (b: Buffer) => [...b].map((x) => `\\${x.toString(8).padStart(3, "0")}`).join("");
const UNICODE = 'dir with space/naïve café ☕ "quoted".txt';

function execBinary(cwd: string, args: string[]): Buffer {
  return execFileSync("git", args, { cwd, maxBuffer: 256 * 1024 * 1024 });
}

/** Mode and blob content of a path in a commit. */
function entry(repo: string, rev: string, path: string): { mode: string; data: Buffer } {
  const [meta] = git(repo, "ls-tree", "-z", rev, "--", path).split("\t");
  const [mode, , oid] = meta.split(" ");
  return { mode, data: execBinary(repo, ["cat-file", "blob", oid]) };
}

describe("changes of every kind travel through checkpoints and land", () => {
  it("binary files, deletions, renames, executable bits, symlinks, unusual names, empty changes, ignored outputs", async () => {
    const repo = makeRepo({
      ".gitignore": "build/\n",
      "bin.dat": Buffer.from("old binary \0 content"),
      "gone.txt": "delete me\n",
      "old name.txt": "rename me\n",
      "script.sh": "#!/bin/sh\necho hi\n",
      "link-target.txt": "target\n",
      "tool.sh": "#!/bin/sh\n",
    });
    git(repo, "update-index", "--chmod=+x", "tool.sh");
    git(repo, "commit", "-q", "-m", "exec");
    git(repo, "checkout", "-q", "--", "tool.sh");
    const base = git(repo, "rev-parse", "HEAD");
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [
          { id: "binary", instance: "I1", run: `printf '${octal(BINARY)}' > bin.dat\nprintf '${octal(BINARY)}' > new.bin` },
          { id: "delete", instance: "I2", run: "rm gone.txt" },
          { id: "rename", instance: "I3", run: 'mv "old name.txt" "new name.txt"' },
          { id: "modes", instance: "I4", run: "chmod +x script.sh\nchmod -x tool.sh" },
          { id: "symlink", instance: "I5", run: "ln -s link-target.txt link\nmkdir -p sub\nln -s ../link-target.txt sub/up" },
          { id: "names", instance: "I6", run: `mkdir -p "dir with space"\necho 'ü' > '${UNICODE}'\necho dash > ./-dash.txt` },
          { id: "empty", instance: "I7", run: "touch link-target.txt\ngit status --porcelain > /dev/null" },
          { id: "ignored", instance: "I8", outputs: ["build/out.txt"], run: "mkdir -p build\necho generated > build/out.txt" },
        ],
      },
      {
        id: "W2",
        mode: "sequential",
        tasks: [
          {
            id: "check",
            instance: "I1",
            run: [
              `cmp bin.dat <(printf '${octal(BINARY)}')`,
              `cmp new.bin <(printf '${octal(BINARY)}')`,
              "test ! -e gone.txt",
              'test ! -e "old name.txt"',
              'test "$(cat "new name.txt")" = "rename me"',
              "test -x script.sh",
              "test ! -x tool.sh",
              'test -L link && test "$(readlink link)" = link-target.txt && test "$(cat link)" = target',
              'test -L sub/up && test "$(cat sub/up)" = target',
              `test "$(cat '${UNICODE}')" = ü`,
              "test -f ./-dash.txt",
              'test "$(cat build/out.txt)" = generated',
              "echo checked > checked.txt",
            ].join("\n"),
          },
          {
            id: "again",
            instance: "I2",
            run: 'mv "new name.txt" "renamed again.txt"\nln -sfn script.sh link\nchmod -x script.sh\nrm new.bin',
          },
        ],
      },
      // outputs that git ignores still reach tasks two waves later
      { id: "W3", tasks: [{ id: "late", run: "cat build/out.txt > from-ignored.txt\ntest -L link" }] },
    ]);
    const r = await run(repo, plan);
    expectOk(r);
    expect(git(repo, "rev-parse", "HEAD^")).toBe(base);
    expect(treeFiles(repo)).toEqual(
      [
        ".gitignore",
        "-dash.txt",
        "bin.dat",
        "checked.txt",
        UNICODE,
        "from-ignored.txt",
        "link",
        "link-target.txt",
        "renamed again.txt",
        "script.sh",
        "sub/up",
        "tool.sh",
      ].sort(),
    );
    expect(entry(repo, "HEAD", "bin.dat").data.equals(BINARY)).toBe(true);
    expect(entry(repo, "HEAD", "script.sh").mode).toBe("100644");
    expect(entry(repo, "HEAD", "tool.sh").mode).toBe("100644");
    expect(entry(repo, "HEAD", "link")).toEqual({ mode: "120000", data: Buffer.from("script.sh") });
    expect(entry(repo, "HEAD", "sub/up")).toEqual({ mode: "120000", data: Buffer.from("../link-target.txt") });
    expect(entry(repo, "HEAD", UNICODE).data.toString()).toBe("ü\n");
    expect(entry(repo, "HEAD", "renamed again.txt").data.toString()).toBe("rename me\n");
    expect(entry(repo, "HEAD", "from-ignored.txt").data.toString()).toBe("generated\n");
    // the working tree follows the landed commit, symlinks and modes included
    expect(git(repo, "status", "--porcelain")).toBe("");
    expect(statSync(join(repo, "tool.sh")).mode & 0o111).toBe(0);

    // records: an empty change is an empty patch; renames are a delete and an add; ignored outputs are carried
    expect(record(repo, "empty").patch).toMatchObject({ bytes: 0, files: [] });
    expect(record(repo, "rename").patch.files.sort()).toEqual(["new name.txt", "old name.txt"]);
    expect(record(repo, "names").patch.files.sort()).toEqual(["-dash.txt", UNICODE]);
    const ignored = record(repo, "ignored");
    expect(ignored.patch.files).toEqual([]);
    expect(ignored.outputs).toEqual([
      { path: "build/out.txt", bytes: 10, sha256: createHash("sha256").update("generated\n").digest("hex") },
    ]);
    expect(readFileSync(join(repo, ".waveplan/runs", latestRun(repo), "checkpoints/ignored/outputs/build/out.txt"), "utf8")).toBe(
      "generated\n",
    );
    // ignored outputs are not part of the landed tree, and never appear in the user's working tree
    expect(existsSync(join(repo, "build"))).toBe(false);
    expectNoLeftovers(repo);
  });

  it("a plan whose tasks change nothing succeeds with the base tree", async () => {
    const repo = makeRepo();
    const tree = git(repo, "rev-parse", "HEAD^{tree}");
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "noop", run: "true" }] },
      { id: "W2", tasks: [{ id: "noop2", run: "cat README.md > /dev/null" }] },
    ]);
    expectOk(await run(repo, plan));
    expect(git(repo, "rev-parse", "HEAD^{tree}")).toBe(tree);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  it("a file larger than 50 MB is carried to the next wave and lands intact", async () => {
    const repo = makeRepo();
    const size = 50 * 1024 * 1024 + 1;
    const plan = writePlan(repo, [
      { id: "W1", tasks: [{ id: "make", run: `head -c ${size} /dev/urandom > big.bin\nsha256sum big.bin | cut -d' ' -f1 > big.sha` }] },
      { id: "W2", tasks: [{ id: "use", run: "sha256sum big.bin | cut -d' ' -f1 | cmp - big.sha\necho ok > ok.txt" }] },
    ]);
    expectOk(await run(repo, plan));
    const blob = execBinary(repo, ["cat-file", "blob", "HEAD:big.bin"]);
    expect(blob.length).toBe(size);
    expect(createHash("sha256").update(blob).digest("hex")).toBe(git(repo, "show", "HEAD:big.sha"));
    expect(
      createHash("sha256")
        .update(readFileSync(join(repo, "big.bin")))
        .digest("hex"),
    ).toBe(git(repo, "show", "HEAD:big.sha"));
    expect(treeFiles(repo)).toEqual(["README.md", "big.bin", "big.sha", "ok.txt"]);
  }, 120_000);
});

describe("git in a task", () => {
  it("git commands in a task's slot work (status, add, commit on its detached HEAD); its commits land as the files they left", async () => {
    const repo = makeRepo();
    const plan = writePlan(repo, [
      {
        id: "W1",
        tasks: [{ id: "committer", run: "echo one > one.txt\ngit add one.txt\ngit commit -q -m 'task commit'\ngit status --short" }],
      },
      { id: "W2", tasks: [{ id: "next", run: "cat one.txt > two.txt" }] },
    ]);
    expectOk(await run(repo, plan));
    expect(treeFiles(repo)).toEqual(["README.md", "one.txt", "two.txt"]);
    expect(git(repo, "rev-list", "--count", "HEAD")).toBe("2");
  });
});
