// `npm run bench`: every benchmark in turn. Each prints one table and one JSON line.
import { spawnSync } from "node:child_process";

const benches = ["plan-scale.mjs", "pipeline-shape.mjs", "action-cost.mjs", "local-runner.mjs"];
const only = process.argv.slice(2);
let failed = 0;
for (const b of benches) {
  if (only.length && !only.some((o) => b.startsWith(o))) continue;
  const r = spawnSync("node", [new URL(b, import.meta.url).pathname], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
