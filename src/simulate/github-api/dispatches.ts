/**
 * `POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches`. Source: REST docs
 * "Workflows" › "Create a workflow dispatch event": the token needs "Actions" write; the workflow
 * (its file name) must exist at `ref` and have a `workflow_dispatch` trigger (422 otherwise);
 * answers 204. A dispatch made with the GITHUB_TOKEN does start a run (docs "Triggering a
 * workflow" › "Triggering a workflow from a workflow": workflow_dispatch and repository_dispatch
 * are the exceptions). The simulator records it; it does not run the dispatched workflow.
 */
import { parse } from "yaml";
import { git } from "../../git/git.js";
import { repoPath } from "./refs.js";
import { type ApiContext, allowsOr, error, type Route } from "./router.js";
import { describeHolder } from "./state.js";

const DOC = "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event";

export function dispatchRoutes(ctx: ApiContext): Route[] {
  return [
    {
      method: "POST",
      pattern: repoPath(ctx, "/actions/workflows/(?<workflow>[^/]+)/dispatches"),
      async handle(req) {
        const denied = allowsOr(req, "actions", "write", DOC);
        if (denied) return denied;
        const body = (req.body ?? {}) as Record<string, unknown>;
        const ref = String(body.ref ?? "").replace(/^refs\/heads\//, "");
        const workflow = decodeURIComponent(req.params.workflow);
        if (!ref) return error(422, "Invalid value for parameter 'ref'", DOC);
        const text = await git(["show", `refs/heads/${ref}:.github/workflows/${workflow}`], { cwd: ctx.repo }).catch(() => undefined);
        if (text === undefined) return error(404, "Not Found", DOC);
        if (!hasDispatchTrigger(text)) return error(422, "Workflow does not have 'workflow_dispatch' trigger", DOC);
        const inputs = typeof body.inputs === "object" && body.inputs ? (body.inputs as Record<string, unknown>) : {};
        ctx.state.dispatches.push({ workflow, ref, inputs, by: describeHolder(req.holder!) });
        return { status: 204 };
      },
    },
  ];
}

function hasDispatchTrigger(text: string): boolean {
  let on: unknown;
  try {
    on = (parse(text) as Record<string, unknown> | null)?.on;
  } catch {
    return false;
  }
  if (typeof on === "string") return on === "workflow_dispatch";
  if (Array.isArray(on)) return on.includes("workflow_dispatch");
  return typeof on === "object" && on !== null && "workflow_dispatch" in on;
}
