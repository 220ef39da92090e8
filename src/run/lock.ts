/**
 * One run per repository at a time. The lock file holds the owner's pid, created exclusively
 * (O_CREAT|O_EXCL). A lock whose process is gone (a run killed with SIGKILL) is taken over, so a crash
 * never blocks the resume — and the take-over is atomic too: only the holder of `<lock>.takeover`
 * (itself created exclusively) may replace a stale lock, it re-reads the lock under that guard, and
 * replaces it with one rename. Two runs racing for a stale lock therefore never both get it: one
 * takes it over, the other finds a live owner.
 */
import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { WaveplanError } from "../errors.js";

export class LockedError extends WaveplanError {
  override readonly name = "LockedError";
}

export async function acquireLock(file: string): Promise<() => Promise<void>> {
  const release = async () => {
    // only our own lock is removed: a lock taken over after we were presumed dead is not ours
    if ((await ownerOf(file)) === process.pid) await rm(file, { force: true });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await createExclusive(file)) return release;
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) continue; // released meanwhile: try again
    const pid = parsePid(text);
    // a lock being written is empty for a moment; one that stays unreadable was left by a crash
    if (pid === undefined && attempt < 10) {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) throw locked(pid, file);
    if (await takeOver(file, text)) return release;
  }
  throw new LockedError(`could not take the lock ${file}; another waveplan run keeps changing it`);
}

async function createExclusive(file: string): Promise<boolean> {
  try {
    const fd = await open(file, "wx");
    await fd.writeFile(`${process.pid}\n`);
    await fd.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return false;
  }
}

/** Replace the stale lock (content `stale`) with ours, under the exclusive take-over guard. */
async function takeOver(file: string, stale: string): Promise<boolean> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard))) {
    const holder = await ownerOf(guard);
    // a take-over in progress by a live run: let it finish, then look again; a dead one is cleared
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      await new Promise((r) => setTimeout(r, 5));
      return false;
    }
    await rm(guard, { force: true });
    return false;
  }
  try {
    // under the guard nobody else replaces the lock; it may only have been released (then: create it)
    const now = await readFile(file, "utf8").catch(() => undefined);
    if (now === undefined) return await createExclusive(file);
    if (now !== stale) return false;
    const tmp = `${file}.${process.pid}.${randomBytes(3).toString("hex")}`;
    await writeFile(tmp, `${process.pid}\n`);
    await rename(tmp, file);
    return true;
  } finally {
    await rm(guard, { force: true });
  }
}

function locked(pid: number, file: string): LockedError {
  return new LockedError(`another waveplan run (pid ${pid}) is using this repository; wait for it or stop it (lock: ${file})`);
}

async function ownerOf(file: string): Promise<number | undefined> {
  return parsePid(await readFile(file, "utf8").catch(() => ""));
}

function parsePid(text: string): number | undefined {
  const pid = Number(text.trim());
  return text.endsWith("\n") && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
