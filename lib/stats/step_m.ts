import { type DataSnoopingOptions, snoopingCore } from "./_data_snooping.ts";
import type { Series } from "./types.ts";

/** Options of {@link stepM}. */
export interface StepMOptions extends DataSnoopingOptions {
  /**
   * Familywise error rate controlled.
   * @default {0.05}
   */
  readonly alpha?: number;
}

/** Default options of {@link stepM} (and the data-snooping bootstrap defaults). */
export const STEP_M_DEFAULTS = { alpha: 0.05 } as const;

/** What {@link stepM} returns. */
export interface StepMResult {
  /** Trials that beat the benchmark, in the order they were rejected (highest t first). */
  readonly rejected: Int32Array;
  /** Step at which each trial was rejected (1, 2, ...), 0 when it was not. */
  readonly step: Int32Array;
  /** Critical value of each step (the last one rejected nothing, or no trial was left). */
  readonly criticalValues: Float64Array;
  /** `sqrt(n) d-bar_k / omega_k` per trial (NaN where omega_k = 0). */
  readonly tStatistics: Float64Array;
  readonly alpha: number;
  readonly replications: number;
  readonly blockLength: number;
}

/**
 * Romano and Wolf's stepwise multiple testing (StepM), studentized: which trials of a family
 * beat the benchmark, with the familywise error rate (the chance of naming even one false
 * winner) at most `alpha`. Where the Reality Check and SPA say "at least one trial is better",
 * StepM names them, and its steps find more of them than a single-step test.
 *
 * Each trial k has `t_k = sqrt(n) d-bar_k / omega_k` (d_kt = r_kt - b_t; omega_k Hansen's
 * bootstrap standard error of `sqrt(n) d-bar_k`, as in `superiorPredictiveAbility`). In each
 * resample b the standard error is estimated again from the resampled series itself (Romano and
 * Wolf 2005, sec. 4.2, the studentized method): `se*_bk^2 = (1 / n) sum_runs (sum_{t in run}
 * (d*_tk - d-bar*_bk))^2` over the resample's runs of consecutive rows (its stationary-bootstrap
 * blocks; Gotze and Kunsch 1996), and `z*_bk = sqrt(n) (d-bar*_bk - d-bar_k) / se*_bk`. Step s:
 * among the trials not yet rejected A, the critical value c_s is the `1 - alpha` empirical
 * quantile (the `ceil(B (1 - alpha))`-th smallest value) of `max_{k in A} z*_bk` over the
 * resamples b; every k in A with `t_k > c_s` is rejected; repeat until a step rejects nothing.
 * Studentizing inside each resample makes the max-statistic's bootstrap law pivotal, so a trial
 * whose resampled standard error swings (heavy tails, bursts of volatility) does not set the
 * critical value for the others. The resamples are those of the stationary bootstrap (given
 * `indices`, or drawn), so the same indices give the same rejections bit for bit. A trial with
 * omega_k = 0 is never rejected; a resample whose se*_bk is 0 (a single run, so d-bar* = d-bar)
 * contributes z* = 0 for that trial.
 * Reference: Romano and Wolf (2005), "Stepwise Multiple Testing as Formalized Data Snooping",
 * Econometrica 73(4), 1237-1282; Gotze and Kunsch (1996), "Second-order correctness of the
 * blockwise bootstrap for stationary observations", Annals of Statistics 24(5), 1914-1933.
 * Checked against tests/oracles/spa.py (numpy, direct formulas on the same indices). Cost: as
 * `realityCheck`, plus O(B K n / blockLength) for the resample standard errors and O(steps B K).
 *
 * @example Two real edges among noise
 * ```ts
 * import { stepM } from "@lib/stats/step_m.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(6);
 * const bench = new Float64Array(1500);
 * const trials = Array.from({ length: 10 }, (_, k) =>
 *   Float64Array.from(bench, () => 0.01 * rng.normal() + (k === 2 || k === 6 ? 0.003 : 0)));
 * const out = stepM(trials, bench, { blockLength: 3, replications: 500, seed: 1 });
 * assert.deepEqual([...out.rejected].sort(), [2, 6]);
 * ```
 */
export function stepM(
  trials: readonly Series[],
  benchmark: Series,
  options: StepMOptions = {},
): StepMResult {
  const alpha = options.alpha ?? STEP_M_DEFAULTS.alpha;
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`Cannot compute StepM: alpha must be in (0, 1), got ${alpha}`);
  }
  const c = snoopingCore(trials, benchmark, options, "StepM", true);
  const { n, k: K, means, boot, omega } = c;
  const se = c.resampleSe!;
  const B = c.replications, rn = Math.sqrt(n);
  const t = new Float64Array(K);
  for (let j = 0; j < K; j++) t[j] = omega[j]! > 0 ? (rn * means[j]!) / omega[j]! : NaN;
  const step = new Int32Array(K);
  const rejected: number[] = [];
  const crit: number[] = [];
  const maxes = new Float64Array(B);
  const pos = Math.max(0, Math.min(B - 1, Math.ceil(B * (1 - alpha)) - 1));
  for (let s = 1; s <= K; s++) {
    let active = 0;
    for (let j = 0; j < K; j++) if (step[j] === 0 && omega[j]! > 0) active++;
    if (active === 0) break;
    for (let b = 0; b < B; b++) {
      let m = -Infinity;
      const o = b * K;
      for (let j = 0; j < K; j++) {
        if (step[j] !== 0 || !(omega[j]! > 0)) continue;
        const num = rn * (boot[o + j]! - means[j]!), den = se[o + j]!;
        const v = den > 0 ? num / den : 0;
        if (v > m) m = v;
      }
      maxes[b] = m;
    }
    const cv = maxes.slice().sort()[pos]!;
    crit.push(cv);
    const now: number[] = [];
    for (let j = 0; j < K; j++) {
      if (step[j] === 0 && omega[j]! > 0 && t[j]! > cv) now.push(j);
    }
    if (now.length === 0) break;
    now.sort((a, b) => t[b]! - t[a]! || a - b);
    for (const j of now) {
      step[j] = s;
      rejected.push(j);
    }
  }
  return {
    rejected: Int32Array.from(rejected),
    step,
    criticalValues: Float64Array.from(crit),
    tStatistics: t,
    alpha,
    replications: B,
    blockLength: c.blockLength,
  };
}
