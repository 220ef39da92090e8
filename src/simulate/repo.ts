/**
 * The repository a simulated run starts from: `workflow_dispatch` on its current branch at its
 * current commit, and the checks that spare the user a confusing failure at the end of a run.
 */
import { readFile } from "node:fs/promises";
import { basename, relative } from "node:path";
import { git } from "../git/git.js";

export interface RepoHead {
  /** absolute path of the repository (a bare repository's folder, or a working tree's top level) */
  repo: string;
  repository: string;
  sha: string;
  ref: string;
  refName: string;
}

export async function describeRepo(dir: string): Promise<RepoHead> {
  const bare = (await git(["rev-parse", "--is-bare-repository"], { cwd: dir }).catch(() => "")) === "true";
  const repo = bare
    ? await git(["rev-parse", "--absolute-git-dir"], { cwd: dir })
    : await git(["rev-parse", "--show-toplevel"], { cwd: dir }).catch(() => "");
  if (!repo) throw new Error(`--repo ${dir} is not a git repository`);
  const ref = await git(["symbolic-ref", "-q", "HEAD"], { cwd: repo }).catch(() => "");
  if (!ref.startsWith("refs/heads/"))
    throw new Error(`HEAD of ${repo} is detached: a workflow_dispatch run starts on a branch; check one out first`);
  const sha = await git(["rev-parse", "--verify", "-q", "HEAD^{commit}"], { cwd: repo }).catch(() => "");
  if (!sha) throw new Error(`${repo} has no commit on ${ref.slice("refs/heads/".length)} yet`);
  return {
    repo,
    repository: `local/${basename(repo).replace(/\.git$/, "") || "repo"}`,
    sha,
    ref,
    refName: ref.slice("refs/heads/".length),
  };
}

export async function branchRefs(repo: string): Promise<Record<string, string>> {
  const out = await git(["for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"], { cwd: repo });
  return Object.fromEntries(
    out
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" ") as [string, string]),
  );
}

/** Things that would make the run differ from GitHub's, or fail for a reason that is not the workflow's. */
export async function warnings(head: RepoHead, workflowPath: string, inputs: Record<string, unknown>): Promise<string[]> {
  const out: string[] = [];
  const rel = relative(head.repo, workflowPath);
  if (!rel.startsWith("..")) {
    const committed = await git(["show", `${head.sha}:${rel}`], { cwd: head.repo }).catch(() => undefined);
    const current = await readFile(workflowPath, "utf8");
    if (committed === undefined) out.push(`${rel} is not committed: jobs check out ${head.sha.slice(0, 12)}, which does not have it`);
    else if (committed.trimEnd() !== current.trimEnd())
      out.push(`${rel} differs from its committed version: the jobs' checkout has the committed one`);
  }
  const bare = (await git(["rev-parse", "--is-bare-repository"], { cwd: head.repo })) === "true";
  const target = typeof inputs.branch === "string" && inputs.branch ? inputs.branch : head.refName;
  // waveplan's compiled workflows land on `inputs.branch`, else the run's branch
  if (!bare && inputs.land !== false && target === head.refName)
    out.push(
      `${head.repo} is not bare and has ${head.refName} checked out, and git refuses a push to a checked-out branch: simulate against a bare clone (git clone --bare) or pass --input branch=<another branch> to inspect the landed commit`,
    );
  return out;
}
