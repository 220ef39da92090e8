import type { Command } from "commander";
import { agentSettings } from "../../agent/presets.js";
import { directUpstreamOf } from "../../graph/upstream.js";
import { loadPlanFile } from "../../plan/load.js";
import type { Instance, Plan, Task } from "../../plan/model.js";
import { didYouMean } from "../../plan/suggest.js";
import { CliError } from "../errors.js";

export function registerPrompts(program: Command): void {
  program
    .command("prompts")
    .description("print an instance's tasks in plan order, ready to paste into its terminal")
    .argument("<plan>", "plan file (YAML)")
    .option("-i, --instance <id>", "only this instance (default: all)")
    .option("--json", "print one JSON object")
    .action((file: string, opts: { instance?: string; json?: boolean }) => {
      const { plan } = loadPlanFile(file);
      let instances = plan.instances;
      if (opts.instance !== undefined) {
        const ids = plan.instances.map((i) => i.id);
        instances = plan.instances.filter((i) => i.id === opts.instance);
        if (instances.length === 0)
          throw new CliError(`unknown instance "${opts.instance}"${didYouMean(opts.instance, ids)} (instances: ${ids.join(", ")})`);
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ plan: plan.name, instances: instances.map((i) => instanceJson(plan, i)) })}\n`);
        return;
      }
      process.stdout.write(instances.map((i) => formatInstance(plan, i)).join("\n"));
    });
}

/** The ids a task waits for: its direct upstream (chain predecessor or previous wave) plus its `needs`. */
function waitFor(plan: Plan, task: Task): string[] {
  return [...new Set([...directUpstreamOf(plan, task).map((t) => t.id), ...task.needs])];
}

function instanceJson(plan: Plan, i: Instance): object {
  return {
    id: i.id,
    role: i.role,
    focus: i.focus ?? null,
    tasks: plan.tasks
      .filter((t) => t.instance === i.id)
      .map((t) => ({
        id: t.id,
        wave: t.waveId,
        title: t.title,
        kind: t.kind,
        body: t.body,
        waitFor: waitFor(plan, t),
        needs: t.needs,
        outputs: t.outputs,
      })),
  };
}

const SHOWN_UPSTREAM = 6;

/** "wave W3 (I1-W3-1, I2-W3-1, … 4 more)" or the chain predecessor, plus any explicit needs. */
function upstreamSummary(plan: Plan, task: Task): string {
  const wave = plan.waves[task.waveIndex];
  const parts: string[] = [];
  if (wave.mode === "sequential" && task.position > 0) {
    const prev = wave.tasks[task.position - 1];
    parts.push(`${prev.id} (${prev.instance}, previous in the ${wave.id} chain)`);
  } else if (task.waveIndex > 0) {
    const prevWave = plan.waves[task.waveIndex - 1];
    const ids = directUpstreamOf(plan, task).map((t) => t.id);
    const shown = ids.slice(0, SHOWN_UPSTREAM).join(", ");
    const more = ids.length > SHOWN_UPSTREAM ? `, … ${ids.length - SHOWN_UPSTREAM} more` : "";
    parts.push(`wave ${prevWave.id} checkpoint (${shown}${more})`);
  }
  if (task.needs.length) parts.push(`needs ${task.needs.join(", ")}`);
  return parts.join("; ") || "nothing, start right away";
}

/** A fence longer than any backtick run in the body, so a script containing ``` cannot close it early. */
function fence(body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  return "`".repeat(Math.max(3, longest + 1));
}

function agentLabel(plan: Plan, t: Task): string {
  const s = agentSettings(plan, t);
  if (s) return `${s.preset} ${s.version}${s.model ? ` (model ${s.model})` : ""}`;
  return plan.agent?.command ?? "none";
}

function formatInstance(plan: Plan, i: Instance): string {
  const tasks = plan.tasks.filter((t) => t.instance === i.id);
  const out = [`# ${i.id}: ${i.role}`];
  if (i.focus) out.push(`Focus: ${i.focus}`);
  out.push(`${tasks.length} task${tasks.length === 1 ? "" : "s"} in plan "${plan.name}"`, "");
  for (const t of tasks) {
    const wave = plan.waves[t.waveIndex];
    out.push(`## ${wave.id}${wave.name === wave.id ? "" : ` (${wave.name})`} · ${t.id}: ${t.title}`);
    out.push(`wait for: ${upstreamSummary(plan, t)}`);
    if (t.kind === "prompt") out.push(`agent: ${agentLabel(plan, t)}`);
    const f = fence(t.body);
    out.push(`${f}${t.kind === "run" ? "bash" : "text"}`, t.body.replace(/\n$/, ""), f);
    if (t.outputs.length) out.push(`outputs: ${t.outputs.join(", ")}`);
    out.push("");
  }
  return `${out.join("\n")}\n`;
}
