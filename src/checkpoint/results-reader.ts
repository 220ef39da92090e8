/**
 * Reading this run's checkpoint artifacts straight from the results service, the two read calls
 * of its Twirp ArtifactService plus the blob GET, exactly as `@actions/artifact` 6 makes them
 * (actions/toolkit packages/artifact/src/internal: shared/artifact-twirp-client.ts for the request,
 * its retries and the bearer token; shared/util.ts `getBackendIdsFromToken` for the backend ids in
 * the token's `scp` claim; shared/config.ts for ACTIONS_RESULTS_URL / ACTIONS_RUNTIME_TOKEN;
 * find/list-artifacts.ts and download/download-artifact.ts for the calls and fields).
 *
 * Why not the client's `downloadArtifact`: per artifact it lists again (ListArtifacts filtered by
 * id), then asks for the signed URL and GETs the blob, each on a fresh connection, and writes ~13
 * `::debug::` lines; and the client (most of the action's bundle) must be loaded before anything
 * is fetched. Here one listing per job, then per artifact one signed URL and one GET over
 * kept-alive connections; the client is loaded only to upload. Another run's artifacts
 * (`resume-from`, the REST API) and GHES still go through the client.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { pipeline } from "node:stream/promises";
import type { Artifact } from "@actions/artifact";

const SERVICE = "github.actions.results.api.v1.ArtifactService";
/** the client's ArtifactHttpClient defaults */
const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 3000;
const RETRY_MULTIPLIER = 1.5;
const RETRYABLE_STATUS = new Set([500, 502, 503, 504, 429]);
/** the client's NetworkError codes: not retried, the runner cannot reach the service */
const NETWORK_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET"]);
/** download-artifact.ts streamExtract: five tries, five seconds apart */
const BLOB_ATTEMPTS = 5;
const BLOB_RETRY_MS = 5000;

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** shared/config.ts isGhes: the results service (artifacts v4) does not exist on GHES. */
export function onGhes(env = process.env): boolean {
  const host = new URL(env.GITHUB_SERVER_URL || "https://github.com").hostname.trimEnd().toUpperCase();
  return !(host === "GITHUB.COM" || host.endsWith(".GHE.COM") || host.endsWith(".LOCALHOST"));
}

export class ResultsServiceReader {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly ids: { workflow_run_backend_id: string; workflow_job_run_backend_id: string };
  /** the listing's entries by database id, with the backend ids GetSignedArtifactURL needs */
  private readonly listed = new Map<number, Record<string, unknown>>();

  constructor(
    env = process.env,
    private readonly retryBaseMs = RETRY_BASE_MS,
  ) {
    const token = env.ACTIONS_RUNTIME_TOKEN;
    if (!token) throw new Error("Unable to get the ACTIONS_RUNTIME_TOKEN env variable");
    const url = env.ACTIONS_RESULTS_URL;
    if (!url) throw new Error("Unable to get the ACTIONS_RESULTS_URL env variable");
    this.token = token;
    this.baseUrl = new URL(url).origin;
    this.ids = backendIds(token);
  }

  /** Every artifact of this run (list-artifacts.ts listArtifactsInternal, without `latest`). */
  async list(): Promise<Artifact[]> {
    const body = (await this.twirp("ListArtifacts", this.ids)) as { artifacts?: Record<string, unknown>[] };
    // an answer of another shape is a protocol this reader does not know: fail, so the job falls
    // back to the artifact client (reader-fallback.ts) instead of reading names as "undefined"
    if (body.artifacts !== undefined && !Array.isArray(body.artifacts)) throw new Error("ListArtifacts answered without an artifacts list");
    for (const a of body.artifacts ?? []) {
      if (typeof a.name !== "string" || !/^\d+$/.test(String(a.database_id)))
        throw new Error(`ListArtifacts answered with an artifact of unknown shape (fields ${Object.keys(a).join(", ")})`);
      this.listed.set(Number(a.database_id), a);
    }
    return (body.artifacts ?? []).map((a) => ({
      name: String(a.name),
      id: Number(a.database_id),
      size: Number(a.size ?? 0),
      ...(typeof a.digest === "string" ? { digest: a.digest } : {}),
    }));
  }

  /**
   * The artifact's zip as uploaded — its bytes when small, else saved to `file` — and whether its
   * sha256 differs from the digest it was listed with (download-artifact.ts: `expectedHash` →
   * `digestMismatch`).
   */
  async download(artifact: Artifact, file: string): Promise<{ digestMismatch: boolean; bytes?: Buffer }> {
    // The signed URL is asked for with the backend ids of the job that uploaded the artifact, as
    // download-artifact.ts does — taken from the job's one listing rather than a listing per artifact.
    const found = this.listed.get(artifact.id) ?? (await this.listById(artifact.id));
    const { signed_url: url } = (await this.twirp("GetSignedArtifactURL", {
      workflow_run_backend_id: found.workflow_run_backend_id,
      workflow_job_run_backend_id: found.workflow_job_run_backend_id,
      name: found.name,
    })) as { signed_url?: string };
    if (!url) throw new Error("the results service returned no signed URL");
    let lastError: unknown;
    for (let attempt = 1; attempt <= BLOB_ATTEMPTS; attempt++) {
      try {
        const { sha256, bytes } = await getBlob(url, file);
        return { digestMismatch: artifact.digest !== undefined && artifact.digest !== `sha256:${sha256}`, ...(bytes ? { bytes } : {}) };
      } catch (e) {
        lastError = e;
        if (attempt < BLOB_ATTEMPTS) await sleep(BLOB_RETRY_MS);
      }
    }
    throw new Error(`Artifact download failed after ${BLOB_ATTEMPTS} retries: ${(lastError as Error)?.message}`);
  }

  private async listById(id: number): Promise<Record<string, unknown>> {
    const body = (await this.twirp("ListArtifacts", { ...this.ids, id_filter: String(id) })) as { artifacts?: Record<string, unknown>[] };
    const found = body.artifacts?.[0];
    if (!found) throw new Error(`No artifacts found for ID: ${id}`);
    return found;
  }

  private async twirp(method: string, data: object): Promise<unknown> {
    const url = `${this.baseUrl}/twirp/${SERVICE}/${method}`;
    let error = "";
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      let retryable = true;
      try {
        const res = await send(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.token}`, "user-agent": USER_AGENT },
          body: JSON.stringify(data),
        });
        let body: { msg?: string } | undefined;
        try {
          body = JSON.parse(res.body.toString("utf8"));
        } catch {
          body = undefined; // retried, as the client retries a SyntaxError
        }
        if (res.status >= 200 && res.status < 300 && body) return body;
        retryable = !body || RETRYABLE_STATUS.has(res.status);
        error = body ? `Failed request: (${res.status})${body.msg ? `: ${body.msg}` : ""}` : `the response (${res.status}) is not JSON`;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code && NETWORK_ERRORS.has(code)) throw new Error(`Failed to ${method}: Unable to make request: ${code}`);
        error = (e as Error).message;
      }
      if (!retryable) throw new Error(`Failed to ${method}: Received non-retryable error: ${error}`);
      if (attempt + 1 < MAX_ATTEMPTS) await sleep(this.retryBaseMs * RETRY_MULTIPLIER ** attempt);
    }
    throw new Error(`Failed to ${method}: Failed to make request after ${MAX_ATTEMPTS} attempts: ${error}`);
  }
}

/** shared/user-agent.ts, with this action's name instead of the package's version */
const USER_AGENT = "waveplan (@actions/artifact protocol)";

/** shared/util.ts getBackendIdsFromToken: `scp` holds `Actions.Results:<run backend id>:<job backend id>`. */
export function backendIds(token: string): { workflow_run_backend_id: string; workflow_job_run_backend_id: string } {
  const invalid = new Error("Failed to get backend IDs: The provided JWT token is invalid and/or missing claims");
  let scp: unknown;
  try {
    scp = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")).scp;
  } catch {
    throw invalid;
  }
  if (typeof scp !== "string") throw invalid;
  for (const scope of scp.split(" ")) {
    const parts = scope.split(":");
    if (parts[0] !== "Actions.Results") continue;
    if (parts.length !== 3) throw invalid;
    return { workflow_run_backend_id: parts[1], workflow_job_run_backend_id: parts[2] };
  }
  throw invalid;
}

interface Reply {
  status: number;
  body: Buffer;
}

function open(url: string, options: { method: string; headers?: Record<string, string>; body?: string }): Promise<IncomingMessage> {
  const u = new URL(url);
  const https = u.protocol === "https:";
  return new Promise((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(
      u,
      { method: options.method, headers: options.headers, agent: https ? agents.https : agents.http },
      resolve,
    );
    req.on("error", reject);
    req.setTimeout(30_000, () =>
      req.destroy(Object.assign(new Error(`no response from ${u.origin}${u.pathname} in 30 s`), { code: "ETIMEDOUT" })),
    );
    req.end(options.body);
  });
}

async function send(url: string, options: { method: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const res = await open(url, options);
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return { status: res.statusCode ?? 0, body: Buffer.concat(chunks) };
}

/** Blobs up to this size are kept in memory; larger ones are written to their file as they arrive. */
const IN_MEMORY_BLOB_BYTES = 16 * 1024 * 1024;

/** GETs a blob (following redirects, as the client's HttpClient does): its sha256 in hex, and its bytes or `file` written. */
async function getBlob(url: string, file: string, redirects = 10): Promise<{ sha256: string; bytes?: Buffer }> {
  const res = await open(url, { method: "GET", headers: { "user-agent": USER_AGENT } });
  const location = res.headers.location;
  if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location && redirects > 0) {
    res.resume();
    return getBlob(new URL(location, url).href, file, redirects - 1);
  }
  if (res.statusCode !== 200) {
    res.resume();
    throw new Error(`Unexpected HTTP response from blob storage: ${res.statusCode} ${res.statusMessage}`);
  }
  const hash = createHash("sha256");
  const length = Number(res.headers["content-length"] ?? Number.NaN);
  if (length <= IN_MEMORY_BLOB_BYTES) {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    return { sha256: hash.update(bytes).digest("hex"), bytes };
  }
  res.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(res, createWriteStream(file));
  return { sha256: hash.digest("hex") };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
