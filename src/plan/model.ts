/**
 * The normalized plan: defaults applied, ids filled in, durations parsed. Everything downstream
 * (graph, compile, run) works on this shape, never on raw YAML.
 */

import type { PresetName } from "./agent-capabilities.js";
import { parseDuration } from "./duration.js";
import type { PlanInput } from "./schema.js";
import { parseSize } from "./size.js";

export type WaveMode = "parallel" | "sequential";
/** Where a value came from in the plan file, as a path of keys and indexes (`waves.2.tasks.0`). */
export type SourcePath = readonly (string | number)[];

export const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;

export interface Instance {
  id: string;
  role: string;
  focus?: string;
  /** this instance's own preset or model (absent keys keep the plan hash of older plans) */
  agent?: { preset?: PresetName; model?: string };
}

export interface Task {
  id: string;
  /** index in the whole plan, in plan order */
  index: number;
  waveId: string;
  waveIndex: number;
  /** index inside its wave */
  position: number;
  instance: string;
  title: string;
  kind: "run" | "prompt";
  /** the bash script or the prompt text */
  body: string;
  outputs: string[];
  timeoutMs: number;
  retries: number;
  estimateMs?: number;
  env: Record<string, string>;
  needs: string[];
  /** the files the task declares it changes (`files:`); absent when it declares none */
  files?: string[];
  /** the GitHub environment its job runs in (the task's, else its wave's); absent when none */
  environment?: string;
  source: SourcePath;
}

export interface Wave {
  id: string;
  index: number;
  name: string;
  description?: string;
  mode: WaveMode;
  estimateMs?: number;
  /** GitHub only, each absent unless set (keeps the plan hash of plans without them) */
  runsOn?: string | string[];
  maxParallel?: number;
  environment?: string;
  tasks: Task[];
  source: SourcePath;
}

/**
 * How prompt tasks run. Keys the plan does not set stay undefined, so the plan and task hashes of
 * plans written before a key existed do not change.
 */
export interface Agent {
  preset?: PresetName;
  command?: string;
  version?: string;
  model?: string;
  tools?: string[];
  maxTurns?: number;
  budget?: { runUsd?: number; taskUsd?: number };
  setup?: string;
  secrets: string[];
  vars?: string[];
  /** false: the prompt goes to the agent without the preamble */
  preamble?: false;
}

export interface LandSettings {
  strategy: "commit" | "pull-request";
  branch?: string;
  message?: string;
  author?: string;
  /** GitHub: land through the API so GitHub signs the commit (true), never (false), or when a ruleset requires it (absent) */
  signed?: boolean;
}

/** Defaults of `limits:` (plan/schema.ts). */
export const DEFAULT_LIMITS = { checkpointBytes: 256 * 1024 ** 2, logBytes: 16 * 1024 ** 2 };

export interface Plan {
  version: 1;
  name: string;
  description?: string;
  instances: Instance[];
  agent?: Agent;
  /**
   * absent for the default (sandboxed, host network), so the plan hash of plans that do not set it is
   * unchanged; "off": no sandbox; `{ network: false }`: sandboxed without the host network
   */
  sandbox?: "off" | { network: false };
  env: Record<string, string>;
  land: LandSettings;
  /** bytes: the largest checkpoint (patch + outputs) of one task, the largest log kept of one task */
  limits: { checkpointBytes: number; logBytes: number };
  github: {
    runsOn: string | string[];
    /** days checkpoint artifacts are kept; absent: the repository's default */
    retentionDays?: number;
    pullRequest: boolean;
    /** the secret final-commit lands with instead of GITHUB_TOKEN */
    tokenSecret?: string;
    /** the GitHub App final-commit mints its landing token from: a variable and a secret name */
    app?: { clientIdVar: string; privateKeySecret: string };
    /** workflow files dispatched on the landing branch after landing with GITHUB_TOKEN */
    dispatch: string[];
    /** absent unless set: keeps the plan hash of plans that do not use it */
    failFast?: true;
  };
  waves: Wave[];
  /** all tasks, in plan order */
  tasks: Task[];
}

/** Builds the normalized plan from schema-valid input. Never fails: semantic checks live in validate.ts. */
export function normalizePlan(input: PlanInput): Plan {
  const tasks: Task[] = [];
  const waves: Wave[] = input.waves.map((w, waveIndex) => {
    const perInstance = new Map<string, number>();
    const wave: Wave = {
      id: w.id,
      index: waveIndex,
      name: w.name ?? w.id,
      description: w.description,
      mode: w.mode ?? "parallel",
      estimateMs: w.estimate === undefined ? undefined : parseDuration(w.estimate),
      ...(w["runs-on"] !== undefined ? { runsOn: w["runs-on"] } : {}),
      ...(w["max-parallel"] !== undefined ? { maxParallel: w["max-parallel"] } : {}),
      ...(w.environment !== undefined ? { environment: w.environment } : {}),
      tasks: [],
      source: ["waves", waveIndex],
    };
    w.tasks.forEach((t, position) => {
      const n = (perInstance.get(t.instance) ?? 0) + 1;
      perInstance.set(t.instance, n);
      const kind = t.prompt !== undefined && t.run === undefined ? "prompt" : "run";
      const task: Task = {
        id: t.id ?? `${t.instance}-${w.id}-${n}`,
        index: tasks.length,
        waveId: w.id,
        waveIndex,
        position,
        instance: t.instance,
        title: t.title ?? firstLine(t.run ?? t.prompt ?? "") ?? "",
        kind,
        body: (kind === "prompt" ? t.prompt : t.run) ?? "",
        outputs: t.outputs ?? [],
        timeoutMs: t.timeout === undefined ? DEFAULT_TASK_TIMEOUT_MS : (parseDuration(t.timeout) ?? DEFAULT_TASK_TIMEOUT_MS),
        retries: t.retries ?? 0,
        estimateMs: t.estimate === undefined ? undefined : parseDuration(t.estimate),
        env: (t.env ?? {}) as Record<string, string>,
        needs: t.needs ?? [],
        // only when declared: an absent key keeps the task hash of plans written before `files:`
        ...(t.files ? { files: t.files } : {}),
        ...((t.environment ?? w.environment) ? { environment: t.environment ?? w.environment } : {}),
        source: ["waves", waveIndex, "tasks", position],
      };
      wave.tasks.push(task);
      tasks.push(task);
    });
    return wave;
  });
  return {
    version: 1,
    name: input.name,
    description: input.description,
    instances: Object.entries(input.instances).map(([id, i]) => ({
      id,
      role: i.role,
      focus: i.focus,
      ...(i.agent ? { agent: { preset: i.agent.preset, model: i.agent.model } } : {}),
    })),
    agent: input.agent && normalizeAgent(input.agent),
    sandbox: input.sandbox === "off" || input.sandbox === false ? "off" : input.sandbox?.network === false ? { network: false } : undefined,
    env: (input.env ?? {}) as Record<string, string>,
    land: {
      strategy: input.land?.strategy ?? "commit",
      branch: input.land?.branch,
      message: input.land?.message,
      author: input.land?.author,
      signed: input.land?.signed,
    },
    limits: {
      checkpointBytes: parseSize(input.limits?.checkpoint ?? "") ?? DEFAULT_LIMITS.checkpointBytes,
      logBytes: parseSize(input.limits?.log ?? "") ?? DEFAULT_LIMITS.logBytes,
    },
    github: {
      runsOn: input.github?.["runs-on"] ?? "ubuntu-latest",
      ...(input.github?.["retention-days"] !== undefined ? { retentionDays: input.github["retention-days"] } : {}),
      pullRequest: input.github?.["pull-request"] ?? false,
      tokenSecret: input.github?.["token-secret"],
      app: input.github?.app && {
        clientIdVar: input.github.app["client-id"],
        privateKeySecret: input.github.app["private-key-secret"],
      },
      dispatch: input.github?.dispatch ?? [],
      failFast: input.github?.["fail-fast"] ? true : undefined,
    },
    waves,
    tasks,
  };
}

function normalizeAgent(a: NonNullable<PlanInput["agent"]>): Agent {
  const budget = a.budget && { runUsd: a.budget["run-usd"], taskUsd: a.budget["task-usd"] };
  return {
    preset: a.preset,
    command: a.command,
    version: a.version,
    model: a.model,
    tools: a.tools,
    maxTurns: a["max-turns"],
    budget,
    setup: a.setup,
    secrets: a.secrets ?? [],
    vars: a.vars,
    preamble: a.preamble === false ? false : undefined,
  };
}

function firstLine(text: string): string | undefined {
  return text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "")
    ?.slice(0, 80);
}

export function findTask(plan: Plan, id: string): Task | undefined {
  return plan.tasks.find((t) => t.id === id);
}

export function instanceOf(plan: Plan, id: string): Instance | undefined {
  return plan.instances.find((i) => i.id === id);
}
