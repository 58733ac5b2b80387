/**
 * Volatility breakout on one asset: a Donchian channel breakout filtered by the ATR.
 *
 * @module
 */
import { checkWeight, checkWindow, existingBars } from "./_existing_bars.ts";
import type { StrategyTargets } from "./types.ts";

/** High, low and close of one asset on the grid (a missing bar is NaN). */
export interface HighLowClose {
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
}

/** Options of {@link volatilityBreakout}; defaults in {@link VOLATILITY_BREAKOUT_DEFAULTS}. */
export interface VolatilityBreakoutOptions {
  /** Bars of the entry channel (the prior N bars' highest high / lowest low). @default 20 */
  readonly entryWindow?: number;
  /** Bars of the exit channel (Turtle System 1 exits on the opposite 10-bar extreme). @default 10 */
  readonly exitWindow?: number;
  /** Bars of Wilder's average true range. @default 20 */
  readonly atrWindow?: number;
  /** ATRs the close must clear beyond the channel to enter (0 is the plain Turtle breakout). @default 0.5 */
  readonly k?: number;
  /** Also trade downside breakouts (short). @default false */
  readonly short?: boolean;
  /** Size of the position as a fraction of equity. @default 1 */
  readonly weight?: number;
}

/** Defaults of {@link VolatilityBreakoutOptions}, stated once. */
export const VOLATILITY_BREAKOUT_DEFAULTS = {
  entryWindow: 20,
  exitWindow: 10,
  atrWindow: 20,
  k: 0.5,
  short: false,
  weight: 1,
} as const;

/** What {@link volatilityBreakout} returns: the targets (one column) and the bands used. */
export interface VolatilityBreakoutTargets extends StrategyTargets {
  /** Wilder's ATR after bar t (NaN in the warm-up and at missing bars). */
  readonly atr: Float64Array;
  /** Long entry level at bar t: prior `entryWindow` highs' max + k * ATR of bar t - 1. */
  readonly upper: Float64Array;
  /** Short entry level at bar t: prior `entryWindow` lows' min - k * ATR of bar t - 1. */
  readonly lower: Float64Array;
}

/**
 * A channel breakout with a volatility margin, the Turtle traders' rule (C. Faith, "Way of the
 * Turtle", McGraw-Hill 2007: System 1 enters on a 20-day breakout and exits on the opposite
 * 10-day breakout, N = 20-day ATR) with J. W. Wilder's average true range ("New Concepts in
 * Technical Trading Systems", 1978) as the margin:
 *
 * - Enter long at bar t when `close[t] > max(high[t-N..t-1]) + k * ATR[t-1]` (N =
 *   `entryWindow`; the channel excludes bar t, so a close can break it).
 * - Exit a long when `close[t] < min(low[t-M..t-1])` (M = `exitWindow`).
 * - With `short`: enter short when `close[t] < min(low[t-N..t-1]) - k * ATR[t-1]`, exit when
 *   `close[t] > max(high[t-M..t-1])`. A bar that exits may not enter the other side (the next
 *   bar can).
 * - True range `TR[t] = max(high - low, |high - close[t-1]|, |low - close[t-1]|)`; ATR is
 *   Wilder's smoothing `ATR[t] = ((n - 1) ATR[t-1] + TR[t]) / n`, seeded with the mean of the
 *   first n true ranges (from the second bar, which has a previous close).
 *
 * Windows count the asset's existing bars (a missing bar is skipped); at a missing bar the
 * target carries over. Everything at bar t uses bars up to t only. O(n * (N + M)).
 *
 * @example A range, then a breakout above it, then a fall through the exit channel
 * ```ts
 * import { volatilityBreakout } from "@lib/backtest/strategies/volatility_breakout.ts";
 * import assert from "node:assert/strict";
 * const close = [10, 10, 10, 10, 10, 12, 13, 12, 9];
 * const high = close.map((c) => c + 0.5), low = close.map((c) => c - 0.5);
 * const r = volatilityBreakout({ high, low, close }, {
 *   entryWindow: 3, exitWindow: 2, atrWindow: 2, k: 1,
 * });
 * // at bar 5: 12 > max high(10.5) + 1 * ATR(1) -> long; bar 8: 9 < min low of bars 6, 7 (11.5) -> exit
 * assert.deepEqual([...r.weights[0]!], [0, 0, 0, 0, 0, 1, 1, 1, 0]);
 * ```
 */
export function volatilityBreakout(
  bars: HighLowClose,
  options: VolatilityBreakoutOptions = {},
): VolatilityBreakoutTargets {
  const d = VOLATILITY_BREAKOUT_DEFAULTS;
  const N = options.entryWindow ?? d.entryWindow, M = options.exitWindow ?? d.exitWindow;
  const A = options.atrWindow ?? d.atrWindow, k = options.k ?? d.k;
  const short = options.short ?? d.short, weight = options.weight ?? d.weight;
  const what = "a volatility breakout";
  checkWindow(what, "entryWindow", N, 1);
  checkWindow(what, "exitWindow", M, 1);
  checkWindow(what, "atrWindow", A, 1);
  if (!(k >= 0) || !Number.isFinite(k)) {
    throw new RangeError(`Cannot compute ${what}: k must be a finite number >= 0, got ${k}`);
  }
  checkWeight(what, "weight", weight);
  const { high, low, close } = bars;
  const n = close.length;
  if (high.length !== n || low.length !== n) {
    throw new RangeError(
      `Cannot compute ${what}: high (${high.length}), low (${low.length}) and close (${n}) ` +
        `must have one value per bar`,
    );
  }
  const rows = existingBars(high, low, close);
  const atr = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN), lower = new Float64Array(n).fill(NaN);
  // ATR on existing bars: TR from the second one
  let a = NaN, trSum = 0;
  for (let i = 1; i < rows.length; i++) {
    const t = rows[i]!, pc = close[rows[i - 1]!]!;
    const h = high[t]!, l = low[t]!;
    const tr = Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
    if (i <= A) {
      trSum += tr;
      if (i === A) a = trSum / A;
    } else a = ((A - 1) * a + tr) / A;
    atr[t] = a;
  }
  const w = new Float64Array(n);
  let pos = 0;
  let next = 0; // rows index of the next existing bar
  for (let t = 0; t < n; t++) {
    if (next < rows.length && rows[next] === t) {
      const i = next++;
      const c = close[t]!;
      const prevAtr = i >= 1 ? atr[rows[i - 1]!]! : NaN;
      if (i >= N && prevAtr === prevAtr) {
        let hi = -Infinity, lo = Infinity;
        for (let j = i - N; j < i; j++) {
          hi = Math.max(hi, high[rows[j]!]!);
          lo = Math.min(lo, low[rows[j]!]!);
        }
        upper[t] = hi + k * prevAtr;
        lower[t] = lo - k * prevAtr;
      }
      if (pos !== 0 && i >= M) {
        let hi = -Infinity, lo = Infinity;
        for (let j = i - M; j < i; j++) {
          hi = Math.max(hi, high[rows[j]!]!);
          lo = Math.min(lo, low[rows[j]!]!);
        }
        if ((pos > 0 && c < lo) || (pos < 0 && c > hi)) {
          pos = 0;
          w[t] = 0;
          continue;
        }
      }
      if (pos === 0) {
        const up = upper[t]!, dn = lower[t]!;
        if (c > up) pos = weight;
        else if (short && c < dn) pos = -weight;
      }
    }
    w[t] = pos;
  }
  return { weights: [w], atr, upper, lower };
}
