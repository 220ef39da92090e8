/**
 * The artifact store's own logic on values: which artifact is a task's checkpoint in an attempt, the
 * shape check of a downloaded tree, and that downloads run in parallel within their bound with one
 * listing per job. (The real client against the emulated service is covered by task.test.ts.)
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Artifact, ArtifactClient } from "@actions/artifact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArtifactCheckpointStore, checkContents, selectCheckpointArtifacts } from "../../src/checkpoint/artifact-store.js";
import { artifactName, parseArtifactName } from "../../src/checkpoint/record.js";
import { craftZip } from "../support/zip.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "waveplan-store-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const art = (name: string, id: number): Artifact => ({ name, id, size: 1, digest: `sha256:${id}` });

describe("artifact names", () => {
  it("round-trip, including task ids with dots and digits", () => {
    for (const [task, attempt] of [
      ["write-a", 1],
      ["v1.2", 3],
      ["x.1", 12],
    ] as const) {
      expect(parseArtifactName(artifactName(task, attempt))).toEqual({ taskId: task, attempt });
    }
    expect(artifactName("write-a", 2)).toBe("waveplan-write-a.2");
    expect(parseArtifactName("coverage-report")).toBeUndefined();
    expect(parseArtifactName("waveplan-write-a")).toBeUndefined();
  });
});

describe("selecting a task's checkpoint", () => {
  const listing = [art("waveplan-a.1", 1), art("waveplan-b.1", 2), art("waveplan-a.2", 5), art("waveplan-a.3", 9), art("other", 3)];

  it("takes the highest attempt not above the job's own", () => {
    const at = (attempt: number) => Object.fromEntries([...selectCheckpointArtifacts(listing, attempt)].map(([t, a]) => [t, a.name]));
    expect(at(1)).toEqual({ a: "waveplan-a.1", b: "waveplan-b.1" });
    expect(at(2)).toEqual({ a: "waveplan-a.2", b: "waveplan-b.1" }); // b was not re-run: attempt 1 stays valid
    expect(at(3)).toEqual({ a: "waveplan-a.3", b: "waveplan-b.1" });
  });

  it("of two listings of one name, takes the newer (higher id)", () => {
    const picked = selectCheckpointArtifacts([art("waveplan-a.1", 7), art("waveplan-a.1", 4)], 1);
    expect(picked.get("a")?.id).toBe(7);
  });
});

describe("the contents of an extracted checkpoint", () => {
  // which entries may be written at all is unzip.ts's check (test/checkpoint/unzip.test.ts)
  const record = (attempt: number, run = "1") => Buffer.from(JSON.stringify({ run: { id: run, attempt } }));

  it("accepts record.json and change.patch, with outputs or without", () => {
    expect(() => checkContents("t", "waveplan-t.1", ["record.json", "change.patch", "outputs/x"], record(1), "1")).not.toThrow();
    expect(() => checkContents("t", "waveplan-t.1", ["change.patch", "record.json"], record(1), "1")).not.toThrow();
  });

  it("requires the record and the patch, and a record of the attempt the name says", () => {
    expect(() => checkContents("t", "waveplan-t.1", ["record.json"], record(1), "1")).toThrow(
      'checkpoint of task "t" rejected: artifact waveplan-t.1 has no change.patch',
    );
    expect(() => checkContents("t", "waveplan-t.1", ["change.patch"], undefined, "1")).toThrow("artifact waveplan-t.1 has no record.json");
    expect(() => checkContents("t", "waveplan-t.2", ["record.json", "change.patch"], record(1), "1")).toThrow(
      "artifact waveplan-t.2 is named for attempt 2 but holds a record of attempt 1",
    );
    // a record of another run is left to verify.ts, which names the run
    expect(() => checkContents("t", "waveplan-t.2", ["record.json", "change.patch"], record(1, "other"), "1")).not.toThrow();
  });
});

describe("fetching many checkpoints", () => {
  it("lists once and downloads in parallel, at most `concurrency` at a time", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `waveplan-t${i}.1`);
    let lists = 0;
    let active = 0;
    let peak = 0;
    // A client that answers from memory: the store's scheduling is what is under test here.
    const client = {
      async listArtifacts() {
        lists++;
        return { artifacts: names.map((n, i) => art(n, i + 1)) };
      },
      async downloadArtifact(id: number, options?: { path?: string; skipDecompress?: boolean }) {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 20));
        // the zip as the client saves it with skipDecompress: one file under the path, named by the blob
        const dir = options?.path as string;
        expect(options?.skipDecompress).toBe(true);
        await mkdir(dir, { recursive: true });
        const zip = craftZip([
          { name: "record.json", data: JSON.stringify({ run: { attempt: 1 }, id }) },
          { name: "change.patch", data: "" },
        ]);
        await writeFile(join(dir, `waveplan-t${id - 1}.1.zip`), zip);
        active--;
        return { downloadPath: dir, digestMismatch: false };
      },
    } as unknown as ArtifactClient;
    const store = new ArtifactCheckpointStore({ attempt: 1, client, tempDir: join(work, "fetch"), concurrency: 3 });
    const dirs = await Promise.all([...names.map((_, i) => store.fetch(`t${i}`)), store.fetch("absent")]);
    expect(dirs.slice(0, 10).every((d) => typeof d === "string")).toBe(true);
    expect(new Set(dirs.slice(0, 10)).size).toBe(10); // each in a fresh folder
    expect(JSON.parse(await readFile(join(dirs[3] as string, "record.json"), "utf8")).id).toBe(4);
    expect(dirs[10]).toBeUndefined();
    expect(lists).toBe(1);
    expect(peak).toBe(3);
  });

  it("refuses a download whose digest does not match the listing", async () => {
    const client = {
      listArtifacts: async () => ({ artifacts: [art("waveplan-t.1", 1)] }),
      downloadArtifact: async () => ({ digestMismatch: true }),
    } as unknown as ArtifactClient;
    const store = new ArtifactCheckpointStore({ attempt: 1, client, tempDir: join(work, "digest") });
    await expect(store.fetch("t")).rejects.toThrow(
      'checkpoint of task "t" rejected: artifact waveplan-t.1 does not match the digest it was uploaded with',
    );
  });
});
