/**
 * IC decay: how a signal's information coefficient changes with the forward-return horizon.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";
import { forwardReturns } from "./forward_returns.ts";
import { type IcSummary, icSummary } from "./ic_summary.ts";
import { informationCoefficient } from "./information_coefficient.ts";
import type { TrialLedger, TrialSpec } from "./ledger.ts";
import { recordIcTrials } from "./ledger_ic.ts";
import { SIGNAL_DEFAULTS } from "./signal_defaults.ts";

/** Options for {@link icDecay}. */
export interface IcDecayOptions {
  /** `"spearman"` (default) or `"pearson"`, as in `informationCoefficient`. */
  readonly method?: "spearman" | "pearson";
  /** Fewest complete pairs per timestamp; default 5. */
  readonly minAssets?: number;
  /**
   * The trial ledger to append to (`openLedger` of ./ledger.ts): one trial of kind `ic` per
   * horizon, its IC series recorded after the run. Default: none.
   */
  readonly ledger?: TrialLedger | undefined;
  /** Names the trials when `ledger` is given: family, params, source, dataset, freq. */
  readonly trial?: TrialSpec | undefined;
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
  const { ledger, trial, ...icOptions } = options;
  const runs = horizons.map((h) => {
    const forward = forwardReturns(logReturns, h);
    return { horizon: h, ic: informationCoefficient(signal, forward, icOptions).ic };
  });
  if (ledger !== undefined) {
    recordIcTrials(ledger, trial, signal, logReturns, runs, {
      method: icOptions.method ?? "spearman",
      minAssets: icOptions.minAssets ?? SIGNAL_DEFAULTS.minAssets,
    });
  }
  return runs.map(({ horizon, ic }) => ({ horizon, ...icSummary(ic, { horizon }) }));
}
