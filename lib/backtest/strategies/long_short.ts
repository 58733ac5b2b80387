/**
 * Long-short portfolios from any cross-sectional signal.
 *
 * @module
 */
import { rankFirst } from "../rank_first.ts";
import type { StrategyTargets } from "./types.ts";

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
}

/** Defaults of {@link LongShortOptions}, stated once. */
export const LONG_SHORT_DEFAULTS = {
  quantile: 0.2,
  weighting: "equal" as "equal" | "signal",
  gross: 1,
  net: 0,
  minAssets: 2,
} as const;

/**
 * Target weights of a long-short portfolio from a cross-sectional signal `signal[a][t]`
 * (asset-major, NaN = no value: not ranked, weight 0), higher = more attractive. At each bar
 * the assets with a value are ranked with `rankFirst` (ties go to the lower column first, so
 * a tie at the bucket edge is decided deterministically: the higher column counts as the
 * higher value), then weighted by `weighting` with the long side summing to `(gross + net) / 2`
 * and the short side to `-(gross - net) / 2` (defaults: gross 1, net 0). A bar whose signal is
 * constant across assets (nothing above the mean) under `"signal"` is flat. The weights at bar
 * t use the signal at t only: as causal as the signal. O(T x N log N).
 *
 * Not built in: weights optimized with `optimizePortfolio` (lib/portfolio); pass the buckets'
 * members to it yourself (e.g. per-asset bounds `[0, max]` for longs and `[-max, 0]` for shorts).
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
 */
export function longShort(
  signal: readonly ArrayLike<number>[],
  options: LongShortOptions = {},
): StrategyTargets {
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
  const longSide = (gross + net) / 2, shortSide = (gross - net) / 2;
  const weights = Array.from({ length: N }, () => new Float64Array(T));
  const row = new Float64Array(N), rank = new Float64Array(N);
  for (let t = 0; t < T; t++) {
    let m = 0, sum = 0;
    for (let a = 0; a < N; a++) {
      const v = signal[a]![t]!;
      row[a] = Number.isFinite(v) ? v : NaN;
      if (row[a] === row[a]) {
        m++;
        sum += v;
      }
    }
    if (m < minAssets) continue;
    if (weighting === "equal") {
      const k = Math.max(1, Math.floor(q * m));
      rankFirst(row, rank);
      for (let a = 0; a < N; a++) {
        const r = rank[a]!;
        if (r > m - k) weights[a]![t] = longSide / k;
        else if (r <= k) weights[a]![t] = -shortSide / k;
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
  return { weights };
}
