/**
 * The null suite: the same research pipeline run on placebo signals that carry no information,
 * and where the real result sits in their distribution.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";
import type { SimOptions } from "../sim/options.ts";
import { createRng, type Rng } from "../stats/rng.ts";
import {
  blockShufflePlacebo,
  crossSectionPermutationPlacebo,
  placeboBlockLength,
  randomRanksPlacebo,
} from "./null_suite_placebos.ts";
import { simulatedPanel } from "./null_suite_sim.ts";

/** The placebos, in the order they are reported. */
export const PLACEBO_KINDS = [
  "random-ranks",
  "cross-section-permutation",
  "block-shuffle",
  "simulated-market",
] as const;

/** One of {@link PLACEBO_KINDS}. */
export type PlaceboKind = typeof PLACEBO_KINDS[number];

/** What each placebo keeps and destroys, one sentence each (also in every result). */
export const PLACEBO_DESCRIPTIONS: Readonly<Record<PlaceboKind, string>> = {
  "random-ranks":
    "random ranks 1..m among the assets with a value at each bar: keeps only which assets have a value",
  "cross-section-permutation":
    "the signal's values dealt at random among the assets with a value at each bar: keeps each bar's distribution, breaks the link to each asset's returns",
  "block-shuffle":
    "whole bars of the signal moved in time in blocks: keeps the cross-section and persistence within a block, breaks the timing",
  "simulated-market":
    "the same research on a simulated market (lib/sim) whose published signal has no information (signalIc 0)",
};

/** Defaults of {@link NullSuiteOptions}, stated once. */
export const NULL_SUITE_DEFAULTS = {
  /** Placebo runs per kind: with the +1 correction the smallest p-value is 1 / 200. */
  runs: 199,
  seed: 0,
  /** Name of the statistic in the sentence. */
  statisticName: "statistic",
} as const;

/** The simulated-market placebo of {@link NullSuiteOptions}. */
export interface NullSuiteSimulated {
  /**
   * Options of each simulated market (`simulateMarket`); `signalIc` is forced to 0 and `seed`
   * drawn per run. @default `{ assets: max(4, panel assets - 2), freq: "1m" if the panel is 1m
   * else "1h", bars: panel rows }`
   */
  readonly market?: Omit<SimOptions, "seed" | "signalIc">;
  /**
   * The signal to evaluate on each simulated panel, e.g. the `compute` of a `SIGNALS` entry to
   * run the same research on a market without information. @default the market's published
   * (uninformative) signal, NaN for the symbols that carry none
   */
  readonly signal?: (panel: Panel) => Float64Array[];
}

/** Input of {@link nullSuite}. */
export interface NullSuiteOptions {
  /** The data the real signal was evaluated on. */
  readonly panel: Panel;
  /** The real signal `[asset][t]` on the panel's grid (NaN = no value). */
  readonly signal: readonly Float64Array[];
  /**
   * The research step, from a signal (and the panel it lives on) to one number, larger = better:
   * mean IC, long-short net Sharpe through `backtestWeights`, ... It is called once on the real
   * signal and once per placebo run; a non-finite result of a placebo run is kept in `values`
   * and left out of the counts.
   */
  readonly pipeline: (signal: readonly Float64Array[], panel: Panel) => number;
  /** Placebo runs per kind. @default 199 */
  readonly runs?: number;
  /** Seed of every placebo (kind k draws from stream k of `createRng(seed, k)`). @default 0 */
  readonly seed?: number;
  /**
   * Which placebos to run. @default the first three of {@link PLACEBO_KINDS}, plus
   * `"simulated-market"` when `simulated` is given
   */
  readonly kinds?: readonly PlaceboKind[];
  /** Block length of the block shuffle. @default `placeboBlockLength(signal)` (Politis-White) */
  readonly blockLength?: number;
  /** The simulated-market placebo; cost: one `simulateMarket` per run. */
  readonly simulated?: NullSuiteSimulated;
  /** Name of the statistic in the sentence. @default "statistic" */
  readonly statisticName?: string;
  /**
   * Placebo values of a kind computed earlier, used instead of running it: only for a kind whose
   * runs do not depend on the real signal (`simulated-market` with a fixed signal definition,
   * from {@link simulatedMarketValues} with the same pipeline, runs, seed and options), so a
   * report judging several signals on one panel simulates the markets once. Default: none.
   */
  readonly precomputed?: Partial<Record<PlaceboKind, Float64Array>>;
}

/** The null distribution of one placebo kind and where the real result sits in it. */
export interface NullDistribution {
  readonly kind: PlaceboKind;
  readonly description: string;
  /** The pipeline's value on each placebo run, in run order (non-finite values kept). */
  readonly values: Float64Array;
  /** Runs with a finite value: the B of the p-value. */
  readonly runs: number;
  readonly mean: number;
  /** Sample standard deviation (ddof 1). */
  readonly std: number;
  /** 5%, 50% and 95% quantiles (linear interpolation, numpy's default). */
  readonly quantiles: { readonly p05: number; readonly p50: number; readonly p95: number };
  /** `(1 + #{placebo >= real}) / (runs + 1)`: one-sided, never 0 (Phipson and Smyth 2010). */
  readonly pValue: number;
  /** Percent of placebo runs below the real value, ties counted half. */
  readonly percentile: number;
  /** Block length of the block shuffle; null for the other kinds. */
  readonly blockLength: number | null;
}

/** What {@link nullSuite} returns: a plain data object for a report section. */
export interface NullSuiteResult {
  readonly statisticName: string;
  /** The pipeline's value on the real signal. */
  readonly statistic: number;
  readonly nulls: readonly NullDistribution[];
  /** The largest p-value across kinds: the verdict of the most demanding placebo. */
  readonly pValue: number;
  readonly runs: number;
  readonly seed: number;
  /** How the p-value and percentile are computed. */
  readonly convention: string;
  /** One sentence saying what the numbers mean. */
  readonly sentence: string;
}

/** The p-value convention, as written into every result. */
export const NULL_SUITE_CONVENTION =
  "one-sided, larger is better: p = (1 + #{placebo >= real}) / (B + 1) over the B placebo runs with a finite value (Phipson and Smyth 2010), so p is never 0 and is exactly valid when the placebos are exchangeable with the real signal under the null; percentile = share of placebo runs below the real value, ties counted half";

function quantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Where a real statistic sits among null values: the empirical p-value with the +1 correction
 * and the percentile (see {@link NULL_SUITE_CONVENTION}). Non-finite null values are skipped.
 * O(B).
 *
 * @example 3 of 9 placebo runs reach the real value
 * ```ts
 * import { empiricalPValue } from "@lib/research/null_suite.ts";
 * import assert from "node:assert/strict";
 * const r = empiricalPValue(0.5, [0.1, 0.6, 0.2, 0.5, 0.3, 0.9, 0, -0.1, 0.2, NaN]);
 * assert.equal(r.runs, 9);
 * assert.equal(r.pValue, 4 / 10);
 * assert.equal(r.percentile, (100 * 6.5) / 9);
 * ```
 */
export function empiricalPValue(
  real: number,
  nulls: ArrayLike<number>,
): { readonly pValue: number; readonly percentile: number; readonly runs: number } {
  let runs = 0, above = 0, ties = 0;
  for (let i = 0; i < nulls.length; i++) {
    const v = nulls[i]!;
    if (!Number.isFinite(v)) continue;
    runs++;
    if (v > real) above++;
    else if (v === real) ties++;
  }
  return {
    pValue: (1 + above + ties) / (runs + 1),
    percentile: runs === 0 ? NaN : (100 * (runs - above - ties + ties / 2)) / runs,
    runs,
  };
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? x.toExponential(2) : x.toPrecision(3);
}

/**
 * Run the same research `pipeline` on placebo signals that carry no information and place the
 * real result in their distribution: the answer to "would a signal with no skill have done as
 * well here?". The placebos (see {@link PLACEBO_DESCRIPTIONS}):
 *
 * - `random-ranks`: random ranks at each bar (`randomRanksPlacebo`);
 * - `cross-section-permutation`: the signal permuted across assets at each bar
 *   (`crossSectionPermutationPlacebo`), the exact permutation test when assets are exchangeable;
 * - `block-shuffle`: whole bars shuffled in time in blocks of `blockLength` bars, by default the
 *   Politis-White length of the signal (`blockShufflePlacebo`, `placeboBlockLength`), so a
 *   persistent signal keeps its persistence (and its turnover) and loses its timing;
 * - `simulated-market`: `simulateMarket` with `signalIc: 0`, a fresh seed per run, and the
 *   pipeline run on its panel with `simulated.signal(panel)` (default its published signal):
 *   what the research finds on a market where there is nothing to find.
 *
 * Each kind reports its null distribution, the empirical p-value `(1 + #{placebo >= real}) /
 * (B + 1)` and the real value's percentile; `pValue` is the largest across kinds. The p-values
 * are calibrated: under a null where the placebo is exchangeable with the real signal they are
 * uniform on the grid `1/(B+1), ..., 1` (tests/research/null_suite_test.ts checks the rejection
 * rate at 5% over many seeds). Same seed, same result. Cost: `runs` pipeline calls per kind.
 *
 * Reference: Phipson, B. and Smyth, G. K. (2010), "Permutation p-values should never be zero",
 * Stat. Appl. Genet. Mol. Biol. 9(1); Politis, D. and White, H. (2004), Econometric Reviews 23(1).
 *
 * @example Mean rank IC of a random signal against its placebos
 * ```ts
 * import { nullSuite } from "@lib/research/null_suite.ts";
 * import { informationCoefficient } from "@lib/research/information_coefficient.ts";
 * import { forwardReturns } from "@lib/research/forward_returns.ts";
 * import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
 * import assert from "node:assert/strict";
 * const { panel, signal } = simulatedPanel({ seed: 3, assets: 8, freq: "1h", bars: 200, signalIc: 0 });
 * const fwd = forwardReturns(panel.logReturns, 1);
 * const meanIc = (s: readonly Float64Array[]) => {
 *   const { ic } = informationCoefficient(s, fwd, { minAssets: 3 });
 *   let sum = 0, n = 0;
 *   for (const v of ic) if (v === v) { sum += v; n++; }
 *   return sum / n;
 * };
 * const res = nullSuite({ panel, signal, pipeline: meanIc, runs: 39, seed: 1, statisticName: "mean IC" });
 * assert.deepEqual(res.nulls.map((d) => d.kind), ["random-ranks", "cross-section-permutation", "block-shuffle"]);
 * assert.ok(res.pValue >= 1 / 40 && res.pValue <= 1);
 * assert.match(res.sentence, /^The real mean IC of /);
 * ```
 */
export function nullSuite(options: NullSuiteOptions): NullSuiteResult {
  const what = "Cannot run the null suite";
  const { panel, signal, pipeline } = options;
  const runs = options.runs ?? NULL_SUITE_DEFAULTS.runs;
  const seed = options.seed ?? NULL_SUITE_DEFAULTS.seed;
  const name = options.statisticName ?? NULL_SUITE_DEFAULTS.statisticName;
  if (!Number.isInteger(runs) || runs < 1) {
    throw new RangeError(`${what}: runs must be an integer >= 1, got ${runs}`);
  }
  const T = panel.index.length;
  if (signal.length !== panel.assets.length || signal.some((c) => c.length !== T)) {
    throw new RangeError(
      `${what}: the signal must have one column of ${T} values per panel asset ` +
        `(${panel.assets.length}); align it to the panel first`,
    );
  }
  const kinds = options.kinds ??
    (options.simulated === undefined ? PLACEBO_KINDS.slice(0, 3) : PLACEBO_KINDS);
  for (const k of kinds) {
    if (!PLACEBO_KINDS.includes(k)) {
      throw new RangeError(`${what}: unknown placebo ${k}; use one of ${PLACEBO_KINDS.join(", ")}`);
    }
  }
  if (
    options.blockLength !== undefined &&
    (!Number.isInteger(options.blockLength) || options.blockLength < 1)
  ) {
    throw new RangeError(
      `${what}: blockLength must be an integer >= 1, got ${options.blockLength}`,
    );
  }
  const statistic = pipeline(signal, panel);
  if (!Number.isFinite(statistic)) {
    throw new RangeError(
      `${what}: the pipeline returned ${statistic} on the real signal; it must return a finite number`,
    );
  }
  const nulls = kinds.map((kind) => {
    const rng = createRng(seed, PLACEBO_KINDS.indexOf(kind));
    const values = new Float64Array(runs);
    let blockLength: number | null = null;
    if (kind === "block-shuffle") blockLength = options.blockLength ?? placeboBlockLength(signal);
    const given = options.precomputed?.[kind];
    if (given !== undefined) {
      if (given.length !== runs) {
        throw new RangeError(
          `${what}: ${given.length} precomputed ${kind} values for ${runs} runs`,
        );
      }
      values.set(given);
    } else {
      for (let r = 0; r < runs; r++) values[r] = placeboRun(kind, options, rng, blockLength);
    }
    return summarize(kind, statistic, values, blockLength);
  });
  const pValue = nulls.reduce((p, d) => Math.max(p, d.pValue), 0);
  return {
    statisticName: name,
    statistic,
    nulls,
    pValue,
    runs,
    seed,
    convention: NULL_SUITE_CONVENTION,
    sentence: sentence(name, statistic, nulls, pValue),
  };
}

/**
 * The `simulated-market` placebo values of {@link nullSuite} for these options (the same seed
 * stream, markets and pipeline calls), to pass as `precomputed` to several suites that share
 * them: they depend on the panel's shape, the pipeline and `simulated`, not on the real signal.
 * Cost: `runs` simulated markets and pipeline calls.
 *
 * @example Reused across two suites, the same values as running the kind
 * ```ts
 * import { nullSuite, simulatedMarketValues } from "@lib/research/null_suite.ts";
 * import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
 * import assert from "node:assert/strict";
 * const { panel, signal } = simulatedPanel({ seed: 3, assets: 4, freq: "1h", bars: 60, signalIc: 0 });
 * const pipeline = (s: readonly Float64Array[]) => s[2]!.filter((v) => v === v).length;
 * const o = { panel, signal, pipeline, runs: 3, kinds: ["simulated-market" as const] };
 * const values = simulatedMarketValues(o);
 * const ran = nullSuite(o), reused = nullSuite({ ...o, precomputed: { "simulated-market": values } });
 * assert.deepEqual(reused.nulls[0]!.values, ran.nulls[0]!.values);
 * ```
 */
export function simulatedMarketValues(
  options: Omit<NullSuiteOptions, "signal"> & { readonly signal?: readonly Float64Array[] },
): Float64Array {
  const runs = options.runs ?? NULL_SUITE_DEFAULTS.runs;
  const seed = options.seed ?? NULL_SUITE_DEFAULTS.seed;
  const rng = createRng(seed, PLACEBO_KINDS.indexOf("simulated-market"));
  const o = { ...options, signal: options.signal ?? [] };
  const values = new Float64Array(runs);
  for (let r = 0; r < runs; r++) values[r] = placeboRun("simulated-market", o, rng, null);
  return values;
}

function placeboRun(
  kind: PlaceboKind,
  o: NullSuiteOptions,
  rng: Rng,
  blockLength: number | null,
): number {
  switch (kind) {
    case "random-ranks":
      return o.pipeline(randomRanksPlacebo(o.signal, rng), o.panel);
    case "cross-section-permutation":
      return o.pipeline(crossSectionPermutationPlacebo(o.signal, rng), o.panel);
    case "block-shuffle":
      return o.pipeline(blockShufflePlacebo(o.signal, blockLength!, rng), o.panel);
    case "simulated-market": {
      const p = o.panel;
      const market: SimOptions = {
        assets: Math.max(4, p.assets.length - 2),
        freq: p.freq === "1m" ? "1m" : "1h",
        bars: Math.max(2, p.index.length),
        ...o.simulated?.market,
        seed: rng.uint32(),
        signalIc: 0,
      };
      const sim = simulatedPanel(market);
      const s = o.simulated?.signal?.(sim.panel) ?? sim.signal;
      return o.pipeline(s, sim.panel);
    }
  }
}

function summarize(
  kind: PlaceboKind,
  real: number,
  values: Float64Array,
  blockLength: number | null,
): NullDistribution {
  const finite = values.filter(Number.isFinite).sort();
  const n = finite.length;
  let mean = 0;
  for (const v of finite) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of finite) ss += (v - mean) * (v - mean);
  const { pValue, percentile } = empiricalPValue(real, values);
  return {
    kind,
    description: PLACEBO_DESCRIPTIONS[kind],
    values,
    runs: n,
    mean: n > 0 ? mean : NaN,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN,
    quantiles: {
      p05: quantile(finite, 0.05),
      p50: quantile(finite, 0.5),
      p95: quantile(finite, 0.95),
    },
    pValue,
    percentile,
    blockLength,
  };
}

function sentence(
  name: string,
  real: number,
  nulls: readonly NullDistribution[],
  pValue: number,
): string {
  if (nulls.length === 0) return `The real ${name} is ${fmt(real)}; no placebo was run.`;
  const worst = nulls.reduce((a, d) => (d.pValue > a.pValue ? d : a));
  const each = nulls.map((d) => `${d.kind} p = ${fmt(d.pValue)}`).join(", ");
  const verdict = pValue <= 0.05
    ? "signals with no information rarely do this well, so luck alone is an unlikely explanation"
    : "signals with no information often do this well, so the result cannot be told apart from luck";
  return `The real ${name} of ${fmt(real)} is above ${worst.percentile.toFixed(1)}% of ` +
    `${worst.runs} ${worst.kind} placebo runs, the most demanding of ${nulls.length} placebos ` +
    `(${each}): ${verdict}.`;
}
