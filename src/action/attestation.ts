/**
 * Re-attestation, the pure part (DESIGN.md §6): which commits of a pull request (base..head) are
 * landings of this plan, and whether each still stands — its run posted `final-commit` = success on
 * it, and the plan in the pull request hashes as the plan that landed it. No git, no GitHub here:
 * attest.ts reads the commits and statuses and passes them in.
 */

/** A landing commit as landing-commit.ts `commitMessage` writes it: `Plan: <name> (<hash12>)` and `Run: <id>`. */
export interface Landing {
  sha: string;
  planName: string;
  planHash12: string;
  runId: string;
}

export interface StatusSeen {
  context: string;
  state: string;
  targetUrl: string;
}

export interface Verdict {
  sha: string;
  ok: boolean;
  why: string;
}

const PLAN_LINE = /^Plan: (.+) \(([0-9a-f]{12})\)$/m;
const RUN_LINE = /^Run: ([1-9][0-9]*)$/m;

/** The landing this commit message records, if it is one (of any plan). */
export function parseLanding(sha: string, message: string): Landing | undefined {
  const plan = PLAN_LINE.exec(message);
  const run = RUN_LINE.exec(message);
  if (!plan || !run) return undefined;
  return { sha, planName: plan[1], planHash12: plan[2], runId: run[1] };
}

/**
 * One landing judged: its newest `context` status (GitHub lists statuses newest first, and the
 * newest of a context is the one that counts — REST docs "List commit statuses for a reference")
 * must be success and link to the run the commit names, and the plan must not have changed since.
 */
export function judgeLanding(landing: Landing, statuses: readonly StatusSeen[], context: string, planHash: string): Verdict {
  const short = landing.sha.slice(0, 12);
  if (!planHash.startsWith(landing.planHash12))
    return {
      sha: landing.sha,
      ok: false,
      why: `${short} was landed by run ${landing.runId} from plan hash ${landing.planHash12}, but the plan in this pull request hashes ${planHash.slice(0, 12)}: the plan changed after it landed, so that run no longer vouches for it. Dispatch the workflow again`,
    };
  const status = statuses.find((s) => s.context === context);
  if (!status)
    return {
      sha: landing.sha,
      ok: false,
      why: `${short} says it was landed by run ${landing.runId}, but carries no "${context}" status: it was not landed by that run's final-commit (or its status was never posted). Dispatch the workflow again`,
    };
  if (status.state !== "success")
    return { sha: landing.sha, ok: false, why: `${short}: its "${context}" status is ${status.state}, not success` };
  if (!new RegExp(`/actions/runs/${landing.runId}/?$`).test(status.targetUrl))
    return {
      sha: landing.sha,
      ok: false,
      why: `${short} names run ${landing.runId}, but its "${context}" status links to ${status.targetUrl || "nothing"}: the status was not posted by that run`,
    };
  return { sha: landing.sha, ok: true, why: `${short}: landed and verified by run ${landing.runId}` };
}
