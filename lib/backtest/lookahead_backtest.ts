/**
 * A backtest that proves its targets free of lookahead on a sample: the hook every caller of
 * {@link backtestWeights} can use instead of calling the engine directly.
 *
 * @module
 */
import { backtestWeights } from "./backtest_weights.ts";
import { checkLookahead, type LookaheadResult, type LookaheadSample } from "./lookahead.ts";
import type { BacktestInput, BacktestOptions, BacktestResult } from "./types.ts";

/**
 * The sample a backtest checks by default: every bar of two 10-bar windows (one ending at the
 * last bar) and 20 seeded random bars, about 40 recomputations of the targets.
 */
export const LOOKAHEAD_BACKTEST_SAMPLE: LookaheadSample = {
  windows: 2,
  windowBars: 10,
  random: 20,
  seed: 1,
};

/** A backtest with its lookahead check. */
export interface CheckedBacktest {
  readonly result: BacktestResult;
  /** The check of `targets` (truncated data at each sampled bar vs the full run). */
  readonly lookahead: LookaheadResult;
}

/**
 * Compute target weights with `targets(data)`, check on a sample of bars that they use no data
 * after their row ({@link checkLookahead}), and run {@link backtestWeights} on them. A failed
 * check does not stop the backtest: it is in `lookahead` (`passed: false`) and added to the
 * result's warnings, so a tear sheet shows both.
 *
 * @example A trailing momentum target passes; the report says so
 * ```ts
 * import { backtestWithLookahead } from "@lib/backtest/lookahead_backtest.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.from({ length: 80 }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i / 5)))];
 * const momentum = (d: { close: readonly Float64Array[] }) =>
 *   d.close.map((c) => c.map((x, t) => (t >= 5 && x > c[t - 5]! ? 1 : 0)));
 * const { result, lookahead } = backtestWithLookahead({ close }, momentum);
 * assert.equal(lookahead.passed, true);
 * assert.ok(lookahead.checkedBars >= 30);
 * assert.equal(result.net.length, 80);
 * ```
 */
export function backtestWithLookahead<D extends BacktestInput>(
  data: D,
  targets: (data: D) => readonly ArrayLike<number>[],
  options: BacktestOptions = {},
  check: { readonly sample?: LookaheadSample; readonly tolerance?: number } = {},
): CheckedBacktest {
  const full = targets(data);
  const lookahead = checkLookahead(targets, data, {
    full,
    sample: check.sample ?? LOOKAHEAD_BACKTEST_SAMPLE,
    ...(check.tolerance === undefined ? {} : { tolerance: check.tolerance }),
  });
  const result = backtestWeights(data, full, options);
  if (lookahead.passed) return { result, lookahead };
  const v = lookahead.violations[0]!;
  const warning = `Lookahead: the targets changed at ${lookahead.violatingBars.length} of ` +
    `${lookahead.checkedBars} checked bars when later data was added (first: row ${v.row} of ` +
    `${v.asset} with data up to bar ${v.t}: ${v.before} -> ${v.after}); this backtest uses the future`;
  return {
    result: {
      ...result,
      metadata: { ...result.metadata, warnings: [...result.metadata.warnings, warning] },
    },
    lookahead,
  };
}
