/**
 * What a task leaves in its folder cannot reach outside it or hang a later task (issue 24, cases 5, 9
 * and 10): restoring upstream outputs never follows a symbolic link; a checkpoint and a kept log have
 * size limits (`limits:` in the plan) with clear errors; FIFOs and other special files are removed
 * from slots. Real runs with the real CLI.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, git, makeRepo, requireBundle, tempDir, writeFiles } from "../support/repo.js";

let state: string;
beforeAll(() => {
  requireBundle();
  state = tempDir("waveplan-state-");
});

function plan(waves: string, extra = ""): string {
  return `version: 1
name: slot hygiene
instances:
  I1: { role: Writer }
${extra}waves:
${waves}`;
}

async function runPlan(repo: string, yaml: string, env: Record<string, string> = {}) {
  writeFiles(join(repo, ".."), { "plan.yml": yaml });
  return cli(repo, ["run", "../plan.yml"], { XDG_STATE_HOME: state, ...env });
}

/** Every file under `dir` (not following links), with its size in bytes. */
function sizes(dir: string): number[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => statSync(join(e.parentPath, e.name)).size);
}

describe("case 5: restoring upstream outputs never writes through a symbolic link", () => {
  it("a folder of a declared output replaced by a link to outside: refused, nothing written outside", async () => {
    const repo = makeRepo({ ".gitignore": "gen/\n" });
    const base = git(repo, "rev-parse", "HEAD");
    const outside = tempDir("waveplan-outside-");
    const r = await runPlan(
      repo,
      plan(`  - id: W1
    tasks:
      - { id: A, instance: I1, run: "mkdir -p gen && echo report > gen/report.txt", outputs: [gen/report.txt] }
  - id: W2
    tasks:
      - { id: B, instance: I1, run: 'rm -rf gen && ln -s "$OUTSIDE" gen' }
  - id: W3
    tasks:
      - { id: C, instance: I1, run: "true" }
`),
      { OUTSIDE: outside },
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/task "C" \(I1\) failed: cannot restore output gen\/report\.txt of task "A": .*gen is a symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
    expect(git(repo, "rev-parse", "HEAD")).toBe(base);
  }, 120_000);
});

describe("case 9: size limits", () => {
  it("a sparse 1 GiB declared output fails its task under the default limit; the checkpoint stays small", async () => {
    const repo = makeRepo({ ".gitignore": "big.bin\n" });
    const r = await runPlan(
      repo,
      plan(`  - id: W1
    tasks:
      - { id: A, instance: I1, run: "truncate -s 1G big.bin", outputs: [big.bin] }
`),
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(
      'task "A" (I1) failed: checkpoint over the size limit of 256 MiB (limits.checkpoint in the plan): output big.bin is 1 GiB',
    );
    const runs = join(repo, ".waveplan/runs");
    const total = sizes(runs).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(1024 * 1024);
  }, 120_000);

  it("limits.checkpoint is configurable: a change larger than it fails its task, naming the patch", async () => {
    const repo = makeRepo();
    const r = await runPlan(
      repo,
      plan(
        `  - id: W1
    tasks:
      - { id: A, instance: I1, run: "head -c 300000 /dev/urandom | base64 > noise.txt" }
`,
        "limits: { checkpoint: 100KiB }\n",
      ),
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/checkpoint over the size limit of 100 KiB \(limits\.checkpoint in the plan\): its change \(patch\) is \d/);
  }, 120_000);

  it("a log beyond limits.log is cut there, saying so", async () => {
    const repo = makeRepo();
    const r = await runPlan(
      repo,
      plan(
        `  - id: W1
    tasks:
      - { id: A, instance: I1, run: "head -c 3000000 /dev/zero | tr '\\\\0' x; echo" }
`,
        "limits: { log: 1MiB }\n",
      ),
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const runId = readdirSync(join(repo, ".waveplan/runs"))[0];
    const log = readFileSync(join(repo, ".waveplan/runs", runId, "logs/A.log"), "utf8");
    // (booleans: a failure must not print a megabyte of x)
    expect(log.length < 1024 * 1024 + 1024, `log of ${log.length} bytes`).toBe(true);
    expect(log.startsWith("x".repeat(1024 * 1024))).toBe(true);
    expect(log.slice(1024 * 1024)).toContain(
      "[waveplan] log truncated: the task printed more than 1 MiB (limits.log in the plan); the rest was not kept",
    );
  }, 120_000);

  it("a limit that is not a size is a plan error at its line", async () => {
    const repo = makeRepo();
    const r = await runPlan(
      repo,
      plan(`  - id: W1\n    tasks:\n      - { id: A, instance: I1, run: "true" }\n`, "limits: { log: lots }\n"),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plan\.yml:5:\d+: error: .*a size is written like 512KiB, 64MiB or 1GiB/);
  }, 60_000);
});

describe("case 10: special files do not survive in a slot", () => {
  it("a FIFO left by a task of an earlier run does not hang a task of a later run", async () => {
    const repo = makeRepo({ ".gitignore": "build.log\n" });
    const first = await runPlan(repo, plan(`  - id: W1\n    tasks:\n      - { id: A, instance: I1, run: "mkfifo build.log" }\n`));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    // the slot is kept for the next run; writing to a FIFO nobody reads would block until the timeout
    const second = await runPlan(
      repo,
      plan(`  - id: W1\n    tasks:\n      - { id: A, instance: I1, timeout: 60s, run: "echo hi > build.log && echo done > done.txt" }\n`),
    );
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(git(repo, "show", "HEAD:done.txt")).toBe("done");
    for (const slot of readdirSync(join(repo, ".waveplan/slots"), { withFileTypes: true }))
      if (slot.isDirectory())
        expect(
          existsSync(join(slot.parentPath, slot.name, "build.log")) && statSync(join(slot.parentPath, slot.name, "build.log")).isFIFO(),
        ).toBe(false);
  }, 180_000);
});

describe("case 2: a task cannot make waveplan's git run its code", () => {
  it("core.fsmonitor set in waveplan's run repository (.waveplan/git/config): refused, never run", async () => {
    const repo = makeRepo();
    const base = git(repo, "rev-parse", "HEAD");
    const dir = tempDir("waveplan-trap-");
    const marker = join(dir, "ran");
    writeFiles(dir, { "trap.sh": `#!/bin/sh\ntouch '${marker}'\n` });
    chmodSync(join(dir, "trap.sh"), 0o755);
    const r = await runPlan(
      repo,
      plan(
        `  - id: W1
    tasks:
      - { id: A, instance: I1, run: 'git config --file ../../git/config core.fsmonitor "$TRAP" && echo a > a.txt' }
  - id: W2
    tasks:
      - { id: B, instance: I1, run: "echo b > b.txt" }
`,
        // the sandbox keeps .waveplan/ out of a task's reach; this is the guard that holds without it
        "sandbox: off\n",
      ),
      { TRAP: join(dir, "trap.sh") },
    );
    expect(existsSync(marker), "waveplan's git ran the task's fsmonitor").toBe(false);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/\.waveplan\/git\/config was changed since waveplan wrote it/);
    expect(git(repo, "rev-parse", "HEAD")).toBe(base);
  }, 120_000);
});
