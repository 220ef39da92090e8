/**
 * The words of a merge conflict between two parallel tasks. Pure: it reads what `git merge-tree` said
 * (its conflict messages and the file it left with conflict markers) and names both tasks, the path,
 * the lines of each side and the way past it.
 */
import { WaveplanError } from "../errors.js";

export class MergeConflictError extends WaveplanError {
  override readonly name = "MergeConflictError";
}

/** One conflicting region: the lines each side has there (1-based, in that side's version of the file). */
export interface ConflictHunk {
  ours: { start: number; lines: string[] };
  theirs: { start: number; lines: string[] };
}

/**
 * The conflict regions of a file git merged with conflict markers (`<<<<<<< ours` … `=======` …
 * `>>>>>>> theirs`, the default "merge" style), with the line numbers each region has in each side:
 * lines outside the markers are in both sides; lines between the markers in one.
 */
export function conflictHunks(merged: string, oursLabel: string, theirsLabel: string): ConflictHunk[] {
  const hunks: ConflictHunk[] = [];
  let oursLine = 1;
  let theirsLine = 1;
  let state: "both" | "ours" | "theirs" = "both";
  let marker = 7;
  let hunk: ConflictHunk | undefined;
  const lines = merged.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) {
    const open = state === "both" && /^(<{7,}) (.*)$/.exec(line);
    if (open && open[2] === oursLabel) {
      marker = open[1].length;
      hunk = { ours: { start: oursLine, lines: [] }, theirs: { start: theirsLine, lines: [] } };
      state = "ours";
    } else if (state === "ours" && line === "=".repeat(marker)) {
      state = "theirs";
    } else if (state === "theirs" && hunk && line === `${">".repeat(marker)} ${theirsLabel}`) {
      hunks.push(hunk);
      hunk = undefined;
      state = "both";
    } else if (state === "ours" && hunk) {
      hunk.ours.lines.push(line);
      oursLine++;
    } else if (state === "theirs" && hunk) {
      hunk.theirs.lines.push(line);
      theirsLine++;
    } else {
      oursLine++;
      theirsLine++;
    }
  }
  return hunks;
}

/** "lines 2-4", "line 2", or where a side removed the region. */
export function lineRange(side: { start: number; lines: string[] }): string {
  const n = side.lines.length;
  if (n === 0) return `removes them (at line ${side.start})`;
  return n === 1 ? `line ${side.start}` : `lines ${side.start}-${side.start + n - 1}`;
}

/** One conflicting path, as the report shows it. */
export interface PathConflict {
  path: string;
  /** git's own words for conflicts that are not about lines (modify/delete, file/directory, binary, modes), commit ids replaced by task ids */
  message?: string;
  /** for a content conflict: the regions, from the file git left with markers */
  hunks?: ConflictHunk[];
}

/** How many marker lines the report shows at most (each side of a region is cut at MAX_SIDE lines). */
const MAX_SHOWN = 60;
const MAX_SIDE = 12;

/**
 * The error for two parallel tasks whose changes conflict: who, where, which lines, as git's markers
 * would show them, and what to do. `combined`: the conflict only shows against the combination of the
 * earlier siblings, not against one of them alone.
 */
export function conflictMessage(c: { wave: string; ours: string; theirs: string; conflicts: PathConflict[]; combined?: string[] }): string {
  const both = c.combined ? `tasks ${[...c.combined, c.theirs].map((t) => `"${t}"`).join(", ")}` : `tasks "${c.ours}" and "${c.theirs}"`;
  const paths = c.conflicts.map((p) => p.path);
  const out = [`conflict: parallel ${both} of wave "${c.wave}" change ${paths.join(", ")} in ways that do not merge:`];
  let shown = 0;
  for (const p of c.conflicts) {
    if (p.hunks?.length) {
      const ranges = p.hunks.map((h) => `"${c.ours}" ${lineRange(h.ours)}, "${c.theirs}" ${lineRange(h.theirs)}`);
      out.push(`  ${p.path}: ${ranges.join("; ")}`);
      for (const h of p.hunks) {
        if (shown >= MAX_SHOWN) break;
        const side = (lines: string[]) =>
          lines.length > MAX_SIDE ? [...lines.slice(0, MAX_SIDE), `… (${lines.length - MAX_SIDE} more lines)`] : lines;
        const block = [`<<<<<<< ${c.ours}`, ...side(h.ours.lines), "=======", ...side(h.theirs.lines), `>>>>>>> ${c.theirs}`];
        out.push(...block.map((l) => `    ${l}`));
        shown += block.length;
      }
    } else {
      out.push(`  ${p.path}: ${p.message ?? "both change it"}`);
    }
  }
  out.push(
    `Nothing was landed. To get past it: run one of them again (\`waveplan run <plan> --resume --redo ${c.theirs}\`; an agent may well edit differently), move one of them to a later wave, or put both in a sequential wave.`,
  );
  return out.join("\n");
}
