/**
 * The global setup's rule (test/support/bundle.ts): dist/ is rebuilt when what it is built from
 * differs from what the build recorded in dist/inputs.sha256 (by content, not file times), and a
 * failed rebuild stops the run with the reason, instead of testing a stale bundle.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module shared with the build script
import { inputsManifest } from "../../scripts/bundle-inputs.mjs";
import { bundleStaleness, ensureFreshBundle } from "../support/bundle.js";
import { ROOT, tempDir } from "../support/repo.js";

/** A project folder with src/, the build inputs and a bundle built from exactly them. */
function project(): string {
  const root = tempDir();
  for (const f of [
    "src/cli/main.ts",
    "src/plan/load.ts",
    "scripts/bundle.mjs",
    "package-lock.json",
    "dist/index.js",
    "dist/cli/index.js",
  ]) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), `// ${f}\n`);
  }
  recordBuild(root);
  return root;
}
/** What the build does last: record the inputs it was built from. */
const recordBuild = (root: string) => writeFileSync(join(root, "dist/inputs.sha256"), inputsManifest(root));

describe("bundle freshness", () => {
  it("is fresh when the sources are what the bundle was built from, whatever their file times", () => {
    const root = project();
    utimesSync(join(root, "src/plan/load.ts"), 5000, 5000); // a checkout's or touch's time is no change
    expect(bundleStaleness(root)).toBeUndefined();
    expect(ensureFreshBundle(root, () => expect.unreachable("no build when fresh"))).toBe("dist/ is up to date");
  });

  it("is stale when a source, the build script or the lockfile changed, or a source was added or removed, naming it", () => {
    for (const file of ["src/plan/load.ts", "scripts/bundle.mjs", "package-lock.json"]) {
      const root = project();
      writeFileSync(join(root, file), "changed\n");
      expect(bundleStaleness(root), file).toBe(`${file} changed since the bundle was built`);
    }
    const added = project();
    writeFileSync(join(added, "src/plan/new.ts"), "export {};\n");
    expect(bundleStaleness(added)).toBe("src/plan/new.ts is new since the bundle was built");
    const removed = project();
    rmSync(join(removed, "src/cli/main.ts"));
    expect(bundleStaleness(removed)).toBe("src/cli/main.ts was removed since the bundle was built");
  });

  it("is stale when a bundle or the record of its inputs is missing", () => {
    const root = project();
    rmSync(join(root, "dist/cli/index.js"));
    expect(bundleStaleness(root)).toBe("dist/cli/index.js is missing");
    const unrecorded = project();
    rmSync(join(unrecorded, "dist/inputs.sha256"));
    expect(bundleStaleness(unrecorded)).toBe("dist/inputs.sha256 is missing");
  });

  it("rebuilds a stale bundle, and fails with the reason and the build's output when the build fails", () => {
    const root = project();
    writeFileSync(join(root, "src/plan/load.ts"), "edited\n");
    expect(ensureFreshBundle(root, () => recordBuild(root))).toBe("rebuilt dist/ (src/plan/load.ts changed since the bundle was built)");
    writeFileSync(join(root, "src/plan/load.ts"), "edited again\n");
    expect(() =>
      ensureFreshBundle(root, () => {
        throw Object.assign(new Error("Command failed"), { stderr: Buffer.from("src/plan/load.ts(3,1): error TS1005") });
      }),
    ).toThrow(
      /dist\/ is stale \(src\/plan\/load\.ts changed since the bundle was built\) and rebuilding it with npm run bundle failed:\nsrc\/plan\/load\.ts\(3,1\): error TS1005/,
    );
    expect(() => ensureFreshBundle(root, () => undefined)).toThrow("dist/ is still stale after npm run bundle");
  });

  it("the committed bundle records this checkout's sources (so a fresh clone is not rebuilt)", () => {
    // after the global setup ran, dist/ matches src/ whether it was rebuilt or not
    expect(bundleStaleness(ROOT)).toBeUndefined();
    expect(readFileSync(join(ROOT, "dist/inputs.sha256"), "utf8")).toContain("  src/cli/main.ts\n");
    // the bin stays startable: the build replaces files in place (renames), it never deletes dist/ first
    expect(execFileSync(process.execPath, [join(ROOT, "bin/waveplan.js"), "--version"], { encoding: "utf8" }).trim()).toMatch(
      /\d+\.\d+\.\d+/,
    );
  });
});
