/**
 * Plan → GitHub Actions workflow text (README.md, "Use it on GitHub"). Pure and deterministic: the
 * same plan and options give byte-identical output.
 *
 *   plan ──► W0 ──► W1 (matrix) ──► W2-1 ──► W2-2 (chain) ──► … ──► final-commit (if: always())
 *
 * Only `final-commit` can write; the other jobs keep the top-level `contents: read` (task jobs add
 * `actions: read`, to read the checkpoints of the run they resume).
 */
import { Document, isScalar, visit } from "yaml";
import { planHash } from "../plan/hash.js";
import type { Plan, Wave } from "../plan/model.js";
import { FINAL_JOB } from "./final-check.js";
import { compileCommand, DEFAULT_ACTION_REF, headerComment } from "./header.js";
import { expr, JobIds, literalText, slug } from "./ids.js";
import { checkoutStep, type Job, PLAN_JOB, RESUME_PERMISSIONS, resumeInputs, waveJobs } from "./jobs.js";
import { PINS, pinComment, pinnedRef } from "./pins.js";

export { DEFAULT_ACTION_REF, VENDORED_ACTION_DIR } from "./header.js";

export interface CompileOptions {
  /** the plan file, relative to the repository root (what the action reads) */
  planPath: string;
  /** the workflow file, relative to the repository root */
  workflowPath: string;
  /** `./.github/actions/waveplan` (vendored, the default), `owner/repo@sha` of a published copy, or `./` inside waveplan itself */
  actionRef?: string;
}

export { FINAL_JOB, PLAN_JOB };
export const PLAN_JOB_MINUTES = 10;
export const FINAL_JOB_MINUTES = 30;

const ACTION_REF =
  /^(?:\.\/(?:[A-Za-z0-9._-]+\/)*(?:[A-Za-z0-9._-]+)?|[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*@[A-Za-z0-9._/-]+)$/;
const SAFE_PATH = /^[A-Za-z0-9._/-][A-Za-z0-9 ._/+@-]*$/;

/** Problems with the options that would make an invalid or unsafe workflow; empty when fine. */
export function checkOptions(plan: Plan, options: CompileOptions): string[] {
  const errors: string[] = [];
  const ref = options.actionRef ?? DEFAULT_ACTION_REF;
  if (!ACTION_REF.test(ref)) errors.push(`action ref "${ref}" is not ./<path> or <owner>/<repo>[/<path>]@<ref>`);
  for (const [what, p] of [
    ["plan path", options.planPath],
    ["workflow path", options.workflowPath],
  ]) {
    if (!SAFE_PATH.test(p) || p.split("/").includes("..")) errors.push(`${what} "${p}" must be a plain repository-relative path`);
  }
  const labels = [plan.github.runsOn, ...plan.waves.map((w) => w.runsOn ?? [])].flat();
  for (const label of labels)
    if (label.includes("${{") || /[\n\r]/.test(label)) errors.push(`runs-on must be runner labels, not expressions: "${label}"`);
  return errors;
}

/**
 * The GITHUB_TOKEN of final-commit: `statuses: write` to post the `final-commit` status on the
 * landing commit; `contents`/`pull-requests: write` only when it lands with GITHUB_TOKEN (with
 * `github.token-secret` or `github.app` that token pushes and opens the pull request); `actions: write`
 * only to dispatch `github.dispatch` workflows (else `actions: read`, for `resume-from`). Listing any scope sets the others to none (docs:
 * "Workflow syntax for GitHub Actions" › `permissions`), so `contents: read` stays for the checkout.
 */
export function finalPermissions(plan: Plan): Record<string, string> {
  const own = !plan.github.tokenSecret && !plan.github.app;
  return {
    contents: own ? "write" : "read",
    ...(own && plan.land.strategy === "pull-request" ? { "pull-requests": "write" } : {}),
    statuses: "write",
    // `actions: read` reads a resumed run's checkpoints (resume-from); write also covers that
    actions: plan.github.dispatch.length ? "write" : RESUME_PERMISSIONS.actions,
  };
}

const LAND = "github.event_name == 'workflow_dispatch' && inputs.land";
const PLAN_STEP = "validate";

/**
 * When task jobs run: on `workflow_dispatch`, and also on `pull_request` with `github.pull-request:
 * true` (the plan runs as a pull request check, verifying without landing). Otherwise a pull request
 * or merge group runs no task: final-commit only re-attests the landings it holds (action/attest.ts).
 * GitHub adds `success() &&` to an `if:` without a status function, so a failed plan job still
 * stops them (docs "Workflow syntax" › `jobs.<job_id>.if`).
 */
export function taskJobCondition(plan: Plan): string {
  return plan.github.pullRequest ? "github.event_name != 'merge_group'" : "github.event_name == 'workflow_dispatch'";
}
const APP_TOKEN_STEP = "app-token";

function landingToken(plan: Plan): string {
  if (plan.github.app) return `steps.${APP_TOKEN_STEP}.outputs.token`;
  return plan.github.tokenSecret ? `secrets.${plan.github.tokenSecret}` : "github.token";
}

/**
 * `github.app`: an installation token minted in final-commit only, only when the run lands, for
 * this repository only (no `owner`/`repositories`: "defaults to current repository"), with only
 * what landing needs (create-github-app-token v3.1.1 action.yml, README "Inputs"). Its pushes
 * and pull requests start workflows, unlike GITHUB_TOKEN's (docs "Triggering a workflow" ›
 * "Triggering a workflow from a workflow"), and `workflows: write` lets it land
 * `.github/workflows/` changes. The action masks the token (`core.setSecret`, lib/main.js).
 */
function appTokenStep(plan: Plan, when: string): Job {
  const app = plan.github.app as NonNullable<Plan["github"]["app"]>;
  return {
    name: "Mint the GitHub App token that lands",
    id: APP_TOKEN_STEP,
    if: when,
    uses: pinnedRef(PINS.appToken),
    with: {
      "client-id": expr(`vars.${app.clientIdVar}`),
      "private-key": expr(`secrets.${app.privateKeySecret}`),
      "permission-contents": "write",
      ...(plan.land.strategy === "pull-request" ? { "permission-pull-requests": "write" } : {}),
      "permission-workflows": "write",
      // no statuses: the final-commit status is posted with GITHUB_TOKEN (`statuses: write` above)
    },
  };
}

/**
 * A remote action ref that is not a full commit SHA can move under the workflow (a tag can be
 * re-pointed, a branch moves with every push), and organizations that require SHA-pinned actions
 * refuse it; undefined when the ref is local (`./…`) or pinned.
 */
export function actionRefWarning(ref: string): string | undefined {
  if (ref.startsWith("./")) return undefined;
  const at = ref.slice(ref.lastIndexOf("@") + 1);
  if (/^[0-9a-f]{40}$/.test(at)) return undefined;
  return `--action-ref ${ref}: "${at}" is a tag or branch, which can be moved to other code after you compile; pin the full 40-character commit SHA it points to (${ref.slice(0, ref.lastIndexOf("@"))}@<sha>) — organizations that require SHA-pinned actions refuse anything else`;
}

/**
 * A wave's runner choices, replacing the plan-wide ones on its jobs: `runs-on` (a label or the
 * labels a runner must all have), `environment` (its protection rules and secrets; the validator
 * makes every task of a matrix job share it) and the matrix's `max-parallel` (docs "Workflow
 * syntax" › `jobs.<job_id>.runs-on`, `jobs.<job_id>.environment`, `jobs.<job_id>.strategy.max-parallel`).
 */
function runnerChoices(wave: Wave, job: Job): Job {
  const out: Job = {};
  if (wave.runsOn !== undefined) out["runs-on"] = wave.runsOn;
  // a chain job has one task: its own environment; a matrix job: the one its tasks share
  const steps = job.steps as { with?: { task?: string } }[];
  const literal = steps.map((s) => s.with?.task).find((t) => t !== undefined && !t.startsWith("${{"));
  const environment = (literal ? wave.tasks.find((t) => t.id === literal) : wave.tasks[0])?.environment;
  if (environment) out.environment = environment;
  if (wave.maxParallel !== undefined && job.strategy) out.strategy = { ...(job.strategy as Job), "max-parallel": wave.maxParallel };
  return out;
}

export function compileWorkflow(plan: Plan, options: CompileOptions): string {
  const errors = checkOptions(plan, options);
  if (errors.length) throw new Error(errors.join("; "));
  const actionRef = options.actionRef ?? DEFAULT_ACTION_REF;
  const { planPath } = options;
  const ids = new JobIds([PLAN_JOB, FINAL_JOB]);
  const runsOn = plan.github.runsOn;

  const jobs: Record<string, Job> = {};
  jobs[PLAN_JOB] = {
    name: PLAN_JOB,
    "runs-on": runsOn,
    "timeout-minutes": PLAN_JOB_MINUTES,
    // with resume-from it lists the resumed run once for every job (action/validate.ts)
    permissions: { ...RESUME_PERMISSIONS },
    outputs: {
      "resume-run": expr(`steps.${PLAN_STEP}.outputs.resume-run`),
      "resume-artifacts": expr(`steps.${PLAN_STEP}.outputs.resume-artifacts`),
    },
    steps: [
      checkoutStep(),
      {
        name: "Validate plan and workflow",
        id: PLAN_STEP,
        uses: actionRef,
        // a `redo` naming no task, or without `resume-from`, fails here, before any agent is paid
        with: { command: "validate", plan: planPath, workflow: options.workflowPath, ...resumeInputs(), redo: expr("inputs.redo") },
      },
    ],
  };
  let previous = [PLAN_JOB];
  const waveJobIds: string[] = [];
  for (const wave of plan.waves) {
    const { jobs: made, last } = waveJobs({ plan, planPath, actionRef, ids }, wave, previous);
    for (const [id, job] of made) {
      // `if:` right after the name, where a reader looks for it; every task job needs the plan job,
      // whose outputs carry the resumed run's listing
      const needs = typeof job.needs === "string" ? [job.needs] : ((job.needs as string[] | undefined) ?? []);
      jobs[id] = {
        name: job.name,
        if: taskJobCondition(plan),
        ...job,
        needs: needs.includes(PLAN_JOB) ? job.needs : [...needs, PLAN_JOB],
        ...runnerChoices(wave, job),
      };
      waveJobIds.push(id);
    }
    previous = last;
  }
  jobs[FINAL_JOB] = {
    name: FINAL_JOB,
    // Runs whatever happened upstream, so that a failed, skipped or cancelled wave makes this
    // required check fail (a skipped required check would count as passing).
    if: "always()",
    needs: [PLAN_JOB, ...waveJobIds],
    "runs-on": runsOn,
    "timeout-minutes": FINAL_JOB_MINUTES,
    permissions: finalPermissions(plan),
    steps: [
      checkoutStep(true),
      ...(plan.github.app ? [appTokenStep(plan, LAND)] : []),
      {
        name: "Verify checkpoints and land",
        uses: actionRef,
        with: {
          command: "finalize",
          plan: planPath,
          needs: expr("toJSON(needs)"),
          token: expr(landingToken(plan)),
          "github-token": expr("github.token"),
          // pull_request runs have no inputs: they never land
          land: expr(LAND),
          branch: expr("inputs.branch"),
          "resume-from": resumeInputs()["resume-from"],
          "resume-run": resumeInputs("none")["resume-run"],
        },
      },
    ],
  };

  const on: Job = {
    workflow_dispatch: {
      inputs: {
        land: {
          description:
            plan.land.strategy === "pull-request"
              ? "Open or update a pull request with the combined change when every task succeeded"
              : "Push the combined change as one commit when every task succeeded",
          type: "boolean",
          default: true,
        },
        branch: {
          description: "Branch that receives the change (empty: the branch the run started on)",
          type: "string",
          required: false,
          default: literalText(plan.land.branch ?? ""),
        },
        "resume-from": {
          description:
            "Reuse the checkpoints of an earlier run that still verify: its run id, or latest-failed (the latest failed run of this workflow on this branch)",
          type: "string",
          required: false,
          default: "",
        },
        redo: {
          description:
            "With resume-from: task ids (comma or space separated) to run again although their checkpoint verifies, with everything downstream of them",
          type: "string",
          required: false,
          default: "",
        },
      },
    },
  };
  // Re-attestation (DESIGN.md §6): a pull request's new head — a reviewer's fix-up, "Update branch" —
  // and a merge queue's merge group need the required `final-commit` check again. "The merge will
  // fail as the required status check will not be reported" without a merge_group trigger (docs
  // "Managing a merge queue" › "Triggering merge group checks with GitHub Actions").
  on.pull_request = null;
  on.merge_group = null;

  const workflow = {
    name: literalText(plan.name) || "waveplan",
    on,
    permissions: { contents: "read" },
    // the landing branch is part of the group: two dispatches landing on different branches are
    // independent and must not replace each other's pending run
    concurrency: { group: `waveplan-${slug(planPath)}-${expr("github.ref")}-${expr("inputs.branch")}`, "cancel-in-progress": false },
    jobs,
  };
  // a label list shared by several jobs is written out each time: GitHub's parser refuses YAML aliases there
  const doc = new Document(workflow, { aliasDuplicateObjects: false });
  doc.commentBefore = headerComment(planPath, planHash(plan), compileCommand(planPath, options.workflowPath, actionRef));
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "uses" && isScalar(pair.value)) {
        const version = pinComment(String(pair.value.value));
        if (version) pair.value.comment = ` ${version}`;
      }
    },
  });
  return doc.toString({ lineWidth: 0, nullStr: "" });
}
