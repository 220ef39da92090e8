/** The action's inputs: the names match action.yml, and each command's reader does what action.yml says. */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { finalizeInputs, Inputs, landInput, taskInputs, validateInputs } from "../../src/action/inputs.js";

const action = parse(readFileSync(new URL("../../action.yml", import.meta.url), "utf8")) as {
  inputs: Record<string, { description: string; required: boolean; default?: string }>;
};

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  vi.restoreAllMocks();
});

/** As the runner passes `with:` (actions/toolkit core.ts getInput: INPUT_<NAME>, spaces as `_`, upper case). */
function withInputs(inputs: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (k.startsWith("INPUT_")) delete process.env[k];
  for (const [k, v] of Object.entries(inputs)) process.env[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
}

/** The workflow commands the reader wrote to stdout (a warning is `::warning::…`). */
function captureStdout(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe("Inputs", () => {
  it("names exactly the inputs action.yml declares", () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(action.inputs).sort());
  });
});

describe("land", () => {
  it("action.yml documents `true` as the only value that pushes, with false as default", () => {
    expect(action.inputs.land.description).toContain("`true` pushes the change");
    expect(action.inputs.land.description).toContain("anything else only verifies it");
    expect(action.inputs.land.default).toBe("false");
  });

  it("is true only for true (YAML 1.2 core spellings, as getBooleanInput), and anything else only verifies", () => {
    const out = captureStdout();
    for (const value of ["true", "True", "TRUE", " true "]) {
      withInputs({ land: value });
      expect(landInput(), value).toBe(true);
    }
    for (const value of ["", "false", "False", "FALSE"]) {
      withInputs({ land: value });
      expect(landInput(), value).toBe(false);
    }
    expect(out.join("")).toBe("");
    for (const value of ["yes", "1", "ture", "on"]) {
      withInputs({ land: value });
      expect(landInput(), value).toBe(false);
    }
    const warnings = out.join("").split("\n").filter(Boolean);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toBe('::warning::input "land" is "yes", not true: the change is only verified, not pushed');
  });
});

describe("readers per command", () => {
  it("validate: plan and workflow, both inside the repository", () => {
    withInputs({ command: "validate", plan: "plans/p.yml", workflow: ".github/workflows/p.yml" });
    expect(validateInputs()).toEqual({ plan: "plans/p.yml", workflow: ".github/workflows/p.yml", redo: [], resumeFrom: "" });
    withInputs({ command: "validate", plan: "plans/p.yml", workflow: "../p.yml" });
    expect(() => validateInputs()).toThrow('input "workflow" must be a path inside the repository, got "../p.yml"');
    withInputs({ command: "validate", plan: "/etc/p.yml", workflow: "w.yml" });
    expect(() => validateInputs()).toThrow('input "plan" must be a path inside the repository, got "/etc/p.yml"');
    withInputs({ command: "validate", plan: "p.yml" });
    expect(() => validateInputs()).toThrow('input "workflow" is required for command "validate"');
  });

  it("task: the task id is required; token and resume-from are optional", () => {
    withInputs({ command: "task", plan: "p.yml", task: "a" });
    expect(taskInputs()).toEqual({
      plan: "p.yml",
      task: "a",
      token: undefined,
      resumeFrom: "",
      resumeRun: "",
      resumeArtifact: "",
      resumeArtifacts: "",
      redo: [],
    });
    withInputs({ command: "task", plan: "p.yml", task: "a", token: "ghs_x", "resume-from": "latest-failed" });
    expect(taskInputs()).toMatchObject({ token: "ghs_x", resumeFrom: "latest-failed" });
    // one dispatch input of ids: commas or blanks
    withInputs({ command: "task", plan: "p.yml", task: "a", redo: "a, b  c" });
    expect(taskInputs().redo).toEqual(["a", "b", "c"]);
    withInputs({ command: "task", plan: "p.yml" });
    expect(() => taskInputs()).toThrow('input "task" is required for command "task"');
  });

  it("finalize: needs is required; an empty optional input is absent", () => {
    withInputs({ command: "finalize", plan: "p.yml", needs: "{}", land: "true", token: "", "github-token": "ghs_j", branch: "" });
    expect(finalizeInputs()).toEqual({
      plan: "p.yml",
      needs: "{}",
      token: undefined,
      resumeFrom: "",
      resumeRun: "",
      resumeArtifact: "",
      resumeArtifacts: "",
      githubToken: "ghs_j",
      land: true,
      branch: undefined,
      author: undefined,
    });
    withInputs({ command: "finalize", plan: "p.yml" });
    expect(() => finalizeInputs()).toThrow('input "needs" is required for command "finalize"');
  });
});
