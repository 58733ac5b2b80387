import { checkOhlc, checkWindow } from "./_check.ts";
import { causalMean } from "./_causal_mean.ts";
import { type NegativeSpreads, SPREAD_ESTIMATOR_WINDOW } from "./corwin_schultz.ts";

/**
 * Abdi-Ranaldo two-bar squared-spread estimates: `out[t] = 4 (c_{t-1} - eta_{t-1})
 * (c_{t-1} - eta_t)`, with `c` the log close and `eta = (ln H + ln L) / 2` the log mid-range
 * (NaN at row 0 and wherever a price is missing or not positive).
 *
 * The close sits half a spread above or below the efficient price, and the mid-range of the
 * bar's high (at the ask) and low (at the bid) is a proxy of the efficient price; the product
 * of the close's distances to the mid-ranges of its own and the next bar estimates
 * `spread^2 / 4` (the volatility terms cancel in expectation). Abdi & Ranaldo (2017), "A Simple
 * Estimation of Bid-Ask Spreads from Daily Close, High, and Low Prices", Rev. Financial Studies
 * 30(12), 4437-4480 (https://doi.org/10.1093/rfs/hhx084), the estimator `S^2 = 4 E[(c_t - eta_t)(c_t - eta_{t+1})]`.
 *
 * The values are squared spreads, negative ones included; {@link abdiRanaldoSpread} turns them
 * into spreads with either of the paper's rules. Cost: O(n).
 *
 * @example
 * ```ts
 * import { abdiRanaldoTwoDay } from "@lib/backtest/costs/abdi_ranaldo.ts";
 * import assert from "node:assert/strict";
 * // bar 0 closes at its high, bar 1 trades lower: the close was an ask, above both mid-ranges
 * const s2 = abdiRanaldoTwoDay([101, 100.8], [100, 99.8], [101, 100.2]);
 * const c = Math.log(101), e0 = Math.log(101 * 100) / 2, e1 = Math.log(100.8 * 99.8) / 2;
 * assert.ok(Math.abs(s2[1]! - 4 * (c - e0) * (c - e1)) < 1e-15);
 * assert.ok(s2[1]! > 0);
 * ```
 */
export function abdiRanaldoTwoDay(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
): Float64Array {
  checkOhlc(high, low, close, "Abdi-Ranaldo spreads");
  const n = high.length;
  const out = new Float64Array(n).fill(NaN);
  for (let t = 1; t < n; t++) {
    const h0 = high[t - 1]!, l0 = low[t - 1]!, c0 = close[t - 1]!;
    const h1 = high[t]!, l1 = low[t]!;
    if (!(h0 > 0) || !(l0 > 0) || !(c0 > 0) || !(h1 > 0) || !(l1 > 0)) continue;
    if (!Number.isFinite(h0 + l0 + c0 + h1 + l1)) continue;
    const c = Math.log(c0);
    const eta0 = (Math.log(h0) + Math.log(l0)) / 2;
    const eta1 = (Math.log(h1) + Math.log(l1)) / 2;
    out[t] = 4 * (c - eta0) * (c - eta1);
  }
  return out;
}

/** Options of {@link abdiRanaldoSpread}. */
export interface AbdiRanaldoOptions {
  /**
   * Number of two-bar estimates averaged (the paper uses a calendar month of daily bars).
   * @default 30
   */
  readonly window?: number;
  /**
   * Fewest finite two-bar estimates in the window for a value; fewer gives NaN.
   * @default Math.ceil(window / 2)
   */
  readonly minPeriods?: number;
  /**
   * `"zero"` (the paper's "two-day corrected" estimator, as Corwin and Schultz do): each
   * two-bar spread is `sqrt(max(s2, 0))` and those are averaged. `"average"` (the paper's
   * monthly estimator): `sqrt(max(mean(s2), 0))`.
   * @default "zero"
   */
  readonly negatives?: NegativeSpreads;
}

/**
 * Causal Abdi-Ranaldo spread: `out[t]` uses the `window` two-bar estimates
 * {@link abdiRanaldoTwoDay} ending at bars `t - 2, t - 1`, so bars up to `t - 1` only. With
 * `negatives: "zero"` (default) a negative two-bar squared spread counts as a zero spread
 * before averaging; with `"average"` the squared spreads are averaged and a negative average
 * gives 0. The result is the full proportional spread `(ask - bid) / mid`. Cost: O(n).
 *
 * @example
 * ```ts
 * import { abdiRanaldoSpread } from "@lib/backtest/costs/abdi_ranaldo.ts";
 * import assert from "node:assert/strict";
 * const high = [101, 100.8, 101.2, 100.9], low = [100, 99.8, 100.1, 99.9];
 * const close = [101, 99.8, 101.2, 99.9]; // closes bounce between ask and bid
 * const s = abdiRanaldoSpread(high, low, close, { window: 2, minPeriods: 1 });
 * assert.ok(Number.isNaN(s[1]!)); // nothing is known before bar 2
 * assert.ok(s[3]! > 0.005 && s[3]! < 0.02);
 * ```
 */
export function abdiRanaldoSpread(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  options: AbdiRanaldoOptions = {},
): Float64Array {
  const window = options.window ?? SPREAD_ESTIMATOR_WINDOW;
  const minPeriods = options.minPeriods ?? Math.ceil(window / 2);
  checkWindow(window, minPeriods, "Abdi-Ranaldo spreads");
  const s2 = abdiRanaldoTwoDay(high, low, close);
  if ((options.negatives ?? "zero") === "zero") {
    for (let t = 0; t < s2.length; t++) {
      const v = s2[t]!;
      if (!Number.isNaN(v)) s2[t] = Math.sqrt(Math.max(v, 0));
    }
    return causalMean(s2, window, minPeriods);
  }
  const m = causalMean(s2, window, minPeriods);
  for (let t = 0; t < m.length; t++) {
    const v = m[t]!;
    if (!Number.isNaN(v)) m[t] = Math.sqrt(Math.max(v, 0));
  }
  return m;
}
