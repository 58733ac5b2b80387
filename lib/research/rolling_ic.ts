/**
 * Rolling mean of an information-coefficient series.
 *
 * @module
 */
import type { Series } from "../stats/types.ts";

/** Options for {@link rollingIc}. */
export interface RollingIcOptions {
  /** Fewest finite values in the window for a value; default `window` (pandas' default). */
  readonly minPeriods?: number;
}

/**
 * Rolling mean of an IC series over the `window` rows ending at t (inclusive), skipping
 * non-finite values: pandas 1.5 `ic.rolling(window, min_periods=minPeriods).mean()`. Plot it to
 * see whether a signal's edge is stable, decaying, or came from one episode. Running sums with
 * Kahan compensation (as pandas), O(1) per step, O(n) in all.
 *
 * @example A 2-bar rolling mean that skips a gap
 * ```ts
 * import { rollingIc } from "@lib/research/rolling_ic.ts";
 * import assert from "node:assert/strict";
 * const r = rollingIc([0.1, 0.3, NaN, 0.2], 2, { minPeriods: 1 });
 * assert.ok(Number.isNaN(rollingIc([0.1, 0.3], 2)[0]!));
 * assert.deepEqual([...r].map((v) => Math.round(v * 100) / 100), [0.1, 0.2, 0.3, 0.2]);
 * ```
 */
export function rollingIc(
  ic: Series,
  window: number,
  options: RollingIcOptions = {},
): Float64Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(
      `Cannot compute rolling IC: window must be an integer >= 1, got ${window}`,
    );
  }
  const minPeriods = options.minPeriods ?? window;
  if (!Number.isInteger(minPeriods) || minPeriods < 1 || minPeriods > window) {
    throw new RangeError(
      `Cannot compute rolling IC: minPeriods must be an integer in [1, window=${window}], got ${minPeriods}`,
    );
  }
  const n = ic.length;
  const out = new Float64Array(n);
  let sum = 0, comp = 0, count = 0;
  const add = (v: number) => {
    const y = v - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
  };
  for (let t = 0; t < n; t++) {
    const v = ic[t]!;
    if (Number.isFinite(v)) {
      add(v);
      count++;
    }
    if (t >= window) {
      const old = ic[t - window]!;
      if (Number.isFinite(old)) {
        add(-old);
        count--;
      }
    }
    if (count === 0) {
      sum = 0;
      comp = 0;
    }
    out[t] = count >= minPeriods ? sum / count : NaN;
  }
  return out;
}
