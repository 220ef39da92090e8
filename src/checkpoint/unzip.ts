/**
 * Extracting a checkpoint artifact's zip, refusing what a checkpoint cannot hold before anything is
 * written: only record.json, change.patch and regular files under outputs/ (and folders there), each
 * name a relative path that stays in its folder, no symbolic links, each entry once.
 *
 * Why not the artifact client's own unzip (unzip-stream): it costs ~1 ms of CPU per entry plus a
 * mkdirp per file, about a tenth of a job with 60 upstream checkpoints on a 2-core runner, it writes
 * before the zip's digest is known, and it silently rewrites `..` and absolute names and turns
 * symlink entries into files (test/simulate/results-service.test.ts documents it). Here the zip is
 * downloaded whole (the client's `skipDecompress`, which still checks the digest it was uploaded
 * with) and read by its central directory (APPNOTE.TXT 6.3.x, sections 4.3.7–4.3.16, 4.5.3 for
 * ZIP64), as archiver writes it for `uploadArtifact`.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32, createInflateRaw, inflateRawSync } from "node:zlib";
import { OUTPUTS_DIR, PATCH_FILE, RECORD_FILE } from "./record.js";
import { safeRelative } from "./verify.js";

/** Entries up to this size are inflated in memory; larger ones are streamed to their file. */
export const IN_MEMORY_ENTRY_BYTES = 16 * 1024 * 1024;

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  localOffset: number;
  unixType?: number;
}

/** Thrown with the reason an archive is refused; the store words it as the artifact's. */
export class ZipRefused extends Error {}

/** A zip read at random: a file on disk, or the bytes of one downloaded into memory. */
interface ZipSource {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  stream(start: number, length: number): Readable;
  close(): Promise<void>;
}

async function sourceOf(zip: string | Buffer): Promise<ZipSource> {
  if (Buffer.isBuffer(zip))
    return {
      size: zip.length,
      read: async (position, length) => {
        if (position + length > zip.length) throw new ZipRefused("is not a zip archive (truncated)");
        return zip.subarray(position, position + length);
      },
      stream: (start, length) => Readable.from([zip.subarray(start, start + length)]),
      close: async () => {},
    };
  const fh = await open(zip, "r");
  return {
    size: (await fh.stat()).size,
    read: async (position, length) => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      if (bytesRead !== length) throw new ZipRefused("is not a zip archive (truncated)");
      return buf;
    },
    stream: (start, length) => createReadStream(zip, { start, end: start + length - 1 }),
    close: () => fh.close(),
  };
}

export interface Extracted {
  /** the files written, relative to the folder, in posix form */
  files: string[];
  /** the bytes of record.json, when the archive has one small enough to be read in memory */
  record?: Buffer;
}

/** Extracts a zip (a file, or its bytes) into the empty folder `dir`, or throws ZipRefused naming the first bad entry. */
export async function extractCheckpointZip(zip: string | Buffer, dir: string, inMemoryBytes = IN_MEMORY_ENTRY_BYTES): Promise<Extracted> {
  const src = await sourceOf(zip);
  const out: Extracted = { files: [] };
  try {
    const entries = await centralDirectory(src);
    const targets = entries.map((e) => ({ e, path: checkedName(e) }));
    // a name used both as a file and as a folder ("outputs/a" and "outputs/a/b") cannot be written
    const folders = new Set<string>();
    for (const { path } of targets) {
      const parts = path.replace(/\/$/, "").split("/");
      for (let i = 1; i <= parts.length; i++) if (i < parts.length || path.endsWith("/")) folders.add(parts.slice(0, i).join("/"));
    }
    for (const { path } of targets)
      if (!path.endsWith("/") && folders.has(path)) throw new ZipRefused(`contains ${path} both as a file and as a folder`);
    const made = new Set<string>([dir]);
    const mkdirOnce = async (d: string) => {
      if (made.has(d)) return;
      await mkdir(d, { recursive: true });
      made.add(d);
    };
    for (const { e, path } of targets) {
      const target = join(dir, path);
      if (path.endsWith("/")) {
        await mkdirOnce(join(dir, path));
        continue;
      }
      await mkdirOnce(dirname(target));
      const start = await dataStart(src, e);
      if (e.size <= inMemoryBytes) {
        const raw = e.compressed > 0 ? await src.read(start, e.compressed) : Buffer.alloc(0);
        let data: Buffer;
        try {
          data = e.method === 0 ? raw : inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
        } catch {
          throw new ZipRefused(`entry ${e.name} cannot be inflated`);
        }
        checkContent(e, data.length, crc32(data));
        // "wx": never through anything already there (there is nothing: the folder is fresh)
        await writeFile(target, data, { flag: "wx" });
        if (path === RECORD_FILE) out.record = data;
      } else {
        await streamEntry(src, e, start, target);
      }
      out.files.push(path);
    }
    return out;
  } finally {
    await src.close();
  }
}

function checkContent(e: Entry, length: number, crc: number): void {
  if (length !== e.size) throw new ZipRefused(`entry ${e.name} is ${length} bytes, its header says ${e.size}`);
  if (crc !== e.crc) throw new ZipRefused(`entry ${e.name} does not match its CRC-32`);
}

async function streamEntry(src: ZipSource, e: Entry, start: number, target: string): Promise<void> {
  let length = 0;
  let crc = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      length += chunk.length;
      if (length > e.size) return done(new ZipRefused(`entry ${e.name} inflates past the ${e.size} bytes its header says`));
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
  });
  const source = src.stream(start, e.compressed);
  const stages = e.method === 0 ? [source, count] : [source, createInflateRaw(), count];
  try {
    await pipeline([...stages, createWriteStream(target, { flags: "wx" })]);
  } catch (err) {
    if (err instanceof ZipRefused) throw err;
    throw new ZipRefused(`entry ${e.name} cannot be inflated: ${(err as Error).message}`);
  }
  checkContent(e, length, crc);
}

/** The path an entry is written to, or ZipRefused in the words checkTree uses for a tree on disk. */
function checkedName(e: Entry): string {
  const isDir = e.name.endsWith("/");
  const path = safeRelative(isDir ? e.name.slice(0, -1) : e.name);
  const inOutputs = path === OUTPUTS_DIR || path?.startsWith(`${OUTPUTS_DIR}/`);
  if (!path || path !== (isDir ? e.name.slice(0, -1) : e.name))
    throw new ZipRefused(`contains an unexpected ${isDir ? "folder" : "file"} ${e.name} (a name that is not a plain relative path)`);
  if (isDir) {
    if (!inOutputs) throw new ZipRefused(`contains an unexpected folder ${path}`);
    return `${path}/`;
  }
  // unix file type in the high bits of the external attributes (S_IFREG, or none when made elsewhere)
  if (e.unixType !== undefined && e.unixType !== 0 && e.unixType !== 0o100000)
    throw new ZipRefused(`contains ${path}, which is not a regular file`);
  if (path !== RECORD_FILE && path !== PATCH_FILE && !(inOutputs && path !== OUTPUTS_DIR))
    throw new ZipRefused(
      `contains an unexpected file ${path} (only ${RECORD_FILE}, ${PATCH_FILE} and ${OUTPUTS_DIR}/ belong in a checkpoint)`,
    );
  if (e.flags & 1) throw new ZipRefused(`entry ${path} is encrypted`);
  if (e.method !== 0 && e.method !== 8) throw new ZipRefused(`entry ${path} uses compression method ${e.method}`);
  return path;
}

async function centralDirectory(src: ZipSource): Promise<Entry[]> {
  const { size } = src;
  // end of central directory record: 22 bytes plus a comment of at most 65,535
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await src.read(size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipRefused("is not a zip archive");
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64 end of central directory locator, right before the record (4.3.15)
    const at = size - tailLength + eocd - 20;
    const locator = at >= 0 ? await src.read(at, 20) : undefined;
    if (locator?.readUInt32LE(0) !== 0x07064b50) throw new ZipRefused("is not a zip archive (ZIP64 locator missing)");
    const record = await src.read(Number(locator.readBigUInt64LE(8)), 56);
    if (record.readUInt32LE(0) !== 0x06064b50) throw new ZipRefused("is not a zip archive (ZIP64 record missing)");
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > size) throw new ZipRefused("is not a zip archive (central directory out of range)");
  const cd = await src.read(cdOffset, cdSize);
  const entries: Entry[] = [];
  const seen = new Set<string>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ZipRefused("is not a zip archive (bad central directory)");
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    const name = cd.toString("utf8", p + 46, p + 46 + nameLength);
    const entry: Entry = {
      name,
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressed: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      // made by a unix system (4.4.2): the mode is in the high 16 bits of the external attributes
      unixType: cd.readUInt8(p + 5) === 3 ? (cd.readUInt32LE(p + 38) >>> 16) & 0o170000 : undefined,
    };
    readZip64Extra(entry, cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    if (seen.has(name)) throw new ZipRefused(`contains ${name} twice`);
    seen.add(name);
    if (entry.localOffset + 30 + entry.compressed > size) throw new ZipRefused(`entry ${name} lies outside the archive`);
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** ZIP64 extended information (header 0x0001, 4.5.3): the 64-bit values of the fields set to 0xFFFFFFFF, in this order. */
function readZip64Extra(e: Entry, extra: Buffer): void {
  for (let q = 0; q + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(q);
    const length = extra.readUInt16LE(q + 2);
    if (id === 0x0001) {
      let r = q + 4;
      const next = () => {
        if (r + 8 > q + 4 + length) throw new ZipRefused(`entry ${e.name} has a short ZIP64 field`);
        const v = Number(extra.readBigUInt64LE(r));
        r += 8;
        return v;
      };
      if (e.size === 0xffffffff) e.size = next();
      if (e.compressed === 0xffffffff) e.compressed = next();
      if (e.localOffset === 0xffffffff) e.localOffset = next();
      return;
    }
    q += 4 + length;
  }
}

/** Where an entry's data starts: after its local header, whose name and extra lengths may differ from the central ones. */
async function dataStart(src: ZipSource, e: Entry): Promise<number> {
  const local = await src.read(e.localOffset, 30);
  if (local.readUInt32LE(0) !== 0x04034b50) throw new ZipRefused(`entry ${e.name} has no local header`);
  const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (start + e.compressed > src.size) throw new ZipRefused(`entry ${e.name} lies outside the archive`);
  return start;
}
