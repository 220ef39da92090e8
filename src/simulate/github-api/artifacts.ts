/**
 * Workflow runs and their artifacts through the REST API, for every earlier simulated run of the
 * repository (run-registry.ts): what `@actions/artifact` calls with `findBy` and what the action's
 * `resume-from` resolves with. Shapes follow https://docs.github.com/rest/actions/artifacts and
 * https://docs.github.com/rest/actions/workflow-runs:
 *
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}                        a run (head_sha, path, conclusion)
 *   GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs         runs of a workflow file (?branch, ?status)
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts              its artifacts (?name, per_page, page)
 *   GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip          302 to a short-lived download URL
 */
import { basename } from "node:path";
import { uuidFrom } from "../results-service/auth.js";
import { ArtifactStore } from "../results-service/store.js";
import { findRunOut, listRunIds } from "../run-registry.js";
import { paths, type RunState, readState } from "../state.js";
import { type ApiContext, type ApiRequest, type ApiResponse, allowsOr, error, type Route } from "./router.js";

const REPO = "/repos/(?<owner>[^/]+)/(?<name>[^/]+)";
const DOC = "https://docs.github.com/rest/actions/artifacts";

/** A refusal answered as the response (GitHub's JSON error), thrown out of a route's lookups. */
class Refusal extends Error {
  constructor(readonly response: ApiResponse) {
    super(String(response.status));
  }
}

/** The REST routes of runs and artifacts; they need a token with `actions: read` (docs: "Artifacts" › fine-grained access). */
export function artifactRoutes(ctx: ApiContext): Route[] {
  const deps = { repo: ctx.repo, repository: ctx.state.repository };
  // artifact ids are per output folder; the API hands out its own ids, stable for its lifetime
  const byRestId = new Map<number, { out: string; id: number }>();
  const restIds = new Map<string, number>();
  const restId = (out: string, id: number) => {
    const key = `${out}\0${id}`;
    let n = restIds.get(key);
    if (n === undefined) {
      n = 1_000_000 + restIds.size;
      restIds.set(key, n);
      byRestId.set(n, { out, id });
    }
    return n;
  };
  const checkRepo = (p: Record<string, string>) => {
    if (`${p.owner}/${p.name}` !== deps.repository) throw new Refusal(error(404, "Not Found"));
  };
  const state = async (runId: string): Promise<{ out: string; state: RunState }> => {
    const out = await findRunOut(deps.repo, runId);
    const s = out && (await readState(out).catch(() => undefined));
    // a run still in progress has no state yet; GitHub would list it as in_progress, never as failed
    if (!out || !s) throw new Refusal(error(404, "Not Found"));
    return { out, state: s };
  };
  const runJson = (s: RunState) => ({
    id: Number(s.runId),
    name: s.workflowFile,
    head_branch: s.refName,
    head_sha: s.sha,
    path: `.github/workflows/${basename(s.workflowFile)}`,
    run_attempt: s.attempt,
    event: s.event?.name ?? "workflow_dispatch",
    status: "completed",
    conclusion: s.conclusion,
    repository: { full_name: s.repository },
  });

  /** Runs a route's body with the token check first and lookups' refusals answered as GitHub's errors. */
  const guarded =
    (body: (req: ApiRequest) => Promise<ApiResponse>) =>
    async (req: ApiRequest): Promise<ApiResponse> => {
      const refused = allowsOr(req, "actions", "read", DOC);
      if (refused) return refused;
      try {
        checkRepo(req.params);
        return await body(req);
      } catch (e) {
        if (e instanceof Refusal) return e.response;
        throw e;
      }
    };

  return [
    {
      method: "GET",
      pattern: new RegExp(`^${REPO}/actions/runs/(?<run>[0-9]+)$`),
      handle: guarded(async (req) => ({ status: 200, body: runJson((await state(req.params.run)).state) })),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${REPO}/actions/workflows/(?<workflow>[^/]+)/runs$`),
      handle: guarded(async (req) => {
        const branch = req.url.searchParams.get("branch");
        const status = req.url.searchParams.get("status");
        const runs: RunState[] = [];
        for (const id of await listRunIds(deps.repo)) {
          const found = await state(id).catch(() => undefined);
          if (!found) continue;
          const s = found.state;
          if (basename(s.workflowFile) !== decodeURIComponent(req.params.workflow)) continue;
          if (branch && s.refName !== branch) continue;
          if (status && s.conclusion !== status) continue;
          runs.push(s);
        }
        runs.sort((a, b) => Number(b.runId) - Number(a.runId));
        const perPage = Math.min(100, Number(req.url.searchParams.get("per_page") ?? 30));
        return { status: 200, body: { total_count: runs.length, workflow_runs: runs.slice(0, perPage).map(runJson) } };
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${REPO}/actions/runs/(?<run>[0-9]+)/artifacts$`),
      handle: guarded(async (req) => {
        const { out, state: s } = await state(req.params.run);
        const store = new ArtifactStore(paths(out).artifacts);
        const name = req.url.searchParams.get("name") ?? undefined;
        const records = await store.list(uuidFrom(`run\n${s.repository}\n${s.runId}`), name === undefined ? {} : { name });
        const perPage = Math.min(100, Number(req.url.searchParams.get("per_page") ?? 30));
        const page = Math.max(1, Number(req.url.searchParams.get("page") ?? 1));
        const artifacts = records.slice((page - 1) * perPage, page * perPage).map((r) => ({
          id: restId(out, r.id),
          name: r.name,
          size_in_bytes: r.content?.size ?? 0,
          archive_download_url: `${ctx.apiUrl()}/repos/${s.repository}/actions/artifacts/${restId(out, r.id)}/zip`,
          expired: false,
          digest: r.content ? `sha256:${r.content.sha256}` : null,
          created_at: r.createdAt,
          expires_at: r.expiresAt ?? null,
          workflow_run: { id: Number(s.runId), head_branch: s.refName, head_sha: s.sha },
        }));
        return { status: 200, body: { total_count: records.length, artifacts } };
      }),
    },
    {
      method: "GET",
      pattern: new RegExp(`^${REPO}/actions/artifacts/(?<artifact>[0-9]+)/zip$`),
      handle: guarded(async (req) => {
        if (!byRestId.has(Number(req.params.artifact))) return error(404, "Not Found");
        // GitHub answers with a redirect to a short-lived blob URL that needs no token
        return { status: 302, headers: { location: `${ctx.apiUrl()}/_download/${req.params.artifact}.zip` } };
      }),
    },
    {
      method: "GET",
      pattern: /^\/_download\/(?<artifact>[0-9]+)\.zip$/,
      async handle(req) {
        const where = byRestId.get(Number(req.params.artifact));
        if (!where) return error(404, "Not Found");
        const found = await new ArtifactStore(paths(where.out).artifacts).readContent(where.id).catch(() => undefined);
        if (!found) return error(404, "Not Found");
        return {
          status: 200,
          headers: {
            "content-type": found.record.content?.contentType ?? "application/zip",
            "content-length": String(found.record.content?.size ?? 0),
          },
          stream: found.stream,
        };
      },
    },
  ];
}
