/**
 * How final-commit lands the verified commit on GitHub, under GitHub's rules:
 *
 * - `commit`: push onto the run's branch (or `branch`/`land.branch`), fast-forward only — except that
 *   another branch holding only an earlier landing of this plan is replaced (push.ts earlierLanding);
 * - `pull-request`: push the plan's own branch (forced: each run replaces the last) and open or
 *   update the pull request into the run's branch;
 * - then post the `final-commit` commit status on the landing commit, and optionally dispatch
 *   workflows on the landing branch.
 *
 * What can be refused is checked before the push where GitHub lets us know: workflow-file changes
 * with GITHUB_TOKEN, the token's access to pull requests. A refused push is atomic (nothing
 * happened). The status is posted as soon as the landing commit is on its branch and before the
 * pull request is opened: it attests the verification, which holds whatever happens next, so a
 * pull request opened by hand after a refused creation still finds `final-commit` = success on its
 * head. Nothing is posted when the push failed.
 */
import * as core from "@actions/core";
import { FINAL_JOB } from "../compile/final-check.js";
import { commitMessage } from "../engine/landing-commit.js";
import type { LoadedPlan } from "../plan/load.js";
import { ActionError } from "./errors.js";
import { api, createPull, dispatchWorkflow, findOpenPull, postStatus, updatePull } from "./github.js";
import type { FinalizeInputs } from "./inputs.js";
import type { JobEnv } from "./job-env.js";
import { earlierLanding, maskToken, pushCommit, workflowChanges } from "./push.js";

/** The commit status context: the final job's own name by construction (compile/final-check.ts). */
export const STATUS_CONTEXT = FINAL_JOB;

export interface LandOutcome {
  status: "landed" | "verified";
  text: string;
}

/** The run's page: what the status links to. */
export function runUrl(runId: string): string {
  const server = (process.env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  return `${server}/${process.env.GITHUB_REPOSITORY ?? ""}/actions/runs/${runId}`;
}

export function pullRequestBranch(planName: string): string {
  const slug = planName
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `waveplan/${slug || "change"}`;
}

export async function land(r: JobEnv, loaded: LoadedPlan, commit: string, tasks: number, inputs: FinalizeInputs): Promise<LandOutcome> {
  const { plan } = loaded;
  const short = commit.slice(0, 12);
  if (!inputs.land)
    return {
      status: "verified",
      text: `All checkpoints verified. Landing commit \`${short}\` was built but not pushed (\`land\` is false).`,
    };
  const jobToken = inputs.githubToken;
  const given = inputs.token;
  maskToken(jobToken);
  maskToken(given);
  const secret = plan.github.tokenSecret;
  if (secret && !given)
    throw new ActionError(
      `the plan lands with the token in secret ${secret} (github.token-secret), but it is empty: add the secret to the repository (Settings → Secrets and variables → Actions); nothing was pushed`,
    );
  const app = plan.github.app;
  if (app && !given)
    throw new ActionError(
      `the plan lands with a GitHub App token (github.app), but the "token" input is empty: check that the app-token step ran (variable ${app.clientIdVar}, secret ${app.privateKeySecret}) and recompile; nothing was pushed`,
    );
  const token = given ?? jobToken;
  // GITHUB_TOKEN's pushes start no workflow and may not touch .github/workflows/; a secret's or App's token may
  const usesJobToken = !secret && !app && (!jobToken || token === jobToken);
  if (usesJobToken) {
    const files = await workflowChanges(r.workspace, r.sha, commit);
    if (files.length)
      throw new ActionError(
        `the change creates or updates workflow files (${files.join(", ")}), which GitHub never lets the job's GITHUB_TOKEN push (it has no "workflows" permission), so nothing was pushed. Land with a GitHub App token or a fine-grained personal access token that has "Contents", "Pull requests" and "Workflows" write: name the App in the plan (github: { app: { client-id: VAR, private-key-secret: SECRET } }), or store a token as a repository secret and name it (github: { token-secret: NAME }), then recompile`,
      );
  }
  const startBranch = process.env.GITHUB_REF_NAME || "";
  const branch = inputs.branch || plan.land.branch;
  let target: string;
  let text: string;
  if (plan.land.strategy === "pull-request") {
    if (!token) throw new ActionError('the plan lands as a pull request, which needs the "token" input');
    const head = branch || pullRequestBranch(plan.name);
    if (head === startBranch)
      throw new ActionError(`the pull request branch ${head} is the branch the run started on; choose another branch`);
    const github = await api(token);
    const [title, , ...body] = commitMessage(plan, r.runId).split("\n");
    const spec = { head, base: startBranch, title, body: body.join("\n") };
    // before pushing: the token reaches the repository's pull requests, and whether one is open
    const open = await findOpenPull(github, head, startBranch);
    await pushCommit(r.workspace, commit, head, token, true);
    core.info(`pushed ${short} to ${head}`);
    const status = await postLandingStatus(r, commit, tasks, jobToken ?? token);
    const pull =
      open ??
      (await createPull(github, spec).catch((e: unknown) => {
        if (!(e instanceof ActionError) || !status) throw e;
        throw new ActionError(
          `${e.message} Its head already carries ${STATUS_CONTEXT} = success, so a pull request opened by hand passes a rule requiring ${STATUS_CONTEXT}.`,
        );
      }));
    if (open) await updatePull(github, open, spec);
    core.info(`${open ? "updated" : "opened"} pull request ${pull.url}`);
    target = head;
    text = `Landed as \`${short}\` on branch \`${head}\`: pull request ${pull.url}.${status}`;
  } else {
    target = branch || startBranch;
    if (!target) throw new ActionError("no branch to land on: set the branch input (GITHUB_REF_NAME is empty)");
    const replacing = target !== startBranch ? await earlierLanding(r.workspace, plan.name, target, r.sha, token) : undefined;
    await pushCommit(r.workspace, commit, target, token, replacing ? { replacing } : false);
    core.info(`pushed ${short} to ${target}${replacing ? ` (replacing ${replacing.slice(0, 12)}, an earlier landing of this plan)` : ""}`);
    text = `Landed as \`${short}\` on \`${target}\`.${await postLandingStatus(r, commit, tasks, jobToken ?? token)}`;
  }
  text += await dispatchAfterLanding(plan.github.dispatch, usesJobToken, jobToken, target);
  return { status: "landed", text };
}

/**
 * Pushes made with GITHUB_TOKEN start no workflow run; `workflow_dispatch` is one of the two
 * exceptions (docs "Triggering a workflow" › "Triggering a workflow from a workflow"). So after
 * landing with it, the plan's `github.dispatch` workflows are started on the landing branch.
 */
async function dispatchAfterLanding(
  workflows: string[],
  usesJobToken: boolean,
  jobToken: string | undefined,
  ref: string,
): Promise<string> {
  if (!workflows.length) return "";
  if (!usesJobToken) {
    core.info(`not dispatching ${workflows.join(", ")}: the push was made with a token from a secret, which starts workflows itself`);
    return "";
  }
  if (!jobToken) throw new ActionError('github.dispatch needs the "github-token" input (recompile the workflow)');
  const github = await api(jobToken);
  for (const workflow of workflows) {
    await dispatchWorkflow(github, workflow, ref);
    core.info(`started ${workflow} on ${ref} (workflow_dispatch)`);
  }
  return ` Started ${workflows.map((w) => `\`${w}\``).join(", ")} on \`${ref}\`.`;
}

/** `final-commit` = success on the landing commit, with the job's GITHUB_TOKEN (`statuses: write`); the summary's sentence. */
async function postLandingStatus(r: JobEnv, commit: string, tasks: number, statusToken: string | undefined): Promise<string> {
  const short = commit.slice(0, 12);
  if (!statusToken) {
    core.warning(`no token, so no ${STATUS_CONTEXT} commit status on ${short}: a branch rule requiring ${STATUS_CONTEXT} will wait for it`);
    return "";
  }
  await postStatus(await api(statusToken), STATUS_CONTEXT, {
    sha: commit,
    state: "success",
    description: `${tasks} task checkpoints verified; landed by run ${r.runId}`,
    targetUrl: runUrl(r.runId),
  });
  core.info(`posted commit status ${STATUS_CONTEXT} = success on ${short}`);
  return ` Commit status \`${STATUS_CONTEXT}\` = success on it.`;
}
