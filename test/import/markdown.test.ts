import { describe, expect, it } from "vitest";
import { cleanLabel, dedent, isRule, parseMarkdown, stripEmoji, tableCells, titleCase } from "../../src/import/markdown.js";

describe("parseMarkdown", () => {
  it("finds fences with their language and headings outside them", () => {
    const doc = parseMarkdown("# Title\n```bash\n# not a heading\necho hi\n```\n## Next\n~~~\nx\n~~~");
    expect(doc.headings.map((h) => [h.index, h.level, h.text])).toEqual([
      [0, 1, "Title"],
      [5, 2, "Next"],
    ]);
    expect(doc.fences.map((f) => [f.start, f.end, f.lang, f.body])).toEqual([
      [1, 4, "bash", ["# not a heading", "echo hi"]],
      [6, 8, "", ["x"]],
    ]);
    expect(doc.fenceOf[2]).toBe(doc.fences[0]);
    expect(doc.fenceOf[5]).toBeUndefined();
  });

  it("treats an unclosed fence as running to the end", () => {
    const doc = parseMarkdown("```sh\necho a\n## inside");
    expect(doc.fences[0].body).toEqual(["echo a", "## inside"]);
    expect(doc.headings).toEqual([]);
  });
});

describe("inline helpers", () => {
  it("strips decorative emoji with their modifiers", () => {
    expect(stripEmoji("🔵 Coordinator")).toBe("Coordinator");
    expect(stripEmoji("⚠️ CRITICAL")).toBe("CRITICAL");
    expect(stripEmoji("⚪ Test Engineer #2 👍🏽")).toBe("Test Engineer #2");
  });

  it("cleans labels of emphasis and code marks", () => {
    expect(cleanLabel("**I1**")).toBe("I1");
    expect(cleanLabel("`deploy` the *app* 🚀")).toBe("deploy the app");
  });

  it("title-cases only shouting text", () => {
    expect(titleCase("AUTHENTICATION INTEGRATION - 15 INSTANCE ULTRA-PARALLEL WORKFLOW")).toBe(
      "Authentication Integration - 15 Instance Ultra-Parallel Workflow",
    );
    expect(titleCase("Release notes for iOS")).toBe("Release notes for iOS");
  });

  it("splits table rows and recognizes rules", () => {
    expect(tableCells("| **I1** | 🔵 Coordinator | a \\| b |")).toEqual(["**I1**", "🔵 Coordinator", "a | b"]);
    expect(tableCells("not a row")).toBeUndefined();
    expect(isRule("---")).toBe(true);
    expect(isRule("* * *")).toBe(true);
    expect(isRule("-- x")).toBe(false);
  });

  it("dedents and trims blank edges", () => {
    expect(dedent(["", "  a", "    b  ", "", ""])).toEqual(["a", "  b"]);
  });
});
