/**
 * The layers of src/: pure logic (plan, graph, compile, report) never imports the adapters at the
 * edge (engine, run, action, simulate, cli, git, checkpoint stores), and a layer never imports one
 * above it. The agent presets (src/agent) are knowledge, not adapters: installing a CLI is the action's. An upward import is how a cycle and a process-spawning "pure" module start.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/repo.js";

const SRC = join(ROOT, "src");
/** what each folder may import from src/ (besides itself and the top-level files) */
const ALLOWED: Record<string, string[]> = {
  plan: [],
  graph: ["plan"],
  compile: ["plan", "graph", "agent"],
  // what waveplan knows of each agent CLI (argv, flags, output parsing): pure, below the engine
  agent: ["plan", "checkpoint"],
  report: ["plan", "graph", "checkpoint"],
};

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => resolve(dirname(file), m[1]));
}

describe("layers", () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    it(`src/${layer} imports only ${allowed.length ? allowed.join(", ") : "itself"} (and src/*.ts)`, () => {
      const files = readdirSync(join(SRC, layer), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => join(e.parentPath, e.name));
      expect(files.length).toBeGreaterThan(0);
      const upward = files.flatMap((f) =>
        imports(f)
          .map((target) => relative(SRC, target).split(sep))
          .filter((parts) => parts.length > 1 && parts[0] !== layer && !allowed.includes(parts[0]))
          .map((parts) => `${relative(ROOT, f)} → src/${parts.join("/")}`),
      );
      expect(upward).toEqual([]);
    });
  }
});
