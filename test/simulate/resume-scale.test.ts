/**
 * `resume-from` at scale: the plan job lists the earlier run once and passes each task job its own
 * artifact, so a 60-task resume makes about one REST request per reused task — counted by the
 * simulated GitHub (`requests` in github.json), under GITHUB_TOKEN's 1,000 per hour.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { GitHubRecord } from "../../src/simulate/github-api/state.js";
import { git, requireBundles, scratch, simulateIn } from "./helpers.js";

beforeAll(requireBundles);

const TASKS_PER_WAVE = 30;

function plan(): string {
  const wave = (w: number) =>
    `  - id: W${w}\n    tasks:\n${Array.from({ length: TASKS_PER_WAVE }, (_, i) => `      - { id: t${w}-${i + 1}, instance: I1, run: "echo ${w}-${i + 1} > f${w}-${i + 1}.txt" }`).join("\n")}\n`;
  return `version: 1\nname: Sixty tasks\ninstances:\n  I1: { role: Worker }\nwaves:\n${wave(1)}${wave(2)}`;
}

describe("resume-from with 60 tasks", () => {
  it("reuses 59 checkpoints with at most ~80 REST requests in the whole run", { timeout: 900_000 }, async () => {
    const s = scratch({ plan: "test/simulate/fixtures/three-waves.yml", editPlanBeforeCompile: () => plan() });
    expect(readFileSync(join(s.work, s.plan), "utf8")).toContain("t2-30");
    const failed = await simulateIn(s, { failTask: "t2-30", concurrency: 8 });
    expect(failed.conclusion).toBe("failure");

    const resumed = await simulateIn(s, { inputs: { "resume-from": failed.state.runId }, concurrency: 8 });
    expect(resumed.conclusion, resumed.output).toBe("success");
    const gh = JSON.parse(readFileSync(join(resumed.outDir, "github.json"), "utf8")) as GitHubRecord;
    // 1 GET of the run + 1 page of its 60 artifacts (plan job), 1 zip per task job, 1 status
    expect(gh.requests).toBeGreaterThanOrEqual(62);
    expect(gh.requests).toBeLessThanOrEqual(80);
    const logs = Object.values(resumed.state.jobs)
      .flatMap((j) => j.instances)
      .map((i) => (i.log ? readFileSync(join(resumed.outDir, i.log), "utf8") : ""))
      .join("\n");
    expect(logs.match(/reused from run/g)?.length).toBe(59);
    expect(logs).toContain(`resume-from ${failed.state.runId}: run ${failed.state.runId}`);
    expect(git(s.bare, "show", "main:f2-30.txt")).toBe("2-30");
  });
});
