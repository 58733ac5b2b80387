/**
 * The augmented Dickey-Fuller unit-root test, with statsmodels 0.13.5 `adfuller` semantics.
 *
 * @module
 */
import type { Series } from "./types.ts";
import { type AdfAutolag, adfCore, type AdfRegression } from "./_adf_core.ts";
import { finiteRun, resolveAdfOptions, resolveMaxLag } from "./_adf_input.ts";
import { mackinnoncrit, mackinnonp } from "./mackinnon.ts";

export type { AdfAutolag, AdfRegression };

/** Options of {@link adf}; defaults follow statsmodels `adfuller`. */
export interface AdfOptions {
  /**
   * Deterministic terms in the test regression: `"c"` constant (default), `"ct"` constant and
   * linear trend, `"ctt"` constant, linear and quadratic trend, `"n"` none.
   */
  regression?: AdfRegression;
  /**
   * How to choose the number of lagged differences among 0..maxlag: `"aic"` (default) or
   * `"bic"` minimise the information criterion over a common sample; `"t-stat"` starts at
   * maxlag and drops lags until the last one is significant at 5% (|t| >= 1.645); `null` uses
   * exactly `maxlag` lags.
   */
  autolag?: AdfAutolag;
  /**
   * Largest lag considered (or used, with `autolag: null`). Default (statsmodels, after Schwert
   * 1989): `ceil(12 (n/100)^(1/4))`, capped at `floor(n/2) - ntrend - 1`, where `ntrend` is the
   * number of deterministic terms.
   */
  maxlag?: number;
}

/** The result of {@link adf}. */
export interface AdfResult {
  /** The tau statistic: t-value of the lagged level in the ADF regression. */
  readonly statistic: number;
  /** MacKinnon's (1994, 2010 tables) approximate p-value of `statistic` (asymptotic). */
  readonly pValue: number;
  /** Number of lagged differences in the final regression. */
  readonly usedLag: number;
  /** Observations in the final regression (n - 1 - usedLag). */
  readonly nobs: number;
  /** MacKinnon (2010) finite-sample critical values for `nobs`: reject at a level if below. */
  readonly criticalValues: { readonly "1%": number; readonly "5%": number; readonly "10%": number };
  /** The best information criterion (AIC/BIC), or |t| of the last lag for "t-stat"; null without autolag. */
  readonly icBest: number | null;
  /** The maximum lag searched (the default rule or the `maxlag` option). */
  readonly maxLag: number;
  /** Index in the input of the first value used (leading non-finite values are skipped). */
  readonly start: number;
}

/**
 * Augmented Dickey-Fuller test of a unit root in a series (Dickey and Fuller 1979).
 *
 * **Null hypothesis: the series has a unit root** (it is integrated, like a log price: shocks
 * never die out). The alternative is stationarity (around a constant for `"c"`, a trend for
 * `"ct"`). A small p-value (say < 0.05) rejects the unit root: the series mean-reverts. A large
 * p-value does not prove a unit root; the test has little power against slow mean reversion.
 * The p-value comes from MacKinnon's asymptotic response surface; near a threshold compare
 * `statistic` with `criticalValues` (finite-sample, for `nobs`) instead.
 *
 * The regression is `dx_t = a + b t + gamma x_{t-1} + sum_{i=1..p} phi_i dx_{t-i} + e_t`
 * (deterministic part per `regression`); the statistic is the t-value of gamma. Results equal
 * statsmodels 0.13.5 `adfuller(x, maxlag, regression, autolag)` (lag search on a common sample,
 * then the chosen lag refitted on all the rows it leaves): `statistic` to ~1e-10 relative, the
 * same `usedLag`, `nobs` and critical values.
 *
 * Missing data: leading and trailing non-finite values are skipped (`start` says where the
 * data begins); a NaN inside the series is refused with a RangeError. Drop or fill gaps first:
 * forward-fill prices before taking logs, or test the longest gap-free stretch.
 *
 * Cost: O(n maxlag + maxlag^3) (one sliding cross-product matrix and one Cholesky factor give
 * every lag's fit; see `_adf_core.ts`), against O(n maxlag^3) for refitting each lag.
 *
 * References: Dickey, D.A. and Fuller, W.A. (1979), "Distribution of the estimators for
 * autoregressive time series with a unit root", JASA 74, 427-431; MacKinnon, J.G. (1994),
 * J. Business & Economic Statistics 12, 167-176; MacKinnon, J.G. (2010), "Critical values for
 * cointegration tests", Queen's Economics Working Paper 1227 (free:
 * https://ideas.repec.org/p/qed/wpaper/1227.html).
 *
 * @param x the series, e.g. log prices (not returns: returns are stationary by construction)
 * @param options regression, autolag, maxlag (statsmodels defaults)
 *
 * @example A random walk keeps its unit root; a mean-reverting series rejects it
 * ```ts
 * import { adf } from "@lib/stats/adf.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(7);
 * const walk = new Float64Array(1000), ar = new Float64Array(1000);
 * for (let t = 1; t < 1000; t++) {
 *   walk[t] = walk[t - 1]! + rng.normal();
 *   ar[t] = 0.5 * ar[t - 1]! + rng.normal();
 * }
 * assert.ok(adf(walk).pValue > 0.05);
 * const r = adf(ar, { regression: "c", autolag: "aic" });
 * assert.ok(r.pValue < 0.01 && r.statistic < r.criticalValues["1%"]);
 * ```
 */
export function adf(x: Series, options: AdfOptions = {}): AdfResult {
  const what = "ADF";
  const { regression, autolag } = resolveAdfOptions(options, what);
  const { start, values } = finiteRun(x, what);
  const maxlag = resolveMaxLag(values.length, regression, options.maxlag, what);
  const core = adfCore(values, regression, autolag, maxlag);
  const crit = mackinnoncrit(1, regression, core.nobs);
  return {
    statistic: core.statistic,
    pValue: mackinnonp(core.statistic, regression, 1),
    usedLag: core.usedLag,
    nobs: core.nobs,
    criticalValues: { "1%": crit[0], "5%": crit[1], "10%": crit[2] },
    icBest: core.icBest,
    maxLag: core.maxLag,
    start,
  };
}
