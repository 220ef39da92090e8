/**
 * The run's ledger: which record.json waveplan itself wrote for each task of a local run, so a
 * checkpoint rewritten by a task — its patch and the digest in its record changed consistently — is
 * refused when verified (gate, wave barrier, `--resume`, landing).
 *
 * Each entry is an HMAC-SHA256, under a key of the run, of (run id, task id, sha256 of record.json).
 * The entries sit beside the run's checkpoints; the key never does: it is kept in waveplan's state
 * folder outside the repository (`$XDG_STATE_HOME/waveplan/keys`, by default
 * `~/.local/state/waveplan/keys`), which the sandbox does not show to tasks. With `sandbox: off` a task
 * runs as the user and could read that file too, but it must know to; the forgeries seen so far
 * (rewriting `.waveplan/runs/…`) are caught. The key is made with the run and removed once it landed
 * (nothing is resumed after that).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

const KEY_BYTES = 32;
const MAC_DOMAIN = "waveplan.ledger/v1";

/** Where run keys live: outside the repository and outside anything a sandboxed task can see. */
export function keysDir(env: Record<string, string | undefined> = process.env): string {
  const state = env.XDG_STATE_HOME?.startsWith("/") ? env.XDG_STATE_HOME : join(env.HOME || homedir(), ".local", "state");
  return join(state, "waveplan", "keys");
}

/** One key file per run of one repository (run ids are only unique within a repository). */
function keyFile(repo: string, runId: string, dir: string): string {
  const repoTag = createHash("sha256").update(repo).digest("hex").slice(0, 16);
  return join(dir, `${repoTag}-${runId}.key`);
}

export class RunLedger {
  private constructor(
    private readonly key: Buffer | undefined,
    /** why this run's earlier checkpoints cannot be vouched for (the key is gone) */
    private readonly lost: string | undefined,
    private readonly entries: string,
    private readonly runId: string,
    private readonly keyPath: string,
  ) {}

  /**
   * The ledger of `runId`, whose entries are kept in `entriesDir`. A new run gets a new key; a resumed
   * run reads its key, and when that is gone (`waveplan clean`, another machine) gets a new one, so
   * none of its earlier checkpoints is reused (each is re-run, never trusted).
   */
  static async open(opts: { repo: string; runId: string; entriesDir: string; fresh: boolean; keys?: string }): Promise<RunLedger> {
    const dir = opts.keys ?? keysDir();
    const path = keyFile(opts.repo, opts.runId, dir);
    let key = opts.fresh ? undefined : await readFile(path).catch(() => undefined);
    let lost: string | undefined;
    if (key && key.length !== KEY_BYTES) key = undefined;
    if (!key) {
      if (!opts.fresh) lost = `the run's key ${path} is missing, so its earlier checkpoints cannot be vouched for`;
      key = randomBytes(KEY_BYTES);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(path, key, { mode: 0o600 });
      // entries signed with a lost key can never verify again
      await rm(opts.entriesDir, { recursive: true, force: true });
    }
    await mkdir(opts.entriesDir, { recursive: true });
    return new RunLedger(key, lost, opts.entriesDir, opts.runId, path);
  }

  private mac(taskId: string, recordSha256: string): Buffer {
    return createHmac("sha256", this.key as Buffer)
      .update(`${MAC_DOMAIN}\0${this.runId}\0${taskId}\0${recordSha256}`)
      .digest();
  }

  /** Record that waveplan wrote this record.json (by its sha256) for `taskId`, before it is published. */
  async sign(taskId: string, recordSha256: string): Promise<void> {
    await writeFile(join(this.entries, taskId), `${this.mac(taskId, recordSha256).toString("hex")}\n`);
  }

  /** undefined when waveplan wrote a record with this sha256 for `taskId`; else why not. */
  async vouch(taskId: string, recordSha256: string): Promise<string | undefined> {
    const text = await readFile(join(this.entries, taskId), "utf8").catch(() => undefined);
    if (text === undefined) return this.lost ?? "the run's ledger has no entry for it";
    const have = Buffer.from(text.trim(), "hex");
    const want = this.mac(taskId, recordSha256);
    if (have.length === want.length && timingSafeEqual(have, want)) return undefined;
    return "its sha256 differs from the one in the run's ledger: it was rewritten after waveplan wrote it";
  }

  /** The run landed: nothing of it will be resumed, its key goes. */
  async dispose(): Promise<void> {
    await rm(this.keyPath, { force: true });
  }
}
