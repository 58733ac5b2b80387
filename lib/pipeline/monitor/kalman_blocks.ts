/**
 * Where the monitor starts its Kalman recursions. The filter's state at a bar depends on the
 * first bar it ran on, so a value computed from "the last N bars" changes with N (the chart of
 * 300 bars and the SSE update of 1 bar would disagree). Every Kalman value the monitor shows
 * or acts on is therefore computed from a start fixed by the bar alone: bars are grouped in
 * blocks of {@link KALMAN_BLOCK_BARS} intervals (aligned on the UTC epoch), and the values of a
 * bar come from the filter run on the pair's bars from the start of its block less the `2 window`
 * warm-up. The alerts (alert_loop.ts, its `replayBars`) and the dashboard's series
 * (analytics_service.ts) use the same blocks, so the chart shows the z that fired an alert.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import { pairClosesSince, type PairKey } from "./pair_closes.ts";
import { type PairAnalytics, pairAnalytics } from "./pair_analytics.ts";

/** Intervals per Kalman block (the alert loop's default `replayBars`). */
export const KALMAN_BLOCK_BARS = 500;

/**
 * The first bar the Kalman recursion of the bar at `ts` runs on: the start of its block of
 * `blockBars` intervals, less `2 window` intervals of warm-up.
 *
 * @example
 * ```ts
 * import { kalmanStartOf } from "@lib/pipeline/monitor/kalman_blocks.ts";
 * import assert from "node:assert/strict";
 * const block = 500 * 60_000; // 500 one-minute bars
 * assert.equal(kalmanStartOf(3 * block + 120_000, "1m", 60), 3 * block - 120 * 60_000);
 * assert.equal(kalmanStartOf(3 * block, "1m", 60), kalmanStartOf(4 * block - 60_000, "1m", 60));
 * ```
 */
export function kalmanStartOf(
  ts: number,
  freq: Freq,
  window: number,
  blockBars: number = KALMAN_BLOCK_BARS,
): number {
  const step = freqMs(freq), block = blockBars * step;
  return Math.floor(ts / block) * block - 2 * window * step;
}

/** The Kalman-dependent series of one bar grid, from {@link kalmanBlockSeries}. */
export interface KalmanBlockSeries {
  readonly hedgeRatio: Float64Array;
  readonly spread: Float64Array;
  readonly spreadMean: Float64Array;
  readonly spreadStd: Float64Array;
  readonly zScore: Float64Array;
  readonly position: Int8Array;
  /** The distinct recursion starts used (UTC ms), oldest first. */
  readonly starts: number[];
}

/**
 * The Kalman hedge ratio, spread, bands, z-score and position of the bars `ts[from..]` of a
 * pair, each from the recursion started at {@link kalmanStartOf} its bar (read from the store),
 * so the value of a bar does not depend on how many bars were asked for. Entries before `from`
 * are NaN (position 0).
 */
export function kalmanBlockSeries(
  db: DatabaseSync,
  venue: string,
  pair: PairKey,
  freq: Freq,
  opts: { readonly window: number; readonly z: number; readonly blockBars?: number },
  ts: Float64Array,
  from: number,
): KalmanBlockSeries {
  const n = ts.length, step = freqMs(freq);
  const out = {
    hedgeRatio: new Float64Array(n).fill(NaN),
    spread: new Float64Array(n).fill(NaN),
    spreadMean: new Float64Array(n).fill(NaN),
    spreadStd: new Float64Array(n).fill(NaN),
    zScore: new Float64Array(n).fill(NaN),
    position: new Int8Array(n),
    starts: [] as number[],
  };
  let t = Math.max(0, from);
  while (t < n) {
    const start = kalmanStartOf(ts[t]!, freq, opts.window, opts.blockBars);
    const c = pairClosesSince(db, venue, pair, freq, start);
    let a: PairAnalytics | undefined;
    try {
      a = pairAnalytics(c.ts, c.y, c.x, {
        window: opts.window,
        hedge: "kalman",
        z: opts.z,
        pValueBars: 0,
      });
    } catch {
      a = undefined; // too few bars for the estimators: NaN
    }
    out.starts.push(start);
    for (; t < n && kalmanStartOf(ts[t]!, freq, opts.window, opts.blockBars) === start; t++) {
      const k = Math.round((ts[t]! - start) / step);
      if (a === undefined || k < 0 || k >= a.ts.length) continue;
      out.hedgeRatio[t] = a.hedgeRatio[k]!;
      out.spread[t] = a.spread[k]!;
      out.spreadMean[t] = a.spreadMean[k]!;
      out.spreadStd[t] = a.spreadStd[k]!;
      out.zScore[t] = a.zScore[k]!;
      out.position[t] = a.position[k]!;
    }
  }
  return out;
}
