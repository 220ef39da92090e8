/**
 * The global setup's rule (test/support/bundle.ts): dist/ is rebuilt when anything it is built from
 * is newer, and a failed rebuild stops the run with the reason, instead of testing a stale bundle.
 */
import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleStaleness, ensureFreshBundle } from "../support/bundle.js";
import { tempDir } from "../support/repo.js";

/** A project folder with src/, the build inputs and a bundle, every file dated `at` seconds. */
function project(at: number): string {
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
    writeFileSync(join(root, f), "x");
    utimesSync(join(root, f), at, at);
  }
  return root;
}

const touch = (root: string, file: string, at: number) => utimesSync(join(root, file), at, at);

describe("bundle freshness", () => {
  it("is fresh when the bundle is newer than every source", () => {
    const root = project(1000);
    touch(root, "dist/index.js", 2000);
    touch(root, "dist/cli/index.js", 2000);
    expect(bundleStaleness(root)).toBeUndefined();
    expect(ensureFreshBundle(root, () => expect.unreachable("no build when fresh"))).toBe("dist/ is up to date");
  });

  it("is stale when a source file, the build script or the lockfile is newer than either bundle", () => {
    for (const file of ["src/plan/load.ts", "scripts/bundle.mjs", "package-lock.json"]) {
      const root = project(1000);
      touch(root, "dist/index.js", 2000);
      touch(root, file, 1500); // newer than dist/cli/index.js (1000)
      expect(bundleStaleness(root), file).toBe(`${file} is newer than the bundle`);
    }
    const root = project(1000);
    touch(root, "dist/index.js", 2000);
    touch(root, "dist/cli/index.js", 2000);
    touch(root, "src/cli/main.ts", 3000);
    expect(bundleStaleness(root)).toBe("src/cli/main.ts is newer than the bundle");
  });

  it("is stale when a bundle is missing", () => {
    const root = project(1000);
    rmSync(join(root, "dist/cli/index.js"));
    expect(bundleStaleness(root)).toBe("dist/cli/index.js is missing");
  });

  it("rebuilds a stale bundle, and fails with the reason and the build's output when the build fails", () => {
    const root = project(1000);
    touch(root, "src/plan/load.ts", 2000);
    const rebuilt = ensureFreshBundle(root, () => {
      touch(root, "dist/index.js", 3000);
      touch(root, "dist/cli/index.js", 3000);
      return Buffer.from("");
    });
    expect(rebuilt).toBe("rebuilt dist/ (src/plan/load.ts is newer than the bundle)");
    touch(root, "src/plan/load.ts", 4000);
    expect(() =>
      ensureFreshBundle(root, () => {
        throw Object.assign(new Error("Command failed"), { stderr: Buffer.from("src/plan/load.ts(3,1): error TS1005") });
      }),
    ).toThrow(
      /dist\/ is stale \(src\/plan\/load\.ts is newer than the bundle\) and rebuilding it with npm run bundle failed:\nsrc\/plan\/load\.ts\(3,1\): error TS1005/,
    );
    expect(() => ensureFreshBundle(root, () => Buffer.from(""))).toThrow("dist/ is still stale after npm run bundle");
  });
});
