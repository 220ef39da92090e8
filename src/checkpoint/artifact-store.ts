/**
 * Checkpoints of a GitHub run, one artifact per task and run attempt (`waveplan-<task>.<attempt>`).
 *
 * Re-runs ("Re-run failed jobs" / "Re-run all jobs") work because of these facts about artifacts v4
 * (`@actions/artifact` 2+), all exercised against the emulated results service in the tests:
 *   - an artifact is immutable: uploading a name that already exists in the run fails with 409;
 *   - every attempt of a run shares the run id and sees the artifacts of earlier attempts;
 *   - jobs that succeeded in attempt 1 are not re-run in attempt 2, so their artifacts are the valid
 *     checkpoints of attempt 2 as well.
 * So a job uploads under its own attempt number — a re-run never collides with the artifact its
 * failed predecessor left — and a reader takes, per task, the highest attempt not above its own:
 * the newest result, and never one from an attempt that started after it.
 *
 * Stores move bytes, they are not trusted: a downloaded tree is checked here for its shape (only
 * record.json, change.patch and regular files under outputs/) and then verified by verify.ts.
 */
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Artifact, ArtifactClient } from "@actions/artifact";
import { type ArtifactReader, withFallback } from "./reader-fallback.js";
import { artifactName, OUTPUTS_DIR, PATCH_FILE, parseArtifactName, RECORD_FILE } from "./record.js";
import { onGhes, ResultsServiceReader } from "./results-reader.js";
import type { CheckpointStore } from "./store.js";
import { type Extracted, extractCheckpointZip, ZipRefused } from "./unzip.js";
import { CheckpointError } from "./verify.js";

/** Downloads at once: enough to hide per-request latency, few enough not to trip rate limits. */
export const DOWNLOAD_CONCURRENCY = 6;

export interface ArtifactStoreOptions {
  /** this job's run attempt (`GITHUB_RUN_ATTEMPT`) */
  attempt: number;
  /** where downloads go; each checkpoint gets a fresh folder below it */
  tempDir?: string;
  /** the artifact client; by default `DefaultArtifactClient`, loaded on first use */
  client?: ArtifactClient;
  concurrency?: number;
  /** this job's run id: a record of this run must carry the attempt its artifact is named for */
  runId?: string;
  /**
   * Read another run's checkpoints (GitHub input `resume-from`) instead of this run's. With `findBy`
   * the client lists and downloads through the REST API — `GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts`
   * and `GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip` (a 302 to the blob) at
   * GITHUB_API_URL, with the token (`actions: read`) — rather than the results service, which only
   * serves the job's own run (actions/toolkit packages/artifact/src/internal/find/list-artifacts.ts
   * `listArtifactsPublic`, download/download-artifact.ts `downloadArtifactPublic`).
   */
  findBy?: FindBy;
  /** how a switch from the direct reader to the artifact client is logged (default: a warning annotation) */
  warn?: (message: string) => void;
  /** `github.retention-days`: how long GitHub keeps the uploaded checkpoints (default: the repository's setting) */
  retentionDays?: number;
  /** read through this instead (a resumed run's artifacts, listed once by the plan job) */
  reader?: ArtifactReader;
}

export interface FindBy {
  token: string;
  workflowRunId: number;
  repositoryOwner: string;
  repositoryName: string;
}

/** Per task, the artifact with the highest attempt not above `attempt`. */
export function selectCheckpointArtifacts(artifacts: readonly Artifact[], attempt: number): Map<string, Artifact> {
  const best = new Map<string, { artifact: Artifact; attempt: number }>();
  for (const artifact of artifacts) {
    const parsed = parseArtifactName(artifact.name);
    if (!parsed || parsed.attempt > attempt) continue;
    const seen = best.get(parsed.taskId);
    // Two artifacts of one name cannot exist (409), but a deleted-and-reuploaded one may be listed
    // next to its replacement by an eventually consistent listing: the higher id is the newer.
    if (!seen || parsed.attempt > seen.attempt || (parsed.attempt === seen.attempt && artifact.id > seen.artifact.id))
      best.set(parsed.taskId, { artifact, attempt: parsed.attempt });
  }
  return new Map([...best].map(([task, v]) => [task, v.artifact]));
}

export type { ArtifactReader } from "./reader-fallback.js";

export class ArtifactCheckpointStore implements CheckpointStore {
  private listing?: Promise<Map<string, Artifact>>;
  private client?: Promise<ArtifactClient>;
  private readerPromise?: Promise<ArtifactReader>;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: ArtifactStoreOptions) {}

  async fetch(taskId: string): Promise<string | undefined> {
    const artifact = (await this.list()).get(taskId);
    if (!artifact) return undefined;
    return this.bounded(() => this.download(taskId, artifact));
  }

  async publish(taskId: string, dir: string): Promise<void> {
    const name = artifactName(taskId, this.options.attempt);
    const files = [join(dir, RECORD_FILE), join(dir, PATCH_FILE), ...(await filesUnder(join(dir, OUTPUTS_DIR)))];
    const client = await this.artifactClient();
    try {
      const { retentionDays } = this.options;
      await client.uploadArtifact(name, files, dir, retentionDays ? { retentionDays } : undefined);
    } catch (e) {
      throw new Error(`cannot upload the checkpoint of task "${taskId}" as artifact ${name}: ${(e as Error).message}`);
    }
  }

  /** The artifact name of a task's checkpoint as this job publishes it. */
  nameFor(taskId: string): string {
    return artifactName(taskId, this.options.attempt);
  }

  private list(): Promise<Map<string, Artifact>> {
    // One listing per job: every upstream task is looked up in it, and the upstream jobs finished
    // before this one started, so nothing relevant appears later.
    this.listing ??= (async () => {
      try {
        return selectCheckpointArtifacts(await (await this.reader()).list(), this.options.attempt);
      } catch (e) {
        const which = this.options.findBy ? `run ${this.options.findBy.workflowRunId}` : "this run";
        throw new Error(`cannot list the artifacts of ${which}: ${(e as Error).message}`);
      }
    })();
    return this.listing;
  }

  private async download(taskId: string, artifact: Artifact): Promise<string> {
    const reader = await this.reader();
    const parent = this.options.tempDir ?? tmpdir();
    await mkdir(parent, { recursive: true });
    const dir = await mkdtemp(join(parent, `${taskId}-`));
    // the zip as it was uploaded, beside the folder it is extracted into
    const zip = `${dir}.zip`;
    let extracted: Extracted;
    try {
      let result: { digestMismatch: boolean; bytes?: Buffer };
      try {
        result = await reader.download(artifact, zip);
      } catch (e) {
        throw new CheckpointError(taskId, `artifact ${artifact.name} cannot be downloaded: ${(e as Error).message}`);
      }
      if (result.digestMismatch)
        throw new CheckpointError(taskId, `artifact ${artifact.name} does not match the digest it was uploaded with`);
      // extracted only once the digest matched
      extracted = await extractCheckpointZip(result.bytes ?? zip, dir).catch((e) => {
        throw e instanceof ZipRefused ? new CheckpointError(taskId, `artifact ${artifact.name} ${e.message}`) : e;
      });
    } finally {
      await rm(zip, { force: true });
    }
    const record = extracted.record ?? (await readFile(join(dir, RECORD_FILE)).catch(() => undefined));
    checkContents(taskId, artifact.name, extracted.files, record, this.options.findBy ? undefined : this.options.runId);
    return dir;
  }

  /**
   * This run's artifacts are read from the results service directly (results-reader.ts), falling
   * back to the artifact client on any unexpected answer (reader-fallback.ts); another run's (REST
   * API), GHES and an injected client go through the artifact client.
   */
  private reader(): Promise<ArtifactReader> {
    this.readerPromise ??= (async () => {
      if (this.options.reader) return this.options.reader;
      if (!this.options.client && !this.options.findBy && !onGhes())
        return withFallback(new ResultsServiceReader(), () => this.clientReader(), this.options.warn ?? warnInLog);
      return this.clientReader();
    })();
    return this.readerPromise;
  }

  private async clientReader(): Promise<ArtifactReader> {
    const client = await this.artifactClient();
    const { findBy } = this.options;
    return {
      list: async () => (await client.listArtifacts(findBy ? { findBy } : undefined)).artifacts,
      download: async (artifact, zip) => {
        // skipDecompress: the client saves the zip as one file in `path`, named after the blob
        const into = `${zip}.d`;
        try {
          const { digestMismatch } = await client.downloadArtifact(artifact.id, {
            path: into,
            expectedHash: artifact.digest,
            skipDecompress: true,
            ...(findBy ? { findBy } : {}),
          });
          if (digestMismatch) return { digestMismatch };
          const [file, ...more] = await readdir(into);
          if (!file || more.length) throw new Error("it did not download as one file");
          await rename(join(into, file), zip);
          return { digestMismatch: false };
        } finally {
          await rm(into, { recursive: true, force: true });
        }
      },
    };
  }

  private artifactClient(): Promise<ArtifactClient> {
    // Loaded on first use: the artifact client is most of the bundle and validate never needs it.
    this.client ??= this.options.client
      ? Promise.resolve(this.options.client)
      : import(/* webpackMode: "eager" */ "@actions/artifact").then((m) => new m.DefaultArtifactClient());
    return this.client;
  }

  private async bounded<T>(fn: () => Promise<T>): Promise<T> {
    const limit = this.options.concurrency ?? DOWNLOAD_CONCURRENCY;
    if (this.active >= limit) await new Promise<void>((go) => this.waiting.push(go));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * A checkpoint artifact holds record.json, change.patch and regular files under outputs/, nothing
 * else: unzip.ts refused any other entry by its name before writing; here the two files must be
 * among those written (`files`). A record of `runId` (when given) must be of the attempt the
 * artifact is named for; one reused from a resumed run keeps its own run and attempt (verify.ts
 * decides whether that run is acceptable).
 */
export function checkContents(taskId: string, name: string, files: readonly string[], record: Buffer | undefined, runId?: string): void {
  const reject = (why: string): never => {
    throw new CheckpointError(taskId, `artifact ${name} ${why}`);
  };
  for (const required of [RECORD_FILE, PATCH_FILE]) if (!files.includes(required)) reject(`has no ${required}`);
  const attempt = parseArtifactName(name)?.attempt;
  let parsed: { run?: { id?: unknown; attempt?: unknown } } | undefined;
  try {
    parsed = JSON.parse(record?.toString("utf8") ?? "");
  } catch {
    parsed = undefined; // not JSON: verify.ts refuses it with the reason
  }
  // verify.ts judges the record itself; this only ties the artifact's name to its content.
  if (parsed?.run && (runId === undefined || parsed.run.id === runId) && parsed.run.attempt !== attempt)
    reject(`is named for attempt ${attempt} but holds a record of attempt ${JSON.stringify(parsed.run.attempt)}`);
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A `::warning::` line, escaped as @actions/core's command.ts escapeData does. */
function warnInLog(message: string): void {
  process.stdout.write(`::warning::${message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")}\n`);
}
