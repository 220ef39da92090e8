/**
 * The REST calls of a resumed run (listing the earlier run, downloading its checkpoints), with
 * GitHub's rules for retrying. Source: docs "Rate limits for the REST API" and "Best practices for
 * using the REST API" › "Handle rate limit errors appropriately":
 *
 * - a 5xx is transient: retry with exponential backoff;
 * - a 403 or 429 with `retry-after` (a secondary rate limit): wait that many seconds;
 * - a 403 or 429 with `x-ratelimit-remaining: 0` (the primary limit; GITHUB_TOKEN: 1,000 requests
 *   per hour per repository): wait until `x-ratelimit-reset` — here only when that is soon, else fail
 *   saying when it resets;
 * - a 403/429 that says "secondary rate limit" without either header: wait at least a minute.
 */
import { ActionError } from "./errors.js";

export interface RestOptions {
  token: string;
  /** GITHUB_API_URL */
  apiUrl: string;
  /** first backoff; doubled per retry (default 1 s) */
  baseDelayMs?: number;
  /** attempts per request (default 5) */
  attempts?: number;
  /** the longest single wait accepted for a rate limit (default 5 minutes) */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

/** A refused request: GitHub's status and its `message`, for callers that tell refusals apart. */
export class RestError extends ActionError {
  constructor(
    text: string,
    readonly status: number | undefined,
    readonly apiMessage: string,
  ) {
    super(text);
  }
}

export interface RequestInit {
  /** default GET */
  method?: "GET" | "POST" | "PATCH";
  /** sent as JSON */
  body?: unknown;
  /** "manual": do not follow redirects (an artifact's zip answers 302 to its blob) */
  redirect?: "manual";
  /** what the token needs for this call, said when GitHub answers 401/403/404 (default actions: read) */
  needs?: string;
}

export class Rest {
  /** requests sent, retries included (what the rate limit counts) */
  sent = 0;

  constructor(private readonly o: RestOptions) {}

  /** `path` (absolute URL or path below the API) as JSON: a GET, or what `init` says. */
  async json<T>(path: string, what: string, init: RequestInit = {}): Promise<T> {
    const res = await this.request(path, what, init);
    return (await res.json()) as T;
  }

  /**
   * One call, retried as GitHub asks. Writes are retried too: the Git-data writes waveplan makes
   * are content-addressed (a blob, a tree) or harmless to repeat (a commit nothing points at yet, a
   * ref set to the same commit).
   */
  async request(path: string, what: string, init: RequestInit = {}): Promise<Response> {
    const method = init.method ?? "GET";
    const url = /^https?:/.test(path) ? path : `${this.o.apiUrl.replace(/\/+$/, "")}${path}`;
    const attempts = this.o.attempts ?? 5;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    for (let attempt = 1; ; attempt++) {
      this.sent++;
      let res: Response | undefined;
      let failure: string;
      try {
        res = await fetch(url, {
          method,
          redirect: init.redirect ?? "follow",
          headers: {
            authorization: `Bearer ${this.o.token}`,
            accept: "application/vnd.github+json",
            "x-github-api-version": "2022-11-28",
            ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
        if (res.ok || res.status === 302) return res;
        failure = `${res.status} ${res.statusText}`;
      } catch (e) {
        failure = (e as Error).message; // a dropped connection is as transient as a 502
      }
      const wait = res ? await this.waitFor(res, attempt) : this.backoff(attempt);
      if (wait === undefined || attempt >= attempts) {
        const body = res ? await res.text().catch(() => "") : "";
        const message = apiMessage(body);
        const hint =
          res && [401, 403, 404].includes(res.status) && !isRateLimited(res, body)
            ? ` (the job needs a token with permissions: ${init.needs ?? "actions: read"})`
            : "";
        throw new RestError(
          `${what}: ${method} ${new URL(url).pathname} answered ${failure}${message ? `: ${message.trim().split("\n")[0]}` : ""}${hint}`,
          res?.status,
          message ?? "",
        );
      }
      this.o.log?.(`${what}: ${failure}; retrying in ${Math.round(wait / 1000)} s (attempt ${attempt + 1} of ${attempts})`);
      await sleep(wait);
    }
  }

  private backoff(attempt: number): number {
    return (this.o.baseDelayMs ?? 1000) * 2 ** (attempt - 1);
  }

  /** How long to wait before retrying `res`, or undefined when it must not be retried. */
  private async waitFor(res: Response, attempt: number): Promise<number | undefined> {
    if (res.status >= 500) return this.backoff(attempt);
    if (res.status !== 403 && res.status !== 429) return undefined;
    const max = this.o.maxWaitMs ?? 300_000;
    const retryAfter = Number(res.headers.get("retry-after"));
    if (res.headers.get("retry-after") !== null && Number.isFinite(retryAfter))
      return retryAfter * 1000 <= max ? retryAfter * 1000 : undefined;
    if (res.headers.get("x-ratelimit-remaining") === "0") {
      const resetMs = Number(res.headers.get("x-ratelimit-reset")) * 1000 - Date.now();
      if (resetMs <= max) return Math.max(0, resetMs);
      const at = new Date(Number(res.headers.get("x-ratelimit-reset")) * 1000).toISOString();
      throw new ActionError(
        `the REST API rate limit is spent (${res.headers.get("x-ratelimit-limit")} requests per hour for this token; GITHUB_TOKEN has 1,000 per repository) until ${at}; run again after that`,
      );
    }
    const body = await res
      .clone()
      .text()
      .catch(() => "");
    return /secondary rate limit/i.test(body) ? Math.min(60_000, max) : undefined;
  }
}

/** GitHub's error body is `{ message, documentation_url, status }`. */
function apiMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

function isRateLimited(res: Response, body: string): boolean {
  return res.headers.get("x-ratelimit-remaining") === "0" || res.headers.has("retry-after") || /rate limit/i.test(body);
}
