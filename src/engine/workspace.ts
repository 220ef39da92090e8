/**
 * Where a task runs. The execution path needs three things from it: a folder, a way to make that
 * folder exactly a commit (the materialized tree), and the git environment waveplan itself uses to
 * read the folder back (capture) — which, for a local slot, is waveplan's own repository and index,
 * so nothing the task does to the folder's `.git` can change what is captured.
 */
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import { git } from "../git/git.js";
import type { ContainmentScope } from "./containment.js";

export interface Workspace {
  /** the folder the task runs in */
  readonly dir: string;
  /** variables for waveplan's own git calls on the folder (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE) */
  readonly gitEnv: Record<string, string>;
  /** variables added to the task's environment */
  readonly taskEnv: Record<string, string>;
  /** which processes belong to the task running here */
  readonly contain?: ContainmentScope;
  /**
   * make `dir` exactly `commit`: tracked files only, nothing untracked or ignored left over. `commit` is
   * base + `upstream`'s patches (still being made when this is called): a workspace that knows what it
   * holds may apply the patches it lacks instead of comparing itself with the whole tree.
   */
  prepare(commit: Promise<string>, upstream: readonly VerifiedCheckpoint[]): Promise<void>;
}

/**
 * The GitHub action's workspace: the job's own checkout (a fresh machine per job, so its `.git` is
 * the job's alone).
 */
export function checkoutWorkspace(dir: string): Workspace {
  return {
    dir,
    gitEnv: {},
    taskEnv: {},
    async prepare(commit) {
      await git(["checkout", "-q", "-f", "--detach", await commit], { cwd: dir });
      await git(["clean", "-q", "-ffdx"], { cwd: dir });
    },
  };
}
