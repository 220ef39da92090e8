/**
 * Repairs text that was UTF-8 but got decoded as Mac Roman somewhere along the way (and saved again
 * as UTF-8): `🚀` arrives as `üöÄ`, `│` as `‚îÇ`, `→` as `‚Üí`. Node has no Mac Roman codec, so
 * the table is data. The repair is done per run of non-ASCII characters: a run is replaced only when
 * its Mac Roman bytes form valid UTF-8, so correct text (`café`, `—`) and mixed documents survive.
 */

/** Unicode code points of Mac Roman bytes 0x80–0xFF (Apple's current table: 0xDB is €, 0xF0 the Apple logo). */
// biome-ignore format: one row per 16 bytes keeps the table checkable against Apple's ROMAN.TXT
export const MAC_ROMAN_HIGH: readonly number[] = [
  0x00c4, 0x00c5, 0x00c7, 0x00c9, 0x00d1, 0x00d6, 0x00dc, 0x00e1, 0x00e0, 0x00e2, 0x00e4, 0x00e3, 0x00e5, 0x00e7, 0x00e9, 0x00e8, // 0x80
  0x00ea, 0x00eb, 0x00ed, 0x00ec, 0x00ee, 0x00ef, 0x00f1, 0x00f3, 0x00f2, 0x00f4, 0x00f6, 0x00f5, 0x00fa, 0x00f9, 0x00fb, 0x00fc, // 0x90
  0x2020, 0x00b0, 0x00a2, 0x00a3, 0x00a7, 0x2022, 0x00b6, 0x00df, 0x00ae, 0x00a9, 0x2122, 0x00b4, 0x00a8, 0x2260, 0x00c6, 0x00d8, // 0xA0
  0x221e, 0x00b1, 0x2264, 0x2265, 0x00a5, 0x00b5, 0x2202, 0x2211, 0x220f, 0x03c0, 0x222b, 0x00aa, 0x00ba, 0x03a9, 0x00e6, 0x00f8, // 0xB0
  0x00bf, 0x00a1, 0x00ac, 0x221a, 0x0192, 0x2248, 0x2206, 0x00ab, 0x00bb, 0x2026, 0x00a0, 0x00c0, 0x00c3, 0x00d5, 0x0152, 0x0153, // 0xC0
  0x2013, 0x2014, 0x201c, 0x201d, 0x2018, 0x2019, 0x00f7, 0x25ca, 0x00ff, 0x0178, 0x2044, 0x20ac, 0x2039, 0x203a, 0xfb01, 0xfb02, // 0xD0
  0x2021, 0x00b7, 0x201a, 0x201e, 0x2030, 0x00c2, 0x00ca, 0x00c1, 0x00cb, 0x00c8, 0x00cd, 0x00ce, 0x00cf, 0x00cc, 0x00d3, 0x00d4, // 0xE0
  0xf8ff, 0x00d2, 0x00da, 0x00db, 0x00d9, 0x0131, 0x02c6, 0x02dc, 0x00af, 0x02d8, 0x02d9, 0x02da, 0x00b8, 0x02dd, 0x02db, 0x02c7, // 0xF0
];

const TO_BYTE = new Map<number, number>(MAC_ROMAN_HIGH.map((cp, i) => [cp, 0x80 + i]));
// The pre-1998 table had the currency sign where the euro is now.
TO_BYTE.set(0x00a4, 0xdb);

/** Mac Roman bytes → text. */
export function decodeMacRoman(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : String.fromCodePoint(MAC_ROMAN_HIGH[b - 0x80]);
  return out;
}

/** Text → Mac Roman bytes, or undefined if a character has no Mac Roman byte. */
export function encodeMacRoman(text: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const b = cp < 0x80 ? cp : TO_BYTE.get(cp);
    if (b === undefined) return undefined;
    out.push(b);
  }
  return Uint8Array.from(out);
}

export interface Repair {
  text: string;
  /** how many runs of characters were decoded back */
  repaired: number;
  /** 1-based line and column of the first repaired run */
  first?: { line: number; col: number };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
/** Maximal runs of characters that have a Mac Roman byte ≥ 0x80. */
const RUN = new RegExp(`[${MAC_ROMAN_HIGH.map((cp) => `\\u{${cp.toString(16)}}`).join("")}\\u{a4}]+`, "gu");

/** Decode every double-encoded run back to the characters it was meant to be. */
export function repairDoubleEncoding(text: string): Repair {
  let repaired = 0;
  let firstOffset: number | undefined;
  const fixed = text.replace(RUN, (run, offset: number) => {
    const decoded = decodeRun(run);
    if (decoded === undefined) return run;
    repaired++;
    firstOffset ??= offset;
    return decoded;
  });
  if (firstOffset === undefined) return { text, repaired: 0 };
  const before = text.slice(0, firstOffset).split("\n");
  return { text: fixed, repaired, first: { line: before.length, col: before[before.length - 1].length + 1 } };
}

function decodeRun(run: string): string | undefined {
  const bytes = encodeMacRoman(run);
  if (!bytes) return undefined;
  const decoded = tryUtf8(bytes) ?? tryUtf8(restoreEmojiLeads(bytes));
  // A real decode yields no C1 control characters; anything else is legitimate text that happens to be valid UTF-8.
  if (decoded === undefined || /[\u0080-\u009f]/.test(decoded)) return undefined;
  return decoded;
}

function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Emoji start with the byte 0xF0, which Mac Roman shows as the Apple logo (U+F8FF); fonts without it
 * render nothing and copy-paste often drops it. Put it back before `0x9F xx xx` where a lead byte is missing.
 */
function restoreEmojiLeads(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let expect = 0; // continuation bytes still expected
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (expect > 0 && b >= 0x80 && b < 0xc0) {
      expect--;
    } else if (b === 0x9f && isCont(bytes[i + 1]) && isCont(bytes[i + 2])) {
      out.push(0xf0);
      expect = 2;
    } else {
      expect = b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : 0;
    }
    out.push(b);
  }
  return Uint8Array.from(out);
}

const isCont = (b: number | undefined): boolean => b !== undefined && b >= 0x80 && b < 0xc0;
