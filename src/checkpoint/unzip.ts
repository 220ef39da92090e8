/**
 * Extracting a checkpoint artifact's zip, refusing what a checkpoint cannot hold before anything is
 * written: only record.json, change.patch and regular files under outputs/ (and folders there), each
 * name a relative path that stays in its folder, no symbolic links, each entry once, each file's
 * size and CRC-32 as its header says.
 *
 * yauzl reads the archive (central directory first, ZIP64, local headers, inflation, sizes); the
 * checks are waveplan's. Names are decoded here (yauzl's `decodeStrings: false`) so that a bad one is
 * refused in this module's words rather than rewritten, and CRC-32 is checked here: yauzl does not
 * check it (its README, "No CRC-32 validation").
 *
 * Why not the artifact client's own unzip (unzip-stream): it writes before the zip's digest is known,
 * and it silently rewrites `..` and absolute names and turns symlink entries into files
 * (test/simulate/results-service.test.ts documents it). Here the zip is downloaded whole (the
 * client's `skipDecompress`, which still checks the digest it was uploaded with) and read from memory
 * or from its file.
 */
import { createWriteStream } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import yauzl from "yauzl";
import { OUTPUTS_DIR, PATCH_FILE, RECORD_FILE } from "./record.js";
import { safeRelative } from "./verify.js";

/** Entries up to this size are collected in memory and written at once; larger ones are streamed to their file. */
export const IN_MEMORY_ENTRY_BYTES = 16 * 1024 * 1024;

/** Thrown with the reason an archive is refused; the store words it as the artifact's. */
export class ZipRefused extends Error {}

export interface Extracted {
  /** the files written, relative to the folder, in posix form */
  files: string[];
  /** the bytes of record.json, when the archive has one small enough to be read in memory */
  record?: Buffer;
}

/** Extracts a zip (a file, or its bytes) into the empty folder `dir`, or throws ZipRefused naming the first bad entry. */
export async function extractCheckpointZip(zip: string | Buffer, dir: string, inMemoryBytes = IN_MEMORY_ENTRY_BYTES): Promise<Extracted> {
  const options: yauzl.Options = { decodeStrings: false, validateEntrySizes: true, autoClose: false };
  let archive: yauzl.ZipFile;
  try {
    archive = Buffer.isBuffer(zip) ? await yauzl.fromBufferPromise(zip, options) : await yauzl.openPromise(zip, options);
  } catch (e) {
    throw new ZipRefused(`is not a zip archive (${(e as Error).message})`);
  }
  const out: Extracted = { files: [] };
  try {
    const targets = (await centralDirectory(archive)).map((e) => ({ e, path: checkedName(e) }));
    checkFileFolderClash(targets.map((t) => t.path));
    const made = new Set<string>([dir]);
    const mkdirOnce = async (d: string) => {
      if (made.has(d)) return;
      await mkdir(d, { recursive: true });
      made.add(d);
    };
    for (const { e, path } of targets) {
      if (path.endsWith("/")) {
        await mkdirOnce(join(dir, path));
        continue;
      }
      const target = join(dir, path);
      await mkdirOnce(dirname(target));
      const data = await extractEntry(archive, e, target, e.uncompressedSize <= inMemoryBytes);
      if (path === RECORD_FILE && data) out.record = data;
      out.files.push(path);
    }
    return out;
  } finally {
    archive.close();
  }
}

/** Every entry, read from the central directory before anything is written; a name may occur once. */
async function centralDirectory(archive: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  const seen = new Set<string>();
  try {
    for await (const e of archive.eachEntry()) {
      const name = nameOf(e);
      if (seen.has(name)) throw new ZipRefused(`contains ${name} twice`);
      seen.add(name);
      entries.push(e);
    }
  } catch (e) {
    throw e instanceof ZipRefused ? e : new ZipRefused(`is not a zip archive (${(e as Error).message})`);
  }
  return entries;
}

/** With `decodeStrings: false`, yauzl leaves the name as its raw bytes; checkpoints are written with UTF-8 names. */
const nameOf = (e: yauzl.Entry): string => (e.fileNameRaw ?? Buffer.from(e.fileName as unknown as Uint8Array)).toString("utf8");

/** The path an entry is written to, or ZipRefused in the words checkTree uses for a tree on disk. */
function checkedName(e: yauzl.Entry): string {
  const name = nameOf(e);
  const isDir = name.endsWith("/");
  const path = safeRelative(isDir ? name.slice(0, -1) : name);
  const inOutputs = path === OUTPUTS_DIR || path?.startsWith(`${OUTPUTS_DIR}/`);
  if (!path || path !== (isDir ? name.slice(0, -1) : name))
    throw new ZipRefused(`contains an unexpected ${isDir ? "folder" : "file"} ${name} (a name that is not a plain relative path)`);
  if (isDir) {
    if (!inOutputs) throw new ZipRefused(`contains an unexpected folder ${path}`);
    return `${path}/`;
  }
  // made by a unix system (APPNOTE 4.4.2): the file type is in the high bits of the external
  // attributes — S_IFREG, or none when made elsewhere
  const unixType = e.versionMadeBy >> 8 === 3 ? (e.externalFileAttributes >>> 16) & 0o170000 : 0;
  if (unixType !== 0 && unixType !== 0o100000) throw new ZipRefused(`contains ${path}, which is not a regular file`);
  if (path !== RECORD_FILE && path !== PATCH_FILE && !(inOutputs && path !== OUTPUTS_DIR))
    throw new ZipRefused(
      `contains an unexpected file ${path} (only ${RECORD_FILE}, ${PATCH_FILE} and ${OUTPUTS_DIR}/ belong in a checkpoint)`,
    );
  if (e.isEncrypted()) throw new ZipRefused(`entry ${path} is encrypted`);
  if (e.compressionMethod !== 0 && e.compressionMethod !== 8)
    throw new ZipRefused(`entry ${path} uses compression method ${e.compressionMethod}`);
  return path;
}

/** A name used both as a file and as a folder ("outputs/a" and "outputs/a/b") cannot be written. */
function checkFileFolderClash(paths: string[]): void {
  const folders = new Set<string>();
  for (const path of paths) {
    const parts = path.replace(/\/$/, "").split("/");
    for (let i = 1; i <= parts.length; i++) if (i < parts.length || path.endsWith("/")) folders.add(parts.slice(0, i).join("/"));
  }
  for (const path of paths)
    if (!path.endsWith("/") && folders.has(path)) throw new ZipRefused(`contains ${path} both as a file and as a folder`);
}

/**
 * Writes one entry to `target` ("wx": never through anything already there — the folder is fresh),
 * checking its size and CRC-32 as it goes; returns the bytes when `inMemory`.
 */
async function extractEntry(archive: yauzl.ZipFile, e: yauzl.Entry, target: string, inMemory: boolean): Promise<Buffer | undefined> {
  const name = nameOf(e);
  let length = 0;
  let crc = 0;
  const chunks: Buffer[] = [];
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      length += chunk.length;
      if (length > e.uncompressedSize)
        return done(new ZipRefused(`entry ${name} inflates past the ${e.uncompressedSize} bytes its header says`));
      crc = crc32(chunk, crc);
      if (inMemory) chunks.push(chunk);
      done(null, inMemory ? undefined : chunk);
    },
  });
  try {
    const stream = await archive.openReadStreamPromise(e);
    if (inMemory) await pipeline(stream, check);
    else await pipeline(stream, check, createWriteStream(target, { flags: "wx" }));
  } catch (err) {
    if (err instanceof ZipRefused) throw err;
    throw new ZipRefused(`entry ${name} cannot be inflated: ${(err as Error).message}`);
  }
  if (length !== e.uncompressedSize) throw new ZipRefused(`entry ${name} is ${length} bytes, its header says ${e.uncompressedSize}`);
  if (crc !== e.crc32) throw new ZipRefused(`entry ${name} does not match its CRC-32`);
  if (!inMemory) return undefined;
  const data = Buffer.concat(chunks);
  await writeFile(target, data, { flag: "wx" });
  return data;
}
