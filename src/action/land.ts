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
import { Rest } from "./rest.js";
import { createSignedCommit, type MoveBranch, moveBranch, signaturesRequired } from "./signed-landing.js";

/** The commit status context: the final job's own name by construction (compile/final-check.ts). */
export const STATUS_CONTEXT = FINAL_JOB;

export interface LandOutcome {
  status: "landed" | "verified";
  text: string;
  /** the commit on the branch: the verified landing commit, or the one GitHub made of it and signed */
  commit: string;
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
      commit,
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
  let landed: string;
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
    const put = await putOnBranch(r, loaded, commit, token, [head, startBranch], inputs.author);
    landed = await put(head, { force: true });
    const status = await postLandingStatus(r, landed, tasks, jobToken ?? token);
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
    text = `Landed as \`${landed.slice(0, 12)}\` on branch \`${head}\`: pull request ${pull.url}.${status}`;
  } else {
    target = branch || startBranch;
    if (!target) throw new ActionError("no branch to land on: set the branch input (GITHUB_REF_NAME is empty)");
    const replacing = target !== startBranch ? await earlierLanding(r.workspace, plan.name, target, r.sha, token) : undefined;
    const put = await putOnBranch(r, loaded, commit, token, [target], inputs.author);
    landed = await put(target, replacing ? { replacing } : {});
    text = `Landed as \`${landed.slice(0, 12)}\` on \`${target}\`.${await postLandingStatus(r, landed, tasks, jobToken ?? token)}`;
  }
  text += await dispatchAfterLanding(plan.github.dispatch, usesJobToken, jobToken, target);
  return { status: "landed", text, commit: landed };
}

/**
 * How the landing commit gets onto a branch: pushed with git, or — when the plan says
 * `land.signed: true`, or an active ruleset requires signed commits on one of `branches` — created
 * through GitHub's API, which signs it (signed-landing.ts). Returns a function that puts it on a
 * branch and answers the commit the branch then holds.
 */
async function putOnBranch(
  r: JobEnv,
  loaded: LoadedPlan,
  commit: string,
  token: string | undefined,
  branches: string[],
  authorInput: string | undefined,
): Promise<(branch: string, how: MoveBranch) => Promise<string>> {
  const { plan } = loaded;
  const short = commit.slice(0, 12);
  const repository = process.env.GITHUB_REPOSITORY ?? "";
  const rest = token && new Rest({ token, apiUrl: process.env.GITHUB_API_URL || "https://api.github.com", log: (l) => core.warning(l) });
  const why =
    plan.land.signed === true
      ? "land.signed: true"
      : plan.land.signed === false || !rest
        ? undefined
        : await signaturesRequired(rest, repository, [...new Set(branches.filter(Boolean))], (l) => core.warning(l));
  if (!why)
    return async (branch, how) => {
      await pushCommit(r.workspace, commit, branch, token, how.force ? true : how.replacing ? { replacing: how.replacing } : false);
      core.info(
        `pushed ${short} to ${branch}${how.replacing ? ` (replacing ${how.replacing.slice(0, 12)}, an earlier landing of this plan)` : ""}`,
      );
      return commit;
    };
  if (!rest) throw new ActionError(`landing signed (${why}) needs a token; nothing was pushed`);
  const author = authorInput || plan.land.author;
  if (author)
    core.warning(
      `the landing commit is authored by GitHub's bot, not ${author}: GitHub signs only commits without a custom author (${why})`,
    );
  return async (branch, how) => {
    core.info(`landing through GitHub's API so that GitHub signs the commit (${why})`);
    const signed = await createSignedCommit(rest, repository, r.workspace, r.sha, commit);
    await moveBranch(rest, repository, branch, signed.sha, how);
    core.info(
      `GitHub created and signed ${signed.sha.slice(0, 12)} (tree of the verified ${short}; ${signed.blobs} blob${signed.blobs === 1 ? "" : "s"} uploaded) and ${branch} now points at it${how.replacing ? ` (replacing ${how.replacing.slice(0, 12)}, an earlier landing of this plan)` : ""}`,
    );
    return signed.sha;
  };
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
