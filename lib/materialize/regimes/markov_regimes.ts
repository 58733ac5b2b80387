/**
 * A causal Markov-switching regime series: parameters fitted on a training window (and,
 * optionally, re-fitted on an expanding window), filtered probabilities run forward over every
 * row.
 *
 * @module
 */
import { markovFilter, type MarkovSwitchingParams } from "./markov_filter.ts";
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
  /**
   * Re-fit every `refitEvery` rows after `trainEnd` on the expanding window of all rows before
   * the re-fit point. @default undefined (fit once on the training window, never re-fit)
   */
  refitEvery?: number;
}

/** One fit of a {@link markovRegimes} run and the rows it filtered. */
export interface MarkovRegimeSegment {
  /** The fit, on rows `0 .. fitEnd - 1`. */
  readonly fit: MarkovRegressionFit;
  /** End of the rows fitted on (exclusive). */
  readonly fitEnd: number;
  /** First row filtered with these parameters (inclusive). */
  readonly from: number;
  /** End of the rows filtered with these parameters (exclusive). */
  readonly to: number;
}

/** Result of {@link markovRegimes}. */
export interface MarkovRegimes {
  /** The fit on the training window (states ordered by variance, calmest first). */
  fit: MarkovRegressionFit;
  /** Every fit in order (one unless `refitEvery` is given) and the rows each one filtered. */
  segments: MarkovRegimeSegment[];
  /**
   * Filtered probabilities over every row, row-major `n x k`:
   * `probabilities[t * k + j] = P(S_t = j | y_0..t)` under the parameters in force at row t.
   * Never smoothed.
   */
  probabilities: Float64Array;
  /** Most probable state under the filtered probabilities (ties go to the calmer state). */
  state: Int8Array;
  /** Training rows used (the first `trainEnd` rows). */
  trainEnd: number;
}

function fitOn(
  y: ArrayLike<number>,
  end: number,
  options: Omit<MarkovRegressionOptions, "smoothed">,
): MarkovRegressionFit {
  const train: number[] = [];
  for (let t = 0; t < end; t++) {
    const v = y[t]!;
    if (Number.isFinite(v)) train.push(v);
  }
  return fitMarkovRegression(Float64Array.from(train), options);
}

/**
 * Causal Markov-switching regimes. The model (see {@link fitMarkovRegression}) is fitted on the
 * training rows `0 .. trainEnd - 1`; the Hamilton filter then runs forward over all rows, so
 * `probabilities[t]` and `state[t]` use `y_0 .. y_t` and parameters fitted on rows before the
 * current segment only (known at the close of row `t`).
 *
 * - Without `refitEvery` (the default) the training parameters are frozen for every row. For
 *   `t >= trainEnd - 1`, changing any row after `t` changes nothing at or before `t`; training
 *   rows are in-sample by construction.
 * - With `refitEvery = m`, the model is re-fitted at rows `trainEnd + m, trainEnd + 2m, ...` on
 *   all rows before that point (an expanding window), and the filter continues from the previous
 *   row's filtered probabilities with the new parameters. Labels stay comparable across re-fits
 *   because states are ordered by variance. Causality is the same: nothing after `t` is used at
 *   `t`.
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
 * const e = markovRegimes(y, { k: 2, trainEnd: 400, starts: 2, refitEvery: 200 });
 * assert.deepEqual(e.segments.map((s) => s.fitEnd), [400, 600]);
 * ```
 */
export function markovRegimes(
  y: ArrayLike<number>,
  options: MarkovRegimeOptions = {},
): MarkovRegimes {
  const n = y.length;
  const what = "Cannot compute Markov regimes";
  const trainEnd = options.trainEnd ?? n;
  if (!Number.isInteger(trainEnd) || trainEnd < 1 || trainEnd > n) {
    throw new RangeError(`${what}: trainEnd must be an integer in [1, ${n}], got ${trainEnd}`);
  }
  const { trainEnd: _t, refitEvery, ...fitOptions } = options;
  if (refitEvery !== undefined && (!Number.isInteger(refitEvery) || refitEvery < 1)) {
    throw new RangeError(`${what}: refitEvery must be an integer >= 1 row, got ${refitEvery}`);
  }
  const fit = fitOn(y, trainEnd, fitOptions);
  const { k } = fit.params;
  const segments: MarkovRegimeSegment[] = [];
  const probabilities = new Float64Array(n * k);
  if (refitEvery === undefined) {
    probabilities.set(markovFilter(y, fit.params).filtered);
    segments.push({ fit, fitEnd: trainEnd, from: 0, to: n });
  } else {
    let from = 0, fitEnd = trainEnd, current = fit;
    while (from < n) {
      const to = Math.min(n, fitEnd + refitEvery);
      const p: MarkovSwitchingParams = current.params;
      let initial: Float64Array | undefined;
      if (from > 0) {
        // continue the filter: yesterday's filtered probabilities through the new transitions
        initial = new Float64Array(k);
        for (let i = 0; i < k; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) {
            s += p.transition[i * k + j]! * probabilities[(from - 1) * k + j]!;
          }
          initial[i] = s;
        }
      }
      const seg = Array.prototype.slice.call(y, from, to) as number[];
      const f = markovFilter(seg, p, false, undefined, initial);
      probabilities.set(f.filtered, from * k);
      segments.push({ fit: current, fitEnd, from, to });
      from = to;
      if (from < n) {
        fitEnd = from;
        current = fitOn(y, fitEnd, fitOptions);
      }
    }
  }
  const state = new Int8Array(n);
  for (let t = 0; t < n; t++) {
    let best = 0;
    for (let j = 1; j < k; j++) {
      if (probabilities[t * k + j]! > probabilities[t * k + best]!) best = j;
    }
    state[t] = best;
  }
  return { fit, segments, probabilities, state, trainEnd };
}
