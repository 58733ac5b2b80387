/**
 * Pairs mean reversion on the spread's z-score, both legs as target weights.
 *
 * @module
 */
import { rollingOls } from "@lib/stats/rolling_ols.ts";
import { kalmanHedge, type KalmanHedgeOptions } from "@lib/research/pairs/kalman_hedge.ts";
import { spreadZScore } from "@lib/research/pairs/spread.ts";
import { zScoreSignals } from "@lib/research/pairs/z_score_signals.ts";
import { checkWeight, checkWindow } from "./_existing_bars.ts";
import type { StrategyTargets } from "./types.ts";

/** Close prices of the two legs on one grid (a missing bar is NaN). */
export interface PairPrices {
  /** The leg regressed (long when the spread is long). */
  readonly y: ArrayLike<number>;
  /** The hedge leg. */
  readonly x: ArrayLike<number>;
}

/** Options of {@link pairsMeanReversion}; defaults in {@link PAIRS_MEAN_REVERSION_DEFAULTS}. */
export interface PairsMeanReversionOptions {
  /**
   * `"rolling-ols"`: OLS of log y on log x (with intercept) over the `hedgeWindow` bars
   * ending at t - 1 (`rollingOls(..., {causal: true})`), spread = its out-of-sample residual at
   * t. `"kalman"`: Chan's (2013) Kalman filter (`kalmanHedge`, options in `kalman`), spread =
   * its one-step forecast error at t (state through t - 1).
   * @default "rolling-ols"
   */
  readonly hedge?: "rolling-ols" | "kalman";
  /** Bars of the rolling OLS window. @default 720 (30 days of hourly bars) */
  readonly hedgeWindow?: number;
  /**
   * Fewest bars with both legs present in the OLS window for a ratio (fewer: NaN, no trade).
   * The default, the whole window, makes one missing candle blank the next `hedgeWindow` bars;
   * a smaller value (say 90% of the window) trades through isolated gaps.
   * @default hedgeWindow
   */
  readonly hedgeMinObs?: number;
  /** Options of the Kalman filter (delta, observationVariance, ...). @default {} (Chan's) */
  readonly kalman?: KalmanHedgeOptions;
  /** Bars of the spread's causal rolling z-score (window ending at t - 1). @default 168 */
  readonly zWindow?: number;
  /** Fewest finite spread values in the z-score window (as `hedgeMinObs`). @default zWindow */
  readonly zMinObs?: number;
  /** Enter when |z| reaches this. @default 2 */
  readonly entry?: number;
  /** Exit when z is back within this of 0. @default 0.5 */
  readonly exit?: number;
  /** Stop out when |z| reaches this against the trade (Infinity: no stop). @default 4 */
  readonly stop?: number;
  /**
   * `"beta"`: hold `+1` of y's value against `-beta` of x's (the spread `log y - beta log x`
   * exactly, for small moves), scaled to `gross`: `w_y = p g / (1 + |beta|)`,
   * `w_x = -p beta g / (1 + |beta|)`. `"dollar"`: equal and opposite values,
   * `w_y = p g / 2`, `w_x = -sign(beta) p g / 2` (dollar-neutral, the ratio's size ignored).
   * @default "beta"
   */
  readonly sizing?: "beta" | "dollar";
  /** Gross exposure of an open trade, `|w_y| + |w_x|`. @default 1 */
  readonly gross?: number;
  /**
   * `"entry"`: the hedge ratio of the entry bar is kept until the trade closes (the legs'
   * targets are constant over the trade); `"every-bar"`: the legs follow the latest ratio.
   * @default "entry"
   */
  readonly hedgeUpdate?: "entry" | "every-bar";
}

/** Defaults of {@link PairsMeanReversionOptions}, stated once. */
export const PAIRS_MEAN_REVERSION_DEFAULTS = {
  hedge: "rolling-ols" as "rolling-ols" | "kalman",
  hedgeWindow: 720,
  zWindow: 168,
  entry: 2,
  exit: 0.5,
  stop: 4,
  sizing: "beta" as "beta" | "dollar",
  gross: 1,
  hedgeUpdate: "entry" as "entry" | "every-bar",
} as const;

/** What {@link pairsMeanReversion} returns: targets `[y, x]`, one group, and the inputs of each decision. */
export interface PairsMeanReversionTargets extends StrategyTargets {
  /** The causal spread at each bar (log y - alpha - beta log x with the ratio known before t). */
  readonly spread: Float64Array;
  /** Its causal rolling z-score. */
  readonly zScore: Float64Array;
  /** The hedge ratio that defined the spread at t (NaN in the warm-up). */
  readonly hedgeRatio: Float64Array;
  /** +1 long the spread, -1 short, 0 flat, decided at t's close. */
  readonly position: Int8Array;
  /** Bars where a trade opened, closed on the exit band, closed on the stop. */
  readonly entries: Int32Array;
  readonly exits: Int32Array;
  readonly stops: Int32Array;
}

function logs(p: ArrayLike<number>, leg: string): Float64Array {
  const out = new Float64Array(p.length);
  for (let t = 0; t < p.length; t++) {
    const v = p[t]!;
    if (v === v && !(v > 0 && v < Infinity)) {
      throw new RangeError(
        `Cannot compute a pairs strategy: ${leg} at bar ${t} is ${v}; pass positive close ` +
          `prices (NaN for a missing bar)`,
      );
    }
    out[t] = Math.log(v);
  }
  return out;
}

/**
 * Mean reversion of a pair's spread (Gatev, Goetzmann and Rouwenhorst, "Pairs Trading", RFS
 * 19(3), 2006; E. Chan, "Algorithmic Trading", Wiley 2013, ch. 3): a causal hedge ratio of log y
 * on log x (rolling OLS or Kalman), the spread's causal rolling z-score (`spreadZScore`), the
 * entry/exit/stop band rule (`zScoreSignals`: short the spread at z >= entry, long at
 * z <= -entry, out when z is back within `exit` of 0 or reaches `stop` against the trade, no
 * re-entry after a stop until |z| < entry), and both legs as target weights `[w_y, w_x]` sized
 * by `sizing` (see the option) at `gross` exposure. Every value at bar t uses closes up to t
 * only. Run it with `backtestStrategy` (it passes `groups: [[0, 1]]`, so a round trip spans both
 * legs and the costs of both legs are paid through the engine). O(n).
 *
 * @example A spread that swings: the legs are opposite and sized by the hedge ratio
 * ```ts
 * import { pairsMeanReversion } from "@lib/backtest/strategies/pairs_mean_reversion.ts";
 * import assert from "node:assert/strict";
 * const x = Array.from({ length: 400 }, (_, t) => 100 * Math.exp(0.001 * t + 0.02 * Math.sin(t / 9)));
 * const y = x.map((p, t) => 2 * p * Math.exp(0.03 * Math.sin(t / 5)));
 * const r = pairsMeanReversion({ y, x }, { hedgeWindow: 100, zWindow: 50, entry: 1.2, exit: 0.3 });
 * assert.ok(r.entries.length > 0);
 * const t = r.entries[0]!;
 * const [wy, wx] = [r.weights[0]![t]!, r.weights[1]![t]!];
 * assert.ok(wy * wx < 0 && Math.abs(Math.abs(wy) + Math.abs(wx) - 1) < 1e-12);
 * assert.ok(Math.abs(wx / wy + r.hedgeRatio[t]!) < 1e-12);
 * assert.deepEqual(r.groups, [[0, 1]]);
 * ```
 */
export function pairsMeanReversion(
  prices: PairPrices,
  options: PairsMeanReversionOptions = {},
): PairsMeanReversionTargets {
  const d = PAIRS_MEAN_REVERSION_DEFAULTS;
  const what = "a pairs strategy";
  const hedge = options.hedge ?? d.hedge, W = options.hedgeWindow ?? d.hedgeWindow;
  const zWindow = options.zWindow ?? d.zWindow;
  const sizing = options.sizing ?? d.sizing, gross = options.gross ?? d.gross;
  const hedgeUpdate = options.hedgeUpdate ?? d.hedgeUpdate;
  if (hedge !== "rolling-ols" && hedge !== "kalman") {
    throw new RangeError(
      `Cannot compute ${what}: hedge must be "rolling-ols" or "kalman", got ${hedge}`,
    );
  }
  if (sizing !== "beta" && sizing !== "dollar") {
    throw new RangeError(
      `Cannot compute ${what}: sizing must be "beta" or "dollar", got ${sizing}`,
    );
  }
  if (hedgeUpdate !== "entry" && hedgeUpdate !== "every-bar") {
    throw new RangeError(
      `Cannot compute ${what}: hedgeUpdate must be "entry" or "every-bar", got ${hedgeUpdate}`,
    );
  }
  checkWindow(what, "hedgeWindow", W, 3);
  checkWindow(what, "zWindow", zWindow, 2);
  const hedgeMinObs = options.hedgeMinObs ?? W, zMinObs = options.zMinObs ?? zWindow;
  if (!Number.isInteger(hedgeMinObs) || hedgeMinObs < 2 || hedgeMinObs > W) {
    throw new RangeError(
      `Cannot compute ${what}: hedgeMinObs must be an integer in [2, hedgeWindow=${W}], got ` +
        `${hedgeMinObs}`,
    );
  }
  if (!Number.isInteger(zMinObs) || zMinObs < 2 || zMinObs > zWindow) {
    throw new RangeError(
      `Cannot compute ${what}: zMinObs must be an integer in [2, zWindow=${zWindow}], got ${zMinObs}`,
    );
  }
  checkWeight(what, "gross", gross);
  const n = prices.y.length;
  if (prices.x.length !== n) {
    throw new RangeError(
      `Cannot compute ${what}: y has ${n} bars, x has ${prices.x.length}; align them first`,
    );
  }
  const ly = logs(prices.y, "y"), lx = logs(prices.x, "x");
  let spread: Float64Array;
  const hedgeRatio = new Float64Array(n).fill(NaN);
  if (hedge === "rolling-ols") {
    const fit = rollingOls(ly, [lx], {
      window: W,
      causal: true,
      minObs: hedgeMinObs,
    });
    spread = fit.residuals;
    hedgeRatio.set(fit.betas[0]!);
  } else {
    const k = kalmanHedge(ly, lx, options.kalman ?? {});
    spread = k.spread;
    const b0 = options.kalman?.initialState?.[0] ?? 0;
    for (let t = 0; t < n; t++) {
      if (spread[t] === spread[t]) hedgeRatio[t] = t === 0 ? b0 : k.betas[t - 1]!;
    }
  }
  const zScore = spreadZScore(spread, {
    window: zWindow,
    minObs: zMinObs,
  }).zScore;
  const sig = zScoreSignals(zScore, {
    entry: options.entry ?? d.entry,
    exit: options.exit ?? d.exit,
    stop: options.stop ?? d.stop,
  });
  const wy = new Float64Array(n), wx = new Float64Array(n);
  let prev = 0, b = NaN, lastBeta = NaN;
  for (let t = 0; t < n; t++) {
    const h = hedgeRatio[t]!;
    if (h === h) lastBeta = h;
    const p = sig.position[t]!;
    if (p !== 0) {
      if (p !== prev || hedgeUpdate === "every-bar") b = lastBeta;
      if (sizing === "beta") {
        const s = gross / (1 + Math.abs(b));
        wy[t] = p * s;
        wx[t] = -p * b * s;
      } else {
        wy[t] = (p * gross) / 2;
        wx[t] = (-Math.sign(b) * p * gross) / 2;
      }
    }
    prev = p;
  }
  return {
    weights: [wy, wx],
    groups: [[0, 1]],
    spread,
    zScore,
    hedgeRatio,
    position: sig.position,
    entries: sig.entries,
    exits: sig.exits,
    stops: sig.stops,
  };
}
