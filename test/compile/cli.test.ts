/** `waveplan compile` through the CLI entry point: -o, stdout, --check fresh / stale / pin-bumped. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.js";
import { readWorkflowPlanHash } from "../../src/compile/header.js";
import { PINS } from "../../src/compile/pins.js";
import { ROOT } from "../support/repo.js";

const PLAN = `version: 1
name: Small
instances:
  I1: { role: Worker }
  I2: { role: Reviewer }
waves:
  - id: W0
    tasks:
      - { instance: I1, run: echo a, timeout: 10m }
      - { instance: I2, run: echo b }
  - id: W1
    mode: sequential
    tasks:
      - { instance: I1, run: echo c }
      - { instance: I2, run: echo d }
`;

let dir: string;
let planFile: string;
let out: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "waveplan-compile-"));
  mkdirSync(join(dir, ".git"));
  mkdirSync(join(dir, "plans"));
  planFile = join(dir, "plans", "small.yml");
  writeFileSync(planFile, PLAN);
  out = join(dir, ".github", "workflows", "small.yml");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("waveplan compile", () => {
  it("writes the workflow with repository-relative paths, creating directories", async () => {
    const r = await cli("compile", planFile, "-o", out);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toContain("2 waves, 4 tasks");
    const text = readFileSync(out, "utf8");
    expect(text).toContain("# waveplan-plan: plans/small.yml\n");
    expect(text).toContain("#   waveplan compile plans/small.yml -o .github/workflows/small.yml\n");
    expect(text).toContain("          plan: plans/small.yml\n");
    expect(text).toContain("          workflow: .github/workflows/small.yml\n");
    expect(readWorkflowPlanHash(text)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("prints to stdout without -o, byte-identical to the file", async () => {
    await cli("compile", planFile, "-o", out);
    const r = await cli("compile", planFile);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(out, "utf8"));
  });

  it("--check: fresh, reformatted plan, pin bump → 0; changed plan or edited workflow → 1 with the command", async () => {
    await cli("compile", planFile, "-o", out);
    expect(await cli("compile", planFile, "-o", out, "--check")).toMatchObject({ code: 0, stderr: "" });

    // Formatting and comments are not part of the plan hash.
    writeFileSync(planFile, `# reformatted\n${PLAN.replace("name: Small", "name:   'Small'")}`);
    expect((await cli("compile", planFile, "-o", out, "--check")).code).toBe(0);

    // Dependabot bumps a pin in the compiled file.
    const sha = "fedcba9876543210fedcba9876543210fedcba98";
    const text = readFileSync(out, "utf8");
    writeFileSync(out, text.replaceAll(`${PINS.checkout.sha} # ${PINS.checkout.version}`, `${sha} # v7.1.0`));
    expect((await cli("compile", planFile, "-o", out, "--check")).code).toBe(0);

    // The plan changes meaning.
    writeFileSync(planFile, PLAN.replace("timeout: 10m", "timeout: 20m"));
    const stale = await cli("compile", planFile, "-o", out, "--check");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe(`error: ${out} is stale: run \`waveplan compile ${planFile} -o ${out}\`\n`);

    // Someone edits the compiled file by hand.
    writeFileSync(planFile, PLAN);
    writeFileSync(out, text.replace("cancel-in-progress: false", "cancel-in-progress: true"));
    expect((await cli("compile", planFile, "-o", out, "--check")).code).toBe(1);
  });

  it("vendors the action this waveplan ships next to the workflow, and --check fails when that copy differs", async () => {
    const r = await cli("compile", planFile, "-o", out);
    expect(r.code).toBe(0);
    const vendored = join(dir, ".github", "actions", "waveplan");
    // one bundled file, byte for byte the action this CLI carries
    expect(readFileSync(join(vendored, "index.mjs")).equals(readFileSync(join(ROOT, "dist", "index.js")))).toBe(true);
    const yml = readFileSync(join(vendored, "action.yml"), "utf8");
    expect(yml).toMatch(/^# Vendored by waveplan \d+\.\d+\.\d+/);
    expect(yml).toMatch(/\n\s+main: index\.mjs\n/);
    expect(readFileSync(out, "utf8")).toContain("uses: ./.github/actions/waveplan\n");
    expect(r.stdout).toMatch(/\.github\/actions\/waveplan\/: the action, vendored \(action\.yml \d+ KiB, index\.mjs \d+ KiB\)/);
    expect((await cli("compile", planFile, "-o", out, "--check")).code).toBe(0);

    writeFileSync(join(vendored, "index.mjs"), "console.log('an older waveplan')\n");
    const stale = await cli("compile", planFile, "-o", out, "--check");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      new RegExp(
        `^error: \\.github/actions/waveplan/index\\.mjs: missing or not what this waveplan writes \\(waveplan [0-9.]+\\): run \`waveplan compile ${planFile} -o ${out}\``,
      ),
    );
    rmSync(join(vendored, "action.yml"));
    expect((await cli("compile", planFile, "-o", out, "--check")).stderr).toContain(
      ".github/actions/waveplan/action.yml, .github/actions/waveplan/index.mjs:",
    );
    await cli("compile", planFile, "-o", out);
    expect((await cli("compile", planFile, "-o", out, "--check")).code).toBe(0);
  });

  it("--action-ref points at a published copy: nothing vendored; a tag or branch gets a warning about SHA pinning", async () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const pinned = await cli("compile", planFile, "-o", out, "--action-ref", `waveplan/waveplan@${sha}`);
    expect(pinned.stderr).toBe("");
    expect(readFileSync(out, "utf8")).toContain(`uses: waveplan/waveplan@${sha}\n`);
    expect(existsSync(join(dir, ".github", "actions"))).toBe(false);
    const tagged = await cli("compile", planFile, "-o", out, "--action-ref", "waveplan/waveplan@v1");
    expect(tagged.code).toBe(0);
    expect(tagged.stderr).toContain('warning: --action-ref waveplan/waveplan@v1: "v1" is a tag or branch');
    expect(tagged.stderr).toContain("waveplan/waveplan@<sha>");
  });

  it("--check names the action ref in the command when it is not the default", async () => {
    await cli("compile", planFile, "-o", out, "--action-ref", "./");
    expect((await cli("compile", planFile, "-o", out, "--check", "--action-ref", "./")).code).toBe(0);
    writeFileSync(planFile, PLAN.replace("echo d", "echo e"));
    const r = await cli("compile", planFile, "-o", out, "--check", "--action-ref", "./");
    expect(r.stderr).toContain(`-o ${out} --action-ref ./\``);
  });

  it("usage errors exit 2; a missing workflow or a bad plan exits 1", async () => {
    expect((await cli("compile", planFile, "--check")).code).toBe(2);
    expect((await cli("compile", planFile, "--action-ref", "not a ref")).code).toBe(2);
    const missing = await cli("compile", planFile, "-o", out, "--check");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("does not exist: run `waveplan compile");
    writeFileSync(planFile, PLAN.replace("version: 1", "version: 2"));
    expect((await cli("compile", planFile, "-o", out)).code).toBe(1);
  });

  it("warns when the workflow is not where GitHub looks for workflows", async () => {
    const r = await cli("compile", planFile, "-o", join(dir, "ci", "small.yml"));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("GitHub only runs workflows that are directly in .github/workflows/");
  });
});
