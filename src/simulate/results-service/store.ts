/**
 * The on-disk artifact store behind the emulated results service. Everything lives in files so
 * several service processes (or a later re-run) on the same folder see the same artifacts:
 *
 *   artifacts/<id>/meta.json     the record (name, run, state, size, digest...); kept after delete
 *   artifacts/<id>/blocks/<hex>  staged blocks of an upload in progress (Azure Put Block)
 *   artifacts/<id>/content       the committed bytes (Put Block List or Put Blob)
 *   runs/<run>/<name>            name index: holds the id; created with link(2), so "one name per
 *                                run" holds across processes without a lock
 *
 * Artifacts are immutable like GitHub's v4 artifacts: once finalized, nothing rewrites them.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { WaveplanError } from "../../errors.js";
import { ByteLimit } from "./http.js";

export interface ArtifactRecord {
  /** The database id the client sorts by; increases with every creation in the folder. */
  id: number;
  runBackendId: string;
  jobBackendId: string;
  name: string;
  mimeType: string;
  createdAt: string;
  expiresAt?: string;
  state: "created" | "finalized" | "deleted";
  /** Set when content was committed; `sha256` is measured here, never taken from the client. */
  content?: { size: number; sha256: string; contentType: string };
  finalizedAt?: string;
  deletedAt?: string;
}

export type StoreErrorCode = "not_found" | "already_exists" | "failed_precondition" | "invalid_argument" | "too_large";

export class StoreError extends WaveplanError {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface StoreLimits {
  /** Largest artifact accepted, summed over its blocks. */
  maxArtifactBytes: number;
  /** Largest single block (the client sends 8 MiB blocks). */
  maxBlockBytes: number;
  /** Azure's limit on blocks per blob. */
  maxBlocks: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
  maxArtifactBytes: 2 * 1024 ** 3,
  maxBlockBytes: 256 * 1024 ** 2,
  maxBlocks: 50_000,
};

/** A name safe as one path segment whatever the artifact name is (no `..`, no `/`, bounded length). */
function segment(text: string): string {
  const encoded = encodeURIComponent(text).replace(/[.*!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return encoded.length <= 200 ? `n-${encoded}` : `h-${createHash("sha256").update(text).digest("hex")}`;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";
const tmpName = (path: string) => `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;

export class ArtifactStore {
  /** Per-artifact queue so a commit and a finalize in this process never interleave their writes. */
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(
    readonly dir: string,
    readonly limits: StoreLimits = DEFAULT_LIMITS,
  ) {}

  private artifactDir(id: number) {
    return join(this.dir, "artifacts", String(id));
  }
  private nameIndex(run: string, name: string) {
    return join(this.dir, "runs", segment(run), segment(name));
  }

  async create(input: {
    runBackendId: string;
    jobBackendId: string;
    name: string;
    mimeType: string;
    expiresAt?: string;
  }): Promise<ArtifactRecord> {
    const id = await this.allocateId();
    const record: ArtifactRecord = { ...input, id, createdAt: new Date().toISOString(), state: "created" };
    await this.writeRecord(record);
    const index = this.nameIndex(input.runBackendId, input.name);
    await mkdir(join(index, ".."), { recursive: true });
    const tmp = tmpName(index);
    await writeFile(tmp, String(id));
    try {
      await link(tmp, index);
    } catch (error) {
      await rm(this.artifactDir(id), { recursive: true, force: true });
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        throw new StoreError("already_exists", `an artifact named '${input.name}' already exists in this workflow run`);
      }
      throw error;
    } finally {
      await rm(tmp, { force: true });
    }
    return record;
  }

  /** mkdir is atomic, so concurrent processes never hand out the same id. */
  private async allocateId(): Promise<number> {
    const root = join(this.dir, "artifacts");
    await mkdir(root, { recursive: true });
    let id = Math.max(0, ...(await readdir(root)).map(Number).filter(Number.isInteger)) + 1;
    for (;;) {
      try {
        await mkdir(join(root, String(id)));
        return id;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        id++;
      }
    }
  }

  async get(id: number): Promise<ArtifactRecord | undefined> {
    try {
      return JSON.parse(await readFile(join(this.artifactDir(id), "meta.json"), "utf8")) as ArtifactRecord;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** The artifact of that name in the run, whatever its state. */
  async findByName(run: string, name: string): Promise<ArtifactRecord | undefined> {
    let id: number;
    try {
      id = Number(await readFile(this.nameIndex(run, name), "utf8"));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return this.get(id);
  }

  /** Finalized artifacts of a run (all attempts share the run backend id), oldest first. */
  async list(run: string, filter: { name?: string; id?: number } = {}): Promise<ArtifactRecord[]> {
    let found: (ArtifactRecord | undefined)[];
    if (filter.name !== undefined) {
      found = [await this.findByName(run, filter.name)];
    } else if (filter.id !== undefined) {
      found = [await this.get(filter.id)];
    } else {
      let entries: string[] = [];
      try {
        entries = await readdir(join(this.dir, "runs", segment(run)));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      const names = entries.filter((e) => !e.endsWith(".tmp"));
      found = await Promise.all(names.map((n) => this.readIndexed(join(this.dir, "runs", segment(run), n))));
    }
    return found
      .filter((r): r is ArtifactRecord => r !== undefined && r.runBackendId === run && r.state === "finalized")
      .filter((r) => filter.id === undefined || r.id === filter.id)
      .filter((r) => filter.name === undefined || r.name === filter.name)
      .sort((a, b) => a.id - b.id);
  }

  private async readIndexed(indexPath: string): Promise<ArtifactRecord | undefined> {
    try {
      return await this.get(Number(await readFile(indexPath, "utf8")));
    } catch (error) {
      if (isMissing(error)) return undefined; // deleted while listing
      throw error;
    }
  }

  async finalize(run: string, name: string, claimed: { size?: number; digest?: string }): Promise<ArtifactRecord> {
    const found = await this.findByName(run, name);
    if (!found) throw new StoreError("not_found", `no artifact named '${name}' in this workflow run`);
    return this.serialize(found.id, async () => {
      const record = (await this.get(found.id))!;
      if (record.state === "finalized") throw new StoreError("failed_precondition", `artifact '${name}' is already finalized`);
      if (!record.content) throw new StoreError("failed_precondition", `artifact '${name}' has no uploaded content`);
      if (claimed.size !== undefined && claimed.size !== record.content.size) {
        throw new StoreError("invalid_argument", `reported size ${claimed.size} differs from the ${record.content.size} bytes uploaded`);
      }
      // The client hashes what it streamed; a mismatch means bytes were lost or altered on the way.
      if (claimed.digest !== undefined && claimed.digest !== `sha256:${record.content.sha256}`) {
        throw new StoreError(
          "invalid_argument",
          `hash ${claimed.digest} does not match the uploaded content (sha256:${record.content.sha256})`,
        );
      }
      const finalized: ArtifactRecord = { ...record, state: "finalized", finalizedAt: new Date().toISOString() };
      await this.writeRecord(finalized);
      return finalized;
    });
  }

  async delete(run: string, name: string): Promise<ArtifactRecord> {
    const found = await this.findByName(run, name);
    if (!found) throw new StoreError("not_found", `no artifact named '${name}' in this workflow run`);
    // Unlink the name first: from then on the artifact is gone for every reader and the name is free.
    await rm(this.nameIndex(run, name), { force: true });
    return this.serialize(found.id, async () => {
      const dir = this.artifactDir(found.id);
      await rm(join(dir, "content"), { force: true });
      await rm(join(dir, "blocks"), { recursive: true, force: true });
      // The record stays as a tombstone so its id is never handed out again (ids only grow, and
      // the client picks the highest id as the newest artifact of a name).
      await this.writeRecord({ ...found, state: "deleted", deletedAt: new Date().toISOString() });
      return found;
    });
  }

  /** The record of an artifact that may still receive bytes (exists and is not finalized). */
  async writable(id: number): Promise<ArtifactRecord> {
    const record = await this.get(id);
    if (!record || record.state === "deleted") throw new StoreError("not_found", `artifact ${id} does not exist`);
    if (record.state !== "created") throw new StoreError("failed_precondition", `artifact ${id} is finalized and immutable`);
    return record;
  }

  /** Azure Put Block: streams one block to its own file. Re-staging the same block id replaces it. */
  async stageBlock(id: number, blockId: string, body: Readable, length: number): Promise<void> {
    await this.writable(id);
    const file = blockFileName(blockId);
    if (length > this.limits.maxBlockBytes)
      throw new StoreError("too_large", `block of ${length} bytes exceeds ${this.limits.maxBlockBytes}`);
    const blocks = join(this.artifactDir(id), "blocks");
    await mkdir(blocks, { recursive: true });
    // Checked before writing to bound the disk; concurrent blocks can pass together, the commit re-checks exactly.
    if ((await this.stagedBytes(blocks)) + length > this.limits.maxArtifactBytes) {
      throw new StoreError("too_large", `artifact exceeds ${this.limits.maxArtifactBytes} bytes`);
    }
    const target = join(blocks, file);
    const tmp = tmpName(target);
    try {
      const limit = new ByteLimit(length);
      await pipeline(body, limit, createWriteStream(tmp));
      if (limit.bytes !== length)
        throw new StoreError("invalid_argument", `block body has ${limit.bytes} bytes, Content-Length said ${length}`);
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async stagedBytes(blocksDir: string): Promise<number> {
    let total = 0;
    for (const entry of await readdir(blocksDir)) {
      if (!entry.endsWith(".tmp")) total += (await stat(join(blocksDir, entry))).size;
    }
    return total;
  }

  /** Azure Put Block List: concatenates the staged blocks in the given order into the content. */
  async commitBlocks(id: number, blockIds: string[], contentType: string): Promise<ArtifactRecord> {
    if (blockIds.length > this.limits.maxBlocks) throw new StoreError("invalid_argument", `more than ${this.limits.maxBlocks} blocks`);
    return this.serialize(id, async () => {
      await this.writable(id);
      const blocks = join(this.artifactDir(id), "blocks");
      const files = blockIds.map((b) => join(blocks, blockFileName(b)));
      let total = 0;
      for (const f of files) {
        try {
          total += (await stat(f)).size;
        } catch (error) {
          if (isMissing(error)) throw new StoreError("invalid_argument", "the block list names a block that was not staged");
          throw error;
        }
      }
      if (total > this.limits.maxArtifactBytes) throw new StoreError("too_large", `artifact exceeds ${this.limits.maxArtifactBytes} bytes`);
      const record = await this.writeContent(id, contentType, async function* () {
        for (const f of files) yield* createReadStream(f);
      });
      await rm(blocks, { recursive: true, force: true });
      return record;
    });
  }

  /** Azure Put Blob: the whole content in one request (small uploads by other clients). */
  async putContent(id: number, body: Readable, contentType: string): Promise<ArtifactRecord> {
    return this.serialize(id, async () => {
      await this.writable(id);
      return this.writeContent(id, contentType, () => body);
    });
  }

  private async writeContent(id: number, contentType: string, source: () => AsyncIterable<Buffer> | Readable): Promise<ArtifactRecord> {
    const target = join(this.artifactDir(id), "content");
    const tmp = tmpName(target);
    const hash = createHash("sha256");
    const limit = new ByteLimit(this.limits.maxArtifactBytes);
    const digest = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source(), limit, digest, createWriteStream(tmp));
      await rename(tmp, target);
    } finally {
      await rm(tmp, { force: true });
    }
    const record = (await this.get(id))!;
    const updated: ArtifactRecord = { ...record, content: { size: limit.bytes, sha256: hash.digest("hex"), contentType } };
    await this.writeRecord(updated);
    return updated;
  }

  /** The committed bytes of a finalized artifact. */
  async readContent(id: number): Promise<{ record: ArtifactRecord; stream: Readable }> {
    const record = await this.get(id);
    if (record?.state !== "finalized" || !record.content) throw new StoreError("not_found", `artifact ${id} does not exist`);
    return { record, stream: createReadStream(join(this.artifactDir(id), "content")) };
  }

  private async writeRecord(record: ArtifactRecord): Promise<void> {
    const path = join(this.artifactDir(record.id), "meta.json");
    const tmp = tmpName(path);
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
    await rename(tmp, path);
  }

  private serialize<T>(id: number, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.catch(() => {});
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }
}

/** Azure block ids are base64 of at most 64 bytes; the file name is their hex, so never a path. */
function blockFileName(blockId: string): string {
  const raw = Buffer.from(blockId, "base64");
  if (raw.length === 0 || raw.length > 64 || raw.toString("base64") !== blockId) {
    throw new StoreError("invalid_argument", "invalid block id");
  }
  return raw.toString("hex");
}
