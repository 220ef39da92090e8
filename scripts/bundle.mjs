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
//
// The build goes to a folder aside and each file is renamed into dist/ only once every entry built:
// a build takes most of a minute, and deleting dist/ first left bin/waveplan.js unable to start
// (ERR_MODULE_NOT_FOUND) for that long. dist/inputs.sha256 lists what the bundle was built from (file digests), so
// the test set-up decides staleness by content, not by file times (a fresh clone's are checkout times).
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { inputsManifest } from "./bundle-inputs.mjs";

const entries = [
  ["src/action/main.ts", "dist"],
  ["src/cli/main.ts", "dist/cli"],
];
const aside = `.dist-build-${process.pid}`;
rmSync(aside, { recursive: true, force: true });
const ncc = join("node_modules", "@vercel", "ncc", "dist", "ncc", "cli.js");
try {
  for (const [entry, out] of entries) {
    const to = join(aside, out);
    execFileSync(
      process.execPath,
      [ncc, "build", entry, "-o", to, "--minify", "--no-source-map-register", "--quiet", "--target", "es2022"],
      { stdio: "inherit" },
    );
    const extra = readdirSync(to).filter((f) => f.endsWith(".js") && f !== "index.js");
    if (extra.length)
      throw new Error(
        `${out}: ncc split off ${extra.join(", ")}; make that import() eager (/* webpackMode: "eager" */) so the bundle stays one file`,
      );
  }
  writeFileSync(join(aside, "dist", "inputs.sha256"), inputsManifest("."));
  const files = readdirSync(join(aside, "dist"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  for (const e of files) {
    const from = join(e.parentPath, e.name);
    const target = relative(aside, from);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(from, target);
  }
  // what an earlier build wrote and this one did not (a removed entry's folder) goes
  const built = new Set(files.map((e) => relative(aside, join(e.parentPath, e.name))));
  for (const e of readdirSync("dist", { recursive: true, withFileTypes: true }))
    if (e.isFile() && !built.has(join(e.parentPath, e.name))) rmSync(join(e.parentPath, e.name));
} finally {
  rmSync(aside, { recursive: true, force: true });
}
const kib = (f) => `${Math.round(statSync(f).size / 1024)} KiB`;
process.stdout.write(`dist/index.js (the action) ${kib("dist/index.js")}, dist/cli/index.js ${kib("dist/cli/index.js")}\n`);
