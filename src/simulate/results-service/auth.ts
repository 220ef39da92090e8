/**
 * Credentials of the emulated service: the runtime token a runner hands to a job, and the signed
 * blob URLs the twirp API hands out. Both are HMACs over a secret kept in the store folder, so any
 * service started on the same folder (another process, a later re-run) accepts what an earlier one
 * issued, while a job still cannot reach another run's artifacts or forge an upload URL.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What `@actions/artifact` reads from the token: `scp` holds `Actions.Results:<run>:<job>`. */
export interface BackendIds {
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

const TOKEN_LIFETIME_S = 6 * 60 * 60; // a job's token outlives any job we simulate
const URL_LIFETIME_MS = 60 * 60 * 1000; // signed blob URLs are short-lived, as on GitHub

/** Loads the folder's secret, creating it atomically (link fails if another process won the race). */
export async function loadSecret(dir: string): Promise<Buffer> {
  const path = join(dir, "secret");
  try {
    return Buffer.from(await readFile(path, "utf8"), "hex");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(tmp, randomBytes(32).toString("hex"), { mode: 0o600 });
  try {
    await link(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(tmp, { force: true });
  }
  return Buffer.from(await readFile(path, "utf8"), "hex");
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function hmac(secret: Buffer, text: string): string {
  return createHmac("sha256", secret).update(text).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A JWT shaped like the runner's: the client only decodes it; this service also checks the HMAC. */
export function issueRuntimeToken(secret: Buffer, ids: BackendIds, now = Date.now()): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const iat = Math.floor(now / 1000);
  const payload = b64url(
    JSON.stringify({
      iss: "waveplan-results-service",
      scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${ids.workflowRunBackendId}:${ids.workflowJobRunBackendId}`,
      iat,
      nbf: iat,
      exp: iat + TOKEN_LIFETIME_S,
    }),
  );
  return `${header}.${payload}.${hmac(secret, `${header}.${payload}`)}`;
}

/** The backend ids a valid bearer token grants, or undefined when it is missing, forged or expired. */
export function verifyRuntimeToken(secret: Buffer, authorization: string | undefined, now = Date.now()): BackendIds | undefined {
  const match = /^Bearer (.+)$/i.exec(authorization ?? "");
  const parts = match?.[1].split(".") ?? [];
  if (parts.length !== 3 || !sameText(parts[2], hmac(secret, `${parts[0]}.${parts[1]}`))) return undefined;
  let claims: { scp?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof claims.exp !== "number" || claims.exp * 1000 < now || typeof claims.scp !== "string") return undefined;
  for (const scope of claims.scp.split(" ")) {
    const [kind, run, job, ...rest] = scope.split(":");
    if (kind === "Actions.Results" && run && job && rest.length === 0) {
      return { workflowRunBackendId: run, workflowJobRunBackendId: job };
    }
  }
  return undefined;
}

export type BlobPermission = "r" | "w";

/** Query string of a signed blob URL (`sp`, `se`, `sig`, named as in an Azure SAS). */
export function signBlobAccess(secret: Buffer, artifactId: number, permission: BlobPermission, now = Date.now()): string {
  const se = new Date(now + URL_LIFETIME_MS).toISOString();
  const sig = hmac(secret, `${permission}\n${artifactId}\n${se}`);
  return new URLSearchParams({ sp: permission, se, sig }).toString();
}

export function verifyBlobAccess(
  secret: Buffer,
  artifactId: number,
  permission: BlobPermission,
  query: URLSearchParams,
  now = Date.now(),
): boolean {
  const se = query.get("se") ?? "";
  const sig = query.get("sig") ?? "";
  if (query.get("sp") !== permission || !(Date.parse(se) > now)) return false;
  return sameText(sig, hmac(secret, `${permission}\n${artifactId}\n${se}`));
}

/** A stable UUID-shaped id, so the same run always maps to the same backend id across processes. */
export function uuidFrom(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
