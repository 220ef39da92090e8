import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import type { Command } from "commander";
import { ImportError } from "../../import/diagnostics.js";
import { ImportBugError, importMarkdown, importSource, type PlanSource } from "../../import/index.js";
import { posixPath, readPlanSource, readSourceText } from "../../import/read-source.js";
import { SPEC_KIT_GROUPS, type SpecKitGroup } from "../../import/speckit.js";
import { formatDiagnostics } from "../../plan/diagnostics.js";
import { CliError, UsageError } from "../errors.js";

interface ImportOpts {
  output?: string;
  check?: boolean;
  tag?: string;
  all?: boolean;
  allowCheckpoints?: boolean;
  workers?: string;
  group?: string;
  maxParallel?: string;
}

export function registerImport(program: Command): void {
  program
    .command("import")
    .description(
      "turn a plan you already have into a plan YAML: a markdown parallel plan, a GSD phase folder (or one of its *-PLAN.md), a Task Master tasks.json, a spec-kit feature folder (or its tasks.md) or a Backlog.md folder",
    )
    .argument(
      "<source>",
      "markdown plan, GSD phase folder or *-PLAN.md, Task Master tasks.json, spec-kit specs/NNN-feature, Backlog.md backlog/",
    )
    .option("-o, --output <file>", "write the plan here instead of printing it")
    .option("--check", "exit 1 if the file given with -o is not what import would write")
    .option("--all", "also import finished work (GSD plans with a SUMMARY; Task Master, spec-kit and Backlog.md tasks that are done)")
    .option("--tag <name>", "Task Master: the tag to import (default: currentTag of .taskmaster/state.json, else master)")
    .option("--allow-checkpoints", "GSD: import plans with `autonomous: false` (they wait for a human) anyway")
    .option("--workers <n>", "GSD / Task Master / spec-kit / Backlog.md: how many workers share the tasks (default: the widest wave)")
    .option("--group <unit>", "spec-kit: what one plan task is: story (default), batch or task — see docs/import.md")
    .option("--max-parallel <n>", "GSD / Task Master / spec-kit / Backlog.md: most tasks in one wave; wider waves are split (default 8)")
    .addHelpText(
      "after",
      "\nWarnings (things that will not work as written) go to stderr as file:line:col.\nSee docs/import.md for the shapes understood.",
    )
    .action((file: string, opts: ImportOpts) => {
      if (opts.check && !opts.output) throw new UsageError("--check compares with a file: give it with -o <plan.yml>");
      const workers = count("--workers", opts.workers);
      const maxParallel = count("--max-parallel", opts.maxParallel);
      if (opts.group !== undefined && !SPEC_KIT_GROUPS.includes(opts.group as SpecKitGroup))
        throw new UsageError(`--group takes ${SPEC_KIT_GROUPS.join(", ")}, not "${opts.group}"`);
      const planSource = readPlanSource(file);
      if (planSource) {
        if (opts.group !== undefined && planSource.kind !== "speckit")
          throw new UsageError(
            `--group applies to spec-kit tasks; ${file} is read as ${planSource.kind === "gsd" ? "a GSD phase" : planSource.kind === "backlog" ? "a Backlog.md folder" : "Task Master tasks"}`,
          );
        importOther(file, planSource, { ...opts, workers, maxParallel, group: opts.group as SpecKitGroup | undefined });
        return;
      }
      for (const [flag, set] of [
        ["--tag", opts.tag],
        ["--all", opts.all],
        ["--allow-checkpoints", opts.allowCheckpoints],
        ["--workers", opts.workers],
        ["--group", opts.group],
        ["--max-parallel", opts.maxParallel],
      ] as const)
        if (set !== undefined)
          throw new UsageError(`${flag} applies to GSD, Task Master, spec-kit and Backlog.md sources; ${file} is read as a markdown plan`);
      const text = readSourceText(file);
      const source = opts.output ? posixRelative(dirname(resolve(opts.output)), resolve(file)) : posixPath(file);
      let result: ReturnType<typeof importMarkdown>;
      try {
        result = importMarkdown(text, { file, source, output: opts.output && basename(opts.output) });
      } catch (e) {
        if (e instanceof ImportBugError) throw new CliError(e.message);
        throw e;
      }
      const warnings = result.diagnostics.sorted();
      if (warnings.length) process.stderr.write(`${formatDiagnostics(warnings, result.source)}\n`);
      const summary = `${result.plan.waves.length} waves, ${result.plan.waves.reduce((n, w) => n + w.tasks.length, 0)} tasks, ${result.plan.instances.length} instances${warnings.length ? `, ${warnings.length} warning(s)` : ""}`;
      writeResult(opts, result.yaml, file, summary);
    });
}

/** A flag that counts something: a whole number of at least 1. */
function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} takes a whole number of at least 1, not "${value}"`);
  return n;
}

function importOther(
  file: string,
  src: PlanSource,
  opts: Omit<ImportOpts, "workers" | "maxParallel" | "group"> & { workers?: number; maxParallel?: number; group?: SpecKitGroup },
): void {
  const source = opts.output ? posixRelative(dirname(resolve(opts.output)), resolve(file)) : posixPath(file);
  let result: ReturnType<typeof importSource>;
  try {
    result = importSource(src, {
      source,
      output: opts.output && basename(opts.output),
      all: opts.all,
      tag: opts.tag,
      allowCheckpoints: opts.allowCheckpoints,
      workers: opts.workers,
      group: opts.group,
      maxParallel: opts.maxParallel,
    });
  } catch (e) {
    if (e instanceof ImportError) {
      process.stderr.write(`${e.formatted}\n`);
      process.exitCode = 1;
      return;
    }
    if (e instanceof ImportBugError) throw new CliError(e.message);
    throw e;
  }
  if (result.warnings.length) process.stderr.write(`${result.format(result.warnings)}\n`);
  const tasks = result.plan.waves.reduce((n, w) => n + w.tasks.length, 0);
  const summary = `${result.plan.waves.length} waves, ${tasks} tasks, ${result.plan.instances.length} workers${result.skipped.length ? `, ${result.skipped.length} finished left out (--all keeps them)` : ""}${result.warnings.length ? `, ${result.warnings.length} warning(s)` : ""}`;
  writeResult(opts, result.yaml, file, summary);
}

function writeResult(opts: { output?: string; check?: boolean }, yaml: string, file: string, summary: string): void {
  if (!opts.output) {
    process.stdout.write(yaml);
    return;
  }
  if (opts.check) {
    checkCurrent(opts.output, yaml, file);
    process.stdout.write(`${opts.output}: up to date with ${file} (${summary})\n`);
    return;
  }
  const tmp = `${opts.output}.tmp-${process.pid}`;
  writeFileSync(tmp, yaml);
  renameSync(tmp, opts.output);
  process.stdout.write(`wrote ${opts.output} from ${file}: ${summary}\n`);
}

function checkCurrent(output: string, expected: string, file: string): void {
  let actual: string;
  try {
    actual = readFileSync(output, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new CliError(`${output} does not exist; run \`waveplan import ${file} -o ${output}\` to create it`);
    throw e;
  }
  if (actual === expected) return;
  const a = actual.split("\n");
  const b = expected.split("\n");
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  throw new CliError(
    `${output} is out of date with ${file} (first difference at line ${line + 1}: expected ${JSON.stringify(b[line] ?? "<end of file>")}, found ${JSON.stringify(a[line] ?? "<end of file>")}); run \`waveplan import ${file} -o ${output}\` to update it`,
  );
}

function posixRelative(from: string, to: string): string {
  const rel = relative(from, to);
  return posixPath(rel === "" || isAbsolute(rel) ? to : rel);
}
