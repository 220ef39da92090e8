/**
 * The gate over a real local checkpoint store with hand-built records: the whole upstream chain is
 * verified in plan order, a missing or re-written upstream stops the task, and parallel tasks may not
 * change one path.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalCheckpointStore } from "../../src/checkpoint/local-store.js";
import { CHECKPOINT_SCHEMA, type CheckpointRecord } from "../../src/checkpoint/record.js";
import type { VerifiedCheckpoint } from "../../src/checkpoint/verify.js";
import type { RunContext } from "../../src/engine/context.js";
import { assertNoConflicts, GateError, gate, reuseCheckpoint } from "../../src/engine/gate.js";
import { planHash, taskHash } from "../../src/plan/hash.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";
import { findTask, type Plan } from "../../src/plan/model.js";
import { tempDir } from "../support/repo.js";

const { plan } = requirePlan(
  checkPlan(
    `version: 1
name: gate demo
instances:
  A: { role: Writer }
waves:
  - id: W1
    tasks:
      - { id: a, instance: A, run: "true" }
      - { id: b, instance: A, run: "true" }
  - id: W2
    tasks:
      - { id: c, instance: A, run: "true" }
`,
    "gate.yml",
  ),
);
const sha = (data: string) => createHash("sha256").update(data).digest("hex");
const BASE = "b".repeat(40);

/** Writes task `id`'s checkpoint into the store's folder; returns its record.json sha256. */
function publish(root: string, p: Plan, id: string, upstream: { task: string; record: string }[], files: string[] = [`${id}.txt`]): string {
  const t = findTask(p, id);
  if (!t) throw new Error(id);
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const patch = `patch of ${id}\n`;
  writeFileSync(join(dir, "change.patch"), patch);
  const record: CheckpointRecord = {
    schema: CHECKPOINT_SCHEMA,
    plan: { name: p.name, hash: planHash(p) },
    run: { id: "1", attempt: 1 },
    base: BASE,
    task: { id, wave: t.waveId, instance: t.instance, hash: taskHash(p, t) },
    status: "success",
    exitCode: 0,
    tries: 1,
    startedAt: "",
    finishedAt: "",
    durationMs: 0,
    patch: { sha256: sha(patch), bytes: patch.length, files, insertions: 0, deletions: 0 },
    outputs: [],
    upstream,
  };
  const text = JSON.stringify(record);
  writeFileSync(join(dir, "record.json"), text);
  return sha(text);
}

function context(root: string): RunContext {
  return {
    plan,
    planHash: planHash(plan),
    runId: "1",
    attempt: 1,
    base: BASE,
    repoDir: root,
    store: new LocalCheckpointStore(root),
    logDir: root,
    scratchDir: root,
    env: {},
    strictPlanHash: true,
    verified: new Map(),
  };
}

const c = findTask(plan, "c");
if (!c) throw new Error("c");

describe("gate", () => {
  it("verifies every upstream checkpoint and returns them in plan order", async () => {
    const root = tempDir("waveplan-gate-");
    publish(root, plan, "b", []);
    publish(root, plan, "a", []);
    const ctx = context(root);
    expect((await gate(ctx, c)).map((v) => v.record.task.id)).toEqual(["a", "b"]);
    expect([...ctx.verified.keys()].sort()).toEqual(["a", "b"]);
  });

  it("stops the task when an upstream checkpoint is missing, naming both tasks", async () => {
    const root = tempDir("waveplan-gate-");
    publish(root, plan, "a", []);
    await expect(gate(context(root), c)).rejects.toThrow(
      new GateError('task "c" cannot start: upstream task "b" has no checkpoint in this run'),
    );
  });

  it("a checkpoint citing another upstream record than the verified one is not reused (a re-written chain)", async () => {
    const root = tempDir("waveplan-gate-");
    const p2 = requirePlan(
      checkPlan(
        `version: 1\nname: gate demo\ninstances:\n  A: { role: Writer }\nwaves:\n  - id: W1\n    mode: sequential\n    tasks:\n      - { id: a, instance: A, run: "true" }\n      - { id: b, instance: A, run: "true" }\n`,
        "seq.yml",
      ),
    ).plan;
    publish(root, p2, "a", []);
    publish(root, p2, "b", [{ task: "a", record: "e".repeat(64) }]);
    const ctx = { ...context(root), plan: p2, planHash: planHash(p2) };
    const b = findTask(p2, "b");
    if (!b) throw new Error("b");
    // b's own gate needs only a; a later task's gate verifies b against a's real record
    expect((await gate(ctx, b)).map((v) => v.record.task.id)).toEqual(["a"]);
    // b's checkpoint is not reused: it cites another record of a than the one just verified
    const outcome = await reuseCheckpoint(ctx, b);
    expect(outcome.reused).toBeUndefined();
    expect("why" in outcome && outcome.why).toContain('upstream checkpoint of task "a" is not the one it was built on');
  });
});

describe("assertNoConflicts", () => {
  const cp = (id: string, files: string[], outputs: [string, string][] = []): VerifiedCheckpoint =>
    ({
      dir: "",
      patchFile: "",
      recordSha256: "",
      record: { task: { id }, patch: { files }, outputs: outputs.map(([path, sha256]) => ({ path, sha256, bytes: 0 })) },
    }) as unknown as VerifiedCheckpoint;

  it("leaves changes to the same paths to the merge (materialize), also a file where the other has a folder", () => {
    expect(() => assertNoConflicts(plan, [cp("a", ["x/a.txt"]), cp("b", ["x/b.txt"])])).not.toThrow();
    expect(() => assertNoConflicts(plan, [cp("a", ["same.txt"]), cp("b", ["same.txt"])])).not.toThrow();
    expect(() => assertNoConflicts(plan, [cp("a", ["x"]), cp("b", ["x/y.txt"])])).not.toThrow();
  });

  it("refuses two parallel tasks declaring one git-ignored output with different contents; the same bytes, or a tracked file, are no conflict", () => {
    expect(() => assertNoConflicts(plan, [cp("a", [], [["build/out", "1"]]), cp("b", [], [["build/out", "2"]])])).toThrow(
      'conflict: parallel tasks "a" and "b" of wave "W1" both declare the output build/out, with different contents, and it is not in the tree',
    );
    expect(() => assertNoConflicts(plan, [cp("a", [], [["build/out", "1"]]), cp("b", [], [["build/out", "1"]])])).not.toThrow();
    expect(() => assertNoConflicts(plan, [cp("a", ["out"], [["out", "1"]]), cp("b", ["out"], [["out", "2"]])])).not.toThrow();
  });
});
