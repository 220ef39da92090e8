/**
 * Reads a workflow with GitHub's own parser and refuses whatever it rejects (as
 * `file:line:col: error:` diagnostics), then keeps what a runner needs: jobs with their `needs`
 * and `if` as GitHub normalized them (`success() && (…)` added where no status function is
 * used), and every other key as data with its expressions unevaluated.
 */
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { type Diagnostic, PlanError } from "../../plan/diagnostics.js";
import { loadWorkflowParser } from "./parser-module.js";
import { Expr, isMapping, type Mapping, tokenValue, type Value, where } from "./tokens.js";

export interface InputDef {
  type: string;
  required: boolean;
  default?: string | boolean | number;
  options?: string[];
}

export interface SimStep {
  index: number;
  /** the step id GitHub assigns (`__run`, `__actions_checkout`, … when none is given) */
  id: string;
  name?: Value;
  if: Expr;
  uses?: string;
  run?: Value;
  with: Mapping;
  env: Mapping;
  timeoutMinutes?: Value;
  continueOnError: Value;
  workingDirectory?: Value;
  shell?: Value;
  where: string;
}

export interface SimJob {
  id: string;
  name?: Value;
  needs: string[];
  if: Expr;
  strategy?: Value;
  env: Mapping;
  outputs: Mapping;
  timeoutMinutes: Value;
  continueOnError: Value;
  defaultsRun: Mapping;
  steps: SimStep[];
  where: string;
  /** `permissions:` of the job, else of the workflow (undefined: the repository default); sets its GITHUB_TOKEN's rights */
  permissions?: Value;
}

export interface SimWorkflow {
  file: string;
  text: string;
  name: string;
  env: Mapping;
  inputs: Record<string, InputDef>;
  /** the events under `on:` (workflow_dispatch, pull_request, merge_group …) */
  events: string[];
  jobs: SimJob[];
}

/** What the simulator can run, checked before any job starts. */
export type UsesCheck = (uses: string) => string | undefined;

export async function loadWorkflow(file: string, text: string, checkUses: UsesCheck): Promise<SimWorkflow> {
  const parser = await loadWorkflowParser();
  const result = parser.parseWorkflow({ name: file, content: text }, new parser.NoOperationTraceWriter());
  const template = result.value ? await parser.convertWorkflowTemplate(result.context, result.value) : undefined;
  const errors: Diagnostic[] = result.context.errors.getErrors().map((e) => {
    const start = (e as unknown as { range?: { start: { line: number; column: number } } }).range?.start;
    const message = (e as unknown as { rawMessage?: string }).rawMessage ?? e.message;
    return { severity: "error", rule: "workflow", file, line: start?.line ?? 1, col: start?.column ?? 1, message };
  });
  if (errors.length || !template || !result.value)
    throw new PlanError(errors.length ? errors : [diag(file, 1, 1, "the workflow is empty")], text);

  const root = tokenValue(file, result.value) as Mapping;
  const rawJobs = root.jobs as Mapping;
  const problems: Diagnostic[] = [];
  const jobs: SimJob[] = [];
  for (const job of template.jobs) {
    const at = where(file, job.id);
    if (job.type !== "job") {
      problems.push(diagAt(at, `job "${job.id.value}" calls a reusable workflow, which the simulator does not run`));
      continue;
    }
    const raw = rawJobs[job.id.value] as Mapping;
    for (const key of ["container", "services"])
      if (raw[key] !== undefined) problems.push(diagAt(at, `job "${job.id.value}" uses \`${key}:\`, which the simulator does not run`));
    const steps: SimStep[] = [];
    const rawSteps = (raw.steps as Mapping[]) ?? [];
    job.steps.forEach((step, index) => {
      const r = rawSteps[index];
      const stepAt = where(file, (step as { uses?: TemplateToken }).uses ?? (step as { run?: TemplateToken }).run);
      if (!("uses" in step) && !("run" in step)) {
        problems.push(
          diagAt(stepAt, `step ${index + 1} of job "${job.id.value}" is neither run: nor uses:, which the simulator does not run`),
        );
        return;
      }
      const uses = "uses" in step ? step.uses.value : undefined;
      const refusal = uses === undefined ? undefined : checkUses(uses);
      if (refusal) problems.push(diagAt(stepAt, refusal));
      steps.push({
        index,
        id: step.id,
        name: r.name,
        if: ifOf(file, step.if),
        uses,
        run: r.run,
        with: isMapping(r.with) ? r.with : {},
        env: isMapping(r.env) ? r.env : {},
        timeoutMinutes: r["timeout-minutes"],
        continueOnError: r["continue-on-error"] ?? false,
        workingDirectory: r["working-directory"],
        shell: r.shell,
        where: stepAt,
      });
    });
    const defaults = isMapping(raw.defaults) && isMapping(raw.defaults.run) ? raw.defaults.run : {};
    jobs.push({
      id: job.id.value,
      name: raw.name,
      needs: (job.needs ?? []).map((n) => n.value),
      if: ifOf(file, job.if),
      strategy: raw.strategy,
      env: isMapping(raw.env) ? raw.env : {},
      outputs: isMapping(raw.outputs) ? raw.outputs : {},
      timeoutMinutes: raw["timeout-minutes"] ?? 360,
      continueOnError: raw["continue-on-error"] ?? false,
      defaultsRun: { ...(isMapping(root.defaults) && isMapping(root.defaults.run) ? root.defaults.run : {}), ...defaults },
      steps,
      where: at,
      permissions: raw.permissions ?? root.permissions,
    });
  }
  if (problems.length) throw new PlanError(problems, text);
  return {
    file,
    text,
    name: typeof root.name === "string" ? root.name : file,
    env: isMapping(root.env) ? root.env : {},
    inputs: dispatchInputs(template.events.workflow_dispatch?.inputs),
    events: Object.keys(template.events ?? {}),
    jobs,
  };
}

function ifOf(file: string, token: { expression: string; range?: unknown } | undefined): Expr {
  return new Expr(token?.expression ?? "success()", where(file, token as TemplateToken | undefined));
}

function dispatchInputs(inputs: Record<string, { type: string; required?: boolean; default?: unknown; options?: string[] }> | undefined) {
  const out: Record<string, InputDef> = {};
  for (const [name, def] of Object.entries(inputs ?? {})) {
    const value = def.default as unknown;
    const literal = typeof value === "object" && value !== null ? (value as { value?: string | boolean | number }).value : value;
    out[name] = {
      type: String(def.type ?? "string"),
      required: def.required === true,
      default: literal as InputDef["default"],
      options: def.options,
    };
  }
  return out;
}

function diag(file: string, line: number, col: number, message: string): Diagnostic {
  return { severity: "error", rule: "workflow", file, line, col, message };
}

function diagAt(at: string, message: string): Diagnostic {
  const m = /^(.*):(\d+):(\d+)$/.exec(at);
  return m ? diag(m[1], Number(m[2]), Number(m[3]), message) : diag(at, 1, 1, message);
}
