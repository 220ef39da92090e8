import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../../src/import/markdown.js";
import { checkpointFiles, parseSections } from "../../src/import/sections.js";
import { DiagnosticList } from "../../src/plan/diagnostics.js";

const md = [
  "### **WAVE 0: SAFETY CHECKPOINT** ⏱️ 2min │ 🔒 SEQUENTIAL", // 1
  "", // 2
  "**Purpose:** Back up first", // 3
  "", // 4
  "**I1 - Create Git Backup:**", // 5
  "```bash", // 6
  "git status", // 7
  "echo ok > WAVE_0_CHECKPOINT.txt", // 8
  "```", // 9
  "", // 10
  "**Checkpoint:** `WAVE_0_CHECKPOINT.txt` exists → proceed", // 11
  "", // 12
  "---", // 13
  "", // 14
  "### WAVE 1: ANALYSIS ⏱️ 5min │ ⚡ PARALLEL (3)", // 15
  "", // 16
  "**I2 - Export Users Schema:**", // 17
  "See existing plan PROMPT I2-W1-1 for complete script", // 18
  "", // 19
  "**I10 - Update Dependencies:** Bump the lockfile.", // 20
  "Then run the tests.", // 21
  "```sql", // 22
  "select 1;", // 23
  "```", // 24
  "", // 25
  "---", // 26
  "*(Continuing with all remaining waves...)*", // 27
].join("\n");

describe("parseSections", () => {
  const d = new DiagnosticList("p.md");
  const sections = parseSections(parseMarkdown(md), d, new Set(["I1", "I2", "I10"]));

  it("finds each wave section with its mode", () => {
    expect(sections.map((s) => [s.waveId, s.title, s.mode, s.at.line])).toEqual([
      ["W0", "SAFETY CHECKPOINT", "sequential", 1],
      ["W1", "ANALYSIS", "parallel", 15],
    ]);
  });

  it("turns a task with a bash block into script lines with their markdown lines", () => {
    const [task] = sections[0].tasks;
    expect(task).toMatchObject({ instance: "I1", title: "Create Git Backup", text: "", at: { line: 5, col: 3 } });
    expect(task.script).toEqual([
      { text: "git status", index: 6 },
      { text: "echo ok > WAVE_0_CHECKPOINT.txt", index: 7 },
    ]);
    expect(sections[0].checkpoints).toEqual([{ name: "WAVE_0_CHECKPOINT.txt", at: { line: 11, col: 18, length: 21 } }]);
  });

  it("turns text into a prompt, keeping other code blocks and a referenced prompt id; a rule ends the section", () => {
    const [ref, text] = sections[1].tasks;
    expect(ref).toMatchObject({ instance: "I2", ref: "I2-W1-1", text: "See existing plan PROMPT I2-W1-1 for complete script", script: [] });
    expect(text).toMatchObject({ instance: "I10", title: "Update Dependencies" });
    expect(text.text).toBe("Bump the lockfile.\nThen run the tests.\n```sql\nselect 1;\n```");
    expect(d.items).toEqual([]);
  });
});

describe("checkpointFiles", () => {
  it("keeps backticked names that look like files", () => {
    expect(checkpointFiles("`WAVE_0_CHECKPOINT.txt` and `out/report.json` exist, `./a.txt`, `npm test`, `yes`, `dir/`")).toEqual([
      "WAVE_0_CHECKPOINT.txt",
      "out/report.json",
      "a.txt",
    ]);
  });
});
