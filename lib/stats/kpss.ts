/**
 * The KPSS stationarity test, with statsmodels 0.13.5 `kpss` semantics.
 *
 * @module
 */
import type { Series } from "./types.ts";
import { finiteRun } from "./_adf_input.ts";

/** Options of {@link kpss}; defaults follow statsmodels `kpss`. */
export interface KpssOptions {
  /** `"c"` (default): stationary around a level; `"ct"`: stationary around a linear trend. */
  regression?: "c" | "ct";
  /**
   * Bartlett-kernel bandwidth of the long-run variance: `"auto"` (default, Hobijn, Franses and
   * Ooms 1998 data-dependent rule), `"legacy"` (`ceil(12 (n/100)^(1/4))`, statsmodels before
   * 0.12), or a number of lags in [0, n).
   */
  lags?: "auto" | "legacy" | number;
}

/** The result of {@link kpss}. */
export interface KpssResult {
  /** The KPSS statistic (eta / long-run variance). Large values reject stationarity. */
  readonly statistic: number;
  /** p-value interpolated in the Kwiatkowski et al. (1992) table, clipped to [0.01, 0.1]. */
  readonly pValue: number;
  /** Bandwidth (lags) used in the long-run variance. */
  readonly lags: number;
  /** Kwiatkowski et al. (1992) asymptotic critical values: reject at a level if above. */
  readonly criticalValues: {
    readonly "10%": number;
    readonly "5%": number;
    readonly "2.5%": number;
    readonly "1%": number;
  };
  /**
   * Present when the statistic fell outside the table (statsmodels warns
   * InterpolationWarning): `"smaller"` means the true p-value is below the 0.01 returned,
   * `"greater"` that it is above the 0.1 returned.
   */
  readonly pValueClipped?: "smaller" | "greater";
  /** Observations used. */
  readonly nobs: number;
}

const P_TABLE = [0.1, 0.05, 0.025, 0.01];
const CRIT_C = [0.347, 0.463, 0.574, 0.739];
const CRIT_CT = [0.119, 0.146, 0.176, 0.216];

/** numpy.interp for an increasing table: clamps outside [xp[0], xp[last]]. */
function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  const last = xp.length - 1;
  if (Number.isNaN(x)) return NaN;
  if (x <= xp[0]!) return fp[0]!;
  if (x >= xp[last]!) return fp[last]!;
  let j = 0;
  while (x >= xp[j + 1]!) j++;
  const slope = (fp[j + 1]! - fp[j]!) / (xp[j + 1]! - xp[j]!);
  return slope * (x - xp[j]!) + fp[j]!;
}

/** sum_t e[t] e[t - lag]. */
function autoProduct(e: Float64Array, lag: number): number {
  let s = 0;
  for (let t = lag; t < e.length; t++) s += e[t]! * e[t - lag]!;
  return s;
}

/** Hobijn et al. (1998) bandwidth, statsmodels `_kpss_autolag`. */
function autoLags(e: Float64Array): number {
  const n = e.length;
  const covlags = Math.trunc(Math.pow(n, 2 / 9));
  let s0 = autoProduct(e, 0) / n;
  let s1 = 0;
  for (let i = 1; i <= covlags; i++) {
    const prod = autoProduct(e, i) / (n / 2);
    s0 += prod;
    s1 += i * prod;
  }
  const sHat = s1 / s0;
  const gammaHat = 1.1447 * Math.pow(sHat * sHat, 1 / 3);
  return Math.trunc(gammaHat * Math.pow(n, 1 / 3));
}

/**
 * KPSS test (Kwiatkowski, Phillips, Schmidt and Shin 1992) of stationarity.
 *
 * **Null hypothesis: the series is stationary** (around a level for `"c"`, around a linear
 * trend for `"ct"`); the alternative is a unit root. This is the reverse of {@link adf}: here a
 * small p-value (< 0.05) rejects stationarity. Running both is common: ADF not rejecting and
 * KPSS rejecting together point to a unit root; the opposite pair to stationarity.
 *
 * The statistic is `sum_t S_t^2 / (n^2 s^2)` with `S_t` the partial sums of the residuals from
 * the mean (or a linear trend) and `s^2` the Bartlett-kernel (Newey-West) long-run variance with
 * `lags` lags. The p-value is linearly interpolated in the four-point table of Kwiatkowski et
 * al. (1992) and therefore clipped to [0.01, 0.1]; `pValueClipped` says when and which way.
 * Equals statsmodels 0.13.5 `kpss(x, regression, nlags)`.
 *
 * Missing data: leading and trailing non-finite values are skipped; a NaN inside is refused
 * (forward-fill prices first, or test a gap-free stretch).
 *
 * Cost: O(n lags).
 *
 * References: Kwiatkowski, D., Phillips, P.C.B., Schmidt, P. and Shin, Y. (1992), "Testing the
 * null hypothesis of stationarity against the alternative of a unit root", Journal of
 * Econometrics 54, 159-178; Hobijn, B., Franses, P.H. and Ooms, M. (1998), "Generalizations of
 * the KPSS-test for stationarity", Econometric Institute Report 9802/A, Erasmus University
 * (free: https://repub.eur.nl/pub/1536).
 *
 * @param x the series
 * @param options regression ("c" | "ct"), lags ("auto" | "legacy" | number)
 *
 * @example White noise is stationary; a random walk is not
 * ```ts
 * import { kpss } from "@lib/stats/kpss.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(5);
 * const noise = new Float64Array(1000), walk = new Float64Array(1000);
 * for (let t = 0; t < 1000; t++) {
 *   noise[t] = rng.normal();
 *   walk[t] = (t > 0 ? walk[t - 1]! : 0) + rng.normal();
 * }
 * assert.ok(kpss(noise).pValue > 0.05);
 * const r = kpss(walk, { regression: "c", lags: "auto" });
 * assert.equal(r.pValue, 0.01);
 * assert.equal(r.pValueClipped, "smaller"); // the true p-value is below 0.01
 * ```
 */
export function kpss(x: Series, options: KpssOptions = {}): KpssResult {
  const what = "KPSS";
  const regression = options.regression ?? "c";
  if (regression !== "c" && regression !== "ct") {
    throw new RangeError(
      `Cannot compute ${what}: regression must be "c" or "ct", got ${JSON.stringify(regression)}`,
    );
  }
  const { values } = finiteRun(x, what);
  const n = values.length;
  if (n < 3) {
    throw new RangeError(`Cannot compute ${what}: need at least 3 observations, got ${n}`);
  }
  const e = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  if (regression === "c") {
    for (let i = 0; i < n; i++) e[i] = values[i]! - mean;
  } else {
    // OLS on [1, t] with the trend centred: exact residuals without a conditioning problem.
    const mid = (n - 1) / 2;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < n; i++) {
      const t = i - mid;
      sxy += t * (values[i]! - mean);
      sxx += t * t;
    }
    const b = sxy / sxx;
    for (let i = 0; i < n; i++) e[i] = values[i]! - mean - b * (i - mid);
  }
  const crit = regression === "c" ? CRIT_C : CRIT_CT;
  const lagsOpt = options.lags ?? "auto";
  let lags: number;
  if (lagsOpt === "legacy") {
    lags = Math.min(Math.ceil(12 * Math.pow(n / 100, 1 / 4)), n - 1);
  } else if (lagsOpt === "auto") {
    lags = Math.min(autoLags(e), n - 1);
  } else if (typeof lagsOpt === "number") {
    if (!Number.isInteger(lagsOpt) || lagsOpt < 0 || lagsOpt >= n) {
      throw new RangeError(
        `Cannot compute ${what}: lags must be an integer in [0, ${
          n - 1
        }] for ${n} observations, got ${lagsOpt}`,
      );
    }
    lags = lagsOpt;
  } else {
    throw new RangeError(
      `Cannot compute ${what}: lags must be "auto", "legacy" or a number, got ${
        JSON.stringify(lagsOpt)
      }`,
    );
  }
  let cum = 0, eta = 0;
  for (let i = 0; i < n; i++) {
    cum += e[i]!;
    eta += cum * cum;
  }
  eta /= n * n;
  let sHat = autoProduct(e, 0);
  for (let i = 1; i <= lags; i++) sHat += 2 * autoProduct(e, i) * (1 - i / (lags + 1));
  sHat /= n;
  const statistic = eta / sHat;
  const pValue = interp(statistic, crit, P_TABLE);
  const base = {
    statistic,
    pValue,
    lags,
    criticalValues: { "10%": crit[0]!, "5%": crit[1]!, "2.5%": crit[2]!, "1%": crit[3]! },
    nobs: n,
  };
  if (pValue === P_TABLE[3]) return { ...base, pValueClipped: "smaller" };
  if (pValue === P_TABLE[0]) return { ...base, pValueClipped: "greater" };
  return base;
}
