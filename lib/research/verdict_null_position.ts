/**
 * Where a trial's real result sits in its null suite, in the form the overfitting verdict
 * shows: the most demanding placebo's p-value, percentile, rank and a small histogram.
 *
 * @module
 */
import type { NullSuiteResult } from "./null_suite.ts";
import type { VerdictNullPosition } from "./overfitting_verdict.ts";

/** Defaults of {@link verdictNullPosition}, stated once. */
export const VERDICT_NULL_POSITION_DEFAULTS = {
  /** Bins of the histogram of the most demanding placebo's values. */
  bins: 10,
} as const;

/**
 * The null-suite position of a verdict from a `nullSuite` result: the placebo with the largest
 * p-value (the most demanding one, whose p-value is the suite's) gives the p-value, the
 * percentile of the real value among its runs (ties counted half), its rank (1 = above every
 * placebo run: `1 + #{placebo >= real}` out of `runs + 1`) and a histogram of its values over
 * `bins` equal bins spanning the placebo values and the real value (so the real value's bin is
 * always on the chart); every placebo's p-value and percentile are kept too. O(runs x kinds).
 *
 * @example Nine placebo values below the real one
 * ```ts
 * import { verdictNullPosition } from "@lib/research/verdict_null_position.ts";
 * import { nullSuite } from "@lib/research/null_suite.ts";
 * import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
 * import assert from "node:assert/strict";
 * const { panel, signal } = simulatedPanel({ seed: 3, assets: 6, freq: "1h", bars: 100, signalIc: 0 });
 * let calls = 0;
 * const res = nullSuite({ panel, signal, runs: 9, kinds: ["random-ranks"],
 *   pipeline: () => (calls++ === 0 ? 1 : calls / 40) });
 * const pos = verdictNullPosition(res, "mean IC");
 * assert.equal(pos.pValue, 0.1);
 * assert.equal(pos.rank, 1);
 * assert.equal(pos.histogram!.counts.reduce((a, b) => a + b, 0), 9);
 * ```
 */
export function verdictNullPosition(
  result: NullSuiteResult,
  statistic: string,
  bins: number = VERDICT_NULL_POSITION_DEFAULTS.bins,
): VerdictNullPosition {
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(
      `Cannot place the result in its null suite: bins must be an integer >= 1, got ${bins}`,
    );
  }
  if (result.nulls.length === 0) {
    throw new RangeError("Cannot place the result in its null suite: no placebo was run");
  }
  const worst = result.nulls.reduce((a, d) => (d.pValue > a.pValue ? d : a));
  const real = result.statistic;
  let lo = real, hi = real, above = 0;
  for (const v of worst.values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v >= real) above++;
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const edges = Float64Array.from(
    { length: bins + 1 },
    (_, i) => (i === bins ? hi : lo + i * width),
  );
  if (!(hi > lo)) edges[bins] = lo + bins;
  const counts = new Int32Array(bins);
  for (const v of worst.values) {
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]!++;
  }
  return {
    what: `${worst.runs} ${worst.kind} placebo runs of the ${statistic} (seed ${result.seed}; ` +
      `the most demanding of ${result.nulls.map((d) => d.kind).join(", ")})`,
    observed: real,
    pValue: worst.pValue,
    percentile: worst.percentile,
    rank: 1 + above,
    runs: worst.runs,
    seed: result.seed,
    histogram: { edges, counts },
    kinds: result.nulls.map((d) => ({
      kind: d.kind,
      pValue: d.pValue,
      percentile: d.percentile,
      runs: d.runs,
    })),
  };
}
