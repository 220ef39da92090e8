/**
 * Reading a plan file — a YAML plan, or a markdown plan for `import` — before parsing: one size limit
 * and strict UTF-8, each refused with a located error.
 */
import { readFileSync, statSync } from "node:fs";
import { DiagnosticList, PlanError } from "./diagnostics.js";

/** Plans are human-written; anything larger is a mistake and would only make the parser slow. */
export const MAX_PLAN_BYTES = 4 * 1024 * 1024;

/**
 * The bytes of a plan file, or a PlanError when it is larger than any plan. `name` is how diagnostics
 * call the file (the action uses the repository-relative path); `what` says what kind of plan it is.
 */
export function readPlanSource(file: string, name = file, what = "plan file"): Uint8Array {
  const size = statSync(file).size;
  if (size > MAX_PLAN_BYTES) {
    const d = new DiagnosticList(name);
    d.error("file-too-large", `${what} is ${size} bytes; plans larger than ${MAX_PLAN_BYTES} bytes are refused`, { line: 1, col: 1 });
    throw new PlanError(d.items, "");
  }
  return readFileSync(file);
}

/** Decode as strict UTF-8, reporting the position of the first invalid byte. */
export function decodeUtf8(bytes: Uint8Array, d: DiagnosticList): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const good = validUtf8Prefix(bytes);
    const prefix = new TextDecoder().decode(bytes.subarray(0, good));
    const lines = prefix.split("\n");
    d.error("encoding", `file is not valid UTF-8 (byte 0x${bytes[good].toString(16).padStart(2, "0")} at offset ${good})`, {
      line: lines.length,
      col: lines[lines.length - 1].length + 1,
    });
    return undefined;
  }
}

function validUtf8Prefix(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  const dec = new TextDecoder("utf-8", { fatal: true });
  // Binary search on the longest decodable prefix (a cut inside a multibyte char also fails, so step back up to 3).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    let ok = false;
    for (let back = 0; back < 4 && mid - back >= lo && !ok; back++) {
      try {
        dec.decode(bytes.subarray(0, mid - back));
        ok = mid - back === mid;
      } catch {}
    }
    if (ok) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
