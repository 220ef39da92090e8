/** Positions in the markdown file and the tiny helpers shared by the section parsers. */
import type { Position } from "../plan/diagnostics.js";

/** 1-based position of `needle` on 0-based line `index` (column 1 when absent). */
export function at(lines: readonly string[], index: number, needle?: string, length?: number): Position {
  const text = lines[index] ?? "";
  const found = needle ? text.indexOf(needle) : -1;
  const col = found >= 0 ? found + 1 : Math.max(1, text.search(/\S/) + 1);
  return { line: index + 1, col, length: length ?? (found >= 0 && needle ? needle.length : Math.max(1, text.trim().length)) };
}

/** Ids as the plan format allows them. */
export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `W1`, `W2, W3`, `W4-W6` → wave ids, in order, without duplicates. */
export function waveRefs(text: string): string[] {
  const out: string[] = [];
  const push = (id: string) => {
    if (!out.includes(id)) out.push(id);
  };
  for (const m of text.matchAll(/\bW(\d+)(?:\s*[-–—]\s*W(\d+))?\b/g)) {
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to >= from && to - from <= 100) for (let n = from; n <= to; n++) push(`W${n}`);
    else push(`W${from}`);
  }
  return out;
}
