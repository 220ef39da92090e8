import { describe, expect, it } from "vitest";
import { decodeMacRoman, encodeMacRoman, MAC_ROMAN_HIGH, repairDoubleEncoding } from "../../src/import/encoding.js";

/** What a UTF-8 → Mac Roman mix-up does to text. */
const garble = (text: string) => decodeMacRoman(new TextEncoder().encode(text));

describe("Mac Roman table", () => {
  it("has 128 distinct entries, none ASCII", () => {
    expect(MAC_ROMAN_HIGH).toHaveLength(128);
    expect(new Set(MAC_ROMAN_HIGH).size).toBe(128);
    expect(MAC_ROMAN_HIGH.every((cp) => cp >= 0xa0)).toBe(true);
  });

  it("matches known bytes", () => {
    expect(decodeMacRoman(Uint8Array.from([0x80, 0x9f, 0xa5, 0xc9, 0xd0, 0xdb, 0xe2, 0xf0, 0xff]))).toBe("Äü•…–€‚\u{f8ff}ˇ");
  });

  it("encodes back to the same bytes, and refuses characters it has no byte for", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(encodeMacRoman(decodeMacRoman(all))).toEqual(all);
    expect(encodeMacRoman("→")).toBeUndefined();
  });

  it("produces the garbling seen in real documents", () => {
    expect(garble("│")).toBe("‚îÇ");
    expect(garble("↓")).toBe("‚Üì");
    expect(garble("→")).toBe("‚Üí");
    expect(garble("🚀")).toBe("\u{f8ff}üöÄ");
  });
});

describe("repairDoubleEncoding", () => {
  it("decodes double-encoded runs back to the real characters", () => {
    const r = repairDoubleEncoding(`# ${garble("🚀")} PLAN\nW1: A (5min) ${garble("│")} SEQUENTIAL ${garble("│")} I1${garble("→")}I2`);
    expect(r.text).toBe("# 🚀 PLAN\nW1: A (5min) │ SEQUENTIAL │ I1→I2");
    expect(r.repaired).toBe(4);
    expect(r.first).toEqual({ line: 1, col: 3 });
  });

  it("restores an emoji whose invisible lead character (the Apple logo) was dropped", () => {
    expect(repairDoubleEncoding("üöÄ launch").text).toBe("🚀 launch");
  });

  it("leaves correct text alone, including characters Mac Roman has", () => {
    const text = "Café — naïve “quotes” • 5 ≤ 6 → done │ ✅";
    expect(repairDoubleEncoding(text)).toEqual({ text, repaired: 0 });
  });

  it("repairs a mixed document run by run", () => {
    const r = repairDoubleEncoding(`Café ${garble("✅")} done`);
    expect(r.text).toBe("Café ✅ done");
    expect(r.repaired).toBe(1);
  });

  it("keeps line numbers: newlines are never part of a run", () => {
    const text = `a\n${garble("⚠️")}\nb ${garble("│")}`;
    expect(repairDoubleEncoding(text).text.split("\n")).toEqual(["a", "⚠️", "b │"]);
  });
});
