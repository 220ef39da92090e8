/**
 * Every rule a diagnostic can name (the `[rule]` at the end of `file:line:col: error: … [rule]`), with
 * what it checks. docs/checks.md lists the same rules (test/plan/rules.test.ts keeps the two equal);
 * a diagnostic with a rule missing here does not compile.
 */
export const RULES = {
  // reading the file
  "file-too-large": "the file is at most 4 MiB (plans are written by people); a larger one is refused before parsing",
  encoding: "the file is valid UTF-8 (the position of the first invalid byte is shown)",
  syntax: "the file is valid YAML (up to ten syntax errors, then a count of the rest)",
  nesting: "values are nested at most 64 levels deep; a plan needs about six",
  key: "mapping keys are plain values, not lists or mappings",
  // schema
  "unknown-key": "every key is one the plan format knows, with a suggestion for a misspelled one",
  "missing-key": "required keys are present (version, name, instances, waves; a wave's id and tasks; a task's instance)",
  type: "each value has the type its key takes (a mapping, a list, a string, a number…)",
  value: "each value is one the key accepts: an enum member, a duration like 90s or 1h30m, a number in range, not empty",
  id: "ids (plan, wave, task, instance) are [A-Za-z0-9][A-Za-z0-9._-]* and at most 64 characters",
  // semantics (src/plan/validate.ts)
  "duplicate-id": "wave ids and task ids (given or defaulted) are unique",
  "empty-wave": "every wave has at least one task",
  "unknown-instance": "every task's instance is declared under instances",
  "run-or-prompt": "a task has exactly one of run (a script) and prompt (for the agent)",
  agent: "a plan with prompt tasks declares agent.command to run them",
  needs: "a task's needs name existing tasks of earlier waves, not itself",
  cycle: "needs do not form a cycle",
  "output-path": "outputs are relative paths inside the repository, outside .git",
  "matrix-limit": "warning: a wave has more tasks than one GitHub matrix may run (256); compile splits it",
  "instance-overbooked": "warning: one instance has two tasks in the same parallel wave",
  "unused-instance": "warning: a declared instance has no task",
  // import of markdown plans (src/import)
  "role-table": "the markdown plan's role table gives each instance a valid, unique id and a role",
  timeline: "the wave timeline's lines are readable, each wave once, and agree with the wave sections",
  section: "each wave section holds tasks and belongs to a wave of the timeline",
  mode: "warning: a wave section and the timeline agree on parallel or sequential",
  chain: "warning: a sequential wave's task order agrees with the timeline's chain",
  placeholder: "warning: a task got a placeholder prompt (no script or prompt in the markdown); write the real one",
  "checkpoint-file": "warning: a checkpoint file the plan names is written by one of the wave's tasks",
  utilization: "warning: the imported plan's instance utilization looks unbalanced",
  "absolute-cd": "warning: an imported script changed to a directory outside the repository; the line is commented out",
  "git-landing": "warning: an imported script commits or pushes itself; waveplan lands one commit at the end",
  // simulate
  workflow: "the workflow file given to simulate is one GitHub's workflow parser accepts",
} as const;

export type Rule = keyof typeof RULES;
