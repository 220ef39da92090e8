/** Semantic rules that a schema cannot express: references, ordering, paths, smells. */
import { posix } from "node:path";
import { checkAgent, promptTaskAgent } from "./agent-rules.js";
import type { DiagnosticList, Position } from "./diagnostics.js";
import { agentSetupMinutes, JOB_OVERHEAD_MINUTES, MATRIX_LIMIT } from "./github-limits.js";
import type { Plan, SourcePath, Task } from "./model.js";
import type { PlanInput, TaskInput } from "./schema.js";
import { didYouMean } from "./suggest.js";

type Locate = (path: SourcePath, key?: boolean) => Position;

export function validatePlan(plan: Plan, d: DiagnosticList, locate: Locate, input?: PlanInput): void {
  const instanceIds = new Set(plan.instances.map((i) => i.id));
  const byId = new Map<string, Task>();
  const waveIds = new Map<string, number>();

  for (const wave of plan.waves) {
    const first = waveIds.get(wave.id);
    if (first !== undefined)
      d.error("duplicate-id", `wave id "${wave.id}" is already used by wave #${first + 1}`, locate([...wave.source, "id"]));
    else waveIds.set(wave.id, wave.index);
    if (wave.tasks.length === 0) d.error("empty-wave", `wave "${wave.id}" has no tasks`, locate([...wave.source, "tasks"], true));
    if (wave.tasks.length > MATRIX_LIMIT) {
      d.warning(
        "matrix-limit",
        `wave "${wave.id}" has ${wave.tasks.length} tasks, more than GitHub's matrix limit of ${MATRIX_LIMIT}; compile splits it into several jobs`,
        locate([...wave.source, "id"]),
      );
    }
    if (wave.mode === "parallel") {
      const seen = new Map<string, Task>();
      for (const t of wave.tasks) {
        const other = seen.get(t.instance);
        if (other) {
          d.warning(
            "instance-overbooked",
            `instance "${t.instance}" has tasks "${other.id}" and "${t.id}" in parallel wave "${wave.id}"; one worker cannot be in two places (make the wave sequential or give one task to another instance)`,
            locate([...t.source, "instance"]),
          );
        } else seen.set(t.instance, t);
      }
      checkDeclaredFiles(wave.tasks, d, locate);
      checkMatrixEnvironment(wave.tasks, d, locate);
    }
  }

  for (const t of plan.tasks) {
    const dup = byId.get(t.id);
    if (dup)
      d.error(
        "duplicate-id",
        `task id "${t.id}" is already used by the task at wave "${dup.waveId}" #${dup.position + 1}`,
        locate([...t.source, "id"]),
      );
    else byId.set(t.id, t);
    if (!instanceIds.has(t.instance)) {
      d.error(
        "unknown-instance",
        `task "${t.id}" is assigned to unknown instance "${t.instance}"${didYouMean(t.instance, instanceIds)}`,
        locate([...t.source, "instance"]),
      );
    }
  }

  checkAgent(plan, d, locate);
  plan.waves.forEach((wave, wi) => {
    wave.tasks.forEach((t, ti) => {
      // run/prompt presence is checked on the input because normalization keeps only one of them
      checkRunPrompt(plan, t, d, locate, input?.waves[wi]?.tasks[ti]);
      for (const out of t.outputs) checkOutputPath(out, t, d, locate);
      checkJobLimit(plan, t, d, locate, input?.waves[wi]?.tasks[ti]);
      t.needs.forEach((need, ni) => {
        // positions are looked up only for findings: locating parses the file again (load.ts)
        const at = () => locate([...t.source, "needs", ni]);
        const target = byId.get(need);
        if (need === t.id) d.error("needs", `task "${t.id}" needs itself`, at());
        else if (!target) d.error("needs", `task "${t.id}" needs unknown task "${need}"${didYouMean(need, byId.keys())}`, at());
        else if (target.waveIndex >= t.waveIndex) {
          d.error(
            "needs",
            `task "${t.id}" needs "${need}" of ${target.waveIndex === t.waveIndex ? "the same" : "a later"} wave "${target.waveId}"; needs may only point to earlier waves`,
            at(),
          );
        }
      });
    });
  });

  reportCycles(plan, byId, d, locate);

  // one landing token: the App's installation token or the secret's, never both
  if (plan.github.app && plan.github.tokenSecret)
    d.error(
      "landing-token",
      "github.app and github.token-secret both name the token final-commit lands with; keep one (github.app is recommended)",
      locate(["github", "app"], true),
    );

  // GitHub signs only the commits it authors itself (docs "About commit signature verification")
  if (plan.land.signed && plan.land.author)
    d.error(
      "signed-author",
      "land.signed lands a commit GitHub creates and signs, which it does only without a custom author; remove land.author (the commit is authored by the token's bot)",
      locate(["land", "author"], true),
    );

  const used = new Set(plan.tasks.map((t) => t.instance));
  for (const i of plan.instances) {
    if (!used.has(i.id)) d.warning("unused-instance", `instance "${i.id}" (${i.role}) has no tasks`, locate(["instances", i.id], true));
  }
}

function checkRunPrompt(plan: Plan, t: Task, d: DiagnosticList, locate: Locate, raw: TaskInput | undefined): void {
  const source = t.source;
  const hasRun = raw ? raw.run !== undefined : t.kind === "run";
  const hasPrompt = raw ? raw.prompt !== undefined : t.kind === "prompt";
  if (hasRun && hasPrompt)
    d.error(
      "run-or-prompt",
      `task "${t.id}" has both "run" and "prompt"; a task is either a script or an agent prompt`,
      locate([...source, "prompt"], true),
    );
  else if (!hasRun && !hasPrompt) d.error("run-or-prompt", `task "${t.id}" has neither "run" nor "prompt"`, locate(source));
  else if (hasPrompt && !promptTaskAgent(plan, t))
    d.error(
      "agent",
      `task "${t.id}" is a prompt task but no agent runs it: set agent.preset (claude-code, codex, gemini, aider) or agent.command`,
      locate([...source, "prompt"], true),
    );
}

/**
 * "Each job in a workflow can run for up to 6 hours of execution time" on GitHub-hosted runners
 * (docs.github.com, Actions → "Usage limits, billing, and administration" → Usage limits → "Job
 * execution time"); the job is then cancelled, whatever its timeout-minutes says. A task's job gets
 * all its attempts plus set-up (compile/jobs.ts timeoutMinutes), so it must fit. Self-hosted runners
 * may run longer (5 days): there it is a warning.
 */
export const HOSTED_JOB_LIMIT_MINUTES = 360;
const HOSTED_LABEL = /^(ubuntu|windows|macos)-/;

function checkJobLimit(plan: Plan, t: Task, d: DiagnosticList, locate: Locate, raw: TaskInput | undefined): void {
  const attempts = t.retries + 1;
  const taskMinutes = Math.ceil((t.timeoutMs * attempts) / 60_000);
  const setup = JOB_OVERHEAD_MINUTES + agentSetupMinutes(plan, [t]);
  if (taskMinutes + setup <= HOSTED_JOB_LIMIT_MINUTES) return;
  const labels = [plan.waves[t.waveIndex].runsOn ?? plan.github.runsOn].flat();
  const runner = labels.join(", ");
  // a GitHub-hosted runner is asked for by its one image label (docs "GitHub-hosted runners")
  const hosted = labels.length === 1 && HOSTED_LABEL.test(labels[0]);
  const message = `task "${t.id}" may need ${taskMinutes + setup} minutes: timeout ${Math.ceil(t.timeoutMs / 60_000)}m × ${attempts} attempt${attempts === 1 ? "" : "s"} (retries: ${t.retries}) = ${taskMinutes} min, plus ${setup} min of job set-up; GitHub ends a job on a hosted runner (${runner}) at ${HOSTED_JOB_LIMIT_MINUTES} minutes — lower the timeout or the retries, or split the task`;
  const at = locate(
    [...t.source, raw?.timeout !== undefined ? "timeout" : raw?.retries !== undefined ? "retries" : "id"],
    raw === undefined,
  );
  if (hosted) d.error("job-time-limit", message, at);
  else
    d.warning(
      "job-time-limit",
      `${message.replace(/on a hosted runner \([^)]*\)/, "on a GitHub-hosted runner")}; fine only if "${runner}" is self-hosted`,
      at,
    );
}

function checkOutputPath(out: string, t: Task, d: DiagnosticList, locate: Locate): void {
  const at = () => locate([...t.source, "outputs", t.outputs.indexOf(out)]);
  if (out.startsWith("/") || /^[A-Za-z]:[\\/]/.test(out) || out.startsWith("\\")) {
    d.error("output-path", `output "${out}" of task "${t.id}" is absolute; outputs are paths relative to the repository`, at());
    return;
  }
  const norm = posix.normalize(out.replace(/\\/g, "/"));
  if (norm === ".." || norm.startsWith("../")) d.error("output-path", `output "${out}" of task "${t.id}" escapes the repository`, at());
  else if (norm === "." || norm === "")
    d.error("output-path", `output "${out}" of task "${t.id}" names the repository itself, not a file`, at());
  else if (norm === ".git" || norm.startsWith(".git/")) d.error("output-path", `output "${out}" of task "${t.id}" is inside .git`, at());
}

function reportCycles(plan: Plan, byId: Map<string, Task>, d: DiagnosticList, locate: Locate): void {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, "visiting");
    stack.push(id);
    for (const need of byId.get(id)?.needs ?? []) {
      if (!byId.has(need) || need === id) continue;
      const s = state.get(need);
      if (s === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(need)), need];
        const t = byId.get(id) as Task;
        d.error("cycle", `tasks depend on each other in a cycle: ${cycle.join(" → ")}`, locate([...t.source, "needs"], true));
      } else if (s === undefined) visit(need);
    }
    stack.pop();
    state.set(id, "done");
  };
  for (const t of plan.tasks) if (!state.has(t.id)) visit(t.id);
}

/** Tasks of one parallel wave that declare the same file may make conflicting edits to it: say so before anything runs. */
function checkDeclaredFiles(tasks: readonly Task[], d: DiagnosticList, locate: Locate): void {
  const owner = new Map<string, Task>();
  for (const t of tasks)
    (t.files ?? []).forEach((f, fi) => {
      const path = posix.normalize(f);
      const other = owner.get(path);
      if (other && other !== t)
        d.warning(
          "files-overlap",
          `tasks "${other.id}" and "${t.id}" of parallel wave "${t.waveId}" both declare ${f}; their changes to it are merged, and edits to the same lines of it would be a conflict (move one to a later wave or make the wave sequential)`,
          locate([...t.source, "files", fi]),
        );
      else owner.set(path, t);
    });
}

/**
 * A parallel wave runs as one matrix job, and a job has one `environment:` (docs "Workflow syntax" ›
 * `jobs.<job_id>.environment`): its tasks must share their environment, or name none.
 */
function checkMatrixEnvironment(tasks: readonly Task[], d: DiagnosticList, locate: Locate): void {
  if (tasks.length < 2) return;
  const first = tasks[0];
  const other = tasks.find((t) => t.environment !== first.environment);
  if (other)
    d.error(
      "environment",
      `tasks "${first.id}" (${first.environment ? `environment ${first.environment}` : "no environment"}) and "${other.id}" (${other.environment ? `environment ${other.environment}` : "no environment"}) of parallel wave "${other.waveId}" run as one matrix job, which has one environment: give the wave one environment, or make the wave sequential`,
      locate([...other.source, other.environment ? "environment" : "id"], true),
    );
}
