/**
 * Capture: the task's change as a binary-safe patch against its materialized tree (renames are
 * recorded as delete + add so patches apply without rename detection), plus its declared outputs.
 */
import { createHash } from "node:crypto";
import { lstat, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { OUTPUTS_DIR, type OutputRecord, PATCH_FILE } from "../checkpoint/record.js";
import { gitRaw, gitScript } from "../git/git.js";
import type { Task } from "../plan/model.js";
import { formatSize } from "../plan/size.js";
import { readNoFollow } from "./no-follow.js";
import type { Workspace } from "./workspace.js";

/** A failure of the capture itself (not of the task's process): the task is named, the run ends. */
export class CaptureError extends Error {}

export interface Captured {
  patch: { sha256: string; bytes: number; files: string[]; insertions: number; deletions: number };
  outputs: OutputRecord[];
  /** why the capture makes the task fail (a declared output is missing), if it does */
  error?: string;
}

/**
 * What a task's change is: its folder's files against the materialized commit, read with the
 * workspace's git environment (for a slot: waveplan's own repository and index, so the folder's
 * `.git` — its index, `info/exclude`, config, commits — has no say). Commits the task made itself are
 * captured as the files they left in the folder; an empty folder is no change, as in git.
 */
export async function captureChange(
  workspace: Workspace,
  materialized: string,
  task: Task,
  checkpointDir: string,
  limitBytes = Number.POSITIVE_INFINITY,
): Promise<Captured> {
  const gitOpts = { cwd: workspace.dir, env: workspace.gitEnv };
  if (!(await lstat(workspace.dir).catch(() => undefined))?.isDirectory())
    throw new CaptureError(`task "${task.id}" removed its own folder ${workspace.dir}; its change cannot be captured`);

  // declared outputs first: copying them changes nothing in the folder, and a workspace may remove
  // ignored files once the change is read. Each is read once, never through a symbolic link (a task
  // could point a folder of it at any file of the machine), within what is left of the size limit;
  // its sha256 is of the bytes written to the checkpoint.
  const outputs: OutputRecord[] = [];
  const missing: string[] = [];
  const tooLarge: string[] = [];
  let total = 0;
  for (const path of task.outputs) {
    const read = await readNoFollow(workspace.dir, path, limitBytes - total);
    if (!Buffer.isBuffer(read)) {
      if (read.problem === "too large") tooLarge.push(`output ${path} is ${formatSize(read.size ?? 0)}`);
      else missing.push(read.problem === "missing" ? path : `${path} (not a regular file)`);
      continue;
    }
    total += read.length;
    const dest = join(checkpointDir, OUTPUTS_DIR, path);
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, read);
    outputs.push({ path, sha256: createHash("sha256").update(read).digest("hex"), bytes: read.length });
  }

  // one process: add everything (new files too) to the workspace's index, then one `git diff` for the
  // list and the patch: with -z, the raw and numstat entries (NUL-ended, none empty) come first, then one
  // more NUL, then the patch exactly as without --raw --numstat -z
  const diffArgs = ["diff", "--cached", "--no-renames", "--no-ext-diff", "--no-textconv", materialized];
  const both = (
    await gitScript('git add -A && exec git "$@"', [...diffArgs, "--raw", "--numstat", "--binary", "--full-index", "-z"], gitOpts)
  ).stdout;
  const split = both.indexOf("\0\0");
  const raw = (split === -1 ? both : both.subarray(0, split + 1)).toString("utf8");
  const { files, insertions, deletions, gitlinks } = parseRawNumstat(raw);
  // refused rather than landed as a gitlink to a commit that exists nowhere (its files would be lost)
  const nested = gitlinks.length
    ? `nested git repository at ${gitlinks.join(", ")} (a folder with its own .git, e.g. from git clone) cannot land: remove its .git folder to keep the files, or put it in a git-ignored folder`
    : undefined;
  const patch =
    split !== -1
      ? both.subarray(split + 2)
      : both.length
        ? (await gitRaw([...diffArgs, "--binary", "--full-index"], gitOpts)).stdout
        : both;
  if (patch.length > limitBytes - total) tooLarge.push(`its change (patch) is ${formatSize(patch.length)}`);
  // a checkpoint over the limit is a failed one, without the bytes that made it too large
  const kept = tooLarge.length ? Buffer.alloc(0) : patch;
  await writeFile(join(checkpointDir, PATCH_FILE), kept);
  const overLimit = tooLarge.length
    ? `checkpoint over the size limit of ${formatSize(limitBytes)} (limits.checkpoint in the plan): ${tooLarge.join(", ")}`
    : undefined;

  return {
    patch: { sha256: createHash("sha256").update(kept).digest("hex"), bytes: kept.length, files, insertions, deletions },
    outputs,
    error:
      overLimit ??
      nested ??
      (missing.length ? `declared output${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}` : undefined),
  };
}

/**
 * `git diff --raw --numstat -z`: first ":oldmode newmode oldoid newoid status\0path\0" per file, then
 * "added\tdeleted\tpath\0" per file (binary files show "-"). A new mode 160000 is a gitlink.
 */
function parseRawNumstat(text: string): { files: string[]; insertions: number; deletions: number; gitlinks: string[] } {
  const files: string[] = [];
  const gitlinks: string[] = [];
  let insertions = 0;
  let deletions = 0;
  const tokens = text.split("\0");
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.startsWith(":")) {
      const newMode = token.slice(1).split(" ")[1];
      const path = tokens[++i];
      if (newMode === "160000") gitlinks.push(path);
      continue;
    }
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(token);
    if (!m) continue;
    files.push(m[3]);
    insertions += m[1] === "-" ? 0 : Number(m[1]);
    deletions += m[2] === "-" ? 0 : Number(m[2]);
  }
  return { files, insertions, deletions, gitlinks };
}
