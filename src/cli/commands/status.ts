import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { type CheckpointRecord, RECORD_FILE } from "../../checkpoint/record.js";
import { shapeSpeedup } from "../../graph/estimate.js";
import { checkPlan } from "../../plan/load.js";
import { agentJson, agentTotals, totalsJson } from "../../report/agent-totals.js";
import { costOf, deniedLines, formatCost } from "../../report/cost.js";
import { Layout } from "../../run/layout.js";
import { prepareRepo } from "../../run/local-runner.js";
import { renderRunReport, type TaskRow } from "../../run/run-table.js";
import { CliError } from "../errors.js";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("what a local run did: per task state, durations, failures (default: the latest run)")
    .argument("[run-id]", "run id (see .waveplan/runs)")
    .option("--json", "print as JSON")
    .action(async (runId: string | undefined, flags: { json?: boolean }) => {
      const repo = await prepareRepo(process.cwd()).catch((e) => {
        throw new CliError((e as Error).message);
      });
      const layout = new Layout(repo);
      const run = runId ? await layout.readRun(runId) : (await layout.listRuns())[0];
      if (!run) throw new CliError(runId ? `no run "${runId}" in ${layout.root}/runs` : "no waveplan runs in this repository yet");
      const records = new Map<string, CheckpointRecord>();
      for (const dir of await import("node:fs/promises").then((fs) =>
        fs.readdir(layout.checkpoints(run.runId)).catch(() => [] as string[]),
      )) {
        try {
          const r: CheckpointRecord = JSON.parse(await readFile(join(layout.checkpoints(run.runId), dir, RECORD_FILE), "utf8"));
          records.set(r.task.id, r);
        } catch {}
      }
      // the plan gives the order and the tasks not reached yet; fall back to the records alone
      const planText = await readFile(join(repo, run.planFile)).catch(() => undefined);
      const plan = planText ? checkPlan(planText, run.planFile).plan : undefined;
      const order = plan
        ? plan.tasks.map((t) => ({ id: t.id, instance: t.instance, wave: t.waveId, title: t.title as string | undefined }))
        : [...records.values()].map((r) => ({ id: r.task.id, instance: r.task.instance, wave: r.task.wave, title: undefined }));
      const rows: (TaskRow & { error?: string; log: string; agent?: ReturnType<typeof agentJson> })[] = order.map((t) => {
        const r = records.get(t.id);
        return {
          task: t.id,
          instance: t.instance,
          wave: t.wave,
          status: r ? r.status : "pending",
          durationMs: r?.durationMs,
          error: r?.error,
          ...(t.title ? { title: t.title } : {}),
          ...(r?.agent ? { cost: formatCost(costOf(r.agent)) } : {}),
          log: join(layout.logs(run.runId), `${t.id}.log`),
          ...(r?.agent ? { agent: agentJson(r.agent) } : {}),
        };
      });
      if (flags.json) {
        // run.agent: the totals of the tasks' own figures; no costUsd when a task's CLI reported none
        const totals = agentTotals(records.values());
        process.stdout.write(`${JSON.stringify({ run: { ...run, ...(totals ? { agent: totalsJson(totals) } : {}) }, tasks: rows })}\n`);
        return;
      }
      const head = `run ${run.runId} of "${run.planName}" (${run.planFile}) — ${run.status}${run.landedCommit ? ` as ${run.landedCommit.slice(0, 12)}` : ""}, base ${run.base.slice(0, 12)}, started ${run.startedAt}`;
      const denied = [...records.values()].flatMap((r) => deniedLines(r.agent).map((d) => `${r.task.id}: ${d}`));
      const failures = rows.filter((r) => r.status === "failure").map((r) => `${r.task}: ${r.error ?? "failed"} (log ${r.log})`);
      // a run stopped before a task failed (its budget, a gate): the run's own reason
      if (!failures.length && run.status === "failed" && run.error) failures.push(run.error);
      process.stdout.write(
        `${head}\n\n${renderRunReport(rows, run.wallMs, {
          bestSpeedup: plan && shapeSpeedup(plan, new Map(rows.map((r) => [r.task, r.durationMs ?? 0]))),
          columns: process.stdout.isTTY ? process.stdout.columns : undefined,
        })}\n${failures.length ? `\nfailures:\n  ${failures.join("\n  ")}\n` : ""}${denied.length ? `\ndenied tool calls:\n  ${denied.join("\n  ")}\n` : ""}`,
      );
    });
}
