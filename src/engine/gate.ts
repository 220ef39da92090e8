/**
 * Gate: a task may start only when every upstream checkpoint is present, verified along the whole
 * chain, successful, and no two parallel tasks changed the same path.
 */
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import { verifyCheckpoint } from "../checkpoint/verify.js";
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
  const upstream = upstreamOf(ctx.plan, task);
  // Fetch everything missing at once (downloads run in parallel on GitHub), then verify in plan order,
  // because each record's expected upstream hashes are the records verified before it.
  const missing = upstream.filter((u) => !ctx.verified.has(u.id));
  const fetched = new Map(await Promise.all(missing.map(async (u) => [u.id, await ctx.store.fetch(u.id)] as const)));
  for (const u of upstream) {
    if (ctx.verified.has(u.id)) continue;
    const dir = fetched.get(u.id);
    if (!dir) throw new GateError(`task "${task.id}" cannot start: upstream task "${u.id}" has no checkpoint in this run`);
    ctx.verified.set(u.id, await verifyCheckpoint(dir, expectationsFor(ctx, u)));
  }
  const verified = upstream.map((u) => ctx.verified.get(u.id) as VerifiedCheckpoint);
  assertNoConflicts(ctx.plan, verified);
  return verified;
}

export function expectationsFor(ctx: RunContext, task: Task) {
  return {
    taskId: task.id,
    taskHash: taskHash(ctx.plan, task),
    runId: ctx.runId,
    base: ctx.base,
    planName: ctx.plan.name,
    planHash: ctx.strictPlanHash ? ctx.planHash : undefined,
    upstream: upstreamOf(ctx.plan, task).map((u) => {
      const v = ctx.verified.get(u.id);
      if (!v) throw new GateError(`task "${task.id}": upstream task "${u.id}" was not verified first`);
      return { task: u.id, record: v.recordSha256 };
    }),
  };
}

/** Parallel tasks never see each other's changes, so two of them touching one path is a plan bug. */
export function assertNoConflicts(plan: Plan, checkpoints: VerifiedCheckpoint[]): void {
  const owner = new Map<string, string>();
  for (const cp of checkpoints) {
    const t = plan.tasks.find((x) => x.id === cp.record.task.id);
    if (!t || plan.waves[t.waveIndex].mode !== "parallel") continue;
    for (const file of cp.record.patch.files) {
      const key = `${t.waveIndex}\0${file}`;
      const other = owner.get(key);
      if (other) throw new GateError(`conflict: parallel tasks "${other}" and "${t.id}" of wave "${t.waveId}" both change ${file}`);
      owner.set(key, t.id);
    }
  }
}
