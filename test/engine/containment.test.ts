/**
 * engine/containment.ts on real processes: a process belongs to a scope by the marker in its initial
 * environment (exact value, or a value prefix for a pool's slots) or by a working directory inside the
 * scope's folder; nothing else is found, signalled or killed. Probes are bash processes that start no
 * children (they wait in `read` on a FIFO), record the trapped signals they get, and write their pid
 * once their traps are set, so every wait below is on an event.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ContainmentScope, findContained, killContained, signalContained } from "../../src/engine/containment.js";
import { alive, pidFrom, readOrEmpty, reapTestProcesses, TEST_TOKEN, TEST_TOKEN_ENV, waitFor } from "../support/processes.js";
import { tempDir } from "../support/repo.js";

interface Probe {
  pid: number;
  /** the trapped signals it received, one name a line, in order */
  signals: () => string[];
}

const started: ChildProcess[] = [];
afterEach(async () => {
  await reapTestProcesses(started.splice(0).flatMap((c) => (c.pid ? [c.pid] : [])));
});

let probes = 0;
/** A waiting bash process with `env` added to its environment, in `cwd`; resolves once its traps are set. */
async function probe(env: Record<string, string>, cwd = tempDir()): Promise<Probe> {
  const own = join(tempDir(), `probe-${++probes}`);
  mkdirSync(own);
  const script = [
    `mkfifo '${own}/fifo' && exec 9<>'${own}/fifo'`,
    `trap 'echo TERM >> "${own}/signals"' TERM`,
    `trap 'echo WINCH >> "${own}/signals"' WINCH`,
    `echo $$ > '${own}/pid'`,
    "while :; do read -r -u 9 -t 3600; done",
  ].join("\n");
  const child = spawn("bash", ["-c", script], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", [TEST_TOKEN_ENV]: TEST_TOKEN, ...env },
    detached: true,
    stdio: "ignore",
  });
  started.push(child);
  const pid = await pidFrom(join(own, "pid"));
  const signals = () => readOrEmpty(join(own, "signals")).split("\n").filter(Boolean);
  return { pid, signals };
}

/**
 * Asserts `p` received no signal so far: it is alive, and a SIGWINCH sent now is the first signal it
 * records. (A signal sent to it earlier would be pending or handled before this one, so it would show.)
 */
async function expectUntouched(p: Probe): Promise<void> {
  expect(alive(p.pid)).toBe(true);
  process.kill(p.pid, "SIGWINCH");
  await waitFor(`probe ${p.pid} to record SIGWINCH`, () => p.signals().includes("WINCH"));
  expect(p.signals()).toEqual(["WINCH"]);
}

const sorted = (pids: number[]) => [...pids].sort((a, b) => a - b);

describe("findContained", () => {
  it("finds a process whose environment holds the marker exactly, and none with a similar marker", async () => {
    const marker = `M_${TEST_TOKEN.slice(0, 8)}`;
    const inside = await probe({ [marker]: "turn-1" });
    const similar = await Promise.all([
      probe({ [marker]: "turn-10" }), // longer value
      probe({ [marker]: "turn-" }), // shorter value
      probe({ [`${marker}X`]: "turn-1" }), // longer name
      probe({ [`X${marker}`]: "turn-1" }), // name that ends with the marker's name
      probe({ OTHER: `${marker}=turn-1` }), // the marker as another variable's value
    ]);
    const found = await findContained({ env: marker, value: "turn-1" });
    expect(found).toEqual([inside.pid]);
    for (const p of similar) expect(found).not.toContain(p.pid);
  });

  it("with prefix, finds every value that starts with it (every slot of a pool) and no other", async () => {
    const marker = `P_${TEST_TOKEN.slice(0, 8)}`;
    const slots = await Promise.all([probe({ [marker]: "run1-slot1" }), probe({ [marker]: "run1-slot2" })]);
    const outside = await Promise.all([
      probe({ [marker]: "run10-slot1" }),
      probe({ [marker]: "run" }),
      probe({ OTHER: `${marker}=run1-slot1` }),
    ]);
    const found = await findContained({ env: marker, value: "run1-", prefix: true });
    expect(sorted(found)).toEqual(sorted(slots.map((p) => p.pid)));
    for (const p of outside) expect(found).not.toContain(p.pid);
    // without prefix the same value is an exact match, which none of them is
    expect(await findContained({ env: marker, value: "run1-" })).toEqual([]);
  });

  it("finds a process whose working directory is the scope's folder or inside it, without any marker; not one in a sibling folder whose name starts alike", async () => {
    const root = tempDir();
    const dir = join(root, "slot");
    for (const d of [dir, join(dir, "deep/er"), `${dir}-other`]) mkdirSync(d, { recursive: true });
    const atDir = await probe({}, dir);
    const deeper = await probe({}, join(dir, "deep/er"));
    const sibling = await probe({}, `${dir}-other`);
    const parent = await probe({}, root);
    const found = await findContained({ env: `NONE_${TEST_TOKEN.slice(0, 8)}`, value: "x", dir });
    expect(sorted(found)).toEqual(sorted([atDir.pid, deeper.pid]));
    expect(found).not.toContain(sibling.pid);
    expect(found).not.toContain(parent.pid);
  });

  it("never returns the calling process, even when the scope's folder is its working directory", async () => {
    const mine = await probe({}, process.cwd());
    const found = await findContained({ env: TEST_TOKEN_ENV, value: TEST_TOKEN, dir: process.cwd() });
    expect(found).toContain(mine.pid);
    expect(found).not.toContain(process.pid);
  });

  it("finds nothing when nothing matches", async () => {
    await probe({ SOME: "thing" });
    expect(await findContained({ env: `ABSENT_${TEST_TOKEN.slice(0, 8)}`, value: "v", dir: join(tempDir(), "nowhere") })).toEqual([]);
  });
});

describe("signalContained", () => {
  it("sends the signal to every process of the scope (by marker and by folder) and to no other", async () => {
    const marker = `S_${TEST_TOKEN.slice(0, 8)}`;
    const dir = tempDir();
    const scope: ContainmentScope = { env: marker, value: "task-a", dir };
    const byMarker = await probe({ [marker]: "task-a" });
    const byFolder = await probe({}, dir);
    const similar = await probe({ [marker]: "task-ab" });
    const elsewhere = await probe({ [marker]: "task-b" });
    await signalContained(scope, "SIGTERM");
    for (const p of [byMarker, byFolder]) await waitFor(`probe ${p.pid} to record SIGTERM`, () => p.signals().includes("TERM"));
    expect(byMarker.signals()).toEqual(["TERM"]);
    expect(byFolder.signals()).toEqual(["TERM"]);
    await expectUntouched(similar);
    await expectUntouched(elsewhere);
  });

  it("does nothing (and does not fail) when no process matches", async () => {
    const bystander = await probe({ S: "x" });
    await expect(signalContained({ env: `ABSENT_${TEST_TOKEN.slice(0, 8)}`, value: "v" }, "SIGTERM")).resolves.toBeUndefined();
    await expectUntouched(bystander);
  });
});

describe("killContained", () => {
  it("kills every process of the scope, counts them, and leaves a process with a similar marker running", async () => {
    const marker = `K_${TEST_TOKEN.slice(0, 8)}`;
    const dir = tempDir();
    const victims = await Promise.all([probe({ [marker]: "pool-1" }), probe({ [marker]: "pool-2" }), probe({}, dir)]);
    const survivor = await probe({ [marker]: "pool1" });
    const scope: ContainmentScope = { env: marker, value: "pool-", prefix: true, dir };
    // each process once, also one still being torn down when the next pass scans
    expect(await killContained(scope)).toBe(victims.length);
    for (const p of victims) expect(alive(p.pid)).toBe(false);
    expect(await findContained(scope)).toEqual([]);
    await expectUntouched(survivor);
  });

  it("kills processes that ignore SIGTERM and ones that left the process group and session with setsid", async () => {
    const marker = `E_${TEST_TOKEN.slice(0, 8)}`;
    const out = tempDir();
    // the parent ignores TERM and starts an escapee in a new session, then waits
    const child = spawn(
      "bash",
      [
        "-c",
        `trap '' TERM; setsid bash -c 'echo $$ > ${out}/escapee; exec sleep 1000' < /dev/null > /dev/null 2>&1 & echo $$ > ${out}/parent; wait`,
      ],
      { env: { PATH: process.env.PATH ?? "", [TEST_TOKEN_ENV]: TEST_TOKEN, [marker]: "t" }, detached: true, stdio: "ignore" },
    );
    started.push(child);
    const parent = await pidFrom(join(out, "parent"));
    const escapee = await pidFrom(join(out, "escapee"));
    // the escapee is in a session (and group) of its own: killing the task's group would miss it
    await waitFor("the escapee to exec sleep", () => readOrEmpty(`/proc/${escapee}/comm`).trim() === "sleep");
    const sid = (pid: number) => Number(readOrEmpty(`/proc/${pid}/stat`).split(") ")[1].split(" ")[3]);
    expect(sid(escapee)).not.toBe(sid(parent));
    expect(await killContained({ env: marker, value: "t" })).toBeGreaterThanOrEqual(2);
    expect(alive(parent)).toBe(false);
    expect(alive(escapee)).toBe(false);
  });

  it("keeps killing until no process is left when the scope keeps forking new ones", async () => {
    const marker = `F_${TEST_TOKEN.slice(0, 8)}`;
    const out = tempDir();
    // each forker starts a new escapee every few ms: one pass of kills can miss a process forked meanwhile
    const forker = `while :; do setsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $! >> ${out}/children; sleep 0.01; done`;
    for (const name of ["a", "b"]) {
      const child = spawn("bash", ["-c", `echo $$ > ${out}/${name}; ${forker}`], {
        env: { PATH: process.env.PATH ?? "", [TEST_TOKEN_ENV]: TEST_TOKEN, [marker]: "forks" },
        detached: true,
        stdio: "ignore",
      });
      started.push(child);
    }
    const forkers = [await pidFrom(join(out, "a")), await pidFrom(join(out, "b"))];
    await waitFor("a few children", () => readOrEmpty(join(out, "children")).split("\n").filter(Boolean).length >= 4);
    expect(await killContained({ env: marker, value: "forks" })).toBeGreaterThanOrEqual(4);
    expect(await findContained({ env: marker, value: "forks" })).toEqual([]);
    for (const pid of forkers) expect(alive(pid)).toBe(false);
    const children = readOrEmpty(join(out, "children")).split("\n").filter(Boolean).map(Number);
    for (const pid of children) expect(alive(pid), `child ${pid}`).toBe(false);
  });

  it("returns 0 and touches nothing when no process matches", async () => {
    const bystander = await probe({ K: "x" });
    expect(await killContained({ env: `ABSENT_${TEST_TOKEN.slice(0, 8)}`, value: "v", dir: join(tempDir(), "nowhere") })).toBe(0);
    await expectUntouched(bystander);
  });
});
