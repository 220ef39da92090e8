/**
 * What the importer can tell from a bash block: which files it writes (to place checkpoint outputs)
 * and what will not work once tasks run in their own slot (an absolute `cd`, git bookkeeping).
 */

import type { Rule } from "../plan/rules.js";
import { findBookkeeping, REPLACED_BY } from "./git-bookkeeping.js";
import type { ScriptLine } from "./sections.js";

export interface ScriptFinding {
  /** 0-based markdown line */
  index: number;
  /** text to point at on that line */
  needle: string;
  rule: Rule;
  message: string;
}

export interface ReviewedScript {
  /** the script as it will be emitted (absolute `cd` lines commented out) */
  script: string;
  findings: ScriptFinding[];
}

/** A line that is only `cd /absolute/path` (or `~/…`), optionally followed by `;`, `&&` or `|| exit`. */
const CD_LINE = /^(\s*)cd\s+("(?:\/|~)[^"]*"|'(?:\/|~)[^']*'|(?:\/|~)\S*)\s*(?:;|&&|\|\|\s*exit(?:\s+\d+)?)?\s*$/;
const CD_ANY = /\bcd\s+["']?(?:\/|~)/;

export const CD_NOTE = "disabled by waveplan import: tasks start at the repository root";
export const GIT_NOTE = "disabled by waveplan import: the base commit is the backup, the landing commit is the final commit";

export function reviewScript(lines: readonly ScriptLine[]): ReviewedScript {
  const findings: ScriptFinding[] = [];
  const out = lines.map(({ text, index }) => {
    const code = text.replace(/(^|\s)#.*$/, "");
    const cd = CD_LINE.exec(code);
    if (cd) {
      findings.push({
        index,
        needle: "cd",
        rule: "absolute-cd",
        message: `this script changes to ${cd[2]}, outside the repository; tasks run in their own slot at the repository root, so the imported script has this line commented out`,
      });
      return `${cd[1]}# ${text.trimStart()}  # ${CD_NOTE}`;
    }
    if (CD_ANY.test(code)) {
      findings.push({
        index,
        needle: "cd",
        rule: "absolute-cd",
        message:
          "this script changes to an absolute path, outside the repository; tasks run in their own slot at the repository root — remove the cd",
      });
    }
    const git = findBookkeeping(code);
    if (git) {
      const what = git.kinds.map((k) => `git ${k}`).join(", ");
      const why = git.kinds.map((k) => REPLACED_BY[k]).join("; ");
      findings.push({
        index,
        needle: git.needle,
        rule: "git-bookkeeping",
        message: git.whole
          ? `${what} inside a task ${git.kinds.length > 1 ? "are" : "is"} done by waveplan itself, so the imported script has this line commented out: ${why}`
          : `${what} inside a task ${git.kinds.length > 1 ? "are" : "is"} done by waveplan itself (${why}) — remove it from this line; it is mixed with other commands, so it was left in`,
      });
      if (git.whole) return `${/^\s*/.exec(text)?.[0] ?? ""}# ${text.trimStart()}  # ${GIT_NOTE}`;
    }
    return text;
  });
  return { script: out.length ? `${out.join("\n")}\n` : "", findings };
}

function unquote(token: string): string {
  return token.replace(/^["']|["']$/g, "").replace(/^\.\//, "");
}

/** Does the script visibly create or write `file` (`> FILE`, `>> FILE`, `touch FILE`, `tee FILE`, `cp x FILE`)? */
export function writesFile(script: string, file: string): boolean {
  const target = file.replace(/^\.\//, "");
  for (const line of script.split("\n")) {
    const code = line.replace(/(^|\s)#.*$/, "");
    for (const m of code.matchAll(/(?:^|[^<>&\d])\d?>>?\|?\s*("[^"]*"|'[^']*'|[^\s;&|<>)]+)/g)) if (unquote(m[1]) === target) return true;
    for (const segment of code.split(/;|&&|\|\||\|/)) {
      const tokens = segment.trim().split(/\s+/).filter(Boolean);
      const args = tokens.slice(1).filter((t) => !t.startsWith("-"));
      const cmd = tokens[0];
      if ((cmd === "touch" || cmd === "tee") && args.some((a) => unquote(a) === target)) return true;
      if ((cmd === "cp" || cmd === "mv" || cmd === "install") && args.length >= 2 && unquote(args[args.length - 1]) === target) return true;
    }
  }
  return false;
}
