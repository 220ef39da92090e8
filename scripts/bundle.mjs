// Bundles the action (dist/index.js, what action.yml runs and what `compile` vendors into a
// repository's .github/actions/waveplan/) and the CLI (dist/cli/index.js) with ncc, minified.
// Output is deterministic so CI can check that the committed dist/ matches src/.
//
// Each is ONE file: the vendored action must be a single file, so lazily loaded modules are
// `import(/* webpackMode: "eager" */ …)` — kept in the file, still evaluated only when first imported.
// Measured on the 2-core dev machine (15 cold starts each, median CPU): one file 2.4 MB vs the
// chunked build's 6 KB entry + 5.7 MB of chunks (modules duplicated across chunks): `task`
// 0.20 s vs 0.17 s CPU before anything is downloaded; a job that downloads checkpoints loaded the
// 3.7 MB artifact chunk anyway. The few tens of ms of parsing are paid once per job.
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const entries = [
  ["src/action/main.ts", "dist"],
  ["src/cli/main.ts", "dist/cli"],
];
rmSync("dist", { recursive: true, force: true });
const ncc = join("node_modules", "@vercel", "ncc", "dist", "ncc", "cli.js");
for (const [entry, out] of entries) {
  execFileSync(
    process.execPath,
    [ncc, "build", entry, "-o", out, "--minify", "--no-source-map-register", "--quiet", "--target", "es2022"],
    {
      stdio: "inherit",
    },
  );
  const extra = readdirSync(out).filter((f) => f.endsWith(".js") && f !== "index.js");
  if (extra.length)
    throw new Error(
      `${out}: ncc split off ${extra.join(", ")}; make that import() eager (/* webpackMode: "eager" */) so the bundle stays one file`,
    );
}
const kib = (f) => `${Math.round(statSync(f).size / 1024)} KiB`;
process.stdout.write(`dist/index.js (the action) ${kib("dist/index.js")}, dist/cli/index.js ${kib("dist/cli/index.js")}\n`);
