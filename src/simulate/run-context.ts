/**
 * Everything fixed for one attempt of a simulated run, and the contexts and variables a runner
 * derives from it for each job.
 */
import type { SimEvent } from "./event.js";
import type { SimGitHub } from "./github-api/index.js";
import type { ResultsService } from "./results-service.js";
import type { SimWorkflow } from "./workflow/load.js";

export interface SimRun {
  workflow: SimWorkflow;
  /** the repository `actions/checkout` clones and finalize pushes to (absolute path) */
  repo: string;
  /** `owner/name` as GitHub would name it */
  repository: string;
  /** GITHUB_SHA: the dispatched commit, a pull request's merge commit, a merge group's commit */
  sha: string;
  /** GITHUB_REF: `refs/heads/<branch>`, `refs/pull/<n>/merge` */
  ref: string;
  refName: string;
  /** what started the run (`--event`) */
  event: SimEvent;
  runId: string;
  attempt: number;
  inputs: Record<string, string | boolean | number>;
  secrets: Record<string, string>;
  /** `vars`: the repository's configuration variables (`--var`) */
  vars: Record<string, string>;
  /**
   * `github.token`: each job gets its own from the simulated GitHub, with the job's `permissions:`
   * (runJob replaces this run-wide placeholder before any step sees it)
   */
  token: string;
  /** the simulated GitHub: REST API and the repository over HTTP, under GitHub's rules */
  github: SimGitHub;
  service: ResultsService;
  /** where this attempt's job logs and summaries go */
  attemptDir: string;
  /** scratch space for workspaces, removed after each job */
  workRoot: string;
  /** the folder `waveplan/waveplan@<any ref>` maps to: this waveplan's own action.yml and dist/ */
  actionRoot: string;
  /** the jobs' PATH: a runner's tools and the `--runner-path` folders, never the user's PATH (runner-path.ts) */
  path: string;
  /** where emulated `actions/cache` entries live (`--cache-dir`), across runs */
  cacheDir: string;
  /** `--fail`: the task whose command the simulator makes fail */
  failTask?: string;
  /** Ctrl-C: the run is cancelled */
  cancelled: AbortSignal;
}

export function githubContext(run: SimRun, extra: { job: string; workspace: string; eventPath: string }): Record<string, unknown> {
  const [owner] = run.repository.split("/");
  return {
    event_name: run.event.name,
    event: eventPayload(run),
    event_path: extra.eventPath,
    sha: run.sha,
    ref: run.ref,
    ref_name: run.refName,
    ref_type: "branch",
    ref_protected: false,
    head_ref: run.event.headRef,
    base_ref: run.event.baseRef,
    repository: run.repository,
    repository_owner: owner,
    repositoryUrl: run.github.gitUrl,
    run_id: run.runId,
    run_number: run.runId,
    run_attempt: String(run.attempt),
    retention_days: "90",
    workflow: run.workflow.name,
    workflow_ref: `${run.repository}/${run.workflow.file}@${run.ref}`,
    actor: "waveplan-simulate",
    triggering_actor: "waveplan-simulate",
    server_url: "https://github.com",
    api_url: run.github.apiUrl,
    graphql_url: "https://api.github.com/graphql",
    token: run.token,
    job: extra.job,
    workspace: extra.workspace,
    action: "",
    action_path: "",
  };
}

/** The event payload (GITHUB_EVENT_PATH, `github.event`): a dispatch's carries its inputs. */
export function eventPayload(run: SimRun): Record<string, unknown> {
  return run.event.name === "workflow_dispatch" ? { inputs: eventInputs(run), ...run.event.payload } : run.event.payload;
}

/** `github.event.inputs` holds strings; the `inputs` context keeps booleans and numbers. */
export function eventInputs(run: SimRun): Record<string, string> {
  return Object.fromEntries(Object.entries(run.inputs).map(([k, v]) => [k, String(v)]));
}

/** The default variables of every step (https://docs.github.com/actions/reference/variables-reference). */
export function defaultVariables(run: SimRun, job: { id: string; workspace: string; temp: string; eventPath: string; home: string }) {
  return {
    ...run.service.env({ runId: run.runId, runAttempt: run.attempt, repository: run.repository, job: job.id, workspace: job.workspace }),
    HOME: job.home,
    GITHUB_SHA: run.sha,
    GITHUB_REF: run.ref,
    GITHUB_REF_NAME: run.refName,
    GITHUB_REF_TYPE: "branch",
    GITHUB_EVENT_NAME: run.event.name,
    GITHUB_EVENT_PATH: job.eventPath,
    GITHUB_WORKFLOW: run.workflow.name,
    GITHUB_WORKFLOW_REF: `${run.repository}/${run.workflow.file}@${run.ref}`,
    GITHUB_ACTOR: "waveplan-simulate",
    GITHUB_TRIGGERING_ACTOR: "waveplan-simulate",
    // the simulated REST API; GITHUB_SERVER_URL stays github.com (@actions/artifact refuses other hosts)
    GITHUB_API_URL: run.github.apiUrl,
    GITHUB_HEAD_REF: run.event.headRef,
    GITHUB_BASE_REF: run.event.baseRef,
    GITHUB_RETENTION_DAYS: "90",
    RUNNER_TEMP: job.temp,
    RUNNER_TOOL_CACHE: job.temp,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: process.arch === "arm64" ? "ARM64" : "X64",
    RUNNER_NAME: "waveplan-simulate",
    RUNNER_ENVIRONMENT: "self-hosted",
  };
}

/**
 * The simulator's own environment minus what belongs to another runner, job or repository, so a
 * simulation started inside a GitHub job (or a git hook) behaves like one started in a terminal.
 */
export function hostEnvironment(): Record<string, string> {
  const drop = /^(GITHUB_|ACTIONS_|RUNNER_|INPUT_|STATE_|GIT_|BASH_ENV$|CI$)/;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !drop.test(k)) env[k] = v;
  return env;
}
