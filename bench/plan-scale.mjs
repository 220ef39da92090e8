// Benchmark 2: validate and compile plans of 10 to 10k tasks. Reports CPU time (user + sys) of the
// CLI process per task and the growth ratio t(10k)/t(1k): linear is 10.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, fixed, printTable, run, tempDir } from "./lib.mjs";

const sizes = (process.env.BENCH_TASKS ?? "10,100,1000,10000").split(",").map(Number);
const dir = tempDir("scale");
run("git", ["init", "-q"], { cwd: dir });

function plan(tasks) {
  const perWave = Math.min(200, Math.max(1, Math.ceil(tasks / 12)));
  const instances = Math.max(15, perWave); // one task per instance and wave: no overbooking warnings
  const lines = ["version: 1", `name: scale ${tasks}`, "instances:"];
  for (let i = 1; i <= instances; i++) lines.push(`  I${i}: { role: Worker ${i} }`);
  lines.push("waves:");
  for (let made = 0, w = 0; made < tasks; w++) {
    lines.push(`  - id: W${w}`, `    estimate: ${1 + (w % 9)}m`, "    tasks:");
    for (let t = 0; t < perWave && made < tasks; t++, made++) {
      lines.push(
        `      - id: T${made}`,
        `        instance: I${(made % instances) + 1}`,
        `        title: task ${made}`,
        `        run: echo ${made} > out/${made}.txt`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** CPU seconds (user + sys) of one CLI invocation, measured by bash's `times`-based TIMEFORMAT. */
function cpu(args) {
  const r = run("bash", ["-c", `TIMEFORMAT='%U %S'; { time node ${cli} ${args} > /dev/null; } 2>&1 | tail -1`], { cwd: dir });
  const [user, sys] = r.stdout.trim().split(/\s+/).map(Number);
  return user + sys;
}

const rows = [];
const results = [];
const baseline = cpu("--version"); // node start-up, reported separately
for (const n of sizes) {
  const file = join(dir, `plan-${n}.yml`);
  writeFileSync(file, plan(n));
  const v = cpu(`validate plan-${n}.yml`);
  const c = cpu(`compile plan-${n}.yml -o .github/workflows/p${n}.yml`);
  results.push({ tasks: n, validateS: fixed(v, 3), compileS: fixed(c, 3), perTaskMs: fixed(((v + c - 2 * baseline) / n) * 1000, 3) });
  rows.push([n, fixed(v, 3), fixed(c, 3), fixed(((v + c - 2 * baseline) / n) * 1000, 3)]);
}
printTable(
  `plan scale: CPU seconds per CLI process (node start-up alone: ${fixed(baseline, 3)} s)`,
  ["tasks", "validate s", "compile s", "ms/task (net)"],
  rows,
);
const t1k = results.find((r) => r.tasks === 1000);
const t10k = results.find((r) => r.tasks === 10000);
const ratio =
  t1k && t10k ? fixed((t10k.validateS + t10k.compileS - 2 * baseline) / (t1k.validateS + t1k.compileS - 2 * baseline)) : undefined;
if (ratio !== undefined)
  console.log(`t(10k)/t(1k) = ${ratio} (linear = 10); 10k tasks validate+compile = ${fixed(t10k.validateS + t10k.compileS, 2)} s CPU`);
console.log(JSON.stringify({ bench: "plan-scale", baselineS: fixed(baseline, 3), ratio10kTo1k: ratio, results }));
