/**
 * What the agents of a run cost, per task, per wave and in total: pure functions of the checkpoint
 * records (`record.agent`, filled from each CLI's own output by the presets). `status --json`, the
 * closing table, the live view and the job summaries all read their figures from here.
 *
 * Money is never guessed: a CLI that reports tokens only (no USD) leaves `costUsd` out of its record,
 * and a total that includes such a task has no `costUsd` either — it names the tasks under `unpriced`
 * and the display says "n/a". A partial sum shown as the total would understate what was spent.
 */
import type { AgentFigures, CheckpointRecord } from "../checkpoint/record.js";

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface AgentTotals {
  /** how many tasks reported agent figures */
  tasks: number;
  /** the sum in USD; absent when any of those tasks reported no cost (see `unpriced`) */
  costUsd?: number;
  /** the sum of the costs that were reported, for budgets and for "at least" displays */
  reportedUsd: number;
  /** tasks whose CLI reported no cost */
  unpriced: string[];
  turns: number;
  tokens: TokenCounts;
}

type WithAgent = Pick<CheckpointRecord, "task" | "agent">;

/** Totals of the records that carry agent figures; undefined when none does (a plan of `run:` tasks). */
export function agentTotals(records: Iterable<WithAgent>): AgentTotals | undefined {
  let totals: AgentTotals | undefined;
  for (const r of records) {
    if (!r.agent) continue;
    totals ??= { tasks: 0, reportedUsd: 0, unpriced: [], turns: 0, tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } };
    add(totals, r.task.id, r.agent);
  }
  if (totals) {
    totals.reportedUsd = roundUsd(totals.reportedUsd);
    if (totals.unpriced.length === 0) totals.costUsd = totals.reportedUsd;
  }
  return totals;
}

function add(totals: AgentTotals, task: string, a: AgentFigures): void {
  totals.tasks++;
  if (typeof a.costUsd === "number") totals.reportedUsd += a.costUsd;
  else totals.unpriced.push(task);
  totals.turns += a.turns ?? 0;
  totals.tokens.input += a.tokens.input;
  totals.tokens.output += a.tokens.output;
  totals.tokens.cacheRead += a.tokens.cacheRead;
  totals.tokens.cacheWrite += a.tokens.cacheWrite;
}

/** Per wave, in the order the waves first appear in `records` (give them in plan order). */
export function agentTotalsByWave(records: readonly WithAgent[]): Map<string, AgentTotals> {
  const byWave = new Map<string, WithAgent[]>();
  for (const r of records) byWave.set(r.task.wave, [...(byWave.get(r.task.wave) ?? []), r]);
  const out = new Map<string, AgentTotals>();
  for (const [wave, rs] of byWave) {
    const t = agentTotals(rs);
    if (t) out.set(wave, t);
  }
  return out;
}

/** The records with agent figures, the most expensive first (unpriced ones last, by tokens). */
export function mostExpensiveFirst<R extends WithAgent>(records: readonly R[]): R[] {
  const tokens = (r: R) => (r.agent ? r.agent.tokens.input + r.agent.tokens.output : 0);
  return records
    .filter((r) => r.agent)
    .sort((a, b) => (b.agent?.costUsd ?? -1) - (a.agent?.costUsd ?? -1) || tokens(b) - tokens(a) || a.task.id.localeCompare(b.task.id));
}

/** The per-task shape of `status --json` (`tasks[].agent`). */
export function agentJson(a: AgentFigures) {
  return {
    preset: a.preset,
    ...(a.model ? { model: a.model } : {}),
    ...(typeof a.costUsd === "number" ? { costUsd: a.costUsd } : {}),
    ...(typeof a.turns === "number" ? { turns: a.turns } : {}),
    tokens: { ...a.tokens },
    denied: a.denied.map((d) => ({ ...d, allow: allowRule(a.preset, d) })),
    ...(a.gaveUp ? { gaveUp: a.gaveUp } : {}),
  };
}

/** The run totals of `status --json` (`run.agent`): costUsd absent when any task was unpriced. */
export function totalsJson(t: AgentTotals) {
  return {
    ...(t.costUsd !== undefined ? { costUsd: t.costUsd } : {}),
    ...(t.unpriced.length ? { unpriced: t.unpriced, reportedUsd: t.reportedUsd } : {}),
    turns: t.turns,
    tokens: { ...t.tokens },
    tasks: t.tasks,
  };
}

/** "$0.0123", or "n/a" when the CLI reported no cost (never a guessed price). */
export function formatUsd(usd: number | undefined): string {
  if (usd === undefined) return "n/a";
  if (usd === 0) return "$0";
  // below a cent, two significant digits: a $0.000001 test budget must not print as $0.0000
  return usd < 0.01 ? `$${Number(usd.toPrecision(2))}` : `$${usd.toFixed(2)}`;
}

/** A denied tool call with the plan key that would have allowed it. */
export interface DeniedWithFix {
  task: string;
  tool: string;
  input?: string;
  /** the `agent.tools` entry that allows it, in the CLI's own rule syntax */
  allow: string;
  /** what to write in the plan: `agent.tools: add "Bash(npm test:*)"` */
  fix: string;
}

/** Every denied tool call of the records, one entry per distinct rule per task. */
export function deniedTools(records: Iterable<WithAgent>): DeniedWithFix[] {
  const out: DeniedWithFix[] = [];
  for (const r of records) {
    const seen = new Set<string>();
    for (const d of r.agent?.denied ?? []) {
      const allow = allowRule(r.agent?.preset ?? "", d);
      if (seen.has(allow)) continue;
      seen.add(allow);
      out.push({ task: r.task.id, tool: d.tool, ...(d.input ? { input: d.input } : {}), allow, fix: `agent.tools: add "${allow}"` });
    }
  }
  return out;
}

/**
 * The `agent.tools` entry that allows a denied call. Claude Code's rules are `Tool` or
 * `Tool(specifier)`; for Bash, `Bash(npm test:*)` allows every command starting with `npm test`
 * (https://docs.anthropic.com/en/docs/claude-code/iam, "Tool-specific permission rules"). The prefix
 * is the command word and, when the next word is a subcommand (not a flag, path or value), that word
 * too: allowing `npm test` should not allow `npm publish`. Other CLIs name tools without specifiers.
 */
export function allowRule(preset: string, denied: { tool: string; input?: string }): string {
  if (preset === "claude-code" && denied.tool === "Bash" && denied.input) {
    const prefix = commandPrefix(bashCommand(denied.input));
    if (prefix) return `Bash(${prefix}:*)`;
  }
  return denied.tool;
}

/** The command of a Bash tool input: the CLI may record the whole input object as JSON. */
function bashCommand(input: string): string {
  try {
    const parsed = JSON.parse(input) as { command?: unknown };
    if (parsed && typeof parsed.command === "string") return parsed.command;
  } catch {}
  return input;
}

function commandPrefix(command: string): string | undefined {
  // the first simple command: Claude Code checks each part of `a && b` on its own
  const first = command.trim().split(/\s*(?:&&|\|\||;|\||\n)\s*/)[0] ?? "";
  const words = first.split(/\s+/).filter(Boolean);
  // leading VAR=value assignments are not the command
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words.shift();
  if (!words.length) return undefined;
  const [cmd, sub] = words;
  return sub && /^[a-z][a-z0-9:_-]*$/.test(sub) ? `${cmd} ${sub}` : cmd;
}

/** Cents and below are what the CLIs report; float sums must not print 0.30000000000000004. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
