/**
 * The information coefficient: per-timestamp cross-sectional correlation between a signal and
 * the forward returns it is meant to predict.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";
import { CrossSectionRanker } from "./_cross_section_ranker.ts";
import { checkMinAssets, checkSamePanels } from "./_ic_validate.ts";
import { correlationFromMoments } from "../stats/correlation_from_moments.ts";
import { SIGNAL_DEFAULTS } from "./signal_defaults.ts";

/** Options for {@link informationCoefficient}. */
export interface InformationCoefficientOptions {
  /**
   * `"spearman"` (default): rank IC, the correlation of cross-sectional ranks, robust to
   * outliers and what alphalens reports; `"pearson"`: the correlation of raw values.
   */
  readonly method?: "spearman" | "pearson";
  /** Fewest complete (signal, return) pairs at a timestamp for an IC value; default 5. */
  readonly minAssets?: number;
}

/** What {@link informationCoefficient} returns. */
export interface InformationCoefficientResult {
  /** IC per timestamp; `NaN` with fewer than `minAssets` complete pairs or a constant side. */
  readonly ic: Float64Array;
  /** The number of complete pairs behind each value. */
  readonly nAssets: Int32Array;
}

/**
 * Per-timestamp information coefficient (IC): at each row `t`, the correlation across assets
 * between `signal[a][t]` and `forward[a][t]`, over the assets where both are finite. With
 * `forward` from `forwardReturns(logReturns, h)` (the sum of log returns t+1..t+h) and a causal
 * signal (its value at t uses bars up to t), IC_t measures how well what was known at t ranked
 * what happened next. Equal per row to scipy 1.10 `spearmanr(s[ok], f[ok]).correlation` (or
 * `pearsonr`), i.e. alphalens' `factor_information_coefficient` on the same clean data.
 * Use it as the first test of any signal; summarize with `icSummary`, across horizons with
 * `icDecay`.
 *
 * Panels are asset-major (`[asset][t]`), NaN = missing. Allocation-free per row: complete pairs
 * are gathered into scratch arrays and ranked starting from the previous row's order (an
 * insertion sort, nearly linear for a persistent signal, with a quicksort fallback), then
 * correlated.
 * Cost: O(T N log N) for T rows and N assets.
 *
 * Reference: Grinold, R. and Kahn, R. (2000), Active Portfolio Management, ch. 6;
 * alphalens `performance.factor_information_coefficient` (https://github.com/quantopian/alphalens).
 *
 * @example A signal that orders tomorrow's returns perfectly at t=0 and inversely at t=1
 * ```ts
 * import { informationCoefficient } from "@lib/research/information_coefficient.ts";
 * import assert from "node:assert/strict";
 * const signal = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]].map((r) => new Float64Array(r));
 * const fwd = [[0.1, 5], [0.2, 4], [0.3, 3], [0.4, 2], [0.9, NaN]].map((r) => new Float64Array(r));
 * const { ic, nAssets } = informationCoefficient(signal, fwd, { minAssets: 4 });
 * assert.deepEqual([...ic], [1, -1]);
 * assert.deepEqual([...nAssets], [5, 4]);
 * ```
 */
export function informationCoefficient(
  signal: readonly Series[],
  forward: readonly Series[],
  options: InformationCoefficientOptions = {},
): InformationCoefficientResult {
  const what = "information coefficient";
  const method = options.method ?? "spearman";
  if (method !== "spearman" && method !== "pearson") {
    throw new RangeError(
      `Cannot compute ${what}: method must be "spearman" or "pearson", got ${String(method)}`,
    );
  }
  const minAssets = options.minAssets ?? SIGNAL_DEFAULTS.minAssets;
  checkMinAssets(minAssets, what);
  const T = checkSamePanels(signal, forward, what);
  const N = signal.length;
  const xs = new Float64Array(N), ys = new Float64Array(N), ids = new Int32Array(N);
  const rx = new Float64Array(N), ry = new Float64Array(N);
  const rankX = new CrossSectionRanker(N), rankY = new CrossSectionRanker(N);
  const ic = new Float64Array(T);
  const nAssets = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    let n = 0;
    for (let a = 0; a < N; a++) {
      const x = signal[a]![t]!, y = forward[a]![t]!;
      // x - x === 0 is false exactly for NaN and ±Infinity
      if (x - x === 0 && y - y === 0) {
        xs[n] = x;
        ys[n] = y;
        ids[n] = a;
        n++;
      }
    }
    nAssets[t] = n;
    if (n < minAssets) ic[t] = NaN;
    else if (method === "pearson") ic[t] = pearsonComplete(xs, ys, n);
    else {
      rankX.rank(xs, ids, n, rx);
      rankY.rank(ys, ids, n, ry);
      ic[t] = pearsonComplete(rx, ry, n);
    }
  }
  return { ic, nAssets };
}

/** Two-pass Pearson correlation of the first n (finite) entries; NaN when a side is constant. */
function pearsonComplete(xs: Float64Array, ys: Float64Array, n: number): number {
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx, dy = ys[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return correlationFromMoments(sxx, syy, sxy);
}
