import { checkOhlc, checkWindow } from "./_check.ts";
import { causalMean } from "./_causal_mean.ts";

/** 3 - 2 sqrt(2), the constant of Corwin & Schultz (2012) eq. (18). */
const K = 3 - 2 * Math.SQRT2;

/**
 * Corwin-Schultz two-bar spread estimates: `out[t]` is the proportional spread
 * `(ask - bid) / mid` implied by the high-low ranges of bars `t - 1` and `t` (NaN at row 0 and
 * wherever a price is missing or not positive, or high < low).
 *
 * The high of a bar is usually a buy at the ask and the low a sell at the bid, so the high-low
 * range holds both the volatility and the spread; volatility grows with the length of the
 * interval and the spread does not, so comparing one two-bar range with two one-bar ranges
 * separates them. Corwin & Schultz (2012), "A Simple Way to Estimate Bid-Ask Spreads from Daily
 * High and Low Prices", J. Finance 67(2), 719-760, eqs. (14) and (18):
 *
 * - `beta  = ln(H_{t-1} / L_{t-1})^2 + ln(H_t / L_t)^2`
 * - `gamma = ln(max(H_{t-1}, H_t) / min(L_{t-1}, L_t))^2`
 * - `alpha = (sqrt(2 beta) - sqrt(beta)) / (3 - 2 sqrt 2) - sqrt(gamma / (3 - 2 sqrt 2))`
 * - `S     = 2 (e^alpha - 1) / (1 + e^alpha)`
 *
 * Before that, bar `t` is adjusted for the move between bars as in the paper (its adjustment for
 * overnight returns) and in Corwin's own SAS program: when `L_t` is above the previous close `C_{t-1}`, both `H_t` and
 * `L_t` are lowered by `L_t - C_{t-1}`; when `H_t` is below `C_{t-1}`, both are raised by
 * `C_{t-1} - H_t`. The adjusted prices enter both `beta` and `gamma`, as in Corwin's program.
 * Bars with `H = L` are kept (Corwin's program replaces them with the previous range, a rule for
 * non-trading stock days that a 24/7 market does not need).
 *
 * The estimates are returned as computed, negative ones included, so either of the paper's
 * averaging rules can be applied; {@link corwinSchultzSpread} applies them. Cost: O(n).
 *
 * @example A worked example (the numbers are derived by hand in the tests)
 * ```ts
 * import { corwinSchultzTwoDay } from "@lib/backtest/costs/corwin_schultz.ts";
 * import assert from "node:assert/strict";
 * const s = corwinSchultzTwoDay([100.5, 100.6], [99.5, 99.6], [100, 100.1]);
 * assert.ok(Number.isNaN(s[0]!));
 * assert.ok(Math.abs(s[1]! - 0.0075820) < 1e-7); // a spread of about 76 bp
 * ```
 */
export function corwinSchultzTwoDay(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
): Float64Array {
  checkOhlc(high, low, close, "Corwin-Schultz spreads");
  const n = high.length;
  const out = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) {
    const h0 = high[t - 1]!, l0 = low[t - 1]!, c0 = close[t - 1]!;
    let h1 = high[t]!, l1 = low[t]!;
    // `!(x > 0)` is also true for NaN: a missing price makes the estimate missing
    if (!(l0 > 0) || !(l1 > 0) || !(c0 > 0) || !(h0 >= l0) || !(h1 >= l1)) continue;
    if (!Number.isFinite(h0) || !Number.isFinite(h1) || !Number.isFinite(c0)) continue;
    if (c0 < l1) {
      h1 -= l1 - c0;
      l1 = c0;
    } else if (c0 > h1) {
      l1 += c0 - h1;
      h1 = c0;
    }
    const r0 = Math.log(h0 / l0), r1 = Math.log(h1 / l1);
    const beta = r0 * r0 + r1 * r1;
    const r2 = Math.log(Math.max(h0, h1) / Math.min(l0, l1));
    const gamma = r2 * r2;
    const alpha = (Math.sqrt(2 * beta) - Math.sqrt(beta)) / K - Math.sqrt(gamma / K);
    const e = Math.exp(alpha);
    out[t] = (2 * (e - 1)) / (1 + e);
  }
  return out;
}

/** How negative two-bar estimates are treated before (or after) averaging. */
export type NegativeSpreads = "zero" | "average";

/** Options of {@link corwinSchultzSpread}. */
export interface CorwinSchultzOptions {
  /**
   * Number of two-bar estimates averaged (the papers use a calendar month of daily bars).
   * @default 30
   */
  readonly window?: number;
  /**
   * Fewest finite two-bar estimates in the window for a value; fewer gives NaN.
   * @default Math.ceil(window / 2)
   */
  readonly minPeriods?: number;
  /**
   * `"zero"` (the paper's primary estimator, `MSPREAD_0` in Corwin's program): negative
   * two-bar estimates are set to 0 before averaging. `"average"`: average them as they are and
   * set a negative average to 0 (`XSPREAD_0`).
   * @default "zero"
   */
  readonly negatives?: NegativeSpreads;
}

/** Default window of the OHLC spread estimators, in two-bar estimates. */
export const SPREAD_ESTIMATOR_WINDOW = 30;

/**
 * Causal Corwin-Schultz spread: `out[t]` is the average of the two-bar estimates
 * {@link corwinSchultzTwoDay} over the `window` pairs ending at bars `t - 2, t - 1`, so it uses
 * bars up to `t - 1` only and can price a trade filled at bar `t`. Negative two-bar estimates
 * are set to 0 before averaging, as the paper does ("we set all negative two-day spreads to
 * zero before calculating monthly averages"), unless `negatives: "average"`. The result is the
 * full proportional spread `(ask - bid) / mid`: the cost of one trade is half of it.
 * Cost: O(n).
 *
 * @example Changing bar t does not move the spread at t
 * ```ts
 * import { corwinSchultzSpread } from "@lib/backtest/costs/corwin_schultz.ts";
 * import assert from "node:assert/strict";
 * const high = [101, 102, 101.5, 103, 102.5], low = [99, 100, 99.8, 101, 100.9];
 * const close = [100, 101, 100.5, 102, 101.6];
 * const a = corwinSchultzSpread(high, low, close, { window: 3, minPeriods: 1 });
 * const b = corwinSchultzSpread(high, low, [...close.slice(0, 4), 150], { window: 3, minPeriods: 1 });
 * assert.equal(a[4], b[4]);
 * assert.ok(Number.isNaN(a[1]!)); // the first two-bar estimate ends at bar 1: known from bar 2
 * ```
 */
export function corwinSchultzSpread(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  options: CorwinSchultzOptions = {},
): Float64Array {
  const window = options.window ?? SPREAD_ESTIMATOR_WINDOW;
  const minPeriods = options.minPeriods ?? Math.ceil(window / 2);
  checkWindow(window, minPeriods, "Corwin-Schultz spreads");
  const s = corwinSchultzTwoDay(high, low, close);
  const negatives = options.negatives ?? "zero";
  if (negatives === "zero") {
    for (let t = 0; t < s.length; t++) if (s[t]! < 0) s[t] = 0;
  }
  const out = causalMean(s, window, minPeriods);
  if (negatives === "average") {
    for (let t = 0; t < out.length; t++) if (out[t]! < 0) out[t] = 0;
  }
  return out;
}
