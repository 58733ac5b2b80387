/**
 * The crypto factor model: per asset, rolling OLS betas of its log returns on BTC's and ETH's,
 * with alpha, R² and (causal, out-of-sample) residual returns.
 *
 * @module
 */
import { rollingOls, type RollingOlsResult } from "../stats/rolling_ols.ts";
import type { Panel } from "../panel/types.ts";
import { resolveFactorAsset } from "./factor_assets.ts";

/**
 * Version of the model's definition (the fitting and row-picking rules below). It is part of
 * every materialized run id: bump it whenever a change would alter any stored number.
 */
export const FACTOR_MODEL_VERSION = "factor-model/1";

/** Options of {@link factorModel}; every field is optional. */
export interface FactorModelOptions {
  /** Bars in each rolling regression window (an integer >= 3). Default 720 (30 days of 1h). */
  readonly window?: number | undefined;
  /**
   * Complete rows (asset and every factor of the fit finite) a window needs for a fit; fewer
   * gives NaN. An integer in [3, window]. Default `max(3, ceil(window / 2))`: a short exchange outage
   * does not blank a whole window of betas, while a newly listed asset gets betas only after
   * half a window of history.
   */
  readonly minObs?: number | undefined;
  /**
   * The factors: one or two names, the first standing for BTC and the second for ETH, each
   * resolved to a panel asset by {@link resolveFactorAsset} (exact label first, then `BTC` ->
   * `BTCUSDT`, `BTC/USDT`, ...). Default `["BTC", "ETH"]`. With one factor every asset is fit on
   * it alone and `betaEth` is NaN throughout.
   */
  readonly factors?: readonly string[] | undefined;
  /**
   * `true` (default): the coefficients at t are fit on the window ending at t-1 and the
   * residual at t is out of sample. `false`: the window ends at t (statsmodels `RollingOLS`)
   * and the residual at t is in sample.
   */
  readonly causal?: boolean | undefined;
}

/** How an asset enters the model. */
export type FactorRole = "btc" | "eth" | "asset";

/** One asset's rolling fit; every array is on the panel's index. */
export interface AssetFactorFit {
  readonly asset: string;
  /**
   * `btc`: the first factor, fit on an intercept only; `eth`: the second factor, fit on BTC
   * only; `asset`: everything else, fit on BTC and ETH (BTC only where ETH is missing).
   */
  readonly role: FactorRole;
  /** Intercept per bar (log-return units). */
  readonly alpha: Float64Array;
  /** Slope on the BTC factor; NaN for the BTC factor itself (it has no slope). */
  readonly betaBtc: Float64Array;
  /**
   * Slope on the ETH factor; NaN on rows that use the BTC-only fit, and for the two factors.
   * A finite `alpha` with a NaN `betaEth` marks a BTC-only row.
   */
  readonly betaEth: Float64Array;
  /** R² of the fit in its window (centred: 0 for the intercept-only BTC fit). */
  readonly rSquared: Float64Array;
  /**
   * `r[t] - alpha[t] - betaBtc[t] btc[t] - betaEth[t] eth[t]` (missing terms left out); out of
   * sample when causal. NaN where the asset's return, a factor return used, or the fit is.
   */
  readonly residuals: Float64Array;
  /**
   * Complete rows in the window of the fit used at t; the coefficients are NaN where this is
   * below `minObs`.
   */
  readonly nobs: Int32Array;
}

/** What {@link factorModel} returns. */
export interface FactorModelResult {
  /** The panel's index (bar open times, UTC ms). */
  readonly index: Float64Array;
  /** The resolved factor assets: `[btc]` or `[btc, eth]`. */
  readonly factors: readonly string[];
  readonly window: number;
  readonly minObs: number;
  readonly causal: boolean;
  /** One fit per panel asset, in panel order. */
  readonly assets: readonly AssetFactorFit[];
}

/** The panel fields {@link factorModel} reads. */
export type FactorModelPanel = Pick<Panel, "assets" | "index" | "logReturns">;

/** {@link FactorModelOptions} with every default filled in. */
export interface ResolvedFactorModelOptions {
  readonly window: number;
  readonly minObs: number;
  /** The factor names as given (not yet resolved to panel assets). */
  readonly factors: readonly string[];
  readonly causal: boolean;
}

/**
 * Fill in the defaults of {@link FactorModelOptions} and check them, throwing a `RangeError`
 * that names the option and what to pass. Cost: O(1).
 *
 * @example Defaults filled in, bad values refused
 * ```ts
 * import { resolveFactorModelOptions } from "@lib/research/factor_model.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(resolveFactorModelOptions({}), {
 *   window: 720, minObs: 360, factors: ["BTC", "ETH"], causal: true,
 * });
 * assert.throws(() => resolveFactorModelOptions({ window: 10, minObs: 11 }), /minObs/);
 * ```
 */
export function resolveFactorModelOptions(
  options: FactorModelOptions,
): ResolvedFactorModelOptions {
  const window = options.window ?? 720;
  if (!(Number.isInteger(window) && window >= 3)) {
    throw new RangeError(
      `Cannot fit the factor model: window must be an integer >= 3, got ${window}`,
    );
  }
  // at least 3 (two points fit any line), so the smallest windows work with the default
  const minObs = options.minObs ?? Math.max(3, Math.ceil(window / 2));
  if (!(Number.isInteger(minObs) && minObs >= 3 && minObs <= window)) {
    throw new RangeError(
      `Cannot fit the factor model: minObs must be an integer in [3, window = ${window}], ` +
        `got ${minObs}`,
    );
  }
  const factors = options.factors ?? ["BTC", "ETH"];
  if (factors.length < 1 || factors.length > 2) {
    throw new RangeError(
      `Cannot fit the factor model: give one or two factors (BTC, then ETH), got ` +
        `${factors.length}`,
    );
  }
  return { window, minObs, factors, causal: options.causal ?? true };
}

/**
 * Fit the BTC/ETH factor model to every asset of a panel with rolling OLS.
 *
 * For each asset with log returns `r`, and factor log returns `b` (BTC) and `e` (ETH):
 * - an ordinary asset gets two rolling fits, `r ~ 1 + b + e` and `r ~ 1 + b`, and each row t
 *   reports the two-factor coefficients when that fit exists at t (its window has `minObs`
 *   complete rows), else the BTC-only ones (`betaEth` NaN). Where ETH is missing for too much of
 *   the window (before ETH listed, a long ETH outage) the row is explained by BTC alone instead
 *   of being lost. The choice depends only on the window, never on the bar at t, so a causal
 *   row's coefficients use data up to t-1 only. A row whose own ETH return is missing gets the
 *   BTC-only residual (the two-factor one cannot be formed without `e[t]`);
 * - ETH (the second factor) is fit on BTC only, `r ~ 1 + b`;
 * - BTC (the first factor) is fit on an intercept only, `r ~ 1`: `alpha` is its rolling mean
 *   return, `betaBtc` NaN (a factor has no beta to itself worth storing; it would be 1 with a
 *   zero residual), `rSquared` 0 and the residual its demeaned return.
 *
 * Each fit is {@link rollingOls} (`lib/stats/rolling_ols.ts`): rows with a non-finite value
 * inside a window are skipped, and a window with fewer than `minObs` complete rows gives NaN.
 * Causal by default: the coefficients at t come from the window ending at t-1 and
 * `residuals[t] = r[t] - alpha[t] - betaBtc[t] b[t] - betaEth[t] e[t]` is out of sample, the
 * residual return a researcher could have computed at t's close; with `causal: false` the
 * window ends at t, as statsmodels `RollingOLS(r, add_constant(X), window, min_nobs=minObs)`.
 *
 * Use it to split returns into market (BTC/ETH) exposure and idiosyncratic residuals, e.g.
 * for residual momentum, beta-neutral portfolios or hedging. Reference: Fama & French (1993),
 * "Common risk factors in the returns on stocks and bonds" (the time-series regression);
 * statsmodels' RollingOLS documentation for the rolling fit. Cost: O(rows x assets) with
 * O(1)-per-step rolling updates (two fits per asset).
 *
 * @example Planted betas on a synthetic panel
 * ```ts
 * import { factorModel } from "@lib/research/factor_model.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const n = 400, rng = createRng(7);
 * const btc = new Float64Array(n), eth = new Float64Array(n), alt = new Float64Array(n);
 * for (let t = 0; t < n; t++) {
 *   btc[t] = 0.01 * rng.normal();
 *   eth[t] = 0.8 * btc[t]! + 0.01 * rng.normal();
 *   alt[t] = 1.2 * btc[t]! + 0.5 * eth[t]! + 0.002 * rng.normal();
 * }
 * const index = Float64Array.from({ length: n }, (_, t) => t * 3_600_000);
 * const fit = factorModel(
 *   { assets: ["BTCUSDT", "ETHUSDT", "ALTUSDT"], index, logReturns: [btc, eth, alt] },
 *   { window: 200 },
 * );
 * const a = fit.assets[2]!;
 * assert.ok(Math.abs(a.betaBtc[n - 1]! - 1.2) < 0.1);
 * assert.ok(Math.abs(a.betaEth[n - 1]! - 0.5) < 0.1);
 * assert.ok(Number.isNaN(a.betaBtc[99]!)); // fewer than minObs = 100 rows before t = 100
 * assert.ok(Number.isNaN(fit.assets[0]!.betaBtc[n - 1]!)); // BTC: intercept only
 * ```
 */
export function factorModel(
  panel: FactorModelPanel,
  options: FactorModelOptions = {},
): FactorModelResult {
  const n = panel.index.length;
  const { window, minObs, factors: names, causal } = resolveFactorModelOptions(options);
  if (panel.logReturns.length !== panel.assets.length) {
    throw new RangeError(
      `Cannot fit the factor model: ${panel.assets.length} assets but ` +
        `${panel.logReturns.length} log-return columns`,
    );
  }
  const factors = names.map((f) => resolveFactorAsset(panel.assets, f));
  if (factors.length === 2 && factors[0] === factors[1]) {
    throw new RangeError(
      `Cannot fit the factor model: both factors resolve to ${factors[0]}; pass two assets`,
    );
  }
  const column = (asset: string) => panel.logReturns[panel.assets.indexOf(asset)]!;
  const btc = column(factors[0]!);
  const eth = factors.length === 2 ? column(factors[1]!) : undefined;
  const ols = { window, minObs, causal };
  const assets: AssetFactorFit[] = [];
  for (let a = 0; a < panel.assets.length; a++) {
    const asset = panel.assets[a]!;
    const r = panel.logReturns[a]!;
    if (r.length !== n) {
      throw new RangeError(
        `Cannot fit the factor model: ${asset} has ${r.length} returns, the index ${n} rows`,
      );
    }
    if (asset === factors[0]) {
      assets.push({ asset, role: "btc", ...interceptOnlyFit(r, window, minObs, causal) });
    } else if (eth === undefined || asset === factors[1]) {
      const one = rollingOls(r, [btc], ols);
      const fit = pick(n, undefined, one, undefined);
      assets.push({ asset, role: asset === factors[1] ? "eth" : "asset", ...fit });
    } else {
      const two = rollingOls(r, [btc, eth], ols);
      const one = rollingOls(r, [btc], ols);
      assets.push({ asset, role: "asset", ...pick(n, two, one, eth) });
    }
  }
  return { index: panel.index, factors, window, minObs, causal, assets };
}

type Columns = Omit<AssetFactorFit, "asset" | "role">;

/**
 * Row by row: the coefficients (alpha, betas, R², nobs) of the two-factor fit where it exists at
 * t, else of the BTC-only fit, so which model a row reports depends only on the data inside its
 * window (never on the bar at t when causal); the residual at t is the two-factor residual when
 * that fit exists and `eth[t]` is finite, else the BTC-only residual.
 */
function pick(
  n: number,
  two: RollingOlsResult | undefined,
  one: RollingOlsResult,
  eth: Float64Array | undefined,
): Columns {
  const alpha = new Float64Array(n), betaBtc = new Float64Array(n);
  const betaEth = new Float64Array(n).fill(NaN);
  const rSquared = new Float64Array(n), residuals = new Float64Array(n);
  const nobs = new Int32Array(n);
  const b1 = one.betas[0]!;
  for (let t = 0; t < n; t++) {
    const e = eth === undefined ? NaN : eth[t]!;
    const a2 = two === undefined ? NaN : two.alpha[t]!;
    if (two !== undefined && a2 === a2) {
      alpha[t] = a2;
      betaBtc[t] = two.betas[0]![t]!;
      betaEth[t] = two.betas[1]![t]!;
      rSquared[t] = two.rSquared[t]!;
      residuals[t] = Number.isFinite(e) ? two.residuals[t]! : one.residuals[t]!;
      nobs[t] = two.nobs[t]!;
    } else {
      alpha[t] = one.alpha[t]!;
      betaBtc[t] = b1[t]!;
      rSquared[t] = one.rSquared[t]!;
      residuals[t] = one.residuals[t]!;
      nobs[t] = one.nobs[t]!;
    }
  }
  return { alpha, betaBtc, betaEth, rSquared, residuals, nobs };
}

/**
 * `r ~ 1` over the same windows as {@link rollingOls}: alpha is the mean of the finite returns
 * in the window (window ending at t, or at t-1 when causal), NaN below `minObs` of them.
 * Sums are re-anchored exactly every `window` steps so rounding never builds up.
 */
function interceptOnlyFit(
  r: Float64Array,
  window: number,
  minObs: number,
  causal: boolean,
): Columns {
  const n = r.length;
  const alpha = new Float64Array(n).fill(NaN), rSquared = new Float64Array(n).fill(NaN);
  const residuals = new Float64Array(n).fill(NaN), betaBtc = new Float64Array(n).fill(NaN);
  const betaEth = new Float64Array(n).fill(NaN), nobs = new Int32Array(n);
  const shift = causal ? 1 : 0;
  let sum = 0, count = 0;
  for (let end = 0; end + shift < n; end++) {
    // window covers rows end-window+1 .. end; its fit is reported at row end + shift
    const add = r[end]!;
    if (Number.isFinite(add)) {
      sum += add;
      count++;
    }
    const drop = end - window;
    if (drop >= 0) {
      const v = r[drop]!;
      if (Number.isFinite(v)) {
        sum -= v;
        count--;
      }
    }
    if (drop >= 0 && drop % window === 0) {
      sum = 0;
      for (let i = drop + 1; i <= end; i++) if (Number.isFinite(r[i]!)) sum += r[i]!;
    }
    const t = end + shift;
    nobs[t] = count;
    if (count >= minObs) {
      const m = sum / count;
      alpha[t] = m;
      rSquared[t] = 0;
      const y = r[t]!;
      residuals[t] = Number.isFinite(y) ? y - m : NaN;
    }
  }
  return { alpha, betaBtc, betaEth, rSquared, residuals, nobs };
}
