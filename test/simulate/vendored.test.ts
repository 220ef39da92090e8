/**
 * From a fresh repository holding only a plan: `waveplan compile -o` (the bundled CLI) writes the
 * workflow and vendors the action next to it, and the workflow runs under `simulate` with the action
 * the commit holds at .github/actions/waveplan — never the simulator's own bundle in its place.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { env, git, plainRepo, ROOT, requireBundles, simulateIn } from "./helpers.js";

beforeAll(requireBundles);

const PLAN = `version: 1
name: Fresh
instances:
  I1: { role: Writer }
  I2: { role: Reviewer }
waves:
  - id: W0
    tasks:
      - { instance: I1, run: "echo one > one.txt" }
      - { instance: I2, run: "echo two > two.txt" }
  - id: W1
    tasks:
      - { instance: I1, run: "cat one.txt two.txt > both.txt" }
`;

describe("a repository with only a plan", () => {
  it("compiles with the vendored action and runs under simulate with the commit's copy of it", { timeout: 180_000 }, async () => {
    const s = plainRepo({ "waveplan/fresh.yml": PLAN });
    const compiled = execFileSync(
      "node",
      [join(ROOT, "bin/waveplan.js"), "compile", "waveplan/fresh.yml", "-o", ".github/workflows/fresh.yml"],
      {
        cwd: s.work,
        env: env(),
        encoding: "utf8",
      },
    );
    expect(compiled).toMatch(/\.github\/actions\/waveplan\/: the action, vendored \(action\.yml \d+ KiB, index\.mjs \d+ KiB\)/);
    const vendored = join(s.work, ".github/actions/waveplan/index.mjs");
    // the commit's copy announces itself: the simulator must run this file, not its own dist/
    writeFileSync(vendored, `process.stdout.write("vendored copy of this commit\\n");\n${readFileSync(vendored, "utf8")}`);
    git(s.work, "add", "-A");
    git(s.work, "commit", "-qm", "compile the plan");
    git(s.work, "push", "-q", s.bare, "HEAD:main");

    const result = await simulateIn({ ...s, workflow: join(s.work, ".github/workflows/fresh.yml") });
    expect(result.conclusion, result.output).toBe("success");
    const logs = Object.values(result.state.jobs)
      .flatMap((j) => j.instances)
      .map((i) => readFileSync(join(result.outDir, i.log as string), "utf8"));
    expect(logs).toHaveLength(5); // plan, W0 × 2, W1, final-commit
    for (const log of logs) expect(log).toContain("vendored copy of this commit");
    expect(git(s.bare, "show", "main:both.txt")).toBe("one\ntwo");
  });
});
