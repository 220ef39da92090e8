/**
 * `waveplan simulate`: runs a compiled workflow offline the way GitHub would — GitHub's parser,
 * jobs in `needs` order, the waveplan action from its bundle with the runner's variables, artifacts
 * through the local results service — and pushes to `--repo` as `final-commit` would push to GitHub.
 * A test harness and a pre-flight check; GitHub Actions stays the engine.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { WaveplanError } from "../errors.js";
import { git } from "../git/git.js";
import { progressPrinter, renderGraph, renderOutcome } from "./console.js";
import { EventError, type EventName, prepareEvent, type SimEvent } from "./event.js";
import { type SimGitHub, startGitHub } from "./github-api/index.js";
import type { GitHubRecord, RepoRules } from "./github-api/state.js";
import { dispatchInputs } from "./inputs.js";
import { waveplanRoot } from "./package-root.js";
import { branchRefs, describeRepo, type RepoHead, warnings } from "./repo.js";
import { startResultsService } from "./results-service.js";
import type { SimRun } from "./run-context.js";
import { readLasting, registerRun, writeLasting } from "./run-registry.js";
import { refuseUses } from "./runner/action.js";
import { runnerPath } from "./runner/runner-path.js";
import { type JobRecord, type SchedulerEvents, schedule } from "./scheduler.js";
import { jobsToRerun, paths, type RunState, readState, STATE_VERSION, writeState } from "./state.js";
import { loadWorkflow, type SimWorkflow } from "./workflow/load.js";
import { tasksRunBy } from "./workflow/tasks.js";

export interface SimulateOptions {
  /** the workflow to run; not used with `rerunFailed` (the run's own copy is used) */
  workflowFile?: string;
  repo?: string;
  out?: string;
  rerunFailed?: string;
  failTask?: string;
  concurrency: number;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  /** configuration variables (`--var`), the `vars` context; not kept for a re-run */
  vars?: Record<string, string>;
  /** `--runner-path`: folders put first on the jobs' PATH (stand-ins for tools the runner lacks) */
  runnerPath?: string[];
  /** `--cache-dir`: where emulated actions/cache entries are kept (default ~/.cache/waveplan/simulate/cache) */
  cacheDir?: string;
  /** repository settings (`--protect`, `--allow-token-prs`); a re-run keeps the first attempt's unless given */
  rules?: Partial<RepoRules>;
  /** `--event`: what starts the run (default workflow_dispatch); a re-run keeps the first attempt's */
  event?: EventName;
  /** `--head`: the pull request's branch for `pull_request` and `merge_group` */
  head?: string;
  cwd: string;
  write: (s: string) => void;
  cancelled?: AbortSignal;
}

export interface SimulateResult {
  conclusion: RunState["conclusion"];
  outDir: string;
  state: RunState;
  wallMs: number;
  /** branches of --repo the run moved: name → [before, after] */
  pushed: Record<string, [string | undefined, string]>;
}

export class SimulateError extends WaveplanError {
  override readonly name = "SimulateError";
}

export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  const started = Date.now();
  const prior = o.rerunFailed ? await readState(resolve(o.cwd, o.rerunFailed)) : undefined;
  const outDir = prior ? resolve(o.cwd, o.rerunFailed as string) : undefined;
  const workflowPath = prior ? paths(outDir as string).workflow : resolve(o.cwd, o.workflowFile ?? "");
  const text = await readFile(workflowPath, "utf8");
  const workflow = await loadWorkflow(prior?.workflowFile ?? (o.workflowFile as string), text, refuseUses);
  if (prior && Object.keys(o.inputs).length)
    throw new SimulateError("a re-run uses the inputs of the run it continues; --input cannot change them");
  const head: RepoHead = prior ?? (await describeRepo(resolve(o.cwd, o.repo ?? ".")));
  const eventName: EventName = prior?.event?.name ?? o.event ?? "workflow_dispatch";
  if (!workflow.events.includes(eventName))
    throw new SimulateError(
      `${workflow.file} has no ${eventName} trigger (on: ${workflow.events.join(", ")}): GitHub would start no run for it`,
    );
  if (eventName !== "workflow_dispatch" && Object.keys(o.inputs).length)
    throw new SimulateError(`--input is for workflow_dispatch: a ${eventName} run has no inputs`);
  const inputs = prior?.inputs ?? (eventName === "workflow_dispatch" ? dispatchInputs(workflow.inputs, o.inputs) : {});
  const runId = prior?.runId ?? `${Date.now()}${randomBytes(1).readUInt8() % 10}`;
  const out = outDir ?? resolve(o.cwd, o.out ?? join(".waveplan", "simulate", runId));
  const attempt = (prior?.attempt ?? 0) + 1;
  const rerun = prior ? jobsToRerun(workflow, prior.jobs) : undefined;
  if (rerun && rerun.size === 0)
    throw new SimulateError(`nothing to re-run: every job of run ${prior?.runId} (attempt ${prior?.attempt}) succeeded`);
  checkFailTask(workflow, inputs, o.failTask);
  const missing = (prior?.secretNames ?? []).filter((n) => !Object.hasOwn(o.secrets, n));
  if (missing.length) o.write(`warning: the first attempt had secrets ${missing.join(", ")}; pass them again with --secret to use them\n`);

  const githubFile = join(out, "github.json");
  const priorGitHub = prior ? await readJson<GitHubRecord>(githubFile) : undefined;
  const rules: RepoRules = {
    protect: o.rules?.protect ?? priorGitHub?.rules.protect ?? [],
    allowTokenPrs: o.rules?.allowTokenPrs ?? priorGitHub?.rules.allowTokenPrs ?? false,
    rulesets: o.rules?.rulesets ?? priorGitHub?.rules.rulesets ?? [],
  };
  for (const branch of rules.protect)
    if (
      !/^[A-Za-z0-9._/-]+$/.test(branch) ||
      (await git(["check-ref-format", `refs/heads/${branch}`], { cwd: head.repo }).then(
        () => false,
        () => true,
      ))
    )
      throw new SimulateError(`--protect ${branch}: not a valid branch name`);
  await mkdir(paths(out).attempt(attempt), { recursive: true });
  if (!prior) await copyFile(workflowPath, paths(out).workflow);
  for (const w of await warnings(head, workflowPath, eventName === "workflow_dispatch" ? inputs : { land: false }))
    o.write(`warning: ${w}\n`);
  await registerRun(head.repo, runId, out);
  const service = await startResultsService({ dir: paths(out).artifacts });
  const lasting = (await readLasting(head.repo)) as Partial<GitHubRecord>;
  const github = await startGitHub({ repo: head.repo, repository: head.repository, rules, prior: { ...priorGitHub, ...lasting } });
  // a secret's value is a token of its own (a PAT or an App installation token), not the job's GITHUB_TOKEN
  for (const [name, value] of Object.entries(o.secrets)) github.userToken(name, value);
  let event: SimEvent;
  try {
    event = prior?.event ?? (await prepareEvent(eventName, head, o.head, github.state));
  } catch (e) {
    await github.close();
    await service.close();
    throw e instanceof EventError ? new SimulateError(e.message) : e;
  }
  const workRoot = await mkdtemp(join(tmpdir(), "waveplan-simulate-"));
  const before = await branchRefs(head.repo);
  const run: SimRun = {
    workflow,
    repo: head.repo,
    repository: head.repository,
    sha: event.sha,
    ref: event.ref,
    refName: event.refName,
    event,
    runId,
    attempt,
    inputs,
    secrets: o.secrets,
    vars: o.vars ?? {},
    token: `ghs_simulated${randomBytes(12).toString("hex")}`,
    github,
    service,
    attemptDir: paths(out).attempt(attempt),
    workRoot,
    actionRoot: waveplanRoot(),
    path: await runnerPath((o.runnerPath ?? []).map((d) => resolve(o.cwd, d))),
    cacheDir: resolve(o.cwd, o.cacheDir ?? join(homedir(), ".cache", "waveplan", "simulate", "cache")),
    failTask: o.failTask,
    cancelled: o.cancelled ?? new AbortController().signal,
  };
  const what =
    event.name === "workflow_dispatch" ? head.refName : `${event.name} of ${event.headRef || event.refName} into ${head.refName}`;
  o.write(`simulating ${workflow.file}: run ${runId}, attempt ${attempt}, ${what} @ ${event.sha.slice(0, 12)} of ${head.repo}\n`);
  o.write(`  ${renderGraph(workflow)}\n`);
  if (rerun) o.write(`  re-running ${[...rerun].join(", ")}\n`);
  if (o.failTask) o.write(`  --fail ${o.failTask}: that task's command will exit 1\n`);
  if (rules.protect.length) o.write(`  protected branches (a push is refused, GH006): ${rules.protect.join(", ")}\n`);
  for (const r of rules.rulesets ?? [])
    o.write(`  ruleset "${r.name}" (${r.enforcement}; ${r.include.join(", ")}): ${r.rules.map((x) => x.type).join(", ")}\n`);
  o.write(`  Allow GitHub Actions to create and approve pull requests: ${rules.allowTokenPrs ? "on" : "off (GitHub's default)"}\n`);
  o.write("\n");

  let jobs: Map<string, JobRecord>;
  try {
    jobs = await schedule({
      run,
      outDir: out,
      concurrency: o.concurrency,
      previous: prior ? new Map(Object.entries(prior.jobs)) : undefined,
      rerun,
      events: recordingCheckRuns(progressPrinter(o.write), github, event),
    });
  } finally {
    for (const ref of event.temporaryRefs) await git(["update-ref", "-d", ref], { cwd: head.repo }).catch(() => {});
    const record = await github.record();
    await writeFile(githubFile, `${JSON.stringify(record, null, 2)}\n`);
    await writeLasting(head.repo, { pulls: record.pulls, statuses: record.statuses });
    await github.close();
    await service.close();
    await rm(workRoot, { recursive: true, force: true });
  }
  const results = [...jobs.values()].map((j) => j.result);
  const conclusion = results.includes("failure")
    ? "failure"
    : results.includes("cancelled") || run.cancelled.aborted
      ? "cancelled"
      : "success";
  const state: RunState = {
    version: STATE_VERSION,
    workflowFile: workflow.file,
    repo: head.repo,
    repository: head.repository,
    runId,
    attempt,
    sha: event.sha,
    ref: event.ref,
    refName: event.refName,
    event,
    inputs,
    secretNames: Object.keys(o.secrets),
    conclusion,
    jobs: Object.fromEntries(jobs),
  };
  await writeState(out, state);
  const after = await branchRefs(head.repo);
  const pushed: SimulateResult["pushed"] = {};
  for (const [branch, sha] of Object.entries(after)) if (before[branch] !== sha) pushed[branch] = [before[branch], sha];

  o.write(renderOutcome(out, jobs, attempt));
  for (const [branch, [from, to]] of Object.entries(pushed))
    o.write(`\npushed ${to.slice(0, 12)} to ${branch} of ${head.repo}${from ? ` (was ${from.slice(0, 12)})` : ""}\n`);
  const wallMs = Date.now() - started;
  o.write(`\nrun ${runId} attempt ${attempt}: ${conclusion} in ${(wallMs / 1000).toFixed(1)}s; logs and summaries in ${out}\n`);
  if (conclusion !== "success") o.write(`re-run the failed jobs with: waveplan simulate --rerun-failed ${out}\n`);
  return { conclusion, outDir: out, state, wallMs, pushed };
}

/**
 * Each job (each matrix combination) gets a check run named by its name, on the commit the event
 * attaches checks to; a job that never ran is concluded `skipped` (or `cancelled`) there too. Source:
 * docs "About status checks" › "Checks"; "Events that trigger workflows" (which SHA, per event).
 */
function recordingCheckRuns(events: SchedulerEvents, github: SimGitHub, event: SimEvent): SchedulerEvents {
  return {
    ...events,
    finished(job, instance) {
      github.state.checkRuns.push({ name: instance.name, headSha: event.checkSha, conclusion: instance.result, event: event.name });
      events.finished?.(job, instance);
    },
  };
}

/** `--fail` must name a task some job runs, or the run would prove nothing. */
function checkFailTask(workflow: SimWorkflow, inputs: SimRun["inputs"], task: string | undefined): void {
  if (!task) return;
  const known = tasksRunBy(workflow, inputs);
  if (!known.has(task))
    throw new SimulateError(`--fail ${task}: no job of ${workflow.file} runs that task (tasks: ${[...known].join(", ") || "none"})`);
}

async function readJson<T>(file: string): Promise<T | undefined> {
  return readFile(file, "utf8").then(
    (text) => JSON.parse(text) as T,
    () => undefined,
  );
}
