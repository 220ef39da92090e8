/**
 * Issue 28, looked at in a real browser (headless Chromium, offline): the final-commit summary of
 * the 13-wave example as GitHub draws it (GFM + Mermaid 11 in an 880 px column) and the HTML report
 * of local runs, for a landed run and a failed one made by `waveplan run` itself. A Mermaid syntax
 * error, a console error or a network request fails the test. Screenshots go to .scratch/screenshots/.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadPlanFile } from "../../src/plan/load.js";
import { renderHtmlReport } from "../../src/report/html.js";
import { tellRun } from "../../src/report/run-story.js";
import { githubRetry, renderRunSummary } from "../../src/report/summary.js";
import { Layout } from "../../src/run/layout.js";
import { readRunRecords } from "../../src/run/report-file.js";
import { haveChromium, launch, renderPage, renderSummary, SUMMARY_WIDTH } from "../support/browser.js";
import { cli, git, ROOT, tempDir } from "../support/repo.js";

const EXAMPLE = join(ROOT, "examples/auth-integration");
const FAILING = "I3-W3-1";
const STDERR = "migration: users.email would become NOT NULL but 3 rows have none";

let browser: Browser;
let repo: string;
let okRun: string;
let failedRun: string;
const failPlan = () => join(repo, "..", "plan-failing.yml");

beforeAll(async () => {
  if (!haveChromium) return;
  repo = join(tempDir("waveplan-browser-"), "repo");
  execFileSync("bash", [join(EXAMPLE, "scratch-repo.sh"), repo]);
  writeFileSync(join(repo, "plan.yml"), readFileSync(join(EXAMPLE, "plan.yml")));
  git(repo, "add", "plan.yml");
  git(repo, "commit", "-qm", "plan");
  const ok = await cli(repo, ["run", "plan.yml"]);
  expect(ok.code, ok.stdout + ok.stderr).toBe(0);
  okRun = /run (\S+)\)/.exec(ok.stdout.split("\n").find((l) => l.startsWith("landed ")) ?? "")?.[1] ?? "";
  // the same plan with one task of W3 failing, run outside the repository's tree
  const plan = parse(readFileSync(join(EXAMPLE, "plan.yml"), "utf8"));
  const w3 = plan.waves.find((w: { id: string }) => w.id === "W3");
  w3.tasks[0].run = `echo "checking the schema diff"\necho "${STDERR}" >&2\nexit 1\n`;
  writeFileSync(failPlan(), stringify(plan));
  const failed = await cli(repo, ["run", failPlan()]);
  expect(failed.code).toBe(1);
  failedRun = /run (\S+) failed/.exec(failed.stderr)?.[1] ?? "";
  expect(failedRun).not.toBe("");
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

async function summaryOf(planFile: string, runId: string, retry?: string): Promise<string> {
  const { plan } = loadPlanFile(planFile);
  const records = await readRunRecords(new Layout(repo), runId);
  return renderRunSummary(tellRun({ plan, records }), { planFile: "plan.yml", runId, retry });
}

describe.skipIf(!haveChromium)("what people see, in a real browser", () => {
  it("the landed run's summary: Mermaid draws every diagram, the wave graph is not shrunk at 880 px", async () => {
    const md = await summaryOf(join(repo, "plan.yml"), okRun);
    const r = await renderSummary(browser, md, "summary-landed");
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.diagrams.map((d) => d.kind)).toEqual(["flowchart TD", "gantt"]);
    const [graph] = r.diagrams;
    // drawn at (nearly) its natural size: readable, not scaled down to fit the column
    expect(graph.width).toBeLessThanOrEqual(SUMMARY_WIDTH);
    expect(graph.shownWidth / graph.width).toBeGreaterThan(0.95);
    expect(await r.page.locator("g.node.ok").count()).toBe(13);
    process.stdout.write(
      `[browser] ${r.screenshot}: wave graph ${graph.width}×${graph.height} shown at ${Math.round(graph.shownWidth)} px\n`,
    );
  });

  it("the failed run's summary: verdict, the failed task with its stderr, red node, grey waves not run", async () => {
    const md = await summaryOf(failPlan(), failedRun, githubRetry("123"));
    expect(md.split("\n")[0]).toBe(`## ❌ ${FAILING} failed in W3 · 7 done · 1 failed · 24 not run`);
    const r = await renderSummary(browser, md, "summary-failed");
    expect(r.errors).toEqual([]);
    expect(await r.page.locator("g.node.failed").count()).toBe(1);
    expect(await r.page.locator("g.node.notrun").count()).toBe(9);
    const text = await r.page.locator("main").textContent();
    expect(text).toContain(`${FAILING}: Generate the migration from the schema diff`);
    expect(text).toContain(STDERR);
    expect(await r.page.locator("details").getAttribute("open")).toBeNull(); // the task table is folded
    process.stdout.write(`[browser] ${r.screenshot}\n`);
  });

  it("with agent figures: the cost column, totals and denied calls render (figures attached to the real records)", async () => {
    const { plan } = loadPlanFile(join(repo, "plan.yml"));
    const records = (await readRunRecords(new Layout(repo), okRun)).map((r, i) => ({
      ...r,
      agent: {
        preset: "claude-code",
        // every third task's CLI reported tokens only: "n/a", never a guessed price
        ...(i % 3 === 2 ? {} : { costUsd: 0.05 * (i + 1) }),
        turns: 3 + (i % 4),
        tokens: { input: 1000 * (i + 1), output: 200, cacheRead: 5000, cacheWrite: 0 },
        denied: i === 4 ? [{ tool: "Bash", input: "npm test -- --run" }] : [],
      },
    }));
    const md = renderRunSummary(tellRun({ plan, records }), { planFile: "plan.yml", runId: okRun });
    expect(md.split("\n")[0]).toMatch(/^## ✅ 32\/32 tasks · 13 waves · [\d.]+m?s · \$[\d.]+ \+ n\/a \(10 tasks\)$/);
    const r = await renderSummary(browser, md, "summary-agents");
    expect(r.errors).toEqual([]);
    const text = (await r.page.locator("main").textContent()) ?? "";
    expect(text).toContain("Agent cost");
    expect(text).toContain('allow with agent.tools: [..., "Bash(npm test:*)"]');
    const html = renderHtmlReport(tellRun({ plan, records }), { planFile: "plan.yml", runId: okRun });
    const page = await renderPage(browser, html, "report-agents");
    expect(page.errors).toEqual([]);
    process.stdout.write(`[browser] ${r.screenshot}\n[browser] ${page.screenshot}\n`);
  });

  it("`waveplan report` writes a self-contained page that renders offline without console errors", async () => {
    for (const [runId, name] of [
      [okRun, "report-landed"],
      [failedRun, "report-failed"],
    ]) {
      const file = join(repo, "..", `${name}.html`);
      const out = await cli(repo, ["report", runId, "-o", file]);
      expect(out.code, out.stderr).toBe(0);
      const html = readFileSync(file, "utf8");
      expect(html).not.toMatch(/<script|<link|src="http|@import/);
      const r = await renderPage(browser, html, name);
      expect(r.errors).toEqual([]);
      expect(r.requests).toEqual([]);
      const text = await r.page.locator("body").textContent();
      if (runId === failedRun) {
        expect(text).toContain(`${FAILING} failed in W3 · 7 done · 1 failed · 24 not run`);
        expect(text).toContain(STDERR);
        expect(text).toContain(`waveplan run ../plan-failing.yml --resume ${failedRun}`);
      } else expect(text).toContain("32/32 tasks · 13 waves");
      expect(await r.page.locator("svg[aria-label=timeline] rect").count()).toBe(runId === failedRun ? 4 : 13);
      process.stdout.write(`[browser] ${r.screenshot}\n`);
    }
  });

  it("every run writes its report and prints where", async () => {
    const layout = new Layout(repo);
    expect(readFileSync(join(layout.runDir(okRun), "report.html"), "utf8")).toContain("32/32 tasks");
  });
});
