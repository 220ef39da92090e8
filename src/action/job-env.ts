/**
 * The job's environment: what the runner tells a JavaScript action through its environment
 * variables, read in one place so every command fails the same way when something is missing.
 */
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inheritedEnv } from "../engine/env.js";
import { ActionError } from "./errors.js";

export interface JobEnv {
  /** the checkout (`GITHUB_WORKSPACE`) */
  workspace: string;
  runId: string;
  attempt: number;
  /** the commit the run is based on (`GITHUB_SHA`) */
  sha: string;
  /** a folder outside the checkout for downloads, logs and scripts (`RUNNER_TEMP`) */
  temp: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new ActionError(`${name} is not set: this command runs inside a GitHub Actions job`);
  return value;
}

export function jobEnv(): JobEnv {
  const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? "1");
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new ActionError(`GITHUB_RUN_ATTEMPT is "${process.env.GITHUB_RUN_ATTEMPT}", not a positive integer`);
  const workspace = resolve(required("GITHUB_WORKSPACE"));
  const runId = required("GITHUB_RUN_ID");
  const temp = join(process.env.RUNNER_TEMP || tmpdir(), `waveplan-${runId}-${attempt}`);
  return { workspace, runId, attempt, sha: required("GITHUB_SHA"), temp };
}

/**
 * The environment a task starts from: the job's, without what would let a task act as the action
 * (the runtime token uploads artifacts, INPUT_* carries the token) or reach other steps (GITHUB_ENV
 * and friends), and without git variables pointing at another repository.
 */
export function taskBaseEnv(): Record<string, string> {
  return inheritedEnv(
    /^(ACTIONS_RUNTIME_TOKEN|ACTIONS_RUNTIME_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL|INPUT_.*|GITHUB_ENV|GITHUB_PATH|GITHUB_OUTPUT|GITHUB_STATE|GITHUB_STEP_SUMMARY|GIT_CONFIG_.*)$/,
  );
}
