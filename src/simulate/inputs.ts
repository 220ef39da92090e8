/**
 * The `inputs` context of a workflow_dispatch run: the declared defaults, overridden by
 * `--input name=value` and checked against the declared type, as the "Run workflow" form does.
 */
import { WaveplanError } from "../errors.js";
import type { InputDef } from "./workflow/load.js";

export class InputError extends WaveplanError {
  override readonly name = "InputError";
}

/** `K=V` pairs from the command line. */
export function parsePairs(pairs: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InputError(`${flag} ${pair}: expected NAME=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export function dispatchInputs(defs: Record<string, InputDef>, given: Record<string, string>): Record<string, string | boolean | number> {
  for (const name of Object.keys(given))
    if (!Object.hasOwn(defs, name))
      throw new InputError(
        `--input ${name}: the workflow declares no such workflow_dispatch input (inputs: ${Object.keys(defs).join(", ") || "none"})`,
      );
  const out: Record<string, string | boolean | number> = {};
  for (const [name, def] of Object.entries(defs)) {
    const raw = Object.hasOwn(given, name) ? given[name] : def.default;
    if (raw === undefined || raw === "") {
      if (def.required) throw new InputError(`input "${name}" is required: pass --input ${name}=VALUE`);
      out[name] = def.type === "boolean" ? false : "";
      continue;
    }
    out[name] = typed(name, def, raw);
  }
  return out;
}

function typed(name: string, def: InputDef, raw: string | boolean | number): string | boolean | number {
  const text = String(raw);
  switch (def.type) {
    case "boolean":
      if (text !== "true" && text !== "false") throw new InputError(`input "${name}" is a boolean: true or false, got "${text}"`);
      return text === "true";
    case "number":
      if (Number.isNaN(Number(text))) throw new InputError(`input "${name}" is a number, got "${text}"`);
      return Number(text);
    case "choice":
      if (def.options && !def.options.includes(text))
        throw new InputError(`input "${name}" must be one of ${def.options.join(", ")}, got "${text}"`);
      return text;
    default:
      return text;
  }
}
