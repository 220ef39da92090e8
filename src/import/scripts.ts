/**
 * What the importer can tell from a bash block: which files it writes (to place checkpoint outputs)
 * and what will not work once tasks run in their own worktree (an absolute `cd`, committing or pushing).
 */
import type { Rule } from "../plan/rules.js";
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
const GIT_LANDING = /\bgit\s+(?:-C\s+\S+\s+)?(commit|push)\b/;

export const CD_NOTE = "disabled by waveplan import: tasks start at the repository root";

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
        message: `this script changes to ${cd[2]}, outside the repository; tasks run in their own worktree at the repository root, so the imported script has this line commented out`,
      });
      return `${cd[1]}# ${text.trimStart()}  # ${CD_NOTE}`;
    }
    if (CD_ANY.test(code)) {
      findings.push({
        index,
        needle: "cd",
        rule: "absolute-cd",
        message:
          "this script changes to an absolute path, outside the repository; tasks run in their own worktree at the repository root — remove the cd",
      });
    }
    const git = GIT_LANDING.exec(code);
    if (git) {
      findings.push({
        index,
        needle: git[0],
        rule: "git-landing",
        message: `\`git ${git[1]}\` inside a task: waveplan captures each task's change as a patch and lands one commit when every task succeeded; a task that ${git[1] === "commit" ? "commits (or has nothing to commit) may fail or hide its change" : "pushes bypasses the checkpoints"}`,
      });
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
