/**
 * The GitHub job summaries, as markdown text: pure functions of the run's story (report/run-story.ts),
 * so they are tested on values and the action only writes what they return.
 *
 * final-commit, either outcome: the verdict line first; for a failure the task, its instance, the
 * last lines of its output and how to re-run; the wave graph (one node per wave, status colours,
 * measured time); a table per wave; the timeline (a row per wave); one speedup figure with what it is
 * measured against; cost when agents ran; runner minutes; the per-task table folded, failures first.
 */
import type { CheckpointRecord } from "../checkpoint/record.js";
import { formatDuration } from "../plan/duration.js";
import type { Plan } from "../plan/model.js";
import { deniedLines, formatCost, formatTokens } from "./cost.js";
import { undeclaredChangeWarnings } from "./declared-files.js";
import { timelineMermaid, waveGraphMermaid } from "./run-diagrams.js";
import { type RunStory, STATE_MARK, STATE_TEXT, speedupSentence, type TaskStory } from "./run-story.js";

/** A markdown table cell: pipes and newlines would split the row. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

export function table(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/**
 * Mermaid refuses diagrams above 50,000 characters (its default maxTextSize) and GitHub caps a step
 * summary at 1 MiB: larger plans get a note instead of a diagram, and a capped task table.
 */
export const MAX_DIAGRAM_CHARS = 50_000;
export const MAX_TABLE_ROWS = 500;

function mermaidBlock(text: string, what: string): string {
  if (text.length > MAX_DIAGRAM_CHARS)
    return `_The ${what} is too large for Mermaid to draw (${text.length} characters); \`waveplan graph\` renders it locally._`;
  return ["```mermaid", text.trimEnd(), "```"].join("\n");
}

/** A fenced block that no line of `text` can close: the fence is longer than any backtick run in it. */
export function fenced(text: string, lang = "text"): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${lang}`, text, fence].join("\n");
}

function change(r: CheckpointRecord): string {
  const n = r.patch.files.length;
  return n ? `${n} file${n === 1 ? "" : "s"}, +${r.patch.insertions} −${r.patch.deletions}` : "none";
}

export interface SummaryContext {
  planFile: string;
  runId: string;
  attempt?: number;
  /** what happened to the combined change (landed, verified, not landed) */
  outcome?: string;
  /** how to try again after a failure, as markdown */
  retry?: string;
}

/** How to try again on GitHub: the checkpoints that succeeded are reused either way. */
export function githubRetry(runId: string): string {
  return [
    "Fix the cause, then **Re-run failed jobs** on this run: the tasks that succeeded keep their checkpoints and do not run again.",
    `Or dispatch the workflow with \`resume-from: ${runId}\` (or \`latest-failed\`) to continue this run's checkpoints from a new commit.`,
  ].join(" ");
}

/** How to try again locally. */
export function localRetry(planFile: string, runId: string): string {
  return `Fix the cause, then \`waveplan run ${planFile} --resume ${runId}\`: tasks whose checkpoints still verify are reused.`;
}

function failureSection(story: RunStory, ctx: SummaryContext): string[] {
  if (story.failures.length === 0) return [];
  const out: string[] = [];
  for (const f of story.failures.slice(0, 10)) {
    const instance = story.plan.instances.find((i) => i.id === f.task.instance);
    const facts = [
      ...(f.job ? [`job **${cell(f.job)}**`] : []),
      `wave ${f.task.waveId}`,
      `instance ${f.task.instance}${instance ? ` (${cell(instance.role)})` : ""}`,
      ...(f.record ? [formatDuration(f.record.durationMs)] : []),
    ];
    out.push(`### ❌ ${cell(f.task.id)}: ${cell(f.task.title)}`, "", `${facts.join(" · ")} — **${cell(f.error ?? "failed")}**`, "");
    const tail = f.record?.logTail;
    if (tail) out.push("Last lines of its output:", "", fenced(tail), "");
    else if (f.state === "lost") out.push("It failed before writing a checkpoint: the reason is in that job's log.", "");
    for (const d of deniedLines(f.record?.agent)) out.push(`- denied: ${d}`);
    if (f.record?.agent?.denied.length) out.push("");
  }
  if (story.failures.length > 10) out.push(`_${story.failures.length - 10} more failed tasks are in the task table below._`, "");
  if (ctx.retry) out.push(ctx.retry, "");
  return out;
}

function waveTable(story: RunStory): string {
  const withCost = story.cost.tasks > 0;
  return table(
    ["Wave", "Status", "Tasks", "Time", "Longest task", "Overhead", ...(withCost ? ["Cost"] : [])],
    story.waves.map((w) => [
      w.wave.name === w.wave.id ? w.wave.id : `${w.wave.id} ${w.wave.name}`,
      `${STATE_MARK[w.state]} ${STATE_TEXT[w.state]}`,
      `${w.tasks.length}${w.wave.mode === "sequential" && w.tasks.length > 1 ? " (chain)" : ""}`,
      w.wallMs === undefined ? "–" : formatDuration(w.wallMs),
      w.longest?.record ? `${w.longest.task.id} ${formatDuration(w.longest.record.durationMs)}` : "–",
      w.overheadMs === undefined ? "–" : formatDuration(w.overheadMs),
      ...(withCost ? [formatCost(w.cost)] : []),
    ]),
  );
}

const stateOrder = (t: TaskStory) => (t.state === "failure" || t.state === "lost" ? 0 : t.state === "not-run" ? 2 : 1);

export function taskTable(story: RunStory): string {
  const withCost = story.cost.tasks > 0;
  const sorted = [...story.tasks].sort((a, b) => stateOrder(a) - stateOrder(b) || a.task.index - b.task.index);
  const shown = sorted.slice(0, MAX_TABLE_ROWS);
  const rows = table(
    ["Task", "Wave", "Instance", "Status", "Time", "Change", ...(withCost ? ["Cost", "Turns"] : [])],
    shown.map((t) => [
      `${t.task.id}: ${t.task.title}`,
      t.task.waveId,
      t.task.instance,
      `${STATE_MARK[t.state]} ${t.error ?? STATE_TEXT[t.state]}`,
      t.record ? formatDuration(t.record.durationMs) : "–",
      t.record ? change(t.record) : "–",
      ...(withCost ? [t.cost ? formatCost(t.cost) : "–", t.record?.agent?.turns === undefined ? "–" : String(t.record.agent.turns)] : []),
    ]),
  );
  return sorted.length > shown.length ? `${rows}\n\n_${sorted.length - shown.length} more tasks not shown._` : rows;
}

function costSection(story: RunStory): string[] {
  if (story.cost.tasks === 0) return [];
  const agents = story.tasks.filter((t) => t.cost);
  // most expensive first; tasks whose CLI reported no price after the priced ones
  const ranked = [...agents].sort(
    (a, b) => (b.cost?.priced ?? 0) - (a.cost?.priced ?? 0) || (b.cost?.costUsd ?? 0) - (a.cost?.costUsd ?? 0),
  );
  const out = [
    "### Agent cost",
    "",
    `**${formatCost(story.cost)}** for ${story.cost.tasks} agent task${story.cost.tasks === 1 ? "" : "s"} · ${story.cost.turns} turns · ${formatTokens(story.cost)}${story.cost.priced < story.cost.tasks ? " · n/a: the agent CLI reported tokens but no price" : ""}`,
    "",
    table(
      ["Task", "Cost", "Turns", "Tokens", "Denied tool calls"],
      ranked
        .slice(0, 10)
        .map((t) => [
          `${t.task.id}: ${t.task.title}`,
          formatCost(t.cost),
          String(t.record?.agent?.turns ?? "–"),
          formatTokens(t.cost),
          String(t.cost?.denied ?? 0),
        ]),
    ),
    "",
  ];
  if (ranked.length > 10) out.push(`_${ranked.length - 10} cheaper agent tasks are in the task table._`, "");
  const denied = agents.filter((t) => t.record?.agent?.denied.length);
  if (denied.length) {
    out.push("**Denied tool calls** (the agent was refused; the plan entry that would allow each):", "");
    for (const t of denied) for (const d of deniedLines(t.record?.agent)) out.push(`- ${cell(t.task.id)}: ${d}`);
    out.push("");
  }
  return out;
}

/**
 * GitHub bills each job in whole minutes (docs "About billing for GitHub Actions": "GitHub rounds the
 * minutes and partial minutes each job uses up to the nearest whole minute"). Task time rounded up
 * per job is a lower bound: job start-up and checkout come on top.
 */
function runnerMinutes(story: RunStory): string {
  const jobs = story.tasks.filter((t) => t.record);
  const billed = jobs.reduce((s, t) => s + Math.max(1, Math.ceil((t.record?.durationMs ?? 0) / 60_000)), 0);
  return `**Runner minutes:** at least ${billed} for ${jobs.length} task job${jobs.length === 1 ? "" : "s"} (each job is billed in whole minutes; ${formatDuration(story.taskMs)} of task time, plus each job's start-up).`;
}

export function renderRunSummary(story: RunStory, ctx: SummaryContext): string {
  const timeline = timelineMermaid(story);
  const head = [
    `## ${story.verdict}`,
    "",
    `**${cell(story.plan.name)}** · plan \`${cell(ctx.planFile)}\` · run ${ctx.runId}${ctx.attempt && ctx.attempt > 1 ? ` attempt ${ctx.attempt}` : ""} · ${story.plan.tasks.length} tasks in ${story.plan.waves.length} waves`,
    "",
    ...(ctx.outcome ? [ctx.outcome, ""] : []),
  ];
  const notRun = story.tasks.filter((t) => t.state === "not-run");
  return [
    ...head,
    ...failureSection(story, ctx),
    ...(story.failures.length && notRun.length
      ? [
          `**Not run** (${notRun.length}): ${notRun
            .slice(0, 40)
            .map((t) => cell(t.task.id))
            .join(", ")}${notRun.length > 40 ? ", …" : ""}`,
          "",
        ]
      : []),
    "### Waves",
    "",
    mermaidBlock(waveGraphMermaid(story), "wave graph"),
    "",
    waveTable(story),
    "",
    speedupSentence(story),
    "",
    ...(timeline ? ["### Timeline", "", mermaidBlock(timeline, "timeline"), ""] : []),
    ...costSection(story),
    runnerMinutes(story),
    "",
    ...undeclaredSection(story),
    "<details><summary>Every task (failures first)</summary>",
    "",
    taskTable(story),
    "",
    "</details>",
    "",
  ].join("\n");
}

/** Changes outside a task's declared `files:` (a warning: the run still landed). */
function undeclaredSection(story: RunStory): string[] {
  const warnings = undeclaredChangeWarnings(
    story.tasks.flatMap((t) => (t.record ? [{ task: t.task, changed: t.record.patch.files }] : [])),
  );
  return warnings.length ? ["**Warning — changes outside declared files:**", "", ...warnings.map((w) => `- ${cell(w)}`), ""] : [];
}

/** The short summary a task job writes about its one task; the run's story is on final-commit. */
export function renderTaskSummary(plan: Plan, record: CheckpointRecord, artifact: string): string {
  const task = plan.tasks.find((t) => t.id === record.task.id);
  const ok = record.status === "success";
  const agent = record.agent;
  const tail = !ok && record.logTail ? record.logTail.split("\n").slice(-8).join("\n") : "";
  return [
    `#### ${ok ? "✅" : "❌"} ${cell(record.task.id)}${task ? `: ${cell(task.title)}` : ""}`,
    "",
    [
      `${record.task.wave} · ${record.task.instance} · ${formatDuration(record.durationMs)}${record.tries > 1 ? ` · ${record.tries} tries` : ""} · ${change(record)}`,
      ...(agent
        ? [
            `${formatCost({ tasks: 1, priced: agent.costUsd === undefined ? 0 : 1, costUsd: agent.costUsd ?? 0, turns: 0, tokens: agent.tokens, denied: 0 })}, ${agent.turns ?? "?"} turns`,
          ]
        : []),
      `checkpoint \`${artifact}\``,
    ].join(" · "),
    ...(ok ? [] : ["", `**Failed:** ${cell(record.error ?? "failure")}`, ...(tail ? ["", fenced(tail)] : [])]),
    ...(agent?.denied.length ? ["", ...deniedLines(agent).map((d) => `- denied: ${d}`)] : []),
    "",
  ].join("\n");
}

/** The summary of a task job whose task never started (its gate refused, setup failed). */
export function renderTaskNotStarted(plan: Plan, taskId: string, reason: string): string {
  const task = plan.tasks.find((t) => t.id === taskId);
  return [
    `#### ⛔ ${cell(taskId)}${task ? `: ${cell(task.title)}` : ""} did not run`,
    "",
    ...(task ? [`${task.waveId} · ${task.instance}`, ""] : []),
    cell(reason),
    "",
  ].join("\n");
}
