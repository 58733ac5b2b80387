/**
 * Combinatorial purged cross-validation of a strategy's parameter choice: a distribution of
 * out-of-sample Sharpe ratios over `phi` backtest paths instead of the single path of a
 * walk-forward (M. Lopez de Prado, "Advances in Financial Machine Learning", Wiley 2018,
 * ch. 12).
 *
 * @module
 */
import { backtestWeights } from "./backtest_weights.ts";
import { type CpcvPlan, cpcvSplits } from "./cpcv_splits.ts";
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
import type { BacktestInput } from "./types.ts";
import type { PurgeOptions } from "./walk_forward_splits.ts";

/** Options of {@link cpcv}: a parameter search plus the CPCV layout. */
export interface CpcvRunOptions<D extends BacktestInput, P>
  extends Omit<ParamSearchOptions<D, P>, "mode">, PurgeOptions {
  /** Number of contiguous groups `N`. @default 6 */
  readonly groups?: number;
  /** Test groups per split `k`. @default 2 */
  readonly testGroups?: number;
}

/** Defaults of {@link CpcvRunOptions}, stated once (N = 6, k = 2: 15 splits, 5 paths). */
export const CPCV_DEFAULTS = { groups: 6, testGroups: 2 } as const;

/** One split's choice. */
export interface CpcvSplitChoice<P> {
  readonly split: number;
  readonly testGroups: readonly number[];
  /** Grid index of the chosen set (-1: none had a finite score: flat on its test groups). */
  readonly chosen: number;
  readonly params: P | undefined;
  /** Objective of every set on the split's (purged, embargoed) training rows. */
  readonly scores: Float64Array;
  readonly inSample: number;
  readonly inSampleSharpe: number;
}

/** One backtest path: every group out of sample once. */
export interface CpcvPath {
  /** `splits[g]`: the split whose choice trades group `g` in this path. */
  readonly splits: readonly number[];
  /** Net returns of the path's backtest, one per bar of the data. */
  readonly net: Float64Array;
  readonly equity: Float64Array;
  /** Annualized Sharpe of `net`. */
  readonly sharpe: number;
}

/** The result of {@link cpcv}. */
export interface CpcvResult<P> {
  readonly plan: CpcvPlan;
  readonly splits: readonly CpcvSplitChoice<P>[];
  readonly paths: readonly CpcvPath[];
  /** The paths' out-of-sample Sharpe ratios, in path order. */
  readonly sharpes: Float64Array;
  /** Mean, sample std (ddof 1), min, median and max of the finite path Sharpes. */
  readonly summary: {
    readonly mean: number;
    readonly std: number;
    readonly min: number;
    readonly median: number;
    readonly max: number;
  };
  readonly lookahead: LookaheadResult;
  readonly periodsPerYear: number;
}

function summarize(x: Float64Array): CpcvResult<unknown>["summary"] {
  const v = [...x].filter(Number.isFinite).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, median: NaN, max: NaN };
  const mean = v.reduce((s, y) => s + y, 0) / n;
  const std = n < 2 ? NaN : Math.sqrt(v.reduce((s, y) => s + (y - mean) ** 2, 0) / (n - 1));
  const median = n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
  return { mean, std, min: v[0]!, median, max: v[n - 1]! };
}

/**
 * CPCV of a parameter search: for each of the `C(N, k)` splits, every set of `paramGrid` is
 * scored by `objective` on the split's purged and embargoed training rows (rows on both sides of
 * the test groups) and the best is chosen; each of the `phi` paths then trades every group with
 * the choice of the split that path takes it from (`cpcvSplits`), and is backtested once with
 * `engineOptions` over the whole data (switching costs between groups included). The result is
 * the distribution of the paths' Sharpe ratios.
 *
 * Like {@link walkForward}'s `fast` mode, each set's targets and backtest are computed once on
 * the whole data and the chosen sets are checked for lookahead at `lookaheadBars` bars of each
 * split's test span; a violation throws.
 *
 * @example N = 6, k = 2 on a sine-driven price: 15 choices, 5 path Sharpes
 * ```ts
 * import { cpcv } from "@lib/backtest/mod.ts";
 * import assert from "node:assert/strict";
 * let p = 100;
 * const close = [Float64Array.from({ length: 600 }, (_, t) => (p *= 1 + 0.01 * Math.sin(t / 9)))];
 * const index = Float64Array.from({ length: 600 }, (_, t) => t * 3_600_000);
 * const res = cpcv({
 *   data: { close, index },
 *   strategy: (lb: number, d: { close: readonly Float64Array[] }) =>
 *     d.close.map((c) => c.map((x, t) => (t >= lb && x > c[t - lb]! ? 1 : -1))),
 *   paramGrid: [1, 3, 12],
 *   labelHorizon: 1,
 *   embargo: 5,
 * });
 * assert.equal(res.splits.length, 15);
 * assert.equal(res.sharpes.length, 5);
 * ```
 */
export function cpcv<D extends BacktestInput, P>(options: CpcvRunOptions<D, P>): CpcvResult<P> {
  const what = "cpcv";
  const runs = new ParamRuns(options, what);
  const bars = runs.bars;
  const objective = options.objective ?? PARAM_SEARCH_DEFAULTS.objective;
  const ppy = resolvePeriodsPerYear(options.data, options.periodsPerYear);
  const ctx = { periodsPerYear: ppy };
  const nLook = resolveLookaheadBars(
    options.lookaheadBars ?? PARAM_SEARCH_DEFAULTS.lookaheadBars,
    bars,
    dataAssets(options.data),
    what,
  );
  const plan = cpcvSplits({
    bars,
    groups: options.groups ?? CPCV_DEFAULTS.groups,
    testGroups: options.testGroups ?? CPCV_DEFAULTS.testGroups,
    ...(options.labelHorizon === undefined ? {} : { labelHorizon: options.labelHorizon }),
    ...(options.embargo === undefined ? {} : { embargo: options.embargo }),
  });
  const { paramGrid } = options;
  const checks: LookaheadResult[] = [];
  const splits = plan.splits.map((s, k): CpcvSplitChoice<P> => {
    if (s.train.length === 0) {
      throw new RangeError(
        `Cannot run ${what}: split ${k} has no training rows left after purging; lower ` +
          `labelHorizon or embargo, or use fewer groups`,
      );
    }
    const scores = new Float64Array(paramGrid.length);
    for (let j = 0; j < paramGrid.length; j++) {
      scores[j] = objective(gather(runs.net(j), s.train), ctx);
    }
    const j = argBest(scores);
    if (j >= 0 && nLook > 0) {
      const r = s.testRanges;
      checks.push(checkChosen(runs, j, spreadBars(r[0]![0], r[r.length - 1]![1], nLook)));
    }
    return {
      split: k,
      testGroups: s.testGroups,
      chosen: j,
      params: j < 0 ? undefined : paramGrid[j],
      scores,
      inSample: j < 0 ? NaN : scores[j]!,
      inSampleSharpe: j < 0 ? NaN : sharpeObjective(gather(runs.net(j), s.train), ctx),
    };
  });
  const nAssets = runs.targets(Math.max(0, splits.find((s) => s.chosen >= 0)?.chosen ?? 0)).length;
  const paths = plan.paths.map((row): CpcvPath => {
    const targets = Array.from({ length: nAssets }, () => new Float64Array(bars).fill(NaN));
    row.forEach((k, g) => {
      const j = splits[k]!.chosen;
      if (j < 0) return;
      const w = runs.targets(j);
      const [a0, b0] = plan.groupBounds[g]!;
      for (let a = 0; a < nAssets; a++) {
        targets[a]!.set(Array.prototype.slice.call(w[a]!, a0, b0 + 1), a0);
      }
    });
    const bt = backtestWeights(options.data, targets, options.engineOptions ?? {});
    return { splits: row, net: bt.net, equity: bt.equity, sharpe: sharpeObjective(bt.net, ctx) };
  });
  const sharpes = Float64Array.from(paths, (p) => p.sharpe);
  return {
    plan,
    splits,
    paths,
    sharpes,
    summary: summarize(sharpes),
    lookahead: mergeLookahead(checks, bars, nLook),
    periodsPerYear: ppy,
  };
}
