/**
 * `validate` (the workflow's `plan` job): the plan loads without errors, and the workflow running
 * this job was compiled from exactly this plan — a stale workflow fails here, before any task runs,
 * with the command that regenerates it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as core from "@actions/core";
import { readWorkflowPlanHash } from "../compile/header.js";
import { unknownRedoTasks } from "../graph/redo.js";
import { planHash } from "../plan/hash.js";
import type { Plan } from "../plan/model.js";
import { ActionError, annotate, annotateAll, diagnosticAnnotation } from "./errors.js";
import { checkpointInputs, validateInputs } from "./inputs.js";
import { jobEnv } from "./job-env.js";
import { loadPlan } from "./plan.js";
import type { ResumeArtifact } from "./resume.js";

/** The regenerate command the compiler wrote into the header (it knows the action ref used). */
export function headerCommand(text: string): string | undefined {
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (!line.startsWith("#")) return undefined;
    // `npx waveplan compile` in headers written before the CLI said plain `waveplan`
    const m = /^#\s+((?:npx )?waveplan compile \S.*)$/.exec(line);
    if (m) return m[1].trim();
  }
  return undefined;
}

export async function validate(): Promise<void> {
  const r = jobEnv();
  const loaded = await loadPlan(r);
  await annotateAll(loaded.diagnostics.items.filter((d) => d.severity === "warning").map(diagnosticAnnotation));
  const hash = planHash(loaded.plan);
  core.info(
    `plan ${loaded.file}: "${loaded.plan.name}", ${loaded.plan.waves.length} waves, ${loaded.plan.tasks.length} tasks, hash ${hash}`,
  );

  const { workflow, redo, resumeFrom } = validateInputs();
  // before any task job starts: a redo that cannot mean anything fails the run here, not per task
  const unknown = unknownRedoTasks(loaded.plan, redo);
  if (unknown.length) throw new ActionError(`input "redo": ${unknown.join("; ")}`);
  if (redo.length && !resumeFrom.trim())
    throw new ActionError(`input "redo" (${redo.join(", ")}) needs "resume-from": a run without it runs every task anyway`);
  if (redo.length) core.info(`redo: ${redo.join(", ")} and everything downstream run again`);
  const text = await readFile(join(r.workspace, workflow), "utf8").catch(() => {
    throw new ActionError(`workflow file ${workflow} does not exist in the checkout`);
  });
  const compiled = readWorkflowPlanHash(text);
  const fix = headerCommand(text) ?? `waveplan compile ${loaded.file} -o ${workflow}`;
  if (compiled === undefined) {
    annotate(`${workflow} has no waveplan header with the plan hash; regenerate it: run \`${fix}\` and commit the result`, {
      file: workflow,
    });
    process.exitCode = core.ExitCode.Failure;
  } else if (compiled !== hash) {
    annotate(
      `${workflow} was compiled from another version of ${loaded.file} (plan hash ${compiled.slice(0, 12)}, the plan is now ${hash.slice(0, 12)}); run \`${fix}\` and commit the result`,
      { file: workflow, at: { line: 1, col: 1 } },
      "stale workflow",
    );
    process.exitCode = core.ExitCode.Failure;
  } else {
    core.info(`${workflow} matches the plan (hash ${hash.slice(0, 12)})`);
  }
  core.setOutput("status", process.exitCode ? "failure" : "success");
  if (!process.exitCode) await listResumedRun(loaded.plan);
}

/**
 * `resume-from`, once for the whole run: resolve the earlier run and list its artifacts here, and
 * hand each job what it needs through the job's outputs — `resume-run` (the run and its base) and
 * `resume-artifacts` (per task, the one checkpoint artifact to reuse). A task job then makes one
 * REST request (its own zip) instead of resolving and listing the run itself: a 250-task resume
 * stays within GITHUB_TOKEN's 1,000 requests per hour per repository.
 */
async function listResumedRun(plan: Plan): Promise<void> {
  const { resumeFrom, token } = checkpointInputs();
  core.setOutput("resume-run", "");
  core.setOutput("resume-artifacts", "{}");
  if (!resumeFrom.trim()) return;
  // loaded only when resuming: a plain validate job stays small
  const [{ listRunArtifacts, resolveResume, resumeRest }, { selectCheckpointArtifacts }] = await Promise.all([
    import(/* webpackMode: "eager" */ "./resume.js"),
    import(/* webpackMode: "eager" */ "../checkpoint/artifact-store.js"),
  ]);
  const rest = resumeRest(token ?? "", process.env, (line) => core.warning(line));
  const run = await resolveResume(resumeFrom, token, process.env, token ? rest : undefined);
  if (!run) return;
  const repository = `${run.findBy.repositoryOwner}/${run.findBy.repositoryName}`;
  const best = selectCheckpointArtifacts(await listRunArtifacts(rest, repository, run.runId), Number.MAX_SAFE_INTEGER);
  const artifacts: Record<string, ResumeArtifact> = {};
  for (const t of plan.tasks) {
    const a = best.get(t.id);
    if (a) artifacts[t.id] = { id: a.id, name: a.name, size: a.size, ...(a.digest ? { digest: a.digest } : {}) };
  }
  core.info(
    `resume-from ${resumeFrom}: run ${run.runId} (based on ${run.base.slice(0, 12)}) has checkpoints of ${Object.keys(artifacts).length} of ${plan.tasks.length} tasks (${rest.sent} REST requests)`,
  );
  core.setOutput("resume-run", JSON.stringify({ runId: run.runId, base: run.base, repository }));
  core.setOutput("resume-artifacts", JSON.stringify(artifacts));
}
