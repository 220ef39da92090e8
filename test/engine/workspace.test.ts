/**
 * engine/workspace.ts, checkoutWorkspace on a real git repository: `prepare(commit)` leaves the folder
 * exactly that commit's tree — tracked files as committed (content and executable bit), nothing
 * untracked, ignored or nested left over, the index matching, HEAD detached at the commit — from a
 * branch or from a detached HEAD.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { checkoutWorkspace } from "../../src/engine/workspace.js";
import { GitError } from "../../src/git/git.js";
import { cleanEnv, git, makeRepo, writeFiles } from "../support/repo.js";

/** Every file and folder under `dir` except `.git`: files with their content and executable bit. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const rel = relative(dir, path);
      if (rel === ".git") continue;
      if (entry.isDirectory()) {
        out[`${rel}/`] = "(folder)";
        walk(path);
      } else out[rel] = `${statSync(path).mode & 0o111 ? "x " : "- "}${readFileSync(path, "utf8")}`;
    }
  };
  walk(dir);
  return out;
}

/** What `snapshot` shows for `commit` (its folders included), read from git's objects. */
function treeOf(repo: string, commit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of git(repo, "ls-tree", "-r", "-t", commit).split("\n")) {
    const [meta, path] = line.split("\t");
    const [mode, type] = meta.split(" ");
    if (type === "tree") out[`${path}/`] = "(folder)";
    else
      out[path] =
        `${mode === "100755" ? "x " : "- "}${execFileSync("git", ["cat-file", "blob", `${commit}:${path}`], { cwd: repo, env: cleanEnv(), encoding: "utf8" })}`;
  }
  return out;
}

/** A repository with two commits: `old` (the one to prepare) and `head` (main, checked out). */
function twoCommits() {
  const repo = makeRepo({
    ".gitignore": "*.log\nbuild/\n",
    "a.txt": "a at old\n",
    "dir/b.txt": "b at old\n",
    "dir/sub/c.txt": "c at old\n",
    "run.sh": "#!/bin/sh\necho old\n",
  });
  chmodSync(join(repo, "run.sh"), 0o755);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "old");
  const old = git(repo, "rev-parse", "HEAD");
  writeFiles(repo, { "a.txt": "a at head\n", "new.txt": "only at head\n", "later.txt": "tracked at head\n" });
  git(repo, "rm", "-q", "-r", "dir/sub");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "head");
  const head = git(repo, "rev-parse", "HEAD");
  return { repo, old, head };
}

/** Everything a task could leave behind in the folder. */
function dirty(repo: string): void {
  writeFiles(repo, {
    "a.txt": "modified\n", // tracked, modified
    "dir/b.txt": "modified and staged\n",
    "untracked.txt": "u\n",
    "nested/deeper/still/file.txt": "n\n",
    "ignored.log": "i\n",
    "build/out/artifact.bin": "x\n",
    "dir/ignored-inside.log": "i\n",
  });
  git(repo, "add", "dir/b.txt");
  mkdirSync(join(repo, "empty/folders"), { recursive: true });
  chmodSync(join(repo, "run.sh"), 0o644);
  // a repository of its own inside the folder (git clean needs -ff for that)
  makeRepo({ "inner.txt": "inner\n" }, join(repo, "vendored"));
}

describe("checkoutWorkspace", () => {
  it("is the job's checkout as it is: its folder, no git or task variables, no containment scope of its own", () => {
    const ws = checkoutWorkspace("/some/checkout");
    expect(ws.dir).toBe("/some/checkout");
    expect(ws.gitEnv).toEqual({});
    expect(ws.taskEnv).toEqual({});
    expect(ws.contain).toBeUndefined();
  });

  it("prepare(commit) makes the folder exactly the commit: modified files restored, untracked, ignored and nested files and folders removed", async () => {
    const { repo, old, head } = twoCommits();
    dirty(repo);
    await checkoutWorkspace(repo).prepare(Promise.resolve(old), []);
    expect(snapshot(repo)).toEqual(treeOf(repo, old));
    expect(snapshot(repo)["run.sh"]).toBe("x #!/bin/sh\necho old\n");
    expect(git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all")).toBe("");
    expect(git(repo, "rev-parse", "HEAD")).toBe(old);
    // detached: the branch the checkout was on still points where it did
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe("HEAD");
    expect(git(repo, "rev-parse", "main")).toBe(head);
  });

  it("works from a detached HEAD, and back to a later commit (files the later commit tracks come back)", async () => {
    const { repo, old, head } = twoCommits();
    git(repo, "checkout", "-q", "--detach", head);
    dirty(repo);
    // an untracked file where the target commit has a tracked one of the same name
    const ws = checkoutWorkspace(repo);
    await ws.prepare(Promise.resolve(old), []);
    writeFileSync(join(repo, "later.txt"), "untracked, in the way\n");
    await ws.prepare(Promise.resolve(head), []);
    expect(snapshot(repo)).toEqual(treeOf(repo, head));
    expect(git(repo, "rev-parse", "HEAD")).toBe(head);
    expect(git(repo, "status", "--porcelain", "--ignored", "--untracked-files=all")).toBe("");
  });

  it("prepare of the commit already checked out still removes everything the task left", async () => {
    const { repo, head } = twoCommits();
    dirty(repo);
    await checkoutWorkspace(repo).prepare(Promise.resolve(head), []);
    expect(snapshot(repo)).toEqual(treeOf(repo, head));
    expect(git(repo, "diff", "--cached", "--name-only")).toBe("");
  });

  it("a commit the repository does not have fails with a GitError", async () => {
    const { repo } = twoCommits();
    await expect(checkoutWorkspace(repo).prepare(Promise.resolve("0123456789abcdef0123456789abcdef01234567"), [])).rejects.toBeInstanceOf(
      GitError,
    );
  });
});
