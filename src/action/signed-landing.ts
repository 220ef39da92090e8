/**
 * Landing a commit GitHub signs. Commits pushed with git from a runner are unsigned (a job gets a
 * token, no signing key), and a ruleset's "Commits must have verified signatures" refuses them. A
 * commit created through the REST Git-data API by the job's GITHUB_TOKEN or a GitHub App is signed
 * by GitHub — "if the request is verified and authenticated as the GitHub App or bot and contains
 * no custom author information, custom committer information, and no custom signature
 * information" (docs "About commit signature verification" › "Signature verification for bots").
 * So the landing commit built and verified on the runner is re-created on GitHub:
 *
 *   POST /repos/{o}/{r}/git/blobs     each blob the landing adds (content-addressed: GitHub's sha
 *                                     must be ours)
 *   POST /repos/{o}/{r}/git/trees     base_tree = the run's base tree, plus the changed paths; the
 *                                     tree GitHub builds must be the verified landing's tree
 *   POST /repos/{o}/{r}/git/commits   the landing's message, that tree, the run's base as parent,
 *                                     no author or committer; the answer must say `verified`
 *   POST|PATCH …/git/refs             create or move the branch (fast-forward unless replacing)
 *
 * (REST docs "Git database": blobs, trees, commits, references.) Each answer is checked before the
 * next call uses it, and the branch moves only once GitHub's commit holds exactly the verified
 * tree: a failure before that leaves the repository as it was (unreferenced objects only).
 *
 * Blob creation is "content-generating": GitHub allows about 80 such requests a minute and 500 an
 * hour (docs "Rate limits for the REST API" › "About secondary rate limits"), so a landing that adds
 * more than MAX_SIGNED_BLOBS blobs is refused up front, saying so, instead of failing half way.
 */
import { git, gitRaw } from "../git/git.js";
import { ActionError } from "./errors.js";
import { explainRefusal } from "./push.js";
import { type Rest, RestError } from "./rest.js";

/** Blobs one signed landing may create: under the 500-an-hour content limit, with room for the rest. */
export const MAX_SIGNED_BLOBS = 400;
/** What these calls need of the token, for GitHub's 401/403/404 answers. */
const NEEDS = "contents: write";

interface Change {
  path: string;
  /** the new mode; 000000 when the path is deleted */
  mode: string;
  oldMode: string;
  sha: string;
}

/** The paths `commit` changes against `base`, from `git diff-tree --raw -z` (no renames: each path once). */
async function changes(repo: string, base: string, commit: string): Promise<Change[]> {
  const raw = (await gitRaw(["diff-tree", "-r", "-z", "--raw", "--no-renames", "--no-ext-diff", base, commit], { cwd: repo })).stdout
    .toString("utf8")
    .split("\0");
  const out: Change[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [oldMode, mode, , sha] = raw[i].replace(/^:/, "").split(" ");
    out.push({ path: raw[i + 1], mode, oldMode, sha });
  }
  return out;
}

const kind = (mode: string) => (mode === "160000" ? "commit" : "blob");
const deleted = (c: Change) => /^0+$/.test(c.mode);

export interface SignedCommit {
  sha: string;
  /** the blobs created on GitHub, for the log */
  blobs: number;
}

/**
 * Re-creates the verified landing commit `local` (one parent: `base`) on GitHub and returns the
 * commit GitHub made and signed. Nothing points at it yet.
 */
export async function createSignedCommit(rest: Rest, repository: string, repo: string, base: string, local: string): Promise<SignedCommit> {
  const api = `/repos/${repository}/git`;
  const [parent, localTree, baseTree] = await Promise.all([
    git(["rev-parse", `${local}^`], { cwd: repo }),
    git(["rev-parse", `${local}^{tree}`], { cwd: repo }),
    git(["rev-parse", `${base}^{tree}`], { cwd: repo }),
  ]);
  if (parent !== base) throw new ActionError(`the landing commit ${local.slice(0, 12)} is not on the run's base ${base.slice(0, 12)}`);
  const changed = await changes(repo, base, local);
  const blobs = [...new Set(changed.filter((c) => !deleted(c) && kind(c.mode) === "blob").map((c) => c.sha))];
  if (blobs.length > MAX_SIGNED_BLOBS)
    throw new ActionError(
      `the landing adds ${blobs.length} files, and GitHub signs only commits it creates itself, one API request per file: more than the ${MAX_SIGNED_BLOBS} waveplan makes for one landing (GitHub allows about 500 content-creating requests an hour, docs "Rate limits for the REST API"). Nothing was pushed. Land on a branch no signed-commits rule covers (land.branch, land.signed: false) and squash-merge its pull request, which GitHub signs`,
    );
  // one at a time: GitHub asks for serial requests to content-creating endpoints (same doc, "Best practices")
  for (const sha of blobs) {
    const content = (await gitRaw(["cat-file", "blob", sha], { cwd: repo })).stdout.toString("base64");
    const made = await rest.json<{ sha: string }>(`${api}/blobs`, "signed landing: creating a blob", {
      method: "POST",
      body: { content, encoding: "base64" },
      needs: NEEDS,
    });
    if (made.sha !== sha) throw new ActionError(`GitHub stored blob ${made.sha} for the landing's blob ${sha}; nothing was landed`);
  }
  let tree = baseTree;
  if (changed.length) {
    const entries = changed.map((c) =>
      deleted(c)
        ? { path: c.path, mode: c.oldMode, type: kind(c.oldMode), sha: null }
        : { path: c.path, mode: c.mode, type: kind(c.mode), sha: c.sha },
    );
    tree = (
      await rest.json<{ sha: string }>(`${api}/trees`, "signed landing: creating the tree", {
        method: "POST",
        body: { base_tree: baseTree, tree: entries },
        needs: NEEDS,
      })
    ).sha;
  }
  if (tree !== localTree)
    throw new ActionError(
      `GitHub built tree ${tree} from the landing's ${changed.length} changed paths, but the verified landing's tree is ${localTree}; nothing was landed`,
    );
  const message = (await gitRaw(["cat-file", "commit", local], { cwd: repo })).stdout.toString("utf8").split("\n\n").slice(1).join("\n\n");
  const made = await rest.json<{
    sha: string;
    tree: { sha: string };
    parents: { sha: string }[];
    verification?: { verified?: boolean; reason?: string };
  }>(`${api}/commits`, "signed landing: creating the commit", {
    method: "POST",
    // no author, committer or signature: GitHub signs only commits it authors itself
    body: { message, tree, parents: [base] },
    needs: NEEDS,
  });
  if (made.tree?.sha !== tree || made.parents?.map((p) => p.sha).join() !== base)
    throw new ActionError(`GitHub's commit ${made.sha} does not hold the verified tree on the run's base; nothing was landed`);
  if (made.verification?.verified !== true)
    throw new ActionError(
      `GitHub created commit ${made.sha.slice(0, 12)} but did not sign it (verification: ${made.verification?.reason ?? "none"}); nothing was landed. GitHub signs API commits only for GITHUB_TOKEN and GitHub App tokens, not personal access tokens: land with the job's token or github.app`,
    );
  return { sha: made.sha, blobs: blobs.length };
}

/** GitHub's API refusal of a ref update, as the GH013/GH006 text `explainRefusal` reads. */
export function refusalText(message: string): string {
  // "Repository rule violations found\n\n<rule>.\n\n<rule>.\n\n" (the API's form of GH013)
  if (!/^Repository rule violations found/i.test(message)) return message;
  const [head, ...rules] = message.split(/\n\s*\n(?=\S)/);
  return [head, ...rules.filter((r) => r.trim()).map((r) => `- ${r.trim()}`)].join("\n");
}

export interface MoveBranch {
  /** replace whatever the branch holds (the plan's own pull-request branch) */
  force?: boolean;
  /** replace exactly this commit (an earlier landing of the plan), refusing if the branch moved since */
  replacing?: string;
}

/** Points `refs/heads/<branch>` at `sha`: creates the branch, fast-forwards it, or replaces it as `how` says. */
export async function moveBranch(rest: Rest, repository: string, branch: string, sha: string, how: MoveBranch = {}): Promise<void> {
  const api = `/repos/${repository}/git`;
  const path = branch.split("/").map(encodeURIComponent).join("/");
  const current = await rest
    .json<{ object: { sha: string } }>(`${api}/ref/heads/${path}`, `reading branch ${branch}`, { needs: NEEDS })
    .then(
      (r) => r.object.sha,
      (e: unknown) => {
        if (e instanceof RestError && e.status === 404) return undefined;
        throw e;
      },
    );
  if (how.replacing && current !== how.replacing)
    throw new ActionError(
      `branch ${branch} moved since the run read it (${how.replacing.slice(0, 12)} → ${current?.slice(0, 12) ?? "deleted"}), so the change was not landed; run the workflow again`,
    );
  try {
    if (current === undefined)
      await rest.request(`${api}/refs`, `creating branch ${branch}`, {
        method: "POST",
        body: { ref: `refs/heads/${branch}`, sha },
        needs: NEEDS,
      });
    else
      await rest.request(`${api}/refs/heads/${path}`, `updating branch ${branch}`, {
        method: "PATCH",
        body: { sha, force: Boolean(how.force || how.replacing) },
        needs: NEEDS,
      });
  } catch (e) {
    if (e instanceof RestError && e.status === 422) throw new ActionError(explainRefusal(branch, refusalText(e.apiMessage)));
    throw e;
  }
}

/**
 * Whether an active ruleset requires signed commits on one of `branches` ("Get rules for a branch":
 * `GET /repos/{o}/{r}/rules/branches/{branch}`, every active rule that applies, readable with
 * metadata access; the branch need not exist). Classic branch protection's "Require signed commits"
 * is not listed there (reading it needs admin access): `land.signed: true` covers it.
 */
export async function signaturesRequired(
  rest: Rest,
  repository: string,
  branches: string[],
  warn: (line: string) => void,
): Promise<string | undefined> {
  for (const branch of branches) {
    const path = branch.split("/").map(encodeURIComponent).join("/");
    try {
      const rules = await rest.json<{ type: string; ruleset_id?: number }[]>(
        `/repos/${repository}/rules/branches/${path}?per_page=100`,
        `reading the rules of branch ${branch}`,
        { needs: "metadata: read" },
      );
      const rule = rules.find((r) => r.type === "required_signatures");
      if (rule) return `ruleset ${rule.ruleset_id ?? "?"} requires signed commits on ${branch}`;
    } catch (e) {
      warn(`cannot read the rules of branch ${branch} (${(e as Error).message}); landing with git (set land.signed: true to land signed)`);
    }
  }
  return undefined;
}
