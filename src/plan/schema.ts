/**
 * The plan file's schema: the single source of truth. It validates plans at load time and
 * emits `schema/waveplan.schema.json` for editors (`waveplan schema`).
 */
import { z } from "zod";
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

export const instanceSchema = z.strictObject({
  role: z.string().min(1).describe("What this worker is, e.g. Migration Engineer"),
  focus: z.string().optional().describe("Specialization, shown in stats and prompts"),
});

export const agentSchema = z
  .strictObject({
    command: z.string().min(1).describe("Command that runs a prompt task; the prompt arrives on stdin"),
    setup: z.string().optional().describe("Shell run once per GitHub job before prompt tasks (e.g. installing the agent CLI)"),
    secrets: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "secret names are [A-Za-z_][A-Za-z0-9_]*"))
      .optional()
      .describe("Repository secrets forwarded as environment variables to prompt tasks on GitHub"),
  })
  .describe("How `prompt:` tasks are executed");

export const taskSchema = z.strictObject({
  id: id("task id").optional().describe("Defaults to <instance>-<wave>-<n>"),
  instance: id("instance id").describe("The instance (worker) that runs this task"),
  title: z.string().optional().describe("Short description shown in logs and the Actions UI"),
  run: z
    .string()
    .optional()
    .describe("Bash script, run with bash -eo pipefail in the task's slot (its own checkout of the materialized tree)"),
  prompt: z.string().optional().describe("Prompt for the agent command (agent.command), sent on stdin"),
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
});

export const waveSchema = z.strictObject({
  id: id("wave id"),
  name: z.string().optional(),
  description: z.string().optional(),
  mode: z.enum(["parallel", "sequential"]).optional().describe("parallel (default) or sequential: tasks run as a chain in listed order"),
  estimate: duration.optional().describe("Expected wall time of the whole wave"),
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
    "runs-on": z.string().min(1).optional().describe("Runner label for every job (default ubuntu-latest)"),
    "pull-request": z.boolean().optional().describe("Also trigger on pull_request (tasks run, nothing lands)"),
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
