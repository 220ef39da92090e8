/**
 * Rule tags are typed (src/plan/rules.ts) and documented (docs/checks.md), like actionlint's
 * docs/checks.md: the page lists exactly the rules, and every rule is reported somewhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../../src/plan/rules.js";

const ROOT = join(import.meta.dirname, "../..");

describe("rules", () => {
  it("docs/checks.md lists every rule, each once, with its description", () => {
    const page = readFileSync(join(ROOT, "docs/checks.md"), "utf8");
    const rows = [...page.matchAll(/^\| `([a-z-]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows.map(([r]) => r).sort()).toEqual(Object.keys(RULES).sort());
    for (const [rule, text] of rows) expect(text, rule).toBe(RULES[rule as keyof typeof RULES]);
  });

  it("reports every rule somewhere in src/ (no documented rule that nothing checks)", () => {
    const sources = readdirSync(join(ROOT, "src"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts") && e.name !== "rules.ts")
      .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"))
      .join("\n");
    for (const rule of Object.keys(RULES)) expect(sources, rule).toContain(`"${rule}"`);
  });
});
