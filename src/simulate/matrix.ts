/**
 * `strategy.matrix` expansion with GitHub's rules: the cartesian product of the dimensions, minus
 * `exclude` (partial matches), then each `include` entry extends every combination whose original
 * values it does not overwrite, or becomes a combination of its own when it extends none.
 */
import { MATRIX_LIMIT } from "../plan/github-limits.js";

export type Combination = Record<string, unknown>;

export interface Strategy {
  combinations: Combination[] | undefined;
  failFast: boolean;
  maxParallel: number;
}

export function expandStrategy(strategy: unknown, where: string): Strategy {
  if (strategy === undefined || strategy === null) return { combinations: undefined, failFast: true, maxParallel: Infinity };
  if (typeof strategy !== "object" || Array.isArray(strategy)) throw new Error(`${where}: strategy must be a mapping`);
  const s = strategy as Record<string, unknown>;
  const failFast = s["fail-fast"] === undefined ? true : s["fail-fast"] === true || s["fail-fast"] === "true";
  const maxParallel = s["max-parallel"] === undefined ? Infinity : Number(s["max-parallel"]);
  if (!(maxParallel >= 1)) throw new Error(`${where}: strategy.max-parallel must be a positive number, got ${String(s["max-parallel"])}`);
  const matrix = s.matrix;
  if (matrix === undefined) return { combinations: undefined, failFast, maxParallel };
  if (typeof matrix !== "object" || matrix === null || Array.isArray(matrix))
    throw new Error(`${where}: strategy.matrix must be a mapping`);
  const combinations = expandMatrix(matrix as Record<string, unknown>, where);
  if (combinations.length === 0) throw new Error(`${where}: the matrix has no combinations`);
  if (combinations.length > MATRIX_LIMIT)
    throw new Error(`${where}: the matrix has ${combinations.length} combinations; GitHub allows ${MATRIX_LIMIT}`);
  return { combinations, failFast, maxParallel };
}

function expandMatrix(matrix: Record<string, unknown>, where: string): Combination[] {
  const { include = [], exclude = [], ...dimensions } = matrix;
  if (!Array.isArray(include) || !Array.isArray(exclude)) throw new Error(`${where}: matrix include and exclude must be lists`);
  let product: Combination[] = Object.keys(dimensions).length ? [{}] : [];
  for (const [key, values] of Object.entries(dimensions)) {
    if (!Array.isArray(values)) throw new Error(`${where}: matrix.${key} must be a list`);
    product = product.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  product = product.filter((c) => !(exclude as Combination[]).some((e) => Object.entries(e).every(([k, v]) => same(c[k], v))));
  const originals = product.map((c) => ({ ...c }));
  const extra: Combination[] = [];
  for (const entry of include as Combination[]) {
    let matched = false;
    product.forEach((c, i) => {
      const original = originals[i];
      const overwritesOriginal = Object.entries(entry).some(([k, v]) => k in original && !same(original[k], v));
      if (overwritesOriginal) return;
      Object.assign(c, entry);
      matched = true;
    });
    if (!matched) extra.push({ ...entry });
  }
  return [...product, ...extra];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
