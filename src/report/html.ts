/**
 * The HTML report of a run: one self-contained page (inline CSS and SVG, no script, no network) with
 * the verdict, the failures with the end of their output, the wave graph, the timeline, the tables
 * and the cost — the same story as the GitHub job summary (report/summary.ts), for local runs.
 */
import { formatDuration } from "../plan/duration.js";
import { deniedLines, formatCost, formatTokens } from "./cost.js";
import { type RunStory, STATE_TEXT, speedupSentence, type TaskState, type TaskStory, type WaveState, type WaveStory } from "./run-story.js";

/** Marks drawn by any text font (an emoji font is not a given on the machine that opens the page). */
const MARK: Record<TaskState | WaveState, string> = {
  success: '<span class="mark ok">✓</span>',
  failure: '<span class="mark bad">✗</span>',
  lost: '<span class="mark bad">✗</span>',
  "not-run": '<span class="mark none">○</span>',
  partial: '<span class="mark part">◐</span>',
};

export interface ReportContext {
  planFile: string;
  runId: string;
  /** e.g. "landed 1a2b3c4d5e6f on main" */
  outcome?: string;
  /** how to try again after a failure (plain text) */
  retry?: string;
  /** when the report was made, as shown (the page is otherwise deterministic) */
  generatedAt?: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const h = escapeHtml;

/** Inline code spans of markdown-style text (`x`) become <code>; everything else is escaped. */
function inline(text: string): string {
  return text
    .split("`")
    .map((part, i) => (i % 2 ? `<code>${h(part)}</code>` : h(part)))
    .join("");
}

const CSS = `
:root { color-scheme: light; --ok:#1a7f37; --ok-bg:#dafbe1; --bad:#cf222e; --bad-bg:#ffebe9; --none:#8c959f; --none-bg:#f6f8fa; --part:#9a6700; --part-bg:#fff8c5; --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--fg); margin: 0 auto; padding: 24px; max-width: 1100px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta, .muted { color: var(--muted); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
table { border-collapse: collapse; margin: 8px 0; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; white-space: nowrap; }
.failure { border: 1px solid var(--bad); border-left-width: 4px; border-radius: 6px; padding: 8px 14px; margin: 10px 0; background: #fffafa; }
.waves { display: flex; flex-direction: column; align-items: stretch; gap: 0; max-width: 860px; }
.wave { border: 1px solid; border-radius: 8px; padding: 6px 12px; }
.wave .title { font-weight: 600; } .wave .facts { color: var(--muted); font-size: 12.5px; }
.arrow { text-align: center; color: var(--muted); line-height: 16px; height: 16px; }
.chips { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.chip { border: 1px solid; border-radius: 10px; padding: 0 8px; font-size: 12px; background: #fff; }
.success { border-color: var(--ok); background: var(--ok-bg); } .failure-state { border-color: var(--bad); background: var(--bad-bg); }
.not-run { border-color: var(--none); background: var(--none-bg); border-style: dashed; color: var(--muted); } .partial { border-color: var(--part); background: var(--part-bg); }
.chip.success { background: #fff; } .chip.failure-state { background: var(--bad-bg); font-weight: 600; }
.mark { font-weight: 700; } .mark.ok { color: var(--ok); } .mark.bad { color: var(--bad); } .mark.none { color: var(--none); } .mark.part { color: var(--part); }
details summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
svg text { font: 12px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: var(--fg); }
`;

const stateClass = (state: string) => (state === "failure" || state === "lost" ? "failure-state" : state);

function failuresHtml(story: RunStory, ctx: ReportContext): string {
  if (story.failures.length === 0) return "";
  const items = story.failures.map((f) => {
    const instance = story.plan.instances.find((i) => i.id === f.task.instance);
    const facts = [
      `wave ${h(f.task.waveId)}`,
      `instance ${h(f.task.instance)}${instance ? ` (${h(instance.role)})` : ""}`,
      ...(f.record ? [formatDuration(f.record.durationMs)] : []),
    ].join(" · ");
    const denied = deniedLines(f.record?.agent).map((d) => `<li>denied: ${inline(d)}</li>`);
    return `<div class="failure"><h3>${MARK.failure} ${h(f.task.id)}: ${h(f.task.title)}</h3>
<div>${facts} — <strong>${h(f.error ?? "failed")}</strong></div>
${f.record?.logTail ? `<div class="muted">Last lines of its output:</div><pre>${h(f.record.logTail)}</pre>` : ""}
${denied.length ? `<ul>${denied.join("")}</ul>` : ""}</div>`;
  });
  const notRun = story.tasks.filter((t) => t.state === "not-run");
  return `<h2>Failures</h2>${items.join("\n")}
${notRun.length ? `<p><strong>Not run</strong> (${notRun.length}): ${notRun.map((t) => h(t.task.id)).join(", ")}</p>` : ""}
${ctx.retry ? `<p>${inline(ctx.retry)}</p>` : ""}`;
}

function waveCard(w: WaveStory): string {
  const { wave } = w;
  const title = wave.name === wave.id ? wave.id : `${wave.id} · ${wave.name}`;
  const facts = [
    wave.mode === "sequential" && wave.tasks.length > 1
      ? `chain of ${wave.tasks.length}`
      : `${wave.tasks.length} task${wave.tasks.length === 1 ? "" : "s"}`,
    w.wallMs === undefined ? "not run" : formatDuration(w.wallMs),
    ...(w.overheadMs ? [`${formatDuration(w.overheadMs)} overhead`] : []),
    ...(w.cost.tasks ? [formatCost(w.cost)] : []),
  ].join(" · ");
  const chips = w.tasks
    .map(
      (t) =>
        `<span class="chip ${stateClass(t.state)}" title="${h(`${t.task.id}: ${t.task.title} (${t.task.instance}) — ${t.error ?? STATE_TEXT[t.state]}`)}">${wave.mode === "sequential" && t.task.position > 0 ? "→ " : ""}${h(t.task.id)}</span>`,
    )
    .join("");
  return `<div class="wave ${stateClass(w.state)}"><span class="title">${MARK[w.state]} ${h(title)}</span> <span class="facts">${h(facts)}</span><div class="chips">${chips}</div></div>`;
}

function waveGraphHtml(story: RunStory): string {
  return `<div class="waves" role="img" aria-label="wave graph">${story.waves.map(waveCard).join('<div class="arrow">↓</div>')}</div>`;
}

const FILL: Record<string, string> = { success: "#2da44e", failure: "#cf222e", partial: "#bf8700", "not-run": "#8c959f" };

/** A row per wave on a shared time axis (elapsed since the first task started); the gaps are the time between waves. */
export function timelineSvg(story: RunStory, width = 860): string {
  const ran = story.waves.filter((w) => w.startMs !== undefined && w.endMs !== undefined);
  if (ran.length === 0 || story.startMs === undefined || story.endMs === undefined) return "";
  const label = 190;
  const row = 22;
  const top = 22;
  const span = Math.max(1, story.endMs - story.startMs);
  const plot = width - label - 10;
  const x = (ms: number) => label + ((ms - story.startMs!) / span) * plot;
  const step = niceStep(span / 6);
  const ticks: string[] = [];
  for (let t = 0; t <= span; t += step)
    ticks.push(
      `<line x1="${x(story.startMs + t).toFixed(1)}" y1="${top - 4}" x2="${x(story.startMs + t).toFixed(1)}" y2="${top + ran.length * row}" stroke="#d1d9e0"/><text x="${x(story.startMs + t).toFixed(1)}" y="${top - 8}" text-anchor="middle">${formatDuration(t)}</text>`,
    );
  const bars = ran.map((w, i) => {
    const y = top + i * row + 4;
    const x0 = x(w.startMs as number);
    const bw = Math.max(2, x(w.endMs as number) - x0);
    const name = w.wave.name === w.wave.id ? w.wave.id : `${w.wave.id} ${w.wave.name}`;
    const text = name.length > 26 ? `${name.slice(0, 25)}…` : name;
    return `<text x="4" y="${y + 12}">${h(text)}</text><rect x="${x0.toFixed(1)}" y="${y}" width="${bw.toFixed(1)}" height="${row - 8}" rx="3" fill="${FILL[w.state]}"><title>${h(`${name}: ${formatDuration(w.wallMs ?? 0)}, ${STATE_TEXT[w.state]}`)}</title></rect>${
      // the time beside the bar, or inside the plot's left when the bar ends at the right edge
      x0 + bw + 60 < width
        ? `<text x="${(x0 + bw + 4).toFixed(1)}" y="${y + 12}">${formatDuration(w.wallMs ?? 0)}</text>`
        : `<text x="${(x0 - 4).toFixed(1)}" y="${y + 12}" text-anchor="end">${formatDuration(w.wallMs ?? 0)}</text>`
    }`;
  });
  const height = top + ran.length * row + 6;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline">${ticks.join("")}${bars.join("")}</svg>`;
}

function niceStep(raw: number): number {
  const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];
  return steps.find((s) => s >= raw) ?? 3_600_000 * Math.ceil(raw / 3_600_000);
}

function tableHtml(headers: string[], rows: string[][], numeric: number[] = []): string {
  return `<table><thead><tr>${headers.map((x) => `<th>${h(x)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

function waveTableHtml(story: RunStory): string {
  const cost = story.cost.tasks > 0;
  return tableHtml(
    ["Wave", "Status", "Tasks", "Time", "Longest task", "Overhead", ...(cost ? ["Cost"] : [])],
    story.waves.map((w) => [
      h(w.wave.name === w.wave.id ? w.wave.id : `${w.wave.id} ${w.wave.name}`),
      `${MARK[w.state]} ${STATE_TEXT[w.state]}`,
      `${w.tasks.length}${w.wave.mode === "sequential" && w.tasks.length > 1 ? " (chain)" : ""}`,
      w.wallMs === undefined ? "–" : formatDuration(w.wallMs),
      w.longest?.record ? `${h(w.longest.task.id)} ${formatDuration(w.longest.record.durationMs)}` : "–",
      w.overheadMs === undefined ? "–" : formatDuration(w.overheadMs),
      ...(cost ? [h(formatCost(w.cost))] : []),
    ]),
    [2, 3, 5, 6],
  );
}

const order = (t: TaskStory) => (t.state === "failure" || t.state === "lost" ? 0 : t.state === "not-run" ? 2 : 1);

function taskTableHtml(story: RunStory): string {
  const cost = story.cost.tasks > 0;
  const sorted = [...story.tasks].sort((a, b) => order(a) - order(b) || a.task.index - b.task.index);
  return tableHtml(
    ["Task", "Wave", "Instance", "Status", "Time", "Change", ...(cost ? ["Cost", "Turns", "Tokens"] : [])],
    sorted.map((t) => [
      `<code>${h(t.task.id)}</code> ${h(t.task.title)}`,
      h(t.task.waveId),
      h(t.task.instance),
      `${MARK[t.state]} ${h(t.error ?? STATE_TEXT[t.state])}`,
      t.record ? formatDuration(t.record.durationMs) : "–",
      t.record
        ? t.record.patch.files.length
          ? `${t.record.patch.files.length} file${t.record.patch.files.length === 1 ? "" : "s"}, +${t.record.patch.insertions} −${t.record.patch.deletions}`
          : "none"
        : "–",
      ...(cost ? [h(t.cost ? formatCost(t.cost) : "–"), String(t.record?.agent?.turns ?? "–"), h(formatTokens(t.cost))] : []),
    ]),
    [4],
  );
}

function costHtml(story: RunStory): string {
  if (story.cost.tasks === 0) return "";
  const agents = story.tasks.filter((t) => t.cost);
  const ranked = [...agents].sort(
    (a, b) => (b.cost?.priced ?? 0) - (a.cost?.priced ?? 0) || (b.cost?.costUsd ?? 0) - (a.cost?.costUsd ?? 0),
  );
  const denied = agents.flatMap((t) => deniedLines(t.record?.agent).map((d) => `<li><code>${h(t.task.id)}</code>: ${inline(d)}</li>`));
  return `<h2>Agent cost</h2>
<p><strong>${h(formatCost(story.cost))}</strong> for ${story.cost.tasks} agent task${story.cost.tasks === 1 ? "" : "s"} · ${story.cost.turns} turns · ${h(formatTokens(story.cost))}${story.cost.priced < story.cost.tasks ? " · n/a: the agent CLI reported tokens but no price" : ""}</p>
${tableHtml(
  ["Task", "Cost", "Turns", "Tokens", "Denied"],
  ranked.map((t) => [
    `<code>${h(t.task.id)}</code> ${h(t.task.title)}`,
    h(formatCost(t.cost)),
    String(t.record?.agent?.turns ?? "–"),
    h(formatTokens(t.cost)),
    String(t.cost?.denied ?? 0),
  ]),
  [1, 2, 4],
)}
${denied.length ? `<p><strong>Denied tool calls</strong> (the plan entry that would allow each):</p><ul>${denied.join("")}</ul>` : ""}`;
}

export function renderHtmlReport(story: RunStory, ctx: ReportContext): string {
  const timeline = timelineSvg(story);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`${story.failures.length ? "✗" : "✓"} ${story.plan.name} — run ${ctx.runId}`)}</title>
<style>${CSS}</style></head>
<body>
<h1>${MARK[story.failures.length ? "failure" : story.counts.notRun ? "not-run" : "success"]} ${h(story.verdict.replace(/^\S+\s/, ""))}</h1>
<div class="meta"><strong>${h(story.plan.name)}</strong> · plan <code>${h(ctx.planFile)}</code> · run <code>${h(ctx.runId)}</code> · ${story.plan.tasks.length} tasks in ${story.plan.waves.length} waves${ctx.generatedAt ? ` · report made ${h(ctx.generatedAt)}` : ""}</div>
${ctx.outcome ? `<p>${inline(ctx.outcome)}</p>` : ""}
${failuresHtml(story, ctx)}
<h2>Waves</h2>
${waveGraphHtml(story)}
${waveTableHtml(story)}
<p>${h(speedupSentence(story, false)).replace(/(\d+\.\d\d×)/, "<strong>$1</strong>")}</p>
${timeline ? `<h2>Timeline</h2>${timeline}` : ""}
${costHtml(story)}
<details${story.failures.length ? " open" : ""}><summary>Every task (failures first)</summary>
${taskTableHtml(story)}
</details>
</body></html>
`;
}
