/**
 * The Kolari-Pynnonen (2010) adjustment of the BMP test for cross-correlated (clustered) events.
 *
 * @module
 */
import type { AbnormalReturns } from "./abnormal_returns.ts";
import { bmpTest, twoSidedT } from "./bmp_test.ts";

/** Options of {@link kolariPynnonenTest}. */
export interface KolariPynnonenOptions {
  /**
   * Fewest common finite estimation bars for a pair's residual correlation to count; a pair with
   * fewer contributes 0 to the average.
   * @default {30}
   */
  readonly minOverlap?: number;
}

/** Default of {@link KolariPynnonenOptions}, stated once. */
export const KOLARI_PYNNONEN_DEFAULTS = { minOverlap: 30 } as const;

/** Result of {@link kolariPynnonenTest}. */
export interface KolariPynnonenTest {
  /** Average cross-correlation r-bar of the events' estimation residuals (weighted, see the function). */
  readonly meanCorrelation: number;
  /** Pairs whose CAR windows overlap in time (the only pairs that contribute). */
  readonly overlappingPairs: number;
  /** BMP statistic before the adjustment. */
  readonly bmpStatistic: number;
  /** Adjusted t = t_BMP sqrt((1 - r) / (1 + (n - 1) r)); NaN when r <= -1 / (n - 1), which no correlation matrix allows. */
  readonly statistic: number;
  /** Two-sided p from t(n - 1). */
  readonly pValue: number;
  readonly n: number;
}

/**
 * Kolari and Pynnonen (2010) adjusted BMP test: when events share calendar time their abnormal
 * returns are correlated, the BMP standard error is too small and the test over-rejects. With
 * r-bar the average cross-correlation of the events' estimation-period residuals, the statistic
 * is `t_BMP sqrt((1 - r) / (1 + (n - 1) r))` (their eq. 13). Null: mean SCAR = 0.
 *
 * The paper treats events on one common date. Here events may fall at any bar, so each pair
 * (i, j) contributes `rho_ij w_ij`: rho_ij is the correlation of their estimation residuals over
 * their common calendar bars (0 with fewer than `minOverlap`), w_ij the fraction of the CAR
 * window the two share in calendar time (0 when they do not overlap, 1 on a common date). This
 * is what the covariance of two standardized CARs is when residuals are serially uncorrelated,
 * and it reduces to the paper's r-bar when all events share a date. Cost: O(overlapping pairs x
 * estimation length) after an O(n log n) sort.
 *
 * Reference: Kolari and Pynnonen (2010), "Event Study Testing with Cross-sectional Correlation of
 * Abnormal Returns", Review of Financial Studies 23(11), 3996-4025.
 *
 * @example Two identical events: r-bar = 1 and no evidence at all
 * ```ts
 * import { abnormalReturns } from "@lib/research/events/abnormal_returns.ts";
 * import { kolariPynnonenTest } from "@lib/research/events/kolari_pynnonen.ts";
 * import assert from "node:assert/strict";
 * const m = Float64Array.from({ length: 400 }, (_, t) => 0.01 * Math.sin(t * 1.3));
 * const a = Float64Array.from(m, (v, t) => v + 0.003 * Math.cos(t * 2.9));
 * const b = Float64Array.from(m, (v, t) => v + 0.003 * Math.sin(t * 0.7));
 * const ar = abnormalReturns([a, b, a], [m], [{ asset: 0, bar: 300 }, { asset: 1, bar: 300 }, { asset: 2, bar: 300 }]);
 * const kp = kolariPynnonenTest(ar);
 * assert.equal(kp.overlappingPairs, 3);
 * ```
 */
export function kolariPynnonenTest(
  ab: AbnormalReturns,
  options: KolariPynnonenOptions = {},
): KolariPynnonenTest {
  const minOverlap = options.minOverlap ?? KOLARI_PYNNONEN_DEFAULTS.minOverlap;
  const n = ab.events.length;
  const bmp = bmpTest(ab.scar);
  const est0 = ab.estimationWindow[0];
  const estLen = ab.estimationWindow[1] - est0 + 1;
  const L2 = ab.carWindow[1] - ab.carWindow[0] + 1;
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) =>
    ab.events[p]!.bar - ab.events[q]!.bar || p - q
  );
  let sum = 0;
  let pairs = 0;
  const e = ab.residuals;
  for (let u = 0; u < n; u++) {
    const i = order[u]!;
    const bi = ab.events[i]!.bar;
    for (let v = u + 1; v < n; v++) {
      const j = order[v]!;
      const d = ab.events[j]!.bar - bi; // >= 0
      if (d >= L2) break;
      pairs++;
      const w = (L2 - d) / L2;
      // common calendar bars: residual index of i is s, of j is s - d
      let c = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let s = d; s < estLen; s++) {
        const x = e[i * estLen + s]!;
        const y = e[j * estLen + s - d]!;
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        c++;
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
      }
      if (c < minOverlap) continue;
      const cov = sxy - sx * sy / c;
      const vx = sxx - sx * sx / c;
      const vy = syy - sy * sy / c;
      const rho = vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : 0;
      sum += w * rho;
    }
  }
  const r = n > 1 ? sum / (n * (n - 1) / 2) : 0;
  const statistic = bmp.statistic * Math.sqrt((1 - r) / (1 + (n - 1) * r));
  return {
    meanCorrelation: r,
    overlappingPairs: pairs,
    bmpStatistic: bmp.statistic,
    statistic,
    pValue: twoSidedT(statistic, n - 1),
    n,
  };
}
