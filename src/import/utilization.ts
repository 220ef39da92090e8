/** Checks the role table's claims about who works when against the imported waves. */
import type { DiagnosticList } from "../plan/diagnostics.js";
import type { ImportedWave } from "./imported.js";
import type { RoleTable } from "./roles.js";

/** The role table's Active Waves column against the waves each instance really has tasks in. */
export function checkUtilization(roles: RoleTable, waves: ImportedWave[], d: DiagnosticList): void {
  for (const row of roles.rows) {
    if (!row.activeAt || row.activeWaves.length === 0) continue;
    const actual = waves.filter((w) => w.tasks.some((t) => t.instance === row.id)).map((w) => w.id);
    const claimed = row.activeWaves.filter((id) => waves.some((w) => w.id === id));
    const unknown = row.activeWaves.filter((id) => !waves.some((w) => w.id === id));
    const extra = claimed.filter((id) => !actual.includes(id));
    const missing = actual.filter((id) => !claimed.includes(id));
    const parts: string[] = [];
    if (extra.length) parts.push(`has no task in ${extra.join(", ")}`);
    if (missing.length) parts.push(`also works in ${missing.join(", ")}`);
    if (unknown.length) parts.push(`${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} not in the timeline`);
    if (parts.length)
      d.warning(
        "utilization",
        `the role table says ${row.id} is active in ${row.activeWaves.join(", ")}, but ${row.id} ${parts.join("; ")} (from the waves: ${actual.join(", ") || "none"})`,
        row.activeAt,
      );
  }
}
