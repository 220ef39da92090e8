// Benchmark (issue 14, local runner rows): the cost per wave of `waveplan run` over the ideal, next to
// a bash `&`/`wait` loop doing the same tasks in one folder (no isolation, no checkpoints), on the
// 6 waves x 4 tasks of `sleep 0.4` shape at 1k / 10k / 50k files; then the quick-start example's
// measured speedup next to the best speedup its shape allows. Every figure comes from this one run.
// The merge-heavy variant (issue 23) is the same shape with every task editing its own line of one
// shared file, so each wave's four changes are combined by a three-way merge; it runs warm, right
// after the plain plan, and its per-wave overhead is printed next to the plain one.
// BENCH_SPEED_SIZES=1000,10000 skips 50k; the 50k repository is made once and kept in
// $TMPDIR/waveplan-bench-cache-50000 (each run resets it to its first commit).
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, fixed, makeRepo, printTable, root, run, timed } from "./lib.mjs";

const WAVES = 6;
const WIDTH = 4;
const TASK_SECONDS = 0.4;
const sizes = (process.env.BENCH_SPEED_SIZES ?? "1000,10000,50000").split(",").map(Number);
const idealMs = WAVES * TASK_SECONDS * 1000;
const git = (cwd, ...args) => run("git", args, { cwd }).stdout.trim();

const task = (w, t) => `sleep ${TASK_SECONDS} && mkdir -p out && echo ${w}-${t} > out/W${w}-${t}.txt`;
// each task rewrites its own line of shared.txt; two untouched lines between any two keep the edits apart
const mergeTask = (w, t) => `sleep ${TASK_SECONDS} && sed -i 's/^slot ${w}-${t}$/done ${w}-${t}/' shared.txt`;
function sharedFile() {
  const lines = [];
  for (let w = 0; w < WAVES; w++) for (let t = 0; t < WIDTH; t++) lines.push(`slot ${w}-${t}`, `keep ${w}-${t} a`, `keep ${w}-${t} b`);
  return `${lines.join("\n")}\n`;
}

function planYaml(body = task) {
  const lines = ["version: 1", "name: speed", "instances:"];
  for (let i = 1; i <= WIDTH; i++) lines.push(`  I${i}: { role: Worker ${i} }`);
  lines.push("waves:");
  for (let w = 0; w < WAVES; w++) {
    lines.push(`  - id: W${w}`, "    tasks:");
    for (let t = 0; t < WIDTH; t++) lines.push(`      - instance: I${t + 1}`, `        run: ${JSON.stringify(body(w, t))}`);
  }
  return `${lines.join("\n")}\n`;
}

function bashScript() {
  const lines = ["set -e"];
  for (let w = 0; w < WAVES; w++) {
    for (let t = 0; t < WIDTH; t++) lines.push(`(${task(w, t)}) &`);
    lines.push("wait");
  }
  return `${lines.join("\n")}\n`;
}

/** A committed repository of `files` files plus the plan, reset to that commit; big ones are cached. */
function repoWith(files) {
  const cached = join(tmpdir(), `waveplan-bench-cache-${files}`);
  if (files >= 50000 && existsSync(join(cached, ".git"))) {
    git(cached, "checkout", "-q", "-f", "main");
    git(cached, "reset", "-q", "--hard", git(cached, "rev-list", "--max-parents=0", "HEAD"));
    git(cached, "clean", "-qffdx");
  } else {
    const dir = makeRepo(files);
    if (files < 50000) return withPlan(dir);
    rmSync(cached, { recursive: true, force: true });
    renameSync(dir, cached);
  }
  return withPlan(cached);
}

function withPlan(dir) {
  writeFileSync(join(dir, "plan.yml"), planYaml());
  writeFileSync(join(dir, "merge-plan.yml"), planYaml(mergeTask).replace("name: speed", "name: speed-merge"));
  writeFileSync(join(dir, "shared.txt"), sharedFile());
  writeFileSync(join(dir, "orchestrate.sh"), bashScript());
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "plan");
  return dir;
}

// Each size: the bash loop, then waveplan's first run in the repository (cold: it makes its slots, one
// full checkout per concurrent task) and its next run of the same plan from the same base (warm: the
// slots kept by the first run are adopted; what a user sees from the second run on).
const rows = [];
const results = [];
const perWave = (ms) => (ms - idealMs) / WAVES;
for (const files of sizes) {
  const repo = repoWith(files);
  const base = git(repo, "rev-parse", "HEAD");
  const bash = timed(() => run("bash", ["orchestrate.sh"], { cwd: repo }));
  git(repo, "clean", "-qffdx");
  const cold = timed(() => run("node", [cli, "run", "plan.yml"], { cwd: repo }));
  git(repo, "reset", "-q", "--hard", base);
  const warm = timed(() => run("node", [cli, "run", "plan.yml"], { cwd: repo }));
  git(repo, "reset", "-q", "--hard", base);
  // a waveplan without merges stops at the first wave's conflict: no figure
  const merge = (() => {
    try {
      return timed(() => run("node", [cli, "run", "merge-plan.yml"], { cwd: repo }));
    } catch {
      return undefined;
    }
  })();
  results.push({
    files,
    bashMs: Math.round(bash.ms),
    idealMs,
    coldMs: Math.round(cold.ms),
    warmMs: Math.round(warm.ms),
    coldOverheadPerWaveMs: Math.round(perWave(cold.ms)),
    warmOverheadPerWaveMs: Math.round(perWave(warm.ms)),
    mergeWarmMs: merge && Math.round(merge.ms),
    mergeOverheadPerWaveMs: merge && Math.round(perWave(merge.ms)),
    bashOverheadPerWaveMs: Math.round(perWave(bash.ms)),
  });
  if (files < 50000) rmSync(repo, { recursive: true, force: true });
}
const base = results.find((r) => r.files === 1000) ?? results[0];
for (const r of results) {
  r.warmVs1k = fixed(r.warmOverheadPerWaveMs / base.warmOverheadPerWaveMs, 2);
  r.coldVs1k = fixed(r.coldOverheadPerWaveMs / base.coldOverheadPerWaveMs, 2);
  rows.push([
    r.files,
    fixed(r.bashMs / 1000),
    fixed(idealMs / 1000),
    fixed(r.coldMs / 1000),
    fixed(r.warmMs / 1000),
    r.bashOverheadPerWaveMs,
    r.coldOverheadPerWaveMs,
    r.warmOverheadPerWaveMs,
    r.coldVs1k,
    r.warmVs1k,
    r.mergeOverheadPerWaveMs ?? "conflict",
  ]);
}
printTable(
  `local runner per wave: ${WAVES} waves x ${WIDTH} tasks of sleep ${TASK_SECONDS}s (target: <= 150 ms/wave at 1k; 10k <= 2x, 50k <= 4x the 1k figure); cold = first run in the repository, warm = the next run; merge warm = the same shape with every task of a wave editing one shared file (merged each wave), run after warm`,
  [
    "files",
    "bash s",
    "ideal s",
    "cold s",
    "warm s",
    "bash ms/wave",
    "cold ms/wave",
    "warm ms/wave",
    "cold x 1k",
    "warm x 1k",
    "merge warm ms/wave",
  ],
  rows,
);

// The quick start as a new user runs it (examples/auth-integration/run.sh), into a scratch folder
// (BENCH_SPEED_QUICKSTART=0 skips it, e.g. when BENCH_CLI points at another build: it runs this one).
if (process.env.BENCH_SPEED_QUICKSTART === "0") {
  console.log(JSON.stringify({ bench: "runner-speed", results }));
  process.exit(0);
}
const scratch = mkdtempSync(join(tmpdir(), "waveplan-bench-quickstart-"));
mkdirSync(scratch, { recursive: true });
const out = run("bash", [join(root, "examples/auth-integration/run.sh"), join(scratch, "repo")], { cwd: root }).stdout;
const m = /measured speedup ([\d.]+)x(?: \(the plan's shape allows at most ([\d.]+)x)?/.exec(out);
const wall = /wall time (\S+) vs (\S+) of task time/.exec(out);
const quick = {
  measuredSpeedup: m ? Number(m[1]) : undefined,
  shapeAllows: m?.[2] ? Number(m[2]) : undefined,
  wall: wall?.[1],
  taskTime: wall?.[2],
};
rmSync(scratch, { recursive: true, force: true });
printTable(
  "quick start (npm run example): measured speedup (target >= 1.2x)",
  ["wall", "task time", "measured speedup", "shape allows"],
  [[quick.wall ?? "?", quick.taskTime ?? "?", `${quick.measuredSpeedup ?? "?"}x`, `${quick.shapeAllows ?? "?"}x`]],
);
console.log(JSON.stringify({ bench: "runner-speed", results, quickStart: quick }));
