/**
 * The slice of Azure Blob Storage the signed URLs point at. `@actions/artifact` uploads with
 * `BlockBlobClient.uploadStream`, which always stages 8 MiB blocks (`PUT ?comp=block&blockid=`) and
 * commits them (`PUT ?comp=blocklist`, XML body, content type in `x-ms-blob-content-type`); a single
 * `Put Blob` is accepted too. Downloads are a plain GET: the client unzips when the response's
 * content type is a zip type (or the URL path ends in `.zip`), otherwise it saves the bytes under
 * the Content-Disposition file name.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyBlobAccess } from "./auth.js";
import { contentLength, HttpError, readSmallBody } from "./http.js";
import { type ArtifactStore, StoreError } from "./store.js";

export const BLOB_PREFIX = "/blob/artifacts/";

/** 50,000 block ids of at most 88 base64 characters, wrapped in XML, stay under this. */
const MAX_BLOCK_LIST_BODY = 8 * 1024 * 1024;
const X_MS_VERSION = "2025-11-05";

export interface BlobDeps {
  store: ArtifactStore;
  secret: Buffer;
}

export async function handleBlob(req: IncomingMessage, res: ServerResponse, url: URL, deps: BlobDeps): Promise<void> {
  try {
    const id = Number(url.pathname.slice(BLOB_PREFIX.length));
    if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, "BlobNotFound", "The specified blob does not exist.");
    const permission = req.method === "GET" ? "r" : "w";
    if (!verifyBlobAccess(deps.secret, id, permission, url.searchParams)) {
      throw new HttpError(403, "AuthenticationFailed", "Signature did not match, expired, or lacks the permission for this operation.");
    }
    if (req.method === "GET") return await download(res, id, deps.store);
    if (req.method !== "PUT") throw new HttpError(405, "UnsupportedHttpVerb", `${req.method} is not supported`);
    const comp = url.searchParams.get("comp");
    const contentType = String(req.headers["x-ms-blob-content-type"] ?? "application/octet-stream");
    if (comp === "block") {
      const length = contentLength(req);
      if (length === undefined) throw new HttpError(411, "MissingContentLengthHeader", "Put Block requires Content-Length.");
      await deps.store.stageBlock(id, url.searchParams.get("blockid") ?? "", req, length);
    } else if (comp === "blocklist") {
      const xml = (await readSmallBody(req, MAX_BLOCK_LIST_BODY)).toString("utf8");
      await deps.store.commitBlocks(id, parseBlockList(xml), contentType);
    } else if (comp === null && req.headers["x-ms-blob-type"] === "BlockBlob") {
      await deps.store.putContent(id, req, String(req.headers["x-ms-blob-content-type"] ?? req.headers["content-type"] ?? contentType));
    } else {
      throw new HttpError(400, "UnsupportedQueryParameter", "only Put Block, Put Block List and Put Blob (BlockBlob) are emulated");
    }
    res.writeHead(201, { ...commonHeaders(), "content-length": 0, etag: `"${randomUUID()}"`, "last-modified": new Date().toUTCString() });
    res.end();
  } catch (error) {
    sendError(req, res, toAzure(error));
  }
}

async function download(res: ServerResponse, id: number, store: ArtifactStore): Promise<void> {
  const { record, stream } = await store.readContent(id);
  const content = record.content!;
  // A zip artifact is named `<name>.zip` on GitHub; a raw (skipArchive) one keeps its file name.
  const fileName = content.contentType === "application/zip" ? `${record.name}.zip` : record.name;
  res.writeHead(200, {
    ...commonHeaders(),
    "content-type": content.contentType,
    "content-length": content.size,
    "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    "x-ms-blob-type": "BlockBlob",
    "last-modified": new Date(record.finalizedAt ?? record.createdAt).toUTCString(),
  });
  stream.pipe(res);
  await new Promise<void>((resolve) => {
    res.on("close", () => {
      stream.destroy();
      resolve();
    });
  });
}

/** Block ids in document order from `<BlockList><Latest>id</Latest>...</BlockList>`. */
export function parseBlockList(xml: string): string[] {
  if (!/<BlockList\s*>/.test(xml)) throw new HttpError(400, "InvalidXmlDocument", "expected a <BlockList> document");
  return [...xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2].trim());
}

function commonHeaders() {
  return { "x-ms-request-id": randomUUID(), "x-ms-version": X_MS_VERSION, date: new Date().toUTCString() };
}

function toAzure(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof StoreError) {
    switch (error.code) {
      case "not_found":
        return new HttpError(404, "BlobNotFound", error.message);
      case "failed_precondition":
      case "already_exists":
        return new HttpError(409, "BlobImmutableDueToPolicy", error.message);
      case "too_large":
        return new HttpError(413, "RequestBodyTooLarge", error.message);
      default:
        return new HttpError(400, "InvalidInput", error.message);
    }
  }
  return new HttpError(500, "InternalError", error instanceof Error ? error.message : String(error));
}

function sendError(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error>`;
  // An unread upload body is not drained (it may be gigabytes): close the connection instead.
  const unread = !req.readableEnded;
  res.writeHead(error.status, {
    ...commonHeaders(),
    "x-ms-error-code": error.code,
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(xml),
    ...(unread ? { connection: "close" } : {}),
  });
  res.end(xml);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
