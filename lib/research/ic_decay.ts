/**
 * IC decay: how a signal's information coefficient changes with the forward-return horizon.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";
import { forwardReturns } from "./forward_returns.ts";
import { type IcSummary, icSummary } from "./ic_summary.ts";
import { informationCoefficient } from "./information_coefficient.ts";

/** Options for {@link icDecay}. */
export interface IcDecayOptions {
  /** `"spearman"` (default) or `"pearson"`, as in `informationCoefficient`. */
  readonly method?: "spearman" | "pearson";
  /** Fewest complete pairs per timestamp; default 5. */
  readonly minAssets?: number;
}

/** One row of {@link icDecay}: the IC summary at one horizon. */
export interface IcDecayRow extends IcSummary {
  /** Forward-return horizon h in bars. */
  readonly horizon: number;
}

/**
 * IC decay: for each horizon h, the IC of `signal` against `forwardReturns(logReturns, h)` (the
 * sum of log returns t+1..t+h), summarized by `icSummary` with `horizon: h` (so the
 * Newey-West t-stat accounts for the h - 1 bars that consecutive forward returns share). A
 * signal whose mean IC peaks at short horizons and fades must be traded fast; one whose IC
 * builds up with h can be rebalanced slowly. Cost: O(H T N log N) for H horizons.
 *
 * Reference: alphalens `performance.factor_information_coefficient` over several periods;
 * Grinold and Kahn (2000), Active Portfolio Management, ch. 6.
 *
 * @example A signal that knows the next return
 * ```ts
 * import { icDecay } from "@lib/research/ic_decay.ts";
 * import assert from "node:assert/strict";
 * const T = 60, N = 8;
 * const r = Array.from({ length: N }, (_, a) =>
 *   Float64Array.from({ length: T }, (_, t) => Math.sin(a * 7.1 + t * 3.3) / 100));
 * const signal = r.map((x) => Float64Array.from(x, (_, t) => x[t + 1] ?? NaN));
 * const rows = icDecay(signal, r, [1, 4]);
 * assert.equal(rows[0]!.mean, 1);
 * assert.ok(rows[1]!.mean < 1);
 * ```
 */
export function icDecay(
  signal: readonly Series[],
  logReturns: readonly Series[],
  horizons: readonly number[] = [1, 2, 4, 8, 12, 24, 48],
  options: IcDecayOptions = {},
): IcDecayRow[] {
  if (horizons.length === 0) {
    throw new RangeError("Cannot compute IC decay: pass at least one horizon");
  }
  return horizons.map((h) => {
    const forward = forwardReturns(logReturns, h);
    const { ic } = informationCoefficient(signal, forward, options);
    return { horizon: h, ...icSummary(ic, { horizon: h }) };
  });
}
