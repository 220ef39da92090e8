/**
 * Gate: a task may start only when every upstream checkpoint is present, verified along the whole
 * chain and successful (parallel tasks' changes are then merged by materialize).
 */

import { join } from "node:path";
import { RECORD_FILE } from "../checkpoint/record.js";
import type { CheckpointStore } from "../checkpoint/store.js";
import { CheckpointError, sha256File, type VerifiedCheckpoint, verifyCheckpoint } from "../checkpoint/verify.js";
import { WaveplanError } from "../errors.js";
import { upstreamOf } from "../graph/upstream.js";
import { taskHash } from "../plan/hash.js";
import type { Plan, Task } from "../plan/model.js";
import type { RunContext } from "./context.js";

export class GateError extends WaveplanError {
  override readonly name = "GateError";
}

/** Verified upstream checkpoints of `task`, in plan order. */
export async function gate(ctx: RunContext, task: Task): Promise<VerifiedCheckpoint[]> {
  const verified = await verifyChain(
    ctx,
    upstreamOf(ctx.plan, task),
    (u) => `task "${task.id}" cannot start: upstream task "${u.id}" has no checkpoint in this run`,
  );
  assertNoConflicts(ctx.plan, verified);
  return verified;
}

/**
 * The one chain check, used by a task's gate, the local runner's wave barrier and final-commit: the
 * checkpoints of `tasks` (plan order) not yet in `ctx.verified` are fetched at once (downloads run in
 * parallel on GitHub) and verified; `missing` words the refusal for a task without one.
 */
export async function verifyChain(ctx: RunContext, tasks: Task[], missing: (t: Task) => string): Promise<VerifiedCheckpoint[]> {
  const todo = tasks.filter((u) => !ctx.verified.has(u.id));
  // Each checkpoint is read as soon as its download ends, all of them at once: its record's sha256 is
  // what the records after it must cite, so with every one known up front each checkpoint is verified
  // once, in parallel, against the same expectations a one-by-one walk in plan order would use.
  const fetched = await Promise.all(
    todo.map(async (u) => {
      const dir = await ctx.store.fetch(u.id);
      return { u, dir, record: dir && (await sha256File(join(dir, RECORD_FILE)).catch(() => undefined)) };
    }),
  );
  const recordOf = new Map(fetched.map((f) => [f.u.id, f.record]));
  const lookup = (id: string) => ctx.verified.get(id)?.recordSha256 ?? recordOf.get(id);
  const results = await Promise.all(
    fetched.map(({ u, dir }) =>
      dir
        ? Promise.resolve()
            .then(() => verifyCheckpoint(dir, expectationsFor(ctx, u, lookup)))
            .then(
              (v) => ({ v }),
              (error: unknown) => ({ error }),
            )
        : undefined,
    ),
  );
  // failures are reported in plan order, as the first checkpoint a sequential walk would refuse
  for (const [i, { u }] of fetched.entries()) {
    const r = results[i];
    if (!r) throw new GateError(missing(u));
    if ("error" in r) throw r.error;
    ctx.verified.set(u.id, r.v);
  }
  return tasks.map((u) => ctx.verified.get(u.id) as VerifiedCheckpoint);
}

/** What `task`'s checkpoint must satisfy; `recordOf` gives the record sha256 of each upstream task (default: the verified ones). */
export function expectationsFor(ctx: RunContext, task: Task, recordOf = (id: string) => ctx.verified.get(id)?.recordSha256) {
  return {
    taskId: task.id,
    taskHash: taskHash(ctx.plan, task),
    runId: ctx.runId,
    base: ctx.base,
    planName: ctx.plan.name,
    planHash: ctx.strictPlanHash ? ctx.planHash : undefined,
    alsoFrom: ctx.resumeFrom,
    vouch: ctx.ledger && ((sha: string) => (ctx.ledger as NonNullable<RunContext["ledger"]>).vouch(task.id, sha)),
    upstream: upstreamOf(ctx.plan, task).map((u) => {
      const record = recordOf(u.id);
      if (!record) throw new GateError(`task "${task.id}": upstream task "${u.id}" was not verified first`);
      return { task: u.id, record };
    }),
  };
}

/**
 * Resuming: a task whose checkpoint in `store` (this run's, locally; the resumed run's, on GitHub)
 * still verifies against the current task hash and upstream record chain is not run again. Its
 * upstream must be verified first. The one rule for `run --resume` and GitHub's `resume-from`.
 */
export async function reuseCheckpoint(
  ctx: RunContext,
  t: Task,
  store: CheckpointStore = ctx.store,
): Promise<{ reused: VerifiedCheckpoint } | { reused?: undefined; why: string }> {
  const dir = await store.fetch(t.id);
  if (!dir) return { why: "no checkpoint" };
  try {
    const verified = await verifyCheckpoint(dir, expectationsFor(ctx, t));
    // the secrets may be other ones than when it was made: a checkpoint holding one is not reused
    const leaked = await ctx.secrets?.findInCheckpoint(dir);
    if (leaked) return { why: `its checkpoint holds the value of secret ${leaked.name} (${leaked.file})` };
    ctx.verified.set(t.id, verified);
    return { reused: verified };
  } catch (e) {
    if (e instanceof CheckpointError || e instanceof GateError) return { why: e.message };
    throw e;
  }
}

/**
 * Parallel tasks never see each other's changes; their changes to files are combined by a three-way
 * merge when materialized (engine/merge.ts), which names the conflicts git finds. What no merge can
 * settle is two of them declaring the same output with different contents that is not in the tree
 * (git-ignored): which copy would downstream get? Identical copies are one output.
 */
export function assertNoConflicts(plan: Plan, checkpoints: VerifiedCheckpoint[]): void {
  const outputs = new Map<string, { task: string; sha256: string; tracked: boolean }>();
  for (const cp of checkpoints) {
    const t = plan.tasks.find((x) => x.id === cp.record.task.id);
    if (!t || plan.waves[t.waveIndex].mode !== "parallel") continue;
    const changed = new Set(cp.record.patch.files);
    for (const out of cp.record.outputs) {
      const key = `${t.waveIndex}\0${out.path}`;
      const other = outputs.get(key);
      const tracked = changed.has(out.path);
      if (other && other.task !== t.id && other.sha256 !== out.sha256 && !other.tracked && !tracked)
        throw new GateError(
          `conflict: parallel tasks "${other.task}" and "${t.id}" of wave "${t.waveId}" both declare the output ${out.path}, with different contents, and it is not in the tree (git-ignored), so no merge can combine them; move one to a later wave, or put both in a sequential wave`,
        );
      if (!other) outputs.set(key, { task: t.id, sha256: out.sha256, tracked });
    }
  }
}
