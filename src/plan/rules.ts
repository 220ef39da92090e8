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
  agent:
    "a plan with prompt tasks declares an agent to run them (agent.preset, agent.command or an instance's agent.preset), not both a preset and a command",
  "agent-setup": "warning: an agent.command has no agent.setup to install it on a GitHub runner",
  "agent-support": "warning: agent.tools, max-turns or budget.task-usd is set for a preset whose CLI has no flag for it",
  "agent-tools": "warning: agent.tools names no tool that runs commands (the agent cannot run tests or builds)",
  needs: "a task's needs name existing tasks of earlier waves, not itself",
  cycle: "needs do not form a cycle",
  "output-path": "outputs are relative paths inside the repository, outside .git",
  "matrix-limit": "warning: a wave has more tasks than one GitHub matrix may run (256); compile splits it",
  "instance-overbooked": "warning: one instance has two tasks in the same parallel wave",
  "unused-instance": "warning: a declared instance has no task",
  "job-time-limit":
    "a task's timeout × (retries + 1) plus job set-up fits GitHub's 360-minute limit for a job on a hosted runner (a warning for other runner labels)",
  "files-overlap": "warning: two tasks of one parallel wave declare the same path in files: (edits to the same lines of it would conflict)",
  "landing-token": "github.app and github.token-secret are not both set: final-commit lands with one token",
  "signed-author": "land.signed and land.author are not both set: GitHub signs only the commits it authors itself",
  environment: "the tasks of one parallel wave (one matrix job) share one GitHub environment, or name none",
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
  "git-bookkeeping":
    "warning: an imported script line does git bookkeeping (add, commit, push, stash, branch or tag creation) and is commented out: the base commit is the backup, the landing commit the final commit",
  // import of GSD phases and Task Master task graphs (src/import)
  "gsd-plan": "a GSD plan file is named NN-MM-PLAN.md",
  "gsd-frontmatter": "a GSD plan starts with a valid YAML frontmatter block (wave, depends_on, files_modified)",
  "gsd-wave": "a GSD plan's wave is a whole number, later than the waves of the plans it depends on (else it moves later, with a warning)",
  "gsd-checkpoint": "a GSD plan is autonomous: one with autonomous: false waits for a human and is refused unless --allow-checkpoints",
  "gsd-depends-on": "depends_on entries name plans of the phase (NN-MM, a plan number or a file name), not the plan itself",
  "gsd-files": "warning: files_modified is a list of paths",
  "gsd-body": "a GSD plan has a body after its frontmatter: the prompt for the agent",
  json: "a Task Master file is valid JSON",
  taskmaster: 'a Task Master file holds {"tasks": [...]} or tagged {"<tag>": {"tasks": [...]}} with well-formed tasks',
  "taskmaster-tag": "the chosen tag (--tag, else the current tag in .taskmaster/state.json, else master) exists in a tagged file",
  "taskmaster-dependency":
    "a task's dependencies name existing tasks (a subtask reference waits for its whole parent task, with a warning)",
  "taskmaster-status": "warning: a deferred or blocked Task Master task is not imported (unless --all), nor is what needs it",
  speckit:
    "warning: a spec-kit task is a checkbox line with a T-id, each id once; user stories that name the same file run one after the other",
  "speckit-dependency": "warning: a spec-kit dependency (depends on T002, T008 blocks T009) names a task of the file listed before it",
  backlog: "a Backlog.md task file has readable frontmatter with an id, and a status of config.yml",
  "backlog-dependency": "warning: a Backlog.md task's dependencies name tasks of the backlog (ignoring case)",
  source: "warning: the path given to import stands for one plan (a project folder with two Task Master files is read as Task Master does)",
  "max-parallel": "warning: an imported wave holds at most --max-parallel tasks (default 8); a wider one is split into consecutive waves",
  "nothing-to-do":
    "the source has work left to import (finished GSD plans, Task Master, spec-kit and Backlog.md tasks are left out unless --all)",
  // simulate
  workflow: "the workflow file given to simulate is one GitHub's workflow parser accepts",
} as const;

export type Rule = keyof typeof RULES;
