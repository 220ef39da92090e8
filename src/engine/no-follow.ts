/**
 * Reading and writing a path inside a task's folder without ever following a symbolic link: a task may
 * replace any folder on the way by a link to anywhere on the machine, and waveplan must neither write
 * through it (restoring upstream outputs) nor read through it (capturing declared outputs). Each folder
 * on the way is checked with lstat, and the file itself is opened with O_NOFOLLOW.
 */
import { constants } from "node:fs";
import { lstat, mkdir, open } from "node:fs/promises";
import { join } from "node:path";

export class LinkInPathError extends Error {}

/** The folders on the way to `rel` (posix, relative) inside `root`, checked (and with `make`, made) one by one. */
async function walkParents(root: string, rel: string, make: boolean): Promise<"ok" | "missing"> {
  const parts = rel.split("/");
  let at = root;
  for (const part of parts.slice(0, -1)) {
    at = join(at, part);
    const st = await lstat(at).catch(() => undefined);
    if (!st) {
      if (!make) return "missing";
      await mkdir(at).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "EEXIST") throw e;
      });
      // made by someone else meanwhile: checked like any other
      const again = await lstat(at);
      if (!again.isDirectory()) throw new LinkInPathError(`${rel}: ${at.slice(root.length + 1)} is not a folder`);
      continue;
    }
    if (st.isSymbolicLink())
      throw new LinkInPathError(
        `${rel}: ${at.slice(root.length + 1)} is a symbolic link; waveplan never follows one inside a task's folder`,
      );
    if (!st.isDirectory()) throw new LinkInPathError(`${rel}: ${at.slice(root.length + 1)} is not a folder`);
  }
  return "ok";
}

/**
 * Create `rel` under `root` holding `bytes()`, unless something (of any kind) is already there: returns
 * false then. Refuses (LinkInPathError) when a folder on the way is a symbolic link.
 */
export async function createNoFollow(root: string, rel: string, bytes: () => Promise<Uint8Array>): Promise<boolean> {
  await walkParents(root, rel, true);
  if (await lstat(join(root, rel)).catch(() => undefined)) return false;
  const data = await bytes();
  const fh = await open(join(root, rel), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  try {
    await fh.writeFile(data);
  } finally {
    await fh.close();
  }
  return true;
}

/**
 * The regular file `rel` under `root`, read once (so its size and bytes are of one file): undefined
 * when it is missing, "not a regular file" when it is something else, "too large" above `maxBytes`.
 */
export async function readNoFollow(
  root: string,
  rel: string,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Buffer | { problem: "missing" | "not a regular file" | "too large"; size?: number }> {
  try {
    if ((await walkParents(root, rel, false)) === "missing") return { problem: "missing" };
  } catch (e) {
    if (e instanceof LinkInPathError) return { problem: "not a regular file" };
    throw e;
  }
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK: a FIFO left at the path must not block the open
    fh = await open(join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { problem: "missing" };
    if (code === "ELOOP") return { problem: "not a regular file" };
    throw e;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { problem: "not a regular file" };
    if (st.size > maxBytes) return { problem: "too large", size: st.size };
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
