/**
 * Tampering on the artifact path (issue 7 item 4): checkpoints forged between jobs of a run are
 * rejected by the bundled action naming the task and the reason, and final-commit never lands.
 * (Archive entries with `../`, absolute paths and symlinks, and an edited patch, are in
 * test/action/task.test.ts.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { PLAN, PLAN_FILE, repoFiles } from "../action/fixture.js";
import {
  asJob,
  cleanup,
  commands,
  craftZip,
  git,
  makeRepo,
  type Repo,
  requireActionBundle,
  runAction,
  tempDir,
  uploadRawZip,
} from "../action/helpers.js";

let service: ResultsService;
let root: string;
let repo: Repo;
const ALL_SUCCESS = JSON.stringify({ plan: { result: "success" }, W1: { result: "success" }, W2: { result: "success" } });

beforeAll(async () => {
  requireActionBundle();
  root = tempDir("waveplan-artifact-tamper-");
  service = await startResultsService({ dir: join(root, "results") });
  repo = makeRepo(join(root, "repo"), repoFiles());
});

afterAll(async () => {
  await service?.close();
  cleanup(root);
});

const task = (runId: number, id: string, r: Repo = repo) =>
  runAction({ service, repo: r, root, runId, job: id, inputs: { command: "task", plan: PLAN_FILE, task: id } });
const finalize = (runId: number) =>
  runAction({
    service,
    repo,
    root,
    runId,
    job: "final-commit",
    inputs: { command: "finalize", plan: PLAN_FILE, needs: ALL_SUCCESS, land: "true", token: "ghs_tamperTest0123456789" },
  });

async function download(runId: number, name: string, into: string): Promise<{ record: Buffer; patch: Buffer }> {
  await asJob(service, runId, async () => {
    const client = new DefaultArtifactClient();
    const { artifact } = await client.getArtifact(name);
    await client.downloadArtifact(artifact.id, { path: into });
  });
  return { record: readFileSync(join(into, "record.json")), patch: readFileSync(join(into, "change.patch")) };
}

async function replace(runId: number, name: string, files: { record: Buffer; patch: Buffer }): Promise<void> {
  await asJob(service, runId, () => new DefaultArtifactClient().deleteArtifact(name).then(() => undefined));
  await uploadRawZip(
    service,
    { runId, job: "attacker" },
    name,
    craftZip([
      { name: "record.json", data: files.record },
      { name: "change.patch", data: files.patch },
    ]),
  );
}

function edit(record: Buffer, change: (r: Record<string, unknown>) => void): Buffer {
  const r = JSON.parse(record.toString());
  change(r);
  return Buffer.from(JSON.stringify(r, null, 2));
}

describe("forged checkpoints on the artifact path", () => {
  it("an edited record that downstream already consumed: final-commit finds the broken chain and lands nothing", async () => {
    for (const id of ["write-a", "write-b", "combine"]) expect((await task(9101, id)).code).toBe(0);
    const b = await download(9101, "waveplan-write-b.1", join(root, "dl-record"));
    // consistent with its own patch, so only the record hash cited by "combine" can tell
    await replace(9101, "waveplan-write-b.1", { ...b, record: edit(b.record, (r) => (r.durationMs = 1)) });
    const r = await finalize(9101);
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toMatch(/^checkpoint of task "combine" rejected: .*write-b/);
    expect(git(repo.origin, "rev-parse", "main")).toBe(repo.sha);
  });

  it("a checkpoint copied from another run is rejected at the gate", async () => {
    expect((await task(9102, "write-a")).code).toBe(0);
    expect((await task(9102, "write-b")).code).toBe(0);
    expect((await task(9103, "write-a")).code).toBe(0);
    const copied = await download(9102, "waveplan-write-b.1", join(root, "dl-copy"));
    await uploadRawZip(
      service,
      { runId: 9103, job: "attacker" },
      "waveplan-write-b.1",
      craftZip([
        { name: "record.json", data: copied.record },
        { name: "change.patch", data: copied.patch },
      ]),
    );
    const r = await task(9103, "combine");
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toBe(
      'checkpoint of task "write-b" rejected: record comes from another run (9102, expected 9103)',
    );
  });

  it("a checkpoint made under another version of the plan is rejected at the gate", async () => {
    // the same run id on a repository whose plan differs in write-b's script
    const other = makeRepo(join(root, "other"), repoFiles(PLAN.replace('echo "b" > b.txt', 'echo "B" > b.txt')));
    expect((await task(9104, "write-a")).code).toBe(0);
    expect((await task(9104, "write-b", other)).code).toBe(0);
    const r = await task(9104, "combine");
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toMatch(
      /^checkpoint of task "write-b" rejected: (record was made on base|record is from another version of the plan)/,
    );
  });

  it("a forged attempt number in the artifact name does not shadow the real checkpoint", async () => {
    expect((await task(9105, "write-a")).code).toBe(0);
    expect((await task(9105, "write-b")).code).toBe(0);
    const b = await download(9105, "waveplan-write-b.1", join(root, "dl-attempt"));
    // "attempt 7" does not exist yet in attempt 1 of the run: a job of attempt 1 must ignore it
    await uploadRawZip(
      service,
      { runId: 9105, job: "attacker" },
      "waveplan-write-b.7",
      craftZip([
        { name: "record.json", data: edit(b.record, (r) => (r.status = "success")) },
        { name: "change.patch", data: Buffer.from("garbage") },
      ]),
    );
    const r = await task(9105, "combine");
    expect(r.code, r.stdout).toBe(0);
  });
});
