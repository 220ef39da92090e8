/**
 * The plan file's schema: the single source of truth. It validates plans at load time and
 * emits `schema/waveplan.schema.json` for editors (`waveplan schema`).
 */
import { z } from "zod";
import { PRESET_NAMES } from "./agent-capabilities.js";
import { DURATION_PATTERN } from "./duration.js";
import { SIZE_PATTERN } from "./size.js";

export const ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]*$";
export const MAX_ID_LENGTH = 64;

const id = (what: string) =>
  z
    .string()
    .regex(new RegExp(ID_PATTERN), `${what} must match [A-Za-z0-9][A-Za-z0-9._-]* (it becomes part of job ids, artifact names and paths)`)
    .max(MAX_ID_LENGTH, `${what} is longer than ${MAX_ID_LENGTH} characters`)
    .describe(`${what}: letters, digits, '.', '_' and '-', starting with a letter or digit`);

const duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), "a duration is written like 90s, 5m or 1h30m")
  .refine((s) => s.trim() !== "", "a duration is written like 90s, 5m or 1h30m")
  .describe("A duration such as 90s, 5m or 1h30m");

const envMap = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names are [A-Za-z_][A-Za-z0-9_]*"),
    z.union([z.string(), z.number(), z.boolean()]).transform(String),
  )
  .describe("Environment variables for the task");

const presetName = z
  .enum(PRESET_NAMES)
  .describe("A known agent CLI: waveplan runs it headless, installs it on runners and reads its cost and tokens");

const variableName = (what: string) => z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, `${what} names are [A-Za-z_][A-Za-z0-9_]*`);

export const instanceSchema = z.strictObject({
  role: z.string().min(1).describe("What this worker is, e.g. Migration Engineer"),
  focus: z.string().optional().describe("Specialization, shown in stats and prompts"),
  agent: z
    .strictObject({
      preset: presetName.optional(),
      model: z.string().min(1).optional().describe("Model for this instance's prompt tasks"),
    })
    .optional()
    .describe("This instance's agent, overriding the plan's agent.preset / agent.model"),
});

export const agentSchema = z
  .strictObject({
    preset: presetName.optional(),
    command: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Any other agent: a bash command that runs a prompt task; the prompt arrives on stdin (a regular file) and in $WAVEPLAN_PROMPT_FILE",
      ),
    version: z
      .string()
      .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/, "a version such as 2.1.332")
      .optional()
      .describe("The preset's CLI version installed on runners (default: the version waveplan was tested with)"),
    model: z.string().min(1).optional().describe("Model the preset's CLI uses (its --model flag)"),
    tools: z
      .array(z.string().min(1))
      .optional()
      .describe("Allow-list of the agent's tools (e.g. Read, Edit, Write, Bash); others are denied and reported. Default: all"),
    "max-turns": z.number().int().min(1).optional().describe("Turn limit per task; reaching it fails the task"),
    budget: z
      .strictObject({
        "run-usd": z.number().positive().optional().describe("Stop starting tasks once the run has spent this much"),
        "task-usd": z.number().positive().optional().describe("Spending limit per task, passed to the CLI where it has one"),
      })
      .optional()
      .describe("Spending limits in USD, as the agent CLI reports cost"),
    setup: z.string().optional().describe("Shell run once per GitHub job before prompt tasks (e.g. installing the agent CLI)"),
    secrets: z
      .array(variableName("secret"))
      .optional()
      .describe(
        "Repository secrets forwarded as environment variables to prompt tasks on GitHub (default for a preset: its API key and token variables)",
      ),
    vars: z
      .array(variableName("variable"))
      .optional()
      .describe("Repository variables (vars.NAME) forwarded as environment variables to prompt tasks on GitHub, e.g. ANTHROPIC_BASE_URL"),
    preamble: z
      .boolean()
      .optional()
      .describe("false: send the task's prompt alone, without waveplan's preamble (role, focus, files, upstream changes)"),
  })
  .describe("How `prompt:` tasks are executed: a preset (claude-code, codex, gemini, aider) or a command");

export const sandboxSchema = z
  .union([
    z.literal("off").describe("No sandbox: tasks run with the user's full file system access (the run says so)"),
    z.literal(false).describe("Same as off"),
    z.strictObject({
      network: z
        .boolean()
        .optional()
        .describe("false: the task gets a network of its own with only a loopback (no internet, no host ports); default true"),
    }),
  ])
  .describe(
    "Every task runs in a sandbox by default (Linux namespaces through bubblewrap or unshare): read-only file system but for its folder, a private /tmp and home, its own PID namespace; `off` to run tasks unsandboxed",
  );

/**
 * A job's `runs-on`: one label, or a list of labels a runner must all carry (docs "Workflow syntax" ›
 * `jobs.<job_id>.runs-on`; a runner group is chosen by the labels of its runners).
 */
const runsOn = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .describe("Runner label, or a list of labels a runner must all have (e.g. [self-hosted, linux, x64])");

/**
 * A deployment environment's name (docs "Managing environments for deployment": up to 255
 * characters, case-insensitive); kept to characters that need no quoting or escaping anywhere.
 */
const environment = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, "an environment name: letters, digits, ., _ and -")
  .describe("GitHub environment the job runs in (its protection rules, e.g. required reviewers, and its secrets apply)");

export const taskSchema = z.strictObject({
  id: id("task id").optional().describe("Defaults to <instance>-<wave>-<n>"),
  instance: id("instance id").describe("The instance (worker) that runs this task"),
  title: z.string().optional().describe("Short description shown in logs and the Actions UI"),
  run: z
    .string()
    .optional()
    .describe("Bash script, run with bash -eo pipefail in the task's slot (its own checkout of the materialized tree)"),
  prompt: z.string().optional().describe("Prompt for the agent (agent.preset or agent.command), after waveplan's preamble"),
  outputs: z
    .array(z.string().min(1))
    .optional()
    .describe("Repository-relative files that must exist afterwards; carried in the checkpoint"),
  timeout: duration.optional().describe("Kill the task (and its children) after this long; default 30m"),
  retries: z.number().int().min(0).max(10).optional().describe("Extra attempts after a failure"),
  estimate: duration.optional().describe("Expected duration, used by stats; defaults from the wave estimate"),
  env: envMap.optional(),
  needs: z.array(id("task id")).optional().describe("Extra task-level dependencies on tasks of earlier waves"),
  files: z
    .array(z.string().min(1))
    .optional()
    .describe(
      "Repository-relative files the task is expected to change; validate warns when tasks of one wave share one, a run warns about changes outside them",
    ),
  environment: environment.optional(),
});

export const waveSchema = z.strictObject({
  id: id("wave id"),
  name: z.string().optional(),
  description: z.string().optional(),
  mode: z.enum(["parallel", "sequential"]).optional().describe("parallel (default) or sequential: tasks run as a chain in listed order"),
  estimate: duration.optional().describe("Expected wall time of the whole wave"),
  "runs-on": runsOn.optional().describe("Runner label(s) for this wave's jobs (default: github.runs-on)"),
  "max-parallel": z
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe("At most this many of the wave's tasks at once on GitHub (matrix max-parallel)"),
  environment: environment.optional().describe("GitHub environment of this wave's jobs (a task's own environment wins)"),
  tasks: z.array(taskSchema).describe("The wave's tasks"),
});

export const landSchema = z
  .strictObject({
    strategy: z
      .enum(["commit", "pull-request"])
      .optional()
      .describe("commit: push one commit to `branch`; pull-request: push to `branch` and open/update a PR (GitHub)"),
    branch: z.string().min(1).optional().describe("Branch that receives the combined commit"),
    message: z.string().optional().describe("First line of the commit message; plan, run and instances are appended"),
    author: z
      .string()
      .regex(/^[^<>]+ <[^<>]+>$/, "author is written as 'Name <email>'")
      .optional(),
    signed: z
      .boolean()
      .optional()
      .describe(
        "GitHub: true creates the landing commit through GitHub's API, which signs it (GITHUB_TOKEN or github.app); false always pushes it with git, unsigned. Default: signed when an active ruleset requires signed commits on the landing branch",
      ),
  })
  .describe("How the combined change lands once every task succeeded");

const size = z
  .union([z.string().regex(new RegExp(SIZE_PATTERN), "a size is written like 512KiB, 64MiB or 1GiB"), z.number().int().min(0)])
  .describe("A size such as 512KiB, 64MiB or 1GiB (or a number of bytes)");

export const limitsSchema = z
  .strictObject({
    checkpoint: size
      .optional()
      .describe("Largest checkpoint of one task (its patch plus its declared outputs); a larger one fails the task. Default 256MiB"),
    log: size.optional().describe("Largest log kept of one task; output beyond it is dropped, and the log says so. Default 16MiB"),
  })
  .describe("Size limits, so one task cannot fill the disk (or an artifact) with its checkpoint or its log");

export const githubAppSchema = z.strictObject({
  "client-id": z
    .string()
    .regex(/^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/i, "a variable name: letters, digits and _, not starting with GITHUB_")
    .describe("Configuration variable (vars.NAME) holding the GitHub App's client ID"),
  "private-key-secret": z
    .string()
    .regex(/^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/i, "a secret name: letters, digits and _, not starting with GITHUB_")
    .describe("Secret holding the GitHub App's private key"),
});

export const githubSchema = z
  .strictObject({
    "runs-on": runsOn.optional().describe("Runner label(s) for every job unless a wave says otherwise (default ubuntu-latest)"),
    "pull-request": z
      .boolean()
      .optional()
      .describe(
        "Run the tasks on pull_request too (final-commit verifies that run, nothing lands) instead of only re-attesting the landings the pull request holds",
      ),
    "token-secret": z
      .string()
      .regex(/^(?!GITHUB_)[A-Za-z_][A-Za-z0-9_]*$/i, "a secret name: letters, digits and _, not starting with GITHUB_")
      .optional()
      .describe(
        "Secret holding the token final-commit lands with (a fine-grained PAT or GitHub App token with contents, pull requests and workflows write) instead of GITHUB_TOKEN: its pushes and pull requests start the repository's workflows and may change .github/workflows/",
      ),
    app: githubAppSchema
      .optional()
      .describe(
        "Land with a GitHub App installation token (actions/create-github-app-token, in final-commit only) instead of GITHUB_TOKEN: its pushes and pull requests start the repository's workflows and may change .github/workflows/. Recommended over token-secret",
      ),
    dispatch: z
      .array(z.string().regex(/^[A-Za-z0-9._-]+\.ya?ml$/, "a workflow file name in .github/workflows/, e.g. ci.yml"))
      .optional()
      .describe(
        "Workflows (file names) final-commit starts with workflow_dispatch on the landing branch after landing with GITHUB_TOKEN, whose pushes start no workflow",
      ),
    "fail-fast": z
      .boolean()
      .optional()
      .describe("Cancel the other tasks of a wave's matrix when one fails (default false: finished work is kept)"),
    "retention-days": z
      .number()
      .int()
      .min(1)
      .max(90)
      .optional()
      .describe("Days GitHub keeps the checkpoint artifacts (default: the repository's setting, 90); fewer saves artifact storage"),
  })
  .describe("Settings for the compiled GitHub Actions workflow");

export const planSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).describe("Plan format version"),
    name: z.string().min(1).describe("Plan name"),
    description: z.string().optional(),
    instances: z.record(id("instance id"), instanceSchema).describe("Named workers with roles"),
    agent: agentSchema.optional(),
    sandbox: sandboxSchema.optional(),
    env: envMap.optional().describe("Environment variables for every task"),
    land: landSchema.optional(),
    github: githubSchema.optional(),
    limits: limitsSchema.optional(),
    waves: z.array(waveSchema).describe("Ordered stages; a checkpoint separates consecutive waves"),
  })
  .describe("A waveplan parallel execution plan");

export type PlanInput = z.infer<typeof planSchema>;
export type TaskInput = z.infer<typeof taskSchema>;
export type WaveInput = z.infer<typeof waveSchema>;

/** The plan format as a JSON Schema (draft-7, input side), as `waveplan schema` publishes it for editors. */
export function jsonSchema(): object {
  const schema = z.toJSONSchema(planSchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  return {
    $id: "https://github.com/waveplan/waveplan/raw/main/schema/waveplan.schema.json",
    title: "waveplan plan",
    ...schema,
  };
}
