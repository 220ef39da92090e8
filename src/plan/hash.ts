/**
 * Content hashes of the parsed plan. They ignore formatting, comments and key order so that
 * reformatting a plan never makes a compiled workflow or a checkpoint stale.
 */
import { createHash } from "node:crypto";
import type { Plan, Task } from "./model.js";

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** JSON with sorted keys and no `source` positions: equal for equal meaning. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (key, v) => {
    if (key === "source") return undefined;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, (v as Record<string, unknown>)[k]]),
      );
    }
    return v;
  });
}

export function planHash(plan: Plan): string {
  return sha256(canonicalJson(plan));
}

/**
 * What a task's result depends on besides its upstream: its own definition, the plan env, and for
 * prompt tasks the agent. A checkpoint made under a different task hash is re-run on resume.
 */
export function taskHash(plan: Plan, task: Task): string {
  const { index: _index, source: _source, ...definition } = task;
  return sha256(canonicalJson({ definition, env: plan.env, agent: task.kind === "prompt" ? plan.agent : undefined }));
}
