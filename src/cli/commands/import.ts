import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { ImportError } from "../../import/diagnostics.js";
import { gsdPlanId } from "../../import/gsd.js";
import { ImportBugError, importMarkdown, importSource, type PlanSource } from "../../import/index.js";
import { DiagnosticList, formatDiagnostics, PlanError } from "../../plan/diagnostics.js";
import { decodeUtf8, MAX_PLAN_BYTES } from "../../plan/load.js";
import { CliError, UsageError } from "../errors.js";

interface ImportOpts {
  output?: string;
  check?: boolean;
  tag?: string;
  all?: boolean;
  allowCheckpoints?: boolean;
  workers?: string;
}

export function registerImport(program: Command): void {
  program
    .command("import")
    .description(
      "turn a plan you already have into a plan YAML: a markdown parallel plan, a GSD phase folder (or one of its *-PLAN.md), or a Task Master tasks.json",
    )
    .argument("<source>", "markdown plan, GSD phase folder or *-PLAN.md, or Task Master tasks.json")
    .option("-o, --output <file>", "write the plan here instead of printing it")
    .option("--check", "exit 1 if the file given with -o is not what import would write")
    .option("--all", "also import finished work (GSD plans with a SUMMARY, Task Master tasks done or cancelled)")
    .option("--tag <name>", "Task Master: the tag to import (default: currentTag of .taskmaster/state.json, else master)")
    .option("--allow-checkpoints", "GSD: import plans with `autonomous: false` (they wait for a human) anyway")
    .option("--workers <n>", "GSD / Task Master: how many workers share the tasks (default: the widest wave)")
    .addHelpText(
      "after",
      "\nWarnings (things that will not work as written) go to stderr as file:line:col.\nSee docs/import.md for the shapes understood.",
    )
    .action((file: string, opts: ImportOpts) => {
      if (opts.check && !opts.output) throw new UsageError("--check compares with a file: give it with -o <plan.yml>");
      const workers = opts.workers === undefined ? undefined : Number(opts.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1))
        throw new UsageError(`--workers takes a whole number of at least 1, not "${opts.workers}"`);
      const planSource = readPlanSource(file);
      if (planSource) {
        importOther(file, planSource, { ...opts, workers });
        return;
      }
      for (const [flag, set] of [
        ["--tag", opts.tag],
        ["--all", opts.all],
        ["--allow-checkpoints", opts.allowCheckpoints],
        ["--workers", opts.workers],
      ] as const)
        if (set !== undefined)
          throw new UsageError(`${flag} applies to GSD phases and Task Master files; ${file} is read as a markdown plan`);
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

/** GSD or Task Master, told by the path; undefined for a markdown plan. */
function readPlanSource(path: string): PlanSource | undefined {
  const st = statSync(path);
  if (st.isDirectory() || gsdPlanId(basename(path)) !== undefined) {
    const folder = st.isDirectory() ? path : dirname(path);
    const names = readdirSync(folder).sort();
    const plans = names.filter((n) => gsdPlanId(n) !== undefined);
    // a project folder (or its .taskmaster) stands for its Task Master graph
    const tasksJson = st.isDirectory()
      ? ["tasks/tasks.json", ".taskmaster/tasks/tasks.json", "tasks.json"].map((f) => join(path, f)).find((f) => existsSync(f))
      : undefined;
    if (!plans.length && tasksJson) return readPlanSource(tasksJson);
    if (!plans.length)
      throw new CliError(
        `${path} is a folder without GSD plans (NN-MM-PLAN.md); give a phase folder like .planning/phases/01-name, a Task Master tasks.json or a markdown plan`,
      );
    const done = new Set(names.map((n) => /^(\d+(?:\.\d+)?-\d+(?:\.\d+)?)-SUMMARY\.md$/.exec(n)?.[1]).filter((x): x is string => !!x));
    return {
      kind: "gsd",
      folder,
      phase: basename(resolve(folder)),
      plans: plans.map((name) => ({ name, path: posixPath(join(folder, name)), text: readSourceText(join(folder, name)) })),
      done,
    };
  }
  if (extname(path).toLowerCase() === ".json") {
    return { kind: "taskmaster", file: posixPath(path), text: readSourceText(path), currentTag: currentTag(path) };
  }
  return undefined;
}

/** Task Master keeps the tag in use in .taskmaster/state.json, next to the tasks/ folder. */
function currentTag(tasksJson: string): string | undefined {
  const dir = dirname(resolve(tasksJson));
  for (const state of [
    join(dir, "..", "state.json"),
    join(dir, ".taskmaster", "state.json"),
    join(dir, "..", ".taskmaster", "state.json"),
  ]) {
    if (!existsSync(state)) continue;
    try {
      const tag = (JSON.parse(readFileSync(state, "utf8")) as { currentTag?: unknown }).currentTag;
      if (typeof tag === "string" && tag) return tag;
    } catch {
      // a broken state file only loses the default; --tag still works
    }
  }
  return undefined;
}

function importOther(file: string, src: PlanSource, opts: Omit<ImportOpts, "workers"> & { workers?: number }): void {
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

function readSourceText(file: string): string {
  const size = statSync(file).size;
  const d = new DiagnosticList(file);
  if (size > MAX_PLAN_BYTES) {
    d.error("file-too-large", `source is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
    throw new PlanError(d.sorted());
  }
  const text = decodeUtf8(readFileSync(file), d);
  if (text === undefined) throw new PlanError(d.sorted());
  return text;
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

function posixPath(p: string): string {
  return p.split(sep).join("/");
}

function posixRelative(from: string, to: string): string {
  const rel = relative(from, to);
  return posixPath(rel === "" || isAbsolute(rel) ? to : rel);
}
