import type { Series } from "./types.ts";
import { checkRollingBeta } from "./_validate.ts";

/** Options for {@link rollingBeta} and `rollingBetaCausal`. */
export interface RollingBetaOptions {
  /**
   * Minimum number of complete (both finite) pairs in a window for a value; fewer gives `NaN`.
   * An integer in [2, window]. Default `window`, as pandas `rolling(window)` (whose
   * `min_periods` defaults to the window): pass less to bridge small gaps.
   */
  readonly minObs?: number;
}

/**
 * Rolling OLS slope of `y` on `x` (with intercept): `beta[t] = cov(x, y) / var(x)` over the
 * `window` rows ending at `t` inclusive, counting only rows where both are finite. The value at
 * `t` uses row `t` itself; for a beta that could have been known before row `t` trades, use
 * `rollingBetaCausal`.
 *
 * Typical use: the beta of an asset's log returns (`y`) to BTC's (`x`). The pandas equivalent
 * is `y.rolling(w, min_periods=m).cov(xm) / xm.rolling(w, min_periods=m).var()` with
 * `xm = x.where(y.notna())`.
 *
 * O(1) per step: means and co-moments are updated with Welford's add/remove formulas (B. P.
 * Welford, Technometrics 4(3), 1962), which, unlike raw sums of squares, do not cancel
 * catastrophically when the mean is large. Rounding still accumulates over many add/remove
 * steps, so every `window` steps the window's moments are recomputed exactly (two-pass), which
 * costs O(window) once per window: O(1) amortized, O(n) in all, and the error never grows past
 * one window's worth. `NaN` where fewer than `minObs` complete pairs or `var(x)` is 0.
 *
 * @example Beta of 2 with noise-free data
 * ```ts
 * import { rollingBeta } from "@lib/stats/rolling_beta.ts";
 * import assert from "node:assert/strict";
 * const x = [0.01, -0.02, 0.03, NaN, 0.01, -0.01];
 * const y = x.map((v) => 2 * v + 0.001);
 * const b = rollingBeta(y, x, 3, { minObs: 2 });
 * assert.ok(Number.isNaN(b[0]!));
 * assert.ok(Math.abs(b[2]! - 2) < 1e-12);
 * assert.ok(Math.abs(b[4]! - 2) < 1e-12); // window rows 2..4 hold 2 complete pairs
 * ```
 */
export function rollingBeta(
  y: Series,
  x: Series,
  window: number,
  options: RollingBetaOptions = {},
): Float64Array {
  const minObs = checkRollingBeta(y, x, window, options, "rolling beta");
  const n = y.length;
  const out = new Float64Array(n).fill(NaN);
  let cnt = 0, mx = 0, my = 0, sxx = 0, sxy = 0;
  for (let t = 0; t < n; t++) {
    const xa = x[t]!, ya = y[t]!;
    if (Number.isFinite(xa) && Number.isFinite(ya)) {
      cnt++;
      const dx = xa - mx;
      mx += dx / cnt;
      my += (ya - my) / cnt;
      sxx += dx * (xa - mx);
      sxy += dx * (ya - my);
    }
    const old = t - window;
    if (old >= 0) {
      const xo = x[old]!, yo = y[old]!;
      if (Number.isFinite(xo) && Number.isFinite(yo)) {
        cnt--;
        if (cnt === 0) {
          mx =
            my =
            sxx =
            sxy =
              0;
        } else {
          const dx = xo - mx;
          mx -= dx / cnt;
          my -= (yo - my) / cnt;
          sxx -= dx * (xo - mx);
          sxy -= dx * (yo - my);
        }
      }
    }
    if ((t + 1) % window === 0) {
      // exact two-pass recomputation over rows (t - window, t]
      let c = 0, ax = 0, ay = 0;
      for (let i = t - window + 1; i <= t; i++) {
        const xi = x[i]!, yi = y[i]!;
        if (Number.isFinite(xi) && Number.isFinite(yi)) {
          c++;
          ax += xi;
          ay += yi;
        }
      }
      cnt = c;
      mx = c > 0 ? ax / c : 0;
      my = c > 0 ? ay / c : 0;
      sxx = 0;
      sxy = 0;
      for (let i = t - window + 1; i <= t; i++) {
        const xi = x[i]!, yi = y[i]!;
        if (Number.isFinite(xi) && Number.isFinite(yi)) {
          const dx = xi - mx;
          sxx += dx * dx;
          sxy += dx * (yi - my);
        }
      }
    }
    if (cnt >= minObs && sxx > 0) out[t] = sxy / sxx;
  }
  return out;
}
