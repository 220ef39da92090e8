/** The engine's RunContext for a job of a GitHub run: artifacts as the store, the checkout as the repository. */

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Artifact } from "@actions/artifact";
import * as core from "@actions/core";
import { agentSecretNames } from "../agent/presets.js";
import { ArtifactCheckpointStore } from "../checkpoint/artifact-store.js";
import { SecretGuardStore } from "../checkpoint/secret-guard.js";
import type { RunContext } from "../engine/context.js";
import { namedSecrets } from "../engine/env.js";
import { TreeCache } from "../engine/materialize.js";
import { planHash } from "../plan/hash.js";
import type { Plan } from "../plan/model.js";
import { ActionError } from "./errors.js";
import { checkpointInputs } from "./inputs.js";
import { type JobEnv, taskBaseEnv } from "./job-env.js";
import { type ResumeArtifact, type ResumedRun, type ResumeRunInfo, resolveResume, restArtifactReader, resumeRest } from "./resume.js";

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
  const secrets = namedSecrets(agentSecretNames(plan));
  const { token, resumeFrom, resumeRun, resumeArtifact, resumeArtifacts } = checkpointInputs();
  if (token) secrets.push({ name: "token", value: token });
  for (const s of secrets) core.setSecret(s.value);

  const store = new ArtifactCheckpointStore({
    attempt: r.attempt,
    runId: r.runId,
    tempDir: join(r.temp, "checkpoints"),
    retentionDays: plan.github.retentionDays,
  });
  // the plan job resolved and listed the resumed run once (validate.ts); older workflows resolve it here
  const passed = resumeFrom.trim() && resumeRun ? parseResumeRun(resumeRun) : undefined;
  const resume = passed ?? (await resolveResume(resumeFrom, token));
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
  const own =
    passed &&
    (parseResumeArtifact(resumeArtifact) ??
      parseResumeArtifact(
        JSON.stringify(
          parseJson<Record<string, ResumeArtifact>>(resumeArtifacts || "{}", "resume-artifacts")[core.getInput("task")] ?? null,
        ),
      ));
  const resumed = resume && {
    ...resume,
    // its highest attempt of each task: that run is over
    store: new ArtifactCheckpointStore({
      attempt: Number.MAX_SAFE_INTEGER,
      tempDir: join(r.temp, "resumed"),
      findBy: resume.findBy,
      // listed by the plan job: only this task's own zip is fetched (one REST request)
      ...(passed
        ? {
            reader: restArtifactReader(
              resumeRest(token ?? "", process.env, (l) => core.warning(l)),
              resume.findBy.repositoryOwner + "/" + resume.findBy.repositoryName,
              own ? [own] : [],
            ),
          }
        : {}),
    }),
  };
  return { ctx, store, resumed };
}

function parseJson<T>(text: string, input: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ActionError(`input "${input}" is not the plan job's JSON output (recompile the workflow): ${text.slice(0, 80)}`);
  }
}

/** `resume-run` from the plan job, as the ResumedRun the rest of the job uses. */
function parseResumeRun(text: string): ResumedRun {
  const info = parseJson<ResumeRunInfo>(text, "resume-run");
  const [owner, name] = info.repository.split("/");
  const token = checkpointInputs().token;
  if (!token) throw new ActionError('input "resume-from" needs the "token" input (github.token with actions: read)');
  return {
    runId: info.runId,
    base: info.base,
    findBy: { token, workflowRunId: Number(info.runId), repositoryOwner: owner, repositoryName: name },
  };
}

/** This task's artifact in the resumed run, as @actions/artifact's Artifact; undefined when it has none there. */
function parseResumeArtifact(text: string): Artifact | undefined {
  if (!text || text === "null") return undefined;
  const a = parseJson<ResumeArtifact>(text, "resume-artifact");
  return { id: a.id, name: a.name, size: a.size, ...(a.digest ? { digest: a.digest } : {}) };
}
