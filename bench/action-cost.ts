// Benchmark 3: the action's per-job cost against the emulated results service, with the real
// @actions/artifact client and the bundled action run as a runner would run it:
// - before the task: action start → task start (download, verify and apply N upstream checkpoints),
// - after the task: task end → checkpoint uploaded and the process gone,
// for N = 1, 10, 60, 200 upstream checkpoints; plus cold start and bundle size.
// BENCH_ACTIONS=a.js,b.js compares bundles in one run (the machine's load changes from minute to
// minute, so only ratios measured side by side mean anything): for each N the same upstream
// checkpoints are consumed by each bundle in turn, BENCH_REPEAT times (default 3), medians reported.
// Run: npx vite-node bench/action-cost.ts
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { startResultsService } from "../src/simulate/results-service.js";
import { ACTION, makeRepo, runAction, tempDir } from "../test/action/helpers.js";

const counts = (process.env.BENCH_UPSTREAM ?? "1,10,60,200").split(",").map(Number);
const actions = (process.env.BENCH_ACTIONS ?? ACTION).split(",").map((a) => resolve(a.trim()));
const repeat = Number(process.env.BENCH_REPEAT ?? 3);
const fixed = (n: number, d = 2) => Number(n.toFixed(d));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * N parallel upstream tasks, each on its own instance (one instance for all of them is a plan that
 * validates with N−1 "instance-overbooked" warnings, whose source positions every job would compute),
 * and the downstream task that consumes them all.
 */
function planFor(n: number): string {
  const lines = [`version: 1`, `name: action cost ${n}`, "instances:", "  F: { role: Finisher }"];
  for (let i = 0; i < n; i++) lines.push(`  W${i}: { role: Worker }`);
  lines.push("waves:", "  - id: W0", "    tasks:");
  for (let i = 0; i < n; i++)
    lines.push(`      - id: up${i}`, `        instance: W${i}`, `        run: mkdir -p out && echo ${i} > out/${i}.txt`);
  lines.push("  - id: W1", "    tasks:", "      - id: down", "        instance: F", "        run: ls out | wc -l > count.txt");
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

/** The action's files: the entry plus any chunks ncc split off beside it (dist/cli is the CLI). */
function bundleKb(action: string): number {
  const dir = dirname(action);
  return Math.round(
    readdirSync(dir)
      .filter((f) => f.endsWith(".js") || f.endsWith(".mjs"))
      .reduce((s, f) => s + statSync(join(dir, f)).size, 0) / 1024,
  );
}

const service = await startResultsService();
const samples = new Map<string, { before: number[]; after: number[]; job: number[] }>();
const key = (action: string, n: number) => `${action}\n${n}`;
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
    for (let rep = 0; rep < repeat; rep++) {
      for (const [k, action] of actions.entries()) {
        // each downstream job is its own attempt: artifacts are immutable per name within a run
        const attempt = rep * actions.length + k + 1;
        const inputs = { command: "task", plan: "plan.yml", task: "down" };
        const started = Date.now();
        const r = await runAction({ service, repo, root, runId, attempt, job: `down-${attempt}`, inputs, action });
        const ended = Date.now();
        if (r.code !== 0) throw new Error(`downstream failed with ${action}:\n${r.stdout}\n${r.stderr}`);
        // the task's own start and end come from its checkpoint record, left in the job's runner temp
        const record = findRecord(r.temp, "down");
        const s = samples.get(key(action, n)) ?? { before: [], after: [], job: [] };
        // the clone (actions/checkout's part) happens before the action starts and is not counted
        s.before.push(Date.parse(record.startedAt) - started);
        s.after.push(ended - Date.parse(record.finishedAt));
        s.job.push(ended - started);
        samples.set(key(action, n), s);
      }
    }
  }
} finally {
  await service.close();
}

const results: object[] = [];
for (const action of actions) {
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, [action], { env: { PATH: process.env.PATH ?? "" } });
    cold.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const kb = bundleKb(action);
  const widths = [8, 14, 13, 8];
  const line = (c: (string | number)[]) => c.map((x, k) => String(x).padStart(widths[k])).join("  ");
  console.log(
    `\n${relative(process.cwd(), action) || action}: bundle ${kb} KiB, cold start median ${fixed(median(cold), 0)} ms (medians of ${repeat})`,
  );
  console.log(line(["upstream", "before task ms", "after task ms", "job ms"]));
  for (const n of counts) {
    const s = samples.get(key(action, n));
    if (!s) continue;
    console.log(line([n, median(s.before), median(s.after), median(s.job)]));
    results.push({ action, upstream: n, beforeTaskMs: median(s.before), afterTaskMs: median(s.after), jobMs: median(s.job) });
  }
  results.push({ action, bundleKb: kb, coldStartMs: fixed(median(cold), 0) });
}
console.log(JSON.stringify({ bench: "action-cost", results }));
