/**
 * Landing on GitHub: push the landing commit to a branch of the checkout's `origin`, and for the
 * pull-request strategy open or update a pull request.
 *
 * The token travels as an `http.<server>/.extraheader` Authorization header, as actions/checkout
 * does, but through GIT_CONFIG_* environment variables: never in a URL, an argument list, the
 * repository's config file or the log.
 */
import * as core from "@actions/core";
import { GitError, git } from "../git/git.js";
import { ActionError } from "./errors.js";

/** The token as HTTP basic credentials, the form git sends (and the log must mask as well). */
function basicCredentials(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString("base64");
}

export function authEnv(token: string | undefined): Record<string, string> {
  if (!token) return {};
  const header = `AUTHORIZATION: basic ${basicCredentials(token)}`;
  const server = (process.env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
  return { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: `http.${server}/.extraheader`, GIT_CONFIG_VALUE_0: header };
}

/**
 * Pushes `commit` to `refs/heads/<branch>` of origin. Without `force` the push only fast-forwards,
 * so a branch that moved since the run started is never overwritten.
 */
export async function pushCommit(repo: string, commit: string, branch: string, token: string | undefined, force = false): Promise<void> {
  await git(["check-ref-format", `refs/heads/${branch}`], { cwd: repo }).catch(() => {
    throw new ActionError(`"${branch}" is not a valid branch name`);
  });
  if (token) core.setSecret(basicCredentials(token));
  const refspec = `${force ? "+" : ""}${commit}:refs/heads/${branch}`;
  try {
    await git(["push", "--quiet", "--no-verify", "origin", refspec], { cwd: repo, env: authEnv(token) });
  } catch (e) {
    const why = e instanceof GitError ? e.stderr.trim().split("\n").slice(0, 4).join("; ") : (e as Error).message;
    const moved = /non-fast-forward|fetch first|rejected/.test(why);
    throw new ActionError(
      moved
        ? `branch ${branch} moved since the run started, so the change was not pushed (it would overwrite newer commits); run the workflow again from the new head (${why})`
        : `cannot push to branch ${branch} of origin: ${why}`,
    );
  }
}

export interface PullRequestSpec {
  token: string;
  head: string;
  base: string;
  title: string;
  body: string;
}

/** Opens a pull request from `head` into `base`, or updates the open one; returns its URL. */
export async function openOrUpdatePullRequest(spec: PullRequestSpec): Promise<string> {
  // loaded here only: the GitHub client is large and only this path needs it
  const { getOctokit, context } = await import(/* webpackMode: "eager" */ "@actions/github");
  const octokit = getOctokit(spec.token);
  const { owner, repo } = context.repo;
  const open = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${spec.head}`, base: spec.base, state: "open" });
  if (open.data.length > 0) {
    const pr = open.data[0];
    await octokit.rest.pulls.update({ owner, repo, pull_number: pr.number, title: spec.title, body: spec.body });
    return pr.html_url;
  }
  const created = await octokit.rest.pulls.create({ owner, repo, head: spec.head, base: spec.base, title: spec.title, body: spec.body });
  return created.data.html_url;
}
