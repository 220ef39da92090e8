/**
 * What agents cost, summed per task, wave and run from the figures the agent CLIs reported
 * (checkpoint record `agent`). A task whose CLI reported tokens but no price counts as "n/a": its
 * cost is never guessed from a price list.
 */
import type { AgentFigures } from "../checkpoint/record.js";
import { allowRule, formatUsd, roundUsd } from "./agent-totals.js";

export interface CostTotal {
  /** agent tasks counted */
  tasks: number;
  /** of those, how many reported a cost */
  priced: number;
  /** USD over the priced tasks */
  costUsd: number;
  turns: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number };
  denied: number;
}

export const NO_COST: CostTotal = {
  tasks: 0,
  priced: 0,
  costUsd: 0,
  turns: 0,
  tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
  denied: 0,
};

export function costOf(a: AgentFigures): CostTotal {
  return {
    tasks: 1,
    priced: a.costUsd === undefined ? 0 : 1,
    costUsd: a.costUsd ?? 0,
    turns: a.turns ?? 0,
    tokens: { ...a.tokens },
    denied: a.denied.length,
  };
}

export function sumCosts(costs: readonly CostTotal[]): CostTotal {
  return costs.reduce(
    (s, c) => ({
      tasks: s.tasks + c.tasks,
      priced: s.priced + c.priced,
      costUsd: s.costUsd + c.costUsd,
      turns: s.turns + c.turns,
      tokens: {
        input: s.tokens.input + c.tokens.input,
        output: s.tokens.output + c.tokens.output,
        cacheRead: s.tokens.cacheRead + c.tokens.cacheRead,
        cacheWrite: s.tokens.cacheWrite + c.tokens.cacheWrite,
      },
      denied: s.denied + c.denied,
    }),
    NO_COST,
  );
}

const usd = (x: number) => formatUsd(roundUsd(x));

/** `$1.23`; `n/a` when no task reported a price; `$1.23 + n/a (2 tasks)` when some did not. */
export function formatCost(c: CostTotal | undefined): string {
  if (!c || c.tasks === 0) return "–";
  if (c.priced === 0) return "n/a";
  const unpriced = c.tasks - c.priced;
  return unpriced ? `${usd(c.costUsd)} + n/a (${unpriced} task${unpriced === 1 ? "" : "s"})` : usd(c.costUsd);
}

const compact = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));

/** `12.3k in · 1.2k out · 40k cache` */
export function formatTokens(c: CostTotal | undefined): string {
  if (!c || c.tasks === 0) return "–";
  const cache = c.tokens.cacheRead + c.tokens.cacheWrite;
  return [`${compact(c.tokens.input)} in`, `${compact(c.tokens.output)} out`, ...(cache ? [`${compact(cache)} cache`] : [])].join(" · ");
}

/** One line per denied call: what was refused and the `agent.tools` entry that would allow it. */
export function deniedLines(a: AgentFigures | undefined): string[] {
  if (!a || a.denied.length === 0) return [];
  return a.denied.map((d) => {
    const what = d.input ? `${d.tool} \`${d.input.replace(/[`\r\n]+/g, " ").slice(0, 80)}\`` : d.tool;
    // the rule in the CLI's own syntax (report/agent-totals.ts allowRule)
    return `${what} — allow with \`agent.tools: [..., "${allowRule(a.preset, d)}"]\``;
  });
}
