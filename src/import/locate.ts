/**
 * Values with positions, for sources written as YAML (GSD frontmatter) or JSON (Task Master): the
 * `yaml` parser reads both and keeps each node's offsets, so every warning and error can point at
 * the `file:line:col` of the key or item it is about.
 */
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import type { Position } from "../plan/diagnostics.js";

export type Path = readonly (string | number)[];

export interface LocatedValue {
  /** the plain value (undefined when the text does not parse) */
  value: unknown;
  /** syntax errors, positioned */
  errors: { message: string; at: Position }[];
  /** where the value at `path` (or its key, when `key` is set) starts; the closest existing parent otherwise */
  locate(path: Path, key?: boolean): Position;
}

/** Parses YAML or JSON text that starts at line `firstLine` (1-based) of its file. */
export function parseLocated(text: string, firstLine = 1): LocatedValue {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: false });
  const pos = (offset: number, length = 1): Position => {
    const p = lines.linePos(offset);
    return { line: p.line + firstLine - 1, col: p.col, length };
  };
  const errors = doc.errors.map((e) => ({ message: e.message.split("\n")[0], at: pos(e.pos[0], Math.max(1, e.pos[1] - e.pos[0])) }));
  const locate = (path: Path, key = false): Position => {
    for (let n = path.length; n >= 0; n--) {
      const parentPath = path.slice(0, n - 1);
      const last = path[n - 1];
      if (n > 0 && key) {
        const parent = doc.getIn(parentPath, true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last));
          if (pair && isNode(pair.key) && pair.key.range) return pos(pair.key.range[0], pair.key.range[1] - pair.key.range[0]);
        }
      }
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        const [start, end] = node.range;
        const len = isScalar(node) ? end - start : 1;
        return pos(start, Math.max(1, len));
      }
      key = false;
    }
    return { line: firstLine, col: 1 };
  };
  return { value: errors.length ? undefined : doc.toJS({ maxAliasCount: 100 }), errors, locate };
}
