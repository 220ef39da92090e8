/**
 * Landing on GitHub: push the landing commit to a branch of the checkout's `origin`, with GitHub's
 * refusals explained.
 *
 * The token travels as an `http.<origin>/.extraheader` Authorization header, as actions/checkout
 * does (it scopes the header to the server its origin is on), but through GIT_CONFIG_* environment
 * variables: never in a URL, an argument list, the repository's config file or the log.
 */
import * as core from "@actions/core";
import { GitError, git } from "../git/git.js";
import { ActionError } from "./errors.js";
import { explainRulesetRefusal, isRulesetRefusal } from "./gh013.js";

/** The token as HTTP basic credentials, the form git sends (and the log must mask as well). */
function basicCredentials(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString("base64");
}

/** The server the header is for: origin's scheme, host and port when it is an HTTP remote, else GITHUB_SERVER_URL. */
async function serverOf(repo: string): Promise<string> {
  const url = await git(["remote", "get-url", "origin"], { cwd: repo }).catch(() => "");
  if (/^https?:\/\//.test(url)) return new URL(url).origin;
  return (process.env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
}

export async function authEnv(repo: string, token: string | undefined): Promise<Record<string, string>> {
  if (!token) return {};
  const header = `AUTHORIZATION: basic ${basicCredentials(token)}`;
  return { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: `http.${await serverOf(repo)}/.extraheader`, GIT_CONFIG_VALUE_0: header };
}

/** Masks the token and the form git sends it in. */
export function maskToken(token: string | undefined): void {
  if (!token) return;
  core.setSecret(token);
  core.setSecret(basicCredentials(token));
}

/**
 * Files under `.github/workflows/` the landing commit changes. GitHub refuses such a push from a
 * token without the `workflows` permission, which GITHUB_TOKEN can never have (the `permissions:`
 * key has no such scope; GitHub's refusal: "refusing to allow a GitHub App to create or update
 * workflow … without `workflows` permission").
 */
export async function workflowChanges(repo: string, base: string, commit: string): Promise<string[]> {
  const out = await git(["diff", "--name-only", "--no-renames", base, commit, "--", ".github/workflows/"], { cwd: repo });
  return out.split("\n").filter(Boolean);
}

/**
 * Pushes `commit` to `refs/heads/<branch>` of origin. Without `force` the push only fast-forwards,
 * so a branch that moved since the run started is never overwritten. A push is atomic: refused,
 * it changed nothing.
 */
export async function pushCommit(
  repo: string,
  commit: string,
  branch: string,
  token: string | undefined,
  force: boolean | { replacing: string } = false,
): Promise<void> {
  await git(["check-ref-format", `refs/heads/${branch}`], { cwd: repo }).catch(() => {
    throw new ActionError(`"${branch}" is not a valid branch name`);
  });
  maskToken(token);
  const refspec = `${force === true ? "+" : ""}${commit}:refs/heads/${branch}`;
  // replacing one known commit: refused if the branch moved since it was read (git push's lease)
  const lease = typeof force === "object" ? [`--force-with-lease=refs/heads/${branch}:${force.replacing}`] : [];
  try {
    await git(["push", "--quiet", "--no-verify", ...lease, "origin", refspec], { cwd: repo, env: await authEnv(repo, token) });
  } catch (e) {
    throw new ActionError(explainRefusal(branch, e instanceof GitError ? e.stderr : (e as Error).message));
  }
}

/** GitHub's push refusals, each with what to do; the first lines of git's own text follow. */
export function explainRefusal(branch: string, stderr: string): string {
  const why = stderr
    .trim()
    .split("\n")
    .map((l) => l.replace(/^remote:\s*/, "").trim())
    .filter(Boolean)
    .slice(0, 4)
    .join("; ");
  // GH013 is a ruleset's refusal, naming each violated rule; it is not a moved branch
  if (isRulesetRefusal(stderr)) return explainRulesetRefusal(branch, stderr);
  // GH006 is GitHub's protected-branch refusal (docs "About protected branches"; e.g. "GH006:
  // Protected branch update failed for refs/heads/main. Required status check … is expected.")
  if (/GH006|protected branch/i.test(stderr))
    return `branch ${branch} is protected (branch protection or a ruleset refused the push), so nothing was pushed. Dispatch the workflow on a feature branch (the landing commit then becomes that branch's head, and of its pull request), or land with land.strategy: pull-request (${why})`;
  if (/without `?workflows`? permission/i.test(stderr))
    return `GitHub refused the push to ${branch}: the change creates or updates files under .github/workflows/, which the token may not do. Land with a fine-grained PAT or GitHub App token that has the "Workflows" permission (plan: github.token-secret) (${why})`;
  if (/non-fast-forward|fetch first|rejected|not a fast forward/i.test(stderr))
    return `branch ${branch} moved since the run started, so the change was not pushed (it would overwrite newer commits); run the workflow again from the new head (${why})`;
  return `cannot push to branch ${branch} of origin: ${why}`;
}

/**
 * The commit a plan-owned landing branch holds when that is only an earlier landing of this plan: one
 * commit whose message names the plan and whose parent is an ancestor of this run's base. Such a
 * branch (`land.branch`, not the branch the run started on) is replaced by the new landing, as the
 * pull-request branch is — each run lands afresh from its own base, and a second dispatch would
 * otherwise fail non-fast-forward. Anything else on the branch (someone's commit) is never replaced.
 */
export async function earlierLanding(
  repo: string,
  planName: string,
  branch: string,
  base: string,
  token: string | undefined,
): Promise<string | undefined> {
  const env = await authEnv(repo, token);
  const fetched = await git(["fetch", "--quiet", "--no-tags", "origin", `refs/heads/${branch}`], { cwd: repo, env }).then(
    () => true,
    () => false, // no such branch (or unreadable): nothing to replace, the push decides
  );
  if (!fetched) return undefined;
  const tip = await git(["rev-parse", "FETCH_HEAD"], { cwd: repo });
  if (tip === base) return undefined;
  const message = await git(["log", "-1", "--format=%B", tip], { cwd: repo });
  if (!message.split("\n").some((line) => line.startsWith(`Plan: ${planName} (`))) return undefined;
  const parents = (await git(["rev-list", "--parents", "-n", "1", tip], { cwd: repo })).split(" ").slice(1);
  if (parents.length !== 1) return undefined;
  const onOurLine = await git(["merge-base", "--is-ancestor", parents[0], base], { cwd: repo }).then(
    () => true,
    () => false,
  );
  return onOurLine ? tip : undefined;
}
