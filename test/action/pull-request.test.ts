/**
 * `land.strategy: pull-request`: finalize force-pushes the landing commit to the plan's own branch
 * and opens a pull request, then updates the same one on the next run. The REST API is a local
 * server (GITHUB_API_URL) answering the three calls @actions/github makes, recording them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { PLAN, PLAN_FILE, repoFiles } from "./fixture.js";
import { cleanup, commands, git, makeRepo, type Repo, requireActionBundle, runAction, tempDir } from "./helpers.js";

const TOKEN = "ghs_pullRequestTestToken987654321";
const PR_PLAN = PLAN.replace(
  'land:\n  message: "demo: combine a and b"',
  'land:\n  strategy: pull-request\n  message: "demo: combine a and b"',
);
const NEEDS = JSON.stringify({ plan: { result: "success" }, W1: { result: "success" }, W2: { result: "success" } });

interface Call {
  method: string;
  path: string;
  auth?: string;
  body?: Record<string, unknown>;
}

let service: ResultsService;
let api: Server;
let apiUrl: string;
let root: string;
let repo: Repo;
const calls: Call[] = [];
const pulls: { number: number; head: string; base: string; title: string; body: string }[] = [];

beforeAll(async () => {
  requireActionBundle();
  expect(PR_PLAN).not.toBe(PLAN);
  root = tempDir("waveplan-pr-");
  service = await startResultsService({ dir: join(root, "results") });
  repo = makeRepo(join(root, "repo"), repoFiles(PR_PLAN));
  api = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://x");
      const body = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method ?? "", path: url.pathname + url.search, auth: req.headers.authorization, body });
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      const view = (p: (typeof pulls)[number]) => ({ ...p, html_url: `https://github.com/octo/repo/pull/${p.number}` });
      if (req.method === "GET" && url.pathname === "/repos/octo/repo/pulls") {
        const head = url.searchParams.get("head");
        return json(200, pulls.filter((p) => `octo:${p.head}` === head && p.base === url.searchParams.get("base")).map(view));
      }
      if (req.method === "POST" && url.pathname === "/repos/octo/repo/pulls") {
        const pr = { number: pulls.length + 1, head: body.head, base: body.base, title: body.title, body: body.body };
        pulls.push(pr);
        return json(201, view(pr));
      }
      const m = /^\/repos\/octo\/repo\/pulls\/(\d+)$/.exec(url.pathname);
      if (req.method === "PATCH" && m) {
        const pr = pulls.find((p) => p.number === Number(m[1]));
        if (!pr) return json(404, { message: "Not Found" });
        Object.assign(pr, { title: body.title, body: body.body });
        return json(200, view(pr));
      }
      json(404, { message: "Not Found" });
    });
  });
  await new Promise<void>((done) => api.listen(0, "127.0.0.1", done));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => api?.close(done));
  await service?.close();
  cleanup(root);
});

async function runAll(runId: number) {
  for (const id of ["write-a", "write-b", "combine"]) {
    const r = await runAction({ service, repo, root, runId, job: id, inputs: { command: "task", plan: PLAN_FILE, task: id } });
    expect(r.code, r.stdout).toBe(0);
  }
  return runAction({
    service,
    repo,
    root,
    runId,
    job: "final-commit",
    inputs: { command: "finalize", plan: PLAN_FILE, needs: NEEDS, land: "true", token: TOKEN },
    env: { GITHUB_API_URL: apiUrl },
  });
}

describe("finalize with land.strategy: pull-request", () => {
  it("pushes the plan's branch and opens a pull request into the branch the run started on", async () => {
    const r = await runAll(9001);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.status).toBe("landed");
    expect(git(repo.origin, "rev-parse", "waveplan/action-demo")).toBe(r.outputs.commit);
    expect(git(repo.origin, "rev-parse", "main")).toBe(repo.sha); // main untouched
    expect(pulls).toEqual([
      expect.objectContaining({ number: 1, head: "waveplan/action-demo", base: "main", title: "demo: combine a and b" }),
    ]);
    expect(pulls[0].body).toContain("Run: 9001");
    expect(calls.every((c) => c.auth === `token ${TOKEN}`)).toBe(true);
    expect(r.summary).toContain("pull request https://github.com/octo/repo/pull/1");
  });

  it("a later run replaces the branch's commit and updates the same pull request", async () => {
    const r = await runAll(9002);
    expect(r.code, r.stdout).toBe(0);
    expect(git(repo.origin, "rev-parse", "waveplan/action-demo")).toBe(r.outputs.commit);
    expect(pulls).toHaveLength(1);
    expect(pulls[0].body).toContain("Run: 9002");
    expect(calls.map((c) => c.method)).toEqual(["GET", "POST", "GET", "PATCH"]);
  });

  it("fails clearly without a token", async () => {
    const r = await runAction({
      service,
      repo,
      root,
      runId: 9002,
      job: "final-commit",
      inputs: { command: "finalize", plan: PLAN_FILE, needs: NEEDS, land: "true" },
      env: { GITHUB_API_URL: apiUrl },
    });
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toBe('the plan lands as a pull request, which needs the "token" input');
  });
});
