/**
 * The repository's `.gitattributes` files as one attributes file for the merge (`core.attributesFile`
 * of a git directory of waveplan's own). Pure.
 *
 * Why one file: `git merge-tree` reads attributes from the working tree (or, in a bare repository,
 * from nothing before git 2.42's `attr.tree`), and neither is the tree the wave started from on every
 * machine — the local runner merges in a bare run repository, a GitHub job in its checkout. Handing
 * git the same file, built from the same tree, gives every consumer the same merge.
 *
 * Rules kept from gitattributes(5): a pattern without a slash in `dir/.gitattributes` matches at any
 * depth below `dir` (`dir/**\/pattern`), one with a slash is relative to `dir`; deeper files override
 * shallower ones (later lines win, so they come later); macros (`[attr]`) count only at the top level.
 *
 * Merge drivers: only git's built-in ones (`text`, `binary`, `union`) are honoured. A named driver is
 * a command from `merge.<name>.driver` in git config, and config is something a task could have
 * written; the merge runs with a config of waveplan's own, where an unknown driver would fall back to
 * `text` anyway — it is rewritten to `text` here so that the fallback does not depend on config.
 */

/** Built-in low-level merge drivers (git ll-merge.c: "text", "binary", "union"). */
const BUILT_IN_DRIVERS = new Set(["text", "binary", "union"]);

/** `files`: each `.gitattributes` by the folder it is in ("" for the top), in any order. */
export function flattenAttributes(files: { dir: string; content: string }[]): string {
  const ordered = [...files].sort((a, b) => depth(a.dir) - depth(b.dir) || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  const out: string[] = [];
  for (const { dir, content } of ordered) {
    for (const raw of content.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith("#")) continue;
      const parsed = splitPattern(line);
      if (!parsed) continue;
      const { pattern, rest } = parsed;
      if (pattern.startsWith("[attr]")) {
        if (dir === "") out.push(`${pattern} ${sanitizeDrivers(rest)}`.trimEnd());
        continue;
      }
      out.push(`${quote(scoped(dir, pattern))} ${sanitizeDrivers(rest)}`.trimEnd());
    }
  }
  return out.length ? `${out.join("\n")}\n` : "";
}

function depth(dir: string): number {
  return dir === "" ? 0 : dir.split("/").length;
}

/** The pattern of `dir/.gitattributes` as a pattern of the top level. */
function scoped(dir: string, pattern: string): string {
  const anchored = pattern.startsWith("/");
  const bare = anchored ? pattern.slice(1) : pattern;
  // "a slash anywhere but at the end" anchors the pattern to its folder (gitignore(5) rules)
  const hasSlash = bare.replace(/\/$/, "").includes("/") || anchored;
  if (dir === "") return hasSlash ? `/${bare}` : bare;
  return hasSlash ? `/${dir}/${bare}` : `/${dir}/**/${bare}`;
}

/** A line's pattern (C-style quoted or up to the first blank) and its attributes. */
function splitPattern(line: string): { pattern: string; rest: string } | undefined {
  if (line.startsWith('"')) {
    let i = 1;
    let pattern = "";
    for (; i < line.length && line[i] !== '"'; i++) {
      if (line[i] === "\\" && i + 1 < line.length) {
        i++;
        pattern += ({ n: "\n", t: "\t", '"': '"', "\\": "\\" } as Record<string, string>)[line[i]] ?? line[i];
      } else pattern += line[i];
    }
    if (i >= line.length) return undefined;
    return { pattern, rest: line.slice(i + 1).trim() };
  }
  const m = /^(\S+)\s*(.*)$/.exec(line);
  return m ? { pattern: m[1], rest: m[2] } : undefined;
}

function quote(pattern: string): string {
  return /[\s"\\]/.test(pattern)
    ? `"${pattern.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`
    : pattern;
}

/** `merge=<name>` with a name that is not a built-in driver becomes `merge=text` (see above). */
function sanitizeDrivers(attrs: string): string {
  return attrs
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => {
      const m = /^merge=(.*)$/.exec(a);
      return m && !BUILT_IN_DRIVERS.has(m[1]) ? "merge=text" : a;
    })
    .join(" ");
}

/** The folders whose `.gitattributes` can say something about `paths`: each one's ancestors, the top first. */
export function attributeFolders(paths: Iterable<string>): string[] {
  const dirs = new Set<string>([""]);
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return [...dirs].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
}
