/**
 * The run named by the dispatch input `resume-from`: a run id, or `latest-failed` (the latest failed
 * run of this workflow on this branch, started before this one). Resolved through the REST API with
 * the job's token (`actions: read`); the run's head commit is the base its checkpoints were made on,
 * taken from GitHub rather than from the checkpoints themselves.
 *
 *   GET /repos/{owner}/{repo}/actions/runs/{run_id}                        ("Get a workflow run")
 *   GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?branch=&status=failure
 *                                                                          ("List workflow runs for a workflow";
 *                                                                           workflow_id may be the file name)
 * (https://docs.github.com/rest/actions/workflow-runs)
 */
import { createHash } from "node:crypto";
import type { Artifact } from "@actions/artifact";
import type { ArtifactReader, FindBy } from "../checkpoint/artifact-store.js";
import { ActionError } from "./errors.js";
import { Rest } from "./rest.js";

export interface ResumedRun {
  runId: string;
  /** the commit that run was based on (`head_sha`) */
  base: string;
  findBy: FindBy;
}

interface WorkflowRun {
  id: number;
  head_sha: string;
  head_branch: string | null;
  path?: string;
  conclusion: string | null;
}

export const LATEST_FAILED = "latest-failed";

/** The REST client of a resumed run's reads, with GitHub's retry rules (rest.ts). */
export function resumeRest(token: string, env = process.env, log?: (line: string) => void): Rest {
  return new Rest({ token, apiUrl: env.GITHUB_API_URL ?? "https://api.github.com", log });
}

/** undefined when the input is empty (no resume). */
export async function resolveResume(
  value: string,
  token: string | undefined,
  env = process.env,
  rest = token ? resumeRest(token, env) : undefined,
): Promise<ResumedRun | undefined> {
  const wanted = value.trim();
  if (!wanted) return undefined;
  if (wanted !== LATEST_FAILED && !/^[1-9][0-9]*$/.test(wanted))
    throw new ActionError(`input "resume-from" must be a run id or ${LATEST_FAILED}, got "${wanted.replace(/[\r\n]/g, " ")}"`);
  if (!token) throw new ActionError(`input "resume-from" needs the "token" input (github.token with actions: read) to read run ${wanted}`);
  const [owner, name] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const current = env.GITHUB_RUN_ID ?? "";
  // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/file.yml@refs/heads/branch
  const workflowPath = withoutRef((env.GITHUB_WORKFLOW_REF ?? "").replace(/^[^/]+\/[^/]+\//, ""));
  const api = <T>(path: string): Promise<T> => (rest as Rest).json<T>(`/repos/${owner}/${name}${path}`, `resume-from ${wanted}`);

  let run: WorkflowRun;
  if (wanted === LATEST_FAILED) {
    const branch = env.GITHUB_REF_NAME ?? "";
    const file = workflowPath.split("/").pop() ?? "";
    const { workflow_runs: runs } = await api<{ workflow_runs: WorkflowRun[] }>(
      `/actions/workflows/${encodeURIComponent(file)}/runs?branch=${encodeURIComponent(branch)}&status=failure&per_page=30`,
    );
    // run ids grow: the newest failed run started before this one (never this run itself)
    const found = runs.filter((r) => r.id < Number(current)).sort((a, b) => b.id - a.id)[0];
    if (!found) throw new ActionError(`resume-from ${LATEST_FAILED}: no failed run of ${file} on branch ${branch} before this one`);
    run = found;
  } else {
    if (wanted === current) throw new ActionError(`resume-from ${wanted} is this run; name an earlier one`);
    run = await api<WorkflowRun>(`/actions/runs/${wanted}`);
    // workflows live directly in .github/workflows/: the file name identifies one
    // a run's `path` may carry `@<ref>` too (dynamic and reusable workflows)
    if (workflowPath && run.path && withoutRef(run.path).split("/").pop() !== workflowPath.split("/").pop())
      throw new ActionError(`resume-from ${wanted}: that run is of workflow ${run.path}, not of ${workflowPath}`);
  }
  return {
    runId: String(run.id),
    base: run.head_sha,
    findBy: { token, workflowRunId: run.id, repositoryOwner: owner, repositoryName: name },
  };
}

/** `.github/workflows/x.yml@refs/heads/main` → `.github/workflows/x.yml` */
export function withoutRef(path: string): string {
  const at = path.indexOf("@");
  return at < 0 ? path : path.slice(0, at);
}

/** What the plan job passes a task job about its checkpoint in the resumed run. */
export interface ResumeArtifact {
  id: number;
  name: string;
  size: number;
  digest?: string;
}

/** What the plan job passes every job about the resumed run. */
export interface ResumeRunInfo {
  runId: string;
  base: string;
  repository: string;
}

interface RestArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  digest?: string | null;
  created_at?: string;
  expired?: boolean;
}

/**
 * Every artifact of run `runId`, page by page (`per_page` is at most 100: REST docs "List workflow
 * run artifacts"; "Using pagination in the REST API"), with no cap: `@actions/artifact`'s listing
 * stops at 1,000 (`getMaxArtifactListCount`, actions/toolkit packages/artifact/src/internal/find/
 * list-artifacts.ts) with a warning, and a large plan run over several attempts has more.
 */
export async function listRunArtifacts(rest: Rest, repository: string, runId: string): Promise<Artifact[]> {
  const all: Artifact[] = [];
  for (let page = 1; ; page++) {
    const { total_count: total, artifacts } = await rest.json<{ total_count: number; artifacts: RestArtifact[] }>(
      `/repos/${repository}/actions/runs/${runId}/artifacts?per_page=100&page=${page}`,
      `resume-from ${runId}: listing its artifacts`,
    );
    for (const a of artifacts)
      if (!a.expired)
        all.push({
          id: a.id,
          name: a.name,
          size: a.size_in_bytes,
          digest: a.digest?.replace(/^sha256:/, "") ?? undefined,
          createdAt: a.created_at ? new Date(a.created_at) : undefined,
        });
    if (artifacts.length < 100 || page * 100 >= total) return all;
  }
}

/**
 * Reads a resumed run's artifacts through the REST API with rest.ts's retries: the listing given
 * (made once, by the plan job) and each zip from `GET /repos/{o}/{r}/actions/artifacts/{id}/zip` —
 * a 302 to a short-lived blob URL that needs no token (REST docs "Download an artifact"), as
 * @actions/artifact's downloadArtifactPublic does — checked against the digest it was listed with.
 */
export function restArtifactReader(rest: Rest, repository: string, listing: Artifact[]): ArtifactReader {
  return {
    list: async () => listing,
    download: async (artifact) => {
      const what = `downloading artifact ${artifact.name}`;
      const res = await rest.request(`/repos/${repository}/actions/artifacts/${artifact.id}/zip`, what, { redirect: "manual" });
      const location = res.status === 302 ? res.headers.get("location") : undefined;
      const blob = location ? await fetch(location) : res;
      if (!blob.ok) throw new Error(`${what}: the download answered ${blob.status} ${blob.statusText}`);
      const bytes = Buffer.from(await blob.arrayBuffer());
      const digest = createHash("sha256").update(bytes).digest("hex");
      return { digestMismatch: artifact.digest !== undefined && artifact.digest !== digest, bytes };
    },
  };
}
