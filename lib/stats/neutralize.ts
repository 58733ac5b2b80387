/**
 * Neutralization of one cross-section to exposures (OLS residuals).
 *
 * @module
 */
import type { Series } from "./types.ts";
import { leastSquares } from "./least_squares.ts";

/** Options for {@link neutralize}. */
export interface NeutralizeOptions {
  /** Include a constant in the regression, so the residuals have mean zero. Default true. */
  readonly intercept?: boolean;
}

/**
 * Residuals of the OLS regression of `y` on `exposures` (plus a constant unless
 * `intercept: false`) across one cross-section: the part of a signal that no exposure explains.
 * Use it to strip beta, size or sector bets from a signal, so what is left is a pure bet on the
 * signal (a "neutral" signal has zero linear exposure to each factor: the residuals are
 * orthogonal to every exposure and to the constant).
 *
 * The fit uses the complete rows (where `y` and every exposure are finite); every other row is
 * NaN. Equal to statsmodels `sm.OLS(y, sm.add_constant(X), missing="drop").fit().resid` on those
 * rows. When the complete rows cannot identify the fit (no more rows than regressors, or an
 * exposure that is constant or a combination of the others, see {@link leastSquares}), the whole
 * output is NaN rather than an arbitrary split. With no exposures, the residuals are `y`
 * demeaned (or `y` itself when `intercept: false`).
 * Reference: Grinold & Kahn, "Active Portfolio Management", ch. 14 (signal neutralization);
 * https://en.wikipedia.org/wiki/Ordinary_least_squares.
 *
 * Cost: O(n k^2) for k regressors (Householder QR).
 *
 * @example Remove the beta bet from a momentum cross-section
 * ```ts
 * import { neutralize } from "@lib/stats/neutralize.ts";
 * import assert from "node:assert/strict";
 * const beta = [0.8, 1.0, 1.2, 1.5, NaN];
 * const momentum = [0.01, 0.03, 0.02, 0.06, 0.04];
 * const r = neutralize(momentum, [beta]);
 * assert.ok(Number.isNaN(r[4]!)); // no beta: no residual
 * let dot = 0, sum = 0;
 * for (let i = 0; i < 4; i++) {
 *   dot += r[i]! * beta[i]!;
 *   sum += r[i]!;
 * }
 * assert.ok(Math.abs(dot) < 1e-15 && Math.abs(sum) < 1e-15);
 * ```
 */
export function neutralize(
  y: Series,
  exposures: readonly Series[],
  options: NeutralizeOptions = {},
): Float64Array {
  const intercept = options.intercept ?? true;
  const n = y.length;
  exposures.forEach((e, j) => {
    if (e.length !== n) {
      throw new RangeError(
        `Cannot neutralize: exposure ${j} has ${e.length} values, y has ${n}; pass one value per asset of the same cross-section`,
      );
    }
  });
  const k = exposures.length;
  const complete = new Uint8Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let ok = Number.isFinite(y[i]!);
    for (let j = 0; ok && j < k; j++) ok = Number.isFinite(exposures[j]![i]!);
    if (ok) {
      complete[i] = 1;
      m++;
    }
  }
  const cols: Float64Array[] = [];
  if (intercept) cols.push(new Float64Array(m).fill(1));
  for (let j = 0; j < k; j++) cols.push(gather(exposures[j]!, complete, m));
  const yc = gather(y, complete, m);
  const out = new Float64Array(n).fill(NaN);
  let resid: Float64Array | null;
  if (m <= cols.length) {
    resid = null; // no residual degree of freedom: the residuals would be 0 by construction
  } else if (cols.length === 0) {
    resid = yc;
  } else {
    const fit = leastSquares(cols, yc);
    resid = fit === null ? null : fit.residuals;
  }
  if (resid === null) return out;
  for (let i = 0, r = 0; i < n; i++) if (complete[i] === 1) out[i] = resid[r++]!;
  return out;
}

function gather(x: Series, keep: Uint8Array, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0, r = 0; i < keep.length; i++) if (keep[i] === 1) out[r++] = x[i]!;
  return out;
}
