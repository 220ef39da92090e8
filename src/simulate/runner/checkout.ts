/**
 * `actions/checkout`, done the way it does it, against the `--repo` folder instead of github.com:
 * `git init`, `origin` pointing at the repository (so finalize's push lands there), a fetch of the
 * run's commit (shallow unless `fetch-depth: 0`), `checkout -B <branch>`, and the token stored in
 * the local git config only with `persist-credentials: true`.
 *
 * Objects are borrowed from the repository through `objects/info/alternates` (as
 * `git clone --shared` does) instead of copied: a job's checkout then costs a checkout, not a
 * pack of the whole history, which on a big repository would dominate the run. A depth-1 fetch
 * is reproduced by marking the commit shallow, so history looks as it does on a runner.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { git } from "../../git/git.js";
import { asString } from "../expressions.js";
import { StepError, type StepOutcome, type StepRun } from "./step.js";

/** Inputs that change nothing a local clone can show. */
const IGNORED = new Set([
  "token",
  "ssh-key",
  "ssh-known-hosts",
  "ssh-strict",
  "ssh-user",
  "clean",
  "show-progress",
  "set-safe-directory",
  "github-server-url",
  "filter",
]);
const SUPPORTED = new Set(["repository", "ref", "path", "fetch-depth", "persist-credentials", "fetch-tags"]);

export async function checkout(s: StepRun): Promise<StepOutcome> {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.step.with)) inputs[k] = asString(v, s.contexts);
  for (const [name, value] of Object.entries(inputs)) {
    if (SUPPORTED.has(name) || IGNORED.has(name)) continue;
    if (["lfs", "submodules", "sparse-checkout"].includes(name) && (value === "" || value === "false")) continue;
    throw new StepError(`${s.step.where}: actions/checkout input "${name}: ${value}" is not supported by the simulator`);
  }
  if (inputs.repository && inputs.repository !== s.run.repository)
    throw new StepError(`${s.step.where}: the simulator checks out only ${s.run.repository} (--repo), not ${inputs.repository}`);
  const path = inputs.path || ".";
  const dir = join(s.job.workspace, path);
  const rel = relative(s.job.workspace, dir);
  if (isAbsolute(path) || rel.startsWith("..")) throw new StepError(`${s.step.where}: checkout path "${path}" is outside the workspace`);
  const depth = Number(inputs["fetch-depth"] ?? "1");
  if (!Number.isInteger(depth) || depth < 0)
    throw new StepError(`${s.step.where}: fetch-depth must be a whole number, got "${inputs["fetch-depth"]}"`);
  const persist = (inputs["persist-credentials"] ?? "true") !== "false";

  const { sha, branch } = await target(s, inputs.ref);
  const env = { GIT_CONFIG_NOSYSTEM: "1", HOME: s.job.home };
  const run = async (args: string[], cwd = dir) => {
    s.log.info(`[command]git ${args.join(" ")}`);
    await git(args, { cwd, env });
  };
  await mkdir(dir, { recursive: true });
  await run(["init", "-q", dir]);
  const objects = join(await git(["rev-parse", "--absolute-git-dir"], { cwd: s.run.repo }), "objects");
  await writeFile(join(dir, ".git", "objects", "info", "alternates"), `${objects}\n`);
  // origin is the repository over smart HTTP, as on a runner: pushes carry a token the server checks
  await run(["remote", "add", "origin", s.run.github.gitUrl]);
  if (depth === 0)
    await run(["fetch", "-q", "--prune", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]);
  const tags = inputs["fetch-tags"] === "true" && depth > 0 ? ["--tags"] : ["--no-tags"];
  const deeper = depth > 1 ? [`--depth=${depth}`] : [];
  const remoteRef = branch ? `refs/remotes/origin/${branch}` : undefined;
  await run(["fetch", "-q", ...tags, ...deeper, "origin", remoteRef ? `+${sha}:${remoteRef}` : sha]);
  if (depth === 1) await writeFile(join(dir, ".git", "shallow"), `${sha}\n`);
  if (branch) await run(["checkout", "-q", "--force", "-B", branch, remoteRef as string]);
  else await run(["checkout", "-q", "--force", "--detach", sha]);
  if (persist) {
    const basic = Buffer.from(`x-access-token:${s.run.token}`).toString("base64");
    s.log.mask(basic);
    await run(["config", "--local", `http.${new URL(s.run.github.gitUrl).origin}/.extraheader`, `AUTHORIZATION: basic ${basic}`]);
  }
  s.log.info(`checked out ${sha}${branch ? ` as ${branch}` : ""} into ${rel || "the workspace"}${depth > 0 ? ` (depth ${depth})` : ""}`);
  return "success";
}

/** The commit and local branch to check out: the run's own commit unless `ref:` names another. */
async function target(s: StepRun, ref: string | undefined): Promise<{ sha: string; branch?: string }> {
  // a pull request's merge commit is checked out detached, as actions/checkout does for refs/pull/*
  if (!ref || ref === s.run.sha || ref === s.run.ref || ref === s.run.refName)
    return s.run.ref.startsWith("refs/heads/") ? { sha: s.run.sha, branch: s.run.refName } : { sha: s.run.sha };
  if (/^[0-9a-f]{40}$/i.test(ref)) return { sha: ref };
  const name = ref.replace(/^refs\/(heads|tags)\//, "");
  for (const candidate of [`refs/heads/${name}`, `refs/tags/${name}`]) {
    const found = await git(["rev-parse", "--verify", "-q", `${candidate}^{commit}`], { cwd: s.run.repo }).catch(() => "");
    if (found) return { sha: found.trim(), ...(candidate.startsWith("refs/heads/") ? { branch: name } : {}) };
  }
  throw new StepError(`${s.step.where}: ref "${ref}" does not exist in ${s.run.repo}`);
}
