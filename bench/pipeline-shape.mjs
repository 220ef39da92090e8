// Benchmark 4: the shape of the compiled pipeline on GitHub. From the plan's own estimates plus a
// per-job start-up cost, `waveplan stats --job-overhead` estimates the wall time of the workflow;
// this prints it next to the sequential sum and the ideal (critical path) for the example plan.
import { cli, fixed, printTable, root, run } from "./lib.mjs";

const plan = process.env.BENCH_PLAN ?? "examples/auth-integration/plan.yml";
const overheads = (process.env.BENCH_JOB_OVERHEAD ?? "0s,25s,60s").split(",");
const rows = [];
const results = [];
for (const o of overheads) {
  const s = JSON.parse(run("node", [cli, "stats", plan, "--json", "--job-overhead", o], { cwd: root }).stdout);
  const t = s.totals;
  const pipeline = t.pipelineMs ?? t.criticalPathMs;
  results.push({
    jobOverhead: o,
    pipelineMs: pipeline,
    criticalPathMs: t.criticalPathMs,
    sequentialMs: t.sequentialMs,
    vsSequential: fixed(pipeline / t.sequentialMs, 3),
    vsIdeal: fixed(pipeline / t.criticalPathMs, 3),
  });
  rows.push([
    o,
    fixed(pipeline / 60000, 1),
    fixed(t.criticalPathMs / 60000, 1),
    fixed(t.sequentialMs / 60000, 1),
    fixed(pipeline / t.criticalPathMs),
    fixed(t.sequentialMs / pipeline),
  ]);
}
printTable(
  `pipeline shape on GitHub for ${plan} (minutes, from the plan's estimates)`,
  ["job overhead", "pipeline", "ideal", "sequential", "pipeline/ideal", "speedup vs sequential"],
  rows,
);
console.log(JSON.stringify({ bench: "pipeline-shape", plan, results }));
