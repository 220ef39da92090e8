/**
 * The bundled action's `validate` and `task` commands, run as a runner runs them, against the emulated
 * artifact backend with the real @actions/artifact client inside the bundle.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { PLAN, PLAN_FILE, repoFiles, WORKFLOW_FILE } from "./fixture.js";
import {
  asJob,
  cleanup,
  commands,
  craftZip,
  type Job,
  makeRepo,
  type Repo,
  requireActionBundle,
  runAction,
  tempDir,
  uploadRawZip,
} from "./helpers.js";

let service: ResultsService;
let root: string;
let repo: Repo;

beforeAll(async () => {
  requireActionBundle();
  root = tempDir("waveplan-action-");
  service = await startResultsService({ dir: join(root, "results") });
  repo = makeRepo(join(root, "repo"), repoFiles());
});

afterAll(async () => {
  await service?.close();
  cleanup(root);
});

const task = (runId: number, id: string, attempt = 1, extra: Partial<Job> = {}) =>
  runAction({ service, repo, root, runId, attempt, job: id, inputs: { command: "task", plan: PLAN_FILE, task: id }, ...extra });

/** The line of `- id: <task>` in the plan: where a task's annotations must point. */
const lineOf = (id: string) => String(PLAN.split("\n").findIndex((l) => l.includes(`- id: ${id}`)) + 1);

/** Downloads a run's artifact with the real client, as another job of the run would. */
async function download(runId: number, name: string, into: string): Promise<void> {
  await asJob(service, runId, async () => {
    const client = new DefaultArtifactClient();
    const { artifact } = await client.getArtifact(name);
    await client.downloadArtifact(artifact.id, { path: into });
  });
}

describe("validate", () => {
  it("passes when the workflow was compiled from the plan", async () => {
    const r = await runAction({
      service,
      repo,
      root,
      runId: 7000,
      job: "plan",
      inputs: { command: "validate", plan: PLAN_FILE, workflow: WORKFLOW_FILE },
    });
    expect(r.stdout).toContain(`${WORKFLOW_FILE} matches the plan`);
    expect(commands(r.stdout, "error")).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.outputs.status).toBe("success");
  });

  it("fails on a stale workflow with the command that regenerates it", async () => {
    const root2 = join(root, "stale");
    const files = repoFiles();
    // the workflow comes from an older plan: one task's script differed
    const stale = makeRepo(root2, { ...files, [PLAN_FILE]: PLAN.replace('echo "b" > b.txt', 'echo "B" > b.txt') });
    const r = await runAction({
      service,
      repo: stale,
      root: root2,
      runId: 7000,
      job: "plan",
      inputs: { command: "validate", plan: PLAN_FILE, workflow: WORKFLOW_FILE },
    });
    expect(r.code).toBe(1);
    const [error] = commands(r.stdout, "error");
    expect(error.props.file).toBe(WORKFLOW_FILE);
    expect(error.message).toContain(`run \`waveplan compile ${PLAN_FILE} -o ${WORKFLOW_FILE} --action-ref ./\``);
    expect(error.message).toContain("compiled from another version of plans/demo.yml");
  });

  it("reports plan errors as annotations at their line and column", async () => {
    const root3 = join(root, "broken");
    const broken = makeRepo(root3, { ...repoFiles(), [PLAN_FILE]: PLAN.replace("instance: B", "instance: Z") });
    const r = await runAction({
      service,
      repo: broken,
      root: root3,
      runId: 7000,
      job: "plan",
      inputs: { command: "validate", plan: PLAN_FILE, workflow: WORKFLOW_FILE },
    });
    expect(r.code).toBe(1);
    const errors = commands(r.stdout, "error");
    expect(errors.length).toBeGreaterThan(0);
    const line =
      PLAN.replace("instance: B", "instance: Z")
        .split("\n")
        .findIndex((l) => l.includes("instance: Z")) + 1;
    expect(errors[0]).toMatchObject({ props: { file: PLAN_FILE, line: String(line) } });
    expect(errors[0].message).toMatch(/Z/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("task", () => {
  it("runs wave 1, uploads its checkpoint, and wave 2 builds on both changes", async () => {
    const a = await task(7001, "write-a");
    expect(a.code, a.stdout).toBe(0);
    expect(a.outputs).toEqual({ status: "success", checkpoint: "waveplan-write-a.1" });
    expect(a.stdout).toContain("::group::W1 · A · write-a: Write a");
    expect(a.summary).toContain("✅ write-a: Write a");
    expect(a.summary).toContain("`waveplan-write-a.1`");

    const b = await task(7001, "write-b");
    expect(b.code, b.stdout).toBe(0);
    expect(b.outputs.checkpoint).toBe("waveplan-write-b.1");

    const c = await task(7001, "combine");
    expect(c.code, c.stdout).toBe(0);
    expect(c.stdout).toContain("2 upstream checkpoints verified and applied");
    // the task saw a's change, b's change (old.txt gone) and a's git-ignored output
    expect(readFileSync(join(c.workspace, "combined.txt"), "utf8")).toBe("a from attempt 1\nb\nnote of a\n");
    expect(existsSync(join(c.workspace, "old.txt"))).toBe(false);

    const into = join(root, "dl-combine");
    await download(7001, "waveplan-combine.1", into);
    const record = JSON.parse(readFileSync(join(into, "record.json"), "utf8"));
    expect(record).toMatchObject({ status: "success", run: { id: "7001", attempt: 1 }, base: repo.sha, task: { id: "combine" } });
    expect(record.upstream.map((u: { task: string }) => u.task)).toEqual(["write-a", "write-b"]);
    expect(readFileSync(join(into, "change.patch"), "utf8")).toContain("+++ b/combined.txt");
  });

  it("a re-run attempt uploads beside the failed attempt, and downstream picks the newest", async () => {
    const failed = await task(7002, "write-a", 1);
    expect(failed.code).toBe(1);
    expect(failed.outputs).toEqual({ status: "failure", checkpoint: "waveplan-write-a.1" });
    expect(failed.stdout).toContain("flaky failure"); // task output streams into the job log
    const [error] = commands(failed.stdout, "error");
    expect(error.props).toMatchObject({ file: PLAN_FILE, line: lineOf("write-a") });
    expect(error.message).toContain('task "write-a" (A) failed: exited with code 3');
    expect((await task(7002, "write-b", 1)).code).toBe(0);

    // Had combine run in attempt 1, its gate would have refused the failed checkpoint.
    const early = await task(7002, "combine", 1);
    expect(early.code).toBe(1);
    expect(commands(early.stdout, "error")[0].message).toContain('checkpoint of task "write-a" rejected: task failed: exited with code 3');

    // "Re-run failed jobs": attempt 2 re-runs write-a and combine; write-b keeps its attempt-1 artifact.
    const rerun = await task(7002, "write-a", 2);
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(rerun.outputs.checkpoint).toBe("waveplan-write-a.2");
    const c = await task(7002, "combine", 2);
    expect(c.code, c.stdout).toBe(0);
    expect(readFileSync(join(c.workspace, "combined.txt"), "utf8")).toBe("a from attempt 2\nb\nnote of a\n");
  });

  it("fails the gate naming the upstream task when its checkpoint is missing", async () => {
    const r = await task(7003, "combine");
    expect(r.code).toBe(1);
    const [error] = commands(r.stdout, "error");
    expect(error.message).toBe('task "combine" cannot start: upstream task "write-a" has no checkpoint in this run');
    expect(error.props).toMatchObject({ file: PLAN_FILE, line: lineOf("combine") });
    expect(r.outputs.status).toBe("failure");
    expect(r.summary).toContain("#### ⛔ combine: Combine a and b did not run");
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a checkpoint whose patch was edited after upload", async () => {
    expect((await task(7004, "write-a")).code).toBe(0);
    expect((await task(7004, "write-b")).code).toBe(0);
    const into = join(root, "dl-tamper");
    await download(7004, "waveplan-write-b.1", into);
    const patch = readFileSync(join(into, "change.patch"));
    const zip = craftZip([
      { name: "record.json", data: readFileSync(join(into, "record.json")) },
      { name: "change.patch", data: Buffer.from(patch.toString().replace("+b", "+evil")) },
    ]);
    await replaceArtifact(7004, "waveplan-write-b.1", zip);
    const r = await task(7004, "combine");
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toBe(
      'checkpoint of task "write-b" rejected: change.patch does not match the sha256 in the record (edited patch?)',
    );
  });

  it("rejects an artifact whose zip entries try to escape its folder, and nothing lands outside", async () => {
    expect((await task(7005, "write-a")).code).toBe(0);
    expect((await task(7005, "write-b")).code).toBe(0);
    const into = join(root, "dl-escape");
    await download(7005, "waveplan-write-b.1", into);
    const zip = craftZip([
      { name: "record.json", data: readFileSync(join(into, "record.json")) },
      { name: "change.patch", data: readFileSync(join(into, "change.patch")) },
      { name: "../../../escaped.txt", data: "outside" },
      { name: "outputs/../../../../escaped-too.txt", data: "outside" },
    ]);
    await replaceArtifact(7005, "waveplan-write-b.1", zip);
    const r = await task(7005, "combine");
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toMatch(
      // refused by its name as uploaded, before anything is written (checkpoint/unzip.ts)
      /^checkpoint of task "write-b" rejected: artifact waveplan-write-b\.1 contains an unexpected file \.\.\/\.\.\/\.\.\/escaped\.txt /,
    );
    for (const dir of [r.temp, join(r.temp, ".."), join(r.temp, "../.."), r.workspace]) {
      expect(existsSync(join(dir, "escaped.txt"))).toBe(false);
      expect(existsSync(join(dir, "escaped-too.txt"))).toBe(false);
    }
  });

  it("rejects a symlink entry before extracting anything", async () => {
    expect((await task(7006, "write-a")).code).toBe(0);
    expect((await task(7006, "write-b")).code).toBe(0);
    const into = join(root, "dl-link");
    await download(7006, "waveplan-write-b.1", into);
    const zip = craftZip([
      { name: "record.json", data: readFileSync(join(into, "record.json")) },
      { name: "change.patch", data: readFileSync(join(into, "change.patch")) },
      { name: "outputs/link", data: "/etc/passwd", symlink: true },
    ]);
    await replaceArtifact(7006, "waveplan-write-b.1", zip);
    const r = await task(7006, "combine");
    expect(r.code).toBe(1);
    expect(commands(r.stdout, "error")[0].message).toBe(
      'checkpoint of task "write-b" rejected: artifact waveplan-write-b.1 contains outputs/link, which is not a regular file',
    );
  });
});

/** Deletes an artifact of the run and uploads crafted bytes under its name, as a job of the run could. */
async function replaceArtifact(runId: number, name: string, zip: Buffer): Promise<void> {
  await asJob(service, runId, () => new DefaultArtifactClient().deleteArtifact(name));
  await uploadRawZip(service, { runId, job: "attacker" }, name, zip);
}
