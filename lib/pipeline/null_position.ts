/**
 * The null-suite position every report's overfitting verdict shows: the same research step run
 * on placebo signals (lib/research/null_suite.ts), a small seeded number of times so the tasks
 * stay fast, and placed with `verdictNullPosition`.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";
import { forwardReturns } from "../research/forward_returns.ts";
import { informationCoefficient } from "../research/information_coefficient.ts";
import { nullSuite, type PlaceboKind, simulatedMarketValues } from "../research/null_suite.ts";
import type { VerdictNullPosition } from "../research/overfitting_verdict.ts";
import { verdictNullPosition } from "../research/verdict_null_position.ts";
import { backtestWeights } from "../backtest/backtest_weights.ts";
import type { BacktestOptions } from "../backtest/types.ts";
import { sharpeMoments } from "../stats/sharpe_moments.ts";

/**
 * Defaults of the reports' null suite, stated once: placebo runs per placebo kind (so the
 * smallest p-value is 1 / 20), their seed, and the budget that keeps a report on a large panel
 * fast: when the runs are not given, they drop (to `minRuns` at least) so that runs x kinds x
 * bars x assets stays within `cellBudget` (126 assets x 5,000 bars gets 9 runs: 7.2 s of IC
 * series per signal measured on 2 cores shared at load 8).
 * `deno task report|backtest|walkforward --null-runs N` sets the runs
 * exactly (0: no null suite).
 */
export const REPORT_NULL_DEFAULTS = {
  runs: 19,
  seed: 0,
  minRuns: 9,
  cellBudget: 10_000_000,
} as const;

/** Options of the report null suites. */
export interface ReportNullOptions {
  /**
   * Placebo runs per kind; 0 runs none. @default 19, fewer (at least 9) on a large panel: see
   * {@link REPORT_NULL_DEFAULTS}
   */
  readonly runs?: number | undefined;
  /** Seed of the placebos. @default 0 */
  readonly seed?: number | undefined;
}

function runsOf(o: ReportNullOptions, cellsPerRun: number): number {
  const D = REPORT_NULL_DEFAULTS;
  if (o.runs === undefined) {
    return Math.max(D.minRuns, Math.min(D.runs, Math.floor(D.cellBudget / cellsPerRun)));
  }
  if (!Number.isInteger(o.runs) || o.runs < 0) {
    throw new RangeError(`the null-suite runs must be an integer >= 0, got ${o.runs}`);
  }
  return o.runs;
}

/**
 * The placebos of a signal in a report: all four kinds of `nullSuite` (random ranks, the
 * permutation across assets, the block shuffle in time, and the same IC research on a simulated
 * market whose published signal has no information).
 */
export const SIGNAL_PLACEBOS: readonly PlaceboKind[] = [
  "random-ranks",
  "cross-section-permutation",
  "block-shuffle",
  "simulated-market",
];

/**
 * The simulated market of a signal's null suite: as many assets as the panel, each carrying the
 * (uninformative) published signal (no cointegrated pairs; at least 4, at most `maxAssets`, which bounds the cost on a large universe: a capped market
 * gives a wider, so more demanding, null distribution) and as many bars.
 */
export const SIGNAL_SIMULATED_MARKET = { minAssets: 4, maxAssets: 40 } as const;

/**
 * The simulated-market values of the default (published) signal do not depend on the real
 * signal: a report judging 8 signals at one horizon simulates the markets once (about 0.2 s a
 * market at 10 assets x 5,500 hourly bars, 19 runs: 3.8 s per signal otherwise). Keyed by the
 * panel's shape, horizon, minAssets, runs and seed; the 16 most recent kept.
 */
const SIMULATED_VALUES = new Map<string, Float64Array>();

function meanFinite(x: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

/**
 * Null-suite position of a signal's mean rank IC at `horizon` bars against the four placebos of
 * {@link SIGNAL_PLACEBOS}: random ranks at each bar, the signal permuted across assets at each
 * bar (the exact permutation test when assets are exchangeable), block-shuffled in time, and the
 * same mean-IC research on a simulated market (lib/sim, `signalIc` 0, a fresh seed per run;
 * {@link SIGNAL_SIMULATED_MARKET} assets, the panel's bars) evaluated on `simulatedSignal` of
 * the simulated panel (the signal's own definition, e.g. a `SIGNALS` entry's `compute`; default
 * the market's published, uninformative signal); each `runs` times (default: 19 within the
 * cell budget of {@link REPORT_NULL_DEFAULTS}), seeded. The simulated market is left out when
 * `minAssets` exceeds its assets. Null when `runs` is 0 or the real mean IC is not finite.
 * Cost: `3 runs` IC series on the panel and `runs` simulated markets with their IC series
 * (a 40-asset x 5,000-bar hourly market takes about 0.3 s); the simulated values of the default
 * signal are computed once per panel shape, horizon, minAssets, runs and seed in a process and
 * reused by the next signals.
 *
 * @example A signal with no information on a simulated market
 * ```ts
 * import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
 * import { signalNullPosition } from "@lib/pipeline/null_position.ts";
 * import assert from "node:assert/strict";
 * const { panel, signal } = simulatedPanel({ seed: 2, assets: 6, freq: "1h", bars: 120, signalIc: 0 });
 * const pos = signalNullPosition(panel, signal, 1, { runs: 9, minAssets: 4 })!;
 * assert.equal(pos.runs, 9);
 * assert.equal(pos.kinds!.length, 4);
 * assert.ok(pos.pValue >= 0.1 && pos.pValue <= 1);
 * ```
 */
export function signalNullPosition(
  panel: Panel,
  signal: readonly Float64Array[],
  horizon: number,
  options: ReportNullOptions & {
    readonly minAssets?: number | undefined;
    /** The signal on a simulated panel. @default the market's published signal */
    readonly simulatedSignal?: ((panel: Panel) => Float64Array[]) | undefined;
  } = {},
): VerdictNullPosition | null {
  const cells = panel.index.length * panel.assets.length;
  const runs = runsOf(options, SIGNAL_PLACEBOS.length * cells);
  if (runs === 0) return null;
  const S = SIGNAL_SIMULATED_MARKET;
  const simAssets = Math.min(S.maxAssets, Math.max(S.minAssets, panel.assets.length));
  const kinds = (options.minAssets ?? 0) > simAssets
    ? SIGNAL_PLACEBOS.filter((k) => k !== "simulated-market")
    : SIGNAL_PLACEBOS;
  const fwdOf = new Map<Panel, Float64Array[]>();
  const ic = { ...(options.minAssets === undefined ? {} : { minAssets: options.minAssets }) };
  // the simulated-market runs hand their own panel: forward returns of that panel
  const pipeline = (s: readonly Float64Array[], p: Panel = panel) => {
    let fwd = fwdOf.get(p);
    if (fwd === undefined) {
      fwd = forwardReturns(p.logReturns, horizon);
      if (p === panel) fwdOf.set(p, fwd);
    }
    return meanFinite(informationCoefficient(s, fwd, ic).ic);
  };
  if (!Number.isFinite(pipeline(signal))) return null;
  const seed = options.seed ?? REPORT_NULL_DEFAULTS.seed;
  const suite = {
    panel,
    pipeline,
    runs,
    seed,
    kinds,
    simulated: {
      market: {
        // no cointegrated pairs: their y legs carry no published signal, and every asset
        // must have one so that `minAssets` assets can have an IC
        pairs: [],
        assets: simAssets,
        freq: panel.freq === "1m" ? "1m" as const : "1h" as const,
        bars: Math.max(2, panel.index.length),
      },
      ...(options.simulatedSignal === undefined ? {} : { signal: options.simulatedSignal }),
    },
    statisticName: `mean IC (${horizon}-bar)`,
  };
  let precomputed: Float64Array | undefined;
  if (kinds.includes("simulated-market") && options.simulatedSignal === undefined) {
    const key = JSON.stringify([
      panel.freq,
      panel.assets.length,
      panel.index.length,
      horizon,
      options.minAssets ?? null,
      runs,
      seed,
    ]);
    precomputed = SIMULATED_VALUES.get(key);
    if (precomputed === undefined) {
      precomputed = simulatedMarketValues(suite);
      SIMULATED_VALUES.set(key, precomputed);
      if (SIMULATED_VALUES.size > 16) {
        SIMULATED_VALUES.delete(SIMULATED_VALUES.keys().next().value!);
      }
    }
  }
  const res = nullSuite({
    ...suite,
    signal,
    ...(precomputed === undefined ? {} : { precomputed: { "simulated-market": precomputed } }),
  });
  return verdictNullPosition(res, `mean rank IC at ${horizon} bars`);
}

/**
 * The placebos of a strategy's weights: random ranks would change the leverage, so not used; the
 * simulated market neither: the strategy's weights come from its own rules on the real panel,
 * and a simulated market has other assets (the research report's signal verdicts run it).
 */
export const STRATEGY_PLACEBOS: readonly PlaceboKind[] = [
  "cross-section-permutation",
  "block-shuffle",
];

/**
 * Null-suite position of a strategy's annualized net Sharpe: its target weights permuted
 * across the assets at each bar (`cross-section-permutation`, with at least 2 assets) and
 * block-shuffled in time (`block-shuffle`, Politis-White block length), each run through the
 * same engine (`backtestWeights` with the same lag and costs), `runs` times (as for signals),
 * seeded. Null when `runs` is 0 or the real Sharpe is not finite.
 *
 * Every placebo pays the real run's costs, bar by bar: its value is the annualized Sharpe of
 * `placebo gross - real totalCost`, the real one's of `real gross - real totalCost` (= its net).
 * A permuted or shuffled copy of smooth weights trades far more than the weights themselves
 * (a 24-bar momentum book dealt anew among the assets at every bar turns over its whole
 * book each bar), so placebos charged their own costs lose by their turnover, not by their lack
 * of skill, and a losing strategy came out "above every placebo" (long-short momentum_24: net
 * Sharpe -1.64 against placebos at -23.8..-15, p = 0.05). With the same cost series the
 * comparison is the gross returns of the real assignment of weights against random ones under
 * the same cost burden, and the statistic stays the net Sharpe the report shows.
 * Cost: `2 runs` backtests (`runs` with one asset).
 *
 * @example Noise weights on two assets
 * ```ts
 * import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
 * import { strategyNullPosition } from "@lib/pipeline/null_position.ts";
 * import assert from "node:assert/strict";
 * const { panel, signal } = simulatedPanel({ seed: 4, assets: 4, freq: "1h", bars: 150, signalIc: 0 });
 * const w = signal.map((c) => Float64Array.from(c, (v) => (Number.isFinite(v) ? Math.sign(v) / 4 : 0)));
 * const pos = strategyNullPosition(panel, w, { lag: 1 }, 8760, { runs: 9 })!;
 * assert.equal(pos.kinds!.length, 2);
 * ```
 */
export function strategyNullPosition(
  panel: Panel,
  weights: readonly Float64Array[],
  engine: BacktestOptions,
  periodsPerYear: number,
  options: ReportNullOptions = {},
): VerdictNullPosition | null {
  // one asset: a permutation across assets is the identity, nothing to learn from
  const kinds = weights.length >= 2 ? STRATEGY_PLACEBOS : ["block-shuffle" as const];
  const runs = runsOf(options, kinds.length * panel.index.length * weights.length);
  if (runs === 0) return null;
  const run = (w: readonly Float64Array[]) => {
    // a placebo moves NaN (no target) around: no target is a flat position
    const clean = w.map((c) => Float64Array.from(c, (v) => (Number.isFinite(v) ? v : 0)));
    return backtestWeights({ close: panel.close }, clean, { ...engine, ledger: undefined });
  };
  // the real run's cost per bar, charged to every placebo (see the JSDoc)
  const realCost = run(weights).totalCost;
  const pipeline = (w: readonly Float64Array[]) => {
    const gross = run(w).gross;
    const net = Float64Array.from(gross, (g, t) => g - realCost[t]!);
    return sharpeMoments(net).sharpe * Math.sqrt(periodsPerYear);
  };
  if (!Number.isFinite(pipeline(weights))) return null;
  const res = nullSuite({
    panel,
    signal: weights,
    pipeline,
    runs,
    seed: options.seed ?? REPORT_NULL_DEFAULTS.seed,
    kinds,
    statisticName: "net Sharpe (annualized)",
  });
  return verdictNullPosition(
    res,
    "annualized net Sharpe (each placebo charged the real run's costs bar by bar)",
  );
}
