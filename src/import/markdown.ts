/**
 * The small amount of markdown structure the importer needs: lines with fenced code blocks marked,
 * headings, tables, and the inline clean-up of decorated text (bold markers, emoji).
 */

export interface Fence {
  /** 0-based index of the opening ``` line */
  start: number;
  /** 0-based index of the closing line (or the last line when unclosed) */
  end: number;
  /** info string's first word, lower case: `bash`, `sh`, `` */
  lang: string;
  /** the content lines, without the fence lines */
  body: string[];
}

export interface Heading {
  /** 0-based line index */
  index: number;
  level: number;
  text: string;
}

export interface MarkdownDoc {
  lines: string[];
  fences: Fence[];
  headings: Heading[];
  /** for each line, the fence it belongs to (opening, content or closing line) */
  fenceOf: (Fence | undefined)[];
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;

export function parseMarkdown(text: string): MarkdownDoc {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const fences: Fence[] = [];
  const headings: Heading[] = [];
  const fenceOf: (Fence | undefined)[] = new Array(lines.length).fill(undefined);
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (open) {
      const marker = open[1];
      let end = i + 1;
      while (end < lines.length && !new RegExp(`^ {0,3}${marker[0]}{${marker.length},}\\s*$`).test(lines[end])) end++;
      const fence: Fence = { start: i, end: Math.min(end, lines.length - 1), lang: open[2].toLowerCase(), body: lines.slice(i + 1, end) };
      fences.push(fence);
      for (let j = i; j <= fence.end; j++) fenceOf[j] = fence;
      i = fence.end;
      continue;
    }
    const h = HEADING.exec(lines[i]);
    if (h) headings.push({ index: i, level: h[1].length, text: h[2] });
  }
  return { lines, fences, headings, fenceOf };
}

/** A line made only of `---`, `***` or `___` (a thematic break), outside code. */
export function isRule(line: string): boolean {
  return /^ {0,3}([-*_])(\s*\1){2,}\s*$/.test(line);
}

/** Cells of a `| a | b |` table row, trimmed; undefined when the line is not a row. */
export function tableCells(line: string): string[] | undefined {
  const t = line.trim();
  if (!t.startsWith("|")) return undefined;
  const inner = t.replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** `|---|:---:|` */
export function isTableDivider(cells: string[]): boolean {
  return cells.length > 0 && cells.every((c) => /^:?-{2,}:?$/.test(c));
}

const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{FE0F}|\u{FE0E}|\u{200D}|\u{20E3}|\u{F8FF}/gu;

/** Drop decorative emoji (and the joiners and variation selectors that go with them). */
export function stripEmoji(text: string): string {
  return text.replace(EMOJI, "").replace(/\s+/g, " ").trim();
}

/** Remove emphasis and code markers: `**I1**` → `I1`. */
export function stripInline(text: string): string {
  return text
    .replace(/(\*\*|__)(.*?)\1/g, "$2")
    .replace(/(^|\s)[*_]([^*_\s][^*_]*?)[*_](?=\s|$)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .trim();
}

/** Clean a label for use as a name or role: no emphasis, no emoji, single spaces. */
export function cleanLabel(text: string): string {
  return stripEmoji(stripInline(text));
}

/** `AUTHENTICATION INTEGRATION - 15 INSTANCE WORKFLOW` → `Authentication Integration - 15 Instance Workflow`; mixed case is kept. */
export function titleCase(text: string): string {
  if (/\p{Ll}/u.test(text)) return text;
  return text.toLowerCase().replace(/(^|[\s\-/(])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Remove the common leading indentation and surrounding blank lines. */
export function dedent(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === "") start++;
  while (end > start && lines[end - 1].trim() === "") end--;
  const body = lines.slice(start, end).map((l) => l.replace(/\s+$/, ""));
  const indent = Math.min(...body.filter((l) => l !== "").map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0));
  return Number.isFinite(indent) && indent > 0 ? body.map((l) => l.slice(indent)) : body;
}
