/**
 * Design-matrix helpers shared by `ols`, `huber` and `recursiveLeastSquares` (internal: not
 * re-exported from `mod.ts`): keep the complete rows, prepend the intercept column, and name
 * the collinear column when the fit is rank deficient.
 *
 * @module
 */
import { leastSquares } from "./least_squares.ts";
import type { Series } from "./types.ts";

/** The complete rows of `[y | columns]`, with an optional column of ones first. */
export interface CompleteDesign {
  /** Positions (in the input) of the rows kept, ascending. */
  readonly rows: Int32Array;
  /** Regressors restricted to the kept rows; `cols[0]` is all ones when `intercept`. */
  readonly cols: Float64Array[];
  /** The response restricted to the kept rows. */
  readonly y: Float64Array;
}

/** Throw unless every column has y's length; `what` starts the message ("Cannot fit OLS"). */
export function checkLengths(y: Series, columns: readonly Series[], what: string): void {
  for (let j = 0; j < columns.length; j++) {
    if (columns[j]!.length !== y.length) {
      throw new RangeError(
        `${what}: column ${j} has ${columns[j]!.length} rows, y has ${y.length}; ` +
          `pass series aligned on one time grid (NaN for missing)`,
      );
    }
  }
}

/** Keep the rows where y and every column are finite; prepend ones when `intercept`. */
export function completeDesign(
  y: Series,
  columns: readonly Series[],
  intercept: boolean,
): CompleteDesign {
  const n = y.length;
  const k = columns.length;
  const keep = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let ok = Number.isFinite(y[i]!);
    for (let j = 0; ok && j < k; j++) ok = Number.isFinite(columns[j]![i]!);
    if (ok) keep[m++] = i;
  }
  const rows = keep.slice(0, m);
  const cols: Float64Array[] = [];
  if (intercept) cols.push(new Float64Array(m).fill(1));
  for (let j = 0; j < k; j++) {
    const c = columns[j]!;
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = c[rows[i]!]!;
    cols.push(out);
  }
  const yy = new Float64Array(m);
  for (let i = 0; i < m; i++) yy[i] = y[rows[i]!]!;
  return { rows, cols, y: yy };
}

/**
 * Explain a rank-deficient design: the first column (in the caller's numbering: `columns[j]`,
 * or "the intercept") that is, to working precision, a combination of the ones before it.
 */
export function collinearMessage(
  cols: readonly Float64Array[],
  intercept: boolean,
  what: string,
): string {
  const name = (
    c: number,
  ) => (intercept ? (c === 0 ? "the intercept" : `column ${c - 1}`) : `column ${c}`);
  const probe = new Float64Array(cols[0]!.length);
  for (let c = 0; c < cols.length; c++) {
    if (leastSquares(cols.slice(0, c + 1), probe) === null) {
      const col = cols[c]!;
      let constant = true;
      for (let i = 1; constant && i < col.length; i++) constant = col[i] === col[0];
      const before = Array.from({ length: c }, (_, i) => name(i));
      const detail = c === 0
        ? `${name(c)} is all zeros`
        : intercept && constant
        ? `${name(c)} is constant, which duplicates the intercept`
        : `${name(c)} is (to working precision) a linear combination of ${before.join(", ")}`;
      return `${what}: the design is rank deficient: ${detail}; drop or combine that column`;
    }
  }
  return `${what}: the design is rank deficient; drop a collinear column`;
}
