/**
 * Where checkpoints live. The execution path only needs these two operations; the local folder
 * store and the GitHub artifact store implement them. Stores move bytes; they are never trusted:
 * everything fetched is verified by checkpoint/verify.ts.
 */
export interface CheckpointStore {
  /** Bring the newest checkpoint of a task into a local folder; undefined when there is none. */
  fetch(taskId: string): Promise<string | undefined>;
  /** Publish a complete checkpoint folder (record.json, change.patch, outputs/). */
  publish(taskId: string, dir: string): Promise<void>;
}
