/**
 * Long-short portfolios from any cross-sectional signal.
 *
 * @module
 */
import {
  type FallbackReason,
  minVarianceSides,
  RISK_MODELS,
  type RiskModel,
} from "./_min_variance_sides.ts";

export { type FallbackReason, RISK_MODELS, type RiskModel };
import type { StrategyTargets } from "./types.ts";

/** Minimum-variance weights within the buckets, instead of equal weights. */
export interface LongShortOptimize {
  /**
   * Simple returns per asset column on the signal's grid (`returns[a][t]` = the return of bar t,
   * known at its close; NaN = missing).
   */
  readonly returns: readonly ArrayLike<number>[];
  /** Bars of returns (ending at t) behind the covariance at bar t. @default 168 */
  readonly window?: number;
  /**
   * Fewest complete rows (every member has a return) in the window; fewer and the bar falls
   * back to equal weights. @default half the window
   */
  readonly minRows?: number;
  /** Largest size of one weight. @default no cap beyond the side's total */
  readonly maxWeight?: number;
  /**
   * Covariance of the window's complete rows: `"sample"` (ddof 1), `"ledoit-wolf"` (scikit-learn's
   * `ledoit_wolf`), `"oas"` (scikit-learn's `oas`) or `"ewma"` (pandas `ewm(halflife).cov()`).
   * @default "sample"
   */
  readonly riskModel?: RiskModel;
  /** Half-life in rows of the `"ewma"` risk model. @default a quarter of the window */
  readonly halfLife?: number;
  /**
   * Columns of factor assets (e.g. BTC's and ETH's) the book is held neutral to:
   * `sum_i beta_i w_i = 0` for each, with each member's betas the slopes of an OLS regression
   * (with an intercept) of its returns on all these columns' returns over the window's complete
   * rows, so as causal as the returns. A bar where the buckets cannot be made neutral (too few
   * members) keeps equal weights and is listed in `fallbackBars`. @default none
   */
  readonly betaNeutral?: readonly number[];
  /**
   * Cost per unit of turnover against the previous bar's weights of the chosen assets, in
   * per-period return units (`0.001`: 10 bp of the book per 100% traded), added to the variance
   * objective (`optimizePortfolio`'s turnover penalty). @default 0
   */
  readonly turnoverPenalty?: number;
}

/** Options of {@link longShort}; defaults in {@link LONG_SHORT_DEFAULTS}. */
export interface LongShortOptions {
  /**
   * Fraction of the assets with a value at a bar held in each of the top (long) and bottom
   * (short) buckets: `k = max(1, floor(quantile * m))` assets of the `m` ranked. Used by
   * `"equal"` weighting; `"signal"` weights every ranked asset. In (0, 0.5].
   * @default 0.2
   */
  readonly quantile?: number;
  /**
   * `"equal"`: the top k long and the bottom k short, equal weights within each side.
   * `"signal"`: every asset with a value, weight proportional to its demeaned signal (alphalens
   * `factor_weights(demeaned=True)`): above the cross-sectional mean long, below short.
   * @default "equal"
   */
  readonly weighting?: "equal" | "signal";
  /** `sum |w|` at every bar with a portfolio. @default 1 */
  readonly gross?: number;
  /** `sum w`: the long side gets `(gross + net) / 2`, the short side `(gross - net) / 2`. @default 0 */
  readonly net?: number;
  /** Fewer ranked assets than this at a bar: flat there. @default 2 */
  readonly minAssets?: number;
  /**
   * With `"equal"` weighting: weight the chosen longs and shorts to minimize the book's variance
   * instead (`optimizePortfolio`, objective "minVariance", on the sample covariance of the last
   * `window` bars of returns up to t with every member present; each side keeps its total and
   * its sign). A bar without enough history, or without an optimal solution, keeps equal
   * weights and is listed in `fallbackBars`. Cost: one small QP per bar.
   * @default undefined (equal weights)
   */
  readonly optimize?: LongShortOptimize;
}

/** What {@link longShort} returns. */
export interface LongShortTargets extends StrategyTargets {
  /** With `optimize`: bars that kept equal weights (too little history, no optimal solution). */
  readonly fallbackBars: Int32Array;
  /**
   * Why each bar of `fallbackBars` kept equal weights, same order: `"history"` (fewer than
   * `minRows` complete rows of returns in the window, e.g. the first bars of the data),
   * `"cap"` (`maxWeight` times a side's members is below the side's total), `"factors"` (the
   * factor columns' returns are constant or collinear over the window, so no betas) or
   * `"infeasible"` (the optimizer found no weights meeting every constraint, e.g. no
   * beta-neutral book with these members).
   */
  readonly fallbackReasons: readonly FallbackReason[];
  /**
   * Bars with at least `minAssets` values that are all equal: the signal orders nothing, so
   * the bar holds no book (every weight 0). Counted in `rankedBars`.
   */
  readonly tiedBars: Int32Array;
  /** The rules that turned the signal into weights ({@link LONG_SHORT_RULES}), for reports. */
  readonly rules: readonly string[];
  /**
   * Bars with at least `minAssets` signal values, where a book could be formed (`tiedBars`
   * among them hold none); 0 means every weight is 0 (a signal warm-up longer than the data, or
   * too many missing values).
   */
  readonly rankedBars: number;
}

/**
 * How {@link longShort} turns a cross-section into weights, one sentence per rule, for the
 * metadata of every result and for reports.
 */
export const LONG_SHORT_RULES: readonly string[] = [
  "Each bar is decided from the signal at that bar only; assets without a finite value are not " +
  "ranked and hold 0; a bar with fewer than minAssets values holds no book.",
  "A bar whose values are all equal (a fully tied cross-section) holds no book: the signal " +
  "orders nothing there (counted as tied bars).",
  "Equal weighting: the top k = max(1, floor(quantile x m)) of the m ranked assets are long " +
  "and the bottom k short, (gross + net) / 2 and (gross - net) / 2 of equity split over k " +
  "slots. Assets with equal values share the slots their group reaches: a tied group of g " +
  "assets of which j slots fall inside a bucket gives each member j / g of a slot (the average " +
  "of the books of every order of the tied values), so column order never decides; a group " +
  "that reaches into both buckets holds the difference, 0 at net 0, and that bar's gross is " +
  "below the target.",
  "Signal weighting: each asset's weight is proportional to its value minus the " +
  "cross-sectional mean (equal values get equal weights), each side scaled to its exposure.",
];

/** Defaults of {@link LongShortOptions}, stated once. */
export const LONG_SHORT_DEFAULTS = {
  quantile: 0.2,
  weighting: "equal" as "equal" | "signal",
  gross: 1,
  net: 0,
  minAssets: 2,
  optimizeWindow: 168,
  riskModel: "sample" as RiskModel,
  turnoverPenalty: 0,
} as const;

/**
 * Target weights of a long-short portfolio from a cross-sectional signal `signal[a][t]`
 * (asset-major, NaN and infinities = no value: not ranked, weight 0), higher = more
 * attractive. At each bar the assets with a value are sorted by value and weighted by
 * `weighting` with the long side summing to `(gross + net) / 2` and the short side to
 * `-(gross - net) / 2` (defaults: gross 1, net 0). Ties never follow column order: a bar whose
 * values are all equal holds no book (listed in `tiedBars`), and a group of equal values at a
 * bucket edge shares the edge's slots equally, which is the average of the books of every
 * order of the tied values (a group straddling both edges nets out); the rules are in
 * {@link LONG_SHORT_RULES} and in `rules` of the result. The weights at bar t use the signal
 * at t only: as causal as the signal. O(T x N log N).
 *
 * With `optimize`, the chosen longs and shorts are weighted by minimum variance
 * (`optimizePortfolio` from lib/portfolio) on returns up to t, so still causal: with the
 * sample, Ledoit-Wolf, OAS or EWMA covariance, optionally neutral to the betas of factor
 * columns (BTC, ETH) and with a turnover penalty against the previous bar's weights.
 *
 * @example Five ranked assets (one NaN), quantile 0.2: one long, one short
 * ```ts
 * import { longShort } from "@lib/backtest/strategies/long_short.ts";
 * import assert from "node:assert/strict";
 * const signal = [[0.3], [0.1], [NaN], [0.5], [-0.2], [0.3]];
 * const { weights } = longShort(signal);
 * assert.deepEqual(weights.map((w) => w[0]), [0, 0, 0, 0.5, -0.5, 0]);
 * const s = longShort(signal, { weighting: "signal" });
 * assert.ok(Math.abs(s.weights.reduce((a, w) => a + w[0]!, 0)) < 1e-15);
 * ```
 *
 * @example Ties: a constant bar holds nothing; a tied group at the edge shares the slot
 * ```ts
 * import { longShort } from "@lib/backtest/strategies/long_short.ts";
 * import assert from "node:assert/strict";
 * const r = longShort([[1, 2], [1, 2], [1, 2], [1, 1], [1, 0]]);
 * assert.deepEqual([...r.tiedBars], [0]);
 * assert.deepEqual(r.weights.map((w) => w[0]), [0, 0, 0, 0, 0]);
 * // bar 1: three assets tie at the top for one long slot: 0.5 / 3 each
 * assert.deepEqual(r.weights.map((w) => w[1]), [0.5 / 3, 0.5 / 3, 0.5 / 3, 0, -0.5]);
 * ```
 */
export function longShort(
  signal: readonly ArrayLike<number>[],
  options: LongShortOptions = {},
): LongShortTargets {
  const d = LONG_SHORT_DEFAULTS;
  const q = options.quantile ?? d.quantile, weighting = options.weighting ?? d.weighting;
  const gross = options.gross ?? d.gross, net = options.net ?? d.net;
  const minAssets = options.minAssets ?? d.minAssets;
  const what = "a long-short portfolio";
  if (!(q > 0 && q <= 0.5)) {
    throw new RangeError(`Cannot compute ${what}: quantile must be in (0, 0.5], got ${q}`);
  }
  if (weighting !== "equal" && weighting !== "signal") {
    throw new RangeError(
      `Cannot compute ${what}: weighting must be "equal" or "signal", got ${weighting}`,
    );
  }
  if (!(gross > 0) || !Number.isFinite(gross) || !(Math.abs(net) <= gross)) {
    throw new RangeError(
      `Cannot compute ${what}: gross must be a finite number > 0 and |net| <= gross, got ` +
        `gross ${gross}, net ${net}`,
    );
  }
  if (!Number.isInteger(minAssets) || minAssets < 2) {
    throw new RangeError(
      `Cannot compute ${what}: minAssets must be an integer >= 2, got ${minAssets}`,
    );
  }
  const N = signal.length;
  if (N === 0) throw new RangeError(`Cannot compute ${what}: the signal has no asset columns`);
  const T = signal[0]!.length;
  signal.forEach((c, a) => {
    if (c.length !== T) {
      throw new RangeError(
        `Cannot compute ${what}: signal column ${a} has ${c.length} values, column 0 has ${T}`,
      );
    }
  });
  const opt = options.optimize;
  let rets: Float64Array[] = [];
  let window = 0, minRows = 0, cap = Infinity, halfLife = 0, penalty = 0;
  let riskModel: RiskModel = d.riskModel, factors: readonly number[] = [];
  if (opt !== undefined) {
    if (weighting !== "equal") {
      throw new RangeError(
        `Cannot compute ${what}: optimize weights the quantile buckets; use weighting "equal"`,
      );
    }
    window = opt.window ?? d.optimizeWindow;
    if (!Number.isInteger(window) || window < 2) {
      throw new RangeError(
        `Cannot compute ${what}: optimize.window must be an integer >= 2, got ${window}`,
      );
    }
    minRows = opt.minRows ?? Math.ceil(window / 2);
    if (!Number.isInteger(minRows) || minRows < 2 || minRows > window) {
      throw new RangeError(
        `Cannot compute ${what}: optimize.minRows must be an integer in [2, window=${window}], got ${minRows}`,
      );
    }
    cap = opt.maxWeight ?? Infinity;
    if (!(cap > 0)) {
      throw new RangeError(`Cannot compute ${what}: optimize.maxWeight must be > 0, got ${cap}`);
    }
    riskModel = opt.riskModel ?? d.riskModel;
    if (!(RISK_MODELS as readonly string[]).includes(riskModel)) {
      throw new RangeError(
        `Cannot compute ${what}: optimize.riskModel must be one of ${RISK_MODELS.join(", ")}, ` +
          `got ${riskModel}`,
      );
    }
    halfLife = opt.halfLife ?? window / 4;
    if (!(halfLife > 0) || !Number.isFinite(halfLife)) {
      throw new RangeError(
        `Cannot compute ${what}: optimize.halfLife must be > 0, got ${halfLife}`,
      );
    }
    penalty = opt.turnoverPenalty ?? d.turnoverPenalty;
    if (!(penalty >= 0) || !Number.isFinite(penalty)) {
      throw new RangeError(
        `Cannot compute ${what}: optimize.turnoverPenalty must be a finite number >= 0, got ${penalty}`,
      );
    }
    factors = opt.betaNeutral ?? [];
    if (factors.some((c) => !Number.isInteger(c) || c < 0 || c >= N)) {
      throw new RangeError(
        `Cannot compute ${what}: optimize.betaNeutral must list asset columns 0..${N - 1}, got ` +
          factors.join(", "),
      );
    }
    if (opt.returns.length !== N || opt.returns.some((c) => c.length !== T)) {
      throw new RangeError(
        `Cannot compute ${what}: optimize.returns must have ${N} columns of ${T} values, like the signal`,
      );
    }
    rets = opt.returns.map((c) => Float64Array.from(c));
  }
  const fallback: number[] = [], reasons: FallbackReason[] = [], tied: number[] = [];
  let ranked = 0;
  const longSide = (gross + net) / 2, shortSide = (gross - net) / 2;
  const weights = Array.from({ length: N }, () => new Float64Array(T));
  const row = new Float64Array(N);
  const order: number[] = [];
  for (let t = 0; t < T; t++) {
    let m = 0, sum = 0, lo = Infinity, hi = -Infinity;
    order.length = 0;
    for (let a = 0; a < N; a++) {
      const v = signal[a]![t]!;
      row[a] = Number.isFinite(v) ? v : NaN;
      if (row[a] === row[a]) {
        m++;
        sum += v;
        order.push(a);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (m < minAssets) continue;
    ranked++;
    if (lo === hi) {
      // every value equal: no order, so no book
      tied.push(t);
      continue;
    }
    if (weighting === "equal") {
      const k = Math.max(1, Math.floor(q * m));
      order.sort((i, j) => row[i]! - row[j]!);
      const cols: number[] = [], sides: number[] = [];
      let longTotal = 0, shortTotal = 0;
      // groups of equal values at sorted positions first+1..last (1-based): each member gets
      // its share of the slots the group reaches in the bottom (1..k) and top (m-k+1..m) buckets
      for (let first = 0; first < m;) {
        let last = first + 1;
        while (last < m && row[order[last]!] === row[order[first]!]) last++;
        const g = last - first;
        const inShort = Math.max(0, Math.min(last, k) - first);
        const inLong = Math.max(0, last - Math.max(first, m - k));
        const w = (longSide * inLong - shortSide * inShort) / (k * g);
        if (w !== 0) {
          for (let i = first; i < last; i++) {
            const a = order[i]!;
            weights[a]![t] = w;
            cols.push(a);
            sides.push(w > 0 ? 1 : -1);
            if (w > 0) longTotal += w;
            else shortTotal -= w;
          }
        }
        first = last;
      }
      if (opt !== undefined) {
        const w = minVarianceSides(
          rets,
          t,
          window,
          minRows,
          cols,
          sides,
          longTotal,
          shortTotal,
          cap,
          {
            riskModel,
            halfLife,
            factors,
            penalty,
            current: t > 0 && penalty > 0
              ? Float64Array.from(cols, (a) => weights[a]![t - 1]!)
              : undefined,
          },
        );
        if (typeof w === "string") {
          fallback.push(t);
          reasons.push(w);
        } else cols.forEach((a, i) => weights[a]![t] = w[i]!);
      }
    } else {
      const mean = sum / m;
      let pos = 0, neg = 0;
      for (let a = 0; a < N; a++) {
        const x = row[a]! - mean;
        if (x > 0) pos += x;
        else if (x < 0) neg -= x;
      }
      if (!(pos > 0 && neg > 0)) continue;
      for (let a = 0; a < N; a++) {
        const x = row[a]! - mean;
        if (x > 0) weights[a]![t] = (x / pos) * longSide;
        else if (x < 0) weights[a]![t] = (x / neg) * shortSide;
      }
    }
  }
  return {
    weights,
    fallbackBars: Int32Array.from(fallback),
    fallbackReasons: reasons,
    rankedBars: ranked,
    tiedBars: Int32Array.from(tied),
    rules: LONG_SHORT_RULES,
  };
}
