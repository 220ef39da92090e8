import { readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { checkPlan } from "../../plan/load.js";
import { Layout } from "../../run/layout.js";
import { prepareRepo } from "../../run/local-runner.js";
import { writeRunReport } from "../../run/report-file.js";
import { CliError } from "../errors.js";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write a local run's HTML report: one self-contained page to open or attach (default: the latest run)")
    .argument("[run-id]", "run id (see .waveplan/runs)")
    .option("-o, --output <file>", "where to write it (default: .waveplan/runs/<run>/report.html)")
    .action(async (runId: string | undefined, flags: { output?: string }) => {
      const repo = await prepareRepo(process.cwd()).catch((e) => {
        throw new CliError((e as Error).message);
      });
      const layout = new Layout(repo);
      const run = runId ? await layout.readRun(runId) : (await layout.listRuns())[0];
      if (!run) throw new CliError(runId ? `no run "${runId}" in ${layout.root}/runs` : "no waveplan runs in this repository yet");
      const planText = await readFile(join(repo, run.planFile)).catch(() => undefined);
      if (!planText) throw new CliError(`the plan of run ${run.runId}, ${run.planFile}, is no longer in the repository`);
      const checked = checkPlan(planText, run.planFile);
      if (!checked.plan)
        throw new CliError(
          `${run.planFile} no longer loads as a plan; fix it (waveplan validate ${run.planFile}) to report run ${run.runId}`,
        );
      const file = await writeRunReport(layout, run, checked.plan, flags.output ? resolve(process.cwd(), flags.output) : undefined);
      process.stdout.write(`${relative(process.cwd(), file) || file}\n`);
    });
}
