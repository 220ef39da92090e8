/** The `needs` input of final-commit: `toJSON(needs)`, every job it waits for with its result. */
import { ActionError } from "./errors.js";

/** What the workflow passes; written out for messages (not a template string). */
const EXPRESSION = ["$", "{{ toJSON(needs) }}"].join("");

export interface JobResult {
  job: string;
  result: string;
}

/**
 * Jobs whose result is not `success`. Skipped and cancelled count as failures: a required check
 * that passes because the waves before it were skipped would land nothing yet look green.
 */
export function unsuccessfulJobs(text: string): JobResult[] {
  let needs: unknown;
  try {
    needs = JSON.parse(text);
  } catch {
    throw new ActionError(`input "needs" is not JSON; pass \`needs: ${EXPRESSION}\``);
  }
  if (!needs || typeof needs !== "object" || Array.isArray(needs) || Object.keys(needs).length === 0)
    throw new ActionError(`input "needs" must be the object \`${EXPRESSION}\` naming every wave job, got ${text.slice(0, 80)}`);
  return Object.entries(needs as Record<string, { result?: unknown }>)
    .map(([job, v]) => ({ job, result: typeof v?.result === "string" ? v.result : "unknown" }))
    .filter((j) => j.result !== "success");
}
