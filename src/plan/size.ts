/** Sizes as people write them in plans: `512KiB`, `64MiB`, `1GiB`, `10MB`, or a number of bytes. */
const SIZE = /^(\d+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/;

export const SIZE_PATTERN = "^\\d+\\s*(B|KB|KiB|MB|MiB|GB|GiB)?$";

const UNIT: Record<string, number> = { B: 1, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3 };

/** Bytes, or undefined when the text is not a size. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  const m = SIZE.exec(text.trim());
  return m ? Number(m[1]) * UNIT[m[2] ?? "B"] : undefined;
}

/** Compact human form: `1.5 GiB`, `64 MiB`, `900 B`. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const)
    if (bytes >= n) return `${Number((bytes / n).toFixed(1))} ${unit}`;
  return `${bytes} B`;
}
