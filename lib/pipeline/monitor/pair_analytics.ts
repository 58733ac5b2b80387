/**
 * The live monitor's analytics of one pair: the research library's own estimators on the bars
 * the stream has closed, nothing re-implemented.
 *
 * @module
 */
import { engleGranger } from "@lib/stats/engle_granger.ts";
import { pearson } from "@lib/stats/pearson.ts";
import { ols } from "@lib/stats/ols.ts";
import { spreadZScore } from "@lib/research/pairs/spread.ts";
import { pairsMeanReversion } from "@lib/backtest/strategies/pairs_mean_reversion.ts";

/** How the monitor estimates the hedge ratio: the two choices of the pairs strategy. */
export type MonitorHedge = "rolling-ols" | "kalman";

/** Options of {@link pairAnalytics}; defaults in {@link PAIR_ANALYTICS_DEFAULTS}. */
export interface PairAnalyticsOptions {
  /**
   * Bars of every rolling window: the causal rolling OLS of log y on log x, the spread's
   * z-score, the correlation of log returns and the Engle-Granger test. An integer >= 20
   * (Engle-Granger needs 20 bars). @default 60
   */
  readonly window?: number;
  /** `"rolling-ols"` or `"kalman"` (Chan 2013 defaults), as `pairsMeanReversion`. @default "rolling-ols" */
  readonly hedge?: MonitorHedge;
  /** Entry threshold of |z| (the z-bands and the strategy's position). @default 2 */
  readonly z?: number;
  /** Exit band of the strategy's position (`zScoreSignals`). @default min(0.5, z / 2) */
  readonly exit?: number;
  /** Stop band of the strategy's position. @default 4, or 2 z for z >= 4 (`monitorStop`) */
  readonly stop?: number;
  /**
   * Engle-Granger p-values are computed for the windows ending at the last bar and every
   * `pValueStep` bars before it within the last `pValueBars` bars (each is one ADF fit).
   * @default 1
   */
  readonly pValueStep?: number;
  /** How many trailing bars get a windowed p-value. @default 300 */
  readonly pValueBars?: number;
}

/** Defaults of {@link PairAnalyticsOptions}, stated once. */
export const PAIR_ANALYTICS_DEFAULTS = {
  window: 60,
  hedge: "rolling-ols" as MonitorHedge,
  z: 2,
  exit: 0.5,
  stop: 4,
  pValueStep: 1,
  pValueBars: 300,
} as const;

/** The Engle-Granger test of the window ending at the last bar. */
export interface WindowStationarity {
  /** Bars in the window, and those where both legs are present. */
  readonly window: number;
  readonly nobs: number;
  /** ADF tau of the residuals of log y on log x (NaN when the window cannot be tested). */
  readonly statistic: number;
  /** MacKinnon p-value (H0: no cointegration; small = the spread looks stationary). */
  readonly pValue: number;
  /** OLS hedge ratio of the window's cointegrating regression. */
  readonly hedgeRatio: number;
  readonly criticalValues: { readonly "1%": number; readonly "5%": number; readonly "10%": number };
  /** What the number is worth, in one sentence (shown beside it). */
  readonly caveat: string;
  /** Why no test was run, when none was. */
  readonly error?: string;
}

/** What {@link pairAnalytics} returns: one entry per bar of the input grid. */
export interface PairAnalytics {
  readonly window: number;
  readonly hedge: MonitorHedge;
  readonly z: number;
  /** Bar open times, UTC ms. */
  readonly ts: Float64Array;
  /** Closes of y and x (NaN where a leg has no bar). */
  readonly y: Float64Array;
  readonly x: Float64Array;
  /** Closes divided by the first close present in the series (1 at the start). */
  readonly yNormalized: Float64Array;
  readonly xNormalized: Float64Array;
  /** The hedge ratio known before bar t (causal rolling OLS slope, or the Kalman slope through t-1). */
  readonly hedgeRatio: Float64Array;
  /** The causal spread (log y - a - b log x with the ratio known before t). */
  readonly spread: Float64Array;
  /** Rolling mean and std of the spread over the window ending at t-1 (bands: mean +/- z std). */
  readonly spreadMean: Float64Array;
  readonly spreadStd: Float64Array;
  /** The spread's causal z-score. */
  readonly zScore: Float64Array;
  /** Pearson correlation of the legs' log returns over the window ending at t (inclusive). */
  readonly correlation: Float64Array;
  /** Engle-Granger p-value of the window ending at t (NaN where not computed). */
  readonly pValue: Float64Array;
  /**
   * The regression behind the rolling-OLS hedge ratio at t: `ols` of log y on an intercept and
   * log x over the `window` bars ending at t - 1 (known before t; with hedge=kalman the same
   * OLS, to compare with the filter). Computed where all `window` bars have both legs, for the
   * last `pValueBars` bars (as the p-values); NaN elsewhere.
   */
  readonly regression: WindowRegression;
  /** The pairs strategy's position at t's close (+1 long the spread, -1 short, 0 flat). */
  readonly position: Int8Array;
  /** The test of the last window. */
  readonly stationarity: WindowStationarity;
}

/** Per-bar output of the causal window OLS (see {@link PairAnalytics.regression}). */
export interface WindowRegression {
  readonly intercept: Float64Array;
  /** Equal to the rolling-OLS hedge ratio (same window and estimator). */
  readonly slope: Float64Array;
  /** Centered R². */
  readonly rSquared: Float64Array;
  /** Residual standard deviation, `sqrt(ssr / (nobs - 2))` (statsmodels `sqrt(scale)`). */
  readonly residualStd: Float64Array;
  /** Classical standard error of the slope (statsmodels `bse[1]`). */
  readonly slopeStdError: Float64Array;
}

const CAVEAT = "Engle-Granger on one short trailing window: overlapping windows are many tests, " +
  "and the hedge ratio is fitted in-sample; read it as a stability gauge, not a test result.";

/**
 * The exit band that goes with an entry threshold `z`: the strategy's 0.5, or `z / 2` for a
 * threshold of 1 or less (the band must lie below the entry).
 *
 * @example
 * ```ts
 * import { monitorExit } from "@lib/pipeline/monitor/pair_analytics.ts";
 * import assert from "node:assert/strict";
 * assert.equal(monitorExit(2), 0.5);
 * assert.equal(monitorExit(0.5), 0.25);
 * ```
 */
export function monitorExit(z: number): number {
  return Math.min(PAIR_ANALYTICS_DEFAULTS.exit, z / 2);
}

/**
 * The stop band that goes with an entry threshold `z`: the strategy's 4, or `2 z` for a
 * threshold of 4 or more (the stop must lie beyond the entry).
 *
 * @example
 * ```ts
 * import { monitorStop } from "@lib/pipeline/monitor/pair_analytics.ts";
 * import assert from "node:assert/strict";
 * assert.equal(monitorStop(2), 4);
 * assert.equal(monitorStop(5), 10);
 * ```
 */
export function monitorStop(z: number): number {
  return z < PAIR_ANALYTICS_DEFAULTS.stop ? PAIR_ANALYTICS_DEFAULTS.stop : 2 * z;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(
      `Cannot compute pair analytics: ${name} must be an integer >= ${min}, got ${v}`,
    );
  }
}

/**
 * Analytics of the pair (y, x) on closes aligned on one bar grid: the hedge ratio, causal spread,
 * z-score and position of `pairsMeanReversion` (the backtest's pairs rule, with `hedgeWindow`
 * and `zWindow` both `window`), the bands of `spreadZScore`, the rolling `pearson` correlation
 * of log returns and `engleGranger` on trailing windows of log prices. Every value at bar t uses
 * bars up to t only, except the in-sample hedge ratio inside each Engle-Granger window (see
 * its caveat). Cost: O(n window) for the correlations plus one ADF fit per p-value.
 *
 * @example Two legs that move together: correlation near 1, a finite z-score
 * ```ts
 * import { pairAnalytics } from "@lib/pipeline/monitor/pair_analytics.ts";
 * import assert from "node:assert/strict";
 * const n = 120;
 * const ts = Float64Array.from({ length: n }, (_, i) => i * 60_000);
 * const x = Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i / 3)));
 * const y = x.map((p, i) => 2 * p ** 1.5 * Math.exp(0.0005 * Math.cos(i)));
 * const a = pairAnalytics(ts, y, x, { window: 30 });
 * assert.ok(a.correlation[n - 1]! > 0.9);
 * assert.ok(Number.isFinite(a.zScore[n - 1]!));
 * assert.equal(a.stationarity.nobs, 30);
 * ```
 */
export function pairAnalytics(
  ts: Float64Array,
  y: Float64Array,
  x: Float64Array,
  options: PairAnalyticsOptions = {},
): PairAnalytics {
  const d = PAIR_ANALYTICS_DEFAULTS;
  const window = options.window ?? d.window;
  const hedge = options.hedge ?? d.hedge;
  const z = options.z ?? d.z;
  const pValueStep = options.pValueStep ?? d.pValueStep;
  const pValueBars = options.pValueBars ?? d.pValueBars;
  checkInt("window", window, 20);
  checkInt("pValueStep", pValueStep, 1);
  checkInt("pValueBars", pValueBars, 0);
  if (!(z > 0) || !Number.isFinite(z)) {
    throw new RangeError(`Cannot compute pair analytics: z must be a number > 0, got ${z}`);
  }
  const n = ts.length;
  if (y.length !== n || x.length !== n) {
    throw new RangeError(
      `Cannot compute pair analytics: ts, y and x must have one length, got ${n}, ${y.length}, ` +
        `${x.length}`,
    );
  }
  const strategy = pairsMeanReversion({ y, x }, {
    hedge,
    hedgeWindow: window,
    zWindow: window,
    entry: z,
    exit: options.exit ?? monitorExit(z),
    stop: options.stop ?? monitorStop(z),
  });
  const bands = spreadZScore(strategy.spread, { window });
  const ly = new Float64Array(n), lx = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    ly[t] = Math.log(y[t]!);
    lx[t] = Math.log(x[t]!);
  }
  const ry = new Float64Array(n).fill(NaN), rx = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) {
    ry[t] = ly[t]! - ly[t - 1]!;
    rx[t] = lx[t]! - lx[t - 1]!;
  }
  const correlation = new Float64Array(n).fill(NaN);
  for (let t = window; t < n; t++) {
    // the window's returns: bars t-window+1..t
    correlation[t] = pearson(
      ry.subarray(t - window + 1, t + 1),
      rx.subarray(t - window + 1, t + 1),
      Math.max(2, Math.ceil(0.8 * window)),
    );
  }
  const pValue = new Float64Array(n).fill(NaN);
  let last: WindowStationarity = {
    window,
    nobs: 0,
    statistic: NaN,
    pValue: NaN,
    hedgeRatio: NaN,
    criticalValues: { "1%": NaN, "5%": NaN, "10%": NaN },
    caveat: CAVEAT,
    error: `fewer than ${window} bars`,
  };
  for (let k = 0; k * pValueStep < Math.min(pValueBars, n - window + 1); k++) {
    const e = n - 1 - k * pValueStep;
    const w = windowTest(ly.subarray(e - window + 1, e + 1), lx.subarray(e - window + 1, e + 1));
    pValue[e] = w.pValue;
    if (k === 0) last = w;
  }
  const regression: WindowRegression = {
    intercept: new Float64Array(n).fill(NaN),
    slope: new Float64Array(n).fill(NaN),
    rSquared: new Float64Array(n).fill(NaN),
    residualStd: new Float64Array(n).fill(NaN),
    slopeStdError: new Float64Array(n).fill(NaN),
  };
  for (let t = Math.max(window, n - pValueBars); t < n; t++) {
    const wy = ly.subarray(t - window, t), wx = lx.subarray(t - window, t);
    let complete = true;
    for (let i = 0; i < window && complete; i++) {
      complete = Number.isFinite(wy[i]!) && Number.isFinite(wx[i]!);
    }
    if (!complete) continue;
    try {
      const f = ols(wy, [wx]);
      regression.intercept[t] = f.coef[0]!;
      regression.slope[t] = f.coef[1]!;
      regression.rSquared[t] = f.rSquared;
      regression.residualStd[t] = Math.sqrt(f.sigma2);
      regression.slopeStdError[t] = f.standardErrors[1]!;
    } catch {
      // a constant leg over the window: no regression (the hedge ratio is NaN there too)
    }
  }
  if (n >= window && pValueBars === 0) {
    last = windowTest(ly.subarray(n - window), lx.subarray(n - window));
  }
  const norm = (p: Float64Array) => {
    let base = NaN;
    for (let t = 0; t < n && Number.isNaN(base); t++) if (Number.isFinite(p[t]!)) base = p[t]!;
    return p.map((v) => v / base);
  };
  return {
    window,
    hedge,
    z,
    ts,
    y,
    x,
    yNormalized: norm(y),
    xNormalized: norm(x),
    hedgeRatio: strategy.hedgeRatio,
    spread: strategy.spread,
    spreadMean: bands.mean,
    spreadStd: bands.std,
    zScore: strategy.zScore,
    correlation,
    pValue,
    regression,
    position: strategy.position,
    stationarity: last,
  };
}

/**
 * The ADF lag cap of a window of `n` bars: statsmodels' rule `ceil(12 (n/100)^(1/4))`, but at
 * most `floor((n - 1) / 4)` so a short window (20 bars: 4 instead of 9) keeps degrees of
 * freedom for the lag search; from about 50 bars on it is statsmodels' rule.
 *
 * @example
 * ```ts
 * import { windowMaxlag } from "@lib/pipeline/monitor/pair_analytics.ts";
 * import assert from "node:assert/strict";
 * assert.equal(windowMaxlag(20), 4);
 * assert.equal(windowMaxlag(60), 11); // statsmodels: ceil(12 * 0.6^0.25)
 * ```
 */
export function windowMaxlag(n: number): number {
  return Math.min(Math.ceil(12 * Math.pow(n / 100, 0.25)), Math.floor((n - 1) / 4));
}

/** Engle-Granger of one window of log prices (rows where both legs are present). */
function windowTest(ly: Float64Array, lx: Float64Array): WindowStationarity {
  const window = ly.length;
  let nobs = 0;
  for (let t = 0; t < window; t++) if (Number.isFinite(ly[t]!) && Number.isFinite(lx[t]!)) nobs++;
  const empty = {
    window,
    nobs,
    statistic: NaN,
    pValue: NaN,
    hedgeRatio: NaN,
    criticalValues: { "1%": NaN, "5%": NaN, "10%": NaN },
    caveat: CAVEAT,
  };
  // the same floor as rollingCointegration's default minObs
  if (nobs < Math.max(20, Math.ceil(0.8 * window))) {
    return { ...empty, error: `only ${nobs} of ${window} bars have both legs` };
  }
  try {
    const r = engleGranger(ly, lx, {
      missing: "drop",
      allowStationaryInputs: true,
      maxlag: windowMaxlag(nobs),
    });
    return {
      window,
      nobs: r.nobs,
      statistic: r.statistic,
      pValue: r.pValue,
      hedgeRatio: r.hedgeRatio,
      criticalValues: r.criticalValues,
      caveat: CAVEAT,
    };
  } catch (e) {
    // a constant leg in a quiet window: no regression exists
    return { ...empty, error: (e as Error).message };
  }
}
