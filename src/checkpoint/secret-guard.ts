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

/** Values shorter than this occur by chance in any patch; they cannot be told apart from a leak. */
export const MIN_SECRET_LENGTH = 8;

/**
 * What to look for: each value, and each line of a multi-line value (a PEM key is written, printed
 * and wrapped a line at a time), as the runner masks secrets: actions/runner
 * src/Runner.Worker/Worker.cs (InitializeSecretMasker: every secret variable goes to `SecretMasker.AddValue`, then
 * "Also add each individual line": `value.Split(new[] { '\r', '\n' }, RemoveEmptyEntries |
 * TrimEntries)`, each line added on its own); `::add-mask::` does the same
 * (src/Runner.Worker/ActionCommandManager.cs, AddMaskCommandExtension). Unlike the log masker, a
 * checkpoint is refused only for values of MIN_SECRET_LENGTH characters or more.
 */
export function secretNeedles(secrets: { name: string; value: string }[]): { name: string; value: Buffer }[] {
  const needles: { name: string; value: Buffer }[] = [];
  for (const s of secrets) {
    const parts = new Set([s.value, ...s.value.split(/[\r\n]+/).map((l) => l.trim())]);
    for (const part of parts) if (part.length >= MIN_SECRET_LENGTH) needles.push({ name: s.name, value: Buffer.from(part) });
  }
  return needles;
}

export class SecretGuardStore implements CheckpointStore {
  private readonly secrets: { name: string; value: Buffer }[];

  constructor(
    private readonly inner: CheckpointStore,
    secrets: { name: string; value: string }[],
  ) {
    this.secrets = secretNeedles(secrets);
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
