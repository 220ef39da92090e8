/**
 * The third-party actions a compiled workflow uses, pinned to full commit SHAs.
 *
 * How pins are chosen: the newest release of the action's current major, taken from the action's own
 * repository — the commit its release tag points to (`git show-ref --tags -d`, peeled for annotated
 * tags), never a branch, with the version in a trailing comment so humans and Dependabot can read it.
 *
 * How pins are updated: edit this table (and recompile the examples), or let Dependabot
 * (`package-ecosystem: github-actions`) bump the pin inside a compiled workflow. Pins are not part of
 * the plan hash, so a bumped workflow still passes the `plan` job's hash check, and
 * `compile --check` accepts a `uses:` line whose ref was replaced by another full commit SHA.
 */

export interface Pin {
  /** `owner/repo` (or `owner/repo/path`) */
  action: string;
  /** 40-hex commit SHA the release tag points to */
  sha: string;
  /** release tag, written as a comment after the pin */
  version: string;
}

export const PINS = {
  // https://github.com/actions/checkout/releases/tag/v7.0.1 — lightweight tag on commit 3d3c42e
  // ("prep v7.0.1 release", 2026-07-17); node24 runtime.
  checkout: { action: "actions/checkout", sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  // https://github.com/actions/create-github-app-token/releases/tag/v3.1.1 — lightweight tag on commit
  // 1b10c78 ("build(release): 3.1.1 [skip ci]", 2026-04-11); node24 runtime; inputs `client-id`
  // (`app-id` deprecated), `private-key`, `owner`, `repositories`, `permission-*`; output `token`.
  appToken: {
    action: "actions/create-github-app-token",
    sha: "1b10c78c7865c340bc4f6099eb2f838309f1e8c3",
    version: "v3.1.1",
  },
  // https://github.com/actions/cache/releases/tag/v5.0.5 — lightweight tag on commit 27d5ce7 ("Merge pull
  // request #1747", 2026-04-13); node24 runtime; inputs `path`, `key`; output `cache-hit`; saves in its
  // post step when the job succeeded (post-if: success()).
  cache: { action: "actions/cache", sha: "27d5ce7f107fe9357f9df03efb73ab90386fccae", version: "v5.0.5" },
} as const satisfies Record<string, Pin>;

export function pinnedRef(pin: Pin): string {
  return `${pin.action}@${pin.sha}`;
}

/** The version comment for a `uses:` value, if it is one of our pins. */
export function pinComment(uses: string): string | undefined {
  return Object.values(PINS).find((p) => pinnedRef(p) === uses)?.version;
}
