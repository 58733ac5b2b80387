/**
 * A strategy backtest on bars already in the store, end to end: load the dataset, compute the
 * strategy's targets, prove them free of lookahead on a sample of bars, run them through the
 * engine with costs, log the trades, and build the report (data coverage, the strategy and its
 * costs, the strategy tear sheet). `deno task backtest` is a thin shell around
 * {@link runBacktest}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { freqMs } from "../core/freq.ts";
import type { Dataset } from "../panel/dataset.ts";
import type { Panel } from "../panel/types.ts";
import { subsetPanel } from "../panel/subset_panel.ts";
import { fillRatio } from "../backtest/costs/fill_ratio.ts";
import { adjustRedenominations, detectRedenominations } from "../panel/redenominations.ts";
import {
  alignSignal,
  type LongSignal,
  requireSignalPlaced,
  SignalAlignmentError,
} from "../research/signal_input.ts";
import { resolveFactorAsset } from "../research/factor_assets.ts";
import { icDecay } from "../research/ic_decay.ts";
import {
  impossibleIc,
  impossibleIcNotRun,
  impossibleIcWarning,
} from "../research/impossible_ic.ts";
import { backtestWeights } from "../backtest/backtest_weights.ts";
import { backtestWithLookahead } from "../backtest/lookahead_backtest.ts";
import { describeLookahead, type LookaheadResult } from "../backtest/lookahead.ts";
import { buildTradeLog } from "../backtest/strategies/trade_log.ts";
import type { StrategyTargets, TradeLog } from "../backtest/strategies/types.ts";
import type { BacktestResult } from "../backtest/types.ts";
import { type CapacityCurve, capacityCurve } from "../backtest/costs/capacity_curve.ts";
import { impactInputs } from "../backtest/costs/impact_inputs.ts";
import { periodsPerYear } from "../backtest/metrics/periods_per_year.ts";
import { buildManifest } from "../report/manifest.ts";
import { withLedgerUpTo } from "./ledger_up_to.ts";
import { previousGenerationNote } from "./previous_generation.ts";
import type { TrialLedger } from "../research/ledger.ts";
import type { BacktestOptions } from "../backtest/types.ts";
import { strategyNullPosition } from "./null_position.ts";
import { overfittingVerdict } from "../research/overfitting_verdict.ts";
import { findRecordedTrial } from "../research/recorded_trial.ts";
import { canonicalParams, readTrials, type StoredTrial } from "../store/trials.ts";
import { overfittingSection } from "../report/sections/overfitting_section.ts";
import {
  type Block,
  column,
  type GitInfo,
  type ParamValue,
  type ReportModel,
  SCHEMA_VERSION,
  type Section,
} from "../report/model.ts";
import { dataSection, type DataSectionOptions } from "../report/sections/data_section.ts";
import { tearSheetRunId } from "../report/tear_sheet.ts";
import { strategyTearSheet } from "../report/tears/strategy_tear_sheet.ts";
import { buildCosts, type BuiltCosts, type CostSpec } from "./cost_spec.ts";
import { loadRunDataset, type RunDatasetOptions } from "./run_dataset.ts";
import {
  type ResolvedStrategy,
  resolveStrategy,
  type StrategySpec,
  StrategySpecError,
} from "./strategy_spec.ts";

/** Why a `--signal-file` backtest has no lookahead check, and how a user can check the signal. */
const FILE_LOOKAHEAD = "Values read from a signal file cannot be recomputed on data cut at " +
  "each bar, so they cannot be truncation-checked for lookahead; to check the signal, compute " +
  "it with a function of the panel in a notebook and pass that function to " +
  "checkLookahead(fn, panel) or signalTearSheet(panel, fn); an IC no causal signal could have " +
  "(impossibleIc at horizons 1, 4 and 24 bars) is warned about first";

/** Horizons (bars) at which a `--signal-file` backtest checks its values for an impossible IC. */
const FILE_IC_HORIZONS = [1, 4, 24];

/** Default execution lag of the tasks, in bars: fill at the close of the bar after the decision. */
export const DEFAULT_TASK_LAG = 1;

/** Starting capitals of the capacity curve (with impact), quote currency. */
export const CAPACITY_CAPITALS: readonly number[] = [1e4, 1e5, 1e6, 1e7, 1e8];

/** A researcher's own signal values for `long-short` (`--signal-file`). */
export interface SignalValues {
  readonly input: LongSignal;
  readonly source: { readonly path: string; readonly sha256: string };
}

/** What a backtest or walk-forward runs: dataset, strategy, costs, lag. */
export interface StrategyRunOptions extends RunDatasetOptions {
  readonly strategy: StrategySpec;
  /** `long-short` on these values instead of a library signal. */
  readonly signalValues?: SignalValues | undefined;
  readonly costs?: CostSpec | undefined;
  /** Execution lag in bars; 0 must be asked for and is flagged everywhere. @default 1 */
  readonly lag?: number | undefined;
  /**
   * Undo each redenomination found in the traded assets (`detectRedenominations`): the
   * strategy's targets are computed on prices rescaled before each event, and the engine runs
   * with `redenominations: "adjust"`, which records every event as adjusted in its metadata
   * and warnings. Without it each event is only warned about. @default false
   */
  readonly adjustRedenominations?: boolean | undefined;
  /** Run id. @default a prefix and a hash of the dataset fingerprint and parameters */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. @default the current directory */
  readonly projectDir?: string | undefined;
  /** Override the git state (tests). @default read with git */
  readonly git?: GitInfo | undefined;
  /**
   * Where the backtest records its trial (family `backtest:<strategy>`, kind `returns`, the
   * net per-bar returns); the report then gains the overfitting section. Without one, the
   * section is still added when the store's ledger already holds this exact trial (a report
   * built again, e.g. by verify-report), else left out. @default none
   */
  readonly ledger?: TrialLedger | undefined;
  /**
   * Count only ledger trials with an id up to this one in the overfitting verdict: the
   * manifest's `ledgerUpTo` of a first build, given back by verify-report. @default every
   * trial of the family generation
   */
  readonly ledgerUpTo?: number | undefined;
  /**
   * Placebo runs per placebo kind of the null suite in the overfitting verdict (the targets
   * permuted across assets at each bar and block-shuffled in time, through the same engine),
   * seeded; 0 runs none. @default 19 within a cell budget (`REPORT_NULL_DEFAULTS` of
   * null_position.ts)
   */
  readonly nullRuns?: number | undefined;
  /**
   * Largest gross exposure (sum of |target weight|, a multiple of equity) the strategy's
   * targets may reach at any bar; above it the run is refused (`StrategySpecError` naming the
   * parameter to lower), since a weight like 1e300 only ruins the account or overflows.
   * `--max-gross X` (`maxGross` in `--config`) of `deno task backtest` and `walkforward`;
   * recorded in the manifest's params when given. @default 10 ({@link STRATEGY_RUN_DEFAULTS})
   */
  readonly maxGross?: number | undefined;
}

/** Defaults of {@link StrategyRunOptions}, stated once. */
export const STRATEGY_RUN_DEFAULTS = {
  /** Gross exposure above 10x equity is refused. */
  maxGross: 10,
} as const;

/**
 * Refuse targets whose gross exposure (sum over assets of |weight|) exceeds `maxGross` at some
 * bar: a `StrategySpecError` naming the bar, the exposure and the flag to lower (`--param
 * weight`, or `--gross` of long-short).
 *
 * @example Five times equity on one asset passes a 10x bound, 20x does not
 * ```ts
 * import { checkGrossExposure } from "@lib/pipeline/backtest_run.ts";
 * import assert from "node:assert/strict";
 * const index = new Float64Array([0, 3_600_000]);
 * checkGrossExposure([new Float64Array([5, 5])], index, "ma-crossover", 10);
 * assert.throws(
 *   () => checkGrossExposure([new Float64Array([0, 20])], index, "ma-crossover", 10),
 *   /gross exposure of 20.0x .* above the maximum of 10x .*--param weight/,
 * );
 * ```
 */
export function checkGrossExposure(
  weights: readonly ArrayLike<number>[],
  index: ArrayLike<number>,
  strategy: string,
  maxGross: number = STRATEGY_RUN_DEFAULTS.maxGross,
): void {
  if (!(maxGross > 0)) {
    throw new StrategySpecError(`maxGross must be a positive number, got ${maxGross}`);
  }
  const T = index.length;
  for (let t = 0; t < T; t++) {
    let g = 0;
    for (let a = 0; a < weights.length; a++) {
      const w = weights[a]![t]!;
      if (w === w) g += Math.abs(w); // NaN: no target at this bar
    }
    if (g > maxGross) {
      const flag = strategy === "long-short" ? "--gross (--param gross)" : "--param weight";
      throw new StrategySpecError(
        `${flag}: the ${strategy} targets reach a gross exposure of ${g.toPrecision(3)}x ` +
          `equity at ${new Date(index[t]!).toISOString()}, above the maximum of ${maxGross}x ` +
          `(maxGross): lower ${flag} so that the sum of |weights| stays at or below ` +
          `${maxGross}, or raise the bound with --max-gross (maxGross in --config)`,
      );
    }
  }
}

/** Everything a strategy run shares before the engine runs: see {@link prepareStrategyRun}. */
export interface PreparedRun {
  readonly dataset: Dataset;
  readonly strategy: ResolvedStrategy;
  /** The dataset's panel cut to the traded assets. */
  readonly traded: Panel;
  readonly costs: BuiltCosts;
  readonly lag: number;
  readonly barMs: number;
  /** BTC's simple returns on the grid (NaN = no bar), or undefined without BTC. */
  readonly benchmark: Float64Array | undefined;
  readonly benchmarkName: string;
  /** Why there is no benchmark (undefined when there is one). */
  readonly benchmarkMissing: string | undefined;
  /** Parameters for the manifest (strategy, its parameters, costs, lag, signal file). */
  readonly params: Record<string, ParamValue>;
  /** Paragraphs and tables on the strategy, its costs and the lag, for the report. */
  readonly setupBlocks: Block[];
  /** What the engine does with redenominations (`"adjust"` when asked and one was found). */
  readonly redenominations: "warn" | "adjust";
  /**
   * The signal file's values placed on the grid (one column per universe asset), given to
   * `resolveStrategy` for `long-short`; undefined without `signalValues`.
   */
  readonly signalColumns: Float64Array[] | undefined;
  /**
   * The data a strategy sees: the panel with the traded assets' redenominations undone when
   * adjusting (the events found on the whole traded panel, fixed, so a cut of the data is
   * rescaled as the full data is), else the panel as it is.
   */
  readonly strategyData: (panel: Panel) => Panel;
}

/**
 * Load the dataset, resolve the strategy and its costs, and describe them: the shared first
 * half of {@link runBacktest} and `runWalkForward`. Throws `ReportInputError` (dataset),
 * `StrategySpecError` or `CostSpecError` (the request) with a message naming what to change.
 */
export function prepareStrategyRun(db: DatabaseSync, options: StrategyRunOptions): PreparedRun {
  const lag = options.lag ?? DEFAULT_TASK_LAG;
  if (!Number.isInteger(lag) || lag < 0) {
    throw new RangeError(`the lag must be an integer >= 0 bars, got ${lag}`);
  }
  if (options.maxGross !== undefined && !(options.maxGross > 0 && options.maxGross < Infinity)) {
    throw new StrategySpecError(
      `--max-gross (maxGross) must be a finite number > 0, got ${options.maxGross}`,
    );
  }
  const dataset = loadRunDataset(db, options);
  const { panel } = dataset;
  // a fill earns from the bar after it: with lag >= bars - 1 no position is ever held for a bar,
  // and the run would report a flat 0 as if it were a result
  const bars = panel.index.length;
  if (lag >= bars - 1) {
    throw new StrategySpecError(
      `--lag ${lag}: the data holds ${bars} bar${bars === 1 ? "" : "s"}, so no order can be ` +
        `filled and then held for a bar (a target decided at bar t fills at the close of bar ` +
        `t + ${lag} and earns from the bar after): give a lag below ${Math.max(0, bars - 1)} or ` +
        "a longer --from/--to window",
      "lag",
    );
  }
  let values: Float64Array[] | undefined;
  const blocks: Block[] = [];
  if (options.signalValues !== undefined) {
    const aligned = alignSignal(options.signalValues.input, panel);
    try {
      requireSignalPlaced(aligned, options.signalValues.input, panel);
    } catch (e) {
      if (e instanceof SignalAlignmentError) {
        throw new StrategySpecError(`--signal-file: ${e.message}`);
      }
      throw e;
    }
    values = aligned.signal;
    const unknown = Object.keys(aligned.unknownAssets);
    blocks.push({
      type: "paragraph",
      text: `Signal file ${options.signalValues.source.path} (SHA-256 ` +
        `${options.signalValues.source.sha256.slice(0, 16)}...): ${aligned.matched} values ` +
        `placed on the grid, ${aligned.offGrid} off the bar grid, ` +
        `${unknown.length === 0 ? "no" : unknown.length} unknown ` +
        `asset${unknown.length === 1 ? "" : "s"}` +
        `${unknown.length === 0 ? "" : ` (${unknown.slice(0, 10).join(", ")})`}. A value dated t ` +
        "is read as known at bar t's close. " + FILE_LOOKAHEAD + ".",
    });
  }
  const resolved = resolveStrategy(options.strategy, dataset.symbols, values);
  const traded = resolved.strategy === "long-short"
    ? panel
    : subsetPanel(panel, { assets: resolved.assets });
  const found = options.adjustRedenominations === true ? detectRedenominations(traded) : [];
  const strategyData = found.length > 0
    ? (d: Panel) => adjustRedenominations(d, found).panel
    : (d: Panel) => d;
  const strategy = found.length > 0
    ? { ...resolved, targets: (d: Panel) => resolved.targets(strategyData(d)) }
    : resolved;
  const costs = buildCosts(options.costs ?? {}, traded, db);
  const barMs = freqMs(dataset.freq);
  let benchmark: Float64Array | undefined, benchmarkName = "BTC";
  let benchmarkMissing: string | undefined;
  try {
    benchmarkName = resolveFactorAsset(panel.assets, "BTC");
    benchmark = simpleReturns(panel.close[panel.assets.indexOf(benchmarkName)]!);
  } catch {
    benchmark = undefined;
    benchmarkMissing = "the dataset has no BTC series (add BTCUSDT to --universe to compare " +
      "against buying and holding BTC)";
  }
  const params: Record<string, ParamValue> = {
    venue: dataset.venue,
    freq: dataset.freq,
    universe: dataset.symbols.join(","),
    from: dataset.from,
    to: dataset.to,
    strategy: strategy.strategy,
    assets: strategy.strategy === "long-short" ? null : strategy.assets.join(","),
    signal: options.signalValues !== undefined ? null : options.strategy.signal ?? null,
    signalFile: options.signalValues?.source.path ?? null,
    signalSha256: options.signalValues?.source.sha256 ?? null,
    lag,
    lagZero: lag === 0,
    fees: costs.resolved.fees,
    liquidity: costs.resolved.liquidity,
    spread: costs.resolved.spread,
    impact: costs.resolved.impact,
    funding: costs.resolved.funding,
  };
  // JSON has no Infinity (a maxWeight or stop of Infinity): record it as text
  for (const [k, v] of Object.entries(strategy.params)) {
    params[`param.${k}`] = typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  }
  if (options.adjustRedenominations === true) params.adjustRedenominations = true;
  // only when given, so the run ids and bytes of runs at the default stay as they were
  if (options.maxGross !== undefined) params.maxGross = options.maxGross;
  blocks.unshift(
    {
      type: "paragraph",
      text: `${strategy.label}, on ${dataset.freq} bars of ${dataset.venue}, executed with a lag ` +
        `of ${lag} bar${lag === 1 ? "" : "s"}: the targets decided at bar t's close are filled ` +
        `at the close of bar t + ${lag}.`,
    },
    {
      type: "table",
      id: "strategy-params",
      title: "Strategy parameters",
      caption: "Every parameter after defaults (the library's defaults where none was given).",
      columns: [column("param", "Parameter", "text"), column("value", "Value", "text")],
      rows: Object.entries(strategy.params).map(([k, v]) => [k, String(v)]),
    },
    {
      type: "paragraph",
      text: `Costs: ${costs.notes.length === 0 ? "none" : costs.notes.join("; ")}.` +
        (costs.resolved.funding
          ? ""
          : " Funding: not charged (run with --funding to charge the stored perp funding " +
            "history; spot positions pay none)."),
    },
  );
  if (lag === 0) {
    blocks.unshift({
      type: "note",
      level: "warning",
      text: "Lag 0 was asked for: orders fill at the close of the bar whose data decided them, " +
        "which cannot be done live. These results overstate what the strategy can earn.",
    });
  }
  return {
    dataset,
    strategy,
    traded,
    costs,
    lag,
    barMs,
    benchmark,
    benchmarkName,
    benchmarkMissing,
    params,
    setupBlocks: blocks,
    redenominations: found.length > 0 ? "adjust" : "warn",
    signalColumns: values,
    strategyData,
  };
}

/** What {@link runBacktest} built. */
export interface BacktestRun {
  readonly model: ReportModel;
  readonly dataset: Dataset;
  readonly targets: StrategyTargets;
  readonly backtest: BacktestResult;
  readonly tradeLog: TradeLog;
  /** The lookahead check on a sample of bars, or null for values from a signal file. */
  readonly lookahead: LookaheadResult | null;
  /**
   * Net performance against capital, with impact on, and each run's fill ratio (`fillRatio`:
   * gross exposure held / targeted); else null.
   */
  readonly capacity: (CapacityCurve & { readonly fillRatio: Float64Array }) | null;
  /**
   * What makes the figures not real performance (the tear sheet's `alerts`: an unadjusted
   * redenomination, a net bar return above +1000%), at the top of the headline; `deno task
   * backtest` prints each on stderr.
   */
  readonly alerts: readonly string[];
}

/**
 * Backtest a strategy (see `StrategySpec`) on bars in the store and build its report: the
 * data coverage, the strategy with its parameters and costs, and the strategy tear sheet
 * (`strategyTearSheet`: metrics beside BTC, equity, drawdowns, calendar returns, rolling
 * risk, exposure, turnover, costs by model, capacity with impact on, the trade log summary
 * and the lookahead check). The targets are checked for lookahead on a sample of bars
 * (`backtestWithLookahead`: two 10-bar windows and 20 random bars); a failure is a warning in
 * the report, not an error. The manifest records the dataset fingerprint and every parameter
 * after defaults; the same inputs and run id give the same bytes.
 *
 * @example A moving-average crossover on a small store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { runBacktest } from "@lib/pipeline/backtest_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const n = 24 * 20;
 * const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, n);
 * for (let i = 0; i < n; i++) {
 *   b.ts[i] = i * 3_600_000;
 *   b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 * Math.exp(0.05 * Math.sin(i / 30));
 *   b.volume[i] = 10;
 * }
 * writeBars(db, b, { source: "doc" });
 * const r = runBacktest(db, { freq: "1h", strategy: { strategy: "ma-crossover", assets: ["BTCUSDT"],
 *   params: { fast: 5, slow: 20 } }, git: { commit: "unknown", dirty: null } });
 * assert.equal(r.lookahead?.passed, true);
 * assert.equal(r.backtest.metadata.lag, 1);
 * assert.match(r.model.runId, /^backtest-[0-9a-f]{12}$/);
 * ```
 */
export function runBacktest(db: DatabaseSync, options: StrategyRunOptions): BacktestRun {
  const prep = prepareStrategyRun(db, options);
  const { dataset, strategy, traded, costs, lag, barMs } = prep;
  const engine = { lag, costs: costs.models, redenominations: prep.redenominations };
  const targets = strategy.targets(traded);
  checkGrossExposure(targets.weights, traded.index, strategy.strategy, options.maxGross);
  let backtest: BacktestResult, lookahead: LookaheadResult | null = null;
  if (options.signalValues === undefined) {
    const checked = backtestWithLookahead(
      traded,
      (d: Panel) => strategy.targets(d).weights,
      engine,
    );
    backtest = checked.result;
    lookahead = checked.lookahead;
  } else {
    backtest = backtestWeights(traded, targets.weights, engine);
  }
  const tradeLog = buildTradeLog(backtest, traded, {
    costs: costs.models,
    ...(targets.groups === undefined ? {} : { groups: targets.groups }),
  });
  const noCapacity = capacityMissing(costs.resolved.impact, traded);
  const fills: number[] = [];
  const curve = noCapacity === null
    ? capacityCurve(
      (capital) => {
        const run = backtestWeights(traded, targets.weights, { ...engine, initialEquity: capital });
        fills.push(fillRatio(run, targets.weights, lag));
        return run;
      },
      CAPACITY_CAPITALS,
      { periodsPerYear: periodsPerYear(barMs) },
    )
    : null;
  const capacity = curve === null ? null : { ...curve, fillRatio: Float64Array.from(fills) };
  const book = longShortBook(strategy, targets, traded);
  const fellBack = strategy.params.weighting === "optimize"
    ? optimizerFallbackAlert(strategy.params, targets)
    : null;
  const cheat = signalFileIcAlert(prep);
  const bookAlerts = [
    ...(cheat === null ? [] : [cheat]),
    ...(book?.alert === undefined ? [] : [book.alert]),
    ...(fellBack === null ? [] : [fellBack]),
  ];
  const sheet = strategyTearSheet(backtest, {
    barMs,
    ...(bookAlerts.length === 0 ? {} : { alerts: bookAlerts }),
    ...(prep.benchmark === undefined
      ? {}
      : { benchmark: prep.benchmark, benchmarkName: prep.benchmarkName }),
    tradeLog,
    close: traded.close,
    ...(capacity === null ? {} : { capacity }),
    ...(lookahead === null ? {} : { lookahead }),
    name: strategy.label,
    missing: {
      ...(noCapacity === null ? {} : { capacity: noCapacity }),
      benchmark: prep.benchmarkMissing,
      ...(lookahead === null
        ? { lookahead: FILE_LOOKAHEAD[0]!.toLowerCase() + FILE_LOOKAHEAD.slice(1) }
        : {}),
    },
  });
  const setup: Block[] = [...prep.setupBlocks];
  if (book !== null && (book.rankedBars < traded.index.length || book.tiedBars > 0)) {
    setup.push({ type: "paragraph", text: book.text });
  }
  const lsRules = (targets as { rules?: readonly string[] }).rules;
  if (strategy.strategy === "long-short" && lsRules !== undefined) {
    setup.push({
      type: "table",
      id: "long-short-rules",
      title: "How the signal becomes weights (longShort)",
      caption: "The long-short book's rules, ties included; the engine's rules follow the " +
        "tear sheet.",
      columns: [column("rule", "#", "integer"), column("text", "Rule", "text")],
      rows: lsRules.map((r, i) => [i + 1, r]),
    });
  }
  const fallback = (targets as { fallbackBars?: Int32Array }).fallbackBars;
  if (strategy.params.weighting === "optimize" && fallback !== undefined) {
    setup.push(optimizerNote(strategy.params, fallback.length, traded.index.length));
  }
  setup.push({
    type: "paragraph",
    text: lookahead === null
      ? `Lookahead: not checked. ${FILE_LOOKAHEAD}.`
      : describeLookahead(lookahead),
  });
  const sections: Section[] = [
    { id: "data", title: "Data coverage and gaps", blocks: dataSection(dataset, usedData(prep)) },
    { id: "setup", title: "Strategy, costs and execution", blocks: setup },
    ...sheet.sections,
  ];
  const overfitting = backtestOverfitting(db, prep, backtest.net, options.ledger, {
    weights: targets.weights,
    engine,
    runs: options.nullRuns,
  }, options.ledgerUpTo);
  sections.push(
    overfitting?.section ?? {
      id: "overfitting",
      title: "Overfitting verdict",
      blocks: [{
        type: "note",
        level: "info",
        text: "No overfitting verdict: this run was not recorded as a trial (no trial ledger " +
          `was given) and the store's ledger holds no identical trial of family ` +
          `${backtestFamily(strategy.strategy)}. deno task backtest records every run; from a ` +
          "notebook, pass ledger: openLedger(db).",
      }],
    },
  );
  const model = withLedgerUpTo(
    strategyReportModel(dataset, prep, options, "backtest", sections, {
      title: `cryptolab backtest: ${strategy.label}`,
    }, nullRunsParam(options.nullRuns)),
    overfitting?.upTo,
  );
  return {
    model,
    dataset,
    targets,
    backtest,
    tradeLog,
    lookahead,
    capacity,
    alerts: sheet.alerts,
  };
}

/**
 * How many bars of a `long-short` run had at least `minAssets` signal values (`rankedBars` of
 * longShort) and how many of those had every value equal (`tiedBars`: no usable spread, no
 * book), in a sentence for the report; when no bar could hold a book, also an alert for the
 * headline and stderr: the run traded nothing, and why that usually happens. Null for other
 * strategies.
 *
 * @example A signal with values on one bar of three, then on none, then tied everywhere
 * ```ts
 * import { longShortBook } from "@lib/pipeline/backtest_run.ts";
 * import assert from "node:assert/strict";
 * const s = { strategy: "long-short", params: { minAssets: 2 } };
 * const panel = { index: new Float64Array(3), assets: ["A", "B"] };
 * const one = longShortBook(s, { weights: [], rankedBars: 1 }, panel)!;
 * assert.equal(one.alert, undefined);
 * assert.match(one.text, /^1 of 3 bars had at least 2 assets with a signal value/);
 * const none = longShortBook(s, { weights: [], rankedBars: 0 }, panel)!;
 * assert.match(none.alert!, /^No bar had at least 2 assets with a signal value .* traded nothing/);
 * const tied = longShortBook(s, { weights: [], rankedBars: 3, tiedBars: [0, 1, 2] }, panel)!;
 * assert.match(tied.alert!, /^At every one of the 3 bars .* all equal .* traded nothing/);
 * const most = longShortBook(s, { weights: [], rankedBars: 3, tiedBars: [0, 2] }, panel)!;
 * assert.match(most.alert!, /^At 2 of the 3 bars with signal values every value was equal/);
 * assert.match(most.text, /at 2 of them every value was equal .*, so 1 bar held a book/);
 * ```
 */
export function longShortBook(
  strategy: { readonly strategy: string; readonly params: Readonly<Record<string, unknown>> },
  targets: {
    readonly weights: readonly ArrayLike<number>[];
    readonly rankedBars?: number;
    readonly tiedBars?: ArrayLike<number>;
  },
  traded: { readonly index: ArrayLike<number>; readonly assets: readonly string[] },
): {
  readonly rankedBars: number;
  readonly tiedBars: number;
  readonly text: string;
  readonly alert?: string;
} | null {
  const ranked = targets.rankedBars;
  if (strategy.strategy !== "long-short" || ranked === undefined) return null;
  const tied = targets.tiedBars?.length ?? 0;
  const need = strategy.params.minAssets;
  const T = traded.index.length;
  const text = `${ranked} of ${T} bars had at least ${need} assets with a signal value ` +
    `(minAssets)` +
    (tied > 0
      ? `; at ${tied} of them every value was equal (no usable spread: the signal orders ` +
        `nothing), so ${ranked - tied} bar${ranked - tied === 1 ? "" : "s"} held a book`
      : "") +
    `; the others held no book.`;
  if (ranked > 0 && tied === 0) return { rankedBars: ranked, tiedBars: 0, text };
  if (ranked > 0 && tied < ranked) {
    return {
      rankedBars: ranked,
      tiedBars: tied,
      text,
      ...(tied * 2 > ranked
        ? {
          alert: `At ${tied} of the ${ranked} bars with signal values every value was equal ` +
            `(no usable spread), so those bars held no book; only ${ranked - tied} bars traded. ` +
            `A signal with few distinct values (e.g. -1/0/1) ties often: ties at a bucket edge ` +
            `share the edge's slots.`,
        }
        : {}),
    };
  }
  if (ranked > 0) {
    return {
      rankedBars: ranked,
      tiedBars: tied,
      text,
      alert: `At every one of the ${ranked} bars with signal values the values were all equal ` +
        `(no usable spread), so no bar held a book: the run traded nothing and every return ` +
        `is 0. A constant signal orders nothing; check the signal's values.`,
    };
  }
  return {
    rankedBars: 0,
    tiedBars: 0,
    text,
    alert: `No bar had at least ${need} assets with a signal value (minAssets ${need}; the ` +
      `universe holds ${traded.assets.length}): the run traded nothing and every return is 0. ` +
      `The likely reason: the signal's warm-up (its lookback, e.g. 168 bars for momentum_168) ` +
      `is longer than the data (${T} bars), or too many of its values are missing. Give a ` +
      `longer --from/--to window, a signal with a shorter lookback, or a lower --param minAssets.`,
  };
}

/**
 * The headline sentence (and stderr warning) of a `long-short` run with weighting=optimize
 * whose optimizer fell back to equal weights on some bars (`fallbackBars` and
 * `fallbackReasons` of longShort): on how many bars and why, with the leading warm-up bars
 * named (no returns before the run's first bar are used, so the first bars lack history).
 * Null when no bar fell back or the targets are not longShort's.
 *
 * @example 3 warm-up bars and 2 bars with no beta-neutral book
 * ```ts
 * import { optimizerFallbackAlert } from "@lib/pipeline/backtest_run.ts";
 * import assert from "node:assert/strict";
 * const w = [Float64Array.of(0, 0.5, 0.5, 0.5, 0.4, 0.5, 0.5), Float64Array.of(0, -0.5, -0.5, -0.5, -0.4, -0.5, -0.5)];
 * const targets = { weights: w, fallbackBars: Int32Array.of(1, 2, 3, 5, 6),
 *   fallbackReasons: ["history", "history", "history", "infeasible", "infeasible"] as const };
 * const a = optimizerFallbackAlert({ optimizeWindow: 6, betaNeutral: "BTCUSDT" }, targets)!;
 * assert.match(a, /^5 of 6 bars with a book kept equal weights/);
 * assert.match(a, /the first 3 bars with a book are warm-up/);
 * assert.match(a, /2 found no weights meeting every constraint/);
 * ```
 */
export function optimizerFallbackAlert(
  p: Readonly<Record<string, unknown>>,
  targets: {
    readonly weights: readonly ArrayLike<number>[];
    readonly fallbackBars?: ArrayLike<number>;
    readonly fallbackReasons?: readonly string[];
  },
): string | null {
  const bars = targets.fallbackBars, reasons = targets.fallbackReasons;
  if (bars === undefined || reasons === undefined || bars.length === 0) return null;
  const fell = new Set(Array.from(bars));
  const T = targets.weights[0]?.length ?? 0;
  let booked = 0, firstOptimized = Infinity;
  for (let t = 0; t < T; t++) {
    if (!targets.weights.some((c) => c[t] !== 0)) continue;
    booked++;
    if (!fell.has(t) && t < firstOptimized) firstOptimized = t;
  }
  const count = (r: string) => reasons.filter((x) => x === r).length;
  let warm = 0;
  for (let i = 0; i < bars.length; i++) {
    if (bars[i]! < firstOptimized && reasons[i] === "history") warm++;
  }
  const neutral = p.betaNeutral !== undefined && p.betaNeutral !== "none";
  const why: string[] = [];
  const history = count("history");
  if (history > 0) {
    why.push(
      `${history} had too little complete history in the ${p.optimizeWindow}-bar window` +
        (warm > 0
          ? ` (the first ${warm} bars with a book are warm-up: no returns before the run's ` +
            "first bar are used, so start --from earlier by the window to avoid it" +
            (warm < history ? "; the others follow gaps in a member's data" : "") + ")"
          : " (gaps in a member's data)"),
    );
  }
  const cap = count("cap");
  if (cap > 0) {
    why.push(`${cap} could not reach a side's total under --max-weight ${p.maxWeight}`);
  }
  const factors = count("factors");
  if (factors > 0) {
    why.push(`${factors} had constant or collinear factor returns (no betas)`);
  }
  const infeasible = count("infeasible");
  if (infeasible > 0) {
    why.push(
      `${infeasible} found no weights meeting every constraint` +
        (neutral ? " (no beta-neutral book within the bounds with these members)" : ""),
    );
  }
  return `${bars.length} of ${booked} bars with a book kept equal weights instead of the ` +
    `optimized (minimum-variance${neutral ? ", beta-neutral" : ""}) book` +
    (neutral ? ", so those bars are NOT beta-neutral" : "") + `: ${why.join("; ")}.`;
}

/**
 * The headline alert (and stderr warning) of a `--signal-file` run whose values have an IC no
 * causal signal has (`impossibleIc` at {@link FILE_IC_HORIZONS} on the traded panel's log
 * returns), or that this check could not judge any horizon; null without a signal file or when
 * it ran and found nothing suspicious. Values from a file cannot
 * be truncation-checked, so this is their defence; `runBacktest` and `runWalkForward` both use
 * it, so the two tasks warn alike.
 */
export function signalFileIcAlert(prep: PreparedRun): string | null {
  if (prep.signalColumns === undefined) return null;
  const checked = impossibleIc(
    icDecay(prep.signalColumns, prep.traded.logReturns, FILE_IC_HORIZONS),
    {},
    { assets: prep.signalColumns.length },
  );
  // a check that could not judge any horizon (too few assets or independent ICs) says so:
  // silence would read as "checked, clean"
  return impossibleIcWarning(checked) ?? impossibleIcNotRun(checked);
}

/** What the optimizer of a `long-short` with weighting=optimize did, and where it could not. */
export function optimizerNote(
  p: Readonly<Record<string, ParamValue>>,
  fallbacks: number,
  bars: number,
): Block {
  const neutral = p.betaNeutral === "none" ? "" : `, neutral to the betas of ${p.betaNeutral}`;
  return {
    type: fallbacks > 0 ? "note" : "paragraph",
    ...(fallbacks > 0 ? { level: "warning" as const } : {}),
    text: `Weighting "optimize": at each bar the top and bottom quantile are weighted by ` +
      `minimum variance (optimizePortfolio) on the ${p.riskModel} covariance of the last ` +
      `${p.optimizeWindow} bars of returns up to the bar${neutral}` +
      (p.turnoverPenalty === 0 ? "" : `, paying ${p.turnoverPenalty} per unit of turnover`) +
      (typeof p.maxWeight === "number" && Number.isFinite(p.maxWeight)
        ? `, no weight above ${p.maxWeight}`
        : "") +
      `; each side keeps its total. ${fallbacks} of ${bars} bars kept equal weights (too ` +
      "little complete history, or no weights met the constraints" +
      (neutral === "" ? "" : ", so those bars are not beta-neutral") + ").",
  } as Block;
}

/** Bars of history `impactInputs` needs before it knows an asset's ADV (half its 720-bar window). */
const ADV_MIN_BARS = 360;

/**
 * Why the capacity curve cannot be drawn, or null when it can: impact is off (no size-dependent
 * cost, so every capital earns the same), fewer than two bars (no Sharpe ratio), or ADV is never
 * known (no volume, or too little history), so impact cannot be priced at any bar.
 *
 * @example Impact off, then on without volume
 * ```ts
 * import { capacityMissing } from "@lib/pipeline/backtest_run.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A"],
 *   index: new Float64Array([0, 3_600_000]), close: [new Float64Array([1, 2])] });
 * assert.match(capacityMissing(false, panel)!, /^market impact is off/);
 * assert.match(capacityMissing(true, panel)!, /\(ADV\) behind market impact is never known/);
 * ```
 */
export function capacityMissing(impact: boolean, traded: Panel): string | null {
  if (!impact) {
    return "market impact is off, and without a size-dependent cost every capital earns the " +
      "same net Sharpe ratio; pass --impact (costs.impact in --config) to chart it";
  }
  const bars = traded.index.length;
  if (bars < 2) {
    return `the series has ${bars} bar${bars === 1 ? "" : "s"}, too few for a Sharpe ratio`;
  }
  const { adv } = impactInputs({ close: traded.close, volume: traded.volume });
  if (!adv.some((col) => col.some((v) => v > 0))) {
    return "the average daily traded value (ADV) behind market impact is never known: the " +
      `traded assets have no volume, or fewer than ${ADV_MIN_BARS} bars of history ` +
      `(${bars} bars here), so no capital size can be priced`;
  }
  return null;
}

/**
 * The data section's `only` for a strategy run: the traded assets and the benchmark, or every
 * asset for `long-short` (it ranks the whole universe).
 */
export function usedData(prep: PreparedRun): DataSectionOptions {
  if (prep.strategy.strategy === "long-short") return {};
  const bench = prep.benchmark === undefined || prep.strategy.assets.includes(prep.benchmarkName)
    ? []
    : [prep.benchmarkName];
  const n = prep.strategy.assets.length;
  return {
    only: {
      assets: [...prep.strategy.assets, ...bench],
      used: `the traded asset${n === 1 ? "" : "s"}${
        bench.length === 0 ? "" : " and the benchmark"
      }`,
    },
  };
}

/** Origin recorded with a backtest report's trial. */
export const BACKTEST_TRIAL_ORIGIN = "runBacktest";

/** The ledger family of a backtest report's trial: one per strategy. */
export function backtestFamily(strategy: string): string {
  return `backtest:${strategy}`;
}

/**
 * Record the run's net returns as a trial (with a ledger) or find the same trial in the
 * store's ledger (without one), and build the overfitting section from its family; null when
 * there is no ledger and no such trial.
 */
function backtestOverfitting(
  db: DatabaseSync,
  prep: PreparedRun,
  net: Float64Array,
  ledger: TrialLedger | undefined,
  placebo: {
    readonly weights: readonly Float64Array[];
    readonly engine: BacktestOptions;
    readonly runs: number | undefined;
  },
  upTo: number | undefined,
): { section: Section; upTo: number } | null {
  const family = backtestFamily(prep.strategy.strategy);
  const dataset = prep.dataset.fingerprint.sha256;
  let trial: StoredTrial | undefined;
  if (ledger !== undefined) {
    trial = ledger.record({
      // the strategy's library code is hashed into the trial's source_sha256
      spec: { family, dataset, freq: prep.dataset.freq, source: prep.strategy.source },
      kind: "returns",
      origin: BACKTEST_TRIAL_ORIGIN,
      params: prep.params,
      dataset,
      freq: prep.dataset.freq,
      series: net,
    });
  }
  let trials;
  if (trial !== undefined) {
    trials = readTrials(db, trial.label);
  } else {
    // a report built again: the trial its first build recorded, in any generation, among the
    // trials up to its ledgerUpTo
    const params = canonicalParams(prep.params);
    const found = findRecordedTrial(
      db,
      family,
      (t) =>
        t.origin === BACKTEST_TRIAL_ORIGIN && t.params === params && t.dataset === dataset &&
        t.series.length === net.length && t.series.every((v, i) => Object.is(v, net[i])),
      upTo ?? Infinity, // only trials the first build could have seen
    );
    if (found === null) return null;
    trial = found.trial;
    trials = found.trials;
  }
  const ppy = periodsPerYear(prep.barMs);
  const verdict = overfittingVerdict({
    family: trial.label,
    trials,
    chosen: trial.trialId,
    periodsPerYear: ppy,
    upTo,
    nullPosition: strategyNullPosition(prep.traded, placebo.weights, placebo.engine, ppy, {
      runs: placebo.runs,
    }) ?? undefined,
  });
  return {
    section: {
      id: "overfitting",
      title: "Overfitting verdict",
      blocks: [...previousGenerationNote(db, trial), ...overfittingSection(verdict)],
    },
    upTo: verdict.upTo,
  };
}

/**
 * `{ nullRuns }` for a manifest when the runs were given (so verify-report builds the report
 * again with the same placebo runs; without them the default depends only on the data), else
 * nothing.
 */
export function nullRunsParam(nullRuns: number | undefined): Record<string, ParamValue> {
  return nullRuns === undefined ? {} : { nullRuns };
}

/** The report model of a strategy run: manifest, run id, title. */
export function strategyReportModel(
  dataset: Dataset,
  prep: PreparedRun,
  options: StrategyRunOptions,
  prefix: string,
  sections: Section[],
  text: { readonly title: string },
  extraParams: Readonly<Record<string, ParamValue>> = {},
): ReportModel {
  const manifest = buildManifest({
    datasetFingerprint: dataset.fingerprint.sha256,
    dataset: {
      venue: dataset.venue,
      freq: dataset.freq,
      symbols: [...dataset.symbols],
      from: dataset.from,
      to: dataset.to,
      rows: dataset.fingerprint.rows,
    },
    params: { ...prep.params, ...extraParams },
    seed: null,
    ...(options.projectDir === undefined ? {} : { projectDir: options.projectDir }),
    ...(options.git === undefined ? {} : { git: options.git }),
  });
  // the assets the strategy trades (long-short ranks the whole universe), not every symbol the
  // dataset loaded for the benchmark
  const nAssets = prep.strategy.strategy === "long-short"
    ? dataset.symbols.length
    : prep.strategy.assets.length;
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: options.runId ?? tearSheetRunId(prefix, dataset.fingerprint.sha256, manifest.params),
    title: text.title,
    subtitle: `${nAssets} asset${nAssets === 1 ? "" : "s"}, ` +
      `${dataset.freq} bars, ` +
      `${Math.round((dataset.to - dataset.from) / 86_400_000 * 10) / 10} days, lag ${prep.lag}` +
      (prep.lag === 0 ? " (LAG 0: not tradable live)" : ""),
    dataNote: `${dataset.freq} bars of venue ${dataset.venue} from the store`,
    sections,
    manifest,
  };
}

/** Simple returns of a close column: NaN at a missing bar, and the next bar's return spans the gap. */
function simpleReturns(c: ArrayLike<number>): Float64Array {
  const out = new Float64Array(c.length).fill(NaN);
  let last = NaN;
  for (let t = 0; t < c.length; t++) {
    const x = c[t]!;
    if (!Number.isFinite(x)) continue;
    if (Number.isFinite(last)) out[t] = x / last - 1;
    last = x;
  }
  return out;
}
