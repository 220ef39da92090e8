/**
 * What the runner tells a JavaScript action through its environment, read in one place so every
 * command fails the same way when something is missing.
 */
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import * as core from "@actions/core";
import { inheritedEnv } from "../engine/env.js";
import { ActionError } from "./errors.js";

export interface Runner {
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

export function runner(): Runner {
  const attempt = Number(process.env.GITHUB_RUN_ATTEMPT ?? "1");
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new ActionError(`GITHUB_RUN_ATTEMPT is "${process.env.GITHUB_RUN_ATTEMPT}", not a positive integer`);
  const workspace = resolve(required("GITHUB_WORKSPACE"));
  const runId = required("GITHUB_RUN_ID");
  const temp = join(process.env.RUNNER_TEMP || tmpdir(), `waveplan-${runId}-${attempt}`);
  return { workspace, runId, attempt, sha: required("GITHUB_SHA"), temp };
}

/** A required input. */
export function input(name: string): string {
  const value = core.getInput(name);
  if (!value) throw new ActionError(`input "${name}" is required for command "${core.getInput("command")}"`);
  return value;
}

/** The plan file: a path relative to the checkout (as in the workflow), and where it is on disk. */
export function planPath(r: Runner): { rel: string; abs: string } {
  const rel = input("plan");
  if (isAbsolute(rel) || rel.split(/[\\/]/).includes(".."))
    throw new ActionError(`input "plan" must be a path inside the repository, got "${rel}"`);
  return { rel, abs: join(r.workspace, rel) };
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
