import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../../src/import/markdown.js";
import { parseRoleTable } from "../../src/import/roles.js";
import { waveRefs } from "../../src/import/source.js";
import { DiagnosticList } from "../../src/plan/diagnostics.js";

const table = (rows: string[]) =>
  ["Intro", "", "| ID | Role | Specialization | Active Waves | Utilization |", "|----|------|----|----|----|", ...rows].join("\n");

describe("parseRoleTable", () => {
  it("reads id, role without emoji, focus and active waves", () => {
    const d = new DiagnosticList("p.md");
    const t = parseRoleTable(
      parseMarkdown(table(["| **I1** | 🔵 Coordinator | Orchestration, checkpoints | W0, W8, W12, all checkpoints | 27% |"])),
      d,
    );
    expect(t?.line).toBe(3);
    expect(t?.rows).toEqual([
      {
        id: "I1",
        role: "Coordinator",
        focus: "Orchestration, checkpoints",
        activeWaves: ["W0", "W8", "W12"],
        activeAt: { line: 5, col: 58, length: 28 }, // columns count UTF-16 units, like the caret excerpt
        at: { line: 5, col: 5, length: 2 },
      },
    ]);
    expect(d.items).toEqual([]);
  });

  it("ignores tables without ID and Role columns, and code blocks", () => {
    expect(parseRoleTable(parseMarkdown("| a | b |\n|---|---|\n| 1 | 2 |"), new DiagnosticList("p.md"))).toBeUndefined();
    expect(parseRoleTable(parseMarkdown("```\n| ID | Role |\n|---|---|\n| I1 | x |\n```"), new DiagnosticList("p.md"))).toBeUndefined();
  });

  it("reports bad and repeated ids, and a missing role", () => {
    const d = new DiagnosticList("p.md");
    const t = parseRoleTable(parseMarkdown(table(["| I 1 | Dev | | | |", "| I2 | Dev | | | |", "| I2 | QA | | | |", "| I3 | | | | |"])), d);
    expect(t?.rows.map((r) => [r.id, r.role])).toEqual([
      ["I2", "Dev"],
      ["I3", "Unknown"],
    ]);
    expect(d.items.map((x) => [x.severity, x.line, x.message])).toEqual([
      ["error", 5, `instance id "I 1" may only contain letters, digits, '.', '_' and '-'`],
      ["error", 7, 'instance "I2" is already listed on line 6'],
      ["warning", 8, 'instance "I3" has no role; imported as "Unknown"'],
    ]);
  });
});

describe("waveRefs", () => {
  it("lists waves and expands ranges", () => {
    expect(waveRefs("W1, W3-W5, all checkpoints, W1")).toEqual(["W1", "W3", "W4", "W5"]);
    expect(waveRefs("everything")).toEqual([]);
  });
});
