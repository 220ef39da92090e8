/**
 * Verifies a checkpoint folder against what the current run expects. Every failure names the task
 * and the reason, so a forged or stale checkpoint is refused with an explanation.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readdir, readFile } from "node:fs/promises";
import { join, posix, relative, sep } from "node:path";
import { WaveplanError } from "../errors.js";
import { CHECKPOINT_SCHEMA, type CheckpointRecord, OUTPUTS_DIR, PATCH_FILE, RECORD_FILE } from "./record.js";

export class CheckpointError extends WaveplanError {
  override readonly name = "CheckpointError";
  constructor(
    readonly taskId: string,
    readonly reason: string,
  ) {
    super(`checkpoint of task "${taskId}" rejected: ${reason}`);
  }
}

export interface Expectations {
  taskId: string;
  taskHash: string;
  runId: string;
  base: string;
  planName: string;
  /** GitHub requires the exact plan; locally a changed plan only invalidates changed tasks */
  planHash?: string;
  /** record sha256 of each upstream checkpoint, in plan order */
  upstream: { task: string; record: string }[];
  /** a failed checkpoint is still a valid record (for reports) but never passes a gate */
  requireSuccess?: boolean;
  /**
   * The earlier run this one resumes (GitHub input `resume-from`): a record of that run is accepted
   * with that run's id and base commit. Its plan hash may differ (fixing the plan is why one resumes);
   * its task hash and upstream chain may not.
   */
  alsoFrom?: { runId: string; base: string };
  /**
   * Whether waveplan itself wrote a record with this sha256 for the task (engine/ledger.ts): undefined
   * when it did, else why not. Without it (GitHub) the chain's own digests are all there is.
   */
  vouch?: (recordSha256: string) => Promise<string | undefined>;
}

export interface VerifiedCheckpoint {
  dir: string;
  record: CheckpointRecord;
  /** sha256 of record.json: what downstream records cite */
  recordSha256: string;
  patchFile: string;
}

/** Files up to this size are hashed from one read; larger ones are streamed. */
const ONE_READ_BYTES = 8 * 1024 * 1024;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  // Most checkpoint files are small: one open, fstat and read cost a fraction of a read stream,
  // which shows with a job verifying 60 upstream checkpoints (two files each).
  const fh = await open(file, "r");
  try {
    if ((await fh.stat()).size <= ONE_READ_BYTES) return hash.update(await fh.readFile()).digest("hex");
    for await (const chunk of fh.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } finally {
    await fh.close();
  }
}

export async function verifyCheckpoint(dir: string, want: Expectations): Promise<VerifiedCheckpoint> {
  const fail = (reason: string): never => {
    throw new CheckpointError(want.taskId, reason);
  };
  // A checkpoint is plain files: a symlink could make verification read (and landing apply) bytes
  // from anywhere on the machine, so one anywhere in the folder is refused outright.
  for (const name of [RECORD_FILE, PATCH_FILE]) {
    const st = await lstat(join(dir, name)).catch(() => undefined);
    if (!st) fail(`${name} is missing`);
    else if (st.isSymbolicLink()) fail(`${name} is a symbolic link`);
    else if (!st.isFile()) fail(`${name} is not a regular file`);
  }
  const outputsStat = await lstat(join(dir, OUTPUTS_DIR)).catch(() => undefined);
  if (outputsStat && !outputsStat.isDirectory())
    fail(`${OUTPUTS_DIR} is ${outputsStat.isSymbolicLink() ? "a symbolic link" : "not a folder"}`);
  const present = await listFiles(join(dir, OUTPUTS_DIR));
  for (const entry of present) {
    if (entry.kind !== "file") fail(`outputs/${entry.path} is ${entry.kind === "symlink" ? "a symbolic link" : "not a regular file"}`);
  }
  let raw: Buffer;
  try {
    raw = await readFile(join(dir, RECORD_FILE));
  } catch {
    return fail(`${RECORD_FILE} cannot be read`);
  }
  const recordSha256 = createHash("sha256").update(raw).digest("hex");
  const unvouched = await want.vouch?.(recordSha256);
  if (unvouched) fail(`${RECORD_FILE} is not the one waveplan wrote for this task (${unvouched})`);
  let record: CheckpointRecord;
  try {
    record = JSON.parse(raw.toString("utf8"));
  } catch {
    return fail(`${RECORD_FILE} is not valid JSON`);
  }
  if (record?.schema !== CHECKPOINT_SCHEMA) fail(`unknown record schema ${JSON.stringify(record?.schema)}`);
  const malformed = recordShapeError(record);
  if (malformed) fail(`${RECORD_FILE} is malformed: ${malformed}`);
  if (record.task?.id !== want.taskId) fail(`record is for task "${record.task?.id}"`);
  const resumed = want.alsoFrom !== undefined && record.run.id === want.alsoFrom.runId && record.run.id !== want.runId;
  const from = resumed ? (want.alsoFrom as { runId: string; base: string }) : want;
  if (record.run.id !== from.runId)
    fail(
      `record comes from another run (${record.run.id}, expected ${want.runId}${want.alsoFrom ? ` or the resumed run ${want.alsoFrom.runId}` : ""})`,
    );
  if (record.base !== from.base)
    fail(`record was made on base ${record.base}, ${resumed ? `run ${from.runId}` : "this run"} is based on ${from.base}`);
  if (record.plan?.name !== want.planName) fail(`record is from plan "${record.plan?.name}"`);
  if (!resumed && want.planHash !== undefined && record.plan?.hash !== want.planHash)
    fail("record is from another version of the plan (plan hash differs)");
  if (record.task.hash !== want.taskHash) fail("the task's definition changed since this checkpoint was made");
  if (want.requireSuccess !== false && record.status !== "success")
    fail(`task ${record.status === "failure" ? "failed" : `has status ${record.status}`}${record.error ? `: ${record.error}` : ""}`);
  const upstream = record.upstream;
  if (upstream.length !== want.upstream.length || upstream.some((u, i) => u.task !== want.upstream[i].task))
    fail(
      `it was built on upstream tasks ${upstream.map((u) => u.task).join(", ") || "(none)"}, the plan says ${want.upstream.map((u) => u.task).join(", ") || "(none)"}`,
    );
  const changed = upstream.find((u, i) => u.record !== want.upstream[i].record);
  if (changed)
    fail(
      `upstream checkpoint of task "${changed.task}" is not the one it was built on (that record.json was edited or replaced after this task consumed it)`,
    );

  const patchFile = join(dir, PATCH_FILE);
  const patchSha = await sha256File(patchFile).catch(() => fail(`${PATCH_FILE} is missing`));
  if (patchSha !== record.patch?.sha256) fail(`${PATCH_FILE} does not match the sha256 in the record (edited patch?)`);

  const declared = new Set<string>();
  for (const out of record.outputs ?? []) {
    const safe = safeRelative(out.path);
    if (!safe) fail(`output path ${JSON.stringify(out.path)} escapes the checkpoint`);
    declared.add(safe as string);
    const file = join(dir, OUTPUTS_DIR, safe as string);
    const st = await lstat(file).catch(() => fail(`output ${out.path} is missing`));
    if (!st.isFile()) fail(`output ${out.path} is not a regular file`);
    if ((await sha256File(file)) !== out.sha256) fail(`output ${out.path} does not match its sha256`);
  }
  for (const extra of present) {
    if (!declared.has(extra.path)) fail(`unexpected file outputs/${extra.path} not listed in the record`);
  }
  return { dir, record, recordSha256, patchFile };
}

/**
 * The bytes of `file` when their sha256 is `sha256`, read once: what is returned is exactly what was
 * checked, so a file rewritten after its checkpoint was verified (by a task still running, or between
 * two reads) is refused at the moment of use rather than applied. Never follows a symbolic link.
 */
export async function readVerified(file: string, sha256: string, taskId: string, what: string): Promise<Buffer> {
  let data: Buffer;
  try {
    const fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (!(await fh.stat()).isFile()) throw new Error("not a regular file");
      data = await fh.readFile();
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new CheckpointError(taskId, `${what} cannot be read when used (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (createHash("sha256").update(data).digest("hex") !== sha256)
    throw new CheckpointError(taskId, `${what} changed after the checkpoint was verified (it no longer matches the sha256 in the record)`);
  return data;
}

/** The checkpoint's patch, as verified at this moment (see readVerified). */
export function verifiedPatch(cp: VerifiedCheckpoint): Promise<Buffer> {
  return readVerified(cp.patchFile, cp.record.patch.sha256, cp.record.task.id, PATCH_FILE);
}

/** A declared output of the checkpoint, as verified at this moment (see readVerified). */
export async function verifiedOutput(cp: VerifiedCheckpoint, path: string): Promise<Buffer> {
  const out = cp.record.outputs.find((o) => o.path === path);
  const safe = out && safeRelative(out.path);
  if (!out || !safe) throw new CheckpointError(cp.record.task.id, `output ${JSON.stringify(path)} is not in the record`);
  return readVerified(join(cp.dir, OUTPUTS_DIR, safe), out.sha256, cp.record.task.id, `output ${path}`);
}

/** A relative path that stays inside its folder, in posix form; undefined otherwise. */
export function safeRelative(p: string): string | undefined {
  if (typeof p !== "string" || p === "" || p.includes("\0") || p.startsWith("/") || /^[A-Za-z]:/.test(p) || p.includes("\\"))
    return undefined;
  const norm = posix.normalize(p);
  if (norm === "." || norm === ".." || norm.startsWith("../")) return undefined;
  return norm;
}

/** Everything under `root` except folders, without following symbolic links. */
async function listFiles(root: string): Promise<{ path: string; kind: "file" | "symlink" | "other" }[]> {
  const out: { path: string; kind: "file" | "symlink" | "other" }[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else
        out.push({
          path: relative(root, full).split(sep).join("/"),
          kind: e.isFile() ? "file" : e.isSymbolicLink() ? "symlink" : "other",
        });
    }
  };
  await walk(root);
  return out;
}

/** The fields verification and landing rely on, with the types they need; undefined when fine. */
function recordShapeError(r: CheckpointRecord): string | undefined {
  const isString = (v: unknown) => typeof v === "string";
  if (!r.task || !isString(r.task.id) || !isString(r.task.hash)) return "task must have a string id and hash";
  if (!r.run || !isString(r.run.id)) return "run must have a string id";
  if (!r.plan || !isString(r.plan.name)) return "plan must have a string name";
  if (!isString(r.base)) return "base must be a commit id";
  if (!r.patch || !isString(r.patch.sha256) || !Array.isArray(r.patch.files) || !r.patch.files.every(isString))
    return "patch must have a sha256 and a list of files";
  if (!Array.isArray(r.outputs) || !r.outputs.every((o) => o && isString(o.path) && isString(o.sha256)))
    return "outputs must be a list of {path, sha256}";
  if (!Array.isArray(r.upstream) || !r.upstream.every((u) => u && isString(u.task) && isString(u.record)))
    return "upstream must be a list of {task, record}";
  return undefined;
}
