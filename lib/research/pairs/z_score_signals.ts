/**
 * Entry/exit rules of a mean-reversion pairs trade on a z-score.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";

/** Options of {@link zScoreSignals}. */
export interface ZScoreSignalsOptions {
  /** Enter when |z| reaches this (default 2): short the spread above +entry, long below -entry. */
  readonly entry?: number;
  /**
   * Exit when the z-score has come back to within this of 0 (default 0.5): a long closes once
   * z >= -exit, a short once z <= +exit. Must be < entry. A negative value exits only after the
   * z-score crosses through zero by that much.
   */
  readonly exit?: number;
  /**
   * Optional stop-loss: close when |z| moves further out to this (> entry), against the trade.
   * After a stop no new trade opens until |z| falls back below `entry`, so a spread that keeps
   * diverging is not re-entered at every bar.
   */
  readonly stop?: number;
}

/** What {@link zScoreSignals} returns. */
export interface ZScoreSignals {
  /**
   * Position in the spread decided at the close of bar t: +1 long the spread (long y, short
   * beta x), -1 short, 0 flat. It earns the spread's change from t to t+1, so a backtest
   * multiplies `position[t]` by the spread return of bar t+1.
   */
  readonly position: Int8Array;
  /** Bars where a position opened (from flat to +1 or -1). */
  readonly entries: Int32Array;
  /** Bars where a position closed on the exit rule. */
  readonly exits: Int32Array;
  /** Bars where a position closed on the stop. */
  readonly stops: Int32Array;
}

/**
 * Turn a spread z-score into a +1 / -1 / 0 position by the classic band rule (Gatev, Goetzmann
 * and Rouwenhorst, "Pairs Trading", Review of Financial Studies 19(3), 2006; Chan 2013 ch. 3):
 * flat -> short the spread when z >= entry, long when z <= -entry; long -> flat when
 * z >= -exit (reverted) or z <= -stop (stopped); short mirrors it. A NaN z-score (warm-up, a
 * missing bar) changes nothing: the position carries over. A jump from one band to the
 * opposite one closes the trade at that bar; the other side opens at a later bar only if z is
 * still beyond the entry band. Each decision uses z at t only, so the output is as causal as
 * the z-score given (use `spreadZScore` with `causal: true`). O(n).
 *
 * @example Enter at 2, exit at 0.5
 * ```ts
 * import { zScoreSignals } from "@lib/research/pairs/z_score_signals.ts";
 * import assert from "node:assert/strict";
 * const z = [0, 1.5, 2.1, 1.2, 0.4, -0.3, -2.4, -1, -0.2];
 * const s = zScoreSignals(z);
 * assert.deepEqual(Array.from(s.position), [0, 0, -1, -1, 0, 0, 1, 1, 0]);
 * assert.deepEqual(Array.from(s.entries), [2, 6]);
 * assert.deepEqual(Array.from(s.exits), [4, 8]);
 * ```
 */
export function zScoreSignals(z: Series, options: ZScoreSignalsOptions = {}): ZScoreSignals {
  const entry = options.entry ?? 2;
  const exit = options.exit ?? 0.5;
  const stop = options.stop ?? Infinity;
  const what = "z-score signals";
  if (!(entry > 0) || !Number.isFinite(entry)) {
    throw new RangeError(`Cannot compute ${what}: entry must be a positive number, got ${entry}`);
  }
  if (!(exit < entry) || !Number.isFinite(exit)) {
    throw new RangeError(
      `Cannot compute ${what}: exit must be a number below entry=${entry}, got ${exit}`,
    );
  }
  if (!(stop > entry)) {
    throw new RangeError(
      `Cannot compute ${what}: stop must be above entry=${entry}, got ${stop}`,
    );
  }
  const n = z.length;
  const position = new Int8Array(n);
  const entries: number[] = [], exits: number[] = [], stops: number[] = [];
  let pos = 0;
  let blocked = false; // after a stop, until |z| < entry
  for (let t = 0; t < n; t++) {
    const v = z[t]!;
    if (!Number.isNaN(v)) {
      if (pos === 0) {
        if (blocked && Math.abs(v) < entry) blocked = false;
        if (!blocked && v >= entry && v < stop) {
          pos = -1;
          entries.push(t);
        } else if (!blocked && v <= -entry && v > -stop) {
          pos = 1;
          entries.push(t);
        }
      } else if (pos === 1) {
        if (v <= -stop) {
          pos = 0;
          blocked = true;
          stops.push(t);
        } else if (v >= -exit) {
          pos = 0;
          exits.push(t);
        }
      } else {
        if (v >= stop) {
          pos = 0;
          blocked = true;
          stops.push(t);
        } else if (v <= exit) {
          pos = 0;
          exits.push(t);
        }
      }
    }
    position[t] = pos;
  }
  return {
    position,
    entries: Int32Array.from(entries),
    exits: Int32Array.from(exits),
    stops: Int32Array.from(stops),
  };
}
