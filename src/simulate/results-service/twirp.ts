/**
 * The twirp JSON API `github.actions.results.api.v1.ArtifactService` as `@actions/artifact` calls it.
 *
 * Wire facts (from the client's generated code): requests are POSTed as `application/json` with
 * proto field names (snake_case, `useProtoFieldName: true`); wrapper types are bare JSON values
 * (`"name_filter": "x"`, `"id_filter": "12"`, `"hash": "sha256:..."`); int64 travels as a string;
 * timestamps as RFC 3339. Responses are parsed with protobuf-ts, which accepts snake_case, so we
 * answer with proto names like a Go twirp server does. Errors are twirp JSON `{code, msg}`; the
 * client retries only 429/500/502/503/504 (and unparsable bodies), so deterministic failures must
 * use 4xx codes or every call would sit through five back-off attempts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type BackendIds, signBlobAccess, verifyRuntimeToken } from "./auth.js";
import { HttpError, readSmallBody } from "./http.js";
import { type ArtifactRecord, type ArtifactStore, StoreError } from "./store.js";

export const TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.ArtifactService/";

const TWIRP_STATUS: Record<string, number> = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
  internal: 500,
};

/** JSON bodies of this API are a few hundred bytes; anything near this is not a client we emulate. */
const MAX_TWIRP_BODY = 64 * 1024;

/** The characters `@actions/artifact` refuses in names; the service refuses them too. */
const INVALID_NAME = /[":<>|*?\r\n\\/]/;

export interface TwirpDeps {
  store: ArtifactStore;
  secret: Buffer;
  /** Base URL (with trailing slash) of the blob endpoints, for signed URLs. */
  baseUrl: () => string;
}

type Body = Record<string, unknown>;
type Method = (body: Body, caller: BackendIds, deps: TwirpDeps) => Promise<Body>;

export async function handleTwirp(req: IncomingMessage, res: ServerResponse, method: string, deps: TwirpDeps): Promise<void> {
  try {
    const impl = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (req.method !== "POST" || !impl) throw twirpError("bad_route", `no route for ${req.method} ${req.url}`);
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
      throw twirpError("bad_route", "only the JSON encoding (application/json) is implemented");
    }
    const caller = verifyRuntimeToken(deps.secret, req.headers.authorization);
    if (!caller) throw twirpError("unauthenticated", "missing, invalid or expired ACTIONS_RUNTIME_TOKEN");
    let body: unknown;
    try {
      body = JSON.parse((await readSmallBody(req, MAX_TWIRP_BODY)).toString("utf8"));
    } catch (error) {
      if (error instanceof HttpError) throw twirpError("malformed", error.message);
      throw twirpError("malformed", "request body is not JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw twirpError("malformed", "request body must be an object");
    const runId = text(body as Body, "workflow_run_backend_id", true);
    // A token is scoped to one run, as on GitHub: a job cannot read or write another run's artifacts.
    if (runId !== caller.workflowRunBackendId)
      throw twirpError("permission_denied", "the token does not grant access to this workflow run");
    send(res, 200, await impl(body as Body, caller, deps));
  } catch (error) {
    const { code, msg } = toTwirp(error);
    send(res, TWIRP_STATUS[code] ?? 500, { code, msg });
  }
}

const METHODS: Record<string, Method> = {
  async CreateArtifact(body, caller, { store, secret, baseUrl }) {
    requireOwnJob(body, caller);
    const name = artifactName(body);
    const version = Number(body.version ?? 0);
    if (!Number.isInteger(version) || version < 4) throw twirpError("invalid_argument", "version must be 4 or later (artifacts v4)");
    const expiresAt = body.expires_at === undefined ? undefined : text(body, "expires_at", true);
    const record = await store.create({
      runBackendId: caller.workflowRunBackendId,
      jobBackendId: caller.workflowJobRunBackendId,
      name,
      mimeType: text(body, "mime_type", false) || "application/zip",
      ...(expiresAt ? { expiresAt } : {}),
    });
    return { ok: true, signed_upload_url: blobUrl(baseUrl(), record.id, signBlobAccess(secret, record.id, "w")) };
  },

  async FinalizeArtifact(body, caller, { store }) {
    requireOwnJob(body, caller);
    const name = artifactName(body);
    const existing = await store.findByName(caller.workflowRunBackendId, name);
    if (existing && existing.jobBackendId !== caller.workflowJobRunBackendId) {
      throw twirpError("permission_denied", `artifact '${name}' was created by another job`);
    }
    const size = body.size === undefined ? undefined : Number(body.size);
    if (size !== undefined && !Number.isSafeInteger(size)) throw twirpError("invalid_argument", "size must be an integer");
    const record = await store.finalize(caller.workflowRunBackendId, name, {
      ...(size === undefined ? {} : { size }),
      ...(body.hash === undefined ? {} : { digest: text(body, "hash", true) }),
    });
    return { ok: true, artifact_id: String(record.id) };
  },

  async ListArtifacts(body, caller, { store }) {
    const name = body.name_filter === undefined ? undefined : text(body, "name_filter", true);
    const id = body.id_filter === undefined ? undefined : Number(body.id_filter);
    if (id !== undefined && !Number.isSafeInteger(id)) throw twirpError("invalid_argument", "id_filter must be an integer");
    const records = await store.list(caller.workflowRunBackendId, {
      ...(name === undefined ? {} : { name }),
      ...(id === undefined ? {} : { id }),
    });
    return { artifacts: records.map(monolithArtifact) };
  },

  async GetSignedArtifactURL(body, caller, { store, secret, baseUrl }) {
    const name = artifactName(body);
    const [record] = await store.list(caller.workflowRunBackendId, { name });
    if (!record) throw twirpError("not_found", `no finalized artifact named '${name}' in this workflow run`);
    return { signed_url: blobUrl(baseUrl(), record.id, signBlobAccess(secret, record.id, "r")) };
  },

  async DeleteArtifact(body, caller, { store }) {
    const record = await store.delete(caller.workflowRunBackendId, artifactName(body));
    return { ok: true, artifact_id: String(record.id) };
  },
};

function monolithArtifact(r: ArtifactRecord): Body {
  return {
    workflow_run_backend_id: r.runBackendId,
    workflow_job_run_backend_id: r.jobBackendId,
    database_id: String(r.id),
    name: r.name,
    size: String(r.content?.size ?? 0),
    created_at: r.createdAt,
    ...(r.content ? { digest: `sha256:${r.content.sha256}` } : {}),
  };
}

/** Path-style like Azurite (`/<account>/<container>/<blob>`), which the Azure SDK parses for IP hosts. */
function blobUrl(base: string, id: number, query: string): string {
  return `${base}blob/artifacts/${id}?${query}`;
}

function requireOwnJob(body: Body, caller: BackendIds): void {
  if (text(body, "workflow_job_run_backend_id", true) !== caller.workflowJobRunBackendId) {
    throw twirpError("permission_denied", "the token does not grant access to this job");
  }
}

function artifactName(body: Body): string {
  const name = text(body, "name", true);
  if (INVALID_NAME.test(name)) throw twirpError("invalid_argument", `invalid artifact name '${name}'`);
  return name;
}

/** A string field; protobuf JSON parsers accept the camelCase name too, so we do as well. */
function text(body: Body, field: string, required: boolean): string {
  const camel = field.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  const value = body[field] ?? body[camel];
  if (value === undefined && !required) return "";
  if (typeof value !== "string" || (required && value === "")) throw twirpError("invalid_argument", `${field} is required`);
  return value;
}

function twirpError(code: string, msg: string): HttpError {
  return new HttpError(TWIRP_STATUS[code] ?? 500, code, msg);
}

function toTwirp(error: unknown): { code: string; msg: string } {
  if (error instanceof HttpError) return { code: error.code, msg: error.message };
  if (error instanceof StoreError) return { code: error.code === "too_large" ? "invalid_argument" : error.code, msg: error.message };
  return { code: "internal", msg: error instanceof Error ? error.message : String(error) };
}

function send(res: ServerResponse, status: number, body: Body): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
