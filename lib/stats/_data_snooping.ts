/**
 * Shared core of the data-snooping tests (internal: not re-exported from `mod.ts`): performance
 * differentials against a benchmark, their bootstrap means over given resample indices, and
 * Hansen's (2005) bootstrap standard errors.
 *
 * @module
 */
import { optimalBlockLength } from "./optimal_block_length.ts";
import { type BootstrapIndices, stationaryBootstrap } from "./stationary_bootstrap.ts";
import type { Series } from "./types.ts";

/** Options shared by `realityCheck`, `superiorPredictiveAbility` and `stepM`. */
export interface DataSnoopingOptions {
  /**
   * Stationary-bootstrap resample indices (replications x n, see `stationaryBootstrap`) to use
   * instead of drawing them: the same indices give the same p-values bit for bit.
   */
  readonly indices?: BootstrapIndices;
  /**
   * Mean block length of the stationary bootstrap; by default the Politis-White length
   * (`optimalBlockLength(d).stationary`) of the differential series d of the trial with the
   * highest mean.
   */
  readonly blockLength?: number;
  /**
   * Number of bootstrap resamples.
   * @default {1000}
   */
  readonly replications?: number;
  /**
   * Seed of the resamples.
   * @default {0}
   */
  readonly seed?: number;
}

/** Default options of the data-snooping tests. */
export const DATA_SNOOPING_DEFAULTS = { replications: 1000, seed: 0 } as const;

/** Differentials, their means, bootstrap means and standard errors. */
export interface SnoopingCore {
  /** Rows n and trials K. */
  readonly n: number;
  readonly k: number;
  /** Mean differential of each trial, d-bar_k = mean(r_k - benchmark). */
  readonly means: Float64Array;
  /** Bootstrap means, replication-major: `boot[b * k + j]`. */
  readonly boot: Float64Array;
  /** Hansen's omega_k: `sqrt(n / B sum_b (boot_bk - means_k)^2)`. */
  readonly omega: Float64Array;
  readonly replications: number;
  readonly blockLength: number;
  /**
   * Only when asked (`resampleSe`): the standard error of `sqrt(n) d-bar*_bk` estimated inside
   * resample b, replication-major like `boot`. The resample is cut into its runs of consecutive
   * rows (row i followed by row i + 1; a wrap or a jump starts a new run: the stationary
   * bootstrap's blocks, two adjacent blocks that happen to continue each other counting as one),
   * and `se*_bk^2 = (1 / n) sum_runs (sum_{t in run} (d*_tk - d-bar*_bk))^2`: the Gotze and
   * Kunsch (1996) block variance of the resampled series, which Romano and Wolf (2005, sec. 4.2)
   * use to studentize in the bootstrap world.
   */
  readonly resampleSe?: Float64Array;
}

/** Compute the shared core; `what` names the caller in errors. */
export function snoopingCore(
  trials: readonly Series[],
  benchmark: Series,
  options: DataSnoopingOptions,
  what: string,
  resampleSe = false,
): SnoopingCore {
  const K = trials.length, n = benchmark.length;
  if (K < 1) throw new RangeError(`Cannot compute ${what}: need at least 1 trial, got 0`);
  if (n < 2) throw new RangeError(`Cannot compute ${what}: need at least 2 rows, got ${n}`);
  // time-major prefix sums: prefix[t * K + j] = sum of trial j's differentials over rows < t
  const prefix = new Float64Array((n + 1) * K);
  const means = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    const r = trials[j]!;
    if (r.length !== n) {
      throw new RangeError(
        `Cannot compute ${what}: trial ${j} has ${r.length} rows, the benchmark ${n}; align them on one time grid`,
      );
    }
    let s = 0;
    for (let t = 0; t < n; t++) {
      const d = r[t]! - benchmark[t]!;
      if (!Number.isFinite(d)) {
        throw new RangeError(
          `Cannot compute ${what}: trial ${j} or the benchmark is not finite at row ${t}; every return must be finite (a flat position is 0)`,
        );
      }
      s += d;
      prefix[(t + 1) * K + j] = s;
    }
    let m = s / n, c = 0;
    for (let t = 0; t < n; t++) c += r[t]! - benchmark[t]! - m;
    m += c / n;
    means[j] = m;
  }

  let idx = options.indices;
  if (idx) {
    if (idx.n !== n) {
      throw new RangeError(
        `Cannot compute ${what}: the given indices resample ${idx.n} rows, the series have ${n}`,
      );
    }
  } else {
    let blockLength = options.blockLength;
    if (blockLength === undefined) {
      let best = 0;
      for (let j = 1; j < K; j++) if (means[j]! > means[best]!) best = j;
      const d = new Float64Array(n);
      const r = trials[best]!;
      for (let t = 0; t < n; t++) d[t] = r[t]! - benchmark[t]!;
      blockLength = n >= 16 ? optimalBlockLength(d).stationary : 1;
    }
    idx = stationaryBootstrap(n, {
      blockLength,
      replications: options.replications ?? DATA_SNOOPING_DEFAULTS.replications,
      seed: options.seed ?? DATA_SNOOPING_DEFAULTS.seed,
    });
  }

  // A resample is a sequence of runs of consecutive rows; a run's sum is a difference of two
  // prefix-sum rows. Summing the runs' +1 / -1 coefficients per prefix row first, then adding
  // each row with a nonzero coefficient (K contiguous values) once, costs O(n + K rows) per
  // replication with rows <= min(n + 1, 2 runs), about 2 n / blockLength.
  const B = idx.replications, ind = idx.indices;
  const boot = new Float64Array(B * K);
  const coef = new Int32Array(n + 1), rows = new Int32Array(n + 1), acc = new Float64Array(K);
  const se = resampleSe ? new Float64Array(B * K) : undefined;
  // runs of the current resample, [runFrom[r], runTo[r]) in prefix rows (only for `se`)
  const runFrom = se ? new Int32Array(n) : undefined, runTo = se ? new Int32Array(n) : undefined;
  for (let b = 0; b < B; b++) {
    const o = b * n;
    let prev = ind[o]!;
    if (!(prev >= 0 && prev < n)) {
      throw new RangeError(`Cannot compute ${what}: index ${prev} outside [0, ${n})`);
    }
    coef[prev]!--;
    let runs = 0;
    if (runFrom) runFrom[0] = prev;
    for (let t = 1; t < n; t++) {
      const i = ind[o + t]!;
      if (i !== prev + 1) {
        if (!(i >= 0 && i < n)) {
          throw new RangeError(`Cannot compute ${what}: index ${i} outside [0, ${n})`);
        }
        coef[prev + 1]!++;
        coef[i]!--;
        if (runFrom) {
          runTo![runs++] = prev + 1;
          runFrom[runs] = i;
        }
      }
      prev = i;
    }
    coef[prev + 1]!++;
    if (runTo) runTo[runs++] = prev + 1;
    let nr = 0;
    for (let t = 0; t <= n; t++) if (coef[t] !== 0) rows[nr++] = t;
    acc.fill(0);
    for (let r = 0; r < nr; r++) {
      const t = rows[r]!, c = coef[t]!, base = t * K;
      coef[t] = 0;
      for (let j = 0; j < K; j++) acc[j] = acc[j]! + c * prefix[base + j]!;
    }
    for (let j = 0; j < K; j++) boot[b * K + j] = acc[j]! / n;
    if (se) {
      // sum over runs of (run sum - run length * resample mean)^2, K contiguous values per run
      const ob = b * K;
      acc.fill(0);
      for (let r = 0; r < runs; r++) {
        const a = runFrom![r]! * K, e = runTo![r]! * K, len = runTo![r]! - runFrom![r]!;
        for (let j = 0; j < K; j++) {
          const u = prefix[e + j]! - prefix[a + j]! - len * boot[ob + j]!;
          acc[j] = acc[j]! + u * u;
        }
      }
      for (let j = 0; j < K; j++) se[ob + j] = Math.sqrt(acc[j]! / n);
    }
  }
  const omega = new Float64Array(K);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < K; j++) {
      const d = boot[b * K + j]! - means[j]!;
      omega[j] = omega[j]! + d * d;
    }
  }
  for (let j = 0; j < K; j++) omega[j] = Math.sqrt((n * omega[j]!) / B);
  return {
    n,
    k: K,
    means,
    boot,
    omega,
    replications: B,
    blockLength: idx.blockLength,
    ...(se ? { resampleSe: se } : {}),
  };
}
