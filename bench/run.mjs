// `npm run bench`: every benchmark in turn. Each prints one table and one JSON line.
import { spawnSync } from "node:child_process";

const benches = ["plan-scale.mjs", "pipeline-shape.mjs", "action-cost.ts", "local-runner.mjs", "runner-speed.mjs", "sandbox.mjs"];
const only = process.argv.slice(2);
let failed = 0;
for (const b of benches) {
  if (only.length && !only.some((o) => b.startsWith(o))) continue;
  const file = new URL(b, import.meta.url).pathname;
  // the TypeScript bench imports the results-service emulation from src/, so vite-node runs it
  const r = b.endsWith(".ts")
    ? spawnSync("npx", ["vite-node", file], { stdio: "inherit" })
    : spawnSync("node", [file], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
