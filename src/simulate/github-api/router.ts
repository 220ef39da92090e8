/**
 * A small router for the simulated GitHub REST API. Each area (pulls, statuses, dispatches,
 * artifacts …) is a module exporting its routes; a route sees the parsed request and the token's
 * holder, and answers with a status and a JSON value, as api.github.com does.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RateLimiter } from "./rate-limit.js";
import { type ApiResponse, error, notAccessible } from "./response.js";
import { allows, type GitHubState, type TokenHolder } from "./state.js";

export { type ApiResponse, error, notAccessible } from "./response.js";

export interface ApiRequest {
  method: string;
  url: URL;
  /** the named groups of the route's pattern */
  params: Record<string, string>;
  body: unknown;
  /** who the Authorization header's token belongs to; undefined when there is none */
  holder?: TokenHolder;
}

/** What every route module gets: the state and the repository's git directory. */
export interface ApiContext {
  state: GitHubState;
  repo: string;
  /** `https://github.com/<owner>/<repo>`: the form of html_url fields */
  htmlBase: string;
  /** this API's own base URL (for `url` fields) */
  apiUrl: () => string;
  limiter: RateLimiter;
}

export interface Route {
  method: string;
  /** matched against the path; `(?<owner>[^/]+)` style groups become params */
  pattern: RegExp;
  handle(req: ApiRequest): Promise<ApiResponse> | ApiResponse;
}

export function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value = ""] = header.split(/\s+/, 2);
  if (/^(token|bearer)$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) return Buffer.from(value, "base64").toString().split(":").slice(1).join(":");
  return undefined;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Answers `req` from `routes`; false when no route matches the path (the caller tries others). */
export async function dispatchApi(routes: Route[], ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const matching = routes.filter((r) => r.pattern.test(url.pathname));
  if (!matching.length) return false;
  const route = matching.find((r) => r.method === req.method);
  const send = async (r: ApiResponse) => {
    if (r.stream) {
      res.writeHead(r.status, r.headers);
      r.stream.pipe(res);
      await new Promise<void>((done) => res.on("close", () => done()));
      return;
    }
    res.writeHead(r.status, { "content-type": "application/json; charset=utf-8", ...r.headers });
    res.end(r.body === undefined ? "" : JSON.stringify(r.body));
  };
  if (!route) {
    await send(error(404, "Not Found"));
    return true;
  }
  const text = (await readBody(req)).toString();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    await send(error(400, "Problems parsing JSON"));
    return true;
  }
  const token = tokenOf(req);
  const holder = ctx.state.holder(token);
  // Source: docs "Troubleshooting the REST API" › "Bad credentials" (401 for an unknown token)
  if (token !== undefined && !holder) {
    await send(error(401, "Bad credentials", "https://docs.github.com/rest"));
    return true;
  }
  const params = (route.pattern.exec(url.pathname)?.groups ?? {}) as Record<string, string>;
  // a REST call counts against the rate limit; an artifact's blob download (a storage URL) does not
  if (!url.pathname.startsWith("/repos/")) {
    await send(await route.handle({ method: req.method ?? "GET", url, params, body, holder }));
    return true;
  }
  ctx.state.requests++;
  const limit = ctx.limiter.take(holder);
  if (limit.refused) {
    await send(limit.refused);
    return true;
  }
  const answer = await route.handle({ method: req.method ?? "GET", url, params, body, holder });
  await send({ ...answer, headers: { ...limit.headers, ...answer.headers } });
  return true;
}

/** The refusal for a request whose token may not do this, or undefined when it may. */
export function allowsOr(req: ApiRequest, scope: string, need: "read" | "write", doc: string): ApiResponse | undefined {
  if (!req.holder) return error(401, "Requires authentication", doc);
  return allows(req.holder, scope, need) ? undefined : notAccessible(doc);
}
