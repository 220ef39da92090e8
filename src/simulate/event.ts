/**
 * The event a simulated run answers (`--event`): `workflow_dispatch` on the repository's current
 * branch, or a `pull_request` / `merge_group` for `--head BRANCH` into the default branch (the
 * repository's HEAD), with what GitHub gives such a run:
 *
 * - `pull_request`: GITHUB_SHA is the merge commit of head into base, GITHUB_REF
 *   `refs/pull/<n>/merge`, GITHUB_HEAD_REF/GITHUB_BASE_REF the branches, and the job's check runs
 *   attach to the pull request's head commit (docs "Events that trigger workflows" › `pull_request`).
 *   No merge commit, no run: GitHub runs no pull_request workflow for a pull request with conflicts.
 * - `merge_group`: GITHUB_SHA is the merge group's commit on a `gh-readonly-queue/<base>/pr-<n>-<sha>`
 *   branch, GITHUB_REF that branch, check runs on that commit (docs "Events that trigger workflows" ›
 *   `merge_group`; "Managing a merge queue").
 *
 * Payloads carry the fields the webhook docs name (docs "Webhook events and payloads").
 */
import { git } from "../git/git.js";
import { branchSha } from "./github-api/refs.js";
import type { GitHubState } from "./github-api/state.js";
import type { RepoHead } from "./repo.js";

export const EVENTS = ["workflow_dispatch", "pull_request", "merge_group"] as const;
export type EventName = (typeof EVENTS)[number];

export interface SimEvent {
  name: EventName;
  sha: string;
  ref: string;
  refName: string;
  /** GITHUB_HEAD_REF / GITHUB_BASE_REF: the branches of a pull_request, else empty */
  headRef: string;
  baseRef: string;
  /** the commit the run's check runs attach to */
  checkSha: string;
  payload: Record<string, unknown>;
  /** refs GitHub creates for the event and removes afterwards (the merge queue's branch) */
  temporaryRefs: string[];
}

const GITHUB_IDENTITY = {
  GIT_AUTHOR_NAME: "GitHub",
  GIT_AUTHOR_EMAIL: "noreply@github.com",
  GIT_COMMITTER_NAME: "GitHub",
  GIT_COMMITTER_EMAIL: "noreply@github.com",
};

export class EventError extends Error {}

export async function prepareEvent(name: EventName, head: RepoHead, headBranch: string | undefined, state: GitHubState): Promise<SimEvent> {
  const repository = { full_name: head.repository, name: head.repository.split("/")[1], owner: { login: head.repository.split("/")[0] } };
  if (name === "workflow_dispatch") {
    if (headBranch) throw new EventError("--head names a pull request's branch: use it with --event pull_request or merge_group");
    return {
      name,
      sha: head.sha,
      ref: head.ref,
      refName: head.refName,
      headRef: "",
      baseRef: "",
      checkSha: head.sha,
      payload: { ref: head.ref, repository },
      temporaryRefs: [],
    };
  }
  if (!headBranch) throw new EventError(`--event ${name} needs --head BRANCH: the pull request's branch (its base is ${head.refName})`);
  const base = head.refName;
  const headSha = await branchSha(head.repo, headBranch);
  if (!headSha) throw new EventError(`--head ${headBranch}: no such branch in ${head.repo}`);
  if (headBranch === base) throw new EventError(`--head ${headBranch} is the default branch itself; name the pull request's branch`);
  const pull = state.openPull(headBranch, base);
  const tree = await git(["merge-tree", "--write-tree", head.sha, headSha], { cwd: head.repo }).catch(() => {
    throw new EventError(`${headBranch} conflicts with ${base}: GitHub makes no merge commit, and runs no ${name} workflow, for it`);
  });
  const merge = await git(["commit-tree", tree.split("\n")[0], "-p", head.sha, "-p", headSha, "-m", `Merge ${headSha} into ${head.sha}`], {
    cwd: head.repo,
    env: GITHUB_IDENTITY,
  });
  const pr = {
    number: pull.number,
    head: { ref: headBranch, sha: headSha, repo: repository },
    base: { ref: base, sha: head.sha, repo: repository },
  };
  if (name === "pull_request") {
    await git(["update-ref", `refs/pull/${pull.number}/head`, headSha], { cwd: head.repo });
    await git(["update-ref", `refs/pull/${pull.number}/merge`, merge], { cwd: head.repo });
    return {
      name,
      sha: merge,
      ref: `refs/pull/${pull.number}/merge`,
      refName: `${pull.number}/merge`,
      headRef: headBranch,
      baseRef: base,
      checkSha: headSha,
      payload: { action: "synchronize", number: pull.number, pull_request: pr, repository },
      temporaryRefs: [],
    };
  }
  const queueBranch = `gh-readonly-queue/${base}/pr-${pull.number}-${headSha}`;
  await git(["update-ref", `refs/heads/${queueBranch}`, merge], { cwd: head.repo });
  return {
    name,
    sha: merge,
    ref: `refs/heads/${queueBranch}`,
    refName: queueBranch,
    headRef: "",
    baseRef: "",
    checkSha: merge,
    payload: {
      action: "checks_requested",
      merge_group: { head_sha: merge, head_ref: `refs/heads/${queueBranch}`, base_sha: head.sha, base_ref: head.ref },
      repository,
    },
    temporaryRefs: [`refs/heads/${queueBranch}`],
  };
}
