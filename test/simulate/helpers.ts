/**
 * Scratch repositories holding an example plan and its compiled workflow, the local runner's
 * result for comparison, and the simulator run in-process or through the bundled CLI.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { vendoredAction } from "../../src/compile/vendor.js";
import { compileWorkflow } from "../../src/compile/workflow.js";
import { loadPlanFile } from "../../src/plan/load.js";
import { type SimulateOptions, type SimulateResult, simulate } from "../../src/simulate/simulate.js";

import { cleanEnv, git, ROOT, requireBuilt, tempDir as supportTempDir } from "../support/repo.js";

export { git, ROOT } from "../support/repo.js";

const CLI = join(ROOT, "bin/waveplan.js");

/** The action bundle and the CLI bundle are what the simulator runs; `npm test` builds them first. */
export function requireBundles(): void {
  requireBuilt(["dist/index.js", "dist/cli/index.js"]);
}

export function tempDir(): string {
  return supportTempDir("waveplan-sim-test-");
}

/** The environment the simulator and git start from (test/support/repo.ts cleanEnv). */
export const env = (): Record<string, string> => cleanEnv();

export interface Scratch {
  /** the working repository (plan, workflow and the toy service committed) */
  work: string;
  /** a bare clone: what jobs check out and final-commit pushes to */
  bare: string;
  workflow: string;
  plan: string;
}

export interface ScratchOptions {
  /** a plan file of this project, copied to the same path in the scratch repository */
  plan: string;
  /** files copied alongside (paths in this project, kept at the same path) */
  extra?: string[];
  actionRef?: string;
  /** commit this project's action.yml and dist/ too, for `--action-ref ./` */
  withAction?: boolean;
  /** change the committed plan after compiling (a stale workflow) */
  editPlan?: (text: string) => string;
  /** change the plan before compiling (the workflow matches it) */
  editPlanBeforeCompile?: (text: string) => string;
}

export function scratch(o: ScratchOptions): Scratch {
  const root = tempDir();
  const work = join(root, "work");
  execFileSync("bash", [join(ROOT, "examples/auth-integration/scratch-repo.sh"), work], { env: env() });
  git(work, "config", "commit.gpgsign", "false");
  for (const file of [o.plan, ...(o.extra ?? [])]) {
    mkdirSync(dirname(join(work, file)), { recursive: true });
    cpSync(join(ROOT, file), join(work, file));
  }
  if (o.withAction) {
    cpSync(join(ROOT, "action.yml"), join(work, "action.yml"));
    cpSync(join(ROOT, "dist"), join(work, "dist"), { recursive: true, filter: (src) => !src.includes(join("dist", "cli")) });
  }
  const workflow = ".github/workflows/plan.yml";
  if (o.editPlanBeforeCompile) writeFileSync(join(work, o.plan), o.editPlanBeforeCompile(readFileSync(join(work, o.plan), "utf8")));
  const { plan } = loadPlanFile(join(work, o.plan));
  const text = compileWorkflow(plan, { planPath: o.plan, workflowPath: workflow, actionRef: o.actionRef });
  mkdirSync(join(work, ".github/workflows"), { recursive: true });
  writeFileSync(join(work, workflow), text);
  if (o.actionRef === undefined) vendorAction(work);
  if (o.editPlan) writeFileSync(join(work, o.plan), o.editPlan(readFileSync(join(work, o.plan), "utf8")));
  git(work, "add", "-A");
  git(work, "commit", "-qm", "plan and compiled workflow");
  const bare = join(root, "origin.git");
  git(root, "clone", "-q", "--bare", work, bare);
  return { work, bare, workflow: join(work, workflow), plan: o.plan };
}

/** What `compile -o` writes by default next to the workflow: the action this waveplan ships. */
export function vendorAction(work: string): void {
  const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
  const files = vendoredAction(
    readFileSync(join(ROOT, "action.yml"), "utf8"),
    readFileSync(join(ROOT, "dist/index.js")),
    `waveplan ${version}`,
  );
  for (const f of files) {
    mkdirSync(dirname(join(work, f.path)), { recursive: true });
    writeFileSync(join(work, f.path), f.content);
  }
}

/** The tree `waveplan run` lands for the same plan on the same commit (in a clone, on a side branch). */
export function localRunTree(s: Pick<Scratch, "work" | "plan">, extraEnv: Record<string, string> = {}): string {
  const clone = join(tempDir(), "local");
  git(dirname(clone), "clone", "-q", s.work, clone);
  git(clone, "config", "user.name", "Local Runner");
  git(clone, "config", "user.email", "local@example.com");
  execFileSync("node", [CLI, "run", s.plan, "--branch", "local-result"], { cwd: clone, env: cleanEnv(extraEnv), stdio: "pipe" });
  return git(clone, "rev-parse", "local-result^{tree}");
}

/** The simulator in-process, its printed output collected. */
export async function simulateIn(s: Scratch, o: Partial<SimulateOptions> = {}): Promise<SimulateResult & { output: string }> {
  let output = "";
  const result = await simulate({
    workflowFile: o.rerunFailed ? undefined : s.workflow,
    repo: o.rerunFailed ? undefined : s.bare,
    out: o.rerunFailed ? undefined : join(tempDir(), "out"),
    concurrency: 4,
    inputs: {},
    secrets: {},
    cwd: s.work,
    write: (text) => {
      output += text;
    },
    ...o,
  });
  return { ...result, output };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `waveplan simulate …` through the bundled CLI, as a user runs it (`extraEnv`: the CLI's own environment;
 * jobs see a runner's PATH, so a stand-in agent goes on it with `--runner-path`).
 */
export function simulateCli(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("node", [CLI, "simulate", ...args], { cwd, env: cleanEnv(extraEnv), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => {
      stdout += b;
    });
    child.stderr.on("data", (b: Buffer) => {
      stderr += b;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A scratch repository of `plan` whose tasks each append their id to a file outside every checkout, and
 * the ids appended so far, sorted (`reset` empties it): which tasks ran, across runs. With `sandbox: off`: a sandboxed task's
 * /tmp is its own, so its append would reach nothing.
 */
export function countingExecutions(plan: string): { s: Scratch; executions: () => string[]; reset: () => void } {
  const counter = join(tempDir(), "executions.log");
  writeFileSync(counter, "");
  const s = scratch({
    plan,
    editPlanBeforeCompile: (text) =>
      `${text.replace(/^( {8}run: \|?)(.*)$/gm, (_m, head: string, rest: string) =>
        head.endsWith("|")
          ? `${head}\n          echo "$WAVEPLAN_TASK" >> ${counter}${rest}`
          : `${head} echo "$WAVEPLAN_TASK" >> ${counter} && ${rest.trim()}`,
      )}sandbox: off\n`,
  });
  return {
    s,
    executions: () => readFileSync(counter, "utf8").split("\n").filter(Boolean).sort(),
    reset: () => writeFileSync(counter, ""),
  };
}

/**
 * README "Use it on GitHub", steps 1–2: the plan and its workflow compiled by the bundled CLI, committed
 * in `work`, and pushed to "GitHub" (`github`, a bare clone); `root` holds both.
 */
export function compiledRepository(planText: string): { root: string; work: string; github: string } {
  requireBundles();
  const root = tempDir();
  const work = join(root, "work");
  mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  git(work, "config", "user.name", "Dev");
  git(work, "config", "user.email", "dev@example.com");
  git(work, "config", "commit.gpgsign", "false");
  writeFileSync(join(work, "plan.yml"), planText);
  execFileSync("node", [CLI, "compile", "plan.yml", "-o", ".github/workflows/plan.yml"], { cwd: work, env: env() });
  git(work, "add", "-A");
  git(work, "commit", "-qm", "plan");
  const github = join(root, "github.git");
  git(root, "clone", "-q", "--bare", work, github);
  return { root, work, github };
}

/** A repository with one commit holding `files`, plus its bare clone (for hand-written workflows). */
export function plainRepo(files: Record<string, string>): Scratch {
  const root = tempDir();
  const work = join(root, "work");
  mkdirSync(work);
  git(work, "init", "-q", "-b", "main");
  git(work, "config", "user.name", "Test User");
  git(work, "config", "user.email", "test@example.com");
  git(work, "config", "commit.gpgsign", "false");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(work, "add", "-A");
  git(work, "commit", "-qm", "base");
  const bare = join(root, "origin.git");
  git(root, "clone", "-q", "--bare", work, bare);
  return { work, bare, workflow: join(work, ".github/workflows/test.yml"), plan: "" };
}
