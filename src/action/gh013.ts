/**
 * Reading GitHub's ruleset refusal of a push — `GH013: Repository rule violations found for <ref>`,
 * one `- <rule>` bullet per violated rule, and git's `(push declined due to repository rule
 * violations)` (docs "About rulesets"; the texts as github.com prints them, e.g. vercel/sandbox#169,
 * JRedrupp/bison#136, gleam-lang/gleam#6080) — into what was violated and what to change.
 */

export interface ViolatedRule {
  /** GitHub's bullet, first line */
  rule: string;
  /** what to change so that final-commit can land */
  fix: string;
}

export function isRulesetRefusal(stderr: string): boolean {
  return /GH013|push declined due to repository rule violations|Repository rule violations found/i.test(stderr);
}

const ADVICE: [RegExp, string][] = [
  [
    /must be made through a pull request/i,
    "land with land.strategy: pull-request, or dispatch the workflow on a feature branch that the ruleset does not cover and merge its pull request",
  ],
  [
    /required status checks? .*expected|status checks? .*expected/i,
    "the landing commit is new, so no check has run on it yet: land on a feature branch or as a pull request (land.strategy: pull-request), where final-commit's status is on the head before the merge",
  ],
  [
    /verified signatures/i,
    "final-commit pushed its landing commit with git, unsigned (GitHub signs only commits it creates itself): set land.signed: true, and final-commit creates the commit through GitHub's API, which signs it (with GITHUB_TOKEN or github.app, not a personal access token)",
  ],
  [
    /force-push/i,
    "the branch moved since the run started, or the landing rewrites it: run again from the new head; for land.strategy: pull-request exclude its branch (waveplan/** or land.branch) from the ruleset's non-fast-forward rule, since each run replaces that branch",
  ],
  [
    /creations being restricted|Cannot create ref/i,
    "the ruleset restricts creating branches like this one: exclude the landing branch from it, or create the branch before the run",
  ],
  [/Cannot update this protected ref/i, "the ruleset forbids updating this branch: land on another branch (branch input or land.branch)"],
  [/Cannot delete/i, "the ruleset forbids deleting this branch"],
  [/merge commits/i, "the branch requires linear history: land with land.strategy: commit (one commit on top of the base)"],
];

/** The violated rules named in the refusal, each with its fix. */
export function violatedRules(stderr: string): ViolatedRule[] {
  const lines = stderr.split("\n").map((l) => l.replace(/^remote:\s?/, "").replace(/\s+$/, ""));
  const out: ViolatedRule[] = [];
  for (const line of lines) {
    const m = /^- (.+)$/.exec(line.trim());
    if (!m) continue;
    const rule = m[1].trim();
    const fix = ADVICE.find(([re]) => re.test(rule))?.[1] ?? "change the ruleset (Settings → Rules → Rulesets) or land elsewhere";
    out.push({ rule, fix });
  }
  return out;
}

export function explainRulesetRefusal(branch: string, stderr: string): string {
  const rules = violatedRules(stderr);
  const listed = rules.length
    ? rules.map((r, i) => `(${i + 1}) "${r.rule}" — ${r.fix}`).join("; ")
    : "GitHub named no rule; see Settings → Rules → Rulesets";
  return `GitHub's repository rulesets refused the push to ${branch} (GH013), so nothing was pushed. Violated: ${listed}`;
}
