/**
 * Issue 24 case 8 under `simulate`, which runs the real action: a task reads the environment of every
 * process it can see — /proc/$PPID/environ is the action's own, holding ACTIONS_RUNTIME_TOKEN and the
 * results URL a forged checkpoint is uploaded with. In the task's sandbox (own PID namespace, own
 * /proc) it finds neither; unsandboxed it does, which the second case shows is what the first rules out.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { git, requireBundles, scratch, simulateIn } from "./helpers.js";

beforeAll(requireBundles);

const PLAN = "test/simulate/fixtures/token-thief.yml";

describe("the job's tokens on GitHub", () => {
  it("a sandboxed task cannot read them from any process", { timeout: 120_000 }, async () => {
    const s = scratch({ plan: PLAN });
    const result = await simulateIn(s);
    expect(result.conclusion, result.output).toBe("success");
    expect(git(s.bare, "show", "main:stolen.txt")).toBe("none");
  });

  it("with `sandbox: off` the same task finds them in its parent's environment (the attack the sandbox stops)", {
    timeout: 120_000,
  }, async () => {
    const s = scratch({ plan: PLAN, editPlanBeforeCompile: (text) => `${text}sandbox: off\n` });
    const result = await simulateIn(s);
    expect(result.conclusion, result.output).toBe("success");
    expect(git(s.bare, "show", "main:stolen.txt")).toMatch(/^\/proc\/\d+\/environ$/);
  });
});
