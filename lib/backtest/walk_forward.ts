/**
 * Walk-forward optimization: parameters chosen on each training window by an objective on its
 * backtest, frozen for the test period after it, and the test periods stitched into one
 * out-of-sample backtest.
 *
 * @module
 */
import { backtestWeights } from "./backtest_weights.ts";
import type { LookaheadResult } from "./lookahead.ts";
import {
  argBest,
  checkChosen,
  dataAssets,
  gather,
  mergeLookahead,
  PARAM_SEARCH_DEFAULTS,
  ParamRuns,
  type ParamSearchOptions,
  resolveLookaheadBars,
  resolvePeriodsPerYear,
  sharpeObjective,
  spreadBars,
} from "./_param_runs.ts";
import type { BacktestInput, BacktestResult } from "./types.ts";
import type { Split } from "./walk_forward_splits.ts";

export { PARAM_SEARCH_DEFAULTS, paramGrid, sharpeObjective } from "./_param_runs.ts";
export type { Objective, ObjectiveContext, ParamSearchOptions, Strategy } from "./_param_runs.ts";

/** Options of {@link walkForward}. */
export interface WalkForwardOptions<D extends BacktestInput, P> extends ParamSearchOptions<D, P> {
  /**
   * The folds, e.g. from `walkForwardSplits`: test periods that do not overlap, each trained
   * on rows before it only.
   */
  readonly splits: readonly Split[];
}

/** One fold of a walk-forward. */
export interface WalkForwardFold<P> {
  readonly fold: number;
  /** First and last training row and the number of training rows (after purging). */
  readonly train: { readonly first: number; readonly last: number; readonly rows: number };
  /** First and last test row. */
  readonly test: { readonly first: number; readonly last: number; readonly rows: number };
  /** Index in the grid of the chosen parameter set (-1: no set had a finite score: flat). */
  readonly chosen: number;
  /** The chosen parameter set (undefined when none was chosen). */
  readonly params: P | undefined;
  /** Objective of every parameter set on this fold's training rows, in grid order. */
  readonly scores: Float64Array;
  /** The chosen set's objective on the training rows. */
  readonly inSample: number;
  /** The objective of the stitched out-of-sample net returns on this fold's test rows. */
  readonly outOfSample: number;
  /** Annualized Sharpe of the chosen set's net returns on the training rows. */
  readonly inSampleSharpe: number;
  /** Annualized Sharpe of the stitched net returns on the test rows. */
  readonly outOfSampleSharpe: number;
}

/** The result of {@link walkForward}. */
export interface WalkForwardResult<P> {
  readonly folds: readonly WalkForwardFold<P>[];
  /** First and last out-of-sample row (first test row of the first fold, last of the last). */
  readonly outOfSampleRows: readonly [number, number];
  /** Bar times of the out-of-sample rows. */
  readonly index: Float64Array;
  /** Stitched out-of-sample net returns (row by row from `outOfSampleRows[0]`). */
  readonly net: Float64Array;
  /** Equity over the out-of-sample rows (starting from the engine's initial equity, flat before). */
  readonly equity: Float64Array;
  /** Annualized Sharpe of `net`. */
  readonly sharpe: number;
  /**
   * The stitched backtest over the whole data: targets are each fold's chosen set on its test
   * rows and flat (NaN) elsewhere, so costs of switching sets between folds are paid.
   */
  readonly backtest: BacktestResult;
  /** The lookahead check of the chosen sets (`fast` mode), or "not checked" (`strict`). */
  readonly lookahead: LookaheadResult;
  readonly mode: "fast" | "strict";
  readonly periodsPerYear: number;
}

/**
 * Walk-forward optimization. For each fold, every parameter set of `paramGrid` is scored by
 * `objective` on the net returns of its backtest at the fold's training rows, the best one
 * (first on ties; sets with a NaN score are never chosen) is frozen, and its target weights on
 * the fold's test rows go into one stitched target series that is backtested once with
 * `engineOptions` (so the lag, costs and the switches between sets are those of the engine).
 *
 * Reuse: in `fast` mode (the default) each parameter set's targets and backtest are computed
 * once on the whole data and every fold reads the rows it needs, so F folds x P sets cost P
 * strategy calls and P + 1 backtests; the chosen sets are checked for lookahead at
 * `lookaheadBars` bars of each test period, and a strategy that looks ahead is refused. The
 * training rows of that full-data run hold the positions the strategy had from earlier data
 * (entering from flat at the window's start is not charged). `strict` mode recomputes
 * everything from data cut at each training window's end and at each test bar.
 *
 * @example Choose a moving-average lookback per fold on a random walk
 * ```ts
 * import { walkForward, walkForwardSplits } from "@lib/backtest/mod.ts";
 * import assert from "node:assert/strict";
 * let p = 100;
 * const close = [Float64Array.from({ length: 400 }, (_, t) => (p *= 1 + 0.01 * Math.sin(t * 1.7)))];
 * const index = Float64Array.from({ length: 400 }, (_, t) => t * 3_600_000);
 * const strategy = (lb: number, d: { close: readonly Float64Array[] }) =>
 *   d.close.map((c) => c.map((x, t) => (t >= lb && x > c[t - lb]! ? 1 : 0)));
 * const res = walkForward({
 *   data: { close, index },
 *   strategy,
 *   paramGrid: [2, 5, 10],
 *   splits: walkForwardSplits({ bars: 400, trainBars: 100, folds: 3 }),
 * });
 * assert.equal(res.folds.length, 3);
 * assert.ok(res.folds.every((f) => [2, 5, 10].includes(f.params!)));
 * assert.equal(res.net.length, 300);
 * assert.equal(res.lookahead.passed, true);
 * ```
 */
export function walkForward<D extends BacktestInput, P>(
  options: WalkForwardOptions<D, P>,
): WalkForwardResult<P> {
  const what = "walkForward";
  const runs = new ParamRuns(options, what);
  const bars = runs.bars;
  const mode = options.mode ?? PARAM_SEARCH_DEFAULTS.mode;
  if (mode !== "fast" && mode !== "strict") {
    throw new RangeError(`Cannot run ${what}: mode must be "fast" or "strict", got ${mode}`);
  }
  const objective = options.objective ?? PARAM_SEARCH_DEFAULTS.objective;
  const ppy = resolvePeriodsPerYear(options.data, options.periodsPerYear);
  const ctx = { periodsPerYear: ppy };
  const nLook = resolveLookaheadBars(
    options.lookaheadBars ?? PARAM_SEARCH_DEFAULTS.lookaheadBars,
    bars,
    dataAssets(options.data),
    what,
  );
  const { splits, paramGrid } = options;
  if (splits.length === 0) throw new RangeError(`Cannot run ${what}: no splits`);
  // test periods must be ordered, disjoint and preceded by their training rows
  let prevLast = -1;
  splits.forEach((s, k) => {
    if (s.test.length === 0 || s.train.length === 0) {
      throw new RangeError(`Cannot run ${what}: fold ${k} has no training or no test rows`);
    }
    const first = s.test[0]!, last = s.test[s.test.length - 1]!;
    if (first <= prevLast || last >= bars) {
      throw new RangeError(
        `Cannot run ${what}: fold ${k}'s test rows ${first}..${last} overlap the previous fold ` +
          `or pass the last bar ${bars - 1}; test periods must be in order and disjoint`,
      );
    }
    if (s.train[s.train.length - 1]! >= first) {
      throw new RangeError(
        `Cannot run ${what}: fold ${k} trains on row ${s.train[s.train.length - 1]} at or after ` +
          `its test start ${first}; a walk-forward trains on the past only (use cpcv to train ` +
          `on both sides)`,
      );
    }
    prevLast = last;
  });

  const nAssets = runs.targets(0).length;
  const stitched = Array.from({ length: nAssets }, () => new Float64Array(bars).fill(NaN));
  const chosenOf: number[] = [];
  const scoresOf: Float64Array[] = [];
  const trainNetOf: Float64Array[] = [];
  const checks: LookaheadResult[] = [];
  splits.forEach((s) => {
    const trainEnd = s.train[s.train.length - 1]!;
    const scores = new Float64Array(paramGrid.length);
    const trainNets: Float64Array[] = [];
    for (let j = 0; j < paramGrid.length; j++) {
      const net = mode === "fast" ? runs.net(j) : runs.netCutAt(j, trainEnd);
      trainNets.push(gather(net, s.train));
      scores[j] = objective(trainNets[j]!, ctx);
    }
    const j = argBest(scores);
    chosenOf.push(j);
    scoresOf.push(scores);
    trainNetOf.push(j < 0 ? new Float64Array(0) : trainNets[j]!);
    if (j < 0) return; // flat: no set had a score
    if (mode === "fast") {
      const w = runs.targets(j);
      for (let a = 0; a < nAssets; a++) {
        const src = w[a]!, dst = stitched[a]!;
        for (let q = 0; q < s.test.length; q++) dst[s.test[q]!] = src[s.test[q]!]!;
      }
      const first = s.test[0]!, last = s.test[s.test.length - 1]!;
      if (nLook > 0) checks.push(checkChosen(runs, j, spreadBars(first, last, nLook)));
    } else {
      for (let q = 0; q < s.test.length; q++) runs.targetsAtBar(j, s.test[q]!, stitched);
    }
  });

  const backtest = backtestWeights(options.data, stitched, options.engineOptions ?? {});
  const first = splits[0]!.test[0]!;
  const lastFold = splits[splits.length - 1]!;
  const last = lastFold.test[lastFold.test.length - 1]!;
  const folds = splits.map((s, k): WalkForwardFold<P> => {
    const j = chosenOf[k]!;
    const oos = gather(backtest.net, s.test);
    return {
      fold: k,
      train: { first: s.train[0]!, last: s.train[s.train.length - 1]!, rows: s.train.length },
      test: { first: s.test[0]!, last: s.test[s.test.length - 1]!, rows: s.test.length },
      chosen: j,
      params: j < 0 ? undefined : paramGrid[j],
      scores: scoresOf[k]!,
      inSample: j < 0 ? NaN : scoresOf[k]![j]!,
      outOfSample: objective(oos, ctx),
      inSampleSharpe: j < 0 ? NaN : sharpeObjective(trainNetOf[k]!, ctx),
      outOfSampleSharpe: sharpeObjective(oos, ctx),
    };
  });
  const net = backtest.net.slice(first, last + 1);
  return {
    folds,
    outOfSampleRows: [first, last],
    index: backtest.index.slice(first, last + 1),
    net,
    equity: backtest.equity.slice(first, last + 1),
    sharpe: sharpeObjective(net, ctx),
    backtest,
    lookahead: mergeLookahead(checks, bars, nLook),
    mode,
    periodsPerYear: ppy,
  };
}
