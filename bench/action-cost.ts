// Benchmark 3: the action's per-job cost against the emulated results service, with the real
// @actions/artifact client and the bundled dist/index.js run as a runner would run it:
// - before the task: action start → task start (download, verify and apply N upstream checkpoints),
// - after the task: task end → checkpoint uploaded and the process gone,
// for N = 1, 10, 60, 200 upstream checkpoints; plus cold start and bundle size.
// Run: npx vite-node bench/action-cost.ts
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startResultsService } from "../src/simulate/results-service.js";
import { ACTION, makeRepo, runAction, tempDir } from "../test/action/helpers.js";

const counts = (process.env.BENCH_UPSTREAM ?? "1,10,60,200").split(",").map(Number);
const fixed = (n: number, d = 2) => Number(n.toFixed(d));

function planFor(n: number): string {
  const lines = [
    "version: 1",
    `name: action cost ${n}`,
    "instances:",
    "  I1: { role: Worker }",
    "  I2: { role: Finisher }",
    "waves:",
    "  - id: W0",
    "    tasks:",
  ];
  for (let i = 0; i < n; i++)
    lines.push(`      - id: up${i}`, "        instance: I1", `        run: mkdir -p out && echo ${i} > out/${i}.txt`);
  lines.push("  - id: W1", "    tasks:", "      - id: down", "        instance: I2", "        run: ls out | wc -l > count.txt");
  return `${lines.join("\n")}\n`;
}

/** The checkpoint record of `task` somewhere under `dir` (the job's runner temp). */
function findRecord(dir: string, task: string): { startedAt: string; finishedAt: string } {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name !== "record.json") continue;
    const record = JSON.parse(readFileSync(join(e.parentPath, e.name), "utf8"));
    if (record.task?.id === task) return record;
  }
  throw new Error(`no checkpoint record of ${task} under ${dir}`);
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const service = await startResultsService();
const rows: (string | number)[][] = [];
const results: object[] = [];
try {
  for (const [i, n] of counts.entries()) {
    const root = tempDir(`waveplan-bench-action-${n}-`);
    const repo = makeRepo(root, { "plan.yml": planFor(n), "README.md": "bench\n" });
    const runId = 9000 + i;
    const ids = Array.from({ length: n }, (_, k) => `up${k}`);
    await pool(ids, 4, async (id) => {
      const r = await runAction({ service, repo, root, runId, job: id, inputs: { command: "task", plan: "plan.yml", task: id } });
      if (r.code !== 0) throw new Error(`upstream ${id} failed:\n${r.stdout}\n${r.stderr}`);
    });
    const started = Date.now();
    const r = await runAction({ service, repo, root, runId, job: "down", inputs: { command: "task", plan: "plan.yml", task: "down" } });
    const ended = Date.now();
    if (r.code !== 0) throw new Error(`downstream failed:\n${r.stdout}\n${r.stderr}`);
    // the task's own start and end come from its checkpoint record, left in the job's runner temp
    const record = findRecord(r.temp, "down");
    const taskStart = Date.parse(record.startedAt);
    const taskEnd = Date.parse(record.finishedAt);
    // the clone (actions/checkout's part) happens before the action starts and is not counted
    const before = Number.isNaN(taskStart) ? Number.NaN : taskStart - started;
    const after = Number.isNaN(taskEnd) ? Number.NaN : ended - taskEnd;
    results.push({ upstream: n, beforeTaskMs: before, afterTaskMs: after, jobMs: ended - started });
    rows.push([n, before, after, ended - started]);
  }
} finally {
  await service.close();
}

const cold: number[] = [];
for (let i = 0; i < 5; i++) {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [ACTION], { env: { PATH: process.env.PATH ?? "" } });
  cold.push(Number(process.hrtime.bigint() - t) / 1e6);
}
cold.sort((a, b) => a - b);
// the entry plus the chunks ncc splits off for lazily imported modules (dist/cli is the CLI, not the action)
const dist = join(ACTION, "..");
const bundleKb = Math.round(
  readdirSync(dist)
    .filter((f) => f.endsWith(".js"))
    .reduce((s, f) => s + statSync(join(dist, f)).size, 0) / 1024,
);
const widths = [8, 14, 13, 8];
const line = (c: (string | number)[]) => c.map((x, k) => String(x).padStart(widths[k])).join("  ");
console.log(`\naction per-job cost (bundle ${bundleKb} KiB, cold start median ${fixed(cold[2], 0)} ms)`);
console.log(line(["upstream", "before task ms", "after task ms", "job ms"]));
for (const r of rows) console.log(line(r));
console.log(JSON.stringify({ bench: "action-cost", bundleKb, coldStartMs: fixed(cold[2], 0), results }));
