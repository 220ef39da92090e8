/** The plan the action tests run: two parallel tasks, then one that needs both of their changes. */
import { compileWorkflow } from "../../src/compile/workflow.js";
import { checkPlan, requirePlan } from "../../src/plan/load.js";

export const PLAN_FILE = "plans/demo.yml";
export const WORKFLOW_FILE = ".github/workflows/demo.yml";

// write-a fails in attempt 1 of run 7002 only: the flaky task a "Re-run failed jobs" fixes.
export const PLAN = `version: 1
name: Action demo
instances:
  A: { role: Writer }
  B: { role: Reviewer }
land:
  message: "demo: combine a and b"
waves:
  - id: W1
    name: Write
    estimate: 2m
    tasks:
      - id: write-a
        instance: A
        title: Write a
        estimate: 1m
        run: |
          if [ "$GITHUB_RUN_ID" = 7002 ] && [ "$GITHUB_RUN_ATTEMPT" = 1 ]; then echo "flaky failure" >&2; exit 3; fi
          echo "a from attempt $GITHUB_RUN_ATTEMPT" > a.txt
          mkdir -p notes && echo "note of a" > notes/a.log
        outputs: [notes/a.log]
      - id: write-b
        instance: B
        title: Write b
        estimate: 2m
        run: |
          echo "b" > b.txt
          rm old.txt
  - id: W2
    name: Combine
    estimate: 1m
    tasks:
      - id: combine
        instance: A
        title: Combine a and b
        run: |
          test -f notes/a.log
          cat a.txt b.txt notes/a.log > combined.txt
`;

/** The same plan landing as a pull request. */
export const PR_PLAN = PLAN.replace(
  'land:\n  message: "demo: combine a and b"',
  'land:\n  strategy: pull-request\n  message: "demo: combine a and b"',
);

export function repoFiles(plan = PLAN): Record<string, string> {
  const { plan: parsed } = requirePlan(checkPlan(plan, PLAN_FILE));
  return {
    [PLAN_FILE]: plan,
    [WORKFLOW_FILE]: compileWorkflow(parsed, { planPath: PLAN_FILE, workflowPath: WORKFLOW_FILE, actionRef: "./" }),
    ".gitignore": "notes/\n",
    "old.txt": "to be removed\n",
    "README.md": "demo\n",
  };
}
