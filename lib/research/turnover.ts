/**
 * How fast a signal's cross-section changes: rank autocorrelation and top-quantile turnover.
 *
 * @module
 */
import { rankInto } from "../stats/rank.ts";
import { checkMinAssets } from "./_ic_validate.ts";
import { quantileLabels } from "./quantile_labels.ts";
import { correlationFromMoments } from "../stats/correlation_from_moments.ts";
import { finiteCrossSection } from "./finite_cross_section.ts";
import { SIGNAL_DEFAULTS } from "./signal_defaults.ts";

function checkPanel(signal: readonly Float64Array[], lag: number, what: string): number {
  if (signal.length === 0) {
    throw new RangeError(`Cannot compute ${what}: the panel holds no assets`);
  }
  const T = signal[0]!.length;
  signal.forEach((s, a) => {
    if (s.length !== T) {
      throw new RangeError(
        `Cannot compute ${what}: asset ${a} has ${s.length} rows, asset 0 has ${T}`,
      );
    }
  });
  if (!Number.isInteger(lag) || lag < 1) {
    throw new RangeError(`Cannot compute ${what}: lag must be an integer >= 1, got ${lag}`);
  }
  return T;
}

/** Options for {@link rankAutocorrelation}. */
export interface RankAutocorrelationOptions {
  /** Fewest assets with a value at both t and t - lag for a value; default 5. */
  readonly minAssets?: number;
}

/**
 * Rank autocorrelation of a signal at each row t: the correlation across assets between the
 * signal's cross-sectional ranks at t and at t - lag. Near 1 means the ranking barely moves
 * (cheap to trade), near 0 means it is reshuffled every `lag` bars. alphalens
 * `factor_rank_autocorrelation` reproduced: each cross-section is ranked over all its finite
 * values (average ranks, pandas `rank()`), then pandas `corrwith(ranks.shift(lag), axis=1)`,
 * i.e. Pearson correlation of the ranks over the assets present at both rows. Shifts are by
 * grid rows (our panels hold every grid point, so this is alphalens' shift by dates when no
 * timestamp is missing). `NaN` for t < lag, with fewer than `minAssets` common assets, or a
 * constant side. Cost: O(T N log N).
 *
 * Reference: alphalens `performance.factor_rank_autocorrelation`.
 *
 * @example A ranking that flips every bar
 * ```ts
 * import { rankAutocorrelation } from "@lib/research/turnover.ts";
 * import assert from "node:assert/strict";
 * const s = [[1, 3, 1], [2, 2, 2], [3, 1, 3]].map((r) => new Float64Array(r));
 * const ac = rankAutocorrelation(s, 1, { minAssets: 3 });
 * assert.ok(Number.isNaN(ac[0]!));
 * assert.deepEqual([...ac.subarray(1)], [-1, -1]);
 * ```
 */
export function rankAutocorrelation(
  signal: readonly Float64Array[],
  lag = 1,
  options: RankAutocorrelationOptions = {},
): Float64Array {
  const what = "rank autocorrelation";
  const T = checkPanel(signal, lag, what);
  const minAssets = options.minAssets ?? SIGNAL_DEFAULTS.minAssets;
  checkMinAssets(minAssets, what);
  const N = signal.length;
  const ranks = Array.from({ length: N }, () => new Float64Array(T).fill(NaN));
  const values = new Float64Array(N), r = new Float64Array(N), keys = new Float64Array(N);
  const order = new Int32Array(N), where = new Int32Array(N);
  for (let t = 0; t < T; t++) {
    const m = finiteCrossSection(signal, t, values, where);
    rankInto(values, m, r, keys, order);
    for (let i = 0; i < m; i++) ranks[where[i]!]![t] = r[i]!;
  }
  const out = new Float64Array(T).fill(NaN);
  for (let t = lag; t < T; t++) {
    let n = 0, mx = 0, my = 0;
    for (let a = 0; a < N; a++) {
      const x = ranks[a]![t]!, y = ranks[a]![t - lag]!;
      if (x === x && y === y) {
        n++;
        mx += x;
        my += y;
      }
    }
    if (n < minAssets) continue;
    mx /= n;
    my /= n;
    let sxx = 0, syy = 0, sxy = 0;
    for (let a = 0; a < N; a++) {
      const x = ranks[a]![t]!, y = ranks[a]![t - lag]!;
      if (x === x && y === y) {
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
        sxy += (x - mx) * (y - my);
      }
    }
    out[t] = correlationFromMoments(sxx, syy, sxy);
  }
  return out;
}

/** Options for {@link turnover}. */
export interface TurnoverOptions {
  /** Number of quantile buckets per timestamp; default 5. */
  readonly quantiles?: number;
  /** Which bucket, 1-based as in alphalens (1 = bottom); default `quantiles` (the top). */
  readonly quantile?: number;
  /** Compare with the bucket `lag` rows earlier; default 1. */
  readonly lag?: number;
  /** Fewest finite signal values at a timestamp to bucket it; default `quantiles`. */
  readonly minAssets?: number;
}

/**
 * Quantile turnover at each row t: the share of the assets in bucket `quantile` at t that were
 * not in it at t - lag (alphalens `quantile_turnover`: `len(S_t - S_{t-lag}) / len(S_t)`).
 * Tells how much of the long (or short) book would be replaced each rebalance. Buckets are
 * assigned per timestamp over the finite signal values exactly like `pd.qcut(signal_t,
 * quantiles, labels=False) + 1` (see `quantileLabels`). `NaN` when the bucket is empty at t or
 * at t - lag (no data), or t < lag. Shifts are by grid rows (alphalens shifts by the dates
 * present; identical when no timestamp is missing). Cost: O(T N (log N + q)).
 *
 * Reference: alphalens `performance.quantile_turnover`.
 *
 * @example Top half of 4 assets; one of the two names changes at t=1
 * ```ts
 * import { turnover } from "@lib/research/turnover.ts";
 * import assert from "node:assert/strict";
 * const s = [[1, 1], [2, 3], [3, 2], [4, 4]].map((r) => new Float64Array(r));
 * const tu = turnover(s, { quantiles: 2 });
 * assert.ok(Number.isNaN(tu[0]!));
 * assert.equal(tu[1], 0.5);
 * ```
 */
export function turnover(
  signal: readonly Float64Array[],
  options: TurnoverOptions = {},
): Float64Array {
  const what = "turnover";
  const lag = options.lag ?? 1;
  const T = checkPanel(signal, lag, what);
  const q = options.quantiles ?? SIGNAL_DEFAULTS.quantiles;
  if (!Number.isInteger(q) || q < 2) {
    throw new RangeError(`Cannot compute ${what}: quantiles must be an integer >= 2, got ${q}`);
  }
  const k = options.quantile ?? q;
  if (!Number.isInteger(k) || k < 1 || k > q) {
    throw new RangeError(
      `Cannot compute ${what}: quantile must be an integer in [1, ${q}], got ${k}`,
    );
  }
  const minAssets = options.minAssets ?? q;
  checkMinAssets(minAssets, what);
  const N = signal.length;
  // member[t * N + a] = 1 when asset a is in the bucket at t
  const member = new Uint8Array(T * N);
  const size = new Int32Array(T);
  const xs = new Float64Array(N), scratch = new Float64Array(N);
  const idx = new Int32Array(N), labels = new Int32Array(N);
  for (let t = 0; t < T; t++) {
    const n = finiteCrossSection(signal, t, xs, idx);
    if (n < minAssets) continue;
    quantileLabels(xs, n, q, labels, scratch);
    for (let i = 0; i < n; i++) {
      if (labels[i] === k - 1) {
        member[t * N + idx[i]!] = 1;
        size[t] = size[t]! + 1;
      }
    }
  }
  const out = new Float64Array(T).fill(NaN);
  for (let t = lag; t < T; t++) {
    if (size[t] === 0 || size[t - lag] === 0) continue;
    let fresh = 0;
    for (let a = 0; a < N; a++) {
      if (member[t * N + a] === 1 && member[(t - lag) * N + a] === 0) fresh++;
    }
    out[t] = fresh / size[t]!;
  }
  return out;
}
