/** The task ids a workflow's waveplan steps run, read statically (matrix combinations expanded). */
import { asString, resolve } from "../expressions.js";
import { expandStrategy } from "../matrix.js";
import type { SimWorkflow } from "./load.js";

export function tasksRunBy(workflow: SimWorkflow, inputs: Record<string, unknown>): Set<string> {
  const tasks = new Set<string>();
  for (const job of workflow.jobs) {
    let combinations: (Record<string, unknown> | undefined)[] = [undefined];
    try {
      combinations = expandStrategy(resolve(job.strategy, { inputs, needs: {}, github: {} }), job.where).combinations ?? [undefined];
    } catch {
      // a matrix built from other jobs' outputs is only known at run time
    }
    for (const step of job.steps) {
      if (step.uses === undefined || step.uses.startsWith("actions/checkout@") || step.with.task === undefined) continue;
      for (const matrix of combinations) {
        try {
          const contexts = { inputs, matrix: matrix ?? {}, github: {}, needs: {}, env: {}, steps: {} };
          if (asString(step.with.command, contexts) === "task") tasks.add(asString(step.with.task, contexts));
        } catch {}
      }
    }
  }
  return tasks;
}
