/**
 * What a simulated REST route answers, and GitHub's error bodies. Apart from the router so that
 * the rate limiter, which answers refusals too, does not import the router that calls it.
 */

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** a binary body (an artifact's zip), sent as it is instead of `body` as JSON */
  stream?: NodeJS.ReadableStream;
}

/** GitHub's error body: `{ message, documentation_url, status }`. */
export function error(status: number, message: string, documentation?: string): ApiResponse {
  return {
    status,
    body: { message, ...(documentation ? { documentation_url: documentation } : {}), status: String(status) },
  };
}

/**
 * The refusal GitHub gives an installation token (GITHUB_TOKEN) lacking a permission. Source:
 * docs "Troubleshooting the REST API" › "Resource not accessible".
 */
export const notAccessible = (doc: string) => error(403, "Resource not accessible by integration", doc);
