/**
 * Trend following by a moving-average crossover on one asset.
 *
 * @module
 */
import { checkWeight, checkWindow, existingBars } from "./_existing_bars.ts";
import type { StrategyTargets } from "./types.ts";

/** Options of {@link maCrossover}; defaults in {@link MA_CROSSOVER_DEFAULTS}. */
export interface MaCrossoverOptions {
  /** Bars in the fast moving average. @default 20 */
  readonly fast?: number;
  /** Bars in the slow moving average (> fast). @default 100 */
  readonly slow?: number;
  /**
   * `"sma"`: mean of the last n existing closes (pandas `rolling(n).mean()`); `"ema"`:
   * exponential average with span n, `alpha = 2 / (n + 1)`, recursive from the first close
   * (pandas `ewm(span=n, adjust=False, min_periods=n).mean()`).
   * @default "sma"
   */
  readonly kind?: "sma" | "ema";
  /** Go short (-weight) when fast < slow; else flat there. @default false */
  readonly short?: boolean;
  /** Size of the position as a fraction of equity. @default 1 */
  readonly weight?: number;
}

/** Defaults of {@link MaCrossoverOptions}, stated once. */
export const MA_CROSSOVER_DEFAULTS = {
  fast: 20,
  slow: 100,
  kind: "sma" as "sma" | "ema",
  short: false,
  weight: 1,
} as const;

/** What {@link maCrossover} returns: the targets (one column) and the two averages. */
export interface MaCrossoverTargets extends StrategyTargets {
  /** Fast average at each bar (NaN in the warm-up and at missing bars). */
  readonly fastMa: Float64Array;
  /** Slow average at each bar (NaN in the warm-up and at missing bars). */
  readonly slowMa: Float64Array;
}

function movingAverage(
  x: ArrayLike<number>,
  rows: Int32Array,
  n: number,
  kind: "sma" | "ema",
  out: Float64Array,
): void {
  if (kind === "sma") {
    let sum = 0;
    for (let i = 0; i < rows.length; i++) {
      sum += x[rows[i]!]!;
      if (i >= n) sum -= x[rows[i - n]!]!;
      // recompute now and then so the running sum does not drift
      if (i % 1024 === 1023) {
        sum = 0;
        for (let j = Math.max(0, i - n + 1); j <= i; j++) sum += x[rows[j]!]!;
      }
      if (i >= n - 1) out[rows[i]!] = sum / n;
    }
    return;
  }
  const alpha = 2 / (n + 1);
  let e = NaN;
  for (let i = 0; i < rows.length; i++) {
    const v = x[rows[i]!]!;
    e = i === 0 ? v : alpha * v + (1 - alpha) * e;
    if (i >= n - 1) out[rows[i]!] = e;
  }
}

/**
 * Long (or short) the asset while its fast moving average of closes is above (below) the slow
 * one: the classic trend-following crossover (e.g. Brock, Lakonishok and LeBaron, "Simple
 * Technical Trading Rules and the Stochastic Properties of Stock Returns", Journal of Finance
 * 47(5), 1992, the variable-length moving average rule). The target at bar t uses closes up to
 * and including t only; run it through `backtestWeights` (default lag 1) so it is filled at the
 * next bar's close.
 *
 * Rules: averages are over the asset's existing closes (a missing bar is skipped, not a zero);
 * target `+weight` when fast > slow, `-weight` (with `short`) or 0 when fast < slow, 0 when
 * equal or in the warm-up (fewer than `slow` closes); at a missing bar the target carries over.
 * O(n).
 *
 * @example A 2/4 SMA crossover on a rise then a fall
 * ```ts
 * import { maCrossover } from "@lib/backtest/strategies/ma_crossover.ts";
 * import assert from "node:assert/strict";
 * const close = [10, 11, 12, 13, 14, 13, 11, 9, 8];
 * const { weights } = maCrossover(close, { fast: 2, slow: 4 });
 * assert.deepEqual([...weights[0]!], [0, 0, 0, 1, 1, 1, 0, 0, 0]);
 * ```
 */
export function maCrossover(
  close: ArrayLike<number>,
  options: MaCrossoverOptions = {},
): MaCrossoverTargets {
  const d = MA_CROSSOVER_DEFAULTS;
  const fast = options.fast ?? d.fast, slow = options.slow ?? d.slow;
  const kind = options.kind ?? d.kind, short = options.short ?? d.short;
  const weight = options.weight ?? d.weight;
  const what = "a moving-average crossover";
  checkWindow(what, "fast", fast, 1);
  checkWindow(what, "slow", slow, 2);
  if (!(slow > fast)) {
    throw new RangeError(`Cannot compute ${what}: slow (${slow}) must be above fast (${fast})`);
  }
  if (kind !== "sma" && kind !== "ema") {
    throw new RangeError(`Cannot compute ${what}: kind must be "sma" or "ema", got ${kind}`);
  }
  checkWeight(what, "weight", weight);
  const n = close.length;
  const rows = existingBars(close);
  const fastMa = new Float64Array(n).fill(NaN), slowMa = new Float64Array(n).fill(NaN);
  movingAverage(close, rows, fast, kind, fastMa);
  movingAverage(close, rows, slow, kind, slowMa);
  const w = new Float64Array(n);
  let pos = 0;
  for (let t = 0; t < n; t++) {
    const f = fastMa[t]!, s = slowMa[t]!;
    if (f === f && s === s) pos = f > s ? weight : f < s && short ? -weight : 0;
    w[t] = pos;
  }
  return { weights: [w], fastMa, slowMa };
}
