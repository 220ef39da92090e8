/**
 * The landing commit, built the same way by both halves: the local runner (src/run/land.ts puts it on
 * a branch) and the action's final-commit job (src/action/land.ts pushes it). Only verified
 * checkpoints go in, combined onto the run's base commit.
 */
import type { VerifiedCheckpoint } from "../checkpoint/verify.js";
import { commitTree, git } from "../git/git.js";
import { planHash } from "../plan/hash.js";
import type { Plan } from "../plan/model.js";
import { assertNoConflicts } from "./gate.js";
import { materializeTree, type TreeCache } from "./materialize.js";

export function commitMessage(plan: Plan, runId: string): string {
  const instances = [...new Set(plan.tasks.map((t) => t.instance))].map(
    (id) => `${id} (${plan.instances.find((i) => i.id === id)?.role ?? "?"})`,
  );
  return [
    plan.land.message ?? `waveplan: ${plan.name}`,
    "",
    `Plan: ${plan.name} (${planHash(plan).slice(0, 12)})`,
    `Run: ${runId}`,
    `Waves: ${plan.waves.map((w) => w.id).join(", ")} (${plan.tasks.length} tasks)`,
    `Instances: ${instances.join(", ")}`,
  ].join("\n");
}

/** Identity for the landed commit: `override` (the action's input), else plan.land.author, else the user's git config, else waveplan. */
export async function identity(repo: string, plan: Plan, override?: string): Promise<Record<string, string> | undefined> {
  const wanted = override || plan.land.author;
  const author = wanted && /^(.+) <(.+)>$/.exec(wanted);
  if (author)
    return { GIT_AUTHOR_NAME: author[1], GIT_AUTHOR_EMAIL: author[2], GIT_COMMITTER_NAME: author[1], GIT_COMMITTER_EMAIL: author[2] };
  const configured = await git(["var", "GIT_AUTHOR_IDENT"], { cwd: repo }).then(
    () => true,
    () => false,
  );
  return configured
    ? {}
    : {
        GIT_AUTHOR_NAME: "waveplan",
        GIT_AUTHOR_EMAIL: "waveplan@localhost",
        GIT_COMMITTER_NAME: "waveplan",
        GIT_COMMITTER_EMAIL: "waveplan@localhost",
      };
}

/** Build the landing commit (not yet on any branch). `author` ("Name <email>") overrides the plan's. */
export async function landingCommit(
  repo: string,
  plan: Plan,
  runId: string,
  base: string,
  all: VerifiedCheckpoint[],
  options: { author?: string; trees?: TreeCache } = {},
): Promise<string> {
  const { combined, who } = await combinedChange(repo, plan, base, all, options);
  return commitTree(repo, combined, [base], commitMessage(plan, runId), who);
}

/** The tree of every checkpoint's change applied onto `base` (refusing conflicts), and who will author the commit. */
export async function combinedChange(
  repo: string,
  plan: Plan,
  base: string,
  all: VerifiedCheckpoint[],
  options: { author?: string; trees?: TreeCache } = {},
): Promise<{ combined: string; who: Record<string, string> | undefined }> {
  assertNoConflicts(plan, all);
  const [combined, who] = await Promise.all([materializeTree(repo, base, all, options.trees), identity(repo, plan, options.author)]);
  return { combined, who };
}
