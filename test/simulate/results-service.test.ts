/**
 * The artifact backend emulation against the REAL `@actions/artifact` client (no mocks): whatever
 * passes here is what the client itself sends and accepts. The client reads its environment
 * (token, results URL, GITHUB_SERVER_URL) at call time, so switching `process.env` between calls
 * switches job, attempt or run.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ResultsService, type RunIdentity, startResultsService } from "../../src/simulate/results-service.js";
import { craftZip } from "../support/zip.js";

const execFileAsync = promisify(execFile);
const client = new DefaultArtifactClient();
let service: ResultsService;
let work: string;
const savedEnv = { ...process.env };

/** Makes the current process look like the given job of a run to the artifact client. */
function actAs(run: RunIdentity, on: ResultsService = service): void {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv, on.env(run));
}

/** Every file under a folder, relative path → bytes. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(relative(dir, path), await readFile(path));
    }
  }
  return files;
}

/** A folder with a nested path, a binary file with every byte value, and one > 8 MiB (several blocks). */
async function makeFolder(name: string, bigBytes = 0): Promise<{ root: string; files: string[] }> {
  const root = join(work, name);
  await mkdir(join(root, "nested", "deeper"), { recursive: true });
  const contents: Record<string, Buffer> = {
    "record.json": Buffer.from(JSON.stringify({ name, at: Date.now() })),
    "nested/deeper/change.patch": Buffer.from(`diff --git a/x b/x\n+${name}\n`),
    "binary.bin": Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(4096)]),
  };
  if (bigBytes) contents["big.bin"] = randomBytes(bigBytes);
  for (const [path, data] of Object.entries(contents)) await writeFile(join(root, path), data);
  return { root, files: Object.keys(contents).map((p) => join(root, p)) };
}

async function expectSameTree(downloaded: string, original: string): Promise<void> {
  const got = await readTree(downloaded);
  const want = await readTree(original);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [path, data] of want) expect(got.get(path)?.equals(data), path).toBe(true);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "waveplan-results-test-"));
  service = await startResultsService({ dir: join(work, "store") });
});

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

afterAll(async () => {
  await service?.close();
  await rm(work, { recursive: true, force: true });
});

describe("results service with the real @actions/artifact client", () => {
  const run = { runId: 1001, repository: "octo/repo" };

  it("uploads a folder, lists it, gets it and downloads identical bytes", async () => {
    actAs({ ...run, job: "wave-1" });
    const { root, files } = await makeFolder("cp-a", 9 * 1024 * 1024);
    const uploaded = await client.uploadArtifact("checkpoint-a", files, root);
    expect(uploaded.id).toBeGreaterThan(0);
    expect(uploaded.size).toBeGreaterThan(9 * 1024 * 1024);

    const { artifacts } = await client.listArtifacts();
    expect(artifacts).toHaveLength(1);
    const listed = artifacts[0];
    expect(listed).toMatchObject({ name: "checkpoint-a", id: uploaded.id, size: uploaded.size, digest: `sha256:${uploaded.digest}` });
    expect(listed.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - listed.createdAt!.getTime())).toBeLessThan(60_000);

    const { artifact } = await client.getArtifact("checkpoint-a");
    expect(artifact).toEqual(listed);

    const into = join(work, "dl-a");
    const result = await client.downloadArtifact(artifact.id, { path: into, expectedHash: artifact.digest });
    expect(result).toEqual({ downloadPath: into, digestMismatch: false });
    await expectSameTree(into, root);
  });

  it("a second artifact is listed next to the first; a duplicate name is refused with 409", async () => {
    actAs({ ...run, job: "wave-2" });
    const { root, files } = await makeFolder("cp-b");
    const second = { id: (await client.uploadArtifact("checkpoint-b", files, root)).id! };
    const names = (await client.listArtifacts()).artifacts.map((a) => [a.name, a.id]);
    expect(names).toEqual([
      ["checkpoint-a", second.id - 1],
      ["checkpoint-b", second.id],
    ]);

    const started = Date.now();
    await expect(client.uploadArtifact("checkpoint-a", files, root)).rejects.toThrow(
      /Failed to CreateArtifact: Received non-retryable error: Failed request: \(409\) Conflict: an artifact named 'checkpoint-a' already exists/,
    );
    expect(Date.now() - started).toBeLessThan(2_000); // not retried with back-off
    const { artifact } = await client.getArtifact("checkpoint-a");
    expect(artifact.id).toBe(second.id - 1); // the original is untouched
  });

  it("delete frees the name; the re-upload gets a newer id and new content", async () => {
    actAs({ ...run, job: "wave-2" });
    const before = (await client.getArtifact("checkpoint-b")).artifact;
    const deleted = await client.deleteArtifact("checkpoint-b");
    expect(deleted.id).toBe(before.id);
    await expect(client.getArtifact("checkpoint-b")).rejects.toThrow(/Artifact not found for name: checkpoint-b/);

    const { root, files } = await makeFolder("cp-b2");
    const again = await client.uploadArtifact("checkpoint-b", files, root);
    expect(again.id).toBeGreaterThan(before.id);
    const { artifact } = await client.getArtifact("checkpoint-b");
    expect(artifact.id).toBe(again.id);
    const into = join(work, "dl-b2");
    await client.downloadArtifact(artifact.id, { path: into });
    await expectSameTree(into, root);
  });

  it("attempt 2 of the run sees attempt 1's artifacts; another run sees none", async () => {
    actAs({ ...run, runAttempt: 2, job: "wave-3" });
    expect(service.backendIds({ ...run, runAttempt: 2, job: "wave-3" }).workflowRunBackendId).toBe(
      service.backendIds({ ...run, job: "wave-1" }).workflowRunBackendId,
    );
    const { artifacts } = await client.listArtifacts({ latest: true });
    expect(artifacts.map((a) => a.name).sort()).toEqual(["checkpoint-a", "checkpoint-b"]);
    const into = join(work, "dl-attempt2");
    await client.downloadArtifact((await client.getArtifact("checkpoint-a")).artifact.id, { path: into });
    expect(existsSync(join(into, "nested", "deeper", "change.patch"))).toBe(true);

    actAs({ runId: 2002, repository: "octo/repo", job: "wave-1" });
    expect((await client.listArtifacts()).artifacts).toEqual([]);
    await expect(client.getArtifact("checkpoint-a")).rejects.toThrow(/Artifact not found/);
  });

  it("a second service process on the same folder sees the same artifacts and accepts the same tokens", async () => {
    const other = await startResultsService({ dir: service.dir });
    try {
      actAs({ ...run, job: "final" }, other);
      const { artifacts } = await client.listArtifacts();
      expect(artifacts.map((a) => a.name).sort()).toEqual(["checkpoint-a", "checkpoint-b"]);
      // A token minted by the first service works against the second (the secret lives in the folder).
      process.env.ACTIONS_RUNTIME_TOKEN = service.env({ ...run, job: "final" }).ACTIONS_RUNTIME_TOKEN;
      expect((await client.listArtifacts()).artifacts).toHaveLength(2);
    } finally {
      await other.close();
    }
    expect(existsSync(service.dir)).toBe(true); // a given folder is never removed on close
  });

  it("a job in another process, configured only by the runner environment, shares the artifacts", async () => {
    const { root, files } = await makeFolder("cp-child");
    const script = `
      import { DefaultArtifactClient } from "@actions/artifact";
      const client = new DefaultArtifactClient();
      const seen = (await client.listArtifacts()).artifacts.map((a) => a.name).sort();
      const up = await client.uploadArtifact("from-child", ${JSON.stringify(files)}, ${JSON.stringify(root)});
      process.stdout.write("RESULT " + JSON.stringify({ seen, id: up.id }) + "\\n");`;
    const env = { ...savedEnv, ...service.env({ ...run, job: "child" }) };
    const { stdout } = await execFileAsync(process.execPath, ["--input-type=module", "-e", script], { env, cwd: process.cwd() });
    const result = JSON.parse(/^RESULT (.*)$/m.exec(stdout)![1]) as { seen: string[]; id: number };
    expect(result.seen).toEqual(["checkpoint-a", "checkpoint-b"]);

    actAs({ ...run, job: "parent" });
    const { artifact } = await client.getArtifact("from-child");
    expect(artifact.id).toBe(result.id);
    const into = join(work, "dl-child");
    await client.downloadArtifact(artifact.id, { path: into });
    await expectSameTree(into, root);
    await client.deleteArtifact("from-child"); // keep the run's listing as the next tests expect
  });

  /**
   * FINDING (@actions/artifact 6.2.1 extracting with unzip-stream 0.3.4): a zip is extracted when
   * the download's content type is a zip type. unzip-stream rewrites every `..` path component to
   * `.` and the extractor joins the entry path under the target folder, so `../evil.txt` lands at
   * `<dir>/evil.txt`, `a/../../evil2.txt` at `<dir>/a/evil2.txt` and an absolute `/x/abs.txt` at
   * `<dir>/x/abs.txt`; a symlink entry is written as a regular file holding the link text. Nothing
   * escapes the folder with this version — but entries are silently renamed rather than refused,
   * and this is the client's behaviour, not a contract: the checkpoint code must still verify
   * every path it reads (and refuse such artifacts) on its own.
   */
  it("documents how the client extracts a malicious zip", async () => {
    actAs({ ...run, job: "attacker" });
    const outside = join(work, "outside");
    await mkdir(outside, { recursive: true });
    const zipPath = join(work, "crafted", "evil.zip");
    await mkdir(join(work, "crafted"), { recursive: true });
    await writeFile(
      zipPath,
      craftZip([
        { name: "ok.txt", data: "fine" },
        { name: "../evil.txt", data: "escaped one level" },
        { name: "a/../../evil2.txt", data: "escaped via a subfolder" },
        { name: join(outside, "abs.txt"), data: "absolute path" },
        { name: "link", data: "../../outside", symlink: true },
      ]),
    );
    const uploaded = await client.uploadArtifact("evil.zip", [zipPath], join(work, "crafted"), { skipArchive: true });

    const parent = join(work, "dl-evil");
    const into = join(parent, "target");
    await client.downloadArtifact(uploaded.id!, { path: into });

    expect(existsSync(join(parent, "evil.txt"))).toBe(false);
    expect(existsSync(join(work, "evil2.txt"))).toBe(false);
    expect(existsSync(join(outside, "abs.txt"))).toBe(false);
    expect(await readdir(parent)).toEqual(["target"]);
    const tree = await readTree(into);
    expect(Object.fromEntries([...tree].map(([p, d]) => [p, d.toString()]))).toEqual({
      "ok.txt": "fine",
      "evil.txt": "escaped one level",
      "a/evil2.txt": "escaped via a subfolder",
      [relative("/", join(outside, "abs.txt"))]: "absolute path",
      link: "../../outside",
    });
    expect((await lstat(join(into, "link"))).isSymbolicLink()).toBe(false);
  });
});

describe("results service protocol checks", () => {
  const run = { runId: 3003, repository: "octo/repo", job: "raw" };
  const twirp = (method: string, body: unknown, token: string | null = service.env(run).ACTIONS_RUNTIME_TOKEN) =>
    fetch(`${service.url}twirp/github.actions.results.api.v1.ArtifactService/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const ids = () => {
    const { workflowRunBackendId, workflowJobRunBackendId } = service.backendIds(run);
    return { workflow_run_backend_id: workflowRunBackendId, workflow_job_run_backend_id: workflowJobRunBackendId };
  };

  it("refuses calls without a valid token, and tokens of another run", async () => {
    const missing = await twirp("ListArtifacts", ids(), null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: "unauthenticated" });

    const forged = `${service.env(run).ACTIONS_RUNTIME_TOKEN.slice(0, -4)}AAAA`;
    expect((await twirp("ListArtifacts", ids(), forged)).status).toBe(401);

    const otherRunToken = service.env({ ...run, runId: 4004 }).ACTIONS_RUNTIME_TOKEN;
    const denied = await twirp("ListArtifacts", ids(), otherRunToken);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ code: "permission_denied" });

    expect((await twirp("NoSuchMethod", ids())).status).toBe(404);
  });

  it("checks the uploaded hash at finalize, keeps finalized content immutable, and guards signed URLs", async () => {
    const created = await twirp("CreateArtifact", { ...ids(), name: "raw", version: 7, mime_type: "application/zip" });
    expect(created.status).toBe(200);
    const { signed_upload_url: uploadUrl } = (await created.json()) as { signed_upload_url: string };
    const bytes = randomBytes(1000);
    const put = await fetch(uploadUrl, {
      method: "PUT",
      headers: { "x-ms-blob-type": "BlockBlob", "x-ms-blob-content-type": "application/zip" },
      body: bytes,
    });
    expect(put.status).toBe(201);

    // Not listed before finalize.
    expect(await (await twirp("ListArtifacts", ids())).json()).toEqual({ artifacts: [] });

    const wrong = await twirp("FinalizeArtifact", { ...ids(), name: "raw", size: "1000", hash: `sha256:${"0".repeat(64)}` });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: "invalid_argument" });
    const wrongSize = await twirp("FinalizeArtifact", { ...ids(), name: "raw", size: "999" });
    expect(wrongSize.status).toBe(400);

    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const ok = await twirp("FinalizeArtifact", { ...ids(), name: "raw", size: "1000", hash: digest });
    expect(ok.status).toBe(200);
    const { artifact_id: id } = (await ok.json()) as { artifact_id: string };

    const listed = (await (await twirp("ListArtifacts", { ...ids(), id_filter: id })).json()) as { artifacts: Record<string, unknown>[] };
    expect(listed.artifacts).toEqual([
      expect.objectContaining({ database_id: id, name: "raw", size: "1000", digest, created_at: expect.any(String) }),
    ]);

    // Finalized content is immutable: the upload URL no longer writes.
    const rewrite = await fetch(uploadUrl, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: "changed" });
    expect(rewrite.status).toBe(409);

    const { signed_url: downloadUrl } = (await (await twirp("GetSignedArtifactURL", { ...ids(), name: "raw" })).json()) as {
      signed_url: string;
    };
    const got = await fetch(downloadUrl);
    expect(got.headers.get("content-type")).toBe("application/zip");
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);

    // The upload URL cannot read, a tampered signature cannot either.
    expect((await fetch(uploadUrl)).status).toBe(403);
    const tampered = new URL(downloadUrl);
    tampered.pathname = tampered.pathname.replace(/\d+$/, (n) => String(Number(n) + 1));
    expect((await fetch(tampered)).status).toBe(403);
  });

  it("bounds upload sizes", async () => {
    const small = await startResultsService({ limits: { maxArtifactBytes: 4096, maxBlockBytes: 2048 } });
    try {
      const token = small.env(run).ACTIONS_RUNTIME_TOKEN;
      const call = (method: string, body: unknown) =>
        fetch(`${small.url}twirp/github.actions.results.api.v1.ArtifactService/${method}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
      const { signed_upload_url: url } = (await (await call("CreateArtifact", { ...ids(), name: "big", version: 7 })).json()) as {
        signed_upload_url: string;
      };
      const block = (id: string, size: number) =>
        fetch(`${url}&comp=block&blockid=${encodeURIComponent(Buffer.from(id).toString("base64"))}`, {
          method: "PUT",
          body: randomBytes(size),
        });
      expect((await block("b1", 3000)).status).toBe(413); // larger than one block may be
      expect((await block("b1", 2000)).status).toBe(201);
      expect((await block("b2", 2000)).status).toBe(201);
      expect((await block("b3", 2000)).status).toBe(413); // would pass the artifact limit
      const whole = await fetch(url, { method: "PUT", headers: { "x-ms-blob-type": "BlockBlob" }, body: randomBytes(5000) });
      expect(whole.status).toBe(413);
      const huge = await call("ListArtifacts", { ...ids(), name_filter: "x".repeat(100_000) });
      expect(huge.status).toBe(400);
    } finally {
      await small.close();
    }
    expect(existsSync(small.dir)).toBe(false); // its own temp folder is removed
  });
});
