/**
 * The README's way in works before the package is published (issue 17 point 3): it says how to get
 * the CLI into a user's repository from a clone or from `npm pack`, right before "Use it on GitHub",
 * no step of the quick starts runs `npx waveplan` (which needs the registry), and the packed CLI runs
 * with nothing installed.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, makeRepo, ROOT, requireBundle, tempDir } from "../support/repo.js";

beforeAll(requireBundle);

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
/** `## ` sections of the README, in order, by heading. */
const sections = readme
  .split(/^(?=## )/m)
  .slice(1)
  .map((text) => ({ heading: text.slice(3, text.indexOf("\n")), text }));

describe("README: the CLI before the package is published", () => {
  it('has a section on getting the CLI right before "Use it on GitHub", with the clone and npm pack routes', () => {
    const github = sections.findIndex((s) => s.heading === "Use it on GitHub");
    expect(github).toBeGreaterThan(0);
    const before = sections[github - 1];
    expect(before.heading).toBe("Get the CLI into your repository");
    expect(before.text).toContain("npm ci && npm run bundle");
    expect(before.text).toContain("node /path/to/waveplan/bin/waveplan.js");
    expect(before.text).toContain("npm pack");
  });

  it("runs no quick-start step through npx waveplan, which only works once the package is published", () => {
    for (const s of sections.filter((x) => x.heading !== "Get the CLI into your repository")) {
      expect(s.text, `section "${s.heading}"`).not.toMatch(/npx waveplan/);
    }
    expect(readme.slice(0, readme.indexOf("\n## "))).not.toMatch(/npx waveplan/);
  });

  it("npm pack makes a package whose CLI runs with nothing installed and no registry", () => {
    const out = tempDir();
    const env = cleanEnv({ npm_config_offline: "true", npm_config_loglevel: "error" });
    const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: ROOT, env, encoding: "utf8" }));
    const unpacked = join(out, "cli");
    execFileSync("mkdir", ["-p", unpacked]);
    execFileSync("tar", ["-xzf", join(out, packed.filename), "-C", unpacked]);
    // run from a user's repository outside this checkout: no node_modules anywhere above it
    const repo = makeRepo({ "plan.yml": readFileSync(join(ROOT, "examples/auth-integration/plan.yml"), "utf8") });
    const cli = join(unpacked, "package/bin/waveplan.js");
    const validated = execFileSync("node", [cli, "validate", "plan.yml"], { cwd: repo, env, encoding: "utf8" });
    expect(validated).toMatch(/plan\.yml: ok — 13 waves/);
    execFileSync("node", [cli, "compile", "plan.yml", "-o", ".github/workflows/plan.yml"], { cwd: repo, env, encoding: "utf8" });
    expect(readFileSync(join(repo, ".github/workflows/plan.yml"), "utf8")).toMatch(/^jobs:/m);
  });
});
