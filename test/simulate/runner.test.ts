/**
 * The runner's semantics on hand-written workflows of `run:` steps (no action, so they are quick):
 * needs and job outputs, matrix expansion and fail-fast, status functions, timeouts, file commands,
 * continue-on-error, and what the simulator refuses.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PlanError } from "../../src/plan/diagnostics.js";
import { InputError } from "../../src/simulate/inputs.js";
import { SimulateError } from "../../src/simulate/simulate.js";
import { plainRepo, simulateIn } from "./helpers.js";

const SEMANTICS = `name: semantics
on:
  workflow_dispatch:
    inputs:
      greeting: { type: string, default: hello }
      loud: { type: boolean, default: false }
env:
  WORKFLOW_VAR: wf
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      word: \${{ steps.say.outputs.word }}
    env:
      JOB_VAR: \${{ inputs.greeting }}-job
    steps:
      - run: echo "FROM_ENV_FILE=carried" >> "$GITHUB_ENV"
      - id: say
        run: |
          test "$FROM_ENV_FILE" = carried
          test "$JOB_VAR" = "hi-job"
          test "$WORKFLOW_VAR" = wf
          test "$GITHUB_EVENT_NAME" = workflow_dispatch
          test "$GITHUB_REF" = refs/heads/main
          { echo "word<<EOF"; echo "two"; echo "lines"; echo "EOF"; } >> "$GITHUB_OUTPUT"
          echo "### first summary" >> "$GITHUB_STEP_SUMMARY"
      - if: inputs.loud
        run: exit 1
  legs:
    needs: first
    runs-on: ubuntu-latest
    name: leg \${{ matrix.n }}\${{ matrix.extra }}
    strategy:
      fail-fast: true
      matrix:
        n: [1, 2, 3]
        include:
          - n: 2
            extra: "+"
    steps:
      - env:
          WORD: \${{ needs.first.outputs.word }}
        run: test "$WORD" = "$(printf 'two\\nlines')"
      - run: |
          if [ "\${{ matrix.n }}" = 2 ]; then exit 3; fi
          sleep 30
  after-legs:
    needs: legs
    runs-on: ubuntu-latest
    steps:
      - run: echo never
  always:
    needs: legs
    if: always()
    runs-on: ubuntu-latest
    outputs:
      seen: \${{ steps.s.outputs.seen }}
    steps:
      - id: s
        run: echo "seen=\${{ needs.legs.result }}" >> "$GITHUB_OUTPUT"
  on-failure:
    needs: always
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - run: test "\${{ needs.always.outputs.seen }}" = failure
  slow:
    runs-on: ubuntu-latest
    timeout-minutes: 0.02
    steps:
      - run: sleep 30
  tolerant:
    runs-on: ubuntu-latest
    steps:
      - id: bad
        continue-on-error: true
        run: exit 1
      - run: test "\${{ steps.bad.outcome }}" = failure && test "\${{ steps.bad.conclusion }}" = success
      - if: failure()
        run: exit 1
`;

describe("runner semantics", () => {
  it("needs, outputs, matrix with fail-fast, status functions, timeouts, file commands and continue-on-error", async () => {
    const s = plainRepo({ ".github/workflows/test.yml": SEMANTICS });
    const started = Date.now();
    const run = await simulateIn(s, { inputs: { greeting: "hi" } });
    const results = Object.fromEntries(Object.entries(run.state.jobs).map(([id, j]) => [id, j.result]));
    expect(results, run.output).toEqual({
      first: "success",
      legs: "failure",
      "after-legs": "skipped",
      always: "success",
      "on-failure": "success",
      slow: "failure",
      tolerant: "success",
    });
    expect(run.state.jobs.first.outputs).toEqual({ word: "two\nlines" });
    expect(run.state.jobs.always.outputs).toEqual({ seen: "failure" });
    const legs = run.state.jobs.legs.instances;
    expect(legs.map((l) => [l.name, l.result])).toEqual([
      ["leg 1", "cancelled"],
      ["leg 2+", "failure"],
      ["leg 3", "cancelled"],
    ]);
    // fail-fast ended the sleeping legs and the timeout the sleeping job: nothing waited 30 s
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(readFileSync(join(run.outDir, "attempt-1/slow/log.txt"), "utf8")).toContain("exceeded the maximum execution time");
    expect(readFileSync(join(run.outDir, "attempt-1/first/summary.md"), "utf8")).toContain("### first summary");
    expect(run.output).toMatch(/✗ leg 2\+\s+failure/);
    expect(run.pushed).toEqual({});
  });

  it("checks out the run's commit with origin at --repo served over HTTP, shallow, and credentials only when persisted", async () => {
    const workflow = `name: checkout
on: workflow_dispatch
jobs:
  kept:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1
      - run: |
          test "$(git rev-parse HEAD)" = "$GITHUB_SHA"
          test "$(git remote get-url origin)" = "\${{ github.repositoryUrl }}"
          test "$(git rev-parse --is-shallow-repository)" = true
          test "$(git rev-list --count HEAD)" = 1
          case "$(git remote get-url origin)" in http://127.0.0.1:*/local/origin.git) ;; *) exit 1 ;; esac
          git config --get-urlmatch http.extraheader "$(git remote get-url origin)" | grep -q "AUTHORIZATION: basic"
          test "$(git branch --show-current)" = main
  dropped:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1
        with:
          persist-credentials: false
          fetch-depth: 0
      - run: |
          test "$(git rev-list --count HEAD)" = 2
          ! git config --get-urlmatch http.extraheader "$(git remote get-url origin)"
`;
    const s = plainRepo({ ".github/workflows/test.yml": workflow });
    writeFileSync(join(s.work, "second.txt"), "second\n");
    const { execFileSync } = await import("node:child_process");
    execFileSync("git", ["add", "-A"], { cwd: s.work });
    execFileSync("git", ["commit", "-qm", "second"], { cwd: s.work });
    execFileSync("git", ["push", "-q", s.bare, "main"], { cwd: s.work });
    const run = await simulateIn(s);
    expect(run.conclusion, run.output + readFileSync(join(run.outDir, "attempt-1/kept/log.txt"), "utf8")).toBe("success");
    // the token stand-in is masked in the log
    expect(readFileSync(join(run.outDir, "attempt-1/kept/log.txt"), "utf8")).toContain("AUTHORIZATION: basic ***");
  });
});

describe("cancelling a run", () => {
  it("cancels the running job; jobs asking for always() still run, the rest are skipped", async () => {
    const workflow = `name: cancel
on: workflow_dispatch
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: sleep 30
  cleanup:
    needs: long
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: test "\${{ needs.long.result }}" = cancelled
  next:
    needs: long
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`;
    const s = plainRepo({ ".github/workflows/test.yml": workflow });
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(), 1000);
    const started = Date.now();
    const run = await simulateIn(s, { cancelled: cancel.signal });
    expect(Object.fromEntries(Object.entries(run.state.jobs).map(([id, j]) => [id, j.result]))).toEqual({
      long: "cancelled",
      cleanup: "success",
      next: "skipped",
    });
    expect(run.conclusion).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe("what the simulator refuses", () => {
  it("a workflow GitHub's parser rejects, with file:line:col", async () => {
    const s = plainRepo({
      ".github/workflows/test.yml":
        "name: x\non: workflow_dispatch\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $" +
        "{{ matrix.x + }}\n        bogus: 1\n",
    });
    const error = await simulateIn(s).catch((e) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      "7:19 Unexpected symbol: '+'. Located at position 10 within expression: matrix.x +",
      "8:9 Unexpected value 'bogus'",
    ]);
  });

  it("any action other than checkout and waveplan, before a job starts", async () => {
    const s = plainRepo({
      ".github/workflows/test.yml":
        "name: x\non: workflow_dispatch\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n      - uses: actions/setup-node@v4\n",
    });
    const error = await simulateIn(s).catch((e) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).message).toMatch(/test\.yml:8:15: error: `uses: actions\/setup-node@v4` cannot run in the simulator/);
  });

  it("unknown inputs and a --fail task no job runs", async () => {
    const s = plainRepo({
      ".github/workflows/test.yml":
        "name: x\non:\n  workflow_dispatch:\n    inputs:\n      land: { type: boolean, default: true }\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
    });
    await expect(simulateIn(s, { inputs: { nope: "1" } })).rejects.toThrow(InputError);
    await expect(simulateIn(s, { inputs: { land: "maybe" } })).rejects.toThrow('input "land" is a boolean: true or false, got "maybe"');
    await expect(simulateIn(s, { failTask: "I9-W9-9" })).rejects.toThrow(SimulateError);
  });
});
