import { createRng } from "./rng.ts";
import type { Series } from "./types.ts";

/** Options of {@link probabilityOfBacktestOverfitting}. */
export interface PboOptions {
  /**
   * Number of blocks S the rows are cut into (even, in [2, 30]); each split puts S/2 blocks in
   * sample and the other S/2 out of sample.
   * @default {16}
   */
  readonly blocks?: number;
  /**
   * Largest number of splits evaluated. When C(S, S/2) is at most this, every split is
   * enumerated (S = 16 gives 12,870); above it, this many distinct splits are drawn with `seed`.
   * @default {12870}
   */
  readonly maxCombinations?: number;
  /**
   * Seed of the split sample (used only when C(S, S/2) > `maxCombinations`).
   * @default {0}
   */
  readonly seed?: number;
  /**
   * Number of equal-width bins of the logit histogram, over [min, max] of the logits.
   * @default {20}
   */
  readonly histogramBins?: number;
  /**
   * Memory (bytes) the split loop may use for the sums over every subset of each half of the
   * blocks, which make a split cost O(N) instead of O(N S); 0 forces block-by-block sums (the
   * same results up to rounding).
   * @default {67108864}
   */
  readonly subsetSumsBytes?: number;
}

/** Default options of {@link probabilityOfBacktestOverfitting}. */
export const PBO_DEFAULTS = {
  blocks: 16,
  maxCombinations: 12_870,
  seed: 0,
  histogramBins: 20,
  subsetSumsBytes: 64 * 1024 * 1024,
} as const;

/** What {@link probabilityOfBacktestOverfitting} returns. */
export interface PboResult {
  /** Share of splits whose logit is <= 0: the best in-sample trial ranked in the bottom half out of sample. */
  readonly pbo: number;
  /** One logit `ln(w / (1 - w))` per split, `w = rank / (N + 1)` of the selected trial out of sample. */
  readonly logits: Float64Array;
  /** Index of the trial with the best in-sample Sharpe ratio, per split. */
  readonly selected: Int32Array;
  /** In-sample per-period Sharpe ratio of the selected trial, per split. */
  readonly inSampleSharpe: Float64Array;
  /** Out-of-sample per-period Sharpe ratio of the selected trial, per split. */
  readonly outOfSampleSharpe: Float64Array;
  /** OLS of `outOfSampleSharpe` on `inSampleSharpe` across splits (performance degradation). */
  readonly degradation: {
    readonly slope: number;
    readonly intercept: number;
    readonly rSquared: number;
  };
  /** Share of splits whose selected trial has a negative out-of-sample Sharpe ratio. */
  readonly probabilityOfLoss: number;
  /** Logit histogram: `counts[i]` logits in `[edges[i], edges[i + 1])` (the last bin is closed). */
  readonly histogram: { readonly edges: Float64Array; readonly counts: Int32Array };
  /** Number of splits evaluated and how many exist, and whether all of them were. */
  readonly splits: number;
  readonly totalSplits: number;
  readonly enumerated: boolean;
  readonly blocks: number;
  readonly nTrials: number;
  /** Rows used (a multiple of S) and rows dropped from the start. */
  readonly rowsUsed: number;
  readonly rowsDropped: number;
  /** The conventions, in words, for reports. */
  readonly convention: string;
}

const CONVENTION =
  "CSCV (Bailey, Borwein, Lopez de Prado and Zhu 2017): performance = per-period Sharpe ratio (mean / sample std) of the rows of a half; the trial with the best in-sample Sharpe is selected (ties go to the lowest trial index); its out-of-sample rank among N is the average rank (ties share it), w = rank / (N + 1), logit = ln(w / (1 - w)); PBO = share of logits <= 0; a zero-variance half has Sharpe -Infinity; rows that do not fill S equal blocks are dropped from the start.";

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV).
 *
 * Give it the per-period returns of every trial of a family (every parameter set tried), one
 * column per trial on one time grid. The rows are cut into S equal blocks; for each way of
 * choosing S/2 blocks as the in-sample half (the rest is out of sample) the trial with the best
 * in-sample Sharpe ratio is selected and its out-of-sample rank among the N trials is turned
 * into a logit. PBO is the share of splits in which the in-sample winner falls to or below the
 * out-of-sample median: near 0 the selection process generalizes, near 1 it picks noise (a
 * family where the in-sample winner is always the out-of-sample loser gives exactly 1). Also
 * returned: the performance-degradation regression of out-of-sample on in-sample Sharpe (a
 * negative slope is the overfitting signature), the probability of loss and the logit
 * histogram. The conventions are stated in `convention`.
 *
 * Every split is enumerated when C(S, S/2) <= `maxCombinations` (S = 16: 12,870), in
 * lexicographic order of the in-sample block sets; above it a seeded sample of distinct splits
 * is used. Values must be finite.
 *
 * Reference: Bailey, Borwein, Lopez de Prado and Zhu (2017), "The Probability of Backtest
 * Overfitting", J. of Computational Finance 20(4), https://ssrn.com/abstract=2326253.
 * Cost: O(T N) to build per-block sums and sums of squares (centred per trial), then
 * O(N) per split when the sums over every subset of each half of the blocks fit in 64 MB
 * (`subsetSumsBytes`; 2^(S/2) N values x 4, S = 16 and 1,000 trials: 8 MB), else O(N S) per split;
 * memory O(N S + 2^(S/2) N + splits).
 *
 * @example A maximally overfit family: PBO = 1
 * ```ts
 * import { probabilityOfBacktestOverfitting } from "@lib/stats/probability_of_backtest_overfitting.ts";
 * import assert from "node:assert/strict";
 * // trial 0 is good in the first half and bad in the second, trial 1 the opposite
 * const a = [0.02, 0.01, 0.02, -0.02, -0.01, -0.02];
 * const b = [-0.02, -0.01, -0.02, 0.02, 0.01, 0.02];
 * const out = probabilityOfBacktestOverfitting([a, b], { blocks: 2 });
 * assert.equal(out.splits, 2);
 * assert.equal(out.pbo, 1);
 * assert.equal(out.probabilityOfLoss, 1);
 * ```
 */
export function probabilityOfBacktestOverfitting(
  trials: readonly Series[],
  options: PboOptions = {},
): PboResult {
  const S = options.blocks ?? PBO_DEFAULTS.blocks;
  const maxComb = options.maxCombinations ?? PBO_DEFAULTS.maxCombinations;
  const seed = options.seed ?? PBO_DEFAULTS.seed;
  const bins = options.histogramBins ?? PBO_DEFAULTS.histogramBins;
  const N = trials.length;
  const what = "Cannot compute probability of backtest overfitting";
  if (N < 2) throw new RangeError(`${what}: need at least 2 trials (columns), got ${N}`);
  if (!Number.isInteger(S) || S < 2 || S > 30 || S % 2 !== 0) {
    throw new RangeError(`${what}: blocks must be an even integer in [2, 30], got ${S}`);
  }
  if (!Number.isInteger(maxComb) || maxComb < 1) {
    throw new RangeError(`${what}: maxCombinations must be an integer >= 1, got ${maxComb}`);
  }
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`${what}: histogramBins must be an integer >= 1, got ${bins}`);
  }
  const T = trials[0]!.length;
  for (let n = 1; n < N; n++) {
    if (trials[n]!.length !== T) {
      throw new RangeError(
        `${what}: trial ${n} has ${
          trials[n]!.length
        } rows, trial 0 has ${T}; align the trials on one time grid`,
      );
    }
  }
  const m = Math.floor(T / S);
  const half = S / 2;
  if (m < 1 || half * m < 2) {
    throw new RangeError(
      `${what}: ${T} rows do not give ${S} blocks with at least 2 rows per half; use fewer blocks or more rows`,
    );
  }
  const used = m * S, drop = T - used;

  // Per-block sums and sums of squares of each trial's returns, centred on the trial's mean so
  // the variance from sums of squares keeps its precision.
  const bs = new Float64Array(N * S), bq = new Float64Array(N * S);
  const tot = new Float64Array(N), totq = new Float64Array(N), shifts = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const col = trials[n]!;
    let c = 0;
    for (let t = drop; t < T; t++) {
      const v = col[t]!;
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `${what}: trial ${n} row ${t} is ${v}; every return must be finite (a flat position is 0)`,
        );
      }
      c += v;
    }
    c /= used;
    let s1 = 0, s2 = 0;
    for (let b = 0; b < S; b++) {
      let a = 0, q = 0;
      const from = drop + b * m;
      for (let t = from; t < from + m; t++) {
        const d = col[t]! - c;
        a += d;
        q += d * d;
      }
      bs[n * S + b] = a;
      bq[n * S + b] = q;
      s1 += a;
      s2 += q;
    }
    tot[n] = s1;
    totq[n] = s2;
    shifts[n] = c; // the shift cancels in the spread, not in the mean: added back per half
  }

  const bsT = new Float64Array(N * S), bqT = new Float64Array(N * S);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < S; b++) {
      bsT[b * N + n] = bs[n * S + b]!;
      bqT[b * N + n] = bq[n * S + b]!;
    }
  }

  const total = binomial(S, half);
  const enumerated = total <= maxComb;
  const nSplits = enumerated ? total : maxComb;
  const splitBlocks = new Int32Array(nSplits * half);
  if (enumerated) {
    const idx = Int32Array.from({ length: half }, (_, i) => i);
    for (let k = 0; k < nSplits; k++) {
      splitBlocks.set(idx, k * half);
      let i = half - 1;
      while (i >= 0 && idx[i] === S - half + i) i--;
      if (i < 0) break;
      idx[i]!++;
      for (let j = i + 1; j < half; j++) idx[j] = idx[j - 1]! + 1;
    }
  } else {
    const rng = createRng(seed);
    const seen = new Set<number>();
    const perm = Int32Array.from({ length: S }, (_, i) => i);
    let k = 0;
    while (k < nSplits) {
      for (let i = 0; i < half; i++) {
        const j = i + rng.int(S - i);
        const tmp = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = tmp;
      }
      let mask = 0;
      for (let i = 0; i < half; i++) mask |= 1 << perm[i]!;
      if (seen.has(mask)) continue;
      seen.add(mask);
      let w = k * half;
      for (let b = 0; b < S; b++) if (mask & (1 << b)) splitBlocks[w++] = b;
      k++;
    }
  }

  const rows = half * m;
  const logits = new Float64Array(nSplits);
  const selected = new Int32Array(nSplits);
  const isSr = new Float64Array(nSplits), oosSr = new Float64Array(nSplits);
  const oos = new Float64Array(N);
  const accA = new Float64Array(N), accQ = new Float64Array(N), zeros = new Float64Array(N);
  // Subset sums of each half of the blocks (2^(S/2) subsets x N trials x 4 arrays), when they
  // fit in `subsetSumsBytes`; otherwise the in-sample blocks are added one by one.
  const subsets = 1 << half;
  const useSubsets = 4 * 8 * subsets * N <=
    (options.subsetSumsBytes ?? PBO_DEFAULTS.subsetSumsBytes);
  const subA = useSubsets ? subsetSums(bsT, 0, half, N) : undefined;
  const subB = useSubsets ? subsetSums(bsT, half, half, N) : undefined;
  const subQA = useSubsets ? subsetSums(bqT, 0, half, N) : undefined;
  const subQB = useSubsets ? subsetSums(bqT, half, half, N) : undefined;
  const ctx: SplitContext = {
    N,
    rows,
    tot,
    totq,
    shifts,
    oos,
    logits,
    selected,
    isSr,
    oosSr,
  };
  for (let k = 0; k < nSplits; k++) {
    const base = k * half;
    if (subA && subB && subQA && subQB) {
      // meet in the middle: the in-sample set is (its blocks < S/2) + (its blocks >= S/2), each
      // half's sums precomputed for every subset, so a split costs one add per trial
      let mA = 0, mB = 0;
      for (let i = 0; i < half; i++) {
        const b = splitBlocks[base + i]!;
        if (b < half) mA |= 1 << b;
        else mB |= 1 << (b - half);
      }
      evaluateSplit(ctx, k, subA, mA * N, subB, mB * N, subQA, subQB);
    } else {
      // block-major sums: each in-sample block adds one contiguous row of N values
      accA.set(bsT.subarray(splitBlocks[base]! * N, splitBlocks[base]! * N + N));
      accQ.set(bqT.subarray(splitBlocks[base]! * N, splitBlocks[base]! * N + N));
      for (let i = 1; i < half; i++) {
        const o = splitBlocks[base + i]! * N;
        for (let n = 0; n < N; n++) {
          accA[n] = accA[n]! + bsT[o + n]!;
          accQ[n] = accQ[n]! + bqT[o + n]!;
        }
      }
      evaluateSplit(ctx, k, accA, 0, zeros, 0, accQ, zeros);
    }
  }

  let overfit = 0, loss = 0;
  for (let k = 0; k < nSplits; k++) {
    if (logits[k]! <= 0) overfit++;
    if (oosSr[k]! < 0) loss++;
  }
  return {
    pbo: overfit / nSplits,
    logits,
    selected,
    inSampleSharpe: isSr,
    outOfSampleSharpe: oosSr,
    degradation: degradation(isSr, oosSr),
    probabilityOfLoss: loss / nSplits,
    histogram: histogram(logits, bins),
    splits: nSplits,
    totalSplits: total,
    enumerated,
    blocks: S,
    nTrials: N,
    rowsUsed: used,
    rowsDropped: drop,
    convention: CONVENTION,
  };
}

/** Arrays shared by every split's evaluation. */
interface SplitContext {
  readonly N: number;
  readonly rows: number;
  readonly tot: Float64Array;
  readonly totq: Float64Array;
  readonly shifts: Float64Array;
  readonly oos: Float64Array;
  readonly logits: Float64Array;
  readonly selected: Int32Array;
  readonly isSr: Float64Array;
  readonly oosSr: Float64Array;
}

/**
 * Evaluate split k whose in-sample sums are `a1[o1 + n] + a2[o2 + n]` and sums of squares
 * `q1[o1 + n] + q2[o2 + n]`: select the best in-sample trial (lowest index on ties) and store its
 * logit, Sharpe ratios and index.
 */
function evaluateSplit(
  ctx: SplitContext,
  k: number,
  a1: Float64Array,
  o1: number,
  a2: Float64Array,
  o2: number,
  q1: Float64Array,
  q2: Float64Array,
): void {
  const { N, rows, tot, totq, shifts, oos } = ctx;
  const r1 = 1 / (rows - 1);
  let best = -1, bestSr = -Infinity;
  for (let n = 0; n < N; n++) {
    const a = a1[o1 + n]! + a2[o2 + n]!, q = q1[o1 + n]! + q2[o2 + n]!;
    const c = shifts[n]!;
    const mi = a / rows, vi = (q - a * mi) * r1;
    const inSr = vi > 0 ? (mi + c) / Math.sqrt(vi) : -Infinity;
    const oa = tot[n]! - a, oq = totq[n]! - q;
    const mo = oa / rows, vo = (oq - oa * mo) * r1;
    oos[n] = vo > 0 ? (mo + c) / Math.sqrt(vo) : -Infinity;
    if (best < 0 || inSr > bestSr) {
      best = n;
      bestSr = inSr;
    }
  }
  const target = oos[best]!;
  let below = 0, ties = 0;
  for (let n = 0; n < N; n++) {
    const v = oos[n]!;
    if (v < target) below++;
    else if (v === target) ties++;
  }
  const w = (1 + below + (ties - 1) / 2) / (N + 1);
  ctx.logits[k] = Math.log(w / (1 - w));
  ctx.selected[k] = best;
  ctx.isSr[k] = bestSr;
  ctx.oosSr[k] = target;
}

/** Sums over every subset of blocks [from, from + count) of block-major sums: `out[mask * N + n]`. */
function subsetSums(
  blockMajor: Float64Array,
  from: number,
  count: number,
  N: number,
): Float64Array {
  const out = new Float64Array((1 << count) * N);
  for (let mask = 1; mask < 1 << count; mask++) {
    const low = 31 - Math.clz32(mask & -mask); // lowest set bit
    const rest = (mask & (mask - 1)) * N, o = mask * N, src = (from + low) * N;
    for (let n = 0; n < N; n++) out[o + n] = out[rest + n]! + blockMajor[src + n]!;
  }
  return out;
}

function degradation(x: Float64Array, y: Float64Array) {
  let n = 0, mx = 0, my = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      n++;
      mx += x[i]!;
      my += y[i]!;
    }
  }
  if (n < 2) return { slope: NaN, intercept: NaN, rSquared: NaN };
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!(Number.isFinite(x[i]!) && Number.isFinite(y[i]!))) continue;
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0)) return { slope: NaN, intercept: NaN, rSquared: NaN };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, rSquared: syy > 0 ? (sxy * sxy) / (sxx * syy) : NaN };
}

function histogram(v: Float64Array, bins: number) {
  let lo = Infinity, hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!(hi > lo)) {
    lo = lo - 0.5;
    hi = hi + 0.5;
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  edges[bins] = hi;
  const counts = new Int32Array(bins);
  const width = (hi - lo) / bins;
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]!++;
  return { edges, counts };
}
