/**
 * The action's inputs (action.yml): their names in one place and one typed reader per command, as
 * actions/upload-artifact does (src/upload/constants.ts `Inputs`, src/upload/input-helper.ts
 * `getInputs`). Each reader refuses a missing required input with the command's name, so every
 * command fails the same way.
 *
 * `command` itself is read by main.ts straight from `INPUT_COMMAND`: the entry must not load
 * @actions/core before it knows the command is valid.
 */
import { isAbsolute } from "node:path";
import * as core from "@actions/core";
import { parseRedoList } from "../graph/redo.js";
import { ActionError } from "./errors.js";

export const Inputs = {
  Command: "command",
  Plan: "plan",
  Task: "task",
  Workflow: "workflow",
  Needs: "needs",
  Token: "token",
  GithubToken: "github-token",
  ResumeFrom: "resume-from",
  Redo: "redo",
  ResumeRun: "resume-run",
  ResumeArtifact: "resume-artifact",
  ResumeArtifacts: "resume-artifacts",
  Land: "land",
  Branch: "branch",
  Author: "author",
} as const;

export interface ValidateInputs {
  /** the plan file, relative to the checkout */
  plan: string;
  /** the compiled workflow, relative to the checkout */
  workflow: string;
  /** `redo` and `resume-from`, checked before any task runs */
  redo: string[];
  resumeFrom: string;
}

/** What every job that gates on checkpoints reads: `task` and `finalize`. */
export interface CheckpointInputs {
  /** `token`: lands, and reads the resumed run's artifacts; masked and kept out of checkpoints */
  token?: string;
  /** `resume-from`: a run id, `latest-failed`, or empty (nothing is reused) */
  resumeFrom: string;
  /** `resume-run`: the plan job's output naming the resumed run (JSON), so no job resolves it again */
  resumeRun: string;
  /** `resume-artifact`: the plan job's listing entry of this task's checkpoint in the resumed run (JSON, `null`: none) */
  resumeArtifact: string;
  /** `resume-artifacts`: the plan job's whole listing (JSON, task → artifact), for jobs with a literal task id */
  resumeArtifacts: string;
}

export interface TaskInputs extends CheckpointInputs {
  plan: string;
  task: string;
  /** `redo`: tasks run again (with their downstream) although their resumed checkpoint verifies */
  redo: string[];
}

export interface FinalizeInputs extends CheckpointInputs {
  plan: string;
  /** toJSON(needs) of the final job */
  needs: string;
  /** `github-token`: the job's GITHUB_TOKEN */
  githubToken?: string;
  /** push (or open the pull request) rather than only verify */
  land: boolean;
  branch?: string;
  author?: string;
}

function required(name: string): string {
  const value = core.getInput(name);
  if (!value) throw new ActionError(`input "${name}" is required for command "${core.getInput(Inputs.Command)}"`);
  return value;
}

function optional(name: string): string | undefined {
  return core.getInput(name) || undefined;
}

/** A path input that must stay inside the checkout. */
function repoPath(name: string): string {
  const value = required(name);
  if (isAbsolute(value) || value.split(/[\\/]/).includes(".."))
    throw new ActionError(`input "${name}" must be a path inside the repository, got "${value}"`);
  return value;
}

/**
 * `land`, exactly as action.yml documents it: "`true` pushes the change (or opens the pull
 * request); anything else only verifies it". `true` is spelled as @actions/core's getBooleanInput
 * spells it (YAML 1.2 core schema: true, True, TRUE). A value that is neither true nor false is
 * most likely a typo, so it is named in a warning — but it only verifies, as documented.
 */
export function landInput(): boolean {
  const value = core.getInput(Inputs.Land);
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (!["", "false", "False", "FALSE"].includes(value))
    core.warning(`input "land" is "${value}", not true: the change is only verified, not pushed`);
  return false;
}

/** The plan file, relative to the checkout: every command has it. */
export function planInput(): string {
  return repoPath(Inputs.Plan);
}

export function checkpointInputs(): CheckpointInputs {
  return {
    token: optional(Inputs.Token),
    resumeFrom: core.getInput(Inputs.ResumeFrom),
    resumeRun: core.getInput(Inputs.ResumeRun),
    resumeArtifact: core.getInput(Inputs.ResumeArtifact),
    resumeArtifacts: core.getInput(Inputs.ResumeArtifacts),
  };
}

export function validateInputs(): ValidateInputs {
  return { plan: planInput(), workflow: repoPath(Inputs.Workflow), redo: redoInput(), resumeFrom: core.getInput(Inputs.ResumeFrom) };
}

export function taskInputs(): TaskInputs {
  return { plan: planInput(), task: required(Inputs.Task), ...checkpointInputs(), redo: redoInput() };
}

/** `redo`: ids separated by commas or blanks (a dispatch input is one line of text). */
function redoInput(): string[] {
  return parseRedoList([core.getInput(Inputs.Redo)]);
}

export function finalizeInputs(): FinalizeInputs {
  return {
    plan: planInput(),
    needs: required(Inputs.Needs),
    ...checkpointInputs(),
    githubToken: optional(Inputs.GithubToken),
    land: landInput(),
    branch: optional(Inputs.Branch),
    author: optional(Inputs.Author),
  };
}
