/**
 * One error base (issue 15 point 5): every error waveplan raises on purpose is a WaveplanError with
 * its own `name` (kept through bundling) and an optional `cause`, and the CLI tells such errors from
 * bugs with that one class, not a list.
 */
import { describe, expect, it } from "vitest";
import { SecretLeakError } from "../../src/checkpoint/secret-guard.js";
import { CheckpointError } from "../../src/checkpoint/verify.js";
import { CliError, reportError, UsageError } from "../../src/cli/errors.js";
import { GateError } from "../../src/engine/gate.js";
import { WaveplanError } from "../../src/errors.js";
import { GitError } from "../../src/git/git.js";
import { PlanError } from "../../src/plan/diagnostics.js";
import { LandError } from "../../src/run/land.js";
import { RunError } from "../../src/run/local-runner.js";
import { LockedError } from "../../src/run/lock.js";

const report = (e: unknown) => {
  let out = "";
  const code = reportError(e, (s) => {
    out += s;
  });
  return { code, out };
};

describe("WaveplanError", () => {
  it("is the base of the errors waveplan raises on purpose, each named after its class", () => {
    const errors: [Error, string][] = [
      [new GateError("g"), "GateError"],
      [new CheckpointError("t", "r"), "CheckpointError"],
      [new SecretLeakError("s"), "SecretLeakError"],
      [new LandError("l"), "LandError"],
      [new LockedError("l"), "LockedError"],
      [new RunError("r"), "RunError"],
      [new GitError(["status"], 1, "x"), "GitError"],
      [new PlanError([]), "PlanError"],
      [new UsageError("u"), "UsageError"],
      [new CliError("c"), "CliError"],
    ];
    for (const [e, name] of errors) {
      expect(e, name).toBeInstanceOf(WaveplanError);
      expect(e.name).toBe(name);
    }
  });

  it("keeps its cause", () => {
    const cause = new Error("disk full");
    expect(new WaveplanError("cannot write the checkpoint", { cause }).cause).toBe(cause);
  });

  it("is reported by the CLI as its message alone, with the exit code of its kind", () => {
    expect(report(new RunError("the lock is held"))).toEqual({ code: 1, out: "error: the lock is held\n" });
    expect(report(new GateError("upstream missing"))).toEqual({ code: 1, out: "error: upstream missing\n" });
    expect(report(new UsageError("--concurrency must be a positive integer"))).toEqual({
      code: 2,
      out: "error: --concurrency must be a positive integer\n",
    });
    expect(report(new CliError("stale", 3))).toEqual({ code: 3, out: "error: stale\n" });
  });
});
