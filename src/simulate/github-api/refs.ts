/**
 * Reading the simulated repository's refs, and `GET /repos/{owner}/{repo}/branches/{branch}`
 * (the branch and whether it is protected, as "Get a branch" answers to anyone with read access).
 */
import { git } from "../../git/git.js";
import { type ApiContext, error, type Route } from "./router.js";

export async function branchSha(repo: string, branch: string): Promise<string | undefined> {
  const sha = await git(["rev-parse", "--verify", "-q", `refs/heads/${branch}^{commit}`], { cwd: repo }).catch(() => "");
  return sha.trim() || undefined;
}

export async function commitExists(repo: string, sha: string): Promise<boolean> {
  if (!/^[0-9a-f]{4,40}$/i.test(sha)) return false;
  return (await git(["cat-file", "-e", `${sha}^{commit}`], { cwd: repo }).then(
    () => true,
    () => false,
  )) as boolean;
}

/** `^/repos/<owner>/<repo>` of the simulated repository followed by `rest`. */
export function repoPath(ctx: ApiContext, rest: string): RegExp {
  const [owner, name] = ctx.state.repository.split("/").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^/repos/${owner}/${name}${rest}$`, "i");
}

export function refRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: "GET",
      pattern: repoPath(ctx, "/branches/(?<branch>.+)"),
      async handle(req) {
        const branch = decodeURIComponent(req.params.branch);
        const sha = await branchSha(ctx.repo, branch);
        if (!sha) return error(404, "Branch not found", "https://docs.github.com/rest/branches/branches#get-a-branch");
        return { status: 200, body: { name: branch, commit: { sha }, protected: ctx.state.rules.protect.includes(branch) } };
      },
    },
  ];
}
