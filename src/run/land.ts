/**
 * Landing: only after every task succeeded, the combined change becomes one commit — on the current
 * branch (fast-forward, refusing to overwrite local edits) or on a named branch (working tree untouched).
 */
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import { landingCommit as baseLandingCommit, combinedChange, commitMessage } from "../engine/landing-commit.js";
import type { TreeCache } from "../engine/materialize.js";
import { WaveplanError } from "../errors.js";
import { GitError, git, headCommit } from "../git/git.js";
import type { Plan } from "../plan/model.js";
import { moveChange } from "./snapshot.js";

export class LandError extends WaveplanError {
  override readonly name = "LandError";
}

/**
 * Build the landing commit (not yet on any branch); with `onto` (`--allow-dirty`), the plan's change is
 * moved onto that commit instead of the run's base.
 */
export async function landingCommit(
  repo: string,
  plan: Plan,
  runId: string,
  base: string,
  all: VerifiedCheckpoint[],
  options: { author?: string; trees?: TreeCache; onto?: string } = {},
): Promise<string> {
  if (!options.onto || options.onto === base) return baseLandingCommit(repo, plan, runId, base, all, options);
  const { combined, who } = await combinedChange(repo, plan, base, all, options);
  return moveChange(repo, base, combined, options.onto, commitMessage(plan, runId), who);
}

/**
 * The landing target already holds this result: one commit on top of the base with the same tree. That
 * is what a run killed after landing but before recording it left behind; its resume must not fail.
 */
async function alreadyLanded(repo: string, rev: string, commit: string, base: string): Promise<string | undefined> {
  const parents = await git(["rev-list", "--parents", "-n", "1", rev], { cwd: repo });
  if (parents.split(" ").slice(1).join(" ") !== base) return undefined;
  const [have, want] = await Promise.all([
    git(["rev-parse", `${rev}^{tree}`], { cwd: repo }),
    git(["rev-parse", `${commit}^{tree}`], { cwd: repo }),
  ]);
  return have === want ? git(["rev-parse", rev], { cwd: repo }) : undefined;
}

/**
 * `--branch NAME` must be a branch name as `git branch` accepts it (`git check-ref-format --branch`:
 * not `HEAD`, not `@{-1}`, no `..`) and not a branch checked out in any worktree of the repository:
 * moving that ref would move it under the working tree, leaving the change reversed and staged.
 */
export async function assertBranchName(repo: string, branch: string): Promise<void> {
  const normalized = await git(["check-ref-format", "--branch", branch], { cwd: repo }).catch(() => "");
  if (normalized !== branch || branch.startsWith("-"))
    throw new LandError(`--branch "${branch}" is not a valid branch name (git check-ref-format --branch refuses it)`);
  const listed = await git(["worktree", "list", "--porcelain"], { cwd: repo });
  if (listed.split("\n").includes(`branch refs/heads/${branch}`))
    throw new LandError(
      `--branch "${branch}" is checked out${(await git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: repo, okCodes: [1] })) === branch ? " here" : " in a worktree"}; landing there would move it under the working tree — leave out --branch to land on it, or name a new branch`,
    );
}

/** Put `commit` on the target; returns the branch and the commit that holds the result there. */
export async function land(repo: string, commit: string, base: string, branch?: string): Promise<{ branch: string; commit: string }> {
  if (branch) {
    const ref = `refs/heads/${branch}`;
    await assertBranchName(repo, branch);
    const current = await git(["rev-parse", "-q", "--verify", ref], { cwd: repo, okCodes: [1] });
    if (current && current !== base) {
      const landed = await alreadyLanded(repo, current, commit, base);
      if (landed) return { branch, commit: landed };
      throw new LandError(`branch ${branch} exists and is not at the run's base ${base.slice(0, 12)}; choose another --branch`);
    }
    await git(["update-ref", ref, commit, current || "0000000000000000000000000000000000000000"], { cwd: repo });
    return { branch, commit };
  }
  const head = await headCommit(repo);
  const current = async () => (await git(["symbolic-ref", "-q", "--short", "HEAD"], { cwd: repo, okCodes: [1] })) || "HEAD (detached)";
  if (head !== base) {
    const landed = await alreadyLanded(repo, head, commit, base);
    if (landed) return { branch: await current(), commit: landed };
    throw new LandError(
      `HEAD moved since the run started (${base.slice(0, 12)} → ${head.slice(0, 12)}); land on a new branch with --resume <run> --branch NAME`,
    );
  }
  try {
    await git(["merge", "-q", "--ff-only", commit], { cwd: repo });
  } catch (e) {
    const why = e instanceof GitError ? e.stderr.trim().split("\n").slice(0, 4).join("; ") : String(e);
    throw new LandError(
      `cannot fast-forward the working tree to the result (${why}); your files were not changed — commit or stash local edits, or use --branch NAME`,
    );
  }
  return { branch: await current(), commit };
}
