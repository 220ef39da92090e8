// What dist/ is built from: every file under src/, the build scripts and the locked dependencies,
// one `sha256  path` line each (sha256sum's format, sorted by path). The build records it in
// dist/inputs.sha256; the test set-up rebuilds when the sources no longer match it, naming the file.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

const INPUTS = ["scripts/bundle.mjs", "scripts/bundle-inputs.mjs", "package-lock.json"];

/** @returns {string} */
export function inputsManifest(root) {
  const files = readdirSync(join(root, "src"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join("/"))
    .concat(INPUTS.filter((f) => existsSync(join(root, f))))
    .sort();
  return files
    .map(
      (f) =>
        `${createHash("sha256")
          .update(readFileSync(join(root, f)))
          .digest("hex")}  ${f}\n`,
    )
    .join("");
}

/** The first difference between two manifests, as a reason ("src/x.ts changed"), or undefined. */
export function manifestDifference(recorded, current) {
  const parse = (text) =>
    new Map(
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => [l.slice(66), l.slice(0, 64)]),
    );
  const was = parse(recorded);
  const now = parse(current);
  for (const [path, sha] of now) {
    if (!was.has(path)) return `${path} is new since the bundle was built`;
    if (was.get(path) !== sha) return `${path} changed since the bundle was built`;
  }
  for (const path of was.keys()) if (!now.has(path)) return `${path} was removed since the bundle was built`;
  return undefined;
}
