/**
 * The REST calls final-commit makes, through @actions/github (base URL `GITHUB_API_URL`), with
 * GitHub's refusals turned into messages that say what to do.
 */
import * as core from "@actions/core";
import { ActionError } from "./errors.js";

/** Where "Allow GitHub Actions to create and approve pull requests" is, for messages. */
export const PR_SETTING =
  '"Allow GitHub Actions to create and approve pull requests" (repository Settings → Actions → General → Workflow permissions; an organization can turn it off for all its repositories)';

type Octokit = ReturnType<typeof import("@actions/github").getOctokit>;

export interface Repo {
  owner: string;
  repo: string;
}

export interface Api {
  octokit: Octokit;
  repo: Repo;
}

export async function api(token: string): Promise<Api> {
  // loaded here only: the GitHub client is large and only finalize needs it
  const { getOctokit, context } = await import(/* webpackMode: "eager" */ "@actions/github");
  return { octokit: getOctokit(token), repo: context.repo };
}

function status(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface OpenPull {
  number: number;
  url: string;
}

/** The open pull request from `head` into `base`, if any. */
export async function findOpenPull(a: Api, head: string, base: string): Promise<OpenPull | undefined> {
  try {
    const open = await a.octokit.rest.pulls.list({ ...a.repo, head: `${a.repo.owner}:${head}`, base, state: "open" });
    return open.data[0] && { number: open.data[0].number, url: open.data[0].html_url };
  } catch (e) {
    throw new ActionError(
      `cannot read the pull requests of ${a.repo.owner}/${a.repo.repo} (${status(e) ?? "error"}: ${message(e)}); nothing was pushed. The token needs "Pull requests" read access`,
    );
  }
}

export interface PullSpec {
  head: string;
  base: string;
  title: string;
  body: string;
}

/**
 * Opens the pull request. A 403 with GitHub's "not permitted" message is the repository setting
 * (REST docs "Create a pull request"; docs "Managing GitHub Actions settings for a repository" ›
 * "Preventing GitHub Actions from creating or approving pull requests").
 */
export async function createPull(a: Api, spec: PullSpec): Promise<OpenPull> {
  try {
    const created = await a.octokit.rest.pulls.create({ ...a.repo, ...spec });
    return { number: created.data.number, url: created.data.html_url };
  } catch (e) {
    const pushed = `The change was pushed to branch ${spec.head}: open the pull request into ${spec.base} by hand, or run again once fixed.`;
    if (status(e) === 403 && /not permitted to create or approve pull requests/i.test(message(e)))
      throw new ActionError(
        `GitHub refused to open the pull request: GitHub Actions may not create pull requests in this repository. Turn on ${PR_SETTING}, or land with a token from a secret (plan: github.token-secret). ${pushed}`,
      );
    throw new ActionError(
      `cannot open the pull request from ${spec.head} into ${spec.base} (${status(e) ?? "error"}: ${message(e)}). ${pushed}`,
    );
  }
}

export async function updatePull(a: Api, pull: OpenPull, spec: PullSpec): Promise<void> {
  try {
    await a.octokit.rest.pulls.update({ ...a.repo, pull_number: pull.number, title: spec.title, body: spec.body });
  } catch (e) {
    core.warning(`pushed, but could not update the description of pull request #${pull.number}: ${message(e)}`);
  }
}

export interface StatusSpec {
  sha: string;
  state: "success" | "failure" | "error" | "pending";
  description: string;
  targetUrl: string;
}

/**
 * Posts the `final-commit` commit status (REST docs "Commit statuses" › "Create a commit status";
 * the job needs `statuses: write`). Required status checks are read on the pull request's head
 * commit (docs "Troubleshooting required status checks"), and the check run of the job itself is
 * attached to the commit the run started from, so this status is what satisfies the requirement
 * on a landing commit. (Same doc: a required name matches a check run and a status alike; on the
 * landing commit only this status carries it.)
 */
export async function postStatus(a: Api, context: string, spec: StatusSpec): Promise<void> {
  try {
    await a.octokit.rest.repos.createCommitStatus({
      ...a.repo,
      sha: spec.sha,
      state: spec.state,
      context,
      // GitHub keeps descriptions short (the UI shows one line)
      description: spec.description.slice(0, 140),
      target_url: spec.targetUrl,
    });
  } catch (e) {
    throw new ActionError(
      `landed ${spec.sha.slice(0, 12)}, but could not post the "${context}" commit status on it (${status(e) ?? "error"}: ${message(e)}); the job needs "permissions: statuses: write" (recompile with waveplan compile)`,
    );
  }
}

/** `workflow_dispatch` of `workflow` on `ref` (REST docs "Create a workflow dispatch event"; `actions: write`). */
export async function dispatchWorkflow(a: Api, workflow: string, ref: string): Promise<void> {
  try {
    await a.octokit.rest.actions.createWorkflowDispatch({ ...a.repo, workflow_id: workflow, ref });
  } catch (e) {
    throw new ActionError(
      `landed, but could not start workflow ${workflow} on ${ref} (${status(e) ?? "error"}: ${message(e)}); it needs a workflow_dispatch trigger, and the job "permissions: actions: write"`,
    );
  }
}
