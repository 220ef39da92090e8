// Benchmark: what the task sandbox (src/sandbox/) costs per task. Two views from one run, side by side
// with `sandbox: off`:
//   1. the process alone: `bash -c true` spawned bare and inside bwrap with waveplan's options (the
//      namespaces and mounts; the private home and the unshare fallback's mount script are in 2.);
//   2. end to end: `waveplan run` of WAVES x WIDTH tasks that each write one file, sandboxed (bwrap,
//      unshare) and not; the per-task cost is the difference in wall time over the number of tasks
//      (WIDTH tasks run at once, so this is wall time added per task, not CPU), and the median of the
//      tasks' own durations (record.json durationMs: from the task's start to its last process gone,
//      sandbox set-up and private home included), which a busy machine blurs less than wall time.
// Rounds alternate the variants so a busy machine weighs on each alike; medians are printed.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, fixed, makeRepo, printTable, run, tempDir, timed } from "./lib.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SPAWNS = Number(process.env.BENCH_SPAWNS ?? 50);
const WAVES = 3;
const WIDTH = 4;
const TASKS = WAVES * WIDTH;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// 1. the process alone
const bwrapArgs = [
  "--ro-bind",
  "/",
  "/",
  "--dev",
  "/dev",
  "--proc",
  "/proc",
  "--tmpfs",
  "/tmp",
  "--unshare-pid",
  "--unshare-ipc",
  "--die-with-parent",
  "--cap-drop",
  "ALL",
  "--",
];
const spawnVariants = {
  bare: () => run("bash", ["-c", "true"]),
  bwrap: () => run("bwrap", [...bwrapArgs, "bash", "-c", "true"]),
};
const spawnMs = Object.fromEntries(Object.keys(spawnVariants).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++)
  for (const [k, fn] of Object.entries(spawnVariants))
    spawnMs[k].push(
      timed(() => {
        for (let i = 0; i < SPAWNS; i++) fn();
      }).ms / SPAWNS,
    );
const spawn = Object.fromEntries(Object.entries(spawnMs).map(([k, v]) => [k, median(v)]));
printTable(
  `one process (bash -c true), median of ${ROUNDS} rounds of ${SPAWNS}`,
  ["variant", "ms/process", "vs bare", "added ms"],
  Object.entries(spawn).map(([k, ms]) => [k, fixed(ms), fixed(ms / spawn.bare), fixed(ms - spawn.bare)]),
);

// 2. end to end
function planFile(sandbox) {
  const waves = Array.from({ length: WAVES }, (_, w) => ({
    id: `W${w + 1}`,
    tasks: Array.from({ length: WIDTH }, (_, t) => ({ id: `t${w}-${t}`, instance: `I${t}`, run: `echo ${w}-${t} > out-${w}-${t}.txt` })),
  }));
  const instances = Object.fromEntries(Array.from({ length: WIDTH }, (_, t) => [`I${t}`, { role: `r${t}` }]));
  const file = join(tempDir("plan"), `plan-${sandbox}.json`);
  writeFileSync(
    file,
    JSON.stringify({ version: 1, name: "sandbox bench", instances, ...(sandbox === "off" ? { sandbox: "off" } : {}), waves }),
  );
  return file;
}
const e2eVariants = { off: "off", bwrap: "bwrap", unshare: "unshare" };
const e2eMs = Object.fromEntries(Object.keys(e2eVariants).map((k) => [k, []]));
const taskMs = Object.fromEntries(Object.keys(e2eVariants).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++)
  for (const k of Object.keys(e2eVariants)) {
    const repo = makeRepo(1000);
    const plan = planFile(k);
    const env = { ...process.env, WAVEPLAN_SANDBOX: k === "unshare" ? "unshare" : "" };
    e2eMs[k].push(timed(() => run("node", [cli, "run", plan, "--branch", "bench"], { cwd: repo, env })).ms);
    const runs = join(repo, ".waveplan", "runs");
    for (const id of readdirSync(runs))
      for (const t of readdirSync(join(runs, id, "checkpoints")))
        taskMs[k].push(JSON.parse(readFileSync(join(runs, id, "checkpoints", t, "record.json"), "utf8")).durationMs);
  }
const e2e = Object.fromEntries(Object.entries(e2eMs).map(([k, v]) => [k, median(v)]));
const task = Object.fromEntries(Object.entries(taskMs).map(([k, v]) => [k, median(v)]));
printTable(
  `waveplan run, ${WAVES} waves x ${WIDTH} tasks (1k-file repository), median of ${ROUNDS}`,
  ["sandbox", "wall ms", "vs off", "added wall ms/task", "task ms (median)", "vs off", "added ms/task"],
  Object.entries(e2e).map(([k, ms]) => [
    k,
    fixed(ms),
    fixed(ms / e2e.off),
    fixed((ms - e2e.off) / TASKS),
    fixed(task[k]),
    fixed(task[k] / task.off),
    fixed(task[k] - task.off),
  ]),
);
console.log(
  JSON.stringify({
    bench: "sandbox",
    spawnMs: Object.fromEntries(Object.entries(spawn).map(([k, v]) => [k, fixed(v)])),
    runMs: Object.fromEntries(Object.entries(e2e).map(([k, v]) => [k, fixed(v)])),
    taskMs: Object.fromEntries(Object.entries(task).map(([k, v]) => [k, fixed(v)])),
    addedMsPerTask: { bwrap: fixed(task.bwrap - task.off), unshare: fixed(task.unshare - task.off) },
    addedWallMsPerTask: { bwrap: fixed((e2e.bwrap - e2e.off) / TASKS), unshare: fixed((e2e.unshare - e2e.off) / TASKS) },
  }),
);
