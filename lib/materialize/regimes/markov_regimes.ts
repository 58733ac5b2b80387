/**
 * A causal Markov-switching regime series: parameters fitted on a training window, filtered
 * probabilities run forward over every row.
 *
 * @module
 */
import { markovFilter } from "./markov_filter.ts";
import {
  fitMarkovRegression,
  type MarkovRegressionFit,
  type MarkovRegressionOptions,
} from "./markov_regression.ts";

/** Options of {@link markovRegimes}. */
export interface MarkovRegimeOptions extends Omit<MarkovRegressionOptions, "smoothed"> {
  /**
   * Rows `0 .. trainEnd - 1` are the training window the parameters are fitted on (missing
   * returns dropped). @default the whole series (in sample; pass a training end for anything
   * causal)
   */
  trainEnd?: number;
}

/** Result of {@link markovRegimes}. */
export interface MarkovRegimes {
  /** The fit on the training window (states ordered by variance, calmest first). */
  fit: MarkovRegressionFit;
  /**
   * Filtered probabilities over every row with the training parameters, row-major `n x k`:
   * `probabilities[t * k + j] = P(S_t = j | y_0..t)`. Never smoothed.
   */
  probabilities: Float64Array;
  /** Most probable state under the filtered probabilities (ties go to the calmer state). */
  state: Int8Array;
  /** Training rows used (the first `trainEnd` rows). */
  trainEnd: number;
}

/**
 * Causal Markov-switching regimes. The model (see {@link fitMarkovRegression}) is fitted ONCE on
 * the training rows `0 .. trainEnd - 1`; those parameters are then frozen and the Hamilton filter
 * runs over all rows, so `probabilities[t]` and `state[t]` use the training parameters and
 * `y_0 .. y_t` only (known at the close of row `t`). For `t >= trainEnd - 1`, changing any row
 * after `t` changes nothing at or before `t`; training rows are in-sample by construction. No
 * expanding-window refit is done: a refit would relabel nothing (states are ordered by variance)
 * but would make old probabilities depend on when the series was cut.
 *
 * Smoothed probabilities are deliberately not offered here: they use the future.
 *
 * @param y log returns (NaN = missing; missing rows are predicted through)
 * @param options see {@link MarkovRegimeOptions}
 *
 * @example Fit on the first half, filter the rest
 * ```ts
 * import { markovRegimes } from "@lib/materialize/regimes/markov_regimes.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(3);
 * const y = new Float64Array(800);
 * for (let t = 0; t < 800; t++) y[t] = 0.01 * (Math.floor(t / 100) % 2 ? 3 : 1) * rng.normal();
 * const r = markovRegimes(y, { k: 2, trainEnd: 400, starts: 2 });
 * assert.equal(r.state[450], 0);
 * assert.equal(r.state[550], 1);
 * ```
 */
export function markovRegimes(
  y: ArrayLike<number>,
  options: MarkovRegimeOptions = {},
): MarkovRegimes {
  const n = y.length;
  const trainEnd = options.trainEnd ?? n;
  if (!Number.isInteger(trainEnd) || trainEnd < 1 || trainEnd > n) {
    throw new RangeError(
      `Cannot compute Markov regimes: trainEnd must be an integer in [1, ${n}], got ${trainEnd}`,
    );
  }
  const train: number[] = [];
  for (let t = 0; t < trainEnd; t++) {
    const v = y[t]!;
    if (Number.isFinite(v)) train.push(v);
  }
  const { trainEnd: _drop, ...fitOptions } = options;
  const fit = fitMarkovRegression(Float64Array.from(train), fitOptions);
  const { k } = fit.params;
  const probabilities = markovFilter(y, fit.params).filtered;
  const state = new Int8Array(n);
  for (let t = 0; t < n; t++) {
    let best = 0;
    for (let j = 1; j < k; j++) {
      if (probabilities[t * k + j]! > probabilities[t * k + best]!) best = j;
    }
    state[t] = best;
  }
  return { fit, probabilities, state, trainEnd };
}
