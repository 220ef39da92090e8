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

/** Strongly connected components of more than one file (Tarjan), type-only imports included. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(relative(ROOT, w));
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("import cycles", () => {
  it("no two modules of src/ import each other, directly or around a loop (type imports count: they couple the code alike)", () => {
    const files = readdirSync(SRC, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .map((e) => join(e.parentPath, e.name));
    const known = new Set(files);
    const graph = new Map(
      files.map((f) => [
        f,
        [...readFileSync(f, "utf8").matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)]
          .map((m) => resolve(dirname(f), m[1]).replace(/\.js$/, ".ts"))
          .filter((t) => known.has(t)),
      ]),
    );
    expect(cycles(graph)).toEqual([]);
  });
});
