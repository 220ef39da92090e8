/**
 * GITHUB_TOKEN's REST budget as the simulated GitHub enforces it (docs "Rate limits for the REST
 * API": 1,000 requests per hour per repository, 403 with x-ratelimit-* headers past it), and the
 * action's REST client retrying what GitHub says to retry.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Rest } from "../../src/action/rest.js";
import { startGitHub } from "../../src/simulate/github-api/index.js";
import { GITHUB_TOKEN_LIMIT } from "../../src/simulate/github-api/rate-limit.js";
import { plainRepo } from "./helpers.js";

describe("the REST rate limit", () => {
  it("shares one GITHUB_TOKEN budget across jobs and answers 403 with GitHub's headers past it; requests are counted", async () => {
    expect(GITHUB_TOKEN_LIMIT).toBe(1000);
    const s = plainRepo({ "a.txt": "a\n" });
    const gh = await startGitHub({
      repo: s.bare,
      repository: "local/origin",
      rules: { protect: [], allowTokenPrs: false },
      jobTokenLimit: 3,
    });
    try {
      const tokens = [gh.jobToken("W1", { contents: "read" }), gh.jobToken("W2", { contents: "read" })];
      const get = (token: string) =>
        fetch(`${gh.apiUrl}/repos/local/origin/branches/main`, { headers: { authorization: `Bearer ${token}` } });
      const answers = [];
      for (const t of [tokens[0], tokens[1], tokens[0], tokens[1]]) answers.push(await get(t));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 403]);
      expect(answers[0].headers.get("x-ratelimit-limit")).toBe("3");
      expect(answers[2].headers.get("x-ratelimit-remaining")).toBe("0");
      expect(answers[3].headers.get("x-ratelimit-remaining")).toBe("0");
      expect(Number(answers[3].headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
      expect(((await answers[3].json()) as { message: string }).message).toMatch(/^API rate limit exceeded/);
      expect((await gh.record()).requests).toBe(4);
    } finally {
      await gh.close();
    }
  });
});

describe("the action's REST client (src/action/rest.ts)", () => {
  async function server(answers: { status: number; headers?: Record<string, string>; body?: string }[]) {
    let n = 0;
    const srv = createServer((_req, res) => {
      const a = answers[Math.min(n++, answers.length - 1)];
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers }).end(a.body ?? "{}");
    });
    await new Promise<void>((done) => srv.listen(0, "127.0.0.1", () => done()));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, count: () => n, close: () => srv.close() };
  }

  it("retries 5xx with backoff and a secondary rate limit after retry-after; gives up on 404 at once", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    const s = await server([
      { status: 502 },
      { status: 503 },
      { status: 403, headers: { "retry-after": "2" }, body: '{"message":"You have exceeded a secondary rate limit"}' },
      { status: 200, body: '{"ok":true}' },
    ]);
    try {
      const rest = new Rest({ token: "t", apiUrl: s.url, baseDelayMs: 10, sleep });
      expect(await rest.json("/x", "test")).toEqual({ ok: true });
      expect(waits).toEqual([10, 20, 2000]);
      expect(rest.sent).toBe(4);
    } finally {
      s.close();
    }
    const missing = await server([{ status: 404, body: '{"message":"Not Found"}' }]);
    try {
      const rest = new Rest({ token: "t", apiUrl: missing.url, sleep });
      await expect(rest.json("/runs/1", "resume-from 1")).rejects.toThrow(
        "resume-from 1: GET /runs/1 answered 404 Not Found: Not Found (the job needs a token with permissions: actions: read)",
      );
      expect(missing.count()).toBe(1);
    } finally {
      missing.close();
    }
  });

  it("fails saying when the primary limit resets when that is too far off to wait", async () => {
    const reset = Math.ceil(Date.now() / 1000) + 3600;
    const s = await server([
      { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-limit": "1000", "x-ratelimit-reset": String(reset) } },
    ]);
    try {
      const rest = new Rest({ token: "t", apiUrl: s.url, sleep: async () => {} });
      await expect(rest.json("/x", "test")).rejects.toThrow(
        /rate limit is spent \(1000 requests per hour.*GITHUB_TOKEN has 1,000 per repository\) until/,
      );
    } finally {
      s.close();
    }
  });
});
