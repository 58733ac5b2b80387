/**
 * The Engle-Granger (augmented, two-step) cointegration test, with statsmodels 0.13.5
 * `coint(y0, y1, trend, method="aeg", maxlag, autolag)` semantics.
 *
 * @module
 */
import type { Series } from "./types.ts";
import { leastSquares } from "./least_squares.ts";
import { type AdfAutolag, adfCore } from "./_adf_core.ts";
import { resolveAdfOptions, resolveMaxLag } from "./_adf_input.ts";
import { mackinnoncrit, mackinnonp } from "./mackinnon.ts";

/** Options of {@link engleGranger}; defaults follow statsmodels `coint`. */
export interface EngleGrangerOptions {
  /**
   * Deterministic terms of the cointegrating regression: `"c"` constant (default), `"ct"`
   * constant and linear trend, `"ctt"` plus a quadratic trend, `"n"` none (then there are no
   * critical values, as in statsmodels).
   */
  trend?: "c" | "ct" | "ctt" | "n";
  /** Lag selection of the ADF on the residuals: "aic" (default), "bic", "t-stat" or null. */
  autolag?: AdfAutolag;
  /** Maximum lag of the ADF on the residuals (default: statsmodels' rule for n rows). */
  maxlag?: number;
  /**
   * Rows where any input is non-finite: `"raise"` (default) trims leading/trailing missing rows
   * and refuses a gap inside; `"drop"` uses only the rows where every input is finite (fine for
   * log prices, whose level simply skips the missing bar).
   */
  missing?: "raise" | "drop";
  /**
   * Skip the refusal of stationary inputs (see {@link engleGranger}). Set it when the inputs
   * are known to be I(1) but a short sample makes them look stationary, or in a screening loop
   * that has already checked each series once with `adf` (this also saves up to two ADF fits
   * per call).
   */
  allowStationaryInputs?: boolean;
}

/** The result of {@link engleGranger}. */
export interface EngleGrangerResult {
  /** ADF tau statistic of the residuals (regression "n"); -Infinity when y is an exact fit of x. */
  readonly statistic: number;
  /** MacKinnon (1994) cointegration p-value, N = number of series, regression = trend. */
  readonly pValue: number;
  /** MacKinnon (2010) critical values for N series and nobs - 1 (NaN for trend "n"). */
  readonly criticalValues: { readonly "1%": number; readonly "5%": number; readonly "10%": number };
  /** Coefficient of the first x in the cointegrating regression: spread = y - hedgeRatio x - intercept. */
  readonly hedgeRatio: number;
  /** Coefficients of every x, in input order. */
  readonly hedgeRatios: Float64Array;
  /** Constant of the cointegrating regression (0 for trend "n"). */
  readonly intercept: number;
  /** Residuals of the cointegrating regression, aligned with the input (NaN on unused rows). */
  readonly residuals: Float64Array;
  /** Lags in the ADF on the residuals (NaN when the fit is exact). */
  readonly usedLag: number;
  /** Rows used in the cointegrating regression. */
  readonly nobs: number;
  /** Observations in the ADF regression on the residuals (nobs - 1 - usedLag). */
  readonly adfNobs: number;
}

const SQRTEPS = Math.sqrt(2.220446049250313e-16);
/**
 * The refusal threshold on each input's own ADF (regression "c", autolag "aic") p-value. Returns
 * reject a unit root with p-values around 1e-10 or smaller; an integrated series falls under
 * 0.001 about once in a thousand by chance, so genuine log-price pairs are almost never refused
 * (at 0.01 about 1% of simulated cointegrated pairs and 1 in 500 real hourly pairs were).
 */
export const STATIONARY_INPUT_P = 0.001;

function asColumns(x: Series | readonly Series[]): readonly Series[] {
  if (x instanceof Float64Array) return [x];
  if (x.length === 0) {
    throw new RangeError(
      "Cannot compute Engle-Granger: x is empty; pass a series or a list of series",
    );
  }
  return typeof x[0] === "number" ? [x as Series] : (x as readonly Series[]);
}

/**
 * Engle-Granger test of cointegration between `y` and one or more `x` (Engle and Granger 1987;
 * the augmented version with MacKinnon's p-values).
 *
 * **Null hypothesis: no cointegration** (every linear combination of the series keeps a unit
 * root). Step 1 regresses `y` on `x` (plus the deterministic `trend`); step 2 runs an ADF
 * (regression "n", lag chosen by `autolag`) on the residuals, the spread. A small p-value
 * (say < 0.05) rejects the null: the spread `y - hedgeRatio x - intercept` mean-reverts. The
 * p-value comes from MacKinnon's cointegration surface for N = 1 + number of x series (not the
 * ADF one: the hedge ratio was fitted, which pushes the statistic down); near a threshold use
 * `criticalValues` (MacKinnon 2010, finite sample). The test is not symmetric: regressing x on
 * y can give another answer. Equals statsmodels 0.13.5
 * `coint(y, x, trend, method="aeg", maxlag, autolag)`.
 *
 * **Refusal.** Cointegration is a property of integrated, I(1), series such as log prices. When
 * every input already rejects a unit root on its own (ADF "c"/"aic" p < {@link STATIONARY_INPUT_P} = 0.001), the inputs look
 * like returns or a return spread: a spread of stationary series is stationary by construction,
 * so the test would "find" cointegration that says nothing about the pair. That call throws a
 * RangeError; pass log prices, or `{allowStationaryInputs: true}` to test anyway.
 *
 * Like statsmodels, when y is an exact linear function of x (R^2 >= 1 - 100 sqrt(eps)) the ADF
 * is skipped: statistic -Infinity, p-value 0, usedLag NaN.
 *
 * Cost: O(n k^2) for the cointegrating regression (Householder QR) plus O(n maxlag +
 * maxlag^3) for the ADF, and up to two more ADFs for the refusal check.
 *
 * References: Engle, R.F. and Granger, C.W.J. (1987), "Co-integration and error correction",
 * Econometrica 55, 251-276; MacKinnon, J.G. (1994), J. Business & Economic Statistics 12,
 * 167-176; MacKinnon, J.G. (2010), Queen's Economics Working Paper 1227 (free:
 * https://ideas.repec.org/p/qed/wpaper/1227.html).
 *
 * @param y log prices of the first asset (the dependent series)
 * @param x log prices of the second asset, or a list of series (up to 5)
 * @param options trend, autolag, maxlag, missing, allowStationaryInputs
 *
 * @example A planted cointegrated pair, and a refused return spread
 * ```ts
 * import { engleGranger } from "@lib/stats/engle_granger.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(11);
 * const n = 1000, x = new Float64Array(n), y = new Float64Array(n);
 * let e = 0;
 * for (let t = 0; t < n; t++) {
 *   x[t] = (t > 0 ? x[t - 1]! : 3) + 0.01 * rng.normal();
 *   e = 0.8 * e + 0.005 * rng.normal();
 *   y[t] = 1.5 * x[t]! + 0.2 + e;
 * }
 * const r = engleGranger(y, x);
 * assert.ok(r.pValue < 0.01 && Math.abs(r.hedgeRatio - 1.5) < 0.05);
 * const ry = new Float64Array(n - 1), rx = new Float64Array(n - 1);
 * for (let t = 1; t < n; t++) {
 *   ry[t - 1] = y[t]! - y[t - 1]!;
 *   rx[t - 1] = x[t]! - x[t - 1]!;
 * }
 * assert.throws(() => engleGranger(ry, rx), /stationary by construction/);
 * ```
 */
export function engleGranger(
  y: Series,
  x: Series | readonly Series[],
  options: EngleGrangerOptions = {},
): EngleGrangerResult {
  const what = "Engle-Granger";
  const xs = asColumns(x);
  const k = xs.length;
  if (k > 5) {
    throw new RangeError(
      `Cannot compute ${what}: at most 5 x series (MacKinnon's p-values cover N <= 6 series), got ${k}`,
    );
  }
  const n0 = y.length;
  for (let j = 0; j < k; j++) {
    if (xs[j]!.length !== n0) {
      throw new RangeError(
        `Cannot compute ${what}: y has ${n0} values but x[${j}] has ${
          xs[j]!.length
        }; align the series on one time grid first`,
      );
    }
  }
  const trend = options.trend ?? "c";
  if (trend !== "c" && trend !== "ct" && trend !== "ctt" && trend !== "n") {
    throw new RangeError(
      `Cannot compute ${what}: trend must be "c", "ct", "ctt" or "n", got ${JSON.stringify(trend)}`,
    );
  }
  // autolag: null (use maxlag lags) must survive; only undefined means the default "aic".
  const { autolag } = resolveAdfOptions(
    options.autolag === undefined ? {} : { autolag: options.autolag },
    what,
  );
  const missing = options.missing ?? "raise";
  if (missing !== "raise" && missing !== "drop") {
    throw new RangeError(
      `Cannot compute ${what}: missing must be "raise" or "drop", got ${missing}`,
    );
  }

  // Rows used: all inputs finite.
  const ok = new Uint8Array(n0);
  let first = -1, last = -1, count = 0;
  for (let t = 0; t < n0; t++) {
    let fine = Number.isFinite(y[t]!);
    for (let j = 0; fine && j < k; j++) fine = Number.isFinite(xs[j]![t]!);
    if (fine) {
      ok[t] = 1;
      count++;
      if (first < 0) first = t;
      last = t;
    }
  }
  if (missing === "raise" && count > 0 && count !== last - first + 1) {
    let gap = first;
    while (ok[gap]) gap++;
    throw new RangeError(
      `Cannot compute ${what}: row ${gap} has a missing value inside the data (rows ${first}..${last} ` +
        `are otherwise complete). Forward-fill the prices before taking logs, or pass ` +
        `{missing: "drop"} to use only the rows where every series is finite`,
    );
  }
  const n = count;
  // Every row complete and typed already (a screening loop's compacted pair): read the inputs
  // in place; nothing below writes to them.
  const inPlace = n === n0 && y instanceof Float64Array &&
    xs.every((c) => c instanceof Float64Array);
  const yv = inPlace ? (y as Float64Array) : new Float64Array(n);
  const xv = inPlace ? (xs as Float64Array[]) : xs.map(() => new Float64Array(n));
  for (let t = 0, r = 0; !inPlace && t < n0; t++) {
    if (!ok[t]) continue;
    yv[r] = y[t]!;
    for (let j = 0; j < k; j++) xv[j]![r] = xs[j]![t]!;
    r++;
  }
  const r = engleGrangerComplete(
    yv,
    xv,
    trend,
    autolag,
    options.maxlag,
    options.allowStationaryInputs ?? false,
  );
  if (n === n0) return r;
  // Aligned with the input.
  const residuals = new Float64Array(n0).fill(NaN);
  for (let t = 0, q = 0; t < n0; t++) if (ok[t]) residuals[t] = r.residuals[q++]!;
  return { ...r, residuals };
}

/**
 * {@link engleGranger} on rows that are all finite (internal: `screenPairs` calls it on a
 * pair's common complete rows without the per-row checks): the same result, residuals on those
 * rows, written into `scratch` when it is given and long enough (then they are only valid
 * until its next use).
 */
export function engleGrangerComplete(
  yv: Float64Array,
  xv: readonly Float64Array[],
  trend: "c" | "ct" | "ctt" | "n",
  autolag: AdfAutolag,
  maxlagOption: number | undefined,
  allowStationaryInputs: boolean,
  scratch?: Float64Array,
): EngleGrangerResult {
  const what = "Engle-Granger";
  const n = yv.length, k = xv.length;
  const maxlag = resolveMaxLag(n, "n", maxlagOption, what);

  if (!allowStationaryInputs) refuseStationary(yv, xv, what);

  // Step 1: the cointegrating regression.
  const fit = k === 1 && trend === "c"
    ? fitPair(
      yv,
      xv[0]!,
      scratch !== undefined && scratch.length >= n ? scratch.subarray(0, n) : undefined,
    )
    : fitGeneral(yv, xv, trend);
  if (fit === null) {
    throw new RangeError(
      `Cannot compute ${what}: the regressors are collinear (an x series is constant or a ` +
        `combination of the others and the trend terms)`,
    );
  }
  // Centred total sum of squares of y (fitPair has it already, summed the same way).
  const tss = fit.tss ?? totalSumOfSquares(yv, trend === "n");
  const rsquared = 1 - fit.ssr / tss;

  // Step 2: ADF without deterministic terms on the residuals.
  let statistic = -Infinity, usedLag = NaN, adfNobs = NaN;
  if (rsquared < 1 - 100 * SQRTEPS) {
    const core = adfCore(fit.residuals, "n", autolag, maxlag);
    statistic = core.statistic;
    usedLag = core.usedLag;
    adfNobs = core.nobs;
  }
  const nSeries = k + 1;
  const crit = trend === "n" ? [NaN, NaN, NaN] : mackinnoncrit(nSeries, trend, n - 1);
  const residuals = fit.residuals;
  const hedgeRatios = fit.coef;
  return {
    statistic,
    pValue: mackinnonp(statistic, trend, nSeries),
    criticalValues: { "1%": crit[0]!, "5%": crit[1]!, "10%": crit[2]! },
    hedgeRatio: hedgeRatios[0]!,
    hedgeRatios,
    intercept: fit.intercept,
    residuals,
    usedLag,
    nobs: n,
    adfNobs,
  };
}

/** Sum of squares of y about its mean (about 0 when `raw`). */
function totalSumOfSquares(y: Float64Array, raw: boolean): number {
  const n = y.length;
  let tss = 0;
  if (raw) {
    for (let i = 0; i < n; i++) tss += y[i]! * y[i]!;
    return tss;
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += y[i]!;
  m /= n;
  for (let i = 0; i < n; i++) tss += (y[i]! - m) * (y[i]! - m);
  return tss;
}

interface CointFit {
  coef: Float64Array;
  intercept: number;
  residuals: Float64Array;
  ssr: number;
  /** Centred sum of squares of y, when the fit computed it on the way. */
  tss?: number;
}

/**
 * y on [1, x] (the pairs case) in closed form on centred data: as accurate as QR for one
 * regressor and several times faster than the general kernel.
 */
function fitPair(y: Float64Array, x: Float64Array, into?: Float64Array): CointFit | null {
  const n = y.length;
  let my = 0, mx = 0;
  for (let i = 0; i < n; i++) {
    my += y[i]!;
    mx += x[i]!;
  }
  my /= n;
  mx /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return null;
  const b = sxy / sxx;
  const residuals = into ?? new Float64Array(n);
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - my - b * (x[i]! - mx);
    residuals[i] = e;
    ssr += e * e;
  }
  return { coef: Float64Array.of(b), intercept: my - b * mx, residuals, ssr, tss: syy };
}

/** The general case by Householder QR, columns in statsmodels' order [x..., 1, t, t^2]. */
function fitGeneral(y: Float64Array, xs: readonly Float64Array[], trend: string): CointFit | null {
  const n = y.length, k = xs.length;
  const cols: Float64Array[] = [...xs];
  if (trend !== "n") cols.push(new Float64Array(n).fill(1));
  if (trend === "ct" || trend === "ctt") {
    cols.push(Float64Array.from({ length: n }, (_, i) => i + 1));
  }
  if (trend === "ctt") cols.push(Float64Array.from({ length: n }, (_, i) => (i + 1) * (i + 1)));
  const fit = leastSquares(cols, y);
  if (fit === null) return null;
  return {
    coef: fit.coef.slice(0, k),
    intercept: trend === "n" ? 0 : fit.coef[k]!,
    residuals: fit.residuals,
    ssr: fit.ssr,
  };
}

/** Throw when every input rejects a unit root on its own (they look like returns). */
function refuseStationary(y: Float64Array, xs: readonly Float64Array[], what: string): void {
  const all = [y, ...xs];
  const pValues: number[] = [];
  for (const s of all) {
    const p = stationaryP(s);
    if (!(p < STATIONARY_INPUT_P)) return; // one input keeps its unit root: a legitimate question
    pValues.push(p);
  }
  throw new RangeError(
    `Cannot compute ${what}: every input rejects a unit root on its own (ADF p-values ${
      pValues.map((p) => p.toExponential(1)).join(", ")
    } < ${STATIONARY_INPUT_P}), so they look like returns or a return spread, not prices. A spread of ` +
      `stationary series is stationary by construction, so a cointegration test on it says ` +
      `nothing about the pair. Pass log prices (cumulative log returns); if the inputs really ` +
      `are I(1) levels, pass {allowStationaryInputs: true}`,
  );
}

function stationaryP(s: Float64Array): number {
  const maxlag = resolveMaxLag(s.length, "c", undefined, "Engle-Granger input check");
  try {
    return mackinnonp(adfCore(s, "c", "aic", maxlag).statistic, "c", 1);
  } catch {
    return NaN; // a constant input cannot be judged here; the regression below reports it
  }
}
