/**
 * Engle-Granger cointegration on trailing windows: is a pair's relation stable over time?
 *
 * @module
 */
import { engleGranger, type EngleGrangerResult } from "@lib/stats/engle_granger.ts";
import type { AdfAutolag } from "@lib/stats/adf.ts";
import type { Series } from "@lib/stats/types.ts";
import { checkSameLength, logPricesOf } from "./_prices.ts";

/** Options of {@link rollingCointegration}. */
export interface RollingCointegrationOptions {
  /** Bars in each trailing window (an integer >= 20). */
  readonly window: number;
  /** Bars between consecutive window ends (default 1: every bar; larger is proportionally cheaper). */
  readonly step?: number;
  /**
   * Minimum bars in a window where both legs are finite; fewer gives NaN for that window.
   * Default `ceil(0.8 window)`, so a few missing candles do not blank a window.
   */
  readonly minObs?: number;
  /** Deterministic terms of the cointegrating regression (default `"c"`, as statsmodels `coint`). */
  readonly trend?: "c" | "ct" | "ctt" | "n";
  /** Lag selection of the ADF on the residuals (default `"aic"`). */
  readonly autolag?: AdfAutolag;
  /** Maximum ADF lag per window (default: statsmodels' rule for the window's length). */
  readonly maxlag?: number;
  /** `false` (default): `y`, `x` are prices, logged here; `true`: already log prices. */
  readonly logPrices?: boolean;
}

/** What {@link rollingCointegration} returns: one entry per window, in time order. */
export interface RollingCointegration {
  /** Index (bar) of the last bar of each window: the window is `end - window + 1 .. end`. */
  readonly end: Int32Array;
  /** Engle-Granger ADF statistic of each window (NaN when the window had too few bars). */
  readonly statistic: Float64Array;
  /** MacKinnon p-value of each window. */
  readonly pValue: Float64Array;
  /** OLS hedge ratio of log y on log x in each window. */
  readonly hedgeRatio: Float64Array;
  /** Intercept of the cointegrating regression in each window. */
  readonly intercept: Float64Array;
  /** Complete bars used in each window. */
  readonly nobs: Int32Array;
  /** The whole-sample test on every complete bar, for reference. */
  readonly fullSample: EngleGrangerResult;
}

/**
 * Engle-Granger (`engleGranger`, statsmodels `coint` semantics) of log y on log x on trailing
 * windows ending at bars `window - 1`, `window - 1 + step`, ...: a time series of p-values and
 * hedge ratios. A pair whose p-value is small in some windows only, or whose hedge ratio
 * drifts, is not a stable pair, whatever its whole-sample p-value says. Each window uses only
 * its own bars (no look-ahead) and only those where both legs are finite.
 *
 * Pass prices (logged here; a non-positive value is refused) or `{logPrices: true}`. The
 * refusal of stationary inputs (returns) runs once, on the whole sample (`fullSample`); inside
 * a window a short stretch of a log price can look stationary, so windows skip that check.
 * A window with fewer than `minObs` complete bars or a constant leg gives NaN. These windowed
 * p-values are many overlapping tests: read them as a stability diagnostic, not as a test.
 *
 * Cost: O((n / step) (window + maxlag^3)), one cointegration test per window.
 *
 * @example A pair that decouples halfway is cointegrated in early windows only
 * ```ts
 * import { rollingCointegration } from "@lib/research/pairs/rolling_cointegration.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(5);
 * const n = 2000, x = new Float64Array(n), y = new Float64Array(n);
 * let lx = 3, ly = 0, e = 0;
 * for (let t = 0; t < n; t++) {
 *   lx += 0.01 * rng.normal();
 *   e = 0.8 * e + 0.005 * rng.normal();
 *   ly += 0.01 * rng.normal();
 *   x[t] = Math.exp(lx);
 *   y[t] = Math.exp(t < 1000 ? 1.2 * lx + e : 1.2 * 3 + ly);
 * }
 * const r = rollingCointegration(y, x, { window: 500, step: 500 });
 * assert.deepEqual(Array.from(r.end), [499, 999, 1499, 1999]);
 * assert.ok(r.pValue[0]! < 0.01 && r.pValue[3]! > 0.05);
 * ```
 */
export function rollingCointegration(
  y: Series,
  x: Series,
  options: RollingCointegrationOptions,
): RollingCointegration {
  const what = "rolling cointegration";
  checkSameLength(y, x, what);
  const { window } = options;
  const step = options.step ?? 1;
  if (!Number.isInteger(window) || window < 20) {
    throw new RangeError(`Cannot compute ${what}: window must be an integer >= 20, got ${window}`);
  }
  if (!Number.isInteger(step) || step < 1) {
    throw new RangeError(`Cannot compute ${what}: step must be an integer >= 1, got ${step}`);
  }
  const minObs = options.minObs ?? Math.ceil(0.8 * window);
  if (!Number.isInteger(minObs) || minObs < 20 || minObs > window) {
    throw new RangeError(
      `Cannot compute ${what}: minObs must be an integer in [20, window=${window}], got ${minObs}`,
    );
  }
  const alreadyLog = options.logPrices ?? false;
  const ly = logPricesOf(y, alreadyLog, what, "y");
  const lx = logPricesOf(x, alreadyLog, what, "x");
  const egOptions = {
    trend: options.trend ?? "c",
    autolag: options.autolag === undefined ? "aic" : options.autolag,
    ...(options.maxlag === undefined ? {} : { maxlag: options.maxlag }),
  } as const;
  const fullSample = engleGranger(ly, lx, { ...egOptions, missing: "drop" });
  const n = ly.length;
  const count = n >= window ? Math.floor((n - window) / step) + 1 : 0;
  const end = new Int32Array(count);
  const statistic = new Float64Array(count).fill(NaN);
  const pValue = new Float64Array(count).fill(NaN);
  const hedgeRatio = new Float64Array(count).fill(NaN);
  const intercept = new Float64Array(count).fill(NaN);
  const nobs = new Int32Array(count);
  const wy = new Float64Array(window), wx = new Float64Array(window);
  for (let k = 0; k < count; k++) {
    const e = window - 1 + k * step;
    end[k] = e;
    let m = 0;
    let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
    for (let t = e - window + 1; t <= e; t++) {
      const a = ly[t]!, b = lx[t]!;
      if (Number.isFinite(a) && Number.isFinite(b)) {
        wy[m] = a;
        wx[m++] = b;
        if (b < xMin) xMin = b;
        if (b > xMax) xMax = b;
        if (a < yMin) yMin = a;
        if (a > yMax) yMax = a;
      }
    }
    nobs[k] = m;
    if (m < minObs || !(xMax > xMin) || !(yMax > yMin)) continue;
    const r = engleGranger(wy.subarray(0, m), wx.subarray(0, m), {
      ...egOptions,
      allowStationaryInputs: true,
    });
    statistic[k] = r.statistic;
    pValue[k] = r.pValue;
    hedgeRatio[k] = r.hedgeRatio;
    intercept[k] = r.intercept;
  }
  return { end, statistic, pValue, hedgeRatio, intercept, nobs, fullSample };
}
