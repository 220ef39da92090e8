/**
 * Pull requests: list (`GET /repos/{o}/{r}/pulls?head=owner:branch&base=…&state=…`), create,
 * get and update, with the rules GitHub applies (REST docs "Pull requests" › "Create a pull
 * request"): the token needs "Pull requests" write; head and base must exist and differ and have
 * commits between them; one open pull request per head and base; and the job's GITHUB_TOKEN may
 * create one only when the repository allows it ("Allow GitHub Actions to create and approve pull
 * requests", off by default: docs "Managing GitHub Actions settings for a repository" ›
 * "Preventing GitHub Actions from creating or approving pull requests"), else 403 with the message
 * GitHub sends.
 */
import { git } from "../../git/git.js";
import { branchSha, repoPath } from "./refs.js";
import { type ApiContext, allowsOr, error, type Route } from "./router.js";
import { describeHolder, type PullRequest } from "./state.js";

const CREATE_DOC = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";
const UPDATE_DOC = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request";
const LIST_DOC = "https://docs.github.com/rest/pulls/pulls#list-pull-requests";
export const ACTIONS_MAY_NOT_CREATE_PRS = "GitHub Actions is not permitted to create or approve pull requests.";

export function pullRoutes(ctx: ApiContext): Route[] {
  const owner = ctx.state.repository.split("/")[0];
  const view = async (p: PullRequest) => ({
    number: p.number,
    state: p.state,
    title: p.title,
    body: p.body,
    html_url: `${ctx.htmlBase}/pull/${p.number}`,
    url: `${ctx.apiUrl()}/repos/${ctx.state.repository}/pulls/${p.number}`,
    head: { ref: p.head, label: `${owner}:${p.head}`, sha: (await branchSha(ctx.repo, p.head)) ?? null },
    base: { ref: p.base, label: `${owner}:${p.base}`, sha: (await branchSha(ctx.repo, p.base)) ?? null },
  });
  return [
    {
      method: "GET",
      pattern: repoPath(ctx, "/pulls"),
      async handle(req) {
        const denied = allowsOr(req, "pull-requests", "read", LIST_DOC);
        if (denied) return denied;
        const q = req.url.searchParams;
        const state = q.get("state") ?? "open";
        const head = q.get("head");
        const found = ctx.state.pulls.filter(
          (p) =>
            (state === "all" || p.state === state) &&
            (!head || head === `${owner}:${p.head}`) &&
            (!q.get("base") || q.get("base") === p.base),
        );
        return { status: 200, body: await Promise.all(found.map(view)) };
      },
    },
    {
      method: "POST",
      pattern: repoPath(ctx, "/pulls"),
      async handle(req) {
        const denied = allowsOr(req, "pull-requests", "write", CREATE_DOC);
        if (denied) return denied;
        const holder = req.holder!;
        if (holder.kind === "job" && !ctx.state.rules.allowTokenPrs) return error(403, ACTIONS_MAY_NOT_CREATE_PRS, CREATE_DOC);
        const body = (req.body ?? {}) as Record<string, unknown>;
        const head = String(body.head ?? "").replace(new RegExp(`^${owner}:`), "");
        const base = String(body.base ?? "");
        const invalid = (field: string, message: string) => ({
          status: 422,
          body: {
            message: "Validation Failed",
            errors: [{ resource: "PullRequest", field, code: "invalid", message }],
            documentation_url: CREATE_DOC,
            status: "422",
          },
        });
        if (!body.title) return invalid("title", "title is missing");
        const headSha = await branchSha(ctx.repo, head);
        const baseSha = await branchSha(ctx.repo, base);
        if (!headSha) return invalid("head", `head ${head} does not exist`);
        if (!baseSha) return invalid("base", `base ${base} does not exist`);
        if (ctx.state.pulls.some((p) => p.state === "open" && p.head === head && p.base === base))
          return invalid("head", `A pull request already exists for ${owner}:${head}.`);
        const ahead = await git(["rev-list", "--count", `${baseSha}..${headSha}`], { cwd: ctx.repo });
        if (ahead.trim() === "0") return invalid("head", `No commits between ${base} and ${head}`);
        const pr: PullRequest = {
          number: ctx.state.pulls.length + 1,
          head,
          base,
          state: "open",
          title: String(body.title),
          body: typeof body.body === "string" ? body.body : "",
          openedBy: describeHolder(holder),
          triggersWorkflows: holder.kind !== "job",
        };
        ctx.state.pulls.push(pr);
        return { status: 201, body: await view(pr) };
      },
    },
    {
      method: "GET",
      pattern: repoPath(ctx, "/pulls/(?<number>\\d+)"),
      async handle(req) {
        const denied = allowsOr(req, "pull-requests", "read", UPDATE_DOC);
        if (denied) return denied;
        const pr = ctx.state.pulls.find((p) => p.number === Number(req.params.number));
        return pr ? { status: 200, body: await view(pr) } : error(404, "Not Found", UPDATE_DOC);
      },
    },
    {
      method: "PATCH",
      pattern: repoPath(ctx, "/pulls/(?<number>\\d+)"),
      async handle(req) {
        const denied = allowsOr(req, "pull-requests", "write", UPDATE_DOC);
        if (denied) return denied;
        const pr = ctx.state.pulls.find((p) => p.number === Number(req.params.number));
        if (!pr) return error(404, "Not Found", UPDATE_DOC);
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (typeof body.title === "string") pr.title = body.title;
        if (typeof body.body === "string") pr.body = body.body;
        if (body.state === "open" || body.state === "closed") pr.state = body.state;
        return { status: 200, body: await view(pr) };
      },
    },
  ];
}
