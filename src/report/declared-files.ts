/**
 * A task's declared `files:` against what it really changed. Declaring is optional; when a task
 * declares, a change outside the list is worth a look (the plan said where the work would be, so
 * a surprise there is how parallel tasks end up in each other's files) — a warning, never a failure.
 */
import { posix } from "node:path";

/** The changed paths not covered by `declared` (a file, or a folder: `src/` or `src` covers what is under it). */
export function outsideDeclared(declared: readonly string[] | undefined, changed: readonly string[]): string[] {
  if (!declared) return [];
  const norm = (p: string) => posix.normalize(p.replace(/^\.\//, "")).replace(/\/$/, "");
  const covers = declared.map(norm);
  return changed.filter((file) => {
    const f = norm(file);
    return !covers.some((c) => f === c || f.startsWith(`${c}/`));
  });
}

/** One line per task that changed files outside its declaration; empty when none did. */
export function undeclaredChangeWarnings(
  results: readonly { task: { id: string; files?: string[] }; changed: readonly string[] }[],
  maxListed = 5,
): string[] {
  return results.flatMap(({ task, changed }) => {
    const outside = outsideDeclared(task.files, changed);
    if (!outside.length) return [];
    const listed = outside.slice(0, maxListed).join(", ");
    const more = outside.length > maxListed ? ` and ${outside.length - maxListed} more` : "";
    return [`task ${task.id} changed ${outside.length} file(s) outside its declared files: ${listed}${more}`];
  });
}
