/**
 * The runner keeps at most 10 annotations of each kind per step (actions/runner
 * src/Runner.Worker/ExecutionContext.cs, `_maxIssueCount = 10`): the bundled action shows 9, one that
 * says how many more there are, and lists them all in the job summary.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResultsService, startResultsService } from "../../src/simulate/results-service.js";
import { cleanup, commands, makeRepo, requireActionBundle, runAction, tempDir } from "./helpers.js";

let service: ResultsService;
let root: string;

beforeAll(async () => {
  requireActionBundle();
  root = tempDir("waveplan-annotations-");
  service = await startResultsService({ dir: join(root, "results") });
});
afterAll(async () => {
  await service?.close();
  cleanup(root);
});

/** A plan whose `n` tasks are each assigned to an unknown instance: n located errors. */
const brokenPlan = (n: number) =>
  [
    "version: 1",
    "name: many errors",
    "instances:",
    "  I1: { role: Worker }",
    "waves:",
    "  - id: W0",
    "    mode: sequential",
    "    tasks:",
    ...Array.from({ length: n }, (_, i) => `      - { id: t${i}, instance: Nobody${i}, run: "true" }`),
    "",
  ].join("\n");

const validate = (n: number) => {
  const dir = join(root, `plan-${n}`);
  const repo = makeRepo(dir, { "plan.yml": brokenPlan(n), "README.md": "x\n" });
  return runAction({
    service,
    repo,
    root: dir,
    runId: 7100 + n,
    job: "plan",
    inputs: { command: "validate", plan: "plan.yml", workflow: "wf.yml" },
  });
};

describe("annotations over the runner's limit", () => {
  it("shows 9 errors and one that sends to the job summary, which lists all of them", async () => {
    const r = await validate(15);
    expect(r.code).toBe(1);
    const errors = commands(r.stdout, "error");
    expect(errors).toHaveLength(10);
    expect(errors.slice(0, 9).map((e) => e.props.line)).toEqual(Array.from({ length: 9 }, (_, i) => String(9 + i)));
    expect(errors[9].message).toBe("6 more errors are not shown here (GitHub shows 10 per step): all 15 are in the job summary");
    expect(r.summary).toContain("waveplan: 15 errors");
    for (let i = 0; i < 15; i++) expect(r.summary).toContain(`plan.yml:${9 + i}:`);
    expect(r.summary).toContain("unknown instance &#34;Nobody14&#34;");
  });

  it("shows all of them when they fit", async () => {
    const r = await validate(10);
    expect(commands(r.stdout, "error")).toHaveLength(10);
    expect(r.summary).not.toContain("waveplan: 10 errors");
  });
});
