/** `waveplan import` as a command: stdout/stderr, -o, --check and exit codes (in process), and a real run of the result. */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { waveplan as runWaveplan } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const fixture = (name: string) => join(ROOT, "test/fixtures/markdown", name);

let dir: string;
let out: string;
let err: string;

/** The shared in-process runner, keeping this file's `out`/`err` for its assertions. */
async function waveplan(...args: string[]): Promise<number> {
  const r = await runWaveplan(...args);
  out = r.out;
  err = r.err;
  return r.code;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "waveplan-import-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("waveplan import", () => {
  it("prints the YAML on stdout and warnings on stderr", async () => {
    expect(await waveplan("import", fixture("small-plan.md"))).toBe(0);
    expect(out).toMatch(/^# Imported from .*small-plan\.md by `waveplan import`/);
    expect(out).toContain("name: Release notes refresh\n");
    expect(err).toContain("small-plan.md:16:1: warning: wave W2 has no detailed section");
    expect(err).not.toContain("version: 1");
  });

  it("writes -o, names the source relative to it, and --check passes until the file changes", async () => {
    const plan = join(dir, "plan.yml");
    expect(await waveplan("import", fixture("full-plan.md"), "-o", plan)).toBe(0);
    expect(out).toMatch(/^wrote .*plan\.yml from .*full-plan\.md: 13 waves, 31 tasks, 15 instances\n$/);
    const written = readFileSync(plan, "utf8");
    expect(written.split("\n")[1]).toBe(
      `# Regenerate (from this file's directory): waveplan import ${relative(dir, fixture("full-plan.md"))} -o plan.yml`,
    );

    expect(await waveplan("import", fixture("full-plan.md"), "-o", plan, "--check")).toBe(0);
    expect(out).toContain("plan.yml: up to date with");

    writeFileSync(plan, written.replace("estimate: 6m", "estimate: 7m"));
    expect(await waveplan("import", fixture("full-plan.md"), "-o", plan, "--check")).toBe(1);
    expect(err).toMatch(
      /plan\.yml is out of date with .*full-plan\.md \(first difference at line \d+: expected " {4}estimate: 6m", found " {4}estimate: 7m"\)/,
    );
    expect(readFileSync(plan, "utf8")).not.toBe(written); // --check never writes
  });

  it("--check fails when the file does not exist, and needs -o", async () => {
    expect(await waveplan("import", fixture("small-plan.md"), "-o", join(dir, "missing.yml"), "--check")).toBe(1);
    expect(err).toMatch(/missing\.yml does not exist; run `waveplan import .* -o .*missing\.yml` to create it/);
    expect(await waveplan("import", fixture("small-plan.md"), "--check")).toBe(2);
    expect(err).toBe("error: --check compares with a file: give it with -o <plan.yml>\n");
  });

  it("exits 1 with file:line:col errors and a caret excerpt, writing nothing", async () => {
    const plan = join(dir, "plan.yml");
    expect(await waveplan("import", fixture("bad-timeline.md"), "-o", plan)).toBe(1);
    expect(err).toContain("bad-timeline.md:11:19: error: cannot read this timeline line: wave W2");
    expect(err).toContain("11 | W2: Test (5min) │ WHENEVER │ I2 │ Test it\n   |                   ^");
    expect(err).not.toContain("    at ");
    expect(existsSync(plan)).toBe(false);
  });

  it("reports a missing file and invalid UTF-8 cleanly", async () => {
    expect(await waveplan("import", join(dir, "nope.md"))).toBe(1);
    expect(err).toBe(`error: no such file: ${join(dir, "nope.md")}\n`);
    writeFileSync(join(dir, "latin1.md"), Buffer.from([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a]));
    expect(await waveplan("import", join(dir, "latin1.md"))).toBe(1);
    expect(err).toContain("latin1.md:1:6: error: file is not valid UTF-8 (byte 0xe9 at offset 5)");
  });
});

const BUNDLE = join(ROOT, "dist/cli/index.js");
const bundleHasRun =
  existsSync(BUNDLE) &&
  /registerImport|waveplan import/.test(readFileSync(BUNDLE, "utf8")) &&
  readFileSync(BUNDLE, "utf8").includes('"run"');

// Needs the bundled CLI with both `import` and `run` (npm test bundles first); skipped when dist/ is not built.
describe.skipIf(!bundleHasRun)("an imported complete plan runs (bundled CLI, real git)", () => {
  it("imports the double-encoded full plan, runs every wave with `waveplan run`, and lands one commit", () => {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
    const cli = (...args: string[]) => spawnSync("node", [join(ROOT, "bin/waveplan.js"), ...args], { cwd: dir, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "Test");
    writeFileSync(join(dir, "README.md"), "scratch\n");
    const imported = cli("import", fixture("full-plan-double-encoded.md"), "-o", "plan.yml");
    expect(imported.status, imported.stderr).toBe(0);
    git("add", ".");
    git("commit", "-qm", "base");
    const ran = cli("run", "plan.yml");
    expect(ran.status, ran.stdout + ran.stderr).toBe(0);
    expect(git("log", "--format=%s").split("\n")[0]).toMatch(/Inventory Service Hardening/);
    expect(readFileSync(join(dir, "SUMMARY.md"), "utf8")).toBe("auth: pass\ne2e: pass\nrbac: pass\n");
    expect(readFileSync(join(dir, "migration.log"), "utf8")).toBe(
      "freeze: on\nbackup: migrations.bak\napplied: 1\nverified: refresh_token\nfreeze: off\n",
    );
    expect(existsSync(join(dir, "analysis/schema-sorted.txt"))).toBe(false);
  });
});
