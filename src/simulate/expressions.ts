/**
 * `${{ }}` evaluation with GitHub's own expression engine (`@actions/expressions`): contexts are
 * plain JSON turned into its data dictionaries; the status functions are supplied per job or step,
 * because only the runner knows what "success" means at that point.
 */
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";
import { truthy } from "@actions/expressions/result";
import { WaveplanError } from "../errors.js";
import { Expr, type Value } from "./workflow/tokens.js";

export type Contexts = Record<string, unknown>;

export interface Status {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

const CONTEXT_NAMES = ["github", "inputs", "vars", "needs", "strategy", "matrix", "env", "secrets", "steps", "job", "runner"];

function statusFunctions(status: Status): Map<string, FunctionDefinition> {
  const fn = (name: string, call: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(call()) },
  ];
  return new Map([
    fn("always", () => true),
    fn("success", () => status.success()),
    fn("failure", () => status.failure()),
    fn("cancelled", () => status.cancelled()),
    [
      "hashfiles",
      {
        name: "hashFiles",
        minArgs: 1,
        maxArgs: 255,
        call: () => {
          throw new Error("hashFiles() is not supported by the simulator");
        },
      },
    ],
  ]);
}

const NO_STATUS: Status = { success: () => true, failure: () => false, cancelled: () => false };

export class ExpressionError extends WaveplanError {
  override readonly name = "ExpressionError";
}

export function evaluate(expr: Expr, contexts: Contexts, status: Status = NO_STATUS): data.ExpressionData {
  const functions = statusFunctions(status);
  try {
    const tokens = new Lexer(expr.expression).lex().tokens;
    const infos = [...functions.values()].map(({ name, minArgs, maxArgs }) => ({ name, minArgs, maxArgs }));
    const tree = new Parser(tokens, CONTEXT_NAMES, infos).parse();
    const dictionary = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
    return new Evaluator(tree, dictionary, functions).evaluate();
  } catch (e) {
    throw new ExpressionError(`${expr.where}: cannot evaluate \${{ ${expr.expression} }}: ${(e as Error).message}`);
  }
}

export function condition(expr: Expr, contexts: Contexts, status: Status): boolean {
  return truthy(evaluate(expr, contexts, status));
}

/** Plain JSON of an expression's result (objects and arrays included). */
export function toJson(d: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(d, data.replacer));
}

/** A value with every expression evaluated; a scalar expression inside a string context becomes its string. */
export function resolve(value: Value | undefined, contexts: Contexts): unknown {
  if (value instanceof Expr) return toJson(evaluate(value, contexts));
  if (Array.isArray(value)) return value.map((v) => resolve(v, contexts));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolve(v, contexts);
    return out;
  }
  return value;
}

/** A value as the string a runner would pass on (inputs, env, names): objects as JSON, null as "". */
export function asString(value: Value | undefined, contexts: Contexts): string {
  if (value instanceof Expr) return evaluate(value, contexts).coerceString();
  const v = resolve(value, contexts);
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

export function asStrings(map: Record<string, Value>, contexts: Contexts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) out[k] = asString(v, contexts);
  return out;
}
