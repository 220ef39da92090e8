/** Everything the execution path needs to know about the run it is part of. */
import type { SecretScanner } from "../checkpoint/secret-guard.js";
import type { CheckpointStore } from "../checkpoint/store.js";
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import type { Plan } from "../plan/model.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { TreeCache } from "./materialize.js";

export interface RunContext {
  plan: Plan;
  planHash: string;
  runId: string;
  attempt: number;
  /** the commit every task's tree starts from */
  base: string;
  /** a git repository (any worktree of it) used for plumbing: temp indexes, commit-tree */
  repoDir: string;
  store: CheckpointStore;
  /** where task logs are written */
  logDir: string;
  /** scratch space for scripts and checkpoints being built */
  scratchDir: string;
  /** environment every task starts from */
  env: Record<string, string>;
  /** the earlier run whose checkpoints this one may reuse (GitHub `resume-from`): its id and base commit */
  resumeFrom?: { runId: string; base: string };
  /** require upstream records to carry exactly this plan hash (GitHub); locally task hashes suffice */
  strictPlanHash: boolean;
  /** receives task output as it arrives */
  onOutput?: (taskId: string, chunk: Buffer) => void;
  /** verified checkpoints by task id, shared by every gate of the run (each is verified once) */
  verified: Map<string, VerifiedCheckpoint>;
  /** materialized commits by upstream chain, so each patch is applied once per run */
  trees?: TreeCache;
  /**
   * Which records waveplan itself wrote (checkpoint/ledger.ts, local runs): a checkpoint it did not
   * vouch for is refused wherever it is verified. GitHub has none: there a task cannot reach another
   * job's artifacts but through the job's token, which the sandbox keeps from it.
   */
  ledger?: {
    sign(taskId: string, recordSha256: string): Promise<void>;
    vouch(taskId: string, recordSha256: string): Promise<string | undefined>;
  };
  /** the values of `agent.secrets`: a change or a reused checkpoint holding one never lands */
  secrets?: SecretScanner;
  /** aborted when the run is interrupted (SIGINT/SIGTERM): running tasks are stopped */
  signal?: AbortSignal;
  /** the sandbox every task runs in; absent only when the plan says `sandbox: off` */
  sandbox?: Sandbox;
  /** host folders a task reads besides its own (an agent CLI's install folder): readable in the sandbox */
  readable?: string[];
}
