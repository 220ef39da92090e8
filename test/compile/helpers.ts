import { readdirSync } from "node:fs";
import { parse } from "yaml";
import { compileWorkflow } from "../../src/compile/workflow.js";
import { loadPlanFile } from "../../src/plan/load.js";
import type { Plan } from "../../src/plan/model.js";

export const FIXTURES = "test/fixtures/compile";
export const fixtureNames = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => f.replace(/\.yml$/, ""))
  .sort();

export interface Compiled {
  plan: Plan;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed workflow YAML
  workflow: any;
}

export function compileFixture(name: string, actionRef?: string): Compiled {
  const planPath = `${FIXTURES}/${name}.yml`;
  const { plan } = loadPlanFile(planPath);
  const text = compileWorkflow(plan, { planPath, workflowPath: `.github/workflows/${name}.yml`, actionRef });
  return { plan, text, workflow: parse(text) };
}

export type Step = {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
};

/** needs: as a list */
export function needsOf(job: { needs?: string | string[] }): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}
