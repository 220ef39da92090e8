import { fileURLToPath } from "node:url";
import { checkPlan, loadPlanFile, requirePlan } from "../../src/plan/load.js";
import type { Plan } from "../../src/plan/model.js";

export const SMALL_PLAN = fileURLToPath(new URL("../fixtures/plans/small.yml", import.meta.url));

export function loadFixture(): Plan {
  return loadPlanFile(SMALL_PLAN).plan;
}

export function planFrom(source: string): Plan {
  return requirePlan(checkPlan(source, "plan.yml")).plan;
}
