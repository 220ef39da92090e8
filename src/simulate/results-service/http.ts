/**
 * Small HTTP helpers shared by the twirp and blob handlers: bounded body reading (nothing a client
 * sends is buffered or written without a limit) and a typed error that carries an HTTP status.
 */
import type { IncomingMessage } from "node:http";
import { Transform, type TransformCallback } from "node:stream";
import { WaveplanError } from "../../errors.js";

/** A failure with the status the caller should answer; `code` is protocol specific (twirp or Azure). */
export class HttpError extends WaveplanError {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a small body (JSON, XML) fully, refusing it as soon as it passes `limit` bytes. */
export async function readSmallBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw new HttpError(413, "request_too_large", `body of ${declared} bytes exceeds ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, "request_too_large", `body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Passes bytes through and fails the pipeline once more than `limit` have gone by, so an upload
 * that lies about (or omits) its Content-Length still cannot fill the disk.
 */
export class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(new HttpError(413, "RequestBodyTooLarge", `body exceeds ${this.limit} bytes`));
      return;
    }
    done(null, chunk);
  }
}

/** The declared Content-Length, required for writes so oversized bodies are refused before reading. */
export function contentLength(req: IncomingMessage): number | undefined {
  const raw = req.headers["content-length"];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}
