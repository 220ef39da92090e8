/**
 * git/shell-pool.ts: commands carried by long-lived sh helpers must behave exactly as a direct spawn —
 * arguments, environment, working directory, stdin, binary stdout, stderr and exit codes — also with
 * more commands in flight than helpers, and after a helper dies.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gitRaw, useShellPool } from "../../src/git/git.js";
import { ShellPool, shQuote } from "../../src/git/shell-pool.js";
import { makeRepo, tempDir } from "../support/repo.js";

let pools: ShellPool[] = [];
afterEach(() => {
  for (const p of pools) p.close();
  pools = [];
});
const pool = (size?: number) => {
  const p = new ShellPool(size);
  pools.push(p);
  return p;
};

describe("ShellPool", () => {
  it("passes arguments and variables through untouched: quotes, $, backticks, globs, spaces, unicode", async () => {
    const weird = [`it's`, `"double"`, "$HOME", "`id`", "*", "a b\tc", "ünï €", "-n", "\\back\\slash", ""];
    const r = await pool().run("printf", ["%s|", ...weird], tempDir(), { WEIRD: `x'$y"\`z\`` });
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(`${weird.join("|")}|`);
    const env = await pool().run("sh", ["-c", 'printf %s "$WEIRD"'], tempDir(), { WEIRD: `x'$y"\`z\`` });
    expect(env.stdout.toString()).toBe(`x'$y"\`z\``);
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it("runs in the given folder, feeds stdin, returns binary stdout, stderr and the exit code", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "here.txt"), "");
    const p = pool();
    expect((await p.run("ls", [], dir, {})).stdout.toString()).toBe("here.txt\n");
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    expect((await p.run("cat", [], dir, {}, bytes)).stdout.equals(bytes)).toBe(true);
    const failed = await p.run("sh", ["-c", "echo out; echo err >&2; exit 7"], dir, {});
    expect([failed.code, failed.stdout.toString(), failed.stderr.toString()]).toEqual([7, "out\n", "err\n"]);
    // a folder that does not exist is an error of that command, reported in its stderr
    const missing = await p.run("true", [], join(dir, "nope"), {});
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.toString()).toMatch(/nope/);
  });

  it("queues commands beyond its size and answers each with its own output", async () => {
    const p = pool(2);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => p.run("sh", ["-c", `printf ${i}; printf e${i} >&2`], tempDir(), {})),
    );
    expect(results.map((r) => r.stdout.toString())).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    expect(results.map((r) => r.stderr.toString())).toEqual(Array.from({ length: 12 }, (_, i) => `e${i}`));
  });

  it("a helper that dies fails its command; the next command gets a new helper", async () => {
    const p = pool(1);
    await expect(p.run("sh", ["-c", "kill -9 $PPID"], tempDir(), {})).rejects.toThrow(/git shell helper ended/);
    expect((await p.run("echo", ["again"], tempDir(), {})).stdout.toString()).toBe("again\n");
  });

  it("refuses what one line cannot carry (the caller spawns those directly)", () => {
    expect(ShellPool.accepts(["a\nb"], {})).toBe(false);
    expect(ShellPool.accepts(["ok"], { V: "x\ny" })).toBe(false);
    expect(ShellPool.accepts(["ok"], { "BAD-NAME": "x" })).toBe(false);
    expect(ShellPool.accepts(["ok"], { V: undefined })).toBe(false);
    expect(ShellPool.accepts(["ok", "with space"], { V: "x" })).toBe(true);
  });
  // (that idle helpers do not keep a process alive is shown by every `waveplan run` test: the CLI
  // routes its git calls through a pool and exits when the run ends)
});

describe("git through the pool", () => {
  it("gives the same results and errors as a direct spawn", async () => {
    const repo = makeRepo({ "a.txt": "a\n", "sub dir/b'.txt": "b\n" });
    mkdirSync(join(repo, "new dir"));
    writeFileSync(join(repo, "new dir/c $x.txt"), "c\n");
    const direct = await Promise.all([
      gitRaw(["status", "--porcelain", "-z", "--untracked-files=all"], { cwd: repo }),
      gitRaw(["hash-object", "--stdin"], { cwd: repo, input: "x\n" }),
      gitRaw(["rev-parse", "--verify", "nope"], { cwd: repo }).catch((e) => e.message),
    ]);
    const stop = useShellPool(2);
    try {
      const pooled = await Promise.all([
        gitRaw(["status", "--porcelain", "-z", "--untracked-files=all"], { cwd: repo }),
        gitRaw(["hash-object", "--stdin"], { cwd: repo, input: "x\n" }),
        gitRaw(["rev-parse", "--verify", "nope"], { cwd: repo }).catch((e) => e.message),
      ]);
      expect(pooled[0].stdout.toString()).toBe(direct[0].stdout.toString());
      expect(pooled[1].stdout.toString()).toBe(execFileSync("git", ["hash-object", "--stdin"], { cwd: repo, input: "x\n" }).toString());
      expect(pooled[2]).toBe(direct[2]);
    } finally {
      stop();
    }
  });
});
