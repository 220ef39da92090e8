/**
 * A checkpoint holding the value of a secret is refused before it is published: on GitHub artifacts
 * are readable by anyone who can read the repository's Actions runs (the log's masking does not reach
 * them), and locally the change would land in a commit.
 * Like the log's masking this catches the value as written, not encoded (a binary file's base85 in
 * the patch would pass): it stops the common accident, it is no sandbox for a hostile agent.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { WaveplanError } from "../errors.js";
import type { CheckpointStore } from "./store.js";

export class SecretLeakError extends WaveplanError {
  override readonly name = "SecretLeakError";
}

/** Values this short occur by chance in any patch; they cannot be told apart from a leak. */
const MIN_SECRET_LENGTH = 6;

export class SecretGuardStore implements CheckpointStore {
  private readonly secrets: { name: string; value: Buffer }[];

  constructor(
    private readonly inner: CheckpointStore,
    secrets: { name: string; value: string }[],
  ) {
    this.secrets = secrets.filter((s) => s.value.length >= MIN_SECRET_LENGTH).map((s) => ({ name: s.name, value: Buffer.from(s.value) }));
  }

  fetch(taskId: string): Promise<string | undefined> {
    return this.inner.fetch(taskId);
  }

  async publish(taskId: string, dir: string): Promise<void> {
    if (this.secrets.length) {
      for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const file = join(entry.parentPath, entry.name);
        const data = await readFile(file);
        const leaked = this.secrets.find((s) => data.includes(s.value));
        if (leaked) {
          await rm(dir, { recursive: true, force: true }); // the staged copy must not linger either
          throw new SecretLeakError(
            `task "${taskId}" put the value of secret ${leaked.name} into its checkpoint (${relative(dir, file)}); the checkpoint was refused`,
          );
        }
      }
    }
    await this.inner.publish(taskId, dir);
  }
}
