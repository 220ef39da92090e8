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
  // A direct walk: JSON.stringify with a key-sorting replacer copies every object, which made hashing
  // a 10k-task plan take a fifth of `compile`.
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    if (key === "source" || v === undefined || typeof v === "function") continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

export function planHash(plan: Plan): string {
  return sha256(canonicalJson(plan));
}

/**
 * What a task's result depends on besides its upstream: its own definition, the plan env, and for
 * prompt tasks the agent. A checkpoint made under a different task hash is re-run on resume.
 */
export function taskHash(plan: Plan, task: Task): string {
  // where it runs (its environment) is not what it does: changing it does not re-run the task
  const { index: _index, source: _source, environment: _environment, ...definition } = task;
  return sha256(canonicalJson({ definition, env: plan.env, agent: task.kind === "prompt" ? agentIdentity(plan, task) : undefined }));
}

/**
 * What of the agent a prompt task's result depends on. Budget, model, preset and CLI version are left
 * out (DESIGN §9, issue 22: changing them does not invalidate finished checkpoints — a run stopped by
 * its budget continues after the budget is raised without paying twice; switching to a cheaper model
 * or another CLI keeps the work already done; `--redo` runs a task again on purpose). An instance's own
 * preset and model are not in the hash either (instances are not part of it). What the agent may do
 * (`tools`, `max-turns`), its `command`, `setup` and preamble stay in: they change what a task does.
 */
function agentIdentity(plan: Plan, _task: Task): unknown {
  if (!plan.agent) return undefined;
  const { budget: _budget, model: _model, preset: _preset, version: _version, ...rest } = plan.agent;
  return rest;
}
