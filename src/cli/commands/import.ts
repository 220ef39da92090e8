import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { ImportBugError, importMarkdown } from "../../import/index.js";
import { DiagnosticList, formatDiagnostics, PlanError } from "../../plan/diagnostics.js";
import { decodeUtf8, MAX_PLAN_BYTES } from "../../plan/load.js";
import { CliError, UsageError } from "../errors.js";

interface ImportOpts {
  output?: string;
  check?: boolean;
}

export function registerImport(program: Command): void {
  program
    .command("import")
    .description("turn a markdown parallel plan (role table, wave timeline, wave sections) into a plan YAML")
    .argument("<plan.md>", "markdown plan")
    .option("-o, --output <file>", "write the plan here instead of printing it")
    .option("--check", "exit 1 if the file given with -o is not what import would write")
    .addHelpText(
      "after",
      "\nWarnings (things that will not work as written) go to stderr with the markdown line.\nSee docs/import.md for the markdown shapes understood.",
    )
    .action((file: string, opts: ImportOpts) => {
      if (opts.check && !opts.output) throw new UsageError("--check compares with a file: give it with -o <plan.yml>");
      const text = readMarkdown(file);
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
      if (!opts.output) {
        process.stdout.write(result.yaml);
        return;
      }
      const summary = `${result.plan.waves.length} waves, ${result.plan.waves.reduce((n, w) => n + w.tasks.length, 0)} tasks, ${result.plan.instances.length} instances${warnings.length ? `, ${warnings.length} warning(s)` : ""}`;
      if (opts.check) {
        checkCurrent(opts.output, result.yaml, file);
        process.stdout.write(`${opts.output}: up to date with ${file} (${summary})\n`);
        return;
      }
      const tmp = `${opts.output}.tmp-${process.pid}`;
      writeFileSync(tmp, result.yaml);
      renameSync(tmp, opts.output);
      process.stdout.write(`wrote ${opts.output} from ${file}: ${summary}\n`);
    });
}

function readMarkdown(file: string): string {
  const size = statSync(file).size;
  const d = new DiagnosticList(file);
  if (size > MAX_PLAN_BYTES) {
    d.error("file-too-large", `markdown plan is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
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
