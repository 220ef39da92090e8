import type { Command } from "commander";
import { formatDiagnostics, PlanError } from "../../plan/diagnostics.js";
import { type LoadedPlan, loadPlanFile } from "../../plan/load.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description("check a plan: every error at once, with file:line:col, plus warnings for smells")
    .argument("<plan>", "plan file (YAML)")
    .option("--json", "print diagnostics as JSON")
    .action((file: string, opts: { json?: boolean }) => {
      let loaded: LoadedPlan;
      try {
        loaded = loadPlanFile(file);
      } catch (e) {
        if (!(opts.json && e instanceof PlanError)) throw e;
        process.stdout.write(`${JSON.stringify({ ok: false, diagnostics: e.diagnostics })}\n`);
        process.exitCode = 1;
        return;
      }
      const warnings = loaded.diagnostics.sorted();
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ ok: true, plan: loaded.plan.name, tasks: loaded.plan.tasks.length, diagnostics: warnings })}\n`,
        );
        return;
      }
      if (warnings.length) process.stderr.write(`${formatDiagnostics(warnings, loaded.source)}\n`);
      const p = loaded.plan;
      process.stdout.write(
        `${file}: ok — ${p.waves.length} waves, ${p.tasks.length} tasks, ${p.instances.length} instances${warnings.length ? `, ${warnings.length} warning(s)` : ""}\n`,
      );
    });
}
