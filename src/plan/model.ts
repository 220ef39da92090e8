/**
 * The normalized plan: defaults applied, ids filled in, durations parsed. Everything downstream
 * (graph, compile, run) works on this shape, never on raw YAML.
 */
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
  source: SourcePath;
}

export interface Wave {
  id: string;
  index: number;
  name: string;
  description?: string;
  mode: WaveMode;
  estimateMs?: number;
  tasks: Task[];
  source: SourcePath;
}

export interface Agent {
  command: string;
  setup?: string;
  secrets: string[];
}

export interface LandSettings {
  strategy: "commit" | "pull-request";
  branch?: string;
  message?: string;
  author?: string;
}

/** Defaults of `limits:` (plan/schema.ts). */
export const DEFAULT_LIMITS = { checkpointBytes: 256 * 1024 ** 2, logBytes: 16 * 1024 ** 2 };

export interface Plan {
  version: 1;
  name: string;
  description?: string;
  instances: Instance[];
  agent?: Agent;
  env: Record<string, string>;
  land: LandSettings;
  /** bytes: the largest checkpoint (patch + outputs) of one task, the largest log kept of one task */
  limits: { checkpointBytes: number; logBytes: number };
  github: {
    runsOn: string;
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
    instances: Object.entries(input.instances).map(([id, i]) => ({ id, role: i.role, focus: i.focus })),
    agent: input.agent && { command: input.agent.command, setup: input.agent.setup, secrets: input.agent.secrets ?? [] },
    env: (input.env ?? {}) as Record<string, string>,
    land: {
      strategy: input.land?.strategy ?? "commit",
      branch: input.land?.branch,
      message: input.land?.message,
      author: input.land?.author,
    },
    limits: {
      checkpointBytes: parseSize(input.limits?.checkpoint ?? "") ?? DEFAULT_LIMITS.checkpointBytes,
      logBytes: parseSize(input.limits?.log ?? "") ?? DEFAULT_LIMITS.logBytes,
    },
    github: {
      runsOn: input.github?.["runs-on"] ?? "ubuntu-latest",
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
