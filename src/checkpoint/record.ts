/**
 * The checkpoint: proof that a task finished. The same files travel locally (a folder under
 * .waveplan/runs/<run>/checkpoints/<task>/) and on GitHub (one artifact per task and attempt):
 *
 *   record.json      this record
 *   change.patch     the task's change, `git diff --binary` against its materialized tree
 *   outputs/<path>   the declared outputs, byte for byte (also when git-ignored)
 *
 * Records chain: each lists the sha256 of every upstream record it consumed, so tampering anywhere
 * shows at the end.
 */
export const CHECKPOINT_SCHEMA = "waveplan.checkpoint/v1";
export const RECORD_FILE = "record.json";
export const PATCH_FILE = "change.patch";
export const OUTPUTS_DIR = "outputs";

export interface OutputRecord {
  path: string;
  sha256: string;
  bytes: number;
}

/** What an agent CLI reported about a prompt task, read from its own machine output (never guessed). */
export interface AgentFigures {
  preset: string;
  model?: string;
  /** USD as the CLI reported it; absent when the CLI reports tokens only ("n/a", never a guessed price) */
  costUsd?: number;
  turns?: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  /** tool calls the agent was refused (by name, with the input it tried where the CLI says) */
  denied: { tool: string; input?: string }[];
  /** why the agent stopped when it gave up: max turns, budget, API error */
  gaveUp?: string;
}

export interface CheckpointRecord {
  schema: typeof CHECKPOINT_SCHEMA;
  plan: { name: string; hash: string };
  run: { id: string; attempt: number };
  base: string;
  task: { id: string; wave: string; instance: string; hash: string };
  status: "success" | "failure";
  exitCode: number | null;
  /** why it failed, one line (timeout, missing output, exit code) */
  error?: string;
  /**
   * a failed task: the last lines of its output (stdout and stderr as logged), bounded by
   * engine/log-tail.ts, so the job summary can quote them without the job log
   */
  logTail?: string;
  tries: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  patch: { sha256: string; bytes: number; files: string[]; insertions: number; deletions: number };
  outputs: OutputRecord[];
  upstream: { task: string; record: string }[];
  /** prompt tasks: the agent's own figures */
  agent?: AgentFigures;
}

/** GitHub artifact name of a task's checkpoint in one run attempt (artifacts are immutable per name). */
export function artifactName(taskId: string, attempt: number): string {
  return `waveplan-${taskId}.${attempt}`;
}

/** Parses an artifact name back; undefined for artifacts that are not waveplan checkpoints. */
export function parseArtifactName(name: string): { taskId: string; attempt: number } | undefined {
  const m = /^waveplan-(.+)\.(\d+)$/.exec(name);
  return m ? { taskId: m[1], attempt: Number(m[2]) } : undefined;
}
