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
import { ApiError, type Route, sendJson } from "./router.js";

export interface ArtifactApiDeps {
  /** the repository the runs belong to (`--repo`) and its `owner/name` */
  repo: string;
  repository: string;
}

const REPO = "/repos/(?<owner>[^/]+)/(?<name>[^/]+)";

export function artifactRoutes(deps: ArtifactApiDeps): Route[] {
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
    if (`${p.owner}/${p.name}` !== deps.repository) throw new ApiError(404, "Not Found");
  };
  const state = async (runId: string): Promise<{ out: string; state: RunState }> => {
    const out = await findRunOut(deps.repo, runId);
    const s = out && (await readState(out).catch(() => undefined));
    // a run still in progress has no state yet; GitHub would list it as in_progress, never as failed
    if (!out || !s) throw new ApiError(404, "Not Found");
    return { out, state: s };
  };
  const runJson = (s: RunState) => ({
    id: Number(s.runId),
    name: s.workflowFile,
    head_branch: s.refName,
    head_sha: s.sha,
    path: `.github/workflows/${basename(s.workflowFile)}`,
    run_attempt: s.attempt,
    event: "workflow_dispatch",
    status: "completed",
    conclusion: s.conclusion,
    repository: { full_name: s.repository },
  });

  return [
    {
      method: "GET",
      path: new RegExp(`^${REPO}/actions/runs/(?<run>[0-9]+)$`),
      async handle(req, res) {
        checkRepo(req.params);
        sendJson(res, 200, runJson((await state(req.params.run)).state));
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${REPO}/actions/workflows/(?<workflow>[^/]+)/runs$`),
      async handle(req, res) {
        checkRepo(req.params);
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
        sendJson(res, 200, { total_count: runs.length, workflow_runs: runs.slice(0, perPage).map(runJson) });
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${REPO}/actions/runs/(?<run>[0-9]+)/artifacts$`),
      async handle(req, res) {
        checkRepo(req.params);
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
          archive_download_url: `${req.base}/repos/${s.repository}/actions/artifacts/${restId(out, r.id)}/zip`,
          expired: false,
          digest: r.content ? `sha256:${r.content.sha256}` : null,
          created_at: r.createdAt,
          expires_at: r.expiresAt ?? null,
          workflow_run: { id: Number(s.runId), head_branch: s.refName, head_sha: s.sha },
        }));
        sendJson(res, 200, { total_count: records.length, artifacts });
      },
    },
    {
      method: "GET",
      path: new RegExp(`^${REPO}/actions/artifacts/(?<artifact>[0-9]+)/zip$`),
      async handle(req, res) {
        checkRepo(req.params);
        if (!byRestId.has(Number(req.params.artifact))) throw new ApiError(404, "Not Found");
        // GitHub answers with a redirect to a short-lived blob URL that needs no token
        res.writeHead(302, { location: `${req.base}/_download/${req.params.artifact}.zip` }).end();
      },
    },
    {
      method: "GET",
      path: /^\/_download\/(?<artifact>[0-9]+)\.zip$/,
      auth: false,
      async handle(req, res) {
        const where = byRestId.get(Number(req.params.artifact));
        if (!where) throw new ApiError(404, "Not Found");
        const { record, stream } = await new ArtifactStore(paths(where.out).artifacts).readContent(where.id).catch(() => {
          throw new ApiError(404, "Not Found");
        });
        res.writeHead(200, {
          "content-type": record.content?.contentType ?? "application/zip",
          "content-length": record.content?.size ?? 0,
        });
        stream.pipe(res);
        await new Promise<void>((done) => res.on("close", () => done()));
      },
    },
  ];
}
