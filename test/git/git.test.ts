/** src/git/git.ts against the real git executable in a temp repository. */
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WaveplanError } from "../../src/errors.js";
import { commitTree, GitError, git, gitRaw, headCommit, repoRoot } from "../../src/git/git.js";
import { git as gitSync, makeRepo, tempDir, writeFiles } from "../support/repo.js";

describe("git", () => {
  it("returns stdout without its final newline, and raw bytes untouched", async () => {
    const repo = makeRepo({ "a.txt": "one\n" });
    expect(await git(["show", "HEAD:a.txt"], { cwd: repo })).toBe("one");
    expect((await gitRaw(["show", "HEAD:a.txt"], { cwd: repo })).stdout.toString()).toBe("one\n");
  });

  it("a failure names the command, the exit code and git's first lines of stderr", async () => {
    const repo = makeRepo();
    const error = await git(["rev-parse", "--verify", "no-such-ref"], { cwd: repo }).catch((e) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toBeInstanceOf(WaveplanError);
    expect(error.name).toBe("GitError");
    expect(error.code).toBe(128);
    expect(error.message).toBe("git rev-parse --verify no-such-ref failed (128): fatal: Needed a single revision");
  });

  it("keeps the first six lines of stderr in the message, all of it in .stderr", async () => {
    const repo = makeRepo();
    // a git subcommand of its own (git runs git-<name> from PATH; waveplan's git runs no hooks) that
    // writes ten lines to stderr and fails
    const bin = tempDir("waveplan-bin-");
    writeFiles(bin, { "git-tenlines": '#!/bin/sh\nfor i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i" >&2; done\nexit 1\n' });
    chmodSync(join(bin, "git-tenlines"), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const error = (await git(["tenlines", "-x"], { cwd: repo, env }).catch((e) => e)) as GitError;
    expect(error.code).toBe(1);
    expect(error.stderr.trim().split("\n")).toHaveLength(10);
    expect(error.message).toBe(`git tenlines -x failed (1): ${["1", "2", "3", "4", "5", "6"].map((i) => `line ${i}`).join("\n")}`);
  });

  it("accepts the exit codes it is told to", async () => {
    const repo = makeRepo({ "a.txt": "one\n" });
    gitSync(repo, "rm", "-q", "--cached", "a.txt");
    const r = await gitRaw(["diff", "--cached", "--quiet"], { cwd: repo, okCodes: [1] });
    expect(r.code).toBe(1);
    await expect(gitRaw(["diff", "--cached", "--quiet"], { cwd: repo })).rejects.toThrow("git diff --cached --quiet failed (1)");
  });

  it("passes input on stdin", async () => {
    const repo = makeRepo();
    const id = await git(["hash-object", "-w", "--stdin"], { cwd: repo, input: "hello\n" });
    expect(gitSync(repo, "cat-file", "-p", id)).toBe("hello");
  });

  it("commitTree makes the same commit for the same tree (fixed internal identity and dates), on no ref", async () => {
    const repo = makeRepo({ "a.txt": "one\n" });
    const head = gitSync(repo, "rev-parse", "HEAD");
    const tree = gitSync(repo, "rev-parse", "HEAD^{tree}");
    const a = await commitTree(repo, tree, [head], "waveplan: test");
    expect(await commitTree(repo, tree, [head], "waveplan: test")).toBe(a);
    expect(gitSync(repo, "log", "-1", "--format=%an <%ae> %at %s", a)).toBe("waveplan <waveplan@localhost> 1700000000 waveplan: test");
    expect(gitSync(repo, "rev-parse", "HEAD")).toBe(head);
    const custom = await commitTree(repo, tree, [], "mine", {
      GIT_AUTHOR_NAME: "A",
      GIT_AUTHOR_EMAIL: "a@example.com",
      GIT_COMMITTER_NAME: "A",
      GIT_COMMITTER_EMAIL: "a@example.com",
    });
    expect(gitSync(repo, "log", "-1", "--format=%an %P", custom)).toBe("A ");
  });

  it("repoRoot and headCommit; outside a repository a GitError", async () => {
    const repo = makeRepo();
    expect(await repoRoot(repo)).toBe(repo);
    expect(await headCommit(repo)).toBe(gitSync(repo, "rev-parse", "HEAD"));
    const empty = tempDir();
    gitSync(empty, "init", "-q");
    await expect(headCommit(empty)).rejects.toThrow(/^git rev-parse --verify HEAD\^\{commit\} failed \(128\)/);
  });
});
