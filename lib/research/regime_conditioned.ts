/**
 * Regime-conditioned statistics: a mean (IC, spread, return) or a Sharpe ratio per regime, with
 * block-bootstrap intervals and p-values, Benjamini-Hochberg adjusted across the regimes.
 *
 * @module
 */
import { optimalBlockLength } from "../stats/optimal_block_length.ts";
import { type BootstrapIndices, stationaryBootstrap } from "../stats/stationary_bootstrap.ts";
import { sortedQuantile } from "../stats/bootstrap_confidence_interval.ts";
import { benjaminiHochberg } from "../stats/benjamini_hochberg.ts";

/** Options of {@link regimeConditioned}; every default is stated here once. */
export interface RegimeConditionedOptions {
  /** State names by code (0, 1, ...); states outside are ignored. */
  readonly labels: readonly string[];
  /**
   * `mean` (of an IC series, a long-short spread, ...) or `sharpe` (annualized, of log returns:
   * mean / sd (ddof 1) x sqrt(periodsPerYear)). @default "mean"
   */
  readonly statistic?: "mean" | "sharpe";
  /** Bars per year for `sharpe`. @default 8760 (hourly bars, 365 days: crypto trades 24/7) */
  readonly periodsPerYear?: number;
  /** Interval coverage. @default 0.95 */
  readonly level?: number;
  /** Stationary-bootstrap resamples. @default 1000 */
  readonly replications?: number;
  /** Seed of the resamples. @default 0 */
  readonly seed?: number;
  /**
   * Mean block length; default the Politis-White stationary length of the kept values
   * (`optimalBlockLength`), at least 1.
   */
  readonly blockLength?: number;
  /** Resample indices over the kept rows (replications x kept), instead of drawing them. */
  readonly indices?: BootstrapIndices;
  /** Rows a regime needs before it is estimated and tested. @default 30 */
  readonly minObs?: number;
  /** Significance level of `significant` (after adjustment). @default 0.05 */
  readonly alpha?: number;
}

/** Defaults of {@link RegimeConditionedOptions}. */
export const REGIME_CONDITIONED_DEFAULTS = {
  statistic: "mean",
  periodsPerYear: 8760,
  level: 0.95,
  replications: 1000,
  seed: 0,
  minObs: 30,
  alpha: 0.05,
} as const;

/** One regime's (or the unconditional) row of {@link regimeConditioned}. */
export interface RegimeStatistic {
  /** State code; -1 for the unconditional row. */
  readonly state: number;
  readonly label: string;
  /** Rows of the regime among the kept rows. */
  readonly n: number;
  readonly estimate: number;
  /** Percentile interval of the resampled statistic. */
  readonly lower: number;
  readonly upper: number;
  /**
   * Two-sided bootstrap p-value of "statistic = 0": `(1 + #{|s*_b - s| >= |s|}) / (1 + B)` over
   * the finite resampled values `s*_b` (the resampled distribution shifted to the null).
   */
  readonly pValue: number;
  /** Benjamini-Hochberg adjusted p-value across the tested regimes (NaN when not tested). */
  readonly adjustedPValue: number;
  /** `adjustedPValue <= alpha`. */
  readonly significant: boolean;
}

/** Result of {@link regimeConditioned}. */
export interface RegimeConditioned {
  /** One row per label, in state order (NaN estimates when a regime has fewer than minObs rows). */
  readonly regimes: readonly RegimeStatistic[];
  /** All kept rows together (not part of the adjustment). */
  readonly all: RegimeStatistic;
  readonly statistic: "mean" | "sharpe";
  readonly blockLength: number;
  readonly replications: number;
  readonly level: number;
  readonly alpha: number;
  /** Rows kept (finite value and a state with a label). */
  readonly kept: number;
}

/**
 * A statistic of `values` per regime, with stationary block-bootstrap percentile intervals and
 * p-values, and Benjamini-Hochberg adjustment across the regimes (the family is the regimes
 * tested, so looking at every regime is paid for).
 *
 * Rows with a NaN value or a state outside `labels` are dropped; the kept (value, state) pairs,
 * in time order, are resampled TOGETHER by the stationary bootstrap (Politis and Romano 1994),
 * so regime spells and the serial dependence within them are kept, and every regime's statistic
 * is computed from the same resamples. A regime with fewer than `minObs` rows in the sample (or
 * in a resample) has no value there.
 *
 * `state[t]` must be known when the quantity in `values[t]` starts to accrue: for a strategy
 * return over bar t, the regime at the close of bar t - 1 (see {@link laggedStates}); for an IC
 * of a signal formed at t against returns after t, the regime at t. Only causal regimes
 * (filtered, never smoothed) belong here.
 *
 * Checked against numpy on the same indices (tests/oracles/regime_conditioned.py: the resamples
 * are redrawn there with an independent implementation of our seeded generator, statsmodels
 * `multipletests(method="fdr_bh")`). Cost: O(replications x kept).
 *
 * @param values one value per row (an IC series, returns, a spread)
 * @param state regime code per row (-1 = none)
 * @param options see {@link RegimeConditionedOptions}
 *
 * @example A positive mean in one regime only
 * ```ts
 * import { regimeConditioned } from "@lib/research/regime_conditioned.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(2);
 * const n = 2000;
 * const state = Int8Array.from({ length: n }, (_, t) => Math.floor(t / 100) % 2);
 * const values = Float64Array.from(state, (s) => (s === 1 ? 0.3 : 0) + rng.normal());
 * const r = regimeConditioned(values, state, { labels: ["calm", "volatile"], replications: 300 });
 * assert.ok(!r.regimes[0]!.significant && r.regimes[1]!.significant);
 * ```
 */
export function regimeConditioned(
  values: ArrayLike<number>,
  state: ArrayLike<number>,
  options: RegimeConditionedOptions,
): RegimeConditioned {
  const what = "Cannot compute regime-conditioned statistics";
  const d = REGIME_CONDITIONED_DEFAULTS;
  const statistic = options.statistic ?? d.statistic;
  const ppy = options.periodsPerYear ?? d.periodsPerYear;
  const level = options.level ?? d.level;
  const minObs = options.minObs ?? d.minObs;
  const alpha = options.alpha ?? d.alpha;
  const k = options.labels.length;
  if (values.length !== state.length) {
    throw new RangeError(
      `${what}: values has ${values.length} rows and state ${state.length}; align them first`,
    );
  }
  if (k < 1) throw new RangeError(`${what}: labels is empty`);
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`${what}: level must be in (0, 1), got ${level}`);
  }
  if (!(ppy > 0)) throw new RangeError(`${what}: periodsPerYear must be > 0, got ${ppy}`);
  if (!Number.isInteger(minObs) || minObs < 2) {
    throw new RangeError(`${what}: minObs must be an integer >= 2, got ${minObs}`);
  }
  const xs: number[] = [], ss: number[] = [];
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!, s = state[t]!;
    if (Number.isFinite(v) && Number.isInteger(s) && s >= 0 && s < k) {
      xs.push(v);
      ss.push(s);
    }
  }
  const m = xs.length;
  if (m < 16) {
    throw new RangeError(
      `${what}: only ${m} rows have a finite value and a labelled state; need at least 16`,
    );
  }
  const x = Float64Array.from(xs);
  const st = Int8Array.from(ss);
  let idx = options.indices;
  if (idx !== undefined) {
    if (idx.n !== m) {
      throw new RangeError(`${what}: the given indices resample ${idx.n} rows, ${m} are kept`);
    }
  } else {
    const blockLength = Math.max(1, options.blockLength ?? optimalBlockLength(x).stationary);
    idx = stationaryBootstrap(m, {
      blockLength,
      replications: options.replications ?? d.replications,
      seed: options.seed ?? d.seed,
    });
  }
  const B = idx.replications;
  // per-group running sums; group k = all rows
  const groups = k + 1;
  const stat = (sum: number, sum2: number, c: number): number => {
    if (c < minObs) return NaN;
    const mu = sum / c;
    if (statistic === "mean") return mu;
    const v = (sum2 - sum * mu) / (c - 1);
    return v > 0 ? (mu / Math.sqrt(v)) * Math.sqrt(ppy) : NaN;
  };
  const est = new Float64Array(groups), cnt = new Int32Array(groups);
  {
    const s1 = new Float64Array(groups), s2 = new Float64Array(groups);
    for (let t = 0; t < m; t++) {
      const g = st[t]!;
      s1[g]! += x[t]!;
      s2[g]! += x[t]! * x[t]!;
      cnt[g]!++;
      s1[k]! += x[t]!;
      s2[k]! += x[t]! * x[t]!;
    }
    cnt[k] = m;
    for (let g = 0; g < groups; g++) est[g] = stat(s1[g]!, s2[g]!, cnt[g]!);
  }
  const boot = new Float64Array(B * groups);
  const s1 = new Float64Array(groups), s2 = new Float64Array(groups), c = new Int32Array(groups);
  for (let b = 0; b < B; b++) {
    s1.fill(0);
    s2.fill(0);
    c.fill(0);
    const o = b * m;
    for (let t = 0; t < m; t++) {
      const i = idx.indices[o + t]!;
      const g = st[i]!, v = x[i]!;
      s1[g]! += v;
      s2[g]! += v * v;
      c[g]!++;
    }
    let a1 = 0, a2 = 0;
    for (let g = 0; g < k; g++) {
      a1 += s1[g]!;
      a2 += s2[g]!;
    }
    s1[k] = a1;
    s2[k] = a2;
    c[k] = m;
    for (let g = 0; g < groups; g++) boot[g * B + b] = stat(s1[g]!, s2[g]!, c[g]!);
  }
  const rows: Omit<RegimeStatistic, "adjustedPValue" | "significant">[] = [];
  for (let g = 0; g < groups; g++) {
    const e = est[g]!;
    const vals = boot.subarray(g * B, (g + 1) * B).filter(Number.isFinite).sort();
    let exceed = 0;
    for (const v of vals) if (Math.abs(v - e) >= Math.abs(e)) exceed++;
    const ok = Number.isFinite(e) && vals.length > 0;
    rows.push({
      state: g === k ? -1 : g,
      label: g === k ? "all" : options.labels[g]!,
      n: cnt[g]!,
      estimate: e,
      lower: ok ? sortedQuantile(vals, (1 - level) / 2) : NaN,
      upper: ok ? sortedQuantile(vals, (1 + level) / 2) : NaN,
      pValue: ok ? (1 + exceed) / (1 + vals.length) : NaN,
    });
  }
  const tested = rows.slice(0, k).map((r, g) => [g, r.pValue] as const).filter(([, p]) =>
    Number.isFinite(p)
  );
  const adj = tested.length > 0
    ? benjaminiHochberg(Float64Array.from(tested, ([, p]) => p))
    : new Float64Array(0);
  const adjusted = new Float64Array(k).fill(NaN);
  tested.forEach(([g], i) => (adjusted[g] = adj[i]!));
  const regimes = rows.slice(0, k).map((r, g) => ({
    ...r,
    adjustedPValue: adjusted[g]!,
    significant: adjusted[g]! <= alpha,
  }));
  const allRow = rows[k]!;
  return {
    regimes,
    all: { ...allRow, adjustedPValue: NaN, significant: allRow.pValue <= alpha },
    statistic,
    blockLength: idx.blockLength,
    replications: B,
    level,
    alpha,
    kept: m,
  };
}

/**
 * The state known `lag` rows earlier (`out[t] = state[t - lag]`, -1 for the first `lag` rows):
 * the regime to condition a return over bar t on is the one known at the close of bar t - 1.
 *
 * @example
 * ```ts
 * import { laggedStates } from "@lib/research/regime_conditioned.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...laggedStates(Int8Array.of(0, 1, 2), 1)], [-1, 0, 1]);
 * ```
 */
export function laggedStates(state: ArrayLike<number>, lag = 1): Int8Array {
  if (!Number.isInteger(lag) || lag < 0) {
    throw new RangeError(`Cannot lag states: lag must be an integer >= 0, got ${lag}`);
  }
  const out = new Int8Array(state.length).fill(-1);
  for (let t = lag; t < state.length; t++) out[t] = state[t - lag]!;
  return out;
}
