/**
 * Which job of the compiled workflow runs each task, by the id `needs` reports and the name GitHub's
 * UI shows (a matrix job's name with its `matrix.*` values filled in). Computed with the compiler's
 * own job builder, so the summary names exactly the jobs the workflow has.
 */
import type { Plan } from "../plan/model.js";
import { JobIds } from "./ids.js";
import { waveJobs } from "./jobs.js";
import { FINAL_JOB, PLAN_JOB } from "./workflow.js";

export interface TaskJob {
  jobId: string;
  /** the job name as the Actions UI shows it */
  name: string;
}

export function taskJobs(plan: Plan): Map<string, TaskJob> {
  const ids = new JobIds([PLAN_JOB, FINAL_JOB]);
  const byTask = new Map<string, TaskJob>();
  let previous = [PLAN_JOB];
  for (const wave of plan.waves) {
    const { jobs, last } = waveJobs({ plan, planPath: "plan.yml", actionRef: "./", ids }, wave, previous);
    for (const [jobId, job] of jobs) {
      const name = String(job.name ?? jobId);
      const include = (job.strategy as { matrix?: { include?: { task: string; instance: string }[] } } | undefined)?.matrix?.include;
      if (include) {
        for (const m of include)
          byTask.set(m.task, {
            jobId,
            name: name.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, k: string) =>
              String((m as unknown as Record<string, unknown>)[k] ?? ""),
            ),
          });
      } else {
        const steps = job.steps as { with?: { task?: string } }[];
        const task = steps.find((s) => s.with?.task)?.with?.task;
        if (task) byTask.set(task, { jobId, name });
      }
    }
    previous = last;
  }
  return byTask;
}
