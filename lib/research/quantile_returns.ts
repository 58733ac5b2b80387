/**
 * Forward returns by signal quantile (bucket) and the top-minus-bottom long-short spread.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";
import { neweyWest, neweyWestDefaultLags } from "../stats/newey_west.ts";
import { checkMinAssets, checkSamePanels } from "./_ic_validate.ts";
import { quantileLabels } from "./quantile_labels.ts";
import { SIGNAL_DEFAULTS } from "./signal_defaults.ts";

/** Options for {@link quantileReturns}. */
export interface QuantileReturnsOptions {
  /** Number of buckets per timestamp (5 = quintiles); an integer >= 2. Default 5. */
  readonly quantiles?: number;
  /** Fewest complete (signal, return) pairs at a timestamp to bucket it; default `quantiles`. */
  readonly minAssets?: number;
  /**
   * Horizon h of the forward returns (bars), used only for the Newey-West lags of the
   * long-short t-stat (`max(h - 1, floor(4 (n/100)^(2/9)))`, see `icSummary`). Default 1.
   */
  readonly horizon?: number;
}

/** What {@link quantileReturns} returns; quantile k (0-based) is alphalens' quantile k + 1. */
export interface QuantileReturnsResult {
  /** Mean forward return of each bucket, pooled over every (asset, t) observation. */
  readonly meanByQuantile: Float64Array;
  /** Number of (asset, t) observations in each bucket. */
  readonly countByQuantile: Int32Array;
  /** Per bucket, the equal-weight mean forward return at each t (`NaN` where not bucketed). */
  readonly returnsByQuantile: Float64Array[];
  /**
   * Per bucket, the running sum over t of `returnsByQuantile` (missing t add 0): the
   * cumulative log return of the equal-weight bucket, meaningful for 1-bar forward returns
   * (h-bar returns overlap, so their running sum counts each bar h times).
   */
  readonly cumulativeByQuantile: Float64Array[];
  /** Top minus bottom bucket mean at each t (`NaN` where not bucketed). */
  readonly longShort: Float64Array;
  /** Mean of the finite long-short values. */
  readonly longShortMean: number;
  /** Naive t-stat of the long-short mean (`ttest_1samp`). */
  readonly longShortTStat: number;
  /** Newey-West t-stat of the long-short mean (lags as in `icSummary`). */
  readonly longShortTStatNeweyWest: number;
  /** Number of timestamps bucketed. */
  readonly nTimestamps: number;
  /** Timestamps whose bucket edges were not distinct (pandas `qcut` would raise there). */
  readonly nTiedEdges: number;
}

/**
 * Bucket the cross-section of `signal` at each timestamp into quantiles and average the forward
 * returns of each bucket: the bar chart of alphalens' returns tear sheet, and the long-short
 * (top minus bottom) spread a quant would trade. A signal with skill shows bucket means rising
 * monotonically from bucket 0 to bucket q-1.
 *
 * Per timestamp, the assets where both signal and forward return are finite (alphalens'
 * `get_clean_factor_and_forward_returns` drops the others) are bucketed exactly like pandas
 * 1.5.3 `pd.qcut(signal_t, q, labels=False)` (see `quantileLabels` for ties: where pandas
 * would raise on duplicate edges, tied values share the lowest bucket they reach and the
 * timestamp is counted in `nTiedEdges`). Timestamps with fewer than `minAssets` complete pairs
 * are skipped. `meanByQuantile` is alphalens `mean_return_by_quantile(by_date=False,
 * demeaned=False)` (pooled mean); `returnsByQuantile` is the `by_date=True` version.
 * alphalens itself is not a dependency; its definitions are reproduced here and in the oracle.
 *
 * Cost: O(T N (log N + q)).
 *
 * Reference: alphalens `performance.mean_return_by_quantile`
 * (https://github.com/quantopian/alphalens).
 *
 * @example Two buckets, the top one earning more
 * ```ts
 * import { quantileReturns } from "@lib/research/quantile_returns.ts";
 * import assert from "node:assert/strict";
 * const signal = [1, 2, 3, 4].map((v) => new Float64Array([v, v]));
 * const fwd = [0.01, 0.02, 0.03, 0.04].map((v) => new Float64Array([v, 2 * v]));
 * const r = quantileReturns(signal, fwd, { quantiles: 2 });
 * assert.deepEqual([...r.countByQuantile], [4, 4]);
 * assert.ok(Math.abs(r.longShort[0]! - 0.02) < 1e-15);
 * assert.ok(Math.abs(r.longShortMean - 0.03) < 1e-15);
 * ```
 */
export function quantileReturns(
  signal: readonly Series[],
  forward: readonly Series[],
  options: QuantileReturnsOptions = {},
): QuantileReturnsResult {
  const what = "quantile returns";
  const q = options.quantiles ?? SIGNAL_DEFAULTS.quantiles;
  if (!Number.isInteger(q) || q < 2) {
    throw new RangeError(`Cannot compute ${what}: quantiles must be an integer >= 2, got ${q}`);
  }
  const minAssets = options.minAssets ?? q;
  checkMinAssets(minAssets, what);
  const horizon = options.horizon ?? 1;
  if (!Number.isInteger(horizon) || horizon < 1) {
    throw new RangeError(`Cannot compute ${what}: horizon must be an integer >= 1, got ${horizon}`);
  }
  const T = checkSamePanels(signal, forward, what);
  const N = signal.length;
  const xs = new Float64Array(N), ys = new Float64Array(N), scratch = new Float64Array(N);
  const labels = new Int32Array(N);
  const bucketSum = new Float64Array(q), bucketCount = new Int32Array(q);
  const poolSum = new Float64Array(q);
  const countByQuantile = new Int32Array(q);
  const returnsByQuantile = Array.from({ length: q }, () => new Float64Array(T).fill(NaN));
  const cumulativeByQuantile = Array.from({ length: q }, () => new Float64Array(T));
  const longShort = new Float64Array(T).fill(NaN);
  const running = new Float64Array(q);
  let nTimestamps = 0, nTiedEdges = 0;
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let a = 0; a < N; a++) {
      const x = signal[a]![t]!, y = forward[a]![t]!;
      if (x - x === 0 && y - y === 0) {
        xs[n] = x;
        ys[n] = y;
        n++;
      }
    }
    if (n >= minAssets) {
      nTimestamps++;
      if (!quantileLabels(xs, n, q, labels, scratch)) nTiedEdges++;
      bucketSum.fill(0);
      bucketCount.fill(0);
      for (let i = 0; i < n; i++) {
        const k = labels[i]!;
        bucketSum[k] = bucketSum[k]! + ys[i]!;
        bucketCount[k] = bucketCount[k]! + 1;
      }
      for (let k = 0; k < q; k++) {
        const c = bucketCount[k]!;
        poolSum[k] = poolSum[k]! + bucketSum[k]!;
        countByQuantile[k] = countByQuantile[k]! + c;
        if (c > 0) {
          const m = bucketSum[k]! / c;
          returnsByQuantile[k]![t] = m;
          running[k] = running[k]! + m;
        }
      }
      longShort[t] = returnsByQuantile[q - 1]![t]! - returnsByQuantile[0]![t]!;
    }
    for (let k = 0; k < q; k++) cumulativeByQuantile[k]![t] = running[k]!;
  }
  const meanByQuantile = new Float64Array(q);
  for (let k = 0; k < q; k++) {
    meanByQuantile[k] = countByQuantile[k]! > 0 ? poolSum[k]! / countByQuantile[k]! : NaN;
  }
  const ls = meanTStats(longShort, horizon);
  return {
    meanByQuantile,
    countByQuantile,
    returnsByQuantile,
    cumulativeByQuantile,
    longShort,
    longShortMean: ls.mean,
    longShortTStat: ls.tStat,
    longShortTStatNeweyWest: ls.tStatNeweyWest,
    nTimestamps,
    nTiedEdges,
  };
}

/** Mean, naive and Newey-West t-stats of the finite values of a series. */
function meanTStats(
  x: Float64Array,
  horizon: number,
): { mean: number; tStat: number; tStatNeweyWest: number } {
  const v = new Float64Array(x.length);
  let n = 0, s = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!)) {
      v[n++] = x[i]!;
      s += x[i]!;
    }
  }
  if (n < 2) return { mean: n === 1 ? s : NaN, tStat: NaN, tStatNeweyWest: NaN };
  const mean = s / n;
  const resid = v.subarray(0, n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    resid[i] = resid[i]! - mean;
    ss += resid[i]! * resid[i]!;
  }
  const tStat = mean / Math.sqrt(ss / (n - 1) / n);
  const lags = Math.max(horizon - 1, neweyWestDefaultLags(n));
  const se = neweyWest([new Float64Array(n).fill(1)], resid, { lags }).standardErrors[0]!;
  return { mean, tStat, tStatNeweyWest: mean / se };
}
