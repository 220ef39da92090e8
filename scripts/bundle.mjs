// Bundles the action (dist/index.js, what action.yml runs) and the CLI (dist/cli/index.js) with ncc.
// Output is deterministic so CI can check that the committed dist/ matches src/.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

const entries = [
  ["src/action/main.ts", "dist"],
  ["src/cli/main.ts", "dist/cli"],
];
rmSync("dist", { recursive: true, force: true });
for (const [entry, out] of entries) {
  execFileSync("npx", ["ncc", "build", entry, "-o", out, "--minify", "--no-source-map-register", "--quiet", "--target", "es2022"], {
    stdio: "inherit",
  });
}
