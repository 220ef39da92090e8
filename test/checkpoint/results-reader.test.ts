/**
 * Reading this run's artifacts from the results service (src/checkpoint/results-reader.ts) against
 * the emulated service (src/simulate/results-service.ts), with artifacts uploaded by the real
 * `@actions/artifact` client; and the client's retry rules (shared/artifact-twirp-client.ts)
 * against a service that fails on purpose.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendIds, ResultsServiceReader } from "../../src/checkpoint/results-reader.js";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { asJob } from "../action/helpers.js";

let service: ResultsService;
let work: string;
beforeAll(async () => {
  service = await startResultsService();
  work = await mkdtemp(join(tmpdir(), "waveplan-reader-"));
});
afterAll(async () => {
  await service.close();
  await rm(work, { recursive: true, force: true });
});

const runEnv = (runId: number, job: string) => ({
  ...service.env({ runId, repository: "octo/repo", job }),
  GITHUB_SERVER_URL: "https://github.com",
});

describe("reading this run's artifacts", () => {
  it("lists what the client uploaded and returns each zip exactly as uploaded", async () => {
    await mkdir(join(work, "up"), { recursive: true });
    await writeFile(join(work, "up", "record.json"), '{"x":1}\n');
    const uploaded = await asJob(service, 501, () =>
      new DefaultArtifactClient().uploadArtifact("waveplan-a.1", [join(work, "up", "record.json")], join(work, "up")),
    );
    const reader = new ResultsServiceReader(runEnv(501, "downstream"));
    const listed = await reader.list();
    expect(listed.map((a) => [a.name, a.id])).toEqual([["waveplan-a.1", uploaded.id]]);
    expect(listed[0].digest).toBe(`sha256:${uploaded.digest}`);
    // a small zip comes back as bytes, nothing written to the file named
    const got = await reader.download(listed[0], join(work, "a.zip"));
    expect(got.digestMismatch).toBe(false);
    expect(
      `sha256:${createHash("sha256")
        .update(got.bytes as Buffer)
        .digest("hex")}`,
    ).toBe(listed[0].digest);
    expect(existsSync(join(work, "a.zip"))).toBe(false);
    // another digest than the listing's (a replaced blob) is reported, not hidden
    expect((await reader.download({ ...listed[0], digest: "sha256:00" }, join(work, "b.zip"))).digestMismatch).toBe(true);
  });

  it("sees only its own run: another run's token lists nothing", async () => {
    expect(await new ResultsServiceReader(runEnv(502, "other")).list()).toEqual([]);
  });

  it("needs the runner's variables and a token with the Actions.Results scope, in the client's words", () => {
    expect(() => new ResultsServiceReader({})).toThrow("Unable to get the ACTIONS_RUNTIME_TOKEN env variable");
    const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.s`;
    expect(backendIds(jwt({ scp: "Actions.GenericRead:1 Actions.Results:run-1:job-2" }))).toEqual({
      workflow_run_backend_id: "run-1",
      workflow_job_run_backend_id: "job-2",
    });
    expect(() => backendIds(jwt({ scp: "Actions.GenericRead:1" }))).toThrow("The provided JWT token is invalid and/or missing claims");
    expect(() => backendIds("not-a-jwt")).toThrow("The provided JWT token is invalid");
  });
});

describe("when the service fails", () => {
  let server: Server;
  let url = "";
  const replies: number[] = [];
  let calls = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      const status = replies[calls++] ?? 200;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(status === 200 ? { artifacts: [] } : { code: "x", msg: `failed with ${status}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const reader = () => {
    const token = `h.${Buffer.from(JSON.stringify({ scp: "Actions.Results:r:j" })).toString("base64url")}.s`;
    return new ResultsServiceReader({ ACTIONS_RUNTIME_TOKEN: token, ACTIONS_RESULTS_URL: url }, 1);
  };

  it("retries 5xx and 429 answers, up to five attempts", async () => {
    calls = 0;
    replies.splice(0, replies.length, 503, 429, 500);
    await expect(reader().list()).resolves.toEqual([]);
    expect(calls).toBe(4);
    calls = 0;
    replies.splice(0, replies.length, 502, 502, 502, 502, 502, 502);
    await expect(reader().list()).rejects.toThrow(
      "Failed to ListArtifacts: Failed to make request after 5 attempts: Failed request: (502): failed with 502",
    );
    expect(calls).toBe(5);
  });

  it("does not retry any other error", async () => {
    calls = 0;
    replies.splice(0, replies.length, 403);
    await expect(reader().list()).rejects.toThrow(
      "Failed to ListArtifacts: Received non-retryable error: Failed request: (403): failed with 403",
    );
    expect(calls).toBe(1);
  });
});
