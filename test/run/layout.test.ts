/**
 * run/layout.ts: which run is the latest. Run ids carry a timestamp in seconds and a random suffix, so
 * two runs started within one second (a failed run, then its fix at once) must be ordered by their
 * start time, not by id: `status` and `run --resume` pick the latest.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Layout } from "../../src/run/layout.js";
import { tempDir } from "../support/repo.js";

function writeRun(layout: Layout, runId: string, startedAt: string): void {
  mkdirSync(layout.runDir(runId), { recursive: true });
  const info = { runId, planFile: "plan.yml", planName: "p", planHash: "h", base: "b", status: "failed", startedAt };
  writeFileSync(join(layout.runDir(runId), "run.json"), JSON.stringify(info));
}

describe("Layout.listRuns", () => {
  it("orders runs started in the same second by their start time, newest first, whatever their random suffix", async () => {
    const layout = new Layout(tempDir());
    writeRun(layout, "20261130-153308-ffff", "2026-11-30T15:33:08.100Z");
    writeRun(layout, "20261130-153308-0000", "2026-11-30T15:33:08.900Z");
    writeRun(layout, "20261130-153307-aaaa", "2026-11-30T15:33:07.500Z");
    expect((await layout.listRuns()).map((r) => r.runId)).toEqual(["20261130-153308-0000", "20261130-153308-ffff", "20261130-153307-aaaa"]);
  });
});
