/**
 * The simulator's view of workflow values: plain data where every `${{ }}` is kept as an `Expr`
 * (GitHub's parser already turned `a ${{ x }} b` into `format('a {0} b', x)`), so evaluation happens
 * later, per job and step, with the contexts of that moment — exactly when a runner would.
 */
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";

export class Expr {
  constructor(
    readonly expression: string,
    /** `file:line:col` of the expression, for error messages */
    readonly where: string,
  ) {}
}

export type Value = string | number | boolean | null | Expr | Value[] | { [key: string]: Value };

export type Mapping = { [key: string]: Value };

export function where(file: string, token: TemplateToken | undefined): string {
  const start = token?.range?.start;
  return start ? `${file}:${start.line}:${start.column}` : file;
}

/** A parsed token as a Value; `${{ insert }}` and expression keys are refused (no compiled workflow uses them). */
export function tokenValue(file: string, token: TemplateToken): Value {
  // TokenType: String 0, Sequence 1, Mapping 2, BasicExpression 3, InsertExpression 4, Boolean 5, Number 6, Null 7
  const t = token as TemplateToken & { value?: unknown; expression?: string };
  switch (token.templateTokenType) {
    case 0:
    case 5:
    case 6:
      return t.value as string | boolean | number;
    case 7:
      return null;
    case 3:
      return new Expr(t.expression as string, where(file, token));
    case 1:
      return [...(token as unknown as Iterable<TemplateToken>)].map((item) => tokenValue(file, item));
    case 2: {
      const out: Mapping = {};
      for (const pair of token as unknown as Iterable<{ key: TemplateToken; value: TemplateToken }>) {
        if (pair.key.templateTokenType !== 0)
          throw new Error(`${where(file, pair.key)}: the simulator does not support expressions as mapping keys`);
        out[(pair.key as unknown as { value: string }).value] = tokenValue(file, pair.value);
      }
      return out;
    }
    default:
      throw new Error(`${where(file, token)}: the simulator does not support \${{ insert }}`);
  }
}

export function isMapping(v: Value | undefined): v is Mapping {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Expr);
}
