/** Task ids of an imported plan: kept where the markdown names them, plan defaults everywhere else. */
import type { DiagnosticList } from "../plan/diagnostics.js";
import type { ImportedWave } from "./imported.js";

/**
 * Task ids: a referenced prompt id (`I2-W1-1`) is kept; every other task gets the plan default
 * `<instance>-<wave>-<n>`, written out only when it has to differ because a kept id took it.
 */
export function assignIds(waves: ImportedWave[], d: DiagnosticList): void {
  const taken = new Set<string>();
  for (const w of waves)
    for (const t of w.tasks) {
      if (t.id === undefined) continue;
      if (taken.has(t.id)) {
        d.warning("duplicate-id", `task id ${t.id} is used by an earlier task; this one gets a generated id`, t.at);
        t.id = undefined;
      } else taken.add(t.id);
    }
  for (const w of waves) {
    const count = new Map<string, number>();
    for (const t of w.tasks) {
      const n = (count.get(t.instance) ?? 0) + 1;
      count.set(t.instance, n);
      const byDefault = `${t.instance}-${w.id}-${n}`;
      if (t.id !== undefined && t.id === byDefault) {
        t.finalId = t.id;
        t.id = undefined;
        continue;
      }
      if (t.id !== undefined) {
        t.finalId = t.id;
        continue;
      }
      if (!taken.has(byDefault)) {
        t.finalId = byDefault;
        taken.add(byDefault);
        continue;
      }
      let k = n + 1;
      while (taken.has(`${t.instance}-${w.id}-${k}`)) k++;
      t.id = t.finalId = `${t.instance}-${w.id}-${k}`;
      taken.add(t.finalId);
    }
  }
}
