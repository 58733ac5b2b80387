import type { RollingBetaOptions, Series } from "./types.ts";
import { checkRollingBeta } from "./_validate.ts";
import { CONSTANT_TOL, DRIFT_TOL } from "./_rolling_ols_kernels.ts";

export type { RollingBetaOptions } from "./types.ts";

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
 * one window's worth. A window whose rolled `var(x)` has fallen to the rounding residue of what
 * passed through it (eight zero returns of an illiquid coin reached by removals) is recomputed
 * exactly before it is judged. `NaN` where fewer than `minObs` complete pairs or `var(x)` is 0
 * (to 1e-12 of x's magnitude: a constant x, such as a run of zero returns or a stale price).
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
  const mom = new Float64Array(5);
  let cnt = 0, mx = 0, my = 0, sxx = 0, sxy = 0;
  // Squared x deviations fed to sxx since the last exact recompute (see DRIFT_TOL).
  let acc = 0;
  for (let t = 0; t < n; t++) {
    const xa = x[t]!, ya = y[t]!;
    if (Number.isFinite(xa) && Number.isFinite(ya)) {
      cnt++;
      const dx = xa - mx;
      acc += dx * dx;
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
            acc =
              0;
        } else {
          const dx = xo - mx;
          acc += dx * dx;
          mx -= dx / cnt;
          my -= (yo - my) / cnt;
          sxx -= dx * (xo - mx);
          sxy -= dx * (yo - my);
        }
      }
    }
    if (
      (t + 1) % window === 0 || (cnt >= minObs && acc > 0 && sxx <= DRIFT_TOL * acc)
    ) {
      // Exact two-pass moments over rows (t - window, t]: once per window to bound rounding
      // drift, and before judging a window whose rolled sxx is down to a rounding residue
      // (eight zero returns reached by removals): there sxy / sxx would be a ratio of noise.
      twoPassBeta(x, y, Math.max(0, t - window + 1), t, mom);
      cnt = mom[0]!;
      mx = mom[1]!;
      my = mom[2]!;
      sxx = mom[3]!;
      sxy = mom[4]!;
      acc = 0;
    }
    if (cnt >= minObs && sxx > CONSTANT_TOL * (sxx + cnt * mx * mx)) out[t] = sxy / sxx;
  }
  return out;
}

/** Exact two-pass [count, mean x, mean y, sxx, sxy] of the complete pairs in rows [lo, hi]. */
function twoPassBeta(x: Series, y: Series, lo: number, hi: number, mom: Float64Array): void {
  let c = 0, ax = 0, ay = 0;
  for (let i = lo; i <= hi; i++) {
    const xi = x[i]!, yi = y[i]!;
    if (Number.isFinite(xi) && Number.isFinite(yi)) {
      c++;
      ax += xi;
      ay += yi;
    }
  }
  const mx = c > 0 ? ax / c : 0, my = c > 0 ? ay / c : 0;
  let sxx = 0, sxy = 0;
  for (let i = lo; i <= hi; i++) {
    const xi = x[i]!, yi = y[i]!;
    if (Number.isFinite(xi) && Number.isFinite(yi)) {
      const dx = xi - mx;
      sxx += dx * dx;
      sxy += dx * (yi - my);
    }
  }
  mom[0] = c;
  mom[1] = mx;
  mom[2] = my;
  mom[3] = sxx;
  mom[4] = sxy;
}
