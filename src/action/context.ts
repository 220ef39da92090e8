/** The engine's RunContext for a job of a GitHub run: artifacts as the store, the checkout as the repository. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import { ArtifactCheckpointStore } from "../checkpoint/artifact-store.js";
import { SecretGuardStore } from "../checkpoint/secret-guard.js";
import type { RunContext } from "../engine/context.js";
import { namedSecrets } from "../engine/env.js";
import { TreeCache } from "../engine/materialize.js";
import { planHash } from "../plan/hash.js";
import type { Plan } from "../plan/model.js";
import { checkpointInputs } from "./inputs.js";
import { type JobEnv, taskBaseEnv } from "./job-env.js";
import { type ResumedRun, resolveResume } from "./resume.js";

export interface JobContext {
  ctx: RunContext;
  store: ArtifactCheckpointStore;
  /** the run named by `resume-from` and a store reading its checkpoints */
  resumed?: ResumedRun & { store: ArtifactCheckpointStore };
}

/**
 * Masks every secret the plan names (and the token) in the job log, and returns the context. The
 * values are also kept, so a checkpoint that contains one is never uploaded.
 */
export async function jobContext(r: JobEnv, plan: Plan): Promise<JobContext> {
  const secrets = namedSecrets(plan.agent?.secrets ?? []);
  const { token, resumeFrom } = checkpointInputs();
  if (token) secrets.push({ name: "token", value: token });
  for (const s of secrets) core.setSecret(s.value);

  const store = new ArtifactCheckpointStore({ attempt: r.attempt, runId: r.runId, tempDir: join(r.temp, "checkpoints") });
  const resume = await resolveResume(resumeFrom, token);
  const guard = new SecretGuardStore(store, secrets);
  const ctx: RunContext = {
    plan,
    planHash: planHash(plan),
    runId: r.runId,
    attempt: r.attempt,
    base: r.sha,
    repoDir: r.workspace,
    store: guard,
    secrets: guard.scanner,
    logDir: join(r.temp, "logs"),
    scratchDir: join(r.temp, "scratch"),
    env: taskBaseEnv(),
    // on GitHub the workflow was compiled from one exact plan: a checkpoint of any other is stale
    strictPlanHash: true,
    resumeFrom: resume && { runId: resume.runId, base: resume.base },
    verified: new Map(),
    trees: new TreeCache(),
  };
  await mkdir(ctx.scratchDir, { recursive: true });
  await mkdir(ctx.logDir, { recursive: true });
  if (resume)
    core.info(`resuming run ${resume.runId} (based on ${resume.base.slice(0, 12)}): its checkpoints that still verify are reused`);
  const resumed = resume && {
    ...resume,
    // its highest attempt of each task: that run is over
    store: new ArtifactCheckpointStore({ attempt: Number.MAX_SAFE_INTEGER, tempDir: join(r.temp, "resumed"), findBy: resume.findBy }),
  };
  return { ctx, store, resumed };
}
