/** Loading the plan named by the `plan` input, with diagnostics naming it as the repository does. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkPlan, type LoadedPlan, requirePlan } from "../plan/load.js";
import { readPlanSource } from "../plan/source.js";
import { ActionError } from "./errors.js";
import { planInput } from "./inputs.js";
import type { JobEnv } from "./job-env.js";

export async function loadPlan(r: JobEnv): Promise<LoadedPlan> {
  const rel = planInput();
  const abs = join(r.workspace, rel);
  if (!existsSync(abs)) throw new ActionError(`plan file ${rel} does not exist in the checkout (${r.workspace})`);
  // diagnostics carry the repository-relative path, so annotations land on the file in the PR view
  return requirePlan(checkPlan(readPlanSource(abs, rel), rel));
}
