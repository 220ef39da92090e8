/**
 * The object folders a checkout borrows through `objects/info/alternates` (gitrepository-layout(5)),
 * followed from repository to repository: a slot's `.git` borrows from waveplan's run repository,
 * which borrows from the user's. The task's git must read them, and the sandbox may have hidden them
 * (a repository under /tmp is under the task's private /tmp), so they are bound back read-only.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

export function borrowedObjectDirs(checkout: string): string[] {
  const found: string[] = [];
  const queue = [join(checkout, ".git", "objects")];
  // a chain longer than git's own limit (5 nested alternates) is not followed further
  for (let depth = 0; depth <= 5 && queue.length; depth++) {
    for (const objects of queue.splice(0)) {
      let listed: string;
      try {
        listed = readFileSync(join(objects, "info", "alternates"), "utf8");
      } catch {
        continue;
      }
      for (const line of listed.split("\n")) {
        const entry = line.trim();
        if (!entry || entry.startsWith("#")) continue;
        const dir = isAbsolute(entry) ? entry : resolve(objects, entry);
        if (!found.includes(dir)) {
          found.push(dir);
          queue.push(dir);
        }
      }
    }
  }
  return found;
}
