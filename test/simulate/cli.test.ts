/** `waveplan simulate` through the bundled CLI: exit codes and messages a user sees. */
import { beforeAll, describe, expect, it } from "vitest";
import { plainRepo, requireBundles, simulateCli } from "./helpers.js";

beforeAll(requireBundles);

describe("waveplan simulate (CLI)", () => {
  it("exits 2 on a bad command line", async () => {
    const s = plainRepo({ "README.md": "x\n" });
    const none = await simulateCli(s.work, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("simulate needs a workflow file (or --rerun-failed <out>)");
    const both = await simulateCli(s.work, ["wf.yml", "--rerun-failed", "out"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--rerun-failed continues an earlier run with its own workflow");
    const input = await simulateCli(s.work, ["wf.yml", "--input", "novalue"]);
    expect(input.code).toBe(2);
  });

  it("exits 2 for a --protect that is not a branch name", async () => {
    const s = plainRepo({
      ".github/workflows/test.yml": "on: workflow_dispatch\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: true\n",
    });
    const r = await simulateCli(s.work, [".github/workflows/test.yml", "--repo", s.bare, "--protect", "*"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--protect *: not a valid branch name");
  });

  it("exits 1 with file:line:col when GitHub's parser rejects the workflow, and loads the parser from the bundle", async () => {
    const s = plainRepo({
      ".github/workflows/test.yml": "name: x\non: workflow_dispatch\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n",
    });
    const run = await simulateCli(s.work, [".github/workflows/test.yml", "--repo", s.bare]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\.github\/workflows\/test\.yml:6:5: error: Unexpected value 'stepz'/);
  });

  it("exits 1 when a job fails and says how to re-run it", async () => {
    const s = plainRepo({
      ".github/workflows/test.yml":
        "name: x\non: workflow_dispatch\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo broken >&2; exit 4\n",
    });
    const run = await simulateCli(s.work, [".github/workflows/test.yml", "--repo", s.bare, "--out", `${s.work}/../out`]);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/✗ a\s+failure/);
    expect(run.stdout).toContain("error [a]: Process completed with exit code 4.");
    expect(run.stdout).toContain("re-run the failed jobs with: waveplan simulate --rerun-failed");
  });
});
