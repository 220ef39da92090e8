/** Loading the plan named by the `plan` input, with diagnostics naming it as the repository does. */
import { readFile, stat } from "node:fs/promises";
import { DiagnosticList, PlanError } from "../plan/diagnostics.js";
import { checkPlan, type LoadedPlan, MAX_PLAN_BYTES, requirePlan } from "../plan/load.js";
import { ActionError } from "./errors.js";
import { planPath, type Runner } from "./runner.js";

export async function loadPlan(r: Runner): Promise<LoadedPlan> {
  const { rel, abs } = planPath(r);
  const size = await stat(abs).then(
    (s) => s.size,
    () => {
      throw new ActionError(`plan file ${rel} does not exist in the checkout (${r.workspace})`);
    },
  );
  if (size > MAX_PLAN_BYTES) {
    const d = new DiagnosticList(rel);
    d.error("file-too-large", `plan file is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
    throw new PlanError(d.items, "");
  }
  // diagnostics carry the repository-relative path, so annotations land on the file in the PR view
  return requirePlan(checkPlan(await readFile(abs), rel));
}
