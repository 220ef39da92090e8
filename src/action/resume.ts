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
import type { FindBy } from "../checkpoint/artifact-store.js";
import { ActionError } from "./errors.js";

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

/** undefined when the input is empty (no resume). */
export async function resolveResume(value: string, token: string | undefined, env = process.env): Promise<ResumedRun | undefined> {
  const wanted = value.trim();
  if (!wanted) return undefined;
  if (wanted !== LATEST_FAILED && !/^[1-9][0-9]*$/.test(wanted))
    throw new ActionError(`input "resume-from" must be a run id or ${LATEST_FAILED}, got "${wanted.replace(/[\r\n]/g, " ")}"`);
  if (!token) throw new ActionError(`input "resume-from" needs the "token" input (github.token with actions: read) to read run ${wanted}`);
  const [owner, name] = (env.GITHUB_REPOSITORY ?? "").split("/");
  const current = env.GITHUB_RUN_ID ?? "";
  // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/file.yml@refs/heads/branch
  const workflowPath = (env.GITHUB_WORKFLOW_REF ?? "").replace(/^[^/]+\/[^/]+\//, "").replace(/@.*$/, "");
  const api = async <T>(path: string): Promise<T> => {
    const url = `${(env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "")}/repos/${owner}/${name}${path}`;
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" },
    });
    if (!res.ok) {
      const hint = [401, 403, 404].includes(res.status) ? " (the job needs a token with permissions: actions: read)" : "";
      throw new ActionError(`resume-from ${wanted}: GET ${path} answered ${res.status} ${res.statusText}${hint}`);
    }
    return (await res.json()) as T;
  };

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
    if (workflowPath && run.path && run.path.split("/").pop() !== workflowPath.split("/").pop())
      throw new ActionError(`resume-from ${wanted}: that run is of workflow ${run.path}, not of ${workflowPath}`);
  }
  return {
    runId: String(run.id),
    base: run.head_sha,
    findBy: { token, workflowRunId: run.id, repositoryOwner: owner, repositoryName: name },
  };
}
