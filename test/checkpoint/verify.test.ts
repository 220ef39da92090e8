/**
 * verifyCheckpoint on hand-built checkpoint folders: the honest one passes, and each kind of tamper
 * is refused with its own reason.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKPOINT_SCHEMA, type CheckpointRecord } from "../../src/checkpoint/record.js";
import { CheckpointError, type Expectations, safeRelative, sha256File, verifyCheckpoint } from "../../src/checkpoint/verify.js";
import { tempDir } from "../support/repo.js";

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const PATCH = "diff --git a/a.txt b/a.txt\nnew file mode 100644\n";
const OUTPUT = "report\n";
const UPSTREAM = [{ task: "up", record: "f".repeat(64) }];

const WANT: Expectations = {
  taskId: "t",
  taskHash: "h1",
  runId: "7",
  base: "b".repeat(40),
  planName: "demo",
  planHash: "p1",
  upstream: UPSTREAM,
};

function honestRecord(): CheckpointRecord {
  return {
    schema: CHECKPOINT_SCHEMA,
    plan: { name: "demo", hash: "p1" },
    run: { id: "7", attempt: 1 },
    base: "b".repeat(40),
    task: { id: "t", wave: "W0", instance: "I1", hash: "h1" },
    status: "success",
    exitCode: 0,
    tries: 1,
    startedAt: "2026-01-01T00:00:00Z",
    finishedAt: "2026-01-01T00:00:01Z",
    durationMs: 1000,
    patch: { sha256: sha(PATCH), bytes: PATCH.length, files: ["a.txt"], insertions: 0, deletions: 0 },
    outputs: [{ path: "out/report.txt", sha256: sha(OUTPUT), bytes: OUTPUT.length }],
    upstream: UPSTREAM,
  };
}

/** A checkpoint folder as capture writes it; `tamper` edits the record or the files before it is checked. */
function checkpoint(tamper: { record?: (r: CheckpointRecord) => unknown; files?: (dir: string) => void } = {}): string {
  const dir = tempDir("waveplan-cp-");
  const record = honestRecord();
  const written = tamper.record ? (tamper.record(record) ?? record) : record;
  writeFileSync(join(dir, "record.json"), typeof written === "string" ? written : JSON.stringify(written));
  writeFileSync(join(dir, "change.patch"), PATCH);
  mkdirSync(join(dir, "outputs/out"), { recursive: true });
  writeFileSync(join(dir, "outputs/out/report.txt"), OUTPUT);
  tamper.files?.(dir);
  return dir;
}

async function rejection(dir: string, want: Expectations = WANT): Promise<string> {
  const error = await verifyCheckpoint(dir, want).then(
    () => undefined,
    (e) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  expect(error.message.startsWith('checkpoint of task "t" rejected: ')).toBe(true);
  return (error as CheckpointError).reason;
}

describe("verifyCheckpoint", () => {
  it("accepts the honest checkpoint and returns the sha256 downstream records cite", async () => {
    const dir = checkpoint();
    const v = await verifyCheckpoint(dir, WANT);
    expect(v.record.task.id).toBe("t");
    expect(v.patchFile).toBe(join(dir, "change.patch"));
    expect(v.recordSha256).toBe(sha(JSON.stringify(honestRecord())));
  });

  const cases: [string, Parameters<typeof checkpoint>[0], string | RegExp][] = [
    ["missing record", { files: (d) => rmSync(join(d, "record.json")) }, "record.json is missing"],
    ["missing patch", { files: (d) => rmSync(join(d, "change.patch")) }, "change.patch is missing"],
    [
      "patch is a symbolic link",
      {
        files: (d) => {
          rmSync(join(d, "change.patch"));
          symlinkSync("/etc/hostname", join(d, "change.patch"));
        },
      },
      "change.patch is a symbolic link",
    ],
    [
      "outputs is a symbolic link",
      {
        files: (d) => {
          rmSync(join(d, "outputs"), { recursive: true });
          symlinkSync("/etc", join(d, "outputs"));
        },
      },
      "outputs is a symbolic link",
    ],
    ["record not JSON", { record: () => "{not json" }, "record.json is not valid JSON"],
    ["unknown schema", { record: (r) => ({ ...r, schema: "other/v9" }) }, 'unknown record schema "other/v9"'],
    [
      "malformed",
      { record: (r) => ({ ...r, upstream: [{ task: 1 }] }) },
      "record.json is malformed: upstream must be a list of {task, record}",
    ],
    ["another task", { record: (r) => ({ ...r, task: { ...r.task, id: "u" } }) }, 'record is for task "u"'],
    ["another run", { record: (r) => ({ ...r, run: { id: "6", attempt: 1 } }) }, "record comes from another run (6, expected 7)"],
    ["another base", { record: (r) => ({ ...r, base: "c".repeat(40) }) }, /^record was made on base c+, this run is based on b+$/],
    ["another plan", { record: (r) => ({ ...r, plan: { name: "other", hash: "p1" } }) }, 'record is from plan "other"'],
    ["another plan version", { record: (r) => ({ ...r, plan: { name: "demo", hash: "p2" } }) }, "plan hash differs"],
    [
      "changed task",
      { record: (r) => ({ ...r, task: { ...r.task, hash: "h2" } }) },
      "the task's definition changed since this checkpoint was made",
    ],
    ["failed task", { record: (r) => ({ ...r, status: "failure", error: "exit code 1" }) }, "task failed: exit code 1"],
    ["other upstream tasks", { record: (r) => ({ ...r, upstream: [] }) }, "it was built on upstream tasks (none), the plan says up"],
    [
      "edited upstream record",
      { record: (r) => ({ ...r, upstream: [{ task: "up", record: "e".repeat(64) }] }) },
      'upstream checkpoint of task "up" is not the one it was built on',
    ],
    [
      "edited patch",
      { files: (d) => writeFileSync(join(d, "change.patch"), `${PATCH}+x\n`) },
      "change.patch does not match the sha256 in the record",
    ],
    [
      "edited output",
      { files: (d) => writeFileSync(join(d, "outputs/out/report.txt"), "forged\n") },
      "output out/report.txt does not match its sha256",
    ],
    ["missing output", { files: (d) => rmSync(join(d, "outputs/out/report.txt")) }, "output out/report.txt is missing"],
    [
      "output escaping the folder",
      { record: (r) => ({ ...r, outputs: [{ path: "../../etc/passwd", sha256: "0", bytes: 1 }] }) },
      'output path "../../etc/passwd" escapes the checkpoint',
    ],
    [
      "undeclared file",
      { files: (d) => writeFileSync(join(d, "outputs/extra.bin"), "x") },
      "unexpected file outputs/extra.bin not listed in the record",
    ],
    [
      "output is a symbolic link",
      {
        files: (d) => {
          rmSync(join(d, "outputs/out/report.txt"));
          symlinkSync("/etc/hostname", join(d, "outputs/out/report.txt"));
        },
      },
      "outputs/out/report.txt is a symbolic link",
    ],
  ];

  for (const [name, tamper, reason] of cases)
    it(`refuses: ${name}`, async () => {
      const got = await rejection(checkpoint(tamper));
      if (typeof reason === "string") expect(got).toContain(reason);
      else expect(got).toMatch(reason);
    });

  it("a failed checkpoint still verifies when success is not required (for reports)", async () => {
    const dir = checkpoint({ record: (r) => ({ ...r, status: "failure" }) });
    expect((await verifyCheckpoint(dir, { ...WANT, requireSuccess: false })).record.status).toBe("failure");
  });

  it("a record of the resumed run is accepted with that run's id and base, whatever its plan hash", async () => {
    const resumed = { runId: "6", base: "c".repeat(40) };
    const dir = checkpoint({
      record: (r) => ({ ...r, run: { id: "6", attempt: 2 }, base: resumed.base, plan: { name: "demo", hash: "old" } }),
    });
    expect((await verifyCheckpoint(dir, { ...WANT, alsoFrom: resumed })).record.run.id).toBe("6");
    // ...but not with this run's base, and its task hash still counts
    const wrongBase = checkpoint({ record: (r) => ({ ...r, run: { id: "6", attempt: 2 } }) });
    expect(await rejection(wrongBase, { ...WANT, alsoFrom: resumed })).toMatch(/^record was made on base b+, run 6 is based on c+$/);
    const changed = checkpoint({
      record: (r) => ({ ...r, run: { id: "6", attempt: 2 }, base: resumed.base, task: { ...r.task, hash: "h2" } }),
    });
    expect(await rejection(changed, { ...WANT, alsoFrom: resumed })).toBe("the task's definition changed since this checkpoint was made");
  });
});

describe("safeRelative", () => {
  it("keeps paths inside the folder, in posix form", () => {
    expect(safeRelative("a/./b/../c.txt")).toBe("a/c.txt");
    for (const bad of ["", ".", "..", "../x", "a/../../x", "/etc/passwd", "C:x", "a\\b", "a\0b"])
      expect(safeRelative(bad), bad).toBeUndefined();
  });
});

describe("sha256File", () => {
  it("hashes small files in one read and large ones streamed, to the same digest as the bytes", async () => {
    const dir = tempDir();
    for (const [name, size] of [
      ["empty", 0],
      ["small", 1000],
      ["large", 9 * 1024 * 1024 + 7],
    ] as const) {
      const bytes = Buffer.alloc(size, name);
      writeFileSync(join(dir, name), bytes);
      expect(await sha256File(join(dir, name))).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });
});
