/**
 * The simulated GitHub REST API, served at GITHUB_API_URL (127.0.0.1, port 0) for the jobs of a
 * simulated run. Each area (artifacts, …) is a module contributing routes; the router matches method
 * and path, checks the run's token, and answers JSON errors the way api.github.com does.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** matched against the path (no query); named groups become `params` */
  path: RegExp;
  /** false: served without a token (e.g. a signed download URL) */
  auth?: boolean;
  handle(req: ApiRequest, res: ServerResponse): Promise<void>;
}

export interface ApiRequest {
  raw: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** the API's base URL, no trailing slash */
  base: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
}

export interface GithubApi {
  /** the value of GITHUB_API_URL, no trailing slash */
  url: string;
  close(): Promise<void>;
}

export async function startGithubApi(routes: Route[], token: string): Promise<GithubApi> {
  let base = "";
  const server = createServer((req, res) => {
    void route(req, res).catch((e) => {
      if (res.headersSent) return void res.destroy();
      const status = e instanceof ApiError ? e.status : 500;
      // the shape of api.github.com errors: { message, documentation_url }
      sendJson(res, status, {
        message: e instanceof ApiError ? e.message : "Server Error",
        documentation_url: "https://docs.github.com/rest",
      });
    });
  });
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", base);
    for (const r of routes) {
      const m = r.method === req.method ? r.path.exec(url.pathname) : null;
      if (!m) continue;
      if (r.auth !== false) {
        const given = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
        if (given !== token) throw new ApiError(401, "Bad credentials");
      }
      return r.handle({ raw: req, url, params: { ...m.groups }, base }, res);
    }
    throw new ApiError(404, "Not Found");
  }
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
