/**
 * The published package installs with nothing: no runtime `dependencies` (everything the CLI and the
 * action run is bundled in dist/), so `npm pack` installed into an empty project offline — no
 * registry at all — leaves only waveplan in node_modules, and the CLI starts at once.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/repo.js";

const dir = mkdtempSync(join(tmpdir(), "waveplan-pack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** CPU seconds (user + system) of a child process, from bash's `times` (children's line). */
function cpuSeconds(command: string, cwd: string): { cpu: number; wall: number } {
  const started = process.hrtime.bigint();
  const out = execFileSync("bash", ["-c", `${command} >/dev/null; times`], { cwd, encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const [, children] = out.trim().split("\n");
  const [user, system] = children.split(" ").map((t) => {
    const m = /^(\d+)m([\d.]+)s$/.exec(t) as RegExpExecArray;
    return Number(m[1]) * 60 + Number(m[2]);
  });
  return { cpu: user + system, wall };
}

describe("the packed package", () => {
  it("has no runtime dependencies and installs offline into an empty project with nothing but itself", { timeout: 120_000 }, () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(existsSync(join(ROOT, "dist/index.js")) && existsSync(join(ROOT, "dist/cli/index.js"))).toBe(true);

    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }));
    const files = (packed.files as { path: string }[]).map((f) => f.path);
    // the CLI, the action it vendors into repositories, and the action.yml it vendors with it
    expect(files).toEqual(expect.arrayContaining(["bin/waveplan.js", "dist/cli/index.js", "dist/index.js", "action.yml"]));
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);

    const project = join(dir, "project");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(join(project, "package.json"), '{ "name": "empty-project", "version": "1.0.0", "private": true }\n');
    // --offline: npm may not contact any registry; with no dependencies it does not need to
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, packed.filename)], {
      cwd: project,
      stdio: "pipe",
      env: { ...process.env, npm_config_cache: join(dir, "empty-cache") },
    });
    expect(readdirSync(join(project, "node_modules")).filter((n) => !n.startsWith("."))).toEqual(["waveplan"]);

    const help = spawnSync("npx", ["--offline", "waveplan", "--help"], { cwd: project, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain("compile");

    // start-up of the installed bin: best of five (a shared machine adds noise, never removes work)
    const runs = Array.from({ length: 5 }, () => cpuSeconds("node_modules/.bin/waveplan --help", project));
    const cpu = Math.min(...runs.map((r) => r.cpu));
    const wall = Math.min(...runs.map((r) => r.wall));
    process.stdout.write(
      `[package] ${Math.round(packed.size / 1024)} KiB packed; waveplan --help: ${cpu.toFixed(3)} s CPU, ${wall.toFixed(3)} s wall (best of 5)\n`,
    );
    expect(cpu).toBeLessThan(0.3);
  });
});
