/**
 * The REST Git database (REST docs "Git database" › blobs, trees, commits, references) and "Get
 * rules for a branch", as GitHub answers them:
 *
 * - `POST /git/blobs` `{ content, encoding: utf-8 | base64 }` → 201 `{ sha }`; `POST /git/trees`
 *   `{ base_tree?, tree: [{ path, mode, type, sha | null | content }] }` (a null sha deletes the path)
 *   → 201 `{ sha }`; writes need "Contents" write.
 * - `POST /git/commits` `{ message, tree, parents, author?, committer?, signature? }` → 201 with a
 *   `verification` object. GitHub signs the commit itself when a GITHUB_TOKEN or a GitHub App made
 *   it with no custom author, committer or signature (docs "About commit signature verification" ›
 *   "Signature verification for bots"); a personal access token's commit is unsigned. Signed commits
 *   join the state's `signed` set, which the `required_signatures` rule reads.
 * - `GET /git/ref/heads/{b}`; `POST /git/refs` (422 "Reference already exists"); `PATCH
 *   /git/refs/heads/{b}` `{ sha, force }` (422 "Update is not a fast forward" without force). A ref
 *   moved through the API meets the same rules as a push: branch protection and the rulesets, whose
 *   refusal is a 422 "Repository rule violations found\n\n<rule>\n\n" (the API's form of GH013).
 * - `GET /rules/branches/{b}`: the active rules that apply to the branch, each with its ruleset.
 */
import { rm } from "node:fs/promises";
import { git } from "../../git/git.js";
import { factsOf, REQUIRED_CHECK } from "./git-http.js";
import { branchSha, commitExists, repoPath } from "./refs.js";
import { type ApiContext, type ApiRequest, type ApiResponse, allowsOr, error, type Route } from "./router.js";
import { appliesTo, violations } from "./rulesets.js";
import { allows, describeHolder, type TokenHolder } from "./state.js";

const DOC = "https://docs.github.com/rest/git";
const ZERO = "0".repeat(40);

/** The identity GitHub gives a commit made through the API without an author (the token's bot, or the user). */
function authorOf(h: TokenHolder): { name: string; email: string } {
  if (h.kind === "job") return { name: "github-actions[bot]", email: "41898282+github-actions[bot]@users.noreply.github.com" };
  if (h.kind === "app") return { name: `${h.label.toLowerCase()}[bot]`, email: `${h.label.toLowerCase()}[bot]@users.noreply.github.com` };
  return { name: h.label, email: `${h.label.toLowerCase()}@users.noreply.github.com` };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function gitDataRoutes(ctx: ApiContext): Route[] {
  const write = (req: ApiRequest, doc: string) => allowsOr(req, "contents", "write", `${DOC}/${doc}`);
  const defaultBranch = () => git(["symbolic-ref", "--short", "HEAD"], { cwd: ctx.repo }).catch(() => "main");

  async function hashObject(type: string, content: Buffer): Promise<string> {
    return git(["hash-object", "-w", "-t", type, "--stdin"], { cwd: ctx.repo, input: content });
  }

  /** The refusal GitHub gives this ref update, or undefined when it may go through. */
  async function judge(req: ApiRequest, branch: string, old: string, next: string): Promise<ApiResponse | undefined> {
    const ref = `refs/heads/${branch}`;
    if (ctx.state.rules.protect.includes(branch))
      return error(
        422,
        `Protected branch update failed for ${ref}.\n\nRequired status check "${REQUIRED_CHECK}" is expected.`,
        `${DOC}/refs`,
      );
    const commits = (await git(["rev-list", next, ...(old === ZERO ? [] : [`^${old}`]), "--not", "--all"], { cwd: ctx.repo }))
      .split("\n")
      .filter(Boolean);
    if (!allows(req.holder!, "workflows", "write")) {
      const files = commits.length
        ? (
            await git(["diff-tree", "--stdin", "--no-commit-id", "--name-only", "-r", "--root", "--", ".github/workflows"], {
              cwd: ctx.repo,
              input: `${commits.join("\n")}\n`,
            })
          )
            .split("\n")
            .filter(Boolean)
        : [];
      if (files.length)
        return error(422, `refusing to allow a GitHub App to create or update workflow \`${files[0]}\` without \`workflows\` permission`);
    }
    const fastForward =
      old === ZERO ||
      (await git(["merge-base", "--is-ancestor", old, next], { cwd: ctx.repo }).then(
        () => true,
        () => false,
      ));
    const merges = commits.length
      ? (await git(["rev-list", "--min-parents=2", "--no-walk", ...commits], { cwd: ctx.repo })).trim() !== ""
      : false;
    const broken = violations(
      ctx.state.rules.rulesets ?? [],
      { ref, old, new: next, commits, fastForward, merges },
      factsOf(ctx, await defaultBranch()),
    );
    if (broken.length) return error(422, `Repository rule violations found\n\n${broken.map((b) => `${b}\n\n`).join("")}`, `${DOC}/refs`);
    return undefined;
  }

  async function setRef(req: ApiRequest, branch: string, old: string, next: string): Promise<ApiResponse | undefined> {
    const refused = await judge(req, branch, old, next);
    if (refused) return refused;
    const moved = await git(["update-ref", `refs/heads/${branch}`, next, old], { cwd: ctx.repo }).then(
      () => true,
      () => false,
    );
    if (!moved) return error(422, "Reference update failed", `${DOC}/refs`);
    ctx.state.pushes.push({
      ref: `refs/heads/${branch}`,
      before: old === ZERO ? null : old,
      after: next,
      by: describeHolder(req.holder!),
      triggersWorkflows: req.holder!.kind !== "job",
    });
    return undefined;
  }

  const refBody = async (branch: string) => {
    const sha = await branchSha(ctx.repo, branch);
    return sha && { ref: `refs/heads/${branch}`, object: { sha, type: "commit" } };
  };

  return [
    {
      method: "POST",
      pattern: repoPath(ctx, "/git/blobs"),
      async handle(req) {
        const denied = write(req, "blobs#create-a-blob");
        if (denied) return denied;
        const body = isObject(req.body) ? req.body : {};
        if (typeof body.content !== "string") return error(422, 'Invalid request.\n\n"content" wasn\'t supplied.', `${DOC}/blobs`);
        const encoding = body.encoding ?? "utf-8";
        if (encoding !== "utf-8" && encoding !== "base64")
          return error(422, `Invalid request.\n\nencoding ${String(encoding)} is not supported`);
        const sha = await hashObject("blob", Buffer.from(body.content, encoding === "base64" ? "base64" : "utf8"));
        return { status: 201, body: { sha, url: `${ctx.apiUrl()}/repos/${ctx.state.repository}/git/blobs/${sha}` } };
      },
    },
    {
      method: "POST",
      pattern: repoPath(ctx, "/git/trees"),
      async handle(req) {
        const denied = write(req, "trees#create-a-tree");
        if (denied) return denied;
        const body = isObject(req.body) ? req.body : {};
        if (!Array.isArray(body.tree)) return error(422, 'Invalid request.\n\n"tree" wasn\'t supplied.', `${DOC}/trees`);
        const base = typeof body.base_tree === "string" ? body.base_tree : undefined;
        if (
          base &&
          !(await git(["cat-file", "-e", `${base}^{tree}`], { cwd: ctx.repo }).then(
            () => true,
            () => false,
          ))
        )
          return error(422, "Invalid tree info", `${DOC}/trees`);
        const lines: string[] = [];
        for (const raw of body.tree as unknown[]) {
          const e = isObject(raw) ? raw : {};
          const path = String(e.path ?? "");
          if (!path || path.startsWith("/") || path.split("/").includes("..")) return error(422, `Invalid tree info: path ${path}`);
          if (e.sha === null) {
            lines.push(`0 ${ZERO}\t${path}`);
            continue;
          }
          const sha = typeof e.content === "string" ? await hashObject("blob", Buffer.from(e.content)) : String(e.sha ?? "");
          const type = e.type === "commit" ? "commit" : "blob";
          if (
            type === "blob" &&
            !(await git(["cat-file", "-e", `${sha}^{blob}`], { cwd: ctx.repo }).then(
              () => true,
              () => false,
            ))
          )
            return error(422, `GitRPC::BadObjectState: ${sha} is not a valid blob`, `${DOC}/trees`);
          lines.push(`${String(e.mode)} ${sha}\t${path}`);
        }
        // a private index holds the tree being built; the repository's own index is never touched
        const index = `${await git(["rev-parse", "--absolute-git-dir"], { cwd: ctx.repo })}/waveplan-tree-${process.pid}-${Date.now()}.index`;
        const env = { GIT_INDEX_FILE: index };
        try {
          await git(base ? ["read-tree", base] : ["read-tree", "--empty"], { cwd: ctx.repo, env });
          await git(["update-index", "--index-info"], { cwd: ctx.repo, env, input: `${lines.join("\n")}\n` });
          const sha = await git(["write-tree"], { cwd: ctx.repo, env });
          return { status: 201, body: { sha, url: `${ctx.apiUrl()}/repos/${ctx.state.repository}/git/trees/${sha}` } };
        } catch {
          return error(422, "Invalid tree info", `${DOC}/trees`);
        } finally {
          await rm(index, { force: true });
        }
      },
    },
    {
      method: "POST",
      pattern: repoPath(ctx, "/git/commits"),
      async handle(req) {
        const denied = write(req, "commits#create-a-commit");
        if (denied) return denied;
        const body = isObject(req.body) ? req.body : {};
        const tree = String(body.tree ?? "");
        if (
          !(await git(["cat-file", "-e", `${tree}^{tree}`], { cwd: ctx.repo }).then(
            () => true,
            () => false,
          ))
        )
          return error(422, "Tree SHA does not exist", `${DOC}/commits`);
        const parents = Array.isArray(body.parents) ? body.parents.map(String) : [];
        for (const p of parents)
          if (!(await commitExists(ctx.repo, p)))
            return error(422, "Parent SHA does not exist or is not a commit object", `${DOC}/commits`);
        const holder = req.holder!;
        const custom = body.author !== undefined || body.committer !== undefined || body.signature !== undefined;
        const signed = holder.kind !== "user" && !custom;
        const who = authorOf(holder);
        const person = (v: unknown) => (isObject(v) ? { name: String(v.name), email: String(v.email) } : undefined);
        const author = person(body.author) ?? who;
        // a commit GitHub signs is committed by GitHub itself (the web-flow identity)
        const committer = person(body.committer) ?? (signed ? { name: "GitHub", email: "noreply@github.com" } : author);
        const sha = await git(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], {
          cwd: ctx.repo,
          input: String(body.message ?? ""),
          env: {
            GIT_AUTHOR_NAME: author.name,
            GIT_AUTHOR_EMAIL: author.email,
            GIT_COMMITTER_NAME: committer.name,
            GIT_COMMITTER_EMAIL: committer.email,
          },
        });
        if (signed) ctx.state.signed.add(sha);
        return {
          status: 201,
          body: {
            sha,
            tree: { sha: tree },
            parents: parents.map((p) => ({ sha: p })),
            message: String(body.message ?? ""),
            author,
            committer,
            verification: { verified: signed, reason: signed ? "valid" : "unsigned", signature: null, payload: null },
          },
        };
      },
    },
    {
      method: "GET",
      pattern: repoPath(ctx, "/git/ref/heads/(?<branch>.+)"),
      async handle(req) {
        const found = await refBody(decodeURIComponent(req.params.branch));
        return found ? { status: 200, body: found } : error(404, "Not Found", `${DOC}/refs#get-a-reference`);
      },
    },
    {
      method: "POST",
      pattern: repoPath(ctx, "/git/refs"),
      async handle(req) {
        const denied = write(req, "refs#create-a-reference");
        if (denied) return denied;
        const body = isObject(req.body) ? req.body : {};
        const ref = String(body.ref ?? "");
        const sha = String(body.sha ?? "");
        if (!ref.startsWith("refs/heads/")) return error(422, "Reference name must start with 'refs/' and have at least two slashes.");
        const branch = ref.slice("refs/heads/".length);
        if (await branchSha(ctx.repo, branch)) return error(422, "Reference already exists", `${DOC}/refs#create-a-reference`);
        if (!(await commitExists(ctx.repo, sha))) return error(422, "Object does not exist", `${DOC}/refs#create-a-reference`);
        const refused = await setRef(req, branch, ZERO, sha);
        return refused ?? { status: 201, body: await refBody(branch) };
      },
    },
    {
      method: "PATCH",
      pattern: repoPath(ctx, "/git/refs/heads/(?<branch>.+)"),
      async handle(req) {
        const denied = write(req, "refs#update-a-reference");
        if (denied) return denied;
        const branch = decodeURIComponent(req.params.branch);
        const body = isObject(req.body) ? req.body : {};
        const sha = String(body.sha ?? "");
        const old = await branchSha(ctx.repo, branch);
        if (!old) return error(422, "Reference does not exist", `${DOC}/refs#update-a-reference`);
        if (!(await commitExists(ctx.repo, sha))) return error(422, "Object does not exist", `${DOC}/refs#update-a-reference`);
        const ff = await git(["merge-base", "--is-ancestor", old, sha], { cwd: ctx.repo }).then(
          () => true,
          () => false,
        );
        if (!ff && body.force !== true) return error(422, "Update is not a fast forward", `${DOC}/refs#update-a-reference`);
        const refused = await setRef(req, branch, old, sha);
        return refused ?? { status: 200, body: await refBody(branch) };
      },
    },
    {
      method: "GET",
      pattern: repoPath(ctx, "/rules/branches/(?<branch>.+)"),
      async handle(req) {
        const ref = `refs/heads/${decodeURIComponent(req.params.branch)}`;
        const main = await defaultBranch();
        const rules = (ctx.state.rules.rulesets ?? []).flatMap((set, i) =>
          appliesTo(set, ref, main)
            ? set.rules.map((r) => ({
                type: r.type,
                ...(r.parameters ? { parameters: r.parameters } : {}),
                ruleset_source_type: "Repository",
                ruleset_source: ctx.state.repository,
                ruleset_id: i + 1,
              }))
            : [],
        );
        return { status: 200, body: rules };
      },
    },
  ];
}
