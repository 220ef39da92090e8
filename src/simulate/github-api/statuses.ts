/**
 * `POST /repos/{owner}/{repo}/statuses/{sha}` and `GET /repos/{owner}/{repo}/commits/{ref}/statuses`.
 * Source: REST docs "Commit statuses" › "Create a commit status": state is one of error, failure,
 * pending, success; `context` defaults to "default"; the token needs "Commit statuses" write; an
 * unknown SHA is a 422.
 */
import { commitExists, repoPath } from "./refs.js";
import { type ApiContext, allowsOr, error, type Route } from "./router.js";
import { describeHolder } from "./state.js";

const DOC = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";
const STATES = ["error", "failure", "pending", "success"];

export function statusRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: "POST",
      pattern: repoPath(ctx, "/statuses/(?<sha>[^/]+)"),
      async handle(req) {
        const denied = allowsOr(req, "statuses", "write", DOC);
        if (denied) return denied;
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (!STATES.includes(String(body.state))) return error(422, `Validation Failed: state must be one of ${STATES.join(", ")}`, DOC);
        if (!(await commitExists(ctx.repo, req.params.sha))) return error(422, `No commit found for SHA: ${req.params.sha}`, DOC);
        const status = {
          context: typeof body.context === "string" && body.context ? body.context : "default",
          state: String(body.state),
          description: typeof body.description === "string" ? body.description : "",
          targetUrl: typeof body.target_url === "string" ? body.target_url : "",
          by: describeHolder(req.holder!),
        };
        ctx.state.statuses[req.params.sha] = [...(ctx.state.statuses[req.params.sha] ?? []), status];
        return { status: 201, body: { ...status, target_url: status.targetUrl, id: Object.values(ctx.state.statuses).flat().length } };
      },
    },
    {
      method: "GET",
      pattern: repoPath(ctx, "/commits/(?<sha>[^/]+)/statuses"),
      handle(req) {
        const list = [...(ctx.state.statuses[req.params.sha] ?? [])].reverse();
        return { status: 200, body: list.map((s) => ({ ...s, target_url: s.targetUrl })) };
      },
    },
  ];
}
