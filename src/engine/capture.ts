/**
 * Capture: the task's change as a binary-safe patch against its materialized tree (renames are
 * recorded as delete + add so patches apply without rename detection), plus its declared outputs.
 */
import { copyFile, lstat, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { OUTPUTS_DIR, type OutputRecord, PATCH_FILE } from "../checkpoint/record.js";
import { sha256File } from "../checkpoint/verify.js";
import { git, gitRaw } from "../git/git.js";
import type { Task } from "../plan/model.js";

export interface Captured {
  patch: { sha256: string; bytes: number; files: string[]; insertions: number; deletions: number };
  outputs: OutputRecord[];
  /** why the capture makes the task fail (a declared output is missing), if it does */
  error?: string;
}

export async function captureChange(workspace: string, materialized: string, task: Task, checkpointDir: string): Promise<Captured> {
  await git(["add", "-A"], { cwd: workspace });
  const diffArgs = ["diff", "--cached", "--no-renames", "--no-ext-diff", "--no-textconv", materialized];
  const patch = (await gitRaw([...diffArgs, "--binary", "--full-index"], { cwd: workspace })).stdout;
  const patchFile = join(checkpointDir, PATCH_FILE);
  await writeFile(patchFile, patch);
  const numstat = (await gitRaw([...diffArgs, "--numstat", "-z"], { cwd: workspace })).stdout.toString("utf8");
  const { files, insertions, deletions } = parseNumstat(numstat);

  const outputs: OutputRecord[] = [];
  const missing: string[] = [];
  for (const path of task.outputs) {
    const src = join(workspace, path);
    const st = await lstat(src).catch(() => undefined);
    if (!st?.isFile()) {
      missing.push(st ? `${path} (not a regular file)` : path);
      continue;
    }
    const dest = join(checkpointDir, OUTPUTS_DIR, path);
    await mkdir(dirname(dest), { recursive: true });
    await copyFile(src, dest);
    outputs.push({ path, sha256: await sha256File(dest), bytes: st.size });
  }
  return {
    patch: { sha256: await sha256File(patchFile), bytes: patch.length, files, insertions, deletions },
    outputs,
    error: missing.length ? `declared output${missing.length > 1 ? "s" : ""} missing: ${missing.join(", ")}` : undefined,
  };
}

/** `git diff --numstat -z`: "added\tdeleted\tpath\0" per file; binary files show "-". */
function parseNumstat(text: string): { files: string[]; insertions: number; deletions: number } {
  const files: string[] = [];
  let insertions = 0;
  let deletions = 0;
  for (const entry of text.split("\0")) {
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(entry);
    if (!m) continue;
    files.push(m[3]);
    insertions += m[1] === "-" ? 0 : Number(m[1]);
    deletions += m[2] === "-" ? 0 : Number(m[2]);
  }
  return { files, insertions, deletions };
}
