/**
 * Most suites run the bundled `dist/` (as GitHub and users do), so after an edit of `src/` a bare
 * `npx vitest run test/x` would test the old bundle. The global setup rebuilds it first, or fails
 * saying why (issue 15 point 2). Staleness is decided by content: the build records the digests of
 * what it was built from in dist/inputs.sha256 (scripts/bundle-inputs.mjs), so a fresh clone, whose
 * file times are checkout times, is not rebuilt when its dist/ is current.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error: a plain .mjs module shared with the build script
import { inputsManifest, manifestDifference } from "../../scripts/bundle-inputs.mjs";

const OUTPUTS = ["dist/index.js", "dist/cli/index.js"];
export const INPUTS_RECORD = "dist/inputs.sha256";

/** Why `root`'s dist/ does not match what it is built from, or undefined when it does. */
export function bundleStaleness(root: string): string | undefined {
  const missing = [...OUTPUTS, INPUTS_RECORD].find((f) => !existsSync(join(root, f)));
  if (missing) return `${missing} is missing`;
  return manifestDifference(readFileSync(join(root, INPUTS_RECORD), "utf8"), inputsManifest(root)) as string | undefined;
}

/** Rebuild dist/ when it is stale; throw a clear error when that fails. Returns what was done. */
export function ensureFreshBundle(
  root: string,
  build: () => unknown = () => execFileSync("node", ["scripts/bundle.mjs"], { cwd: root, stdio: "pipe" }),
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
