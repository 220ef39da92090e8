/**
 * A local emulation of the GitHub Actions artifact backend (the results service's twirp
 * `ArtifactService` plus the blob storage its signed URLs point at), so the real `@actions/artifact`
 * client can upload, list, download and delete artifacts offline: in the integration tests and in
 * the workflow simulator, where each job is a separate process sharing one service.
 *
 * Runs and attempts: every attempt of a run shares one workflow run backend id (artifacts of attempt
 * 1 stay visible to attempt 2, as on GitHub), while each job of each attempt gets its own job backend
 * id. Both are derived from the run id, attempt and job name, so they are stable across processes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BackendIds, issueRuntimeToken, loadSecret, uuidFrom } from "./results-service/auth.js";
import { BLOB_PREFIX, handleBlob } from "./results-service/blob.js";
import { ArtifactStore, DEFAULT_LIMITS, type StoreLimits } from "./results-service/store.js";
import { handleTwirp, TWIRP_PREFIX } from "./results-service/twirp.js";

export type { BackendIds } from "./results-service/auth.js";

export interface ResultsServiceOptions {
  /** Folder holding the artifacts; shared by every service started on it. Default: a new temp folder, removed on close. */
  dir?: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  limits?: Partial<StoreLimits>;
}

/** What identifies a job of a run, as a runner knows it. */
export interface RunIdentity {
  runId: number | string;
  runAttempt?: number;
  /** `owner/name`; default `local/waveplan`. */
  repository?: string;
  /** The job id (`GITHUB_JOB`); each job of an attempt gets its own job backend id. Default `job`. */
  job?: string;
  /** `GITHUB_WORKSPACE`, the client's default download folder; omitted when not given. */
  workspace?: string;
}

export interface ResultsService {
  /** Base URL with trailing slash, the value of `ACTIONS_RESULTS_URL`. */
  readonly url: string;
  readonly dir: string;
  /** A runtime token granting `Actions.Results:<run>:<job>`, as the runner's JWT does. */
  runtimeToken(runBackendId: string, jobBackendId: string): string;
  /** The backend ids the service assigns to a job of a run attempt. */
  backendIds(run: RunIdentity): BackendIds;
  /** The variables a runner gives a JavaScript action, pointing the artifact client here. */
  env(run: RunIdentity): Record<string, string>;
  close(): Promise<void>;
}

export async function startResultsService(options: ResultsServiceOptions = {}): Promise<ResultsService> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir === undefined ? await mkdtemp(join(tmpdir(), "waveplan-results-")) : resolve(options.dir);
  const secret = await loadSecret(dir);
  const store = new ArtifactStore(dir, { ...DEFAULT_LIMITS, ...options.limits });
  let url = "";

  // Handlers answer their own errors; this only catches a bug, without taking the server down.
  const server = createServer((req, res) => void route(req, res).catch(() => res.destroy()));
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? "/", url);
    if (parsed.pathname.startsWith(TWIRP_PREFIX)) {
      await handleTwirp(req, res, parsed.pathname.slice(TWIRP_PREFIX.length), { store, secret, baseUrl: () => url });
    } else if (parsed.pathname.startsWith(BLOB_PREFIX)) {
      await handleBlob(req, res, parsed, { store, secret });
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  }

  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => done());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const backendIds = (run: RunIdentity): BackendIds => {
    const repository = run.repository ?? "local/waveplan";
    return {
      workflowRunBackendId: uuidFrom(`run\n${repository}\n${run.runId}`),
      workflowJobRunBackendId: uuidFrom(`job\n${repository}\n${run.runId}\n${run.runAttempt ?? 1}\n${run.job ?? "job"}`),
    };
  };
  const runtimeToken = (runBackendId: string, jobBackendId: string) =>
    issueRuntimeToken(secret, { workflowRunBackendId: runBackendId, workflowJobRunBackendId: jobBackendId });

  return {
    url,
    dir,
    runtimeToken,
    backendIds,
    env(run) {
      const ids = backendIds(run);
      const repository = run.repository ?? "local/waveplan";
      return {
        GITHUB_ACTIONS: "true",
        CI: "true",
        ACTIONS_RUNTIME_TOKEN: runtimeToken(ids.workflowRunBackendId, ids.workflowJobRunBackendId),
        ACTIONS_RESULTS_URL: url,
        GITHUB_RUN_ID: String(run.runId),
        GITHUB_RUN_ATTEMPT: String(run.runAttempt ?? 1),
        GITHUB_RUN_NUMBER: String(run.runId),
        GITHUB_JOB: run.job ?? "job",
        GITHUB_REPOSITORY: repository,
        GITHUB_REPOSITORY_OWNER: repository.split("/")[0],
        // Must name github.com: any other host makes the client refuse with "not supported on GHES".
        // The simulator points GITHUB_API_URL at its own REST API (simulate/github-api) for `findBy`.
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_API_URL: "https://api.github.com",
        GITHUB_GRAPHQL_URL: "https://api.github.com/graphql",
        ...(run.workspace ? { GITHUB_WORKSPACE: run.workspace } : {}),
      };
    },
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
