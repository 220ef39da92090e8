/**
 * One run per repository at a time. The lock file holds the owner's pid; a lock whose process is gone
 * (a run killed with SIGKILL) is taken over, so a crash never blocks the resume.
 */
import { open, readFile, rm } from "node:fs/promises";
import { WaveplanError } from "../errors.js";

export class LockedError extends WaveplanError {
  override readonly name = "LockedError";
}

export async function acquireLock(file: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = await open(file, "wx");
      await fd.writeFile(`${process.pid}\n`);
      await fd.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new LockedError(`another waveplan run (pid ${pid}) is using this repository; wait for it or stop it (lock: ${file})`);
      }
      await rm(file, { force: true });
    }
  }
  throw new LockedError(`could not take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
