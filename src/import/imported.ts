/**
 * The plan an importer builds, before it is emitted as YAML: every source (markdown, GSD, Task
 * Master) produces one, each part with the position in the source it came from.
 */
import type { Position } from "../plan/diagnostics.js";
import type { WaveMode } from "../plan/model.js";

/** A position, in the named source file when the source has several (a GSD phase folder). */
export type Where = Position & { file?: string };

export interface ImportedInstance {
  id: string;
  role: string;
  focus?: string;
  at: Where;
}

export interface ImportedTask {
  /** set only when it differs from the plan default `<instance>-<wave>-<n>` */
  id?: string;
  /** the id the task ends up with (explicit or default) */
  finalId: string;
  instance: string;
  title: string;
  run?: string;
  prompt?: string;
  outputs: string[];
  /** task ids this one needs (earlier waves only) */
  needs?: string[];
  /** the files the source says this task changes */
  files?: string[];
  /** where each of `files` is written in the source */
  filesAt?: Where[];
  /** prose next to a script, kept as a comment */
  note?: string;
  at: Where;
}

export interface ImportedWave {
  id: string;
  name: string;
  description?: string;
  mode: WaveMode;
  estimate?: string;
  /** no detailed section: tasks are placeholders made from the timeline */
  placeholder: boolean;
  tasks: ImportedTask[];
  at: Where;
}

export interface ImportedPlan {
  name: string;
  description?: string;
  instances: ImportedInstance[];
  /** some task is a prompt, so the plan needs an agent */
  needsAgent: boolean;
  waves: ImportedWave[];
}

/**
 * How prompt tasks run when the plan was written for Claude Code instances: the preset, which runs
 * it headless with the flags that let it edit files and run commands (a bare `claude -p` with
 * acceptEdits cannot run tests unattended), installs a pinned version on GitHub runners and checks
 * its key up front.
 */
export const DEFAULT_AGENT = { preset: "claude-code" };
