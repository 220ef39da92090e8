/**
 * The REST API's primary rate limit as a run meets it. Source: docs "Rate limits for the REST API":
 *
 * - "Primary rate limit for GITHUB_TOKEN in GitHub Actions": 1,000 requests per hour per
 *   repository (other tokens: 5,000 per hour for a user, at least 5,000 for an App installation);
 * - "Checking the status of your rate limit": every response carries `x-ratelimit-limit`,
 *   `x-ratelimit-remaining`, `x-ratelimit-used`, `x-ratelimit-reset` (UTC epoch seconds) and
 *   `x-ratelimit-resource` (`core`);
 * - "Exceeding the primary rate limit": a 403 (or 429) with `x-ratelimit-remaining: 0` and the
 *   message "API rate limit exceeded for …"; retry after `x-ratelimit-reset`.
 *
 * The GITHUB_TOKEN budget is one per repository, shared by every job's token; the window starts
 * with the first request.
 */
import { type ApiResponse, error } from "./response.js";
import type { TokenHolder } from "./state.js";

export const GITHUB_TOKEN_LIMIT = 1000;
export const OTHER_TOKEN_LIMIT = 5000;
const DOC = "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api";

export class RateLimiter {
  private windowStart?: number;
  private readonly used = new Map<string, number>();

  constructor(private readonly jobTokenLimit = GITHUB_TOKEN_LIMIT) {}

  /** Counts one request of `holder`; the headers to send, and the refusal when the budget is spent. */
  take(holder: TokenHolder | undefined, now = Date.now()): { headers: Record<string, string>; refused?: ApiResponse } {
    this.windowStart ??= now;
    if (now - this.windowStart >= 3_600_000) {
      this.windowStart = now;
      this.used.clear();
    }
    // job tokens share the repository's budget; any other token has its own
    const bucket = !holder ? "anonymous" : holder.kind === "job" ? "GITHUB_TOKEN" : `${holder.kind}:${holder.label}`;
    const limit = holder?.kind === "job" ? this.jobTokenLimit : holder ? OTHER_TOKEN_LIMIT : 60;
    const used = (this.used.get(bucket) ?? 0) + 1;
    const over = used > limit;
    if (!over) this.used.set(bucket, used);
    const headers = {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - Math.min(used, limit))),
      "x-ratelimit-used": String(Math.min(used, limit)),
      "x-ratelimit-reset": String(Math.ceil((this.windowStart + 3_600_000) / 1000)),
      "x-ratelimit-resource": "core",
    };
    if (!over) return { headers };
    const who =
      holder?.kind === "job"
        ? "installation ID 1 (GITHUB_TOKEN, 1,000 requests per hour per repository)"
        : (holder?.label ?? "this client");
    return { headers, refused: { ...error(403, `API rate limit exceeded for ${who}.`, DOC), headers } };
  }
}
