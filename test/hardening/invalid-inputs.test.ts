/**
 * The bad-input corpus (test/fixtures/invalid/, plus two inputs too big to commit that are generated
 * here): every file goes through the bundled CLI exactly as a user runs it — `validate` for YAML,
 * `import` for markdown — and must exit 1 with at least one `file:line:col: error:` line, no stack
 * trace, in under a second.
 *
 * Timing: the spawned CLI must use under 1 s of CPU (user + system, node start-up included), measured
 * by bash's `times`. Wall time is not asserted for the spawned process: on a loaded 2-core machine
 * (load 6 while this was written) a bare `--version` alone took up to 1.7 s, so it measures the
 * neighbours, not waveplan. Each input is also loaded in process, where the limit is 1 s of wall
 * time, strictly.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { importMarkdown } from "../../src/import/index.js";
import { DiagnosticList, PlanError } from "../../src/plan/diagnostics.js";
import { checkPlan, decodeUtf8 } from "../../src/plan/load.js";
import { CLI, cleanEnv, ROOT, requireBundle, tempDir } from "../support/repo.js";

const CORPUS = join(ROOT, "test/fixtures/invalid");
const LIMIT_MS = 1000;

interface Input {
  name: string;
  file: string;
  command: "validate" | "import";
}

const committed: Input[] = readdirSync(CORPUS)
  .sort()
  .map((name) => ({ name, file: join(CORPUS, name), command: name.endsWith(".md") ? "import" : "validate" }));

/** Rules a file's first error may carry, from its name: the corpus is sorted by what it breaks. */
function expectedRules(name: string): RegExp {
  const table: [RegExp, string][] = [
    [/^rule-(duplicate-wave-id|duplicate-task-id)/, "duplicate-id"],
    [/^rule-empty-wave/, "empty-wave"],
    [/^twenty-megabytes/, "file-too-large"],
    [/^rule-unknown-instance/, "unknown-instance"],
    [/^rule-(run-and-prompt|neither-run-nor-prompt)/, "run-or-prompt"],
    [/^rule-prompt-without-agent/, "agent"],
    [/^rule-output-/, "output-path"],
    [/^rule-(needs|cycle)/, "needs|cycle"],
    [/^rule-mixed/, "value|unknown-instance|duplicate-id|empty-wave"],
    [/^(syntax-|alias-bomb)/, "syntax"],
    [/^alias-self-merge/, "unknown-key|syntax"],
    [/^(non-utf8|binary-garbage|utf16|md-binary|md-non-utf8|md-utf16)/, "encoding"],
    [/^deeply-nested/, "nesting|syntax"],
    [/^(unknown-key|control-chars|huge-unknown-key)/, "unknown-key|syntax"],
    [/^(missing-|type-agent-no-command)/, "missing-key"],
    [/^(empty|only-|top-level|null-document)/, "type"],
    [/^type-complex-key/, "key"],
    [/^type-/, "type|value|missing-key|id|unknown-key"],
    [/^(huge-|many-|nul-bytes|crlf|bom)/, "value|syntax|unknown-instance|duplicate-id|empty-wave|needs|unknown-key|id|type"],
    [/^md-/, "role-table|timeline|encoding|id|instance"],
  ];
  const hit = table.find(([re]) => re.test(name));
  if (!hit) throw new Error(`no expectation for ${name}: add it to the table`);
  return new RegExp(`\\[(?:${hit[1]})\\]`);
}

interface Spawned {
  code: number | null;
  stdout: string;
  stderr: string;
  /** wall time */
  ms: number;
  /** user + system CPU time of the CLI process */
  cpuMs: number;
}

/** bash runs the CLI, then reports its children's CPU times (`times`, second line) on fd 3. */
const TIMED = 'node "$@"; rc=$?; times >&3; exit $rc';

function spawnCli(args: string[]): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("bash", ["-c", TIMED, "timed", CLI, ...args], {
      env: { ...cleanEnv(), PATH: `${join(process.execPath, "..")}:${process.env.PATH}` },
      stdio: ["ignore", "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const times: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (b: Buffer) => times.push(b));
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      const line = Buffer.concat(times).toString("utf8").split("\n")[1] ?? "";
      const cpu = [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + (Number(m[1]) * 60 + Number(m[2])) * 1000, 0);
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        ms: performance.now() - started,
        cpuMs: line ? cpu : Number.NaN,
      });
    });
  });
}

/** Spawn for every input, two at a time (the CI has two cores). */
async function spawnAll(inputs: Input[]): Promise<Map<string, Spawned>> {
  const results = new Map<string, Spawned>();
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next++];
      results.set(input.name, await spawnCli([input.command, input.file]));
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

function assertCleanFailure(input: Input, r: Spawned): void {
  const where = `${input.command} ${input.name}`;
  const all = r.stdout + r.stderr;
  expect(r.code, `${where}\n${r.stderr.slice(0, 2000)}`).toBe(1);
  expect(all, where).not.toMatch(/^\s+at .+/m);
  expect(all, where).not.toMatch(/node:internal|\(node:\d+\) Warning|Maximum call stack/);
  const located = r.stderr.split("\n").filter((l) => /^.+:\d+:\d+: error: \S/.test(l));
  expect(located.length, `${where}: no file:line:col: error: line in\n${r.stderr.slice(0, 2000)}`).toBeGreaterThan(0);
  for (const l of located) {
    expect(l.startsWith(`${input.file}:`), `${where}: ${l}`).toBe(true);
    const [, line, col] = /:(\d+):(\d+): error:/.exec(l) ?? [];
    expect(Number(line), l).toBeGreaterThanOrEqual(1);
    expect(Number(col), l).toBeGreaterThanOrEqual(1);
  }
  expect(located[0], where).toMatch(expectedRules(input.name));
  expect(r.cpuMs, `${where} used ${Math.round(r.cpuMs)} ms of CPU (wall ${Math.round(r.ms)} ms)`).toBeLessThan(LIMIT_MS);
}

/** The same input in process: the loader alone, strictly under the limit. */
function loadInProcess(input: Input): { ms: number; errors: number } {
  const bytes = readFileSync(input.file);
  const started = performance.now();
  let errors = 0;
  if (input.command === "validate") {
    errors = checkPlan(bytes, input.file).diagnostics.errors.length;
  } else {
    const d = new DiagnosticList(input.file);
    const text = decodeUtf8(bytes, d);
    if (text === undefined) errors = d.errors.length;
    else {
      try {
        importMarkdown(text, { file: input.file });
      } catch (e) {
        if (!(e instanceof PlanError)) throw e;
        errors = e.diagnostics.length;
      }
    }
  }
  return { ms: performance.now() - started, errors };
}

const generated: Input[] = [];

beforeAll(async () => {
  requireBundle();
  const dir = tempDir("waveplan-invalid-");
  // 20 MB: refused by size before anything reads it
  const big = join(dir, "twenty-megabytes.yml");
  const filler = "  # padding padding padding padding padding padding padding padding padding padding\n";
  writeFileSync(big, `version: 1\nname: big\ninstances: {}\nwaves: []\n${filler.repeat(Math.ceil((20 * 1024 * 1024) / filler.length))}`);
  generated.push({ name: "twenty-megabytes.yml", file: big, command: "validate" });
  // 2 MB in one markdown table cell: under the size limit, so the importer really reads it
  const wide = join(dir, "md-huge-line.md");
  writeFileSync(wide, `# Plan\n\n| ID | Role |\n|----|------|\n| I1 | ${"x".repeat(2_000_000)} |\n`);
  generated.push({ name: "md-huge-line.md", file: wide, command: "import" });
}, 120_000);

describe("the bad-input corpus", () => {
  it("has at least 60 committed inputs, YAML plans and markdown plans", () => {
    expect(committed.length).toBeGreaterThanOrEqual(60);
    expect(committed.filter((i) => i.command === "import").length).toBeGreaterThanOrEqual(10);
  });

  it("every input, through the bundled CLI: exit 1, located errors, no stack trace, under a second", async () => {
    const inputs = [...committed, ...generated];
    const results = await spawnAll(inputs);
    for (const input of inputs) assertCleanFailure(input, results.get(input.name) as Spawned);
    expect(results.size).toBe(inputs.length);
  }, 180_000);

  it("every input, in process: errors found (never a thrown exception) in under a second", () => {
    for (const input of [...committed, ...generated]) {
      if (input.name === "twenty-megabytes.yml") continue; // the size check lives in loadPlanFile; the CLI covers it
      const { ms, errors } = loadInProcess(input);
      expect(errors, input.name).toBeGreaterThan(0);
      expect(ms, `${input.name} took ${Math.round(ms)} ms in process`).toBeLessThan(LIMIT_MS);
    }
  });
});

describe("usage errors exit 2 without a stack trace", () => {
  const cases: [string, string[]][] = [
    ["validate without a plan", ["validate"]],
    ["validate with an unknown option", ["validate", "--frobnicate", join(CORPUS, "empty.yml")]],
    ["import without a file", ["import"]],
    ["import --check without -o", ["import", "--check", join(CORPUS, "md-empty.md")]],
    ["an unknown command", ["valdiate", join(CORPUS, "empty.yml")]],
  ];
  it.each(cases)("%s", async (_name, args) => {
    const r = await spawnCli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/error/);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at .+|node:internal/m);
  });
});
