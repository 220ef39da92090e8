/**
 * The preamble before a prompt task's own prompt: who the agent is in this plan (its instance's role
 * and focus — no agent CLI reads WAVEPLAN_ROLE), what the task is, which files it is expected to change
 * and produce, what the tasks before it changed, and that waveplan captures the change itself, so the
 * agent neither commits nor pushes nor edits .gitignore for its own files. Pure text.
 */
import type { Plan, Task } from "../plan/model.js";

export interface UpstreamChange {
  task: string;
  files: string[];
}

/** At most this many paths per upstream task: the preamble stays short on a large change. */
const MAX_PATHS = 20;

export function preamble(plan: Plan, task: Task, upstream: UpstreamChange[]): string {
  const instance = plan.instances.find((i) => i.id === task.instance);
  const lines = [`You are ${instance?.role ?? task.instance} (instance "${task.instance}") in the plan "${plan.name}".`];
  if (instance?.focus) lines.push(`Your focus: ${instance.focus}.`);
  lines.push(`Your task: ${task.title} (task "${task.id}", wave "${task.waveId}").`);
  if (task.files?.length) lines.push(`Files this task is expected to change: ${task.files.join(", ")}.`);
  if (task.outputs.length) lines.push(`Files this task must produce: ${task.outputs.join(", ")}.`);
  const changed = upstream.filter((u) => u.files.length > 0);
  if (changed.length) {
    lines.push("Earlier tasks already changed these files (their changes are in your working tree):");
    for (const u of changed) {
      const shown = u.files.slice(0, MAX_PATHS).join(", ");
      const more = u.files.length > MAX_PATHS ? ` and ${u.files.length - MAX_PATHS} more` : "";
      lines.push(`- ${u.task}: ${shown}${more}`);
    }
  }
  lines.push(
    "Work in the current directory. waveplan captures your change from the working tree when you finish: do not commit, push, create branches or edit .gitignore for your own tool files.",
  );
  return `${lines.join("\n")}\n\n---\n\n`;
}
