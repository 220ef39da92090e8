/**
 * A JavaScript action step, run as a runner runs it: `node <runs.main>` from the action's folder,
 * inputs as `INPUT_<NAME>` (upper case, spaces as `_`, defaults from action.yml), and the runtime
 * token and results URL of the local results service so artifacts really travel between jobs.
 *
 * `./…` is the action in the checked-out workspace — for the vendored `./.github/actions/waveplan`,
 * whatever the commit holds there, never this waveplan's own bundle in its place; the published waveplan
 * action (`waveplan/waveplan@<any ref>`) is this waveplan's own action.yml and dist/. Nothing else is
 * run: the simulator refuses other actions before the run starts.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { PUBLISHED_ACTION } from "../../compile/header.js";
import { asString, evaluate } from "../expressions.js";
import { Expr } from "../workflow/tokens.js";
import { APP_TOKEN_ACTION } from "./app-token.js";
import { CACHE_ACTION } from "./cache.js";
import { runStepProcess } from "./process.js";
import { StepError, type StepOutcome, type StepRun } from "./step.js";

export const WAVEPLAN_ACTION = PUBLISHED_ACTION;

/** Why a `uses:` cannot run here, or undefined when it can. */
export function refuseUses(uses: string): string | undefined {
  if (uses.startsWith("actions/checkout@") || uses.startsWith("./") || uses.startsWith(`${WAVEPLAN_ACTION}@`)) return undefined;
  if (uses === APP_TOKEN_ACTION || uses === CACHE_ACTION) return undefined;
  if (uses.startsWith("actions/cache@"))
    return `\`uses: ${uses}\` cannot run in the simulator: it emulates actions/cache only at the compile pin (${CACHE_ACTION})`;
  if (uses.startsWith("actions/create-github-app-token@"))
    return `\`uses: ${uses}\` cannot run in the simulator: it emulates actions/create-github-app-token only at the release compile pins (${APP_TOKEN_ACTION})`;
  return `\`uses: ${uses}\` cannot run in the simulator: it runs actions/checkout, actions/create-github-app-token and actions/cache (emulated), the waveplan action (./ or ${WAVEPLAN_ACTION}@…) and run: steps only`;
}

interface ActionManifest {
  dir: string;
  main: string;
  inputs: Record<string, { default?: unknown }>;
}

async function manifest(s: StepRun, uses: string): Promise<ActionManifest> {
  const dir = uses.startsWith("./") ? resolve(s.job.workspace, uses) : s.run.actionRoot;
  const file = ["action.yml", "action.yaml"].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!file)
    throw new StepError(
      `${s.step.where}: ${uses} has no action.yml in ${dir}${uses.startsWith("./") ? " (did a checkout step run first?)" : ""}`,
    );
  const doc = parse(await readFile(file, "utf8")) as {
    runs?: { using?: string; main?: string; pre?: string; post?: string };
    inputs?: ActionManifest["inputs"];
  };
  const runs = doc?.runs ?? {};
  if (!/^node\d+$/.test(runs.using ?? "") || !runs.main)
    throw new StepError(
      `${s.step.where}: ${file}: runs.using "${runs.using}" is not a JavaScript action; the simulator runs node actions only`,
    );
  if (runs.pre || runs.post) throw new StepError(`${s.step.where}: ${file}: pre/post scripts are not supported by the simulator`);
  const main = join(dir, runs.main);
  if (!existsSync(main))
    throw new StepError(`${s.step.where}: ${file} runs ${runs.main}, which does not exist${uses.startsWith("./") ? " in the commit" : ""}`);
  return { dir, main, inputs: doc.inputs ?? {} };
}

export async function runAction(s: StepRun): Promise<StepOutcome> {
  const uses = s.step.uses as string;
  const action = await manifest(s, uses);
  const env: Record<string, string> = {
    ...s.env,
    GITHUB_ACTION_PATH: action.dir,
    GITHUB_ACTION_REPOSITORY: uses.startsWith("./") ? "" : WAVEPLAN_ACTION,
  };
  const given = Object.keys(s.step.with);
  const unexpected = given.filter((k) => !Object.hasOwn(action.inputs, k));
  if (unexpected.length)
    s.log.stepLine(
      `::warning::Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(action.inputs).join("', '")}']`,
    );
  const inputs: [string, string][] = [];
  for (const [name, def] of Object.entries(action.inputs)) {
    const value = Object.hasOwn(s.step.with, name) ? asString(s.step.with[name], s.contexts) : defaultValue(def.default, s);
    if (value !== undefined) inputs.push([name, value]);
  }
  for (const name of unexpected) inputs.push([name, asString(s.step.with[name], s.contexts)]);
  for (const [name, value] of inputs) env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  // the runner prints the non-empty inputs before the action runs, through the log's masks
  // (actions/runner src/Runner.Worker/Handlers/Handler.cs, PrintActionDetails)
  const shown = inputs.filter(([, value]) => value !== "");
  if (shown.length) s.log.info(["with:", ...shown.map(([name, value]) => `  ${name}: ${value}`)].join("\n"));
  if (s.run.failTask) env.BASH_ENV = await failHook(s, env.BASH_ENV);

  s.log.info(`[command]node ${action.main}`);
  const exit = await runStepProcess({
    command: process.execPath,
    args: [action.main],
    cwd: s.job.workspace,
    env,
    log: s.log,
    timeoutMs: s.timeoutMs,
    signal: s.signal,
    onSpawn: (pgid) => s.job.pgids.push(pgid),
  });
  return exit.exitCode === 0 ? "success" : "failure";
}

/** An action.yml default: literal, or a whole `${{ expression }}` (e.g. `${{ github.token }}`). */
function defaultValue(value: unknown, s: StepRun): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  const m = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(text);
  return m ? evaluate(new Expr(m[1].trim(), `${s.step.where} (action default)`), s.contexts).coerceString() : text;
}

/**
 * `--fail TASK`: the waveplan action has no test hooks, so the failure is injected where any task
 * command starts — bash reads `BASH_ENV` before running a script, and this file exits 1 when the
 * engine has put that task's id in `WAVEPLAN_TASK`. Gates, patches, uploads and every other task
 * run unchanged, so the failure takes exactly the path a real one does.
 */
async function failHook(s: StepRun, previous: string | undefined): Promise<string> {
  const file = join(s.job.temp, "waveplan-simulate-fail.sh");
  const task = (s.run.failTask as string).replace(/'/g, "'\\''");
  const chain = previous ? `. '${previous.replace(/'/g, "'\\''")}'\n` : "";
  await writeFile(
    file,
    `if [ "\${WAVEPLAN_TASK:-}" = '${task}' ]; then\n  echo "waveplan simulate --fail ${task}: this task's command fails here" >&2\n  exit 1\nfi\n${chain}`,
  );
  return file;
}
