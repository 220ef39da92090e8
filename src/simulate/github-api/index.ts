/**
 * The simulated GitHub of one repository, on 127.0.0.1: the REST API (`GITHUB_API_URL`) the
 * action calls and the repository over smart HTTP (`<url>/<owner>/<repo>.git`) that checkouts
 * fetch from and final-commit pushes to, both enforcing GitHub's rules (see each module).
 *
 * Areas are modules returning routes; add one by adding its `…Routes(ctx)` to AREAS.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git } from "../../git/git.js";
import { branchRefs } from "../repo.js";
import { artifactRoutes } from "./artifacts.js";
import { dispatchRoutes } from "./dispatches.js";
import { gitDataRoutes } from "./git-data.js";
import { installHooks, judgePush, RULES_PATH, serveGit } from "./git-http.js";
import { pullRoutes } from "./pulls.js";
import { RateLimiter } from "./rate-limit.js";
import { refRoutes } from "./refs.js";
import { type ApiContext, dispatchApi, error, type Route, readBody } from "./router.js";
import { type Access, type GitHubRecord, GitHubState, jobPermissions, type RepoRules, USER_PERMISSIONS } from "./state.js";
import { statusRoutes } from "./statuses.js";

export { type GitHubRecord, GitHubState, type RepoRules } from "./state.js";

const AREAS: ((ctx: ApiContext) => Route[])[] = [pullRoutes, statusRoutes, dispatchRoutes, refRoutes, gitDataRoutes, artifactRoutes];

export interface SimGitHub {
  /** the REST API base: `GITHUB_API_URL` */
  apiUrl: string;
  /** the repository's clone URL over HTTP */
  gitUrl: string;
  state: GitHubState;
  /** a job's GITHUB_TOKEN with that job's `permissions:` (the job's or else the workflow's value) */
  jobToken(job: string, permissions: unknown): string;
  /** registers a secret's value as a token of its own (an App installation token or a PAT) */
  userToken(secretName: string, value: string): void;
  /**
   * an installation token of the App with this client ID, installed on the repository with every
   * repository permission; `permissions` narrows it (omitted: the installation's, as GitHub does)
   */
  appToken(clientId: string, permissions?: Record<string, Access>): string;
  /** what `<out>/github.json` holds */
  record(): Promise<GitHubRecord>;
  close(): Promise<void>;
}

export interface SimGitHubOptions {
  /** the repository folder (bare, or a working tree's top level) */
  repo: string;
  /** `owner/name` */
  repository: string;
  rules: RepoRules;
  prior?: Partial<GitHubRecord>;
  /** GITHUB_TOKEN's requests per hour (GitHub's: 1,000); lower only to test what happens past it */
  jobTokenLimit?: number;
}

export async function startGitHub(o: SimGitHubOptions): Promise<SimGitHub> {
  const state = new GitHubState(o.repository, o.rules, o.prior);
  const gitDir = await git(["rev-parse", "--absolute-git-dir"], { cwd: o.repo });
  const hooksDir = await installHooks(join(tmpdir(), `waveplan-github-hooks-${randomBytes(6).toString("hex")}`));
  let apiUrl = "";
  const ctx: ApiContext = {
    state,
    repo: o.repo,
    htmlBase: `https://github.com/${o.repository}`,
    apiUrl: () => apiUrl,
    limiter: new RateLimiter(o.jobTokenLimit),
  };
  const routes = AREAS.flatMap((area) => area(ctx));
  const defaultBranch = await git(["symbolic-ref", "--short", "HEAD"], { cwd: o.repo }).catch(() => "main");
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === "POST" && req.url === RULES_PATH) {
        const refusals = await judgePush(ctx, defaultBranch, JSON.parse((await readBody(req)).toString()));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ refusals }));
        return;
      }
      if (await serveGit({ ...ctx, gitDir, hooksDir }, req, res)) return;
      if (await dispatchApi(routes, ctx, req, res)) return;
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify(error(404, "Not Found").body));
    })().catch(() => res.destroy());
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done());
  });
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl,
    gitUrl: `${apiUrl}/${o.repository}.git`,
    state,
    jobToken(job, permissions) {
      const token = `ghs_${randomBytes(18).toString("base64url")}`;
      state.issue(token, { kind: "job", label: job, permissions: jobPermissions(permissions) });
      return token;
    },
    userToken(secretName, value) {
      if (value && !state.holder(value)) state.issue(value, { kind: "user", label: secretName, permissions: USER_PERMISSIONS });
    },
    appToken(clientId, permissions) {
      const token = `ghs_${randomBytes(27).toString("base64url")}`;
      const granted = permissions ? { metadata: "read" as const, ...permissions } : USER_PERMISSIONS;
      state.issue(token, { kind: "app", label: clientId, permissions: granted });
      return token;
    },
    async record() {
      return state.record(await branchRefs(o.repo));
    },
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await rm(hooksDir, { recursive: true, force: true });
    },
  };
}
