/**
 * The direct results-service reader is a fast path only (src/checkpoint/reader-fallback.ts): when the
 * service answers in a way it does not know — as it would after GitHub changed its internal protocol —
 * the job reads its checkpoints with the real `@actions/artifact` client instead, and says so.
 * A proxy on 127.0.0.1 in front of the emulated service changes the answers for the direct reader's
 * requests only (its user agent), so the client, talking the protocol it knows, still succeeds.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArtifactCheckpointStore } from "../../src/checkpoint/artifact-store.js";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { asJob } from "../action/helpers.js";

const DIRECT_READER = "waveplan (@actions/artifact protocol)";
type Fault = (method: string) => { status: number; body: string } | undefined;

let service: ResultsService;
let work: string;
let proxy: Server;
let proxyUrl: string;
let fault: Fault = () => undefined;
const seen: { method: string; direct: boolean }[] = [];

beforeAll(async () => {
  service = await startResultsService();
  work = await mkdtemp(join(tmpdir(), "waveplan-fallback-"));
  const target = new URL(service.url);
  proxy = createServer((req, res) => {
    const method = req.url?.split("/").pop() ?? "";
    const direct = req.headers["user-agent"] === DIRECT_READER;
    seen.push({ method, direct });
    const changed = direct ? fault(method) : undefined;
    if (changed) {
      req.resume();
      res.writeHead(changed.status, { "content-type": "application/json" }).end(changed.body);
      return;
    }
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => proxy.listen(0, "127.0.0.1", ok));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
  // one checkpoint of task "t", uploaded by the real client as a task job of run 601 would
  const up = join(work, "up");
  await mkdir(up, { recursive: true });
  await writeFile(join(up, "record.json"), `${JSON.stringify({ run: { id: "601", attempt: 1 }, marker: "t's record" })}\n`);
  await writeFile(join(up, "change.patch"), "");
  await asJob(service, 601, () =>
    new DefaultArtifactClient().uploadArtifact("waveplan-t.1", [join(up, "record.json"), join(up, "change.patch")], up),
  );
});
afterAll(async () => {
  await new Promise((done) => proxy.close(done));
  await service.close();
  await rm(work, { recursive: true, force: true });
});

/** Fetches task t's checkpoint as a downstream job of run 601 would, through the proxy. */
async function fetchThroughProxy(name: string): Promise<{ record: string; warnings: string[] }> {
  const warnings: string[] = [];
  seen.length = 0;
  return asJob(service, 601, async () => {
    process.env.ACTIONS_RESULTS_URL = proxyUrl;
    process.env.GITHUB_SERVER_URL = "https://github.com";
    const store = new ArtifactCheckpointStore({ attempt: 1, runId: "601", tempDir: join(work, name), warn: (m) => warnings.push(m) });
    const dir = await store.fetch("t");
    return { record: await readFile(join(dir as string, "record.json"), "utf8"), warnings };
  });
}

describe("reading this run's checkpoints when the results service answers unexpectedly", () => {
  it("uses the direct reader alone while the service answers as it knows", async () => {
    fault = () => undefined;
    const got = await fetchThroughProxy("plain");
    expect(got.record).toContain("t's record");
    expect(got.warnings).toEqual([]);
    expect(seen.every((r) => r.direct)).toBe(true);
    // the blob itself comes from the signed URL, straight from storage
    expect(seen.map((r) => r.method)).toEqual(["ListArtifacts", "GetSignedArtifactURL"]);
  });

  it("falls back to the artifact client when the listing has another shape, and says so once", async () => {
    // as if the service had renamed its fields
    fault = (method) =>
      method === "ListArtifacts"
        ? { status: 200, body: JSON.stringify({ artifacts: [{ artifactName: "waveplan-t.1", databaseId: "1" }] }) }
        : undefined;
    const got = await fetchThroughProxy("renamed");
    expect(got.record).toContain("t's record");
    expect(got.warnings).toHaveLength(1);
    expect(got.warnings[0]).toMatch(/failed at the listing \(ListArtifacts answered with an artifact of unknown shape/);
    expect(got.warnings[0]).toContain("reading them with the @actions/artifact client instead");
    expect(seen.some((r) => !r.direct && r.method === "ListArtifacts")).toBe(true);
  });

  it("falls back for the download when the signed-URL call is refused as unknown", async () => {
    fault = (method) =>
      method === "GetSignedArtifactURL" ? { status: 404, body: JSON.stringify({ code: "bad_route", msg: "no handler" }) } : undefined;
    const got = await fetchThroughProxy("moved");
    expect(got.record).toContain("t's record");
    expect(got.warnings).toEqual([
      expect.stringMatching(
        /failed at the download of waveplan-t\.1 \(Failed to GetSignedArtifactURL: Received non-retryable error: Failed request: \(404\): no handler\)/,
      ),
    ]);
    expect(seen.some((r) => !r.direct && r.method === "GetSignedArtifactURL")).toBe(true);
  });
});
