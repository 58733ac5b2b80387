/**
 * Exponentially weighted (EWMA) covariance matrix, equal to pandas `DataFrame.ewm(...).cov()`.
 *
 * @module
 */
import { checkColumns, toRows } from "./_linear.ts";
import { pairwiseMoments, sanitize, type Weigh } from "./_pairwise.ts";
import type { Matrix, ReturnColumns } from "./types.ts";

/**
 * Options for {@link ewmaCovariance} and {@link ewmaCovariancePath}: give exactly one of
 * `halfLife`, `span`, `com` or `alpha` (as pandas `ewm`), all in bars.
 */
export interface EwmaCovarianceOptions {
  /** Bars for a weight to halve: `alpha = 1 - exp(ln(0.5) / halfLife)`; > 0. */
  readonly halfLife?: number;
  /** `alpha = 2 / (span + 1)`; >= 1 (RiskMetrics' daily lambda 0.94 is span 32.33). */
  readonly span?: number;
  /** Centre of mass: `alpha = 1 / (1 + com)`; >= 0. */
  readonly com?: number;
  /** Smoothing factor, 0 < alpha <= 1 (weight of the newest row under `adjust: false`). */
  readonly alpha?: number;
  /**
   * true: weights `(1 - alpha)^age` normalized by their sum (pandas' default); false: the
   * recursion `S_t = (1 - alpha) S_{t-1} + alpha * new`, so without gaps the first observation
   * keeps weight `(1 - alpha)^age` and later ones `alpha (1 - alpha)^age`. Ages count rows, gaps
   * included (pandas `ignore_na=False`); with `false`, pandas also renormalizes the weights at
   * each observation after a gap, and so does this.
   * @default true
   */
  readonly adjust?: boolean;
  /**
   * false multiplies by `(sum w)^2 / ((sum w)^2 - sum w^2)`, the weighted analogue of
   * `n / (n - 1)` (pandas' default); true returns the weighted (biased) covariance.
   * @default false
   */
  readonly bias?: boolean;
  /**
   * Fewest pairwise-complete rows (so far) for a cell to be a number; fewer gives NaN, as
   * pandas' `min_periods` (its default 0 acts as 1).
   * @default 1
   */
  readonly minPeriods?: number;
}

/** Options for {@link ewmaCovariancePath}. */
export interface EwmaCovariancePathOptions extends EwmaCovarianceOptions {
  /**
   * Row indices (strictly increasing, in [0, T)) at which to return the matrix.
   * @default every row 0..T-1 (N^2 T numbers: 700 MB for 126 assets x 5,493 bars)
   */
  readonly rows?: readonly number[];
}

interface Resolved {
  readonly alpha: number;
  readonly adjust: boolean;
  readonly bias: boolean;
  readonly minPeriods: number;
}

const WHAT = "EWMA covariance";

/** Resolve the decay like pandas `get_center_of_mass`, then `alpha = 1 / (1 + com)`. */
function resolve(options: EwmaCovarianceOptions): Resolved {
  const given = (["halfLife", "span", "com", "alpha"] as const).filter((key) =>
    options[key] !== undefined
  );
  if (given.length !== 1) {
    throw new RangeError(
      `Cannot compute ${WHAT}: give exactly one of halfLife, span, com or alpha, got ${
        given.length === 0 ? "none" : given.join(", ")
      }`,
    );
  }
  let com: number;
  if (options.com !== undefined) {
    if (!(options.com >= 0)) {
      throw new RangeError(`Cannot compute ${WHAT}: com must be >= 0, got ${options.com}`);
    }
    com = options.com;
  } else if (options.span !== undefined) {
    if (!(options.span >= 1)) {
      throw new RangeError(`Cannot compute ${WHAT}: span must be >= 1, got ${options.span}`);
    }
    com = (options.span - 1) / 2;
  } else if (options.halfLife !== undefined) {
    if (!(options.halfLife > 0)) {
      throw new RangeError(
        `Cannot compute ${WHAT}: halfLife must be > 0 bars, got ${options.halfLife}`,
      );
    }
    const decay = 1 - Math.exp(Math.log(0.5) / options.halfLife);
    com = 1 / decay - 1;
  } else {
    const a = options.alpha!;
    if (!(a > 0 && a <= 1)) {
      throw new RangeError(`Cannot compute ${WHAT}: alpha must be in (0, 1], got ${a}`);
    }
    com = (1 - a) / a;
  }
  if (!Number.isFinite(com)) {
    throw new RangeError(`Cannot compute ${WHAT}: the decay gives a centre of mass of ${com}`);
  }
  const minPeriods = options.minPeriods ?? 1;
  if (!Number.isInteger(minPeriods) || minPeriods < 0) {
    throw new RangeError(
      `Cannot compute ${WHAT}: minPeriods must be an integer >= 0, got ${minPeriods}`,
    );
  }
  return {
    alpha: 1 / (1 + com),
    adjust: options.adjust ?? true,
    bias: options.bias ?? false,
    minPeriods: Math.max(minPeriods, 1),
  };
}

/**
 * The weights pandas' recursion ends with, for a pair observed at `rows[0..m)`, scaled so the
 * newest is about 1 (only ratios matter). `adjust: true`: `(1 - alpha)^(age)`, ages counted in
 * rows, gaps included. `adjust: false`: the recursion renormalizes at each observation, so after
 * a gap of g rows the older mass becomes `(1 - alpha)^g / ((1 - alpha)^g + alpha)` of what it
 * was and the new row weighs `alpha / ((1 - alpha)^g + alpha)`; the first observation starts
 * with weight 1. Without gaps this is `alpha (1 - alpha)^age`, and `(1 - alpha)^age` for the
 * first.
 */
function weigher(p: Resolved): Weigh {
  const f = 1 - p.alpha;
  if (p.adjust) {
    return (rows, m, out) => {
      if (m === 0) return;
      out[m - 1] = 1;
      for (let i = m - 2; i >= 0; i--) {
        const gap = rows[i + 1]! - rows[i]!;
        out[i] = out[i + 1]! * (gap === 1 ? f : f ** gap);
      }
    };
  }
  return (rows, m, out) => {
    // Walking back from the newest row: row i enters with alpha (the first with 1) and is
    // divided, with everything older, by D_i = decay^gap + alpha; later rows multiply it by
    // their decay^gap / D.
    let scale = 1;
    for (let i = m - 1; i >= 0; i--) {
      if (i === 0) {
        out[0] = scale;
        break;
      }
      const gap = rows[i]! - rows[i - 1]!;
      const decay = gap === 1 ? f : f ** gap;
      const d = decay + p.alpha;
      out[i] = (p.alpha / d) * scale;
      scale *= decay / d;
    }
  };
}

/**
 * pandas' `ewmcov` recursion (pandas/_libs/window/aggregations.pyx, ignore_na=False) for one
 * pair, writing the value at each requested row into `out[k][cell]`.
 */
function recursion(
  x: Float64Array,
  y: Float64Array,
  p: Resolved,
  rows: readonly number[],
  out: readonly Float64Array[],
  cell: number,
  mirror: number,
): void {
  const oldWtFactor = 1 - p.alpha;
  const newWt = p.adjust ? 1 : p.alpha;
  let meanX = x[0]!, meanY = y[0]!;
  const first = meanX === meanX && meanY === meanY;
  let nobs = first ? 1 : 0;
  if (!first) meanX = meanY = NaN;
  let cov = 0, sumWt = 1, sumWt2 = 1, oldWt = 1;
  let next = 0;
  const emit = (i: number, value: number) => {
    while (next < rows.length && rows[next]! === i) {
      out[next]![cell] = value;
      out[next]![mirror] = value;
      next++;
    }
  };
  emit(0, nobs >= p.minPeriods && p.bias ? 0 : NaN);
  const last = rows.length > 0 ? rows[rows.length - 1]! : -1;
  for (let i = 1; i <= last; i++) {
    const cx = x[i]!, cy = y[i]!;
    const obs = cx === cx && cy === cy;
    if (obs) nobs++;
    if (meanX === meanX) {
      sumWt *= oldWtFactor;
      sumWt2 *= oldWtFactor * oldWtFactor;
      oldWt *= oldWtFactor;
      if (obs) {
        const oldMeanX = meanX, oldMeanY = meanY;
        if (meanX !== cx) meanX = (oldWt * oldMeanX + newWt * cx) / (oldWt + newWt);
        if (meanY !== cy) meanY = (oldWt * oldMeanY + newWt * cy) / (oldWt + newWt);
        cov = (oldWt * (cov + (oldMeanX - meanX) * (oldMeanY - meanY)) +
          newWt * ((cx - meanX) * (cy - meanY))) / (oldWt + newWt);
        sumWt += newWt;
        sumWt2 += newWt * newWt;
        oldWt += newWt;
        if (!p.adjust) {
          sumWt /= oldWt;
          sumWt2 /= oldWt * oldWt;
          oldWt = 1;
        }
      }
    } else if (obs) {
      meanX = cx;
      meanY = cy;
    }
    if (next < rows.length && rows[next] === i) {
      let v = NaN;
      if (nobs >= p.minPeriods) {
        if (p.bias) v = cov;
        else {
          const num = sumWt * sumWt, den = num - sumWt2;
          v = den > 0 ? (num / den) * cov : NaN;
        }
      }
      emit(i, v);
    }
  }
}

/**
 * EWMA covariance matrix at the last row, equal to the last timestamp of pandas
 * `DataFrame.ewm(halflife=..., adjust=..., ignore_na=False, min_periods=...).cov(bias=...)`.
 *
 * Each cell weighs the rows where both of its assets have a finite return by their age
 * (`(1 - alpha)^(T-1-t)`, see `adjust`), takes weighted means and the weighted covariance over
 * those rows, and (unless `bias`) applies the weighted small-sample factor
 * `(sum w)^2 / ((sum w)^2 - sum w^2)`. A missing return is skipped, never read as zero, and, as
 * pandas with `ignore_na=False`, the weights count absolute positions: a gap still ages the
 * older rows. A cell is NaN where pandas' is: fewer than `minPeriods` pairwise-complete rows,
 * or a single one with `bias: false`. One deliberate difference: when a pair's last common
 * row is so old that pandas' running weight sums underflow to zero (about 1,000 half-lives
 * before the end), pandas returns NaN; this returns the value those rows give (the matrix does
 * not change after a pair's last observation), which is what pandas shows at that row.
 *
 * **Why.** Volatility clusters, so recent returns say more about next hour's risk than old
 * ones; the half-life sets how fast the estimate forgets (RiskMetrics 1996 used lambda 0.94 on
 * daily data, a half-life of about 11 days). A short half-life with many assets gives a
 * noisy, possibly singular matrix: shrink it or repair it before optimizing.
 *
 * Computed in closed form (weighted pairwise moments) rather than by pandas' row-by-row
 * recursion; {@link ewmaCovariancePath} runs the recursion itself, and the tests check the two
 * agree. Reference: RiskMetrics Technical Document (J.P. Morgan/Reuters, 1996), ch. 5; pandas
 * "Exponentially weighted window" user guide for `adjust` and `bias`. Cost: O(N^2 T).
 *
 * @param returns one column per asset, all of length T (NaN = missing)
 * @returns the N x N matrix at row T-1, one `Float64Array` per row
 *
 * @example Half-life 2 bars: the newest returns dominate
 * ```ts
 * import { ewmaCovariance } from "@lib/portfolio/ewma_covariance.ts";
 * import assert from "node:assert/strict";
 * const a = [0.01, -0.01, 0.02, NaN, 0.03];
 * const b = [0.02, -0.01, 0.01, 0.00, 0.04];
 * const cov = ewmaCovariance([a, b], { halfLife: 2 });
 * assert.equal(cov[0]![1], cov[1]![0]);
 * // pandas 1.5.3: DataFrame({"a": a, "b": b}).ewm(halflife=2).cov().loc[4]
 * assert.ok(Math.abs(cov[0]![0]! - 0.0003088399289516852) < 1e-17);
 * assert.ok(Math.abs(cov[0]![1]! - 0.0003694490816248179) < 1e-17);
 * ```
 */
export function ewmaCovariance(returns: ReturnColumns, options: EwmaCovarianceOptions): Matrix {
  const p = resolve(options);
  const k = checkColumns(returns, WHAT)[1];
  const cols = sanitize(returns);
  const m = pairwiseMoments(cols, weigher(p));
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const c = a * k + b;
      const nobs = m.nobs[c]!, sw = m.sw[c]!;
      let v = NaN;
      if (nobs >= p.minPeriods && nobs > 0) {
        const cov = m.sxy[c]! / sw;
        if (p.bias) v = cov;
        else {
          const num = sw * sw, den = num - m.sw2[c]!;
          v = den > 0 ? (num / den) * cov : NaN;
        }
      }
      out[c] = v;
      out[b * k + a] = v;
    }
  }
  return toRows(out, k);
}

/**
 * EWMA covariance matrices at the given rows (the whole path by default): pandas
 * `DataFrame.ewm(...).cov(bias=...)` with `ignore_na=False`, row by row. Runs pandas' own
 * recursion (`ewmcov` in pandas/_libs/window/aggregations.pyx) on every pair, so it agrees
 * with pandas to rounding at every row, NaN where pandas is NaN. See {@link ewmaCovariance}
 * for the meaning of the options; the value at row T-1 is that function's result.
 * Cost: O(N^2 T) time, O(N^2 R) memory for R requested rows.
 *
 * @returns one N x N matrix per requested row, in the order of `rows`
 *
 * @example The matrix after bars 0, 1 and 4
 * ```ts
 * import { ewmaCovariancePath } from "@lib/portfolio/ewma_covariance.ts";
 * import assert from "node:assert/strict";
 * const a = [0.01, -0.01, 0.02, NaN, 0.03];
 * const b = [0.02, -0.01, 0.01, 0.00, 0.04];
 * const path = ewmaCovariancePath([a, b], { halfLife: 2, rows: [0, 1, 4] });
 * assert.equal(path.length, 3);
 * assert.ok(Number.isNaN(path[0]![0]![0]!)); // one observation: no unbiased variance yet
 * // pandas 1.5.3: DataFrame({"a": a, "b": b}).ewm(halflife=2).cov().loc[1]
 * assert.ok(Math.abs(path[1]![0]![1]! - 0.0003) < 1e-17);
 * assert.ok(Math.abs(path[2]![0]![1]! - 0.0003694490816248179) < 1e-17);
 * ```
 */
export function ewmaCovariancePath(
  returns: ReturnColumns,
  options: EwmaCovariancePathOptions,
): Matrix[] {
  const p = resolve(options);
  const [n, k] = checkColumns(returns, WHAT);
  const rows = options.rows ?? Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= n || (i > 0 && r <= rows[i - 1]!)) {
      throw new RangeError(
        `Cannot compute ${WHAT} path: rows must be strictly increasing integers in [0, ${n}), ` +
          `got ${r} at position ${i}`,
      );
    }
  }
  const cols = sanitize(returns);
  const flat = rows.map(() => new Float64Array(k * k));
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) recursion(cols[a]!, cols[b]!, p, rows, flat, a * k + b, b * k + a);
  }
  return flat.map((f) => toRows(f, k));
}
