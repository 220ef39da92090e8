/**
 * Git bookkeeping in an imported script: the backups, commits, pushes and branches a hand-run plan
 * does itself. Under waveplan each of them is replaced by something the run already does (the run
 * starts from a clean committed base — the backup — and lands one commit at the end), and most of
 * them fail inside a task (a commit with nothing to commit exits 1).
 */

export type GitBookkeeping = "add" | "commit" | "push" | "stash" | "branch" | "tag";

/** What replaces each kind of bookkeeping, for the warning. */
export const REPLACED_BY: Record<GitBookkeeping, string> = {
  add: "nothing needs staging: waveplan captures every file a task changes",
  commit:
    "the run starts from the repository's committed base commit — that is the backup — and lands the combined change as one commit when every task succeeded — that is the final commit",
  push: "the landing commit is the final commit: `waveplan run --branch NAME` lands it on a branch, and the compiled workflow's final-commit job pushes it or opens a PR",
  stash: "each task starts in its own clean checkout of the base commit, so there is nothing to stash; the base commit is the backup",
  branch:
    "each task runs in its own checkout and branches it creates are not kept; the base commit is the backup, and the landing commit goes to the current branch or the one given with `waveplan run --branch NAME`",
  tag: "tags a task creates are not kept; the base commit is the backup and the landing commit is the final commit — tag that after the run",
};

/** `git [-C dir] [-c k=v] <subcommand> <args…>`, split into words (quotes kept whole). */
function gitWords(segment: string): { sub: string; args: string[] } | undefined {
  const words = segment.trim().match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])) i++; // VAR=value prefixes
  if (words[i] !== "git") return undefined;
  i++;
  while (i < words.length && /^-/.test(words[i])) i += words[i] === "-C" || words[i] === "-c" ? 2 : 1;
  if (i >= words.length) return undefined;
  return { sub: words[i], args: words.slice(i + 1) };
}

/** Which bookkeeping a single command is, or undefined for anything else (reads like `git status` included). */
export function gitBookkeeping(segment: string): GitBookkeeping | undefined {
  const g = gitWords(segment);
  if (!g) return undefined;
  const first = g.args[0];
  switch (g.sub) {
    case "add":
    case "commit":
    case "push":
      return g.sub;
    case "stash":
      // `git stash list` / `show` only read
      return first === "list" || first === "show" ? undefined : "stash";
    case "checkout":
      return g.args.some((a) => a === "-b" || a === "-B") ? "branch" : undefined;
    case "switch":
      return g.args.some((a) => a === "-c" || a === "-C" || a === "--create" || a === "--force-create") ? "branch" : undefined;
    case "branch":
      // `git branch`, `--show-current`, `-a`, `--list` … only read; a name or a create/move/delete flag writes
      if (first === undefined) return undefined;
      return !first.startsWith("-") || /^(-[cCmMdDf]|--(copy|move|delete|force))$/.test(first) ? "branch" : undefined;
    case "tag":
      if (first === undefined) return undefined;
      return !first.startsWith("-") || /^(-[asfdm]|--(annotate|sign|force|delete|message)|-[am].+)$/.test(first) ? "tag" : undefined;
    default:
      return undefined;
  }
}

export interface BookkeepingLine {
  /** every kind found, in order */
  kinds: GitBookkeeping[];
  /** the first git command's text, to point at */
  needle: string;
  /** the whole line is bookkeeping (every command on it), so it can be commented out */
  whole: boolean;
}

/** Looks at one line of shell (comments already removed). */
export function findBookkeeping(code: string): BookkeepingLine | undefined {
  if (/\\\s*$/.test(code)) {
    // a continued line cannot be disabled alone; still say what it is
    const k = gitBookkeeping(code.replace(/\\\s*$/, ""));
    return k ? { kinds: [k], needle: "git", whole: false } : undefined;
  }
  const segments = code.split(/&&|\|\||;/).map((s) => s.trim());
  const kinds: GitBookkeeping[] = [];
  let needle: string | undefined;
  let others = 0;
  for (const s of segments) {
    if (!s) continue;
    const k = gitBookkeeping(s);
    if (k) {
      if (!kinds.includes(k)) kinds.push(k);
      needle ??= /\bgit(?:\s+-[Cc]\s+\S+|\s+-\S+)*\s+\S+/.exec(s)?.[0] ?? "git";
    } else if (!/^git\s+(status|log|show|diff|rev-parse)\b/.test(s) && !/^(true|:)$/.test(s)) others++;
  }
  if (!kinds.length || needle === undefined) return undefined;
  return { kinds, needle, whole: others === 0 && !/[|`$(]/.test(code.replace(/"[^"]*"|'[^']*'/g, "")) };
}
