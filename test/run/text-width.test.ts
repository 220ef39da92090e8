/** Terminal width of text: what the live view cuts its footer lines with, so none wraps. */
import { describe, expect, it } from "vitest";
import { renderRunReport } from "../../src/run/run-table.js";
import { padToWidth, truncateToWidth, visibleWidth } from "../../src/run/text-width.js";

describe("visibleWidth", () => {
  it("counts columns, not bytes or UTF-16 units", () => {
    expect(visibleWidth("abc")).toBe(3);
    expect(visibleWidth("\x1b[1mbold\x1b[0m")).toBe(4); // colours take no room
    expect(visibleWidth("迁移脚本")).toBe(8); // East Asian wide
    expect(visibleWidth("🚀")).toBe(2); // emoji presentation
    expect(visibleWidth("👨‍👩‍👧")).toBe(2); // one ZWJ family glyph
    expect(visibleWidth("🇫🇷")).toBe(2); // a flag is one glyph
    expect(visibleWidth("é")).toBe(1); // e + combining acute
    expect(visibleWidth("✓ ● ✗ —")).toBe(7); // the view's own marks are narrow
  });
});

describe("truncateToWidth", () => {
  it("cuts to the width with an ellipsis, never splitting a wide glyph or an escape", () => {
    expect(truncateToWidth("short", 10)).toBe("short");
    expect(truncateToWidth("abcdefghij", 5)).toBe("abcd…");
    expect(truncateToWidth("ab迁移脚本", 5)).toBe("ab迁…"); // 2 + 2 + 1
    expect(visibleWidth(truncateToWidth("ab迁移脚本", 6))).toBeLessThanOrEqual(6);
    expect(truncateToWidth("\x1b[31mred text here\x1b[0m", 6)).toBe("\x1b[31mred t…\x1b[0m");
    for (let w = 1; w < 30; w++)
      expect(visibleWidth(truncateToWidth("✓ Générer la migration — 迁移脚本 🚀 now", w))).toBeLessThanOrEqual(w);
  });

  it("pads by visible width", () => {
    expect(padToWidth("迁移", 6)).toBe("迁移  ");
  });
});

describe("renderRunReport", () => {
  const rows = Array.from({ length: 30 }, (_, i) => ({
    task: `t${i}`,
    instance: "I1",
    wave: "W1",
    status: i === 3 ? "failure" : i > 20 ? "not run" : "success",
    durationMs: 1000,
    title: i === 0 ? "迁移脚本 🚀 wide" : `task ${i}`,
  }));

  it("keeps columns aligned after wide titles", () => {
    const lines = renderRunReport(rows, 10_000).split("\n");
    expect(lines[0].indexOf("title")).toBe(lines[2].indexOf("迁移"));
  });

  it("folds a table taller than half the screen to the totals and the failures", () => {
    const text = renderRunReport(rows, 10_000, { rows: 50, fullTable: "waveplan status R" });
    expect(text.split("\n").slice(0, 2)).toEqual(["30 tasks: 20 done, 1 failed, 9 not run", "the full table: waveplan status R"]);
    expect(text).toMatch(/^t3 +I1 +W1 +failure/m);
    expect(text).not.toMatch(/^t0 /m);
    expect(renderRunReport(rows, 10_000, { rows: 100 })).toMatch(/^t0 /m);
  });
});
