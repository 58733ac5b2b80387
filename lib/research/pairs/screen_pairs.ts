/**
 * Engle-Granger screening of every pair of a universe, with false-discovery-rate control.
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";
import { adf, type AdfAutolag } from "@lib/stats/adf.ts";
import { benjaminiHochberg } from "@lib/stats/benjamini_hochberg.ts";
import { benjaminiYekutieli } from "@lib/stats/benjamini_yekutieli.ts";
import { STATIONARY_INPUT_P } from "@lib/stats/engle_granger.ts";
import {
  F_CORR,
  F_FAILED,
  F_HALF_LIFE,
  F_HEDGE,
  F_INTERCEPT,
  F_PVALUE,
  F_STATISTIC,
  F_USED_LAG,
  FIELDS,
  PairTester,
  type PairTestList,
} from "./_pair_tests.ts";
import { runOnWorkers } from "./_pair_workers.ts";

/** Options of {@link screenPairs}. */
export interface ScreenPairsOptions {
  /**
   * Minimum bars where both assets are finite for a pair to be tested (default 100). Pairs
   * with less overlap are skipped: not tested and not counted in the FDR adjustment.
   */
  readonly minOverlap?: number;
  /** Deterministic terms of the cointegrating regression (default `"c"`, statsmodels `coint`). */
  readonly trend?: "c" | "ct" | "ctt" | "n";
  /** Lag selection of the ADF on the residuals (default `"aic"`). */
  readonly autolag?: AdfAutolag;
  /** Maximum ADF lag (default: statsmodels' rule for each pair's number of bars). */
  readonly maxlag?: number;
  /**
   * False-discovery-rate adjustment across every test run: `"bh"` Benjamini-Hochberg
   * (default; valid for independent or positively dependent tests) or `"by"`
   * Benjamini-Yekutieli (valid under any dependence, more conservative).
   */
  readonly fdr?: "bh" | "by";
  /** The FDR level for `rejectedAtAlpha` (default 0.05). */
  readonly alpha?: number;
  /** Return only the best `maxPairs` pairs (the adjustment still counts every test). */
  readonly maxPairs?: number;
  /**
   * `false` (default): one test per pair, y = the asset earlier in the input order, x = the
   * later one (statsmodels `coint(y, x)` for `itertools.combinations`). `true`: both
   * directions are tested (Engle-Granger is not symmetric) and the stronger is kept; the pair
   * enters the FDR adjustment with the Bonferroni bound `2 x min(p_yx, p_xy)`, the honest price
   * of choosing the better of two (`pValue` stays the kept direction's own p-value).
   */
  readonly bothDirections?: boolean;
  /**
   * Threads to test pairs on, the calling thread included: Web Workers share the pairs through
   * shared memory and the call stays synchronous. Results are identical for any value.
   * Default `navigator.hardwareConcurrency`, at most {@link MAX_DEFAULT_WORKERS} (1 where it
   * is unknown). Universes of fewer than 200 tests always run on the calling thread (starting
   * a Worker costs more), and so does everything when Workers are unavailable or the process
   * may not read the Worker's module file (`--allow-read` narrower than the library): no
   * error, only less speed.
   */
  readonly workers?: number;
}

/** The most threads `workers` defaults to (each Worker loads its own copy of the modules). */
export const MAX_DEFAULT_WORKERS = 8;

/** Fewer tests than this run on the calling thread (a Worker takes ~0.1 s to start). */
const MIN_PARALLEL_TESTS = 200;

/** One screened pair. */
export interface ScreenedPair {
  /** Dependent asset of the reported test (the spread is `y - hedgeRatio x - intercept`). */
  readonly y: string;
  /** Regressor asset of the reported test. */
  readonly x: string;
  /** Column of y in the input. */
  readonly yIndex: number;
  /** Column of x in the input. */
  readonly xIndex: number;
  /** Engle-Granger ADF statistic of the residuals. */
  readonly statistic: number;
  /** MacKinnon cointegration p-value (unadjusted). */
  readonly pValue: number;
  /** FDR-adjusted p-value (BH or BY across every test run): compare it with alpha. */
  readonly adjustedPValue: number;
  /** OLS hedge ratio of log y on log x. */
  readonly hedgeRatio: number;
  /** Intercept of the cointegrating regression. */
  readonly intercept: number;
  /** Half-life of the spread in bars (AR(1), `halfLife`); Infinity without mean reversion. */
  readonly halfLife: number;
  /** Correlation of the two assets' one-bar log returns (pairwise complete bars). */
  readonly returnCorrelation: number;
  /** Bars where both assets are finite (the test's sample). */
  readonly nobs: number;
  /** ADF lags chosen on the residuals. */
  readonly usedLag: number;
}

/** What {@link screenPairs} returns. */
export interface ScreenPairsResult {
  /** Tested pairs sorted by p-value, best first (at most `maxPairs`). */
  readonly pairs: ScreenedPair[];
  /** Number of pairs tested, the family the FDR adjustment is over. */
  readonly tested: number;
  /** Pairs not tested: too little overlap, or both assets look stationary (see below). */
  readonly skipped: number;
  /**
   * Assets whose own log price rejects a unit root (ADF "c"/"aic" p < 0.001, engleGranger's `STATIONARY_INPUT_P`), such as
   * stablecoins; pairs of two of them are skipped (a spread of stationary series is stationary
   * by construction). Empty for an ordinary universe.
   */
  readonly stationaryAssets: string[];
  /** Number of pairs whose adjusted p-value is at most alpha. */
  readonly rejectedAtAlpha: number;
  /** The adjustment used. */
  readonly fdr: "bh" | "by";
  /** The FDR level used. */
  readonly alpha: number;
}

/**
 * Screen all n (n - 1) / 2 pairs of a universe for cointegration and report p-values adjusted
 * for the number of tests. With 126 assets there are 7,875 pairs: at a 5% level about 394
 * "cointegrated" pairs appear among random walks by chance alone, so read `adjustedPValue`
 * (Benjamini-Hochberg by default), never the raw p-value, when choosing pairs.
 *
 * Per pair, on the bars where both log prices are finite (statsmodels: `df[[a, b]].dropna()`),
 * `engleGranger` (statsmodels 0.13.5 `coint(y, x, trend, autolag="aic")`) gives the statistic,
 * p-value, OLS hedge ratio and intercept; `halfLife` of its residuals gives the half-life; the
 * correlation of one-bar log returns on the original grid (NaN across gaps) is reported
 * alongside. Engle-Granger is asymmetric: by default y is the asset earlier in the input
 * order; see `bothDirections`.
 *
 * **Inputs are log prices**, one `Float64Array` per asset on a common time grid (a panel's
 * `close.map(c => c.map(Math.log))`), NaN where a bar is missing. Returns are refused with
 * `engleGranger`'s explanation: to avoid two extra ADF fits per pair, each asset is checked
 * once (ADF "c"/"aic" on its finite bars, `engleGranger`'s own rule). When every asset looks
 * stationary the input is returns, not log prices: the first pair goes to `engleGranger` with
 * its refusal on, and its error, prefixed with the pair's names, is thrown. When only some do
 * (stablecoins, a pegged token), pairs of two of them are skipped and listed in
 * `stationaryAssets`; their pairs with integrated assets are tested as usual.
 *
 * Cost: O(P (n maxlag + maxlag^3)) for P pairs of n bars (one `engleGranger` each, whose ADF
 * lag search sums the products of the residual differences at each lag, eight lags per SIMD
 * pass, and derives every other cross-product from them), spread over `workers` threads, plus
 * O(P log P) for the adjustment. Results equal `engleGranger`, `halfLife` and `pearson` per
 * pair to rounding (about 1e-13 relative), with the same lags. References: Engle and Granger (1987); Benjamini and Hochberg (1995); for
 * the practice, Gatev, Goetzmann and Rouwenhorst, "Pairs Trading", RFS 19(3), 2006.
 *
 * @example A planted pair stands out among random walks
 * ```ts
 * import { screenPairs } from "@lib/research/pairs/screen_pairs.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(3);
 * const n = 1500;
 * const walks = Array.from({ length: 4 }, () => {
 *   const a = new Float64Array(n);
 *   for (let t = 1; t < n; t++) a[t] = a[t - 1]! + 0.01 * rng.normal();
 *   return a;
 * });
 * let e = 0;
 * const twin = walks[0]!.map((v) => (e = 0.7 * e + 0.004 * rng.normal(), 0.5 + 0.8 * v + e));
 * const r = screenPairs([...walks, twin], ["A", "B", "C", "D", "A2"]);
 * assert.equal(r.tested, 10);
 * const best = r.pairs[0]!;
 * assert.deepEqual([best.y, best.x], ["A", "A2"]);
 * assert.ok(best.adjustedPValue < 0.01 && Math.abs(1 / best.hedgeRatio - 0.8) < 0.05);
 * ```
 */
export function screenPairs(
  logPrices: readonly Series[],
  names: readonly string[],
  options: ScreenPairsOptions = {},
): ScreenPairsResult {
  const what = "Cannot screen pairs";
  const a = logPrices.length;
  if (names.length !== a) {
    throw new RangeError(
      `${what}: ${a} series but ${names.length} names; pass one name per series`,
    );
  }
  if (new Set(names).size !== a) {
    throw new RangeError(`${what}: names must be unique`);
  }
  const n = a > 0 ? logPrices[0]!.length : 0;
  for (let i = 0; i < a; i++) {
    if (logPrices[i]!.length !== n) {
      throw new RangeError(
        `${what}: ${names[i]} has ${logPrices[i]!.length} bars, ${names[0]} has ${n}; ` +
          `put every asset on one time grid (NaN where a bar is missing)`,
      );
    }
  }
  const minOverlap = options.minOverlap ?? 100;
  if (!Number.isInteger(minOverlap) || minOverlap < 20) {
    throw new RangeError(`${what}: minOverlap must be an integer >= 20, got ${minOverlap}`);
  }
  const fdr = options.fdr ?? "bh";
  if (fdr !== "bh" && fdr !== "by") {
    throw new RangeError(`${what}: fdr must be "bh" or "by", got ${JSON.stringify(fdr)}`);
  }
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`${what}: alpha must be in (0, 1), got ${alpha}`);
  }
  const maxPairs = options.maxPairs ?? Infinity;
  if (!(maxPairs >= 0) || (Number.isFinite(maxPairs) && !Number.isInteger(maxPairs))) {
    throw new RangeError(`${what}: maxPairs must be a non-negative integer, got ${maxPairs}`);
  }
  const both = options.bothDirections ?? false;

  const workers = options.workers ??
    Math.min(MAX_DEFAULT_WORKERS, globalThis.navigator?.hardwareConcurrency ?? 1);
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`${what}: workers must be an integer >= 1, got ${workers}`);
  }

  // Once per asset: whether the series looks stationary, and which bars are finite (a bit set,
  // so a pair's overlap is a popcount of an AND).
  const stationary = new Uint8Array(a);
  let judged = 0, stationaryCount = 0;
  for (let i = 0; i < a; i++) {
    const v = looksStationary(logPrices[i]!, minOverlap);
    if (v !== null) judged++;
    if (v === true) {
      stationary[i] = 1;
      stationaryCount++;
    }
  }
  // Every asset stationary: returns were passed. Let engleGranger refuse with its reason.
  const allStationary = judged >= 2 && stationaryCount === judged;
  const words = (n + 31) >>> 5;
  const finite = new Int32Array(a * words);
  const prices = new Float64Array(a * n);
  for (let i = 0; i < a; i++) {
    const p = logPrices[i]!;
    for (let t = 0; t < n; t++) {
      const v = p[t]!;
      prices[i * n + t] = v;
      if (Number.isFinite(v)) finite[i * words + (t >>> 5)]! |= 1 << (t & 31);
    }
  }

  // The tests, in pair order (i < j), both directions when asked.
  const ty: number[] = [], tx: number[] = [], tm: number[] = [], tr: number[] = [];
  const tc: number[] = [];
  const pairOf: number[] = []; // test -> pair
  const pairNobs: number[] = [];
  let skipped = 0;
  for (let i = 0; i < a; i++) {
    for (let j = i + 1; j < a; j++) {
      let m = 0;
      for (let w = 0; w < words; w++) {
        m += popcount(finite[i * words + w]! & finite[j * words + w]!);
      }
      if (m < minOverlap || (!allStationary && stationary[i] === 1 && stationary[j] === 1)) {
        skipped++;
        continue;
      }
      const pair = pairNobs.length;
      pairNobs.push(m);
      const refuse = allStationary && stationary[i] === 1 && stationary[j] === 1 ? 1 : 0;
      for (const [y, x] of both ? [[i, j], [j, i]] : [[i, j]]) {
        ty.push(y!);
        tx.push(x!);
        tm.push(m);
        tr.push(refuse);
        tc.push(y === i ? 1 : 0);
        pairOf.push(pair);
      }
    }
  }
  const list: PairTestList = {
    y: Int32Array.from(ty),
    x: Int32Array.from(tx),
    m: Int32Array.from(tm),
    refuse: Uint8Array.from(tr),
    corr: Uint8Array.from(tc),
  };
  // Engle-Granger's own defaults (statsmodels coint), spelled out for the Workers' message.
  const testOptions = {
    trend: options.trend ?? "c",
    autolag: options.autolag === undefined ? "aic" : options.autolag,
    ...(options.maxlag === undefined ? {} : { maxlag: options.maxlag }),
  } as const;
  const count = ty.length;
  const rows = new Float64Array(count * FIELDS);
  const parallel = count >= MIN_PARALLEL_TESTS &&
    runOnWorkers(prices, a, n, testOptions, list, rows, Math.min(workers, count));
  const tester = new PairTester(prices, a, n, testOptions);
  if (!parallel) {
    // In order, stopping at the first failure (as the parallel path reports it below).
    for (let t = 0; t < count; t++) {
      tester.run(list, t, rows);
      if (rows[t * FIELDS + F_FAILED] === 1) break;
    }
  }
  for (let t = 0; t < count; t++) {
    if (rows[t * FIELDS + F_FAILED] !== 1) continue;
    // The first failed test, in pair order: run it again here to throw its reason.
    try {
      tester.rethrow(list, t, rows);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new RangeError(
        `${what}: pair ${names[list.y[t]!]} ~ ${names[list.x[t]!]}: ${msg}`,
        { cause: e },
      );
    }
  }
  const field = (t: number, f: number) => rows[t * FIELDS + f]!;
  interface Test {
    y: number;
    x: number;
    pValue: number;
  }
  const tests: Test[] = Array.from({ length: count }, (_, t) => ({
    y: list.y[t]!,
    x: list.x[t]!,
    pValue: field(t, F_PVALUE),
  }));
  const pairCorr: number[] = [];
  for (let t = 0; t < count; t++) if (list.corr[t] === 1) pairCorr.push(field(t, F_CORR));
  // One hypothesis per pair. With both directions, the pair's p-value is the Bonferroni bound
  // 2 x min(p_yx, p_xy) (a valid p-value for "neither direction cointegrates"), so choosing the
  // stronger direction is paid for and the family stays the number of pairs.
  const keep: number[] = [];
  for (let k = 0; k < tests.length; k++) {
    if (!both) keep.push(k);
    else if (k % 2 === 1) {
      const f = k - 1;
      keep.push(!(tests[k]!.pValue < tests[f]!.pValue) ? f : k);
    }
  }
  const pairP = Float64Array.from(
    keep,
    (k) => (both ? Math.min(1, 2 * tests[k]!.pValue) : tests[k]!.pValue),
  );
  const adjustedByPair = fdr === "bh" ? benjaminiHochberg(pairP) : benjaminiYekutieli(pairP);
  const p = new Float64Array(tests.length).fill(NaN);
  const adjusted = new Float64Array(tests.length).fill(NaN);
  keep.forEach((k, i) => {
    p[k] = pairP[i]!;
    adjusted[k] = adjustedByPair[i]!;
  });
  keep.sort((u, v) => (p[u]! - p[v]!) || (adjusted[u]! - adjusted[v]!) || (u - v));
  let rejectedAtAlpha = 0;
  for (const k of keep) if (adjusted[k]! <= alpha) rejectedAtAlpha++;
  const pairs: ScreenedPair[] = [];
  for (const k of keep.slice(0, Math.min(keep.length, maxPairs))) {
    const t = tests[k]!;
    const pair = pairOf[k]!;
    pairs.push({
      y: names[t.y]!,
      x: names[t.x]!,
      yIndex: t.y,
      xIndex: t.x,
      statistic: field(k, F_STATISTIC),
      pValue: t.pValue,
      adjustedPValue: adjusted[k]!,
      hedgeRatio: field(k, F_HEDGE),
      intercept: field(k, F_INTERCEPT),
      halfLife: field(k, F_HALF_LIFE),
      returnCorrelation: pairCorr[pair]!,
      nobs: pairNobs[pair]!,
      usedLag: field(k, F_USED_LAG),
    });
  }
  const stationaryAssets = names.filter((_, i) => stationary[i] === 1);
  return { pairs, tested: keep.length, skipped, stationaryAssets, rejectedAtAlpha, fdr, alpha };
}

/**
 * ADF ("c", "aic") of the finite bars of one asset: true when p < 0.01 (it looks like returns),
 * null when it cannot be judged (too short or constant).
 */
function looksStationary(series: Series, minOverlap: number): boolean | null {
  let m = 0;
  for (let t = 0; t < series.length; t++) if (Number.isFinite(series[t]!)) m++;
  if (m < minOverlap) return null; // never tested in a pair anyway
  const v = new Float64Array(m);
  for (let t = 0, k = 0; t < series.length; t++) {
    if (Number.isFinite(series[t]!)) v[k++] = series[t]!;
  }
  let min = Infinity, max = -Infinity;
  for (let k = 0; k < m; k++) {
    if (v[k]! < min) min = v[k]!;
    if (v[k]! > max) max = v[k]!;
  }
  if (!(max > min)) return null;
  return adf(v, { regression: "c", autolag: "aic" }).pValue < STATIONARY_INPUT_P;
}

/** Set bits of a 32-bit word (SWAR popcount). */
function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
