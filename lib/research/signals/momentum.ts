/**
 * Time-series momentum: the trailing log return over a lookback.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { checkLookback, resolveMinObs } from "./_rolling.ts";

/** Options for {@link momentum}. */
export interface MomentumOptions {
  /** Lookback L in bars (e.g. 24, 168, 720 on hourly bars). */
  readonly lookback: number;
  /**
   * Skip the most recent `skip` bars (default 0), the "12-1" convention that keeps short-term
   * reversal out of the momentum measure.
   */
  readonly skip?: number;
  /**
   * Fewest finite returns among the L summed, in [1, L]; default L (all: pandas
   * `rolling(L).sum()`). Less bridges gaps, but a missing bar's move is then left out.
   */
  readonly minObs?: number;
}

/**
 * Momentum signal: the log return over the L bars ending `skip` bars before t,
 * `S[a][t] = sum_{i = t-skip-L+1}^{t-skip} logReturns[a][i] = ln(close[t-skip] / close[t-skip-L])`.
 * Causal: uses bars up to t only. `NaN` unless at least `minObs` (default all L) of those
 * returns are present (a gap is never a zero return).
 *
 * Computed as the log of the close ratio, which telescopes to the sum of log returns whenever
 * the window is complete, with one rounding instead of L: a coin back at the same price has
 * momentum exactly 0 (a running sum would leave ~1e-17 of noise, and noise decides how such
 * ties rank). With `minObs < L` and gaps inside the window the ratio still counts the move
 * across the gap, which a sum of the available returns would drop; both closes must exist.
 * pandas 1.5: `np.log(close / close.shift(L)).where(logret.rolling(L).count() >= minObs)
 * .shift(skip)`. Higher = stronger recent performance; its IC against forward returns says
 * whether winners keep winning (momentum) or revert. O(1) per bar, O(T N) in all.
 *
 * Reference: Jegadeesh, N. and Titman, S. (1993), "Returns to Buying Winners and Selling
 * Losers", Journal of Finance 48(1); Liu, Y. and Tsyvinski, A. (2021), "Risks and Returns of
 * Cryptocurrency", Review of Financial Studies 34(6).
 *
 * @example Log return over two bars, with and without a skip
 * ```ts
 * import { momentum } from "@lib/research/signals/momentum.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const close = new Float64Array([1, 2, 4, 8, 16]);
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A"],
 *   index: Float64Array.from(close, (_, i) => i * 3_600_000), close: [close] });
 * const m = momentum(p, { lookback: 2 })[0]!;
 * assert.ok(Number.isNaN(m[1]!));
 * assert.equal(m[4], Math.log(4));
 * assert.equal(momentum(p, { lookback: 2, skip: 1 })[0]![4], Math.log(4));
 * ```
 */
export function momentum(panel: Panel, options: MomentumOptions): Float64Array[] {
  const what = "momentum";
  const L = options.lookback;
  checkLookback(L, 1, what);
  const minObs = resolveMinObs(options.minObs, L, 1, what);
  const skip = options.skip ?? 0;
  if (!Number.isInteger(skip) || skip < 0) {
    throw new RangeError(`Cannot compute ${what}: skip must be an integer >= 0, got ${skip}`);
  }
  return panel.logReturns.map((r, a) => logReturnOver(r, panel.close[a]!, L, minObs, skip));
}

/**
 * `ln(close[t-skip] / close[t-skip-L])` where at least `minObs` of the L one-bar returns
 * ending at t-skip are finite, else NaN (shared with `reversal`). O(n).
 *
 * @example A gap blanks the windows that contain it
 * ```ts
 * import { logReturnOver } from "@lib/research/signals/momentum.ts";
 * import assert from "node:assert/strict";
 * const close = new Float64Array([1, 2, NaN, 8, 16]);
 * const r = Float64Array.from(close, (c, t) => (t === 0 ? NaN : Math.log(c / close[t - 1]!)));
 * const m = logReturnOver(r, close, 1, 1, 0);
 * assert.ok(Number.isNaN(m[2]!) && Number.isNaN(m[3]!));
 * assert.equal(m[4], Math.log(2));
 * ```
 */
export function logReturnOver(
  r: Float64Array,
  close: Float64Array,
  L: number,
  minObs: number,
  skip: number,
): Float64Array {
  const n = r.length;
  const out = new Float64Array(n).fill(NaN);
  let count = 0;
  for (let u = 0; u < n; u++) {
    if (Number.isFinite(r[u]!)) count++;
    if (u >= L && Number.isFinite(r[u - L]!)) count--;
    const t = u + skip;
    if (t >= n || u < L || count < minObs) continue;
    const v = Math.log(close[u]! / close[u - L]!);
    if (Number.isFinite(v)) out[t] = v;
  }
  return out;
}
