/**
 * One job (one matrix combination) on a fresh "runner": its own workspace, temp folder and HOME,
 * steps in order with `if:` evaluated against the job's status so far, file commands read after
 * each step, `timeout-minutes` for steps and the job, and the job's outputs at the end.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { asString, asStrings, type Contexts, condition, resolve } from "../expressions.js";
import type { Result } from "../job-record.js";
import { defaultVariables, eventPayload, githubContext, hostEnvironment, type SimRun } from "../run-context.js";
import type { SimJob, SimStep } from "../workflow/load.js";
import { runAction } from "./action.js";
import { APP_TOKEN_ACTION, createAppToken } from "./app-token.js";
import { CACHE_ACTION, type PendingSave, restoreCache, saveCaches } from "./cache.js";
import { checkout } from "./checkout.js";
import { type Annotation, parseKeyValueFile } from "./commands.js";
import { JobLog } from "./job-log.js";
import { type JobPlace, runScript, type StepOutcome, type StepRun } from "./step.js";

export interface InstanceSpec {
  job: SimJob;
  /** `GITHUB_JOB`-style key, unique in the run: `W1` or `W1-2` for the second combination */
  key: string;
  name: string;
  matrix: Record<string, unknown> | undefined;
  strategy: { "fail-fast": boolean; "job-index": number; "job-total": number; "max-parallel": number };
  needs: Record<string, { result: Result; outputs: Record<string, string> }>;
  logFile: string;
  summaryFile: string;
}

export interface InstanceResult {
  result: Result;
  outputs: Record<string, string>;
  annotations: Annotation[];
  durationMs: number;
}

export async function runJob(runOfJob: SimRun, spec: InstanceSpec, cancel: AbortSignal): Promise<InstanceResult> {
  const started = Date.now();
  // GitHub fetches an installation token for each job, with the job's permissions (docs: "GITHUB_TOKEN" › About the GITHUB_TOKEN)
  const run: SimRun = { ...runOfJob, token: runOfJob.github.jobToken(spec.key, spec.job.permissions) };
  const root = join(run.workRoot, `${spec.key}-${randomUUID().slice(0, 8)}`);
  const place: JobPlace = {
    key: spec.key,
    workspace: join(root, "workspace"),
    temp: join(root, "temp"),
    home: join(root, "home"),
    eventPath: join(root, "temp", "event.json"),
    pgids: [],
  };
  await Promise.all([place.workspace, place.temp, place.home, dirname(spec.logFile)].map((d) => mkdir(d, { recursive: true })));
  await writeFile(place.eventPath, JSON.stringify(eventPayload(run)));
  const log = new JobLog(spec.logFile, spec.key, [run.token, ...Object.values(run.secrets)], run.secrets.ACTIONS_STEP_DEBUG === "true");
  log.info(`job ${spec.job.id}: ${spec.name} (run ${run.runId}, attempt ${run.attempt})`);

  const contexts: Contexts = {
    github: githubContext(run, { job: spec.job.id, workspace: place.workspace, eventPath: place.eventPath }),
    inputs: run.inputs,
    vars: run.vars,
    secrets: { GITHUB_TOKEN: run.token, ...run.secrets },
    matrix: spec.matrix ?? {},
    strategy: spec.strategy,
    needs: spec.needs,
    runner: { os: "Linux", arch: "X64", name: "waveplan-simulate", temp: place.temp, tool_cache: place.temp, environment: "self-hosted" },
    job: { status: "success" },
    steps: {},
    env: {},
  };
  // job-level values: workflow env first, then the job's own env sees it
  contexts.env = asStrings(run.workflow.env, contexts);
  contexts.env = { ...(contexts.env as object), ...asStrings(spec.job.env, contexts) };
  const jobEnv = contexts.env as Record<string, string>;

  const timeoutMinutes = Number(resolve(spec.job.timeoutMinutes, contexts));
  if (!(timeoutMinutes > 0)) throw new Error(`${spec.job.where}: timeout-minutes must be a positive number`);
  const jobAbort = new AbortController();
  let jobTimedOut = false;
  const timer = setTimeout(
    () => {
      jobTimedOut = true;
      log.info(`##[error] The job running on waveplan-simulate has exceeded the maximum execution time of ${timeoutMinutes} minutes.`);
      jobAbort.abort();
    },
    Math.min(timeoutMinutes * 60_000, 2 ** 31 - 1),
  );
  const onCancel = () => jobAbort.abort();
  cancel.addEventListener("abort", onCancel, { once: true });

  let failed = false;
  const summaries: string[] = [];
  const fileEnv: Record<string, string> = {};
  const pathAdds: string[] = [];
  const steps = contexts.steps as Record<string, unknown>;
  const cacheSaves: PendingSave[] = [];
  try {
    for (const step of spec.job.steps) {
      const label = stepLabel(step, contexts);
      const status = {
        success: () => !failed && !jobAbort.signal.aborted,
        failure: () => failed,
        cancelled: () => jobAbort.signal.aborted,
      };
      contexts.job = { status: jobAbort.signal.aborted ? "cancelled" : failed ? "failure" : "success" };
      contexts.env = { ...jobEnv, ...fileEnv };
      let run_ = false;
      try {
        run_ = condition(step.if, contexts, status);
      } catch (e) {
        log.info(`##[error] ${(e as Error).message}`);
        failed = true;
        continue;
      }
      if (!run_) {
        log.info(`— ${label}: skipped (if: ${step.if.expression})`);
        steps[step.id] = { outcome: "skipped", conclusion: "skipped", outputs: {} };
        continue;
      }
      log.info(`▶ ${label}`);
      const files = await stepFiles(place.temp);
      let outcome: StepOutcome;
      try {
        const stepEnv = asStrings(step.env, contexts);
        contexts.env = { ...jobEnv, ...fileEnv, ...stepEnv };
        const env: Record<string, string> = {
          ...hostEnvironment(),
          // a runner's tools, not the user's: what the workflow does not install is missing, as on GitHub
          PATH: run.path,
          ...defaultVariables(run, { id: spec.key, ...place }),
          GITHUB_JOB: spec.job.id,
          ...jobEnv,
          ...fileEnv,
          ...stepEnv,
          GITHUB_ACTION: step.id,
          GITHUB_OUTPUT: files.output,
          GITHUB_ENV: files.env,
          GITHUB_PATH: files.path,
          GITHUB_STATE: files.state,
          GITHUB_STEP_SUMMARY: files.summary,
        };
        if (pathAdds.length) env.PATH = [...pathAdds, env.PATH].join(":");
        const stepMinutes = step.timeoutMinutes === undefined ? Infinity : Number(resolve(step.timeoutMinutes, contexts));
        const s: StepRun = {
          run,
          job: place,
          step,
          contexts,
          env,
          defaultsRun: asStrings(spec.job.defaultsRun, contexts),
          log,
          signal: jobAbort.signal,
          timeoutMs: Math.min(stepMinutes * 60_000, 2 ** 31 - 1),
        };
        log.stepOutputs = {};
        outcome = await dispatch(s, cacheSaves);
      } catch (e) {
        log.info(`##[error] ${(e as Error).message}`);
        log.annotations.push({ level: "error", message: (e as Error).message, job: spec.key });
        outcome = "failure";
      }
      const outputs = { ...log.stepOutputs, ...(await readKeyValue(files.output)) };
      Object.assign(fileEnv, await readKeyValue(files.env));
      pathAdds.unshift(...(await readFile(files.path, "utf8")).split("\n").filter(Boolean).reverse());
      const summary = await readFile(files.summary, "utf8");
      if (summary.trim()) summaries.push(summary);
      const continueOnError = resolve(step.continueOnError, contexts) === true || resolve(step.continueOnError, contexts) === "true";
      const conclusion = outcome === "failure" && continueOnError ? "success" : outcome;
      steps[step.id] = { outcome, conclusion, outputs };
      if (conclusion === "failure") failed = true;
      log.info(`${outcome === "success" ? "✓" : "✗"} ${label}: ${outcome}${conclusion !== outcome ? " (continue-on-error)" : ""}`);
    }
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener("abort", onCancel);
    for (const pgid of place.pgids) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {}
    }
  }

  const cancelled = cancel.aborted && !jobTimedOut;
  const result: Result = cancelled ? "cancelled" : failed || jobTimedOut ? "failure" : "success";
  // actions/cache's post step (post-if: success())
  if (result === "success" && cacheSaves.length) await saveCaches(run.cacheDir, cacheSaves, (line) => log.info(line));
  contexts.env = { ...jobEnv, ...fileEnv };
  let outputs: Record<string, string> = {};
  try {
    outputs = asStrings(spec.job.outputs, contexts);
  } catch (e) {
    log.info(`##[error] ${(e as Error).message}`);
  }
  log.info(`job ${spec.key}: ${result}`);
  await Promise.all([log.close(), writeFile(spec.summaryFile, summaries.join("\n"))]);
  await rm(root, { recursive: true, force: true, maxRetries: 3 });
  return { result, outputs, annotations: log.annotations, durationMs: Date.now() - started };
}

function dispatch(s: StepRun, cacheSaves: PendingSave[]): Promise<StepOutcome> {
  const uses = s.step.uses;
  if (uses === undefined) return runScript(s);
  if (uses === CACHE_ACTION) return restoreCache(s, cacheSaves);
  if (uses.startsWith("actions/checkout@")) return checkout(s);
  if (uses === APP_TOKEN_ACTION) return createAppToken(s);
  return runAction(s);
}

function stepLabel(step: SimStep, contexts: Contexts): string {
  if (step.name !== undefined) {
    try {
      return asString(step.name, contexts);
    } catch {}
  }
  return step.uses ? `Run ${step.uses}` : `Run ${String(typeof step.run === "string" ? step.run : "script").split("\n")[0]}`;
}

async function stepFiles(temp: string) {
  const dir = join(temp, "_runner_file_commands");
  await mkdir(dir, { recursive: true });
  const id = randomUUID();
  const files = {
    output: join(dir, `set_output_${id}`),
    env: join(dir, `set_env_${id}`),
    path: join(dir, `add_path_${id}`),
    state: join(dir, `save_state_${id}`),
    summary: join(dir, `step_summary_${id}`),
  };
  await Promise.all(Object.values(files).map((f) => writeFile(f, "")));
  return files;
}

async function readKeyValue(file: string): Promise<Record<string, string>> {
  return parseKeyValueFile(await readFile(file, "utf8"), file);
}
