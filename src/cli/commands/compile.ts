import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { compileCommand, DEFAULT_ACTION_REF, isFresh } from "../../compile/header.js";
import { slug } from "../../compile/ids.js";
import { staleVendoredFiles, type VendoredFile, vendoredAction } from "../../compile/vendor.js";
import { actionRefWarning, checkOptions, compileWorkflow } from "../../compile/workflow.js";
import { formatDiagnostics } from "../../plan/diagnostics.js";
import { loadPlanFile } from "../../plan/load.js";
import { waveplanRoot } from "../../simulate/package-root.js";
import { CliError, UsageError } from "../errors.js";

interface CompileOpts {
  output?: string;
  check?: boolean;
  actionRef: string;
}

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("compile a plan to a GitHub Actions workflow (one job per wave, matrix over its tasks, final-commit)")
    .argument("<plan>", "plan file (YAML), inside the repository")
    .option("-o, --output <file>", "write the workflow to this file (directories are created); default: print it")
    .option("--check", "exit 1 if the file given with -o differs from what would be written (a pin bump is fine)")
    .option(
      "--action-ref <ref>",
      `the waveplan action every job uses: ${DEFAULT_ACTION_REF} (vendored into the repository by compile), <owner>/<repo>@<40-hex sha> (a published copy), or ./ inside waveplan itself`,
      DEFAULT_ACTION_REF,
    )
    .addHelpText(
      "after",
      "\nPaths in the workflow are relative to the repository root (the nearest directory with .git above the plan).\n" +
        "Without -o the workflow is assumed to live at .github/workflows/<plan name>.yml.\n" +
        `With the default --action-ref, -o also writes the action (action.yml and one bundled file) to ${DEFAULT_ACTION_REF.slice(2)}/;\n` +
        "commit it with the workflow. --check fails when either is stale.",
    )
    .action((file: string, opts: CompileOpts) => {
      if (opts.check && !opts.output) throw new UsageError("--check needs -o <file>: the workflow to compare");
      const loaded = loadPlanFile(file);
      const root = repositoryRoot(dirname(resolve(file)));
      const planPath = repoPath(root, file, "plan file");
      const workflowPath = opts.output
        ? repoPath(root, opts.output, "workflow file")
        : `.github/workflows/${slug(planPath.split("/").pop() ?? "plan")}.yml`;
      const options = { planPath, workflowPath, actionRef: opts.actionRef };
      const problems = checkOptions(loaded.plan, options);
      if (problems.length) throw new UsageError(problems.join("\n"));
      const text = compileWorkflow(loaded.plan, options);
      const warnings = loaded.diagnostics.sorted();
      if (warnings.length && !opts.check) process.stderr.write(`${formatDiagnostics(warnings, loaded.source)}\n`);
      const refWarning = actionRefWarning(opts.actionRef);
      if (refWarning) process.stderr.write(`warning: ${refWarning}\n`);
      const vendored = opts.actionRef === DEFAULT_ACTION_REF && opts.output ? vendoredFiles() : [];

      if (opts.check) {
        const out = opts.output as string;
        const rerun = compileCommand(file, out, opts.actionRef);
        if (!existsSync(out)) throw new CliError(`${out} does not exist: run \`${rerun}\``);
        if (!isFresh(text, readFileSync(out, "utf8"))) throw new CliError(`${out} is stale: run \`${rerun}\``);
        const stale = staleVendoredFiles(vendored, (p) => readOptional(join(root, p)));
        if (stale.length)
          throw new CliError(`${stale.join(", ")}: missing or not what this waveplan writes (${version()}): run \`${rerun}\``);
        process.stdout.write(`${out}: up to date with ${file}${vendored.length ? " (vendored action too)" : ""}\n`);
        return;
      }
      if (!opts.output) {
        process.stdout.write(text);
        return;
      }
      if (!workflowPath.startsWith(".github/workflows/") || workflowPath.split("/").length !== 3)
        process.stderr.write(`warning: GitHub only runs workflows that are directly in .github/workflows/ (got ${workflowPath})\n`);
      mkdirSync(dirname(resolve(opts.output)), { recursive: true });
      writeFileSync(opts.output, text);
      for (const f of vendored) {
        mkdirSync(dirname(join(root, f.path)), { recursive: true });
        writeFileSync(join(root, f.path), f.content);
      }
      process.stdout.write(`${opts.output}: ${loaded.plan.waves.length} waves, ${loaded.plan.tasks.length} tasks\n`);
      if (vendored.length)
        process.stdout.write(
          `${dirname(vendored[0].path)}/: the action, vendored (${vendored.map((f) => `${f.path.split("/").pop()} ${Math.round(f.content.length / 1024)} KiB`).join(", ")})\n`,
        );
    });
}

/** The action this CLI ships (its package's action.yml and the one-file bundle dist/index.js). */
function vendoredFiles(): VendoredFile[] {
  const root = waveplanRoot();
  const bundle = readOptional(join(root, "dist", "index.js"));
  if (!bundle)
    throw new CliError(`${join(root, "dist", "index.js")} is missing: this waveplan has no action bundle to vendor (npm run bundle)`);
  return vendoredAction(readFileSync(join(root, "action.yml"), "utf8"), bundle, version());
}

function version(): string {
  return `waveplan ${(JSON.parse(readFileSync(join(waveplanRoot(), "package.json"), "utf8")) as { version: string }).version}`;
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in a worktree); else the cwd. */
function repositoryRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(resolve(d, ".git"))) return d;
    if (dirname(d) === d) return process.cwd();
  }
}

function repoPath(root: string, file: string, what: string): string {
  const rel = relative(root, resolve(file));
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) throw new UsageError(`the ${what} ${file} is outside the repository ${root}`);
  return rel.split(sep).join("/");
}
