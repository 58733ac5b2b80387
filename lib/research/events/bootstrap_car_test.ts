/**
 * A circular block-bootstrap test of the mean cumulative abnormal return.
 *
 * @module
 */
import { circularBlockBootstrap } from "../../stats/circular_block_bootstrap.ts";
import { optimalBlockLength } from "../../stats/optimal_block_length.ts";

/** Options of {@link bootstrapCarTest}. */
export interface BootstrapCarOptions {
  /**
   * Block length in events (time-ordered); `undefined` takes Politis-White's circular optimum
   * (`optimalBlockLength`) of the time-ordered CARs (1 below the 16 CARs it needs).
   * @default {undefined}
   */
  readonly blockLength?: number;
  /**
   * Number of resamples.
   * @default {999}
   */
  readonly replications?: number;
  /**
   * Seed of the `createRng` stream.
   * @default {0}
   */
  readonly seed?: number;
  /**
   * Two-sided coverage of the percentile interval.
   * @default {0.95}
   */
  readonly level?: number;
}

/** Defaults of {@link BootstrapCarOptions}, stated once. */
export const BOOTSTRAP_CAR_DEFAULTS = { replications: 999, seed: 0, level: 0.95 } as const;

/** Result of {@link bootstrapCarTest}. */
export interface BootstrapCarTest {
  readonly meanCar: number;
  /** Percentile interval of the resampled means. */
  readonly lower: number;
  readonly upper: number;
  /** p = (1 + #{|m* - m| >= |m|}) / (1 + replications), two-sided, m* centred on the null. */
  readonly pValue: number;
  readonly blockLength: number;
  readonly replications: number;
  readonly n: number;
}

/**
 * Block-bootstrap test that the mean CAR is zero, robust to the dependence between events that
 * are close in time: the CARs are put in event-time order (ties by input order) and resampled
 * in circular blocks (Politis and Romano 1992), so a cluster of events on one bar stays together
 * as it does in the data. The p-value compares |m* - m| with |m| (the resampled distribution
 * recentred on the null, Hall and Wilson 1991's rule); the interval is the percentile interval of
 * m*. Cost: O(replications n).
 *
 * Reference: Hall and Wilson (1991), "Two guidelines for bootstrap hypothesis testing",
 * Biometrics 47(2), 757-762.
 *
 * @example
 * ```ts
 * import { bootstrapCarTest } from "@lib/research/events/bootstrap_car_test.ts";
 * import assert from "node:assert/strict";
 * const car = Float64Array.from({ length: 60 }, (_, i) => 0.01 + 0.001 * Math.sin(i));
 * const bars = Int32Array.from({ length: 60 }, (_, i) => i * 10);
 * const r = bootstrapCarTest(car, bars, { blockLength: 3, replications: 199 });
 * assert.ok(r.pValue < 0.01 && r.lower > 0);
 * ```
 */
export function bootstrapCarTest(
  car: Float64Array,
  bars: Int32Array | readonly number[],
  options: BootstrapCarOptions = {},
): BootstrapCarTest {
  const n = car.length;
  if (n < 2 || bars.length !== n) {
    throw new RangeError(
      `Cannot run the bootstrap CAR test: it needs at least 2 CARs and one bar per CAR, got ${n} CARs and ${bars.length} bars`,
    );
  }
  const replications = options.replications ?? BOOTSTRAP_CAR_DEFAULTS.replications;
  const seed = options.seed ?? BOOTSTRAP_CAR_DEFAULTS.seed;
  const level = options.level ?? BOOTSTRAP_CAR_DEFAULTS.level;
  if (!(level > 0 && level < 1)) {
    throw new RangeError(
      `Cannot run the bootstrap CAR test: level must be in (0, 1), got ${level}`,
    );
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => bars[p]! - bars[q]! || p - q);
  const x = Float64Array.from(order, (i) => car[i]!);
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const m = s / n;
  const blockLength = options.blockLength ?? (n >= 16 ? optimalBlockLength(x).circular : 1);
  const { indices, blockLength: used } = circularBlockBootstrap(n, {
    blockLength,
    replications,
    seed,
  });
  const means = new Float64Array(replications);
  let exceed = 0;
  for (let b = 0; b < replications; b++) {
    let sb = 0;
    const o = b * n;
    for (let t = 0; t < n; t++) sb += x[indices[o + t]!]!;
    const mb = sb / n;
    means[b] = mb;
    if (Math.abs(mb - m) >= Math.abs(m)) exceed++;
  }
  means.sort();
  return {
    meanCar: m,
    lower: quantileSorted(means, (1 - level) / 2),
    upper: quantileSorted(means, 1 - (1 - level) / 2),
    pValue: (1 + exceed) / (1 + replications),
    blockLength: used,
    replications,
    n,
  };
}

/** numpy's default (linear) quantile of a sorted array. */
function quantileSorted(a: Float64Array, p: number): number {
  const h = (a.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo]! + (h - lo) * (a[hi]! - a[lo]!);
}
