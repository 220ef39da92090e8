/**
 * The simulated repository over git's smart HTTP protocol, at `/<owner>/<repo>.git` like
 * github.com: `git http-backend` (the CGI program that ships with git) serves fetches and pushes,
 * so a push is a real push whose token travels in the Authorization header the pusher sends, and
 * the server decides — not a file copy the pusher could not have been refused.
 *
 * GitHub's server-side push rules run as a pre-receive hook (the mechanism GitHub itself reports:
 * "protected branch hook declined"), installed through `core.hooksPath` for the http-backend
 * process only, never in the user's repository:
 *
 * - a push to a protected branch that requires status checks is refused with GitHub's text
 *   (`GH006: Protected branch update failed for refs/heads/<b>.` and `Required status check
 *   "<check>" is expected.`): the pushed commit is new, so it cannot carry the check yet. Source:
 *   docs "About protected branches" › "Require status checks before merging"; the text is what
 *   github.com prints (e.g. issues collectd/collectd#3868, supportpal/github-gh-cli#47).
 * - a token without the `workflows` permission (every GITHUB_TOKEN: the `permissions:` key has no
 *   such scope) cannot create or update files under `.github/workflows/`; GitHub rejects the ref
 *   with "refusing to allow a GitHub App to create or update workflow `<file>` without `workflows`
 *   permission" (e.g. repo-sync/github-sync#23, peter-evans/create-pull-request#1713).
 * - pushing needs "Contents" write; reading is open (the simulated repository is public).
 *
 * Every accepted push is recorded with whether it would start workflows: never for GITHUB_TOKEN
 * (docs "Triggering a workflow" › "Triggering a workflow from a workflow").
 */
import { spawn } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, dirname, join } from "node:path";
import { FINAL_JOB } from "../../compile/final-check.js";
import { branchRefs } from "../repo.js";
import { type ApiContext, tokenOf } from "./router.js";
import { gh013, type RefUpdate, type RuleFacts, violations } from "./rulesets.js";
import { allows, describeHolder } from "./state.js";

/** The status check GitHub names in its GH006 refusal: the one waveplan's README tells users to require. */
export const REQUIRED_CHECK = FINAL_JOB;
/** Where the hook asks the simulated GitHub to judge a push against the rulesets (not a GitHub URL). */
export const RULES_PATH = "/_waveplan/rulesets";

/** What the rulesets read of the simulated GitHub: signed commits and passed checks. */
export function factsOf(ctx: ApiContext, defaultBranch: string): RuleFacts {
  return {
    defaultBranch,
    signed: (sha: string) => ctx.state.signed.has(sha),
    passed: (sha: string, check: string) => ctx.state.passed(sha, check),
  };
}

/** Answers the hook's question: GH013 texts for the updates that break an active ruleset. */
export async function judgePush(ctx: ApiContext, defaultBranch: string, body: { updates: RefUpdate[] }): Promise<string[]> {
  const rulesets = ctx.state.rules.rulesets ?? [];
  const facts = factsOf(ctx, defaultBranch);
  const out: string[] = [];
  for (const u of body.updates) {
    const bullets = violations(rulesets, u, facts);
    if (bullets.length) out.push(gh013(ctx.state.repository, u.ref, bullets));
  }
  return out;
}

const HOOK = `#!/bin/sh
# waveplan simulate: GitHub's server-side push rules (see src/simulate/github-api/git-http.ts)
set -f
status=0
input=$(cat)
while read -r old new ref; do
  [ -n "$ref" ] || continue
  for b in $WAVEPLAN_PROTECTED; do
    if [ "$ref" = "refs/heads/$b" ]; then
      echo "error: GH006: Protected branch update failed for $ref." >&2
      echo "error: Required status check \\"$WAVEPLAN_REQUIRED_CHECK\\" is expected." >&2
      status=1
    fi
  done
  case "$new" in *[!0]*) ;; *) continue ;; esac
  if [ -n "$WAVEPLAN_NO_WORKFLOWS" ]; then
    files=$(git rev-list "$new" --not --all | git diff-tree --stdin --no-commit-id --name-only -r --root -- .github/workflows | sort -u)
    if [ -n "$files" ]; then
      printf '%s\\n' "$files" | sed 's/.*/error: refusing to allow a GitHub App to create or update workflow \`&\` without \`workflows\` permission/' >&2
      status=1
    fi
  fi
done <<WAVEPLAN_EOF
$input
WAVEPLAN_EOF
# rulesets (GH013) are judged by the simulated GitHub, which knows statuses and signed commits;
# this hook only reports what it alone sees: the quarantined commits the push adds
if [ -n "$WAVEPLAN_RULES_URL" ]; then
  printf '%s\\n' "$input" | "$WAVEPLAN_NODE" "$WAVEPLAN_HOOKS_DIR/rulesets.mjs" || status=1
fi
exit $status
`;

/** The hook's ruleset half: the push's ref updates and added commits, posted to the simulated GitHub (rulesets.ts). */
const RULESET_CLIENT = `import { execFileSync, spawnSync } from "node:child_process";
const zero = /^0+$/;
const git = (args) => execFileSync("git", args, { encoding: "utf8" });
let input = "";
for await (const chunk of process.stdin) input += chunk;
const updates = input.split("\\n").filter(Boolean).map((line) => {
  const [old, next, ref] = line.split(" ");
  const added = zero.test(next) ? [] : git(["rev-list", next, "--not", "--all"]).split("\\n").filter(Boolean);
  const merges = zero.test(next) ? [] : git(["rev-list", "--min-parents=2", next, "--not", "--all"]).split("\\n").filter(Boolean);
  const fastForward = zero.test(old) || zero.test(next) || spawnSync("git", ["merge-base", "--is-ancestor", old, next]).status === 0;
  return { ref, old, new: next, commits: added, fastForward, merges: merges.length > 0 };
});
const res = await fetch(process.env.WAVEPLAN_RULES_URL, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ updates }) });
const { refusals } = await res.json();
for (const text of refusals) process.stderr.write(text + "\\n");
process.exit(refusals.length ? 1 : 0);
`;

export async function installHooks(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "pre-receive"), HOOK);
  await writeFile(join(dir, "rulesets.mjs"), RULESET_CLIENT);
  await chmod(join(dir, "pre-receive"), 0o755);
  return dir;
}

/** Serves `req` when it is a git request for the repository; false otherwise. */
export async function serveGit(
  ctx: ApiContext & { gitDir: string; hooksDir: string },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const prefix = `/${ctx.state.repository}.git`;
  if (!url.pathname.toLowerCase().startsWith(`${prefix.toLowerCase()}/`)) return false;
  const rest = url.pathname.slice(prefix.length);
  const receive = url.searchParams.get("service") === "git-receive-pack" || rest === "/git-receive-pack";
  const token = tokenOf(req);
  const holder = ctx.state.holder(token);
  const deny = (status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { "content-type": "text/plain", ...extra }).end(text);
    return true;
  };
  if (token !== undefined && !holder) return deny(401, "Invalid username or token.\n", { "www-authenticate": 'Basic realm="GitHub"' });
  if (receive) {
    if (!holder) return deny(401, "Authentication required to push.\n", { "www-authenticate": 'Basic realm="GitHub"' });
    if (!allows(holder, "contents", "write"))
      return deny(403, `Permission to ${ctx.state.repository}.git denied to github-actions[bot].\n`);
  }
  const before = receive && req.method === "POST" ? await branchRefs(ctx.repo) : undefined;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(GIT_|GITHUB_|WAVEPLAN_)/.test(k)) env[k] = v;
  Object.assign(env, {
    GIT_PROJECT_ROOT: dirname(ctx.gitDir),
    PATH_INFO: `/${basename(ctx.gitDir)}${rest}`,
    GIT_HTTP_EXPORT_ALL: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: "core.hooksPath",
    GIT_CONFIG_VALUE_0: ctx.hooksDir,
    // github.com serves any reachable commit by SHA (actions/checkout fetches the run's SHA)
    GIT_CONFIG_KEY_1: "uploadpack.allowReachableSHA1InWant",
    GIT_CONFIG_VALUE_1: "true",
    REQUEST_METHOD: req.method ?? "GET",
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: "127.0.0.1",
    WAVEPLAN_PROTECTED: ctx.state.rules.protect.join(" "),
    WAVEPLAN_REQUIRED_CHECK: REQUIRED_CHECK,
    ...(ctx.state.rules.rulesets?.length
      ? { WAVEPLAN_RULES_URL: `${ctx.apiUrl()}${RULES_PATH}`, WAVEPLAN_NODE: process.execPath, WAVEPLAN_HOOKS_DIR: ctx.hooksDir }
      : {}),
    ...(holder ? { REMOTE_USER: "x-access-token" } : {}),
    ...(holder && !allows(holder, "workflows", "write") ? { WAVEPLAN_NO_WORKFLOWS: "1" } : {}),
    ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) } : {}),
    ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
  });
  const child = spawn("git", ["http-backend"], { env, stdio: ["pipe", "pipe", "pipe"] });
  req.pipe(child.stdin);
  child.stdin.on("error", () => {});
  child.stderr.resume();
  await new Promise<void>((done) => {
    let head = Buffer.alloc(0);
    let started = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (started) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n") >= 0 ? head.indexOf("\r\n\r\n") : head.indexOf("\n\n");
      if (end < 0) return;
      const sep = head.indexOf("\r\n\r\n") >= 0 ? 4 : 2;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString().split(/\r?\n/)) {
        const i = line.indexOf(":");
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10) || 500;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      started = true;
      res.write(head.subarray(end + sep));
    });
    child.on("close", () => {
      if (!started) res.writeHead(500, { "content-type": "text/plain" });
      done();
    });
    child.on("error", () => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.write("git http-backend failed\n");
      done();
    });
  });
  if (before && holder) {
    const after = await branchRefs(ctx.repo);
    for (const name of new Set([...Object.keys(before), ...Object.keys(after)]))
      if (before[name] !== after[name])
        ctx.state.pushes.push({
          ref: `refs/heads/${name}`,
          before: before[name] ?? null,
          after: after[name] ?? null,
          by: describeHolder(holder),
          triggersWorkflows: holder.kind !== "job",
        });
  }
  // ended only now, so that the pusher sees its push recorded once git returns
  res.end();
  return true;
}
