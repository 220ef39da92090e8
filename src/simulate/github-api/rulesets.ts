/**
 * Repository rulesets (`--ruleset FILE`): the JSON body of the REST call "Create a repository
 * ruleset" (REST docs "Repository rules" › `POST /repos/{owner}/{repo}/rulesets`): `name`,
 * `target: branch`, `enforcement: active | evaluate | disabled`, `conditions.ref_name.include` /
 * `exclude` (`~DEFAULT_BRANCH`, `~ALL`, `refs/heads/<fnmatch pattern>`), `rules: [{ type, parameters }]`.
 *
 * A push that breaks an active ruleset's rule is refused as a whole with GitHub's GH013 text, one
 * bullet per violated rule (the form github.com prints, e.g. vercel/sandbox#169, JRedrupp/bison#136,
 * gleam-lang/gleam#6080):
 *
 *   error: GH013: Repository rule violations found for refs/heads/main.
 *   Review all repository rules at https://github.com/<owner>/<repo>/rules?ref=refs%2Fheads%2Fmain
 *
 *   - Changes must be made through a pull request.
 *
 *   - Commits must have verified signatures.
 *     Found 1 violation:
 *
 *     <sha>
 *
 * and git prints `! [remote rejected] main -> main (push declined due to repository rule
 * violations)` (the simulator's git says "pre-receive hook declined" there instead).
 * `evaluate` rulesets only report (docs "About rulesets" › "Enforcement statuses"); bypass actors
 * are not simulated (nobody bypasses).
 */
import { readFile } from "node:fs/promises";

export interface Rule {
  type: string;
  parameters?: Record<string, unknown>;
}

export interface Ruleset {
  name: string;
  enforcement: "active" | "evaluate" | "disabled";
  include: string[];
  exclude: string[];
  rules: Rule[];
}

/** Rule types the simulator enforces on pushes (REST docs "Repository rules" › rule objects). */
export const KNOWN_RULES = [
  "creation",
  "update",
  "deletion",
  "non_fast_forward",
  "required_signatures",
  "pull_request",
  "required_status_checks",
  "required_linear_history",
] as const;

export class RulesetError extends Error {}

export async function readRuleset(file: string): Promise<Ruleset> {
  const text = await readFile(file, "utf8").catch(() => {
    throw new RulesetError(`--ruleset ${file}: cannot read the file`);
  });
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new RulesetError(`--ruleset ${file}: not JSON (${(e as Error).message})`);
  }
  const fail = (why: string): never => {
    throw new RulesetError(
      `--ruleset ${file}: ${why} (the body of "Create a repository ruleset", https://docs.github.com/rest/repos/rules)`,
    );
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("expected a JSON object");
  if (typeof raw.name !== "string" || !raw.name) fail('"name" must be a non-empty string');
  if ((raw.target ?? "branch") !== "branch")
    fail(`only "target": "branch" rulesets apply to pushes of branches, got ${JSON.stringify(raw.target)}`);
  if (!["active", "evaluate", "disabled"].includes(String(raw.enforcement)))
    fail('"enforcement" must be "active", "evaluate" or "disabled"');
  const refName = ((raw.conditions as Record<string, unknown> | undefined)?.ref_name ?? {}) as Record<string, unknown>;
  const list = (v: unknown, what: string): string[] =>
    v === undefined ? [] : Array.isArray(v) && v.every((x) => typeof x === "string") ? v : fail(`${what} must be a list of strings`);
  const include = list(refName.include, "conditions.ref_name.include");
  const exclude = list(refName.exclude, "conditions.ref_name.exclude");
  if (!Array.isArray(raw.rules)) fail('"rules" must be a list');
  const rules = (raw.rules as unknown[]).map((r, i): Rule => {
    const rule = r as Rule;
    if (typeof rule?.type !== "string") fail(`rules[${i}] has no "type"`);
    if (!(KNOWN_RULES as readonly string[]).includes(rule.type))
      fail(`rules[${i}]: the simulator does not enforce "${rule.type}" (it enforces ${KNOWN_RULES.join(", ")})`);
    return rule;
  });
  return { name: raw.name as string, enforcement: raw.enforcement as Ruleset["enforcement"], include, exclude, rules };
}

/** fnmatch as rulesets use it: `*` within a path segment, `**` across segments. */
function matches(pattern: string, ref: string, defaultBranch: string): boolean {
  if (pattern === "~ALL") return true;
  if (pattern === "~DEFAULT_BRANCH") return ref === `refs/heads/${defaultBranch}`;
  const re = pattern
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join(".*");
  return new RegExp(`^${re}$`).test(ref);
}

export function appliesTo(r: Ruleset, ref: string, defaultBranch: string): boolean {
  return (
    r.enforcement === "active" &&
    r.include.some((p) => matches(p, ref, defaultBranch)) &&
    !r.exclude.some((p) => matches(p, ref, defaultBranch))
  );
}

/** One ref update of a push, as the pre-receive hook saw it (it alone sees the quarantined objects). */
export interface RefUpdate {
  ref: string;
  old: string;
  new: string;
  /** commits the push adds to the repository */
  commits: string[];
  /** old is an ancestor of new (or old is zero) */
  fastForward: boolean;
  /** some added commit has more than one parent */
  merges: boolean;
}

export interface RuleFacts {
  defaultBranch: string;
  /** whether GitHub verified the commit's signature (only commits it signed itself, in the simulator) */
  signed(sha: string): boolean;
  /** whether the commit already carries a successful check or status of this name */
  passed(sha: string, check: string): boolean;
}

const ZERO = /^0+$/;

/** The GH013 bullets this update breaks, in rule order; empty when it may go through. */
export function violations(rulesets: readonly Ruleset[], u: RefUpdate, facts: RuleFacts): string[] {
  const out: string[] = [];
  const creating = ZERO.test(u.old);
  const deleting = ZERO.test(u.new);
  for (const set of rulesets) {
    if (!appliesTo(set, u.ref, facts.defaultBranch)) continue;
    for (const rule of set.rules) {
      const add = (line: string) => {
        if (!out.includes(line)) out.push(line);
      };
      switch (rule.type) {
        case "creation":
          if (creating) add("Cannot create ref due to creations being restricted.");
          break;
        case "update":
          if (!creating && !deleting) add("Cannot update this protected ref.");
          break;
        case "deletion":
          if (deleting) add("Cannot delete this protected ref.");
          break;
        case "non_fast_forward":
          if (!creating && !deleting && !u.fastForward) add("Cannot force-push to this branch");
          break;
        case "required_linear_history":
          if (u.merges) add("This branch must not contain merge commits.");
          break;
        case "pull_request":
          if (!deleting) add("Changes must be made through a pull request.");
          break;
        case "required_status_checks": {
          if (deleting) break;
          const checks = ((rule.parameters?.required_status_checks ?? []) as { context?: string }[])
            .map((c) => c.context)
            .filter((c): c is string => typeof c === "string");
          const missing = checks.filter((c) => !facts.passed(u.new, c));
          if (missing.length === 1) add(`Required status check "${missing[0]}" is expected.`);
          else if (missing.length > 1) add(`${missing.length} of ${checks.length} required status checks are expected.`);
          break;
        }
        case "required_signatures": {
          const unsigned = u.commits.filter((c) => !facts.signed(c));
          if (unsigned.length)
            add(
              `Commits must have verified signatures.\n  Found ${unsigned.length} violation${unsigned.length === 1 ? "" : "s"}:\n\n${unsigned.map((c) => `  ${c}`).join("\n")}`,
            );
          break;
        }
      }
    }
  }
  return out;
}

/** GitHub's GH013 refusal for `ref`, as the remote prints it (git prefixes each line with "remote: "). */
export function gh013(repository: string, ref: string, bullets: readonly string[]): string {
  return [
    `error: GH013: Repository rule violations found for ${ref}.`,
    `Review all repository rules at https://github.com/${repository}/rules?ref=${encodeURIComponent(ref)}`,
    "",
    ...bullets.flatMap((b) => [`- ${b}`, ""]),
  ].join("\n");
}
