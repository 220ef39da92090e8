/**
 * How many terminal columns text takes: escape sequences take none, combining marks none, East
 * Asian wide and fullwidth characters and emoji two (Unicode UAX #11 "East Asian Width", the rule
 * terminals follow via wcwidth; emoji presentation per UTS #51). Measured per grapheme cluster, so
 * a flag or a ZWJ family is one wide glyph, not several.
 */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const ZERO = /^(?:\p{Mark}|\p{Default_Ignorable_Code_Point}|\p{Control})+$/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const TEXT_DEFAULT_EMOJI =
  /^[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u2328\u23cf\u23ed-\u23ef\u23f1\u23f2\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb\u25fc\u2600-\u2604\u260e\u2611\u2618\u261d\u2620\u2622\u2623\u2626\u262a\u262e\u262f\u2638-\u263a\u2640\u2642\u265f\u2660\u2663\u2665\u2666\u2668\u267b\u267e\u2692\u2694-\u2697\u2699\u269b\u269c\u26a0\u26a7\u26b0\u26b1\u26c8\u26cf\u26d1\u26d3\u26e9\u26f0\u26f1\u26f4\u26f7\u26f8\u2702\u2708\u2709\u270c\u270d\u270f\u2712\u2714\u2716\u271d\u2721\u2733\u2734\u2744\u2747\u2763\u2764\u27a1\u2934\u2935\u2b05-\u2b07]$/u;

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

export function stripEscapes(text: string): string {
  return text.replace(ESCAPES, "");
}

function graphemeWidth(g: string): number {
  if (ZERO.test(g)) return 0;
  const cp = g.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  // a text-default symbol (☀, ✔) is narrow unless VS16 asks for the emoji form
  if (TEXT_DEFAULT_EMOJI.test(g)) return 1;
  if (g.includes("\ufe0f") || EMOJI.test(g) || isWide(cp)) return 2;
  return 1;
}

export function visibleWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(stripEscapes(text))) width += graphemeWidth(segment);
  return width;
}

/**
 * Cuts text to at most `columns` visible columns, keeping escape sequences (colours) intact and
 * ending with `…` when cut; a reset is appended (to coloured text) so a cut colour does not leak into the next line.
 */
export function truncateToWidth(text: string, columns: number): string {
  if (visibleWidth(text) <= columns) return text;
  let out = "";
  let width = 0;
  const limit = Math.max(0, columns - 1);
  const reset = text.includes("\x1b") ? "\x1b[0m" : "";
  // walk the text keeping escapes whole
  const parts = text.split(/(\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))/);
  for (const part of parts) {
    if (part.startsWith("\x1b")) {
      out += part;
      continue;
    }
    for (const { segment } of segmenter.segment(part)) {
      const w = graphemeWidth(segment);
      if (width + w > limit) return `${out}…${reset}`;
      out += segment;
      width += w;
    }
  }
  return `${out}…${reset}`;
}

/** Pads to `columns` visible columns (padEnd counts UTF-16 units, which is wrong for wide text). */
export function padToWidth(text: string, columns: number): string {
  return text + " ".repeat(Math.max(0, columns - visibleWidth(text)));
}
