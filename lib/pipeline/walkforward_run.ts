/**
 * A walk-forward of a strategy on bars already in the store: train/test folds (rolling or
 * expanding, purged, with an embargo), a parameter set chosen on each training window by net
 * Sharpe and frozen for its test window, the out-of-sample results stitched, and a report of
 * each fold's choice, in-sample vs out-of-sample Sharpe, the stitched equity and the strategy
 * tear sheet of the stitched backtest. `deno task walkforward` is a thin shell around
 * {@link runWalkForward}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Dataset } from "../panel/dataset.ts";
import type { Panel } from "../panel/types.ts";
import { paramGrid, walkForward, type WalkForwardResult } from "../backtest/walk_forward.ts";
import {
  PURGE_DEFAULTS,
  WALK_FORWARD_SPLIT_DEFAULTS,
  walkForwardSplits,
} from "../backtest/walk_forward_splits.ts";
import { describeLookahead } from "../backtest/lookahead.ts";
import { type Block, column, type ReportModel, type Section } from "../report/model.ts";
import { dataSection } from "../report/sections/data_section.ts";
import { cumulativeReturnsChart } from "../report/charts/cumulative_returns.ts";
import { type StrategyTearSheet, strategyTearSheet } from "../report/tears/strategy_tear_sheet.ts";
import {
  checkGrossExposure,
  longShortBook,
  nullRunsParam,
  optimizerFallbackAlert,
  optimizerNote,
  type PreparedRun,
  prepareStrategyRun,
  signalFileIcAlert,
  strategyReportModel,
  type StrategyRunOptions,
  usedData,
} from "./backtest_run.ts";
import type { StrategyTargets } from "../backtest/strategies/types.ts";
import type { ParamValue } from "../report/model.ts";
import type { BacktestOptions, BacktestResult } from "../backtest/types.ts";
import { withLedgerUpTo } from "./ledger_up_to.ts";
import { previousGenerationNote } from "./previous_generation.ts";
import type { TrialLedger } from "../research/ledger.ts";
import { findRecordedTrial } from "../research/recorded_trial.ts";
import { overfittingVerdict } from "../research/overfitting_verdict.ts";
import { overfittingSection } from "../report/sections/overfitting_section.ts";
import {
  canonicalParams,
  readTrials,
  type StoredTrial,
  type StoredTrialWithSeries,
} from "../store/trials.ts";
import { periodsPerYear } from "../backtest/metrics/periods_per_year.ts";
import { subsetPanel } from "../panel/subset_panel.ts";
import { strategyNullPosition } from "./null_position.ts";
import {
  type ResolvedStrategy,
  resolveStrategy,
  type StrategyParam,
  StrategySpecError,
} from "./strategy_spec.ts";

/** How the bars are cut into folds; defaults in {@link WALK_FORWARD_RUN_DEFAULTS}. */
export interface FoldSpec {
  /** `rolling` (fixed-length training windows) or `expanding` (anchored at the first bar). */
  readonly window?: "rolling" | "expanding" | undefined;
  /**
   * Training bars before the first test period, at least {@link MIN_TRAIN_BARS}.
   * @default a third of the bars
   */
  readonly trainBars?: number | undefined;
  /** Bars per test period (or give `folds`). */
  readonly testBars?: number | undefined;
  /** Number of test periods (used when `testBars` is not given). @default 5 */
  readonly folds?: number | undefined;
  /** Bars after a row its P&L depends on (purging). @default 0: a net return is its own bar's */
  readonly labelHorizon?: number | undefined;
  /** Training rows dropped after each test period's end. @default 0 */
  readonly embargo?: number | undefined;
}

/**
 * The fewest training bars a fold may have: a Sharpe ratio, the score each parameter set is
 * chosen by, needs two returns. `trainBars` below it (`--train-bars 1`) is refused.
 */
export const MIN_TRAIN_BARS = 2;

/**
 * At most this many folds are named in a short-training warning, and at most this many
 * parameter sets get their own warning (the rest are counted in one more line), so that a
 * walk-forward of thousands of folds does not print a line of tens of kilobytes.
 */
export const WARNING_LIST_CAP = 5;

/** Defaults of {@link FoldSpec}, stated once. */
export const WALK_FORWARD_RUN_DEFAULTS = {
  window: WALK_FORWARD_SPLIT_DEFAULTS.window,
  trainFraction: 1 / 3,
  folds: 5,
  labelHorizon: PURGE_DEFAULTS.labelHorizon,
  embargo: PURGE_DEFAULTS.embargo,
} as const;

/** What {@link runWalkForward} takes: a strategy run, a parameter grid and the folds. */
export interface WalkForwardRunOptions extends StrategyRunOptions {
  /**
   * Values to try per parameter (every combination is a candidate); parameters not in the grid
   * keep `strategy.params` or the library default.
   */
  readonly grid: Readonly<Record<string, readonly StrategyParam[]>>;
  readonly folds?: FoldSpec | undefined;
}

/** What {@link runWalkForward} built. */
export interface WalkForwardRun {
  readonly model: ReportModel;
  readonly dataset: Dataset;
  /** The candidate parameter sets, in grid order (each fold's `chosen` indexes them). */
  readonly candidates: readonly Readonly<Record<string, StrategyParam>>[];
  readonly result: WalkForwardResult<number>;
  /**
   * The strategy tear sheet of the report: of the stitched out-of-sample bars only
   * (`result.outOfSampleRows`), the benchmark over the same bars.
   */
  readonly tearSheet: StrategyTearSheet;
  /**
   * Folds whose training window is shorter than a parameter set's warm-up
   * ({@link strategyWarmup}), one sentence per parameter set (capped, see
   * {@link WARNING_LIST_CAP}), and test periods too short for the lag to fill a fold's own
   * choice inside them (fewer than lag + 2 bars); also at the top of the walk-forward section,
   * and printed on stderr by `deno task walkforward`.
   */
  readonly warnings: readonly string[];
}

/**
 * Walk a strategy forward over the store's bars: `walkForwardSplits` cuts the folds (purged,
 * embargoed), `walkForward` scores every parameter set of the grid on each training window by
 * annualized net Sharpe (costs and lag included), freezes the best for the test window, and
 * stitches the out-of-sample net returns; the chosen sets are checked for lookahead at several
 * bars of each test period (its first, middle and last bar; 9 spread over it on small data:
 * `lookaheadBars: "auto"` of walkForward), a violation stops the run, and the report says
 * where it cut. A `long-short` walk-forward gets the guards of `runBacktest`, first in the
 * tear sheet's headline (its `alerts`): the impossible-IC check of signal-file values
 * (`signalFileIcAlert`), each parameter set's book that never holds anything, a stitched
 * out-of-sample run with no book at any test bar, and with weighting "optimize" the stitched
 * test bars that kept equal weights. The report lists each fold's training
 * and test rows, its choice, in-sample and out-of-sample Sharpe, charts the stitched
 * out-of-sample equity, and adds the strategy tear sheet of the stitched backtest.
 *
 * @example Two fast windows of a crossover, three folds
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { runWalkForward } from "@lib/pipeline/walkforward_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const n = 24 * 30;
 * const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, n);
 * for (let i = 0; i < n; i++) {
 *   b.ts[i] = i * 3_600_000;
 *   b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 * Math.exp(0.05 * Math.sin(i / 30));
 *   b.volume[i] = 10;
 * }
 * writeBars(db, b, { source: "doc" });
 * const r = runWalkForward(db, { freq: "1h", strategy: { strategy: "ma-crossover", assets: ["BTCUSDT"],
 *   params: { slow: 40 } }, grid: { fast: [5, 10] }, folds: { folds: 3 }, git: { commit: "unknown", dirty: null } });
 * assert.equal(r.result.folds.length, 3);
 * assert.equal(r.candidates.length, 2);
 * // the chosen sets were checked at 9 bars of each test period (small data), and it says so
 * assert.match(r.result.lookahead.sample, /cut at its first, middle and last bar and 6 more/);
 * assert.match(r.model.runId, /^walkforward-[0-9a-f]{12}$/);
 * ```
 */
export function runWalkForward(db: DatabaseSync, options: WalkForwardRunOptions): WalkForwardRun {
  const keys = Object.keys(options.grid);
  if (keys.length === 0) {
    throw new StrategySpecError(
      "the parameter grid is empty: give at least one --grid key=v1,v2 (e.g. fast=10,20,50)",
    );
  }
  for (const k of keys) {
    if (options.grid[k]!.length === 0) {
      throw new StrategySpecError(`the grid gives no value for ${k}`);
    }
  }
  // the parameters given besides the grid (a key of both is the grid's); the run's base spec
  // completes them with the grid's first values, so that it resolves (--param slow=10 with
  // --grid fast=2,3 would fail on the default fast 20), and its label does not name those
  // values: they are placeholders, each fold chooses its own. Done here, not by the caller,
  // so the task and verify-report's re-render build the same run from the same inputs.
  const base = Object.fromEntries(
    Object.entries(options.strategy.params ?? {}).filter(([k]) => !(k in options.grid)),
  );
  const prep = prepareStrategyRun(db, {
    ...options,
    strategy: {
      ...options.strategy,
      params: { ...base, ...Object.fromEntries(keys.map((k) => [k, options.grid[k]![0]!])) },
      chosenPerFold: keys,
    },
  });
  const { dataset, traded, costs, lag, barMs } = prep;
  const candidates = paramGrid(options.grid as Record<string, readonly StrategyParam[]>)
    .map((g) => ({ ...base, ...g }));
  const universe = dataset.symbols;
  // checked up front: a bad value in the grid fails before any backtest runs
  const resolved = candidates.map((params) =>
    resolveStrategy({ ...options.strategy, params }, universe, prep.signalColumns)
  );
  const fromFile = prep.signalColumns !== undefined;
  const D = WALK_FORWARD_RUN_DEFAULTS;
  const f = options.folds ?? {};
  const bars = traded.index.length;
  const window = f.window ?? D.window;
  const trainBars = f.trainBars ?? Math.floor(bars * D.trainFraction);
  if (!(trainBars >= MIN_TRAIN_BARS)) {
    throw new StrategySpecError(
      f.trainBars === undefined
        ? `--train-bars: the data holds ${bars} bars; a third of them (${trainBars}) is too ` +
          `few to train on (a Sharpe ratio needs at least ${MIN_TRAIN_BARS} bars): give a ` +
          "longer --from/--to window"
        : `--train-bars must be at least ${MIN_TRAIN_BARS} (a Sharpe ratio, the score each ` +
          `parameter set is chosen by, needs two returns), got ${trainBars}`,
    );
  }
  const labelHorizon = f.labelHorizon ?? D.labelHorizon;
  const embargo = f.embargo ?? D.embargo;
  const folds = f.testBars === undefined ? (f.folds ?? D.folds) : undefined;
  const splits = walkForwardSplits({
    bars,
    trainBars,
    window,
    labelHorizon,
    embargo,
    ...(f.testBars === undefined ? { folds: folds! } : { testBars: f.testBars }),
  });
  const family = walkforwardFamily(prep.strategy.strategy);
  const fingerprint = dataset.fingerprint.sha256;
  const engine = { lag, costs: costs.models, redenominations: prep.redenominations };
  // each candidate's targets on the whole data (walkForward's fast mode computes them once),
  // kept for the book's checks: ties, no book, optimizer fallbacks
  const full = new Map<number, StrategyTargets>();
  const result = walkForward<Panel, number>({
    data: traded,
    strategy: (i, data) => {
      const t = resolved[i]!.targets(prep.strategyData(data));
      if (data === traded) full.set(i, t);
      checkGrossExposure(t.weights, data.index, prep.strategy.strategy, options.maxGross);
      return t.weights;
    },
    paramGrid: candidates.map((_, i) => i),
    engineOptions: engine,
    splits,
    // values given as a file are fixed: cutting the data cannot show whether they look ahead
    ...(fromFile ? { lookaheadBars: 0 } : {}),
    // every candidate's backtest on the whole data is a trial of the family
    ...(options.ledger === undefined ? {} : {
      ledger: options.ledger,
      trial: {
        family,
        dataset: fingerprint,
        freq: dataset.freq,
        source: prep.strategy.source,
        // `param` (added per candidate) is the candidate's index in this grid
        params: { grid: keys.map((k) => `${k}=${options.grid[k]!.join(",")}`).join(";") },
      },
    }),
  });
  const label = (i: number) =>
    i < 0 ? "none (flat)" : keys.map((k) => `${k} ${candidates[i]![k]}`).join(", ");
  const warnings = shortTrainingWarnings(
    result.folds.map((fo) => fo.train.rows),
    resolved.map((r, i) =>
      strategyWarmup(
        r.strategy,
        r.params,
        String(candidates[i]!.signal ?? options.strategy.signal ?? ""),
      )
    ),
    label,
  );
  // a fold's choice is filled lag bars after its decision and earns from the bar after: a test
  // period shorter than lag + 2 bars earns nothing from its own choice (the last period, cut
  // short by the data's end, is left out unless it is the only one)
  const periods = result.folds.length > 1 ? result.folds.slice(0, -1) : result.folds;
  const shortest = Math.min(...periods.map((fo) => fo.test.rows));
  if (shortest < lag + 2) {
    warnings.push(
      `With a lag of ${lag} bar${lag === 1 ? "" : "s"}, a test period of ${shortest} ` +
        `bar${shortest === 1 ? "" : "s"} earns nothing from its own fold's choice (a target ` +
        `decided at the period's first bar is filled at its close + ${lag} bar` +
        `${lag === 1 ? "" : "s"} and earns from the bar after), so the folds table's ` +
        "out-of-sample Sharpe ratios are those of earlier folds' choices; the stitched " +
        "out-of-sample returns are still out of sample. Give at least " +
        `${lag + 2} bars per test period (--test-bars, or fewer --folds).`,
    );
  }
  const targetsOf = (j: number): StrategyTargets => {
    let t = full.get(j);
    if (t === undefined) {
      t = resolved[j]!.targets(prep.strategyData(traded));
      full.set(j, t);
    }
    return t;
  };
  // the guards a backtest of the same book applies: an IC no causal signal has (values from a
  // file), a book that never holds anything, bars the optimizer left at equal weights
  const checks = walkforwardBookChecks(result, resolved, targetsOf, traded, label);
  const fileIc = signalFileIcAlert(prep);
  const alerts = [...(fileIc === null ? [] : [fileIc]), ...checks.alerts];
  const foldRows = result.folds.map((fo) => [
    fo.fold + 1,
    traded.index[fo.train.first]!,
    traded.index[fo.train.last]!,
    fo.train.rows,
    traded.index[fo.test.first]!,
    traded.index[fo.test.last]!,
    label(fo.chosen),
    fin(fo.inSampleSharpe),
    fin(fo.outOfSampleSharpe),
  ]);
  const [o0] = result.outOfSampleRows;
  const blocks: Block[] = [
    {
      type: "paragraph",
      text: `${splits.length} ${window} folds: ${trainBars} training bars` +
        (window === "expanding"
          ? " before the first test period, growing from the first bar"
          : "") +
        `, ${
          f.testBars === undefined ? `${folds} test periods` : `${f.testBars} bars per test period`
        }` +
        `; purging with a label horizon of ${labelHorizon} bars and an embargo of ${embargo} ` +
        `bars (Lopez de Prado, AFML ch. 7). ${candidates.length} parameter sets ` +
        `(${keys.map((k) => `${k} in {${options.grid[k]!.join(", ")}}`).join(", ")}) are scored ` +
        "on each training window by annualized net Sharpe (after costs, with the lag); the best " +
        "is frozen for the test window (ties go to the first in grid order).",
    },
    {
      type: "table",
      id: "walkforward-folds",
      title: "Folds: each one's choice, in-sample vs out-of-sample Sharpe",
      caption: "Training rows after purging; Sharpe annualized with 365-day years, net of costs.",
      columns: [
        column("fold", "Fold", "integer"),
        column("train_from", "Train from", "datetime"),
        column("train_to", "Train to", "datetime"),
        column("train_rows", "Train rows", "integer"),
        column("test_from", "Test from", "datetime"),
        column("test_to", "Test to", "datetime"),
        column("chosen", "Chosen parameters", "text"),
        column("is_sharpe", "In-sample Sharpe", "number", 2),
        column("oos_sharpe", "Out-of-sample Sharpe", "number", 2),
      ],
      rows: foldRows,
    },
    cumulativeReturnsChart({
      index: result.index,
      series: [
        { asset: "Out-of-sample (stitched, net)", values: cumulative(result.net) },
        ...(prep.benchmark === undefined ? [] : [{
          asset: prep.benchmarkName,
          values: cumulative(prep.benchmark.subarray(o0, o0 + result.net.length)),
        }]),
      ],
    }, {
      id: "walkforward-equity",
      title: "Stitched out-of-sample equity",
      caption: "Growth of one unit over the test periods only, each traded with its fold's " +
        `choice. Out-of-sample Sharpe of the stitched returns: ${fin(result.sharpe)?.toFixed(2)}.`,
    }),
    {
      type: "paragraph",
      text: fromFile
        ? "Lookahead: not checked (the targets come from values given as a file)."
        : describeLookahead(result.lookahead),
    },
  ];
  blocks.unshift(...warnings.map((w): Block => ({ type: "note", level: "warning", text: w })));
  // the tear sheet covers the stitched out-of-sample bars only (the training window before the
  // first test bar trades nothing: counted as zero returns it would dilute Sharpe and CAGR),
  // and the benchmark is measured over the same bars
  const [, oLast] = result.outOfSampleRows;
  const oos = backtestRows(result.backtest, o0!, oLast);
  blocks.push({
    type: "paragraph",
    text: `The tear sheet below covers exactly the stitched out-of-sample bars: ` +
      `${oos.index.length} bars from ${isoTime(oos.index[0]!)} to ` +
      `${isoTime(oos.index[oos.index.length - 1]!)} (the first training window, where nothing ` +
      `is traded, is left out)` +
      (prep.benchmark === undefined
        ? ""
        : `; ${prep.benchmarkName} is measured over the same bars`) +
      `. Its Sharpe ratio is the stitched out-of-sample Sharpe above.`,
  });
  const sheet = strategyTearSheet(oos, {
    barMs,
    ...(alerts.length === 0 ? {} : { alerts }),
    ...(prep.benchmark === undefined ? {} : {
      benchmark: prep.benchmark.subarray(o0!, oLast + 1),
      benchmarkName: prep.benchmarkName,
    }),
    ...(fromFile ? {} : { lookahead: result.lookahead }),
    close: prep.traded.close.map((c) => c.subarray(o0!, oLast + 1)),
    name: `Walk-forward ${prep.strategy.strategy} (out-of-sample)`,
    missing: {
      benchmark: prep.benchmarkMissing,
      tradeLog: "the stitched out-of-sample run switches parameters at every fold, so it has " +
        "no single trade log; backtest a fold's choice (deno task backtest) for one",
      capacity: "a walk-forward does not rerun its folds at several capitals; backtest the " +
        "chosen parameters with --impact (deno task backtest) for the capacity curve",
    },
  });
  // a parameter of the grid has no single value: the opening paragraph says which parameters
  // each fold chooses and from what, and the table names the values tried
  const opening = `${prep.strategy.label}, on `;
  const setupBlocks = prep.setupBlocks.map((b): Block =>
    b.type === "paragraph" && b.text.startsWith(opening)
      ? { ...b, text: `${b.text} ${gridSentence(options.grid)}` }
      : b.type === "table" && b.id === "strategy-params"
      ? {
        ...b,
        caption: "Every parameter after defaults; those of the grid are chosen per fold.",
        rows: b.rows.map((r) => {
          const k = String(r[0]);
          return k in options.grid ? [k, `grid: ${options.grid[k]!.join(", ")}`] : r;
        }),
      }
      : b
  );
  setupBlocks.push(...checks.setup);
  const foldParams = {
    grid: keys.map((k) => `${k}=${options.grid[k]!.join(",")}`).join(";"),
    window,
    trainBars,
    testBars: f.testBars ?? null,
    folds: folds ?? null,
    labelHorizon,
    embargo,
  };
  // a parameter in the grid has no single value: each fold's choice is in the folds table
  const gridNulls = Object.fromEntries(keys.map((k) => [`param.${k}`, null]));
  const overfitting = walkforwardOverfitting(db, prep, result, {
    family,
    params: { ...prep.params, ...gridNulls, ...foldParams },
    ledger: options.ledger,
    ledgerUpTo: options.ledgerUpTo,
    nullRuns: options.nullRuns,
    engine,
    stitchedTargets: () => stitchedTargets(result, (j) => targetsOf(j).weights),
  });
  const sections: Section[] = [
    { id: "data", title: "Data coverage and gaps", blocks: dataSection(dataset, usedData(prep)) },
    { id: "setup", title: "Strategy, costs and execution", blocks: setupBlocks },
    { id: "walkforward", title: "Walk-forward", blocks },
    ...sheet.sections,
    overfitting.section,
  ];
  const model = withLedgerUpTo(
    strategyReportModel(dataset, prep, options, "walkforward", sections, {
      title: `cryptolab walk-forward: ${prep.strategy.strategy}` +
        (prep.strategy.strategy === "long-short" ? "" : ` ${prep.strategy.assets.join("/")}`),
    }, {
      ...gridNulls,
      ...foldParams,
      ...nullRunsParam(options.nullRuns),
    }),
    overfitting.upTo,
  );
  return { model, dataset, candidates, result, tearSheet: sheet, warnings };
}

/**
 * The sentence of the setup paragraph on the grid: which parameters each fold chooses, from
 * which values, and where the choices are.
 *
 * @example
 * ```ts
 * import { gridSentence } from "@lib/pipeline/walkforward_run.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   gridSentence({ fast: [12, 24], slow: [168] }),
 *   "Parameters chosen per fold: fast and slow, on each training window from a grid of 2 " +
 *     "parameter sets, fast in {12, 24} and slow in {168}; each fold's choice is in the folds " +
 *     "table of the walk-forward section.",
 * );
 * ```
 */
export function gridSentence(grid: Readonly<Record<string, readonly StrategyParam[]>>): string {
  const keys = Object.keys(grid);
  const and = (xs: readonly string[]) =>
    xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
  const n = keys.reduce((a, k) => a * grid[k]!.length, 1);
  return `Parameter${keys.length === 1 ? "" : "s"} chosen per fold: ${and(keys)}, on each ` +
    `training window from a grid of ${n} parameter set${n === 1 ? "" : "s"}, ` +
    `${and(keys.map((k) => `${k} in {${grid[k]!.join(", ")}}`))}; each fold's choice is in ` +
    "the folds table of the walk-forward section.";
}

/** A strategy's warm-up: bars of history before its first defined target, and why. */
export interface StrategyWarmup {
  readonly bars: number;
  /** The parameters that set it, e.g. "slow=20". */
  readonly from: string;
}

/**
 * The warm-up of a built-in strategy with its parameters (after defaults): the bars of
 * history its indicators need before they define a target. ma-crossover: max(fast, slow);
 * vol-breakout: max(entryWindow, exitWindow, atrWindow) + 1; pairs: hedgeWindow + zWindow
 * (rolling-ols: the spread's z-score needs zWindow spreads, each from hedgeWindow bars) or
 * zWindow (kalman); long-short: the signal's lookback (`lookback`, else the `_N` of its name)
 * plus `optimizeWindow` with weighting "optimize". null when not known (event strategies,
 * whose definitions set their own windows, or a signal without a lookback).
 *
 * @example
 * ```ts
 * import { strategyWarmup } from "@lib/pipeline/walkforward_run.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(strategyWarmup("ma-crossover", { fast: 5, slow: 20 }), { bars: 20, from: "slow=20" });
 * assert.equal(strategyWarmup("long-short", { weighting: "equal" }, "momentum_168")?.bars, 168);
 * ```
 */
export function strategyWarmup(
  strategy: string,
  params: Readonly<Record<string, StrategyParam>>,
  signal = "",
): StrategyWarmup | null {
  const n = (k: string) => (typeof params[k] === "number" ? params[k] as number : NaN);
  const largest = (keys: string[], plus = 0): StrategyWarmup | null => {
    const ok = keys.filter((k) => Number.isFinite(n(k)));
    if (ok.length === 0) return null;
    const k = ok.reduce((a, b) => (n(b) > n(a) ? b : a));
    return { bars: n(k) + plus, from: `${k}=${n(k)}` };
  };
  switch (strategy) {
    case "ma-crossover":
      return largest(["fast", "slow"]);
    case "vol-breakout":
      return largest(["entryWindow", "exitWindow", "atrWindow"], 1);
    case "pairs":
      return params.hedge === "kalman" ? largest(["zWindow"]) : {
        bars: n("hedgeWindow") + n("zWindow"),
        from: `hedgeWindow=${n("hedgeWindow")} + zWindow=${n("zWindow")}`,
      };
    case "long-short": {
      const m = /_(\d+)$/.exec(String(params.signal ?? signal));
      const look = Number.isFinite(n("lookback")) ? n("lookback") : m === null ? NaN : Number(m[1]);
      if (!Number.isFinite(look)) return null;
      const opt = params.weighting === "optimize" && Number.isFinite(n("optimizeWindow"));
      return opt
        ? {
          bars: look + n("optimizeWindow"),
          from: `lookback=${look} + optimizeWindow=${n("optimizeWindow")}`,
        }
        : { bars: look, from: `lookback=${look}` };
    }
    default:
      return null;
  }
}

/**
 * One warning per parameter set whose warm-up is longer than some fold's training window
 * (training rows after purging): there its in-sample score comes from fewer bars than one
 * lookback, and in a window that starts at the first bar from bars where it has no target
 * at all, so the choice is made on noise or on a flat book. Capped: at most
 * {@link WARNING_LIST_CAP} folds are named per warning (the rest counted) and at most
 * {@link WARNING_LIST_CAP} parameter sets get a warning (the rest share one more line).
 *
 * @example 1,000 short folds are counted, not listed
 * ```ts
 * import { shortTrainingWarnings } from "@lib/pipeline/walkforward_run.ts";
 * import assert from "node:assert/strict";
 * const w = shortTrainingWarnings(new Array(1000).fill(3), [{ bars: 20, from: "slow=20" }],
 *   () => "slow 20");
 * assert.equal(w.length, 1);
 * assert.match(w[0]!, /of 1000 of the 1000 folds \(1 \(3 bars\), .*, 5 \(3 bars\) and 995 more\)/);
 * assert.ok(w[0]!.length < 600);
 * ```
 */
export function shortTrainingWarnings(
  trainRows: readonly number[],
  warmups: readonly (StrategyWarmup | null)[],
  label: (candidate: number) => string,
): string[] {
  const out: string[] = [];
  let more = 0, moreFolds = 0;
  warmups.forEach((w, i) => {
    if (w === null) return;
    const short = trainRows.flatMap((rows, k) => (rows < w.bars ? [k] : []));
    if (short.length === 0) return;
    if (out.length === WARNING_LIST_CAP) {
      more++;
      moreFolds = Math.max(moreFolds, short.length);
      return;
    }
    const named = short.slice(0, WARNING_LIST_CAP).map((k) => `${k + 1} (${trainRows[k]} bars)`);
    const rest = short.length - named.length;
    out.push(
      `Parameter set ${label(i)} needs ${w.bars} bars of warm-up (${w.from}), more than the ` +
        `training window of ` +
        (rest === 0
          ? `fold${short.length === 1 ? "" : "s"} ${named.join(", ")}`
          : `${short.length} of the ${trainRows.length} folds (${named.join(", ")} and ` +
            `${rest} more)`) +
        ": its in-sample score there is measured on fewer bars than one lookback (in a window " +
        "that starts at the first bar, on bars where it has no target yet), so choosing it or " +
        "not says little. Give more training bars (--train-bars) or fewer folds.",
    );
  });
  if (more > 0) {
    out.push(
      `${more} more parameter set${more === 1 ? "" : "s"} of the grid need${
        more === 1 ? "s" : ""
      } more warm-up than the training window of some folds (up to ${moreFolds} of ` +
        `${trainRows.length}); the same applies to ${more === 1 ? "it" : "them"}.`,
    );
  }
  return out;
}

/** The ledger family of a walk-forward: one per strategy. */
export function walkforwardFamily(strategy: string): string {
  return `walkforward:${strategy}`;
}

/** The origin of the stitched out-of-sample trial in the ledger. */
export const WALKFORWARD_TRIAL_ORIGIN = "runWalkForward";

/**
 * The overfitting verdict of a walk-forward: its stitched out-of-sample net returns are a
 * trial of family `walkforward:<strategy>` (NaN before the first test bar, so it aligns with
 * the candidates' trials and PBO, SPA and StepM use the out-of-sample rows), judged against
 * every trial recorded up to it, the grid's candidates (each one's backtest on the whole data,
 * recorded by `walkForward`) included; its null-suite position places the out-of-sample Sharpe
 * among the stitched targets permuted across assets and block-shuffled in time. Without a
 * ledger, the same trial is looked up in the store's (a report built again); a note when there
 * is none.
 */
function walkforwardOverfitting(
  db: DatabaseSync,
  prep: PreparedRun,
  result: WalkForwardResult<number>,
  o: {
    readonly family: string;
    readonly params: Readonly<Record<string, ParamValue>>;
    readonly ledger: TrialLedger | undefined;
    readonly ledgerUpTo: number | undefined;
    readonly nullRuns: number | undefined;
    readonly engine: BacktestOptions;
    readonly stitchedTargets: () => Float64Array[];
  },
): { section: Section; upTo?: number } {
  const [first, last] = result.outOfSampleRows;
  const series = new Float64Array(result.backtest.net.length).fill(NaN);
  series.set(result.net, first);
  const dataset = prep.dataset.fingerprint.sha256;
  let trial: StoredTrial | undefined;
  let trials: readonly StoredTrialWithSeries[];
  if (o.ledger !== undefined) {
    trial = o.ledger.record({
      spec: { family: o.family, dataset, freq: prep.dataset.freq, source: prep.strategy.source },
      kind: "returns",
      origin: WALKFORWARD_TRIAL_ORIGIN,
      params: o.params,
      dataset,
      freq: prep.dataset.freq,
      series,
    });
    trials = readTrials(db, trial.label);
  } else {
    const params = canonicalParams(o.params);
    const found = findRecordedTrial(
      db,
      o.family,
      (t) =>
        t.origin === WALKFORWARD_TRIAL_ORIGIN && t.params === params && t.dataset === dataset &&
        t.series.length === series.length && t.series.every((v, i) => Object.is(v, series[i])),
      o.ledgerUpTo ?? Infinity, // only trials the first build could have seen
    );
    if (found === null) {
      return {
        section: {
          id: "overfitting",
          title: "Overfitting verdict",
          blocks: [{
            type: "note",
            level: "info",
            text: "No overfitting verdict: this walk-forward was not recorded as a trial (no " +
              "trial ledger was given) and the store's ledger holds no identical trial of family " +
              `${o.family}. deno task walkforward records every run unless --no-ledger is given.`,
          }],
        },
      };
    }
    trial = found.trial;
    trials = found.trials;
  }
  const ppy = periodsPerYear(prep.barMs);
  const window = subsetPanel(prep.traded, {
    from: prep.traded.index[first]!,
    to: prep.traded.index[last]! + 1,
  });
  const verdict = overfittingVerdict({
    family: trial.label,
    trials,
    chosen: trial.trialId,
    periodsPerYear: ppy,
    upTo: o.ledgerUpTo,
    // a stitched series (this run's or an earlier walk-forward's) is made of the candidates'
    // returns: counted in N, not a candidate of the selection PBO, SPA and StepM judge
    notCandidates: trials.filter((t) => t.origin === WALKFORWARD_TRIAL_ORIGIN).map((t) =>
      t.trialId
    ),
    nullPosition: strategyNullPosition(
      window,
      o.stitchedTargets().map((c) => c.slice(first, last + 1)),
      o.engine,
      ppy,
      { runs: o.nullRuns },
    ) ?? undefined,
  });
  return {
    section: {
      id: "overfitting",
      title: "Overfitting verdict",
      blocks: [
        {
          type: "paragraph",
          text: "The trial is the stitched out-of-sample net return series (the test periods " +
            "only), counted with the grid's candidates (each one's backtest on the whole data " +
            "is a trial of the same family).",
        },
        ...previousGenerationNote(db, trial),
        ...overfittingSection(verdict),
      ],
    },
    upTo: verdict.upTo,
  };
}

/**
 * The checks `runBacktest` applies to a `long-short` book, applied to a walk-forward: each
 * parameter set's book on the whole data (`longShortBook`: no bar with enough values, or every
 * bar's values tied, so it never holds anything; parameter sets with the same alert share
 * one), the stitched out-of-sample run holding no book at any test bar (why: the folds left
 * flat because no parameter set had a finite in-sample Sharpe ratio), and with weighting
 * "optimize" the stitched out-of-sample bars whose chosen set kept equal weights
 * (`optimizerFallbackAlert`, with `optimizerNote` for the setup section). Empty for other
 * strategies.
 */
function walkforwardBookChecks(
  result: WalkForwardResult<number>,
  resolved: readonly ResolvedStrategy[],
  targetsOf: (candidate: number) => StrategyTargets,
  traded: Panel,
  label: (candidate: number) => string,
): { alerts: string[]; setup: Block[] } {
  const alerts: string[] = [], setup: Block[] = [];
  if (resolved[0]?.strategy !== "long-short") return { alerts, setup };
  const groups = new Map<string, number[]>();
  resolved.forEach((r, j) => {
    const alert = longShortBook(r, targetsOf(j), traded)?.alert;
    if (alert !== undefined) groups.set(alert, [...(groups.get(alert) ?? []), j]);
  });
  for (const [text, js] of groups) {
    const named = js.slice(0, WARNING_LIST_CAP).map(label).join("; ") +
      (js.length > WARNING_LIST_CAP ? ` and ${js.length - WARNING_LIST_CAP} more` : "");
    alerts.push(
      resolved.length === 1
        ? text
        : js.length === resolved.length
        ? `Every one of the ${js.length} parameter sets of the grid, on the whole data: ${text}`
        : `Parameter set${js.length === 1 ? "" : "s"} ${named}, on the whole data: ${text}`,
    );
  }
  const [o0, oLast] = result.outOfSampleRows;
  const T = oLast - o0 + 1;
  // the targets traded out of sample: a flat fold (no choice) holds 0
  const w = stitchedTargets(result, (j) => targetsOf(j).weights).map((c) => {
    const x = c.slice(o0, oLast + 1);
    for (let t = 0; t < T; t++) if (x[t] !== x[t]) x[t] = 0;
    return x;
  });
  if (!w.some((c) => c.some((x) => x !== 0))) {
    const flat = result.folds.filter((fo) => fo.chosen < 0).length;
    alerts.push(
      `The stitched out-of-sample run held no book at any of its ${T} bars: the walk-forward ` +
        "traded nothing, every out-of-sample return is 0 and its Sharpe ratio is undefined" +
        (flat > 0
          ? `; in ${flat} of the ${result.folds.length} folds no parameter set had a finite ` +
            "in-sample Sharpe ratio (each held no book, or earned a constant return, on the " +
            "training window), so those test periods stayed flat"
          : "") +
        ". A constant or fully tied signal orders nothing; check the signal's values.",
    );
  }
  const optimized = result.folds.filter((fo) =>
    fo.chosen >= 0 && resolved[fo.chosen]!.params.weighting === "optimize"
  );
  if (optimized.length > 0) {
    const bars: number[] = [], reasons: string[] = [];
    for (const fo of optimized) {
      const t = targetsOf(fo.chosen) as {
        fallbackBars?: Int32Array;
        fallbackReasons?: readonly string[];
      };
      const fb = t.fallbackBars ?? new Int32Array(0), fr = t.fallbackReasons ?? [];
      for (let i = 0; i < fb.length; i++) {
        if (fb[i]! >= fo.test.first && fb[i]! <= fo.test.last) {
          bars.push(fb[i]! - o0);
          reasons.push(fr[i]!);
        }
      }
    }
    // the optimizer's settings of the chosen sets: one value, or each value tried
    const p: Record<string, ParamValue> = {};
    for (
      const k of ["optimizeWindow", "betaNeutral", "maxWeight", "riskModel", "turnoverPenalty"]
    ) {
      const vs = [...new Set(optimized.map((fo) => resolved[fo.chosen]!.params[k]))];
      p[k] = vs.length === 1 ? vs[0] as ParamValue : vs.join(" or ");
    }
    const fell = optimizerFallbackAlert(p, {
      weights: w,
      fallbackBars: Int32Array.from(bars),
      fallbackReasons: reasons,
    });
    if (fell !== null) alerts.push(`Out of sample (the stitched test bars): ${fell}`);
    setup.push(optimizerNote(p, bars.length, T));
  }
  return { alerts, setup };
}

/** The targets the stitched run traded: each fold's chosen set on its test rows, NaN elsewhere. */
function stitchedTargets(
  result: WalkForwardResult<number>,
  targetsOf: (candidate: number) => readonly Float64Array[],
): Float64Array[] {
  const T = result.backtest.net.length, N = result.backtest.weights.length;
  const out = Array.from({ length: N }, () => new Float64Array(T).fill(NaN));
  const cache = new Map<number, readonly Float64Array[]>();
  for (const fo of result.folds) {
    if (fo.chosen < 0) continue;
    let w = cache.get(fo.chosen);
    if (w === undefined) {
      w = targetsOf(fo.chosen);
      cache.set(fo.chosen, w);
    }
    for (let a = 0; a < N; a++) {
      out[a]!.set(w[a]!.subarray(fo.test.first, fo.test.last + 1), fo.test.first);
    }
  }
  return out;
}

/**
 * Rows `first..last` of a backtest: every per-bar series and weight column sliced, the
 * metadata's bar count and ruin bar counted from `first`. Per-asset contributions stay those
 * of the whole run: outside the stitched test periods the walk-forward holds nothing.
 */
function backtestRows(r: BacktestResult, first: number, last: number): BacktestResult {
  const cut = (x: Float64Array) => x.slice(first, last + 1);
  const md = r.metadata;
  return {
    ...r,
    index: cut(r.index),
    gross: cut(r.gross),
    costs: Object.fromEntries(Object.entries(r.costs).map(([k, v]) => [k, cut(v)])),
    totalCost: cut(r.totalCost),
    net: cut(r.net),
    turnover: cut(r.turnover),
    grossExposure: cut(r.grossExposure),
    netExposure: cut(r.netExposure),
    equity: cut(r.equity),
    weights: r.weights.map(cut),
    traded: r.traded.map(cut),
    metadata: {
      ...md,
      bars: last - first + 1,
      ruinBar: md.ruinBar < first ? (md.ruinBar < 0 ? -1 : 0) : md.ruinBar - first,
    },
  };
}

function isoTime(ts: number): string {
  return new Date(ts).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function cumulative(r: ArrayLike<number>): Float64Array {
  const out = new Float64Array(r.length);
  let g = 1;
  for (let t = 0; t < r.length; t++) {
    const x = r[t]!;
    if (Number.isFinite(x)) g *= 1 + x;
    out[t] = g - 1;
  }
  return out;
}
