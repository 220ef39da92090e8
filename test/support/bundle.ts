/**
 * Most suites run the bundled `dist/` (as GitHub and users do), so after an edit of `src/` a bare
 * `npx vitest run test/x` would test the old bundle. The global setup rebuilds it first, or fails
 * saying why (issue 15 point 2). `npm test` builds before vitest starts, so the bundle is built once.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** What the bundle is built from, besides src/: the build script and the locked dependencies. */
const INPUTS = ["scripts/bundle.mjs", "package-lock.json"];
const OUTPUTS = ["dist/index.js", "dist/cli/index.js"];

/** Why `root`'s dist/ is older than what it is built from, or undefined when it is up to date. */
export function bundleStaleness(root: string): string | undefined {
  const missing = OUTPUTS.find((f) => !existsSync(join(root, f)));
  if (missing) return `${missing} is missing`;
  const built = Math.min(...OUTPUTS.map((f) => statSync(join(root, f)).mtimeMs));
  const sources = readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .concat(INPUTS.map((f) => join(root, f)).filter(existsSync));
  const newer = sources.find((f) => statSync(f).mtimeMs > built);
  return newer ? `${relative(root, newer)} is newer than the bundle` : undefined;
}

/** Rebuild dist/ when it is stale; throw a clear error when that fails. Returns what was done. */
export function ensureFreshBundle(
  root: string,
  build = () => execFileSync("node", ["scripts/bundle.mjs"], { cwd: root, stdio: "pipe" }),
): string {
  const why = bundleStaleness(root);
  if (!why) return "dist/ is up to date";
  try {
    build();
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`dist/ is stale (${why}) and rebuilding it with npm run bundle failed:\n${err.stderr?.toString() || err.message}`);
  }
  const still = bundleStaleness(root);
  if (still) throw new Error(`dist/ is still stale after npm run bundle: ${still}`);
  return `rebuilt dist/ (${why})`;
}
