/**
 * Capture: the task's change as a binary-safe patch against its materialized tree (renames are
 * recorded as delete + add so patches apply without rename detection), plus its declared outputs.
 */
import { chmod, copyFile, lstat, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
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

/**
 * What a task must not change besides its own files: the repository's git state (the worktree's
 * `.git` link, the shared config, HEAD, hooks, branches and tags — they belong to the user's repository) and,
 * for a pooled worktree, the folder that holds it beside the other tasks' worktrees. Taken right
 * before the task runs; `checkGitState` compares, undoes what changed and explains the refusal.
 */
export interface GitGuard {
  gitDir: string;
  commonDir: string;
  hooksDir: string;
  files: Map<string, { data: Buffer; mode: number } | undefined>;
  refs: Map<string, string>;
  /** the workspace's `.git` file of a linked worktree */
  dotGit?: string;
  /** for a linked worktree: the folder holding it and the entries it had */
  parent?: { dir: string; entries: Set<string> };
}

export async function guardGitState(workspace: string): Promise<GitGuard> {
  const [commonDir, gitDir] = (
    await git(["rev-parse", "--path-format=absolute", "--git-common-dir", "--git-dir"], { cwd: workspace })
  ).split("\n");
  const dotGit = join(workspace, ".git");
  const linked = (await lstat(dotGit).catch(() => undefined))?.isFile() ?? false;
  const hooksDir = join(commonDir, "hooks");
  const watched = [join(commonDir, "config"), join(commonDir, "HEAD"), join(gitDir, "config.worktree"), ...(linked ? [dotGit] : [])];
  for (const name of await readdir(hooksDir).catch(() => [] as string[])) watched.push(join(hooksDir, name));
  const files = new Map(await Promise.all(watched.map(async (f) => [f, await readWatched(f)] as const)));
  const parent = linked ? { dir: dirname(workspace), entries: new Set(await readdir(dirname(workspace))) } : undefined;
  return { gitDir, commonDir, hooksDir, files, refs: await listRefs(commonDir), dotGit: linked ? dotGit : undefined, parent };
}

/** Undefined when nothing changed; otherwise why the task is refused (files it changed are restored; refs are only reported). */
export async function checkGitState(guard: GitGuard): Promise<string | undefined> {
  const changed: string[] = [];
  const stuck: string[] = [];
  const shown = (f: string) => relative(dirname(guard.commonDir), f);
  const undo = (what: string, p: Promise<unknown>) => p.catch(() => stuck.push(what));
  for (const [file, before] of guard.files) {
    const now = await readWatched(file);
    if (now === before || (now && before && now.mode === before.mode && now.data.equals(before.data))) continue;
    const name = file === guard.dotGit ? ".git" : shown(file);
    changed.push(name);
    await undo(name, restoreWatched(file, before));
  }
  for (const name of await readdir(guard.hooksDir).catch(() => [] as string[])) {
    const file = join(guard.hooksDir, name);
    if (guard.files.has(file)) continue;
    changed.push(shown(file));
    await undo(shown(file), rm(file, { recursive: true, force: true }));
  }
  // Branches and tags are reported, never rewritten: the user may have moved one meanwhile.
  const refs = await listRefs(guard.commonDir);
  const moved: string[] = [];
  for (const ref of new Set([...guard.refs.keys(), ...refs.keys()])) {
    const before = guard.refs.get(ref);
    const now = refs.get(ref);
    if (before !== now)
      moved.push(`${ref} ${before ? (now ? `moved from ${before.slice(0, 12)} to ${now.slice(0, 12)}` : "deleted") : "created"}`);
  }
  const outside: string[] = [];
  if (guard.parent) {
    for (const name of await readdir(guard.parent.dir)) {
      // the pool adds worktrees (wt-<n>) for parallel tasks while this one runs
      if (guard.parent.entries.has(name) || /^wt-\d+$/.test(name)) continue;
      outside.push(`../${name}`);
      await undo(`../${name}`, rm(join(guard.parent.dir, name), { recursive: true, force: true }));
    }
  }
  const reasons = [
    ...(changed.length ? [`changed the repository's git state (${changed.join(", ")})`] : []),
    ...(outside.length ? [`wrote outside its worktree (${outside.join(", ")})`] : []),
  ];
  const parts = [
    ...(reasons.length ? [`${reasons.join(" and ")}${stuck.length ? `; could not undo: ${stuck.join(", ")}` : "; undone"}`] : []),
    ...(moved.length ? [`changed branches or tags, left as they are for you to check (${moved.join(", ")})`] : []),
  ];
  return parts.length ? `refused: the task ${parts.join("; and it ")}` : undefined;
}

async function readWatched(file: string): Promise<{ data: Buffer; mode: number } | undefined> {
  const st = await lstat(file).catch(() => undefined);
  if (!st?.isFile()) return st ? { data: Buffer.from(`<${st.isDirectory() ? "directory" : "special file"}>`), mode: st.mode } : undefined;
  return { data: await readFile(file), mode: st.mode };
}

async function restoreWatched(file: string, before: { data: Buffer; mode: number } | undefined): Promise<void> {
  await rm(file, { recursive: true, force: true });
  if (!before) return;
  await writeFile(file, before.data, { mode: before.mode & 0o7777 });
  await chmod(file, before.mode & 0o7777);
}

/** The repository's branches and tags (not remote-tracking refs: a background fetch may update those). */
async function listRefs(commonDir: string): Promise<Map<string, string>> {
  const out = await git(
    [`--git-dir=${commonDir}`, "for-each-ref", "--format=%(objectname) %(refname) %(symref)", "refs/heads", "refs/tags"],
    { cwd: commonDir },
  );
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [oid, ref, symref] = line.split(" ");
    if (ref && !symref) refs.set(ref, oid);
  }
  return refs;
}
