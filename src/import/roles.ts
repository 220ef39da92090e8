/**
 * The "instance role assignments" table: `| ID | Role | Specialization | Active Waves | Utilization |`.
 * Roles lose their decorative emoji, the specialization becomes `focus`, and the Active Waves column
 * is kept so it can be checked against the waves actually imported.
 */
import type { DiagnosticList, Position } from "../plan/diagnostics.js";
import { cleanLabel, isTableDivider, type MarkdownDoc, stripInline, tableCells } from "./markdown.js";
import { at, ID, waveRefs } from "./source.js";

export interface RoleRow {
  id: string;
  role: string;
  focus?: string;
  /** waves named in the Active Waves column (empty when the column is absent or names none) */
  activeWaves: string[];
  /** where the Active Waves cell is, for warnings */
  activeAt?: Position;
  at: Position;
}

export interface RoleTable {
  rows: RoleRow[];
  /** 1-based line of the header row */
  line: number;
}

interface Columns {
  id: number;
  role: number;
  focus: number;
  active: number;
}

function columnsOf(header: string[]): Columns | undefined {
  const names = header.map((c) => cleanLabel(c).toLowerCase());
  const find = (re: RegExp) => names.findIndex((n) => re.test(n));
  const id = find(/^(id|instance|instance id|#)$/);
  const role = find(/^role\b/);
  if (id < 0 || role < 0) return undefined;
  return { id, role, focus: find(/speciali[sz]ation|focus/), active: find(/active/) };
}

/** The first table whose header has an ID and a Role column; undefined when there is none. */
export function parseRoleTable(doc: MarkdownDoc, d: DiagnosticList): RoleTable | undefined {
  const { lines } = doc;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (doc.fenceOf[i]) continue;
    const header = tableCells(lines[i]);
    const divider = tableCells(lines[i + 1]);
    if (!header || !divider || !isTableDivider(divider)) continue;
    const cols = columnsOf(header);
    if (!cols) continue;
    const rows: RoleRow[] = [];
    const seen = new Map<string, number>();
    for (let r = i + 2; r < lines.length; r++) {
      const cells = tableCells(lines[r]);
      if (!cells) break;
      const rawId = cells[cols.id] ?? "";
      const id = stripInline(rawId).trim();
      if (id === "") continue;
      if (!ID.test(id)) {
        d.error("role-table", `instance id "${id}" may only contain letters, digits, '.', '_' and '-'`, at(lines, r, id));
        continue;
      }
      const first = seen.get(id);
      if (first !== undefined) {
        d.error("role-table", `instance "${id}" is already listed on line ${first}`, at(lines, r, id));
        continue;
      }
      seen.set(id, r + 1);
      const rawRole = cells[cols.role] ?? "";
      let role = cleanLabel(rawRole);
      if (role === "") {
        d.warning("role-table", `instance "${id}" has no role; imported as "Unknown"`, at(lines, r, id));
        role = "Unknown";
      }
      const focus = cols.focus >= 0 ? cleanLabel(cells[cols.focus] ?? "") : "";
      const activeText = cols.active >= 0 ? (cells[cols.active] ?? "") : "";
      rows.push({
        id,
        role,
        focus: focus || undefined,
        activeWaves: waveRefs(activeText),
        activeAt: activeText.trim() ? at(lines, r, activeText.trim()) : undefined,
        at: at(lines, r, id),
      });
    }
    return { rows, line: i + 1 };
  }
  return undefined;
}
