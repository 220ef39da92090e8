/**
 * waveplan's own git calls run nothing a task could have configured (issue 24, case 2): code-running
 * keys are forced off for every call (git.ts SAFE_CONFIG), and the run repository's config is checked
 * before every call on it (guardConfig). Each case shows first that plain git does run the program.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guardConfig, UntrustedConfigError, git as waveplanGit } from "../../src/git/git.js";
import { cleanEnv, git, makeRepo, tempDir } from "../support/repo.js";

/** An executable that leaves `marker` behind when run. */
function trap(): { program: string; marker: string } {
  const dir = tempDir("waveplan-trap-");
  const program = join(dir, "trap.sh");
  const marker = join(dir, "ran");
  writeFileSync(program, `#!/bin/sh\ntouch '${marker}'\nexit 0\n`);
  chmodSync(program, 0o755);
  return { program, marker };
}

describe("configuration that runs a program", () => {
  const cases: [string, (repo: string, program: string) => void, string[]][] = [
    ["core.fsmonitor", (repo, program) => git(repo, "config", "core.fsmonitor", program), ["status", "--porcelain"]],
    [
      "a hook in core.hooksPath (post-merge, run by landing's fast-forward)",
      (repo, program) => {
        const hooks = tempDir("waveplan-hooks-");
        execFileSync("cp", [program, join(hooks, "post-merge")]);
        git(repo, "config", "core.hooksPath", hooks);
        git(repo, "checkout", "-q", "-b", "next");
        writeFileSync(join(repo, "next.txt"), "next\n");
        git(repo, "add", "next.txt");
        git(repo, "commit", "-q", "-m", "next");
        git(repo, "checkout", "-q", "main");
      },
      ["merge", "-q", "--ff-only", "next"],
    ],
  ];

  it.each(cases)("%s: plain git runs it, waveplan's git does not", async (_name, configure, args) => {
    const { program, marker } = trap();
    const plain = makeRepo();
    configure(plain, program);
    execFileSync("git", args, { cwd: plain, env: cleanEnv(), stdio: "ignore" });
    expect(existsSync(marker), "the case must be able to fail: plain git ran the program").toBe(true);
    rmSync(marker);

    const repo = makeRepo();
    configure(repo, program);
    await waveplanGit(args, { cwd: repo }).catch(() => {});
    expect(existsSync(marker)).toBe(false);
  });
});

describe("the run repository's config is waveplan's alone", () => {
  it("a filter driver a task added there is refused before git reads it", async () => {
    const { program, marker } = trap();
    const repo = makeRepo({ ".gitattributes": "*.txt filter=evil\n", "a.txt": "a\n" });
    const gitDir = join(repo, ".git");
    const content = execFileSync("cat", [join(gitDir, "config")]).toString();
    guardConfig(gitDir, content);
    // untouched: calls go through
    expect(await waveplanGit(["rev-parse", "HEAD"], { cwd: repo, env: { GIT_DIR: gitDir } })).toMatch(/^[0-9a-f]{40}$/);
    // a task defines the driver the attributes name
    writeFileSync(join(gitDir, "config"), `${content}[filter "evil"]\n\tclean = ${program}\n\tsmudge = ${program}\n`);
    writeFileSync(join(repo, "a.txt"), "changed\n");
    const refused = await waveplanGit(["add", "a.txt"], { cwd: repo, env: { GIT_DIR: gitDir, GIT_WORK_TREE: repo } }).catch((e) => e);
    expect(refused).toBeInstanceOf(UntrustedConfigError);
    expect(String(refused.message)).toContain(`${join(gitDir, "config")} was changed since waveplan wrote it`);
    expect(existsSync(marker)).toBe(false);
  });
});
