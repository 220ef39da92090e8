/**
 * Job ids and slugs. Plan ids are `[A-Za-z0-9][A-Za-z0-9._-]*`; GitHub job ids must start with a
 * letter or `_` and contain only alphanumerics, `-` and `_`, and are compared case-insensitively.
 */

/** A valid job id for a plan id: `.` → `-`, and `w-` in front of a leading digit. */
export function jobIdBase(id: string): string {
  const s = id.replace(/[^A-Za-z0-9_-]/g, "-");
  return /^[A-Za-z_]/.test(s) ? s : `w-${s}`;
}

/** Hands out unique job ids in a deterministic order (first come keeps the plain name). */
export class JobIds {
  private readonly taken = new Set<string>();

  constructor(reserved: readonly string[]) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }

  allocate(base: string): string {
    let id = base;
    for (let n = 2; this.taken.has(id.toLowerCase()); n++) id = `${base}-${n}`;
    this.taken.add(id.toLowerCase());
    return id;
  }
}

/** Lowercase `a-z0-9-` slug, e.g. for a concurrency group (`plans/Auth.v2.yml` → `plans-auth-v2`). */
export function slug(text: string): string {
  return (
    text
      .replace(/\.ya?ml$/i, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "plan"
  );
}

/**
 * Plan text placed literally in the workflow (the workflow name, a role in a matrix entry, an input
 * default): one line, and never an expression — GitHub would evaluate a `${{` found in such a value.
 */
export function literalText(text: string): string {
  return text
    .replace(/[\s\u0000-\u001f\u007f]+/g, " ")
    .trim()
    .replaceAll("${{", "$ {{");
}

/** `${{ <expression> }}` — only ever built from fixed text, contexts and validated identifiers. */
export function expr(expression: string): string {
  return `\${{ ${expression} }}`;
}
