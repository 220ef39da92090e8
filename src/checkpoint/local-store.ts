/**
 * Checkpoints of a local run: .waveplan/runs/<run-id>/checkpoints/<task-id>/. Publishing renames a
 * complete folder into place, so a crash leaves either the old checkpoint or the new one, never half.
 */
import { randomBytes } from "node:crypto";
import { access, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { RECORD_FILE } from "./record.js";
import type { CheckpointStore } from "./store.js";

export class LocalCheckpointStore implements CheckpointStore {
  constructor(readonly root: string) {}

  dirOf(taskId: string): string {
    return join(this.root, taskId);
  }

  async fetch(taskId: string): Promise<string | undefined> {
    const dir = this.dirOf(taskId);
    return access(join(dir, RECORD_FILE)).then(
      () => dir,
      () => undefined,
    );
  }

  async publish(taskId: string, dir: string): Promise<void> {
    const target = this.dirOf(taskId);
    const trash = `${target}.old-${randomBytes(3).toString("hex")}`;
    await rename(target, trash).catch(() => {});
    await rename(dir, target);
    await rm(trash, { recursive: true, force: true });
  }
}
