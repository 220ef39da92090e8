import { relative } from "node:path";
import type { Command } from "commander";
import { parseUsd } from "../../engine/budget.js";
import { shapeSpeedup } from "../../graph/estimate.js";
import { parseRedoList } from "../../graph/redo.js";
import { upstreamOf } from "../../graph/upstream.js";
import { formatDuration } from "../../plan/duration.js";
import { loadPlanFile } from "../../plan/load.js";
import { costOf, formatCost, formatTokens, sumCosts } from "../../report/cost.js";
import { undeclaredChangeWarnings } from "../../report/declared-files.js";
import { RedoError, runPlan, selectTasks } from "../../run/local-runner.js";
import { jsonRenderer, lineRenderer, type Renderer, ttyRenderer } from "../../run/progress.js";
import { renderRunReport, type TaskRow } from "../../run/run-table.js";
import { CliError, UsageError } from "../errors.js";

interface RunFlags {
  concurrency?: string;
  resume?: boolean | string;
  wave?: string;
  only?: string;
  redo: string[];
  runBudgetUsd?: string;
  dryRun?: boolean;
  allowDirty?: boolean;
  branch?: string;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a plan on this machine: each task in its own isolated slot, checkpoints between waves, one commit at the end")
    .argument("<plan>", "plan file (YAML)")
    .option("--concurrency <n>", "at most n tasks at once (default: all tasks of a wave)")
    .option(
      "--resume [run-id]",
      "continue the latest run of this plan (or the given run), reusing verified checkpoints; with no earlier run, start one",
    )
    .option(
      "--redo <task>",
      "with --resume: run this task again, and everything downstream of it, although its checkpoint verifies (repeatable)",
      (value: string, list: string[]) => [...list, value],
      [] as string[],
    )
    .option(
      "--run-budget-usd <usd>",
      "no task starts once the run's agents have spent this much (overrides agent.budget.run-usd); raise it and --resume to continue",
    )
    .option("--wave <id>", "run only this wave (and whatever upstream it still needs)")
    .option("--only <task>", "run only this task (and whatever upstream it still needs)")
    .option("--branch <name>", "land the result on this branch instead of the current one (working tree untouched)")
    .option("--allow-dirty", "run on a snapshot of uncommitted changes; only the plan's change lands (your edits stay uncommitted)")
    .option("--dry-run", "print what would run, in order, and exit")
    .option("--json", "one JSON object per event on stdout")
    .action(async (file: string, flags: RunFlags) => {
      const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
      if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1))
        throw new UsageError("--concurrency must be a positive integer");
      const redo = parseRedoList(flags.redo);
      if (redo.length && !flags.resume)
        throw new UsageError("--redo needs --resume: a new run runs every task anyway (waveplan run <plan> --resume [RUN] --redo TASK)");
      let runBudgetUsd: number | undefined;
      try {
        runBudgetUsd = parseUsd(flags.runBudgetUsd, "--run-budget-usd");
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (flags.dryRun) return dryRun(file, flags);
      const renderer = pickRenderer(flags.json);
      try {
        const result = await runPlan({
          planFile: file,
          cwd: process.cwd(),
          concurrency,
          resume: flags.resume,
          wave: flags.wave,
          only: flags.only,
          redo,
          runBudgetUsd,
          branch: flags.branch,
          allowDirty: flags.allowDirty,
          onEvent: (e) => renderer.event(e),
        });
        renderer.close();
        if (!flags.json) {
          const rows: TaskRow[] = result.outcomes.map((o) => ({
            task: o.task.id,
            instance: o.task.instance,
            wave: o.task.waveId,
            status: o.status,
            durationMs: o.record.durationMs,
            title: o.task.title,
            ...(o.record.agent ? { cost: formatCost(costOf(o.record.agent)) } : {}),
          }));
          for (const t of result.skipped) rows.push({ task: t.id, instance: t.instance, wave: t.waveId, status: "reused", title: t.title });
          const ran = new Set(rows.map((r) => r.task));
          const notRun = result.status === "failed" ? selectTasks(result.plan, flags).filter((t) => !ran.has(t.id)) : [];
          for (const t of notRun) rows.push({ task: t.id, instance: t.instance, wave: t.waveId, status: "not run", title: t.title });
          const order = new Map(result.plan.tasks.map((t) => [t.id, t.index]));
          rows.sort((a, b) => (order.get(a.task) ?? 0) - (order.get(b.task) ?? 0));
          const best = shapeSpeedup(result.plan, new Map(result.outcomes.map((o) => [o.task.id, o.record.durationMs])));
          const tty = process.stdout.isTTY;
          process.stdout.write(
            `\n${renderRunReport(rows, result.wallMs, {
              bestSpeedup: best,
              columns: tty ? process.stdout.columns : undefined,
              rows: tty ? process.stdout.rows : undefined,
              fullTable: `waveplan status ${result.run.runId}`,
            })}\n`,
          );
          const agents = result.outcomes.flatMap((o) => (o.record.agent ? [costOf(o.record.agent)] : []));
          if (agents.length) {
            const total = sumCosts(agents);
            process.stdout.write(
              `agents: ${formatCost(total)} for ${total.tasks} task${total.tasks === 1 ? "" : "s"} · ${total.turns} turns · ${formatTokens(total)}${total.denied ? ` · ${total.denied} denied tool calls (waveplan status ${result.run.runId})` : ""}\n`,
            );
          }
          const undeclared = undeclaredChangeWarnings(result.outcomes.map((o) => ({ task: o.task, changed: o.record.patch.files })));
          for (const w of undeclared) process.stdout.write(`warning: ${w}\n`);
          if (notRun.length)
            process.stdout.write(
              `not run (${notRun.length}): ${notRun
                .slice(0, 30)
                .map((t) => t.id)
                .join(", ")}${notRun.length > 30 ? ", …" : ""}\n`,
            );
          if (result.report) process.stdout.write(`report: ${relative(process.cwd(), result.report) || result.report}\n`);
          if (result.landed) process.stdout.write(`landed ${result.landed.slice(0, 12)} (run ${result.run.runId})\n`);
          else if (result.status === "succeeded")
            process.stdout.write(`nothing to land: no task changed a file (run ${result.run.runId})\n`);
          else if (result.status === "partial")
            process.stdout.write(
              `partial run ${result.run.runId}: nothing landed (land with: waveplan run ${file} --resume ${result.run.runId})\n`,
            );
        }
        if (result.status === "failed") {
          throw new CliError(
            `run ${result.run.runId} failed; nothing landed, your working tree is untouched\n${result.error ?? ""}\nfix the cause and continue with: waveplan run ${file} --resume ${result.run.runId}`,
          );
        }
      } catch (e) {
        renderer.close();
        if (e instanceof RedoError) throw new UsageError(e.message);
        throw e;
      }
    });
}

function pickRenderer(json?: boolean): Renderer {
  const write = (s: string) => process.stdout.write(s);
  if (json) return jsonRenderer(write);
  return process.stdout.isTTY ? ttyRenderer(process.stdout) : lineRenderer(write);
}

function dryRun(file: string, flags: RunFlags): void {
  const { plan } = loadPlanFile(file);
  const tasks = selectTasks(plan, flags);
  const lines: string[] = [`plan "${plan.name}": ${tasks.length} of ${plan.tasks.length} tasks would run, in this order:`];
  for (const wave of plan.waves) {
    const ts = wave.tasks.filter((t) => tasks.includes(t));
    if (!ts.length) continue;
    lines.push(`${wave.id} ${wave.name} (${wave.mode}${wave.estimateMs ? `, ~${formatDuration(wave.estimateMs)}` : ""})`);
    for (const t of ts) {
      const after = wave.mode === "sequential" && t.position > 0 ? ` after ${wave.tasks[t.position - 1].id}` : "";
      lines.push(`  ${t.id} [${t.instance}] ${t.kind}: ${t.title}${after}${t.outputs.length ? ` → ${t.outputs.join(", ")}` : ""}`);
    }
  }
  const first = tasks[0];
  if (first) lines.push(`(${upstreamOf(plan, first).length ? "needs checkpoints from an earlier run" : "starts from HEAD"})`);
  if (flags.json)
    process.stdout.write(
      `${JSON.stringify({ plan: plan.name, tasks: tasks.map((t) => ({ id: t.id, wave: t.waveId, instance: t.instance, kind: t.kind, title: t.title })) })}\n`,
    );
  else process.stdout.write(`${lines.join("\n")}\n`);
}
