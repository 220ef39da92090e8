/** The plan's `sandbox` key: off, network off, the default, and a clear error for anything else. */
import { describe, expect, it } from "vitest";
import { planHash } from "../../src/plan/hash.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";

const PLAN = `version: 1
name: demo
instances:
  I1: { role: Coordinator }
waves:
  - id: W0
    tasks:
      - instance: I1
        run: echo one
`;

const load = (source: string) => requirePlan(checkPlan(source, "plan.yml")).plan;
const diagnostics = (source: string) =>
  checkPlan(source, "plan.yml")
    .diagnostics.sorted()
    .map((d) => `${d.line}:${d.col} ${d.severity} ${d.message}`);

describe("sandbox", () => {
  it("is absent by default, so plans that do not set it keep their hash", () => {
    expect(load(PLAN).sandbox).toBeUndefined();
    expect(planHash(load(`${PLAN}sandbox: {}\n`))).toBe(planHash(load(PLAN)));
    expect(planHash(load(`${PLAN}sandbox: { network: true }\n`))).toBe(planHash(load(PLAN)));
  });

  it("`off` (or false) turns it off; `network: false` keeps it on without the host network", () => {
    expect(load(`${PLAN}sandbox: off\n`).sandbox).toBe("off");
    expect(load(`${PLAN}sandbox: false\n`).sandbox).toBe("off");
    expect(load(`${PLAN}sandbox:\n  network: false\n`).sandbox).toEqual({ network: false });
    expect(planHash(load(`${PLAN}sandbox: off\n`))).not.toBe(planHash(load(PLAN)));
  });

  it("anything else is an error at its line and column", () => {
    const errors = diagnostics(`${PLAN}sandbox: on\n`);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^10:\d+ error /);
    expect(diagnostics(`${PLAN}sandbox:\n  netwerk: false\n`)[0]).toMatch(/^11:\d+ error .*netwerk/);
  });
});
