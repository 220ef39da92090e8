/** The action's small pure parts: the needs input, the header command, the push auth and the task environment. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { taskBaseEnv } from "../../src/action/job-env.js";
import { unsuccessfulJobs } from "../../src/action/needs.js";
import { authEnv } from "../../src/action/push.js";
import { headerCommand } from "../../src/action/validate.js";
import { compileWorkflow } from "../../src/compile/workflow.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";
import { PLAN, PLAN_FILE } from "./fixture.js";

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe("needs", () => {
  it("lists every job that did not succeed; skipped and cancelled count", () => {
    const needs = {
      plan: { result: "success" },
      W1: { result: "success" },
      W2: { result: "skipped" },
      W3: { result: "cancelled" },
      W4: {},
    };
    expect(unsuccessfulJobs(JSON.stringify(needs))).toEqual([
      { job: "W2", result: "skipped" },
      { job: "W3", result: "cancelled" },
      { job: "W4", result: "unknown" },
    ]);
    expect(unsuccessfulJobs('{"W1":{"result":"success"}}')).toEqual([]);
  });

  it("refuses input that is not toJSON(needs)", () => {
    expect(() => unsuccessfulJobs("")).toThrow('input "needs" is not JSON');
    expect(() => unsuccessfulJobs("{}")).toThrow('input "needs" must be the object');
    expect(() => unsuccessfulJobs("[1]")).toThrow('input "needs" must be the object');
  });
});

describe("headerCommand", () => {
  it("reads the regenerate command the compiler wrote, action ref included", () => {
    const { plan } = requirePlan(checkPlan(PLAN, PLAN_FILE));
    const text = compileWorkflow(plan, { planPath: PLAN_FILE, workflowPath: ".github/workflows/x.yml", actionRef: "./" });
    expect(headerCommand(text)).toBe(`waveplan compile ${PLAN_FILE} -o .github/workflows/x.yml --action-ref ./`);
    expect(headerCommand("name: hand written\n# waveplan compile later.yml\n")).toBeUndefined();
    // a header written by an earlier version, which said `npx waveplan`
    expect(headerCommand("# waveplan-plan: p.yml\n#   npx waveplan compile p.yml -o w.yml\nname: x\n")).toBe(
      "npx waveplan compile p.yml -o w.yml",
    );
  });
});

describe("authEnv", () => {
  it("gives git the token as an extraheader for the GitHub server only, through the environment", async () => {
    process.env.GITHUB_SERVER_URL = "https://github.example.com/";
    const env = await authEnv(process.cwd(), "secret-token");
    expect(Object.values(env).join(" ")).not.toContain("secret-token"); // only its base64 form, which is masked
    const read = (url: string) =>
      execFileSync("git", ["config", "--get-urlmatch", "http.extraheader", url], {
        env: { ...saved, ...env, GIT_CONFIG_NOSYSTEM: "1" },
        encoding: "utf8",
      }).trim();
    expect(read("https://github.example.com/octo/repo")).toBe(
      `AUTHORIZATION: basic ${Buffer.from("x-access-token:secret-token").toString("base64")}`,
    );
    expect(() => read("https://elsewhere.example.com/octo/repo")).toThrow();
    expect(await authEnv(process.cwd(), undefined)).toEqual({});
  });

  it("scopes the header to origin's server when origin is an HTTP remote (as actions/checkout scopes it to the server it cloned from)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "waveplan-auth-"));
    execFileSync("git", ["init", "-q", dir], { env: { ...saved, GIT_CONFIG_NOSYSTEM: "1" } });
    execFileSync("git", ["remote", "add", "origin", "http://127.0.0.1:8123/octo/repo.git"], { cwd: dir });
    const env = await authEnv(dir, "secret-token");
    expect(env.GIT_CONFIG_KEY_0).toBe("http.http://127.0.0.1:8123/.extraheader");
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("taskBaseEnv", () => {
  it("keeps the job's variables but not what lets a task act as the action or reach other steps", () => {
    Object.assign(process.env, {
      ACTIONS_RUNTIME_TOKEN: "jwt",
      ACTIONS_RESULTS_URL: "http://results",
      INPUT_TOKEN: "ghs",
      GITHUB_ENV: "/env",
      GITHUB_OUTPUT: "/out",
      GIT_DIR: "/elsewhere",
      GITHUB_RUN_ID: "5",
      ANTHROPIC_API_KEY: "k",
    });
    const env = taskBaseEnv();
    for (const k of ["ACTIONS_RUNTIME_TOKEN", "ACTIONS_RESULTS_URL", "INPUT_TOKEN", "GITHUB_ENV", "GITHUB_OUTPUT", "GIT_DIR"])
      expect(env[k]).toBeUndefined();
    expect(env).toMatchObject({ GITHUB_RUN_ID: "5", ANTHROPIC_API_KEY: "k" });
  });
});
