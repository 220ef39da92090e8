/**
 * `finalize` on `pull_request` and `merge_group`: no task ran, final-commit only attests (DESIGN.md
 * §6). Its check run — named `final-commit`, attached to the pull request's head SHA (docs "Events
 * that trigger workflows" › `pull_request`: check runs appear on the head; `merge_group`: on the
 * merge group's head) — is the required check for any head that is not itself a fresh landing
 * commit: a reviewer's fix-up, "Update branch", a merge queue's merge group.
 *
 * Success when every landing of this plan in base..head carries a successful `final-commit` status
 * from the run that landed it and the plan still hashes the same; success, saying so, when the pull
 * request holds no landing; failure naming each commit otherwise.
 */
import { readFile } from "node:fs/promises";
import * as core from "@actions/core";
import { FINAL_JOB } from "../compile/final-check.js";
import { git } from "../git/git.js";
import { planHash } from "../plan/hash.js";
import type { LoadedPlan } from "../plan/load.js";
import { judgeLanding, type Landing, parseLanding, type StatusSeen, type Verdict } from "./attestation.js";
import { ActionError, annotate } from "./errors.js";
import { api } from "./github.js";
import type { FinalizeInputs } from "./inputs.js";
import type { JobEnv } from "./job-env.js";
import { unsuccessfulJobs } from "./needs.js";

/** The range a pull request or merge group adds, from the event payload (GITHUB_EVENT_PATH). */
export async function eventRange(event: string, path: string | undefined): Promise<{ base: string; head: string }> {
  const payload = JSON.parse(await readFile(path ?? "", "utf8").catch(() => "{}")) as {
    pull_request?: { base?: { sha?: unknown }; head?: { sha?: unknown } };
    merge_group?: { base_sha?: unknown; head_sha?: unknown };
  };
  // webhook payloads: pull_request.{base,head}.sha; merge_group.{base_sha,head_sha}
  // (docs "Webhook events and payloads" › pull_request, merge_group)
  const range =
    event === "merge_group"
      ? { base: payload.merge_group?.base_sha, head: payload.merge_group?.head_sha }
      : { base: payload.pull_request?.base?.sha, head: payload.pull_request?.head?.sha };
  if (typeof range.base !== "string" || typeof range.head !== "string")
    throw new ActionError(`the ${event} event payload (${path}) has no base and head commit`);
  return { base: range.base, head: range.head };
}

/** The landings of `planName` in base..head, oldest first. */
async function landingsIn(repo: string, base: string, head: string, planName: string): Promise<Landing[]> {
  const out = await git(["log", "--reverse", "--format=%H%x00%B%x1e", `${base}..${head}`], { cwd: repo }).catch((e) => {
    throw new ActionError(
      `cannot list the commits ${base.slice(0, 12)}..${head.slice(0, 12)} in the checkout (${(e as Error).message}); final-commit checks out with fetch-depth: 0 — recompile the workflow`,
    );
  });
  return out
    .split("\x1e")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [sha, message = ""] = entry.split("\0");
      return parseLanding(sha, message);
    })
    .filter((l): l is Landing => l !== undefined && l.planName === planName);
}

export async function attest(r: JobEnv, loaded: LoadedPlan, inputs: FinalizeInputs, event: string): Promise<void> {
  const failedPlan = unsuccessfulJobs(inputs.needs).filter((j) => j.job === "plan" && j.result !== "skipped");
  if (failedPlan.length) {
    annotate(`not attested: the plan job ${failedPlan[0].result} (see its log)`, { file: loaded.file });
    process.exitCode = core.ExitCode.Failure;
    return;
  }
  const { base, head } = await eventRange(event, process.env.GITHUB_EVENT_PATH);
  const landings = await landingsIn(r.workspace, base, head, loaded.plan.name);
  const hash = planHash(loaded.plan);
  const verdicts: Verdict[] = [];
  if (landings.length) {
    if (!inputs.githubToken)
      throw new ActionError('attesting needs the "github-token" input to read commit statuses (recompile the workflow)');
    const github = await api(inputs.githubToken);
    for (const landing of landings) {
      const statuses = await github.octokit.rest.repos
        .listCommitStatusesForRef({ ...github.repo, ref: landing.sha, per_page: 100 })
        .then((res) => res.data.map((s): StatusSeen => ({ context: s.context, state: s.state, targetUrl: s.target_url ?? "" })))
        .catch((e) => {
          throw new ActionError(
            `cannot read the commit statuses of ${landing.sha.slice(0, 12)} (${(e as Error).message}); final-commit needs "statuses: read"`,
          );
        });
      verdicts.push(judgeLanding(landing, statuses, FINAL_JOB, hash));
    }
  }
  const range = `${base.slice(0, 12)}..${head.slice(0, 12)}`;
  const bad = verdicts.filter((v) => !v.ok);
  for (const v of verdicts) core.info(`${v.ok ? "✓" : "✗"} ${v.why}`);
  let text: string;
  if (!landings.length) {
    text = `No landing of plan "${loaded.plan.name}" in ${range}: nothing to attest, so this ${event} is not held up by it (no task ran).`;
  } else if (bad.length) {
    text = `Not attested: ${bad.length} of ${landings.length} landing${landings.length === 1 ? "" : "s"} in ${range} do${bad.length === 1 ? "es" : ""} not stand:\n\n${bad.map((v) => `- ${v.why}`).join("\n")}`;
    for (const v of bad) annotate(`not attested: ${v.why}`, { file: loaded.file });
    process.exitCode = core.ExitCode.Failure;
  } else {
    text = `Attested without running any task: every landing of plan "${loaded.plan.name}" in ${range} (${landings.map((l) => `\`${l.sha.slice(0, 12)}\` by run ${l.runId}`).join(", ")}) carries \`${FINAL_JOB}\` = success from its run, and the plan is unchanged (hash ${hash.slice(0, 12)}).`;
  }
  core.info(text);
  core.setOutput("status", bad.length ? "failure" : "attested");
  await core.summary.addRaw(`### waveplan: ${FINAL_JOB} on ${event}\n\n${text}\n`).write();
}
