/**
 * What walk-forward and CPCV share: the options, the default objective, one full-data backtest
 * per parameter set (the reuse across folds), and the lookahead check of the chosen sets.
 *
 * @module
 */
import { sharpeRatio } from "../stats/sharpe_ratio.ts";
import { backtestWeights } from "./backtest_weights.ts";
import {
  checkLookahead,
  dataBars,
  type LookaheadResult,
  type LookaheadViolation,
  truncateData,
} from "./lookahead.ts";
import type { BacktestInput, BacktestOptions } from "./types.ts";
import type { TrialLedger, TrialSpec } from "../research/ledger.ts";

/** The trial of one parameter set: the spec's params merged with the set's. */
function setTrial(
  trial: TrialSpec | undefined,
  set: unknown,
  strategy: unknown,
): TrialSpec | undefined {
  if (trial === undefined) return undefined; // the engine says a ledger needs a trial
  const own = set !== null && typeof set === "object" && !Array.isArray(set)
    ? set as Record<string, unknown>
    : { param: set };
  return {
    ...trial,
    params: { ...trial.params, ...own },
    ...(trial.source === undefined && typeof strategy === "function" ? { source: strategy } : {}),
  };
}

/**
 * Target weights `[asset][t]` from parameters and data; row `t` may use bars `0..t` only. A
 * built-in strategy's result (`{weights, ...}`, e.g. `maCrossover`) is taken as its `weights`.
 */
export type Strategy<D, P> = (
  params: P,
  data: D,
) => readonly ArrayLike<number>[] | { readonly weights: readonly ArrayLike<number>[] };

/** Context an objective is called with. */
export interface ObjectiveContext {
  /** Bars per 365-day year of the data's frequency. */
  readonly periodsPerYear: number;
}

/** Scores a parameter set from its net returns on the rows being scored (higher is better). */
export type Objective = (net: Float64Array, context: ObjectiveContext) => number;

/**
 * The default objective: the annualized Sharpe ratio of the net simple returns,
 * `mean / std (ddof 1) * sqrt(periodsPerYear)` with 365-day years (`lib/stats/sharpe_ratio.ts`);
 * NaN on fewer than 2 returns or zero variance (a set that never trades is never chosen over
 * one that does).
 */
export const sharpeObjective: Objective = (net, { periodsPerYear }) =>
  sharpeRatio(net, periodsPerYear);

/** Options shared by {@link walkForward} and {@link cpcv}. */
export interface ParamSearchOptions<D extends BacktestInput, P> {
  /** Prices or returns as {@link backtestWeights} takes them (a Panel fits). */
  readonly data: D;
  /** Target weights for a parameter set, computed causally from the data it is given. */
  readonly strategy: Strategy<D, P>;
  /** The parameter sets to choose from (see {@link paramGrid}). */
  readonly paramGrid: readonly P[];
  /** Score of a parameter set on the training rows. @default sharpeObjective */
  readonly objective?: Objective;
  /** Options of every backtest (lag, costs, rebalancing, equity). @default {} */
  readonly engineOptions?: BacktestOptions;
  /**
   * Bars per year for the objective. @default from the data's `index` spacing and 365-day years
   * (8,760 for hourly bars); required when the data has no time index.
   */
  readonly periodsPerYear?: number;
  /**
   * `fast`: the strategy runs once per parameter set on the whole data and every fold reads
   * its rows; its causality is checked with {@link checkLookahead} at `lookaheadBars` bars of
   * each test period for the chosen set, and a violation throws. `strict`: nothing trusts the
   * strategy: each fold's training targets come from the data cut at the training window's end,
   * and each test bar's targets from the data cut at that bar (one strategy call per test bar:
   * slow, for checking `fast` or for strategies that cannot be trusted).
   * @default "fast"
   */
  readonly mode?: "fast" | "strict";
  /**
   * Bars of each test period at which `fast` mode checks the chosen set for lookahead (0:
   * none). `k` spreads k cuts evenly over the period, both ends included: 1 is the period's
   * last bar only (the cut that compares every row up to it: a strategy that reads ahead at
   * every row fails there, one that reads ahead only at some rows may not), 3 its first,
   * middle and last bar. `"auto"` ({@link LOOKAHEAD_AUTO}) takes 3 on large data and
   * 9 where a strategy call is cheap (at most 250,000 bars x assets). Each cut costs one
   * strategy call on the data cut there. For a dense proof run {@link checkLookahead} itself.
   * @default "auto"
   */
  readonly lookaheadBars?: number | "auto";
  /**
   * The trial ledger (`openLedger` of lib/research): each parameter set's backtest on the whole
   * data (the runs `fast` mode scores every fold from) is recorded as one trial of
   * `trial.family`, its params merged with the set's (a set that is not an object as
   * `{param: set}`), the strategy's source hashed unless `trial.source` is given.
   * @default none (nothing recorded)
   */
  readonly ledger?: TrialLedger | undefined;
  /** Names the trials when `ledger` is given. */
  readonly trial?: TrialSpec | undefined;
}

/** Defaults of {@link ParamSearchOptions}, stated once. */
export const PARAM_SEARCH_DEFAULTS = {
  objective: sharpeObjective,
  mode: "fast" as "fast" | "strict",
  lookaheadBars: "auto" as number | "auto",
} as const;

/**
 * What `lookaheadBars: "auto"` checks per test period: `bars` cuts (the first, middle and
 * last bar), or `smallBars` cuts spread evenly (first, middle and last included) when the data
 * has at most `smallCells` bars x assets, where a strategy call is cheap. On the 126-pair
 * hourly panel (692,118 cells) that is 3 cuts per fold; on one asset's 5,493 hourly bars, 9.
 */
export const LOOKAHEAD_AUTO = { bars: 3, smallCells: 250_000, smallBars: 9 } as const;

/** Asset columns of backtest input (`close` or `returns` columns, or an array of columns). */
export function dataAssets(data: BacktestInput): number {
  if (Array.isArray(data)) return data.length;
  const o = data as { close?: readonly unknown[]; returns?: readonly unknown[] };
  return (o.close ?? o.returns ?? []).length;
}

/** The number of lookahead cuts per test period for `lookaheadBars` on `bars` x `assets`. */
export function resolveLookaheadBars(
  lookaheadBars: number | "auto",
  bars: number,
  assets: number,
  what: string,
): number {
  if (lookaheadBars === "auto") {
    return bars * assets <= LOOKAHEAD_AUTO.smallCells
      ? LOOKAHEAD_AUTO.smallBars
      : LOOKAHEAD_AUTO.bars;
  }
  if (!Number.isInteger(lookaheadBars) || lookaheadBars < 0) {
    throw new RangeError(
      `Cannot run ${what}: lookaheadBars must be "auto" or an integer >= 0 (cuts per test ` +
        `period), got ${lookaheadBars}`,
    );
  }
  return lookaheadBars;
}

/**
 * Every combination of the listed values, the last key varying fastest.
 *
 * @example Two lookbacks x two quantiles
 * ```ts
 * import { paramGrid } from "@lib/backtest/walk_forward.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(paramGrid({ lookback: [24, 168], top: [5, 10] }), [
 *   { lookback: 24, top: 5 }, { lookback: 24, top: 10 },
 *   { lookback: 168, top: 5 }, { lookback: 168, top: 10 },
 * ]);
 * ```
 */
export function paramGrid<T extends Record<string, readonly unknown[]>>(
  values: T,
): { [K in keyof T]: T[K][number] }[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [k, vs] of Object.entries(values)) {
    if (vs.length === 0) throw new RangeError(`Cannot build a parameter grid: ${k} has no values`);
    out = out.flatMap((o) => vs.map((v) => ({ ...o, [k]: v })));
  }
  return out as { [K in keyof T]: T[K][number] }[];
}

/** Bars per 365-day year from the index spacing, or the option. */
export function resolvePeriodsPerYear(data: BacktestInput, given: number | undefined): number {
  if (given !== undefined) {
    if (!(given > 0) || !Number.isFinite(given)) {
      throw new RangeError(`periodsPerYear must be a positive number, got ${given}`);
    }
    return given;
  }
  const index = Array.isArray(data) ? undefined : (data as { index?: ArrayLike<number> }).index;
  const dt = index !== undefined && index.length > 1 ? index[1]! - index[0]! : NaN;
  if (!(dt >= 1000)) {
    throw new RangeError(
      "Cannot annualize the objective: the data has no time index in UTC ms; give " +
        "periodsPerYear (8760 for hourly bars, 365 for daily)",
    );
  }
  return (365 * 86_400_000) / dt;
}

/** Net returns of `net` at `rows`. */
export function gather(net: Float64Array, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = net[rows[j]!]!;
  return out;
}

/** Index of the best finite score, the first on ties; -1 when none is finite. */
export function argBest(scores: Float64Array): number {
  let best = -1;
  for (let j = 0; j < scores.length; j++) {
    const s = scores[j]!;
    if (Number.isFinite(s) && (best < 0 || s > scores[best]!)) best = j;
  }
  return best;
}

/** Check the grid and normalize the strategy's output to `bars` rows per asset. */
export function checkTargets(
  result: ReturnType<Strategy<unknown, unknown>>,
  bars: number,
  what: string,
): readonly ArrayLike<number>[] {
  const out = Array.isArray(result)
    ? result as readonly ArrayLike<number>[]
    : (result as { weights?: readonly ArrayLike<number>[] }).weights;
  if (!Array.isArray(out) || out.length === 0) {
    throw new TypeError(`${what}: the strategy must return target weights [asset][t]`);
  }
  for (const c of out) {
    if (c.length !== bars) {
      throw new RangeError(
        `${what}: the strategy returned a column of ${c.length} rows for data of ${bars} bars`,
      );
    }
  }
  return out;
}

/** Memoized targets and full-data net returns per parameter set. */
export class ParamRuns<D extends BacktestInput, P> {
  readonly bars: number;
  readonly #targets = new Map<number, readonly ArrayLike<number>[]>();
  readonly #net = new Map<number, Float64Array>();
  constructor(readonly options: ParamSearchOptions<D, P>, readonly what: string) {
    this.bars = dataBars(options.data);
    if (options.paramGrid.length === 0) {
      throw new RangeError(`Cannot run ${what}: paramGrid is empty`);
    }
  }
  /** Targets of parameter set `j` on the whole data (computed once). */
  targets(j: number): readonly ArrayLike<number>[] {
    let t = this.#targets.get(j);
    if (t === undefined) {
      const o = this.options;
      t = checkTargets(o.strategy(o.paramGrid[j]!, o.data), this.bars, `Cannot run ${this.what}`);
      this.#targets.set(j, t);
    }
    return t;
  }
  /** Net returns of parameter set `j` backtested on the whole data (computed once). */
  net(j: number): Float64Array {
    let n = this.#net.get(j);
    if (n === undefined) {
      // targets are not kept for every set (50 sets x 126 assets x 5,493 bars is 280 MB)
      const o = this.options;
      const t = this.#targets.get(j) ??
        checkTargets(o.strategy(o.paramGrid[j]!, o.data), this.bars, `Cannot run ${this.what}`);
      n = backtestWeights(
        o.data,
        t,
        o.ledger === undefined ? o.engineOptions ?? {} : {
          ...o.engineOptions,
          ledger: o.ledger,
          trial: setTrial(o.trial, o.paramGrid[j], o.strategy),
        },
      ).net;
      this.#net.set(j, n);
    }
    return n;
  }
  /** Net returns of set `j` when its targets come from the data cut after row `end` only. */
  netCutAt(j: number, end: number): Float64Array {
    const o = this.options;
    const t = this.cutTargets(j, end);
    return backtestWeights(o.data, t, o.engineOptions ?? {}).net;
  }
  /** Targets of set `j` computed on rows `0..end` only, NaN (flat) after. */
  cutTargets(j: number, end: number): Float64Array[] {
    const o = this.options;
    const cut = truncateData(o.data, end + 1, this.bars);
    const t = checkTargets(o.strategy(o.paramGrid[j]!, cut), end + 1, `Cannot run ${this.what}`);
    return t.map((c) => {
      const out = new Float64Array(this.bars).fill(NaN);
      for (let s = 0; s <= end; s++) out[s] = c[s]!;
      return out;
    });
  }
  /** Target row `t` of set `j` computed from rows `0..t` only, written into `into[a][t]`. */
  targetsAtBar(j: number, t: number, into: readonly Float64Array[]): void {
    const o = this.options;
    const cut = truncateData(o.data, t + 1, this.bars);
    const w = checkTargets(o.strategy(o.paramGrid[j]!, cut), t + 1, `Cannot run ${this.what}`);
    if (w.length !== into.length) {
      throw new RangeError(`Cannot run ${this.what}: the strategy changed its number of assets`);
    }
    for (let a = 0; a < into.length; a++) into[a]![t] = w[a]![t]!;
  }
}

/** `count` bars spread evenly over the rows of `[first, last]` (both ends included). */
export function spreadBars(first: number, last: number, count: number): number[] {
  if (count <= 0) return [];
  if (count === 1 || first === last) return [last];
  const out = new Set<number>();
  for (let k = 0; k < count; k++) {
    out.add(Math.round(first + ((last - first) * k) / (count - 1)));
  }
  return [...out];
}

/**
 * Check parameter set `j`'s targets for lookahead at `bars` (truncated data vs the full-data
 * targets); throws on a violation, naming the set and what changed.
 */
export function checkChosen<D extends BacktestInput, P>(
  runs: ParamRuns<D, P>,
  j: number,
  bars: readonly number[],
): LookaheadResult {
  const o = runs.options;
  // a cut at the last bar is the full data and proves nothing: the bar before it instead
  const sample = [...new Set(bars.map((t) => Math.max(0, Math.min(t, runs.bars - 2))))];
  const res = checkLookahead(
    (d: D) => checkTargets(o.strategy(o.paramGrid[j]!, d), dataBars(d), `Cannot run ${runs.what}`),
    o.data,
    {
      full: runs.targets(j),
      sample,
    },
  );
  if (!res.passed) {
    const v: LookaheadViolation = res.violations[0]!;
    throw new Error(
      `Cannot run ${runs.what}: the strategy looks ahead with parameters ` +
        `${JSON.stringify(o.paramGrid[j])}: row ${v.row} of ${v.asset} is ${v.before} with data ` +
        `up to bar ${v.t} and ${v.after} with all the data (${res.violationCount} values changed ` +
        `at ${res.violatingBars.length} of ${res.checkedBars} checked bars). Fix the strategy so ` +
        `row t uses bars 0..t only, or run with mode: "strict"`,
    );
  }
  return res;
}

/** How {@link spreadBars} places `perPeriod` cuts, in words. */
function cutsInWords(perPeriod: number): string {
  if (perPeriod <= 1) return "its last bar";
  if (perPeriod === 2) return "its first and last bar";
  const extra = perPeriod - 3;
  return `its first, ${perPeriod % 2 === 1 ? "middle" : "near-middle"} and last bar` +
    (extra > 0 ? ` and ${extra} more spread evenly` : "");
}

/**
 * Merge lookahead results of the test periods into one; `perPeriod` is the number of cuts
 * asked per period (a short period may have fewer distinct bars).
 */
export function mergeLookahead(
  results: readonly LookaheadResult[],
  bars: number,
  perPeriod = 1,
): LookaheadResult {
  const violatingBars = [...new Set(results.flatMap((r) => r.violatingBars))].sort((a, b) => a - b);
  const count = results.reduce((s, r) => s + r.violationCount, 0);
  return {
    checkedBars: results.reduce((s, r) => s + r.checkedBars, 0),
    bars,
    sample: results.length === 0
      ? "not checked"
      : `the chosen parameter set of each of ${results.length} test periods, cut at ` +
        `${cutsInWords(perPeriod)} (${
          results.map((r) => r.checkedBars).join(", ")
        } bars), where the data ends there and every row up to the cut is compared`,
    tolerance: 0,
    violations: results.flatMap((r) => r.violations).slice(0, 100),
    violationCount: count,
    violatingBars,
    passed: count === 0,
  };
}
