/**
 * What the simulated GitHub knows about the one repository of a run: the repository settings that
 * decide what a token may do, the tokens it issued, and what the run did through the REST API
 * (pull requests, commit statuses, workflow dispatches) or through git (pushes). Written to
 * `<out>/github.json` at the end of a run, read back by `--rerun-failed` (a re-run continues the
 * same repository).
 */

import type { Ruleset } from "./rulesets.js";

/** Repository settings a run is simulated under. */
export interface RepoRules {
  /** `--protect`: branches with a protection rule that requires status checks */
  protect: string[];
  /**
   * `--allow-token-prs`: "Allow GitHub Actions to create and approve pull requests" (Settings →
   * Actions → General → Workflow permissions), off by default. Source: docs "Managing GitHub Actions
   * settings for a repository" › "Preventing GitHub Actions from creating or approving pull requests";
   * changelog 2022-05-03 "Prevent GitHub Actions from creating and approving pull requests".
   */
  allowTokenPrs: boolean;
  /** `--ruleset FILE`: repository rulesets (github-api/rulesets.ts) */
  rulesets?: Ruleset[];
}

export type Access = "read" | "write" | "none";

/**
 * Who holds a token. `job`: a job's GITHUB_TOKEN, limited to the job's `permissions:`. `user`: a
 * token the workflow got from a secret (fine-grained PAT or GitHub App installation token), which
 * the simulator grants everything on the repository, `workflows` included. `app`: an installation
 * token minted by `actions/create-github-app-token` in the run, with the permissions it asked for.
 */
export interface TokenHolder {
  kind: "job" | "user" | "app";
  /** the job key, the name of the secret the token came from, or the App's client ID */
  label: string;
  permissions: Record<string, Access>;
}

export interface PullRequest {
  number: number;
  head: string;
  base: string;
  state: "open" | "closed";
  title: string;
  body: string;
  /** who opened it: `GITHUB_TOKEN (final-commit)`, `secret NAME` or `GitHub App CLIENT_ID` */
  openedBy: string;
  /**
   * Whether GitHub would start the repository's `pull_request` workflows for it: never when the
   * GITHUB_TOKEN opened it. Source: docs "Triggering a workflow" › "Triggering a workflow from a workflow".
   */
  triggersWorkflows: boolean;
}

export interface CommitStatus {
  context: string;
  state: string;
  description: string;
  targetUrl: string;
  by: string;
}

export interface Dispatch {
  workflow: string;
  ref: string;
  inputs: Record<string, unknown>;
  by: string;
}

export interface Push {
  ref: string;
  before: string | null;
  after: string | null;
  by: string;
  /**
   * Whether GitHub would start the repository's `push`/`pull_request` workflows for it: never for
   * the GITHUB_TOKEN. Source: docs "Triggering a workflow" › "Triggering a workflow from a workflow".
   */
  triggersWorkflows: boolean;
}

/** A job's check run: GitHub creates one per job (per matrix combination), named by the job's name. */
export interface CheckRun {
  name: string;
  /** the commit it attaches to: the run's SHA, a pull request's head (docs "Events that trigger workflows") */
  headSha: string;
  conclusion: string;
  /** the event of the run that made it */
  event: string;
}

export interface GitHubRecord {
  repository: string;
  rules: RepoRules;
  pulls: (Omit<PullRequest, "title" | "body"> & { headSha: string | null; title: string })[];
  /** by commit SHA, in the order they were posted (the last one of a context is the current one) */
  statuses: Record<string, CommitStatus[]>;
  refs: Record<string, string>;
  dispatches: Dispatch[];
  pushes: Push[];
  checkRuns: CheckRun[];
  /** commits GitHub created through the API and signed (verified signatures) */
  signed: string[];
  /** REST API requests answered (the git protocol and artifact blob downloads are not REST calls) */
  requests: number;
}

export class GitHubState {
  readonly pulls: PullRequest[] = [];
  readonly statuses: Record<string, CommitStatus[]> = {};
  readonly dispatches: Dispatch[] = [];
  readonly pushes: Push[] = [];
  readonly checkRuns: CheckRun[] = [];
  /** commits GitHub created and signed itself (REST "Create a commit" by an App or GITHUB_TOKEN) */
  readonly signed = new Set<string>();
  /** REST requests so far, all tokens; and those made with a GITHUB_TOKEN (rate-limited per repository) */
  requests = 0;
  jobTokenRequests = 0;
  private readonly tokens = new Map<string, TokenHolder>();

  constructor(
    readonly repository: string,
    readonly rules: RepoRules,
    prior?: Partial<GitHubRecord>,
  ) {
    for (const p of prior?.pulls ?? []) this.pulls.push({ ...p, body: "" });
    Object.assign(this.statuses, prior?.statuses ?? {});
    this.dispatches.push(...(prior?.dispatches ?? []));
    this.pushes.push(...(prior?.pushes ?? []));
    this.checkRuns.push(...(prior?.checkRuns ?? []));
    for (const sha of prior?.signed ?? []) this.signed.add(sha);
    this.requests = prior?.requests ?? 0;
  }

  /** Whether `sha` carries a successful check run or (newest) commit status named `check`. */
  passed(sha: string, check: string): boolean {
    const status = [...(this.statuses[sha] ?? [])].reverse().find((s) => s.context === check);
    return status?.state === "success" || this.checkRuns.some((c) => c.headSha === sha && c.name === check && c.conclusion === "success");
  }

  /** The open pull request from `head` into `base`, opened now (by a user, so it starts workflows) if there is none. */
  openPull(head: string, base: string): PullRequest {
    const found = this.pulls.find((p) => p.state === "open" && p.head === head && p.base === base);
    if (found) return found;
    const pr: PullRequest = {
      number: this.pulls.length + 1,
      head,
      base,
      state: "open",
      title: `${head} into ${base}`,
      body: "",
      openedBy: "a user (--event)",
      triggersWorkflows: true,
    };
    this.pulls.push(pr);
    return pr;
  }

  issue(token: string, holder: TokenHolder): void {
    this.tokens.set(token, holder);
  }

  holder(token: string | undefined): TokenHolder | undefined {
    return token === undefined ? undefined : this.tokens.get(token);
  }

  record(refs: Record<string, string>): GitHubRecord {
    return {
      repository: this.repository,
      rules: this.rules,
      pulls: this.pulls.map(({ body: _body, ...p }) => ({ ...p, headSha: refs[p.head] ?? null })),
      statuses: this.statuses,
      refs,
      dispatches: this.dispatches,
      pushes: this.pushes,
      checkRuns: this.checkRuns,
      signed: [...this.signed],
      requests: this.requests,
    };
  }
}

export function describeHolder(h: TokenHolder): string {
  if (h.kind === "app") return `GitHub App ${h.label}`;
  return h.kind === "job" ? `GITHUB_TOKEN (${h.label})` : `secret ${h.label}`;
}

/**
 * A job's GITHUB_TOKEN permissions from its `permissions:` (else the workflow's). Anything not
 * listed is `none` once one scope is listed; `read-all`/`write-all` set every scope; no
 * `permissions:` at all gives the restricted default (contents and packages read). Source: docs
 * "Workflow syntax for GitHub Actions" › `permissions`, and "Controlling permissions for
 * GITHUB_TOKEN" (the default for new repositories is read-only).
 */
export function jobPermissions(value: unknown): Record<string, Access> {
  const scopes = ["actions", "checks", "contents", "deployments", "issues", "packages", "pages", "pull-requests", "statuses"];
  if (value === undefined || value === null) return { contents: "read", packages: "read", metadata: "read" };
  if (value === "read-all" || value === "write-all") {
    const access = value === "read-all" ? "read" : "write";
    return Object.fromEntries([...scopes.map((s) => [s, access]), ["metadata", "read"]]);
  }
  const out: Record<string, Access> = { metadata: "read" };
  if (typeof value === "object")
    for (const [k, v] of Object.entries(value)) out[k] = v === "write" ? "write" : v === "read" ? "read" : "none";
  return out;
}

/** GitHub App installation tokens and PATs from secrets: every repository permission, `workflows` included. */
export const USER_PERMISSIONS: Record<string, Access> = Object.fromEntries(
  ["actions", "checks", "contents", "deployments", "issues", "packages", "pages", "pull-requests", "statuses", "workflows", "metadata"].map(
    (s) => [s, "write"],
  ),
);

export function allows(h: TokenHolder, scope: string, need: "read" | "write"): boolean {
  const has = h.permissions[scope] ?? "none";
  return need === "read" ? has !== "none" : has === "write";
}
