/**
 * The signal tear sheet for ANY signal (alphalens' `create_full_tear_sheet`): a researcher's
 * own signal as a function of the panel, a panel-shaped array or a long table from a file goes
 * through everything the built-in signals get, plus a long-short backtest with costs.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { freqMs } from "../../core/freq.ts";
import type { CostModel } from "../../backtest/cost_model.ts";
import { feeCost } from "../../backtest/costs/fee_cost.ts";
import { backtestWeights } from "../../backtest/backtest_weights.ts";
import { LOOKAHEAD_BACKTEST_SAMPLE } from "../../backtest/lookahead_backtest.ts";
import { checkLookahead, type LookaheadResult } from "../../backtest/lookahead.ts";
import type { BacktestResult, Rebalance } from "../../backtest/types.ts";
import { longShort, type LongShortTargets } from "../../backtest/strategies/long_short.ts";
import { forwardReturns } from "../../research/forward_returns.ts";
import { informationCoefficient } from "../../research/information_coefficient.ts";
import { icDecay, type IcDecayRow } from "../../research/ic_decay.ts";
import type { TrialLedger, TrialSpec } from "../../research/ledger.ts";
import { quantileReturns, type QuantileReturnsResult } from "../../research/quantile_returns.ts";
import { rankAutocorrelation, turnover } from "../../research/turnover.ts";
import { rollingIc } from "../../research/rolling_ic.ts";
import {
  impossibleIc,
  impossibleIcNotRun,
  impossibleIcWarning,
} from "../../research/impossible_ic.ts";
import { SIGNAL_DEFAULTS } from "../../research/signal_defaults.ts";
import { mean as meanFinite } from "../../stats/mean.ts";
import { resolveFactorAsset } from "../../research/factor_assets.ts";
import {
  type AlignedSignal,
  alignSignal,
  type LongSignal,
  requireSignalPlaced,
  type SignalInput,
} from "../../research/signal_input.ts";
import { type SectionsDisplay, sectionsDisplay } from "./sections_display.ts";
import { type Block, column, type Section } from "../model.ts";
import { timeSeriesChart } from "../charts/time_series.ts";
import { histogramChart } from "../charts/histogram.ts";
import { qqPlotChart } from "../charts/qq_plot.ts";
import { calendarHeatmapChart } from "../charts/calendar_heatmap.ts";
import { icDecayChart } from "../charts/ic_decay.ts";
import { quantileErrorBarChart } from "../charts/quantile_error_bars.ts";
import { cumulativeReturnsChart } from "../charts/cumulative_returns.ts";
import { type StrategyTearSheet, strategyTearSheet } from "./strategy_tear_sheet.ts";

/** Options of {@link signalTearSheet}; defaults in {@link SIGNAL_TEAR_SHEET_DEFAULTS}. */
export interface SignalTearSheetOptions {
  /** Name of the signal in titles. @default "signal" (or the table's source) */
  readonly name?: string;
  /** Forward-return horizons (bars) of the IC table; the first is charted. @default [1, 4, 24] */
  readonly horizons?: readonly number[];
  /** Horizons of the decay chart (the table's are added). @default [1, 2, 4, 8, 12, 24] */
  readonly decayHorizons?: readonly number[];
  /** Quantile buckets. @default 5 */
  readonly quantiles?: number;
  /** Fewest assets with a value at a bar for an IC. @default 5 */
  readonly minAssets?: number;
  /** Window of the rolling mean IC, in bars. @default 30 days of bars */
  readonly icWindow?: number;
  /**
   * Cost models of the long-short backtest. @default one `feeCost({ venue: "binance" })`
   * (Binance's published spot taker fee, 0.1%)
   */
  readonly costs?: readonly CostModel[];
  /** Execution lag of the long-short backtest in bars. @default 1 */
  readonly lag?: number;
  /** Rebalancing of the long-short backtest. @default "every-bar" */
  readonly rebalance?: Rebalance;
  /** Benchmark of the long-short tear sheet (exact asset or factor name). @default "BTC" */
  readonly benchmark?: string;
  /** Prefix of every section and block id. @default "signal-sheet" */
  readonly idPrefix?: string;
  /**
   * The trial ledger (`openLedger` of lib/research): the IC series per horizon (`icDecay`) and
   * the long-short book's net returns (`backtestWeights`, params plus `book` and `quantiles`)
   * are recorded in `trial`'s family. @default none (nothing recorded)
   */
  readonly ledger?: TrialLedger | undefined;
  /** Names the trials when `ledger` is given. */
  readonly trial?: TrialSpec | undefined;
}

/** The defaults of {@link SignalTearSheetOptions}, stated once. */
export const SIGNAL_TEAR_SHEET_DEFAULTS = {
  horizons: SIGNAL_DEFAULTS.horizons,
  decayHorizons: SIGNAL_DEFAULTS.decayHorizons,
  quantiles: SIGNAL_DEFAULTS.quantiles,
  minAssets: SIGNAL_DEFAULTS.minAssets,
  icWindowDays: 30,
  feeVenue: "binance",
  lag: 1,
  benchmark: "BTC",
  idPrefix: "signal-sheet",
} as const;

/**
 * What {@link signalTearSheet} returns: the sections and the numbers behind them; a notebook
 * shows it with `await Deno.jupyter.display(sheet)`.
 */
export interface SignalTearSheet extends SectionsDisplay {
  readonly sections: Section[];
  /** The signal on the panel's grid, `signal[a][t]`. */
  readonly signal: Float64Array[];
  /** How a long table was put on the grid; null for a function or an array. */
  readonly alignment: AlignedSignal | null;
  /** Rank IC per bar at the first horizon. */
  readonly ic: Float64Array;
  /** IC summary at each horizon of the table and the decay chart, ascending. */
  readonly decay: IcDecayRow[];
  /** Quantile returns at the first horizon. */
  readonly quantileReturns: QuantileReturnsResult;
  /**
   * What makes the sheet's figures not what they seem, one sentence each, first in the sheet
   * (and for a task to print on stderr): an IC no causal signal reaches (`impossibleIc`: the
   * signal looks like it uses future data) or that check not having run (too few assets or
   * independent ICs), a long-short book that never held a position because every
   * cross-section was tied.
   */
  readonly warnings: readonly string[];
  /** Top-minus-bottom-quantile portfolio through the backtest engine, with costs. */
  readonly longShort: {
    /** The book's targets (`longShort`): `tiedBars`, `rankedBars`, `rules`. */
    readonly targets: LongShortTargets;
    readonly result: BacktestResult;
    /** The lookahead check of the signal function (null when the signal is given as values). */
    readonly lookahead: LookaheadResult | null;
    readonly tearSheet: StrategyTearSheet;
  };
}

function isLong(s: SignalInput): s is LongSignal {
  return typeof s === "object" && s !== null && !Array.isArray(s) && "ts" in s;
}

function toColumns(cols: readonly ArrayLike<number>[], panel: Panel, what: string): Float64Array[] {
  const N = panel.assets.length, T = panel.index.length;
  if (cols.length !== N) {
    throw new RangeError(
      `Cannot build the signal tear sheet: ${what} has ${cols.length} asset columns for the ` +
        `panel's ${N} assets (${panel.assets.slice(0, 5).join(", ")}${N > 5 ? ", ..." : ""}); ` +
        `give one column per panel asset, in panel order`,
    );
  }
  return cols.map((c, a) => {
    if (c.length !== T) {
      throw new RangeError(
        `Cannot build the signal tear sheet: ${what} column ${a} (${panel.assets[a]}) has ` +
          `${c.length} values for the panel's ${T} bars`,
      );
    }
    const out = Float64Array.from(c);
    for (let t = 0; t < T; t++) {
      const v = out[t]!;
      if (v === Infinity || v === -Infinity) {
        throw new RangeError(
          `Cannot build the signal tear sheet: ${what} has an infinite value (${v}) in column ` +
            `${a} (${panel.assets[a]}) at bar ${t} (${new Date(panel.index[t]!).toISOString()}); ` +
            `a signal value must be a finite number, or NaN for none`,
        );
      }
    }
    return out;
  });
}

/**
 * The full tear sheet of any signal on a panel, in one call (alphalens'
 * `create_full_tear_sheet`): the signal is a function of the panel (its row t must use bars up
 * to t only: `checkLookahead` recomputes it on the data cut at a sample of bars), a
 * panel-shaped array `signal[a][t]`, or a long (timestamp, asset, value) table from a CSV or
 * Parquet file (`parseSignalCsv`, `readSignalFile` in `lib/pipeline`), put on the grid with
 * `alignSignal`. Sections: how the signal was read; the rank IC series and its rolling mean,
 * the IC summary at each horizon (`icDecay`: mean, std, IR, hit rate, naive and Newey-West
 * t), the IC histogram and normal Q-Q plot, the monthly mean IC heatmap; IC decay over
 * horizons; demeaned mean forward return by quantile with standard-error bars, cumulative
 * returns by quantile (1-bar forward returns); top and bottom quantile turnover and rank
 * autocorrelation; and the top-minus-bottom quantile portfolio (`longShort` of
 * `lib/backtest/strategies`: the top and bottom 1/quantiles of the ranked assets, equal weights,
 * gross 1, net 0) through `backtestWeights` with costs (default: Binance taker fees) and lag 1, shown as a
 * strategy tear sheet against BTC. Cost: O(horizons x T x N log N) plus the backtest.
 *
 * @example A function signal on eight assets
 * ```ts
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import { signalTearSheet } from "@lib/report/tears/signal_tear_sheet.ts";
 * import assert from "node:assert/strict";
 * const n = 24 * 40, h = 3_600_000;
 * const assets = ["BTCUSDT", "ETHUSDT", "A1", "A2", "A3", "A4", "A5", "A6"];
 * const close = assets.map((_, k) => Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i / (3 + k)) + 0.0001 * k * i)));
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets, index: Float64Array.from({ length: n }, (_, i) => i * h), close });
 * const momentum = (p: typeof panel) => p.close.map((c) => Float64Array.from(c, (x, t) => (t >= 24 ? Math.log(x / c[t - 24]!) : NaN)));
 * const sheet = signalTearSheet(panel, momentum, { horizons: [1, 4] });
 * assert.equal(sheet.longShort.lookahead?.passed, true);
 * assert.ok(sheet.sections.length >= 5);
 * ```
 */
export function signalTearSheet(
  panel: Panel,
  input: SignalInput,
  options: SignalTearSheetOptions = {},
): SignalTearSheet {
  const D = SIGNAL_TEAR_SHEET_DEFAULTS;
  const horizons = options.horizons ?? D.horizons;
  if (horizons.length === 0) {
    throw new RangeError("Cannot build the signal tear sheet: pass at least one horizon");
  }
  for (const h of [...horizons, ...(options.decayHorizons ?? [])]) {
    if (!Number.isInteger(h) || h < 1) {
      throw new RangeError(
        `Cannot build the signal tear sheet: horizons must be integers >= 1 bar, got ${h}`,
      );
    }
  }
  const q = options.quantiles ?? D.quantiles;
  const minAssets = options.minAssets ?? D.minAssets;
  const p = options.idPrefix ?? D.idPrefix;
  const barMs = freqMs(panel.freq);
  const T = panel.index.length, N = panel.assets.length;
  if (N < Math.max(minAssets, q)) {
    throw new RangeError(
      `Cannot build the signal tear sheet: a cross-sectional signal needs at least ` +
        `${
          Math.max(minAssets, q)
        } assets (minAssets ${minAssets}, ${q} quantiles), the panel has ` +
        `${N}; add assets to the universe`,
    );
  }
  let signal: Float64Array[];
  let alignment: AlignedSignal | null = null;
  let fn: ((panel: Panel) => readonly ArrayLike<number>[]) | null = null;
  let kind: string;
  if (typeof input === "function") {
    fn = input;
    signal = toColumns(input(panel), panel, "the signal function's output");
    kind = "computed by a function of the panel";
  } else if (isLong(input)) {
    alignment = alignSignal(input, panel);
    // a table that gives the panel nothing is refused before anything is computed or recorded
    requireSignalPlaced(alignment, input, panel);
    signal = alignment.signal;
    kind = `read from ${input.source ?? "a table"} (timestamp, asset, value rows)`;
  } else {
    signal = toColumns(input, panel, "the signal array");
    kind = "given as values on the panel's grid";
  }
  const name = options.name ??
    (isLong(input) && input.source !== undefined ? input.source : "signal");

  // input section
  let cells = 0;
  for (const s of signal) for (let t = 0; t < T; t++) if (Number.isFinite(s[t]!)) cells++;
  const inputBlocks: Block[] = [{
    type: "paragraph",
    text: `${name}: ${kind}; ${cells.toLocaleString("en-US")} asset-bars with a value out of ` +
      `${(T * N).toLocaleString("en-US")} (${N} assets x ${T} ${panel.freq} bars). A value ` +
      `dated t is read as known at bar t's close: it is scored against the forward log return ` +
      `from bar t's close to bar t + h's close, and traded at the earliest at the next bar's ` +
      `close (lag ${options.lag ?? D.lag}).`,
  }];
  if (alignment !== null) {
    const unknown = Object.entries(alignment.unknownAssets);
    inputBlocks.push({
      type: "table",
      id: `${p}-alignment`,
      title: "How the file was put on the panel's grid",
      caption: "Rows placed on a bar of the panel, rows of assets the panel does not hold and " +
        "rows whose time is not a bar open time (both dropped), rows without a value (an " +
        "empty cell or NaN; an infinite or non-numeric value is refused when the file is read).",
      columns: [
        column("matched", "Rows placed", "integer"),
        column("unknown_assets", "Rows of other assets", "integer"),
        column("off_grid", "Rows off the bar grid", "integer"),
        column("missing", "Rows without a value", "integer"),
      ],
      rows: [[
        alignment.matched,
        unknown.reduce((s, [, c]) => s + c, 0),
        alignment.offGrid,
        alignment.missingValues,
      ]],
    });
    if (unknown.length > 0) {
      const shown = unknown.slice(0, 12).map(([a, c]) => `${a} (${c})`).join(", ");
      inputBlocks.push({
        type: "note",
        level: "warning",
        text: `Rows of ${unknown.length} assets not in the panel were dropped: ${shown}` +
          (unknown.length > 12 ? ` and ${unknown.length - 12} more` : "") + ".",
      });
    }
  }
  if (cells === 0) {
    inputBlocks.push({
      type: "note",
      level: "warning",
      text: "The signal has no value on this panel: every chart below is empty.",
    });
  }
  const sections: Section[] = [{ id: `${p}-input`, title: `Signal: ${name}`, blocks: inputBlocks }];

  // IC
  const h0 = horizons[0]!;
  const fwd0 = forwardReturns(panel.logReturns, h0);
  const { ic } = informationCoefficient(signal, fwd0, { minAssets });
  const allH = [...new Set([...horizons, ...(options.decayHorizons ?? D.decayHorizons)])].sort((
    a,
    b,
  ) => a - b);
  const decay = icDecay(signal, panel.logReturns, allH, {
    minAssets,
    ledger: options.ledger,
    trial: options.trial,
  });
  const warnings: string[] = [];
  const icCheck = impossibleIc(decay, {}, { assets: signal.length, minAssets });
  const cheat = impossibleIcWarning(icCheck);
  if (cheat !== null) warnings.push(cheat);
  // the check not having run is said too (silence would read as "checked, clean"), after the
  // warnings about what the figures show
  const notRun = impossibleIcNotRun(icCheck);
  const icWindow = options.icWindow ?? Math.max(2, Math.round(D.icWindowDays * 86_400_000 / barMs));
  const roll = rollingIc(ic, icWindow, { minPeriods: Math.max(1, Math.floor(icWindow / 2)) });
  sections.push({
    id: `${p}-ic`,
    title: "Information coefficient",
    blocks: [
      {
        type: "table",
        id: `${p}-ic-summary`,
        title: "Information coefficient by horizon",
        caption: "Spearman rank IC per bar between the signal and the h-bar forward log return " +
          `across assets (at least ${minAssets}); mean, std (ddof 1), IR = mean / std, hit rate ` +
          "= share of bars with IC > 0, naive t and Newey-West t (lags >= h - 1, the overlap of " +
          "h-bar returns) with its two-sided p-value, n = bars with an IC, p EWC = the " +
          "calibrated two-sided p-value (equal-weighted cosine variance, Student's t with nu " +
          "degrees of freedom; uniform under no skill, overlap included: decide with this one).",
        columns: [
          column("horizon", "h (bars)", "integer"),
          column("mean_ic", "Mean IC", "number", 4),
          column("std_ic", "Std IC", "number", 4),
          column("ir", "IR", "number", 3),
          column("hit_rate", "Hit rate", "percent", 1),
          column("t", "t", "number", 2),
          column("t_nw", "t NW", "number", 2),
          column("p_nw", "p NW", "number", 4),
          column("n", "n", "integer"),
          column("p_ewc", "p EWC", "number", 4),
        ],
        rows: decay.filter((r) => horizons.includes(r.horizon)).map((r) => [
          r.horizon,
          r.mean,
          r.std,
          r.ir,
          r.hitRate,
          r.tStat,
          r.tStatNeweyWest,
          r.pValueNeweyWest,
          r.n,
          r.pValueEwc,
        ]),
      },
      timeSeriesChart(panel.index, [
        { asset: `IC (${h0}-bar)`, values: ic },
        { asset: `rolling mean (${icWindow} bars)`, values: roll },
      ], {
        id: `${p}-ic-series`,
        title: `Rank IC per bar (${h0}-bar forward returns)`,
        caption: `The IC at each bar (thinned for drawing) and its rolling mean over ` +
          `${icWindow} bars (at least half of them with an IC).`,
        yLabel: "Rank IC",
      }),
      histogramChart(ic, {
        id: `${p}-ic-histogram`,
        title: "Distribution of the IC",
        caption: "Histogram of the per-bar rank IC with a normal curve of the same mean and " +
          "standard deviation.",
        xLabel: "Rank IC",
        percent: false,
        bins: 40,
      }),
      qqPlotChart(ic, {
        id: `${p}-ic-qq`,
        title: "IC against a normal distribution (Q-Q)",
        yLabel: "Rank IC quantile",
      }),
      calendarHeatmapChart(monthlyMean(ic, panel.index), {
        id: `${p}-ic-monthly`,
        title: "Monthly mean IC",
        caption: "Mean of the per-bar rank IC over each UTC calendar month; the last column is " +
          "the year's mean.",
        valueLabel: "Mean IC",
        percent: false,
      }),
    ],
  });
  sections.push({
    id: `${p}-decay`,
    title: "IC decay",
    blocks: [icDecayChart(decay.map((r) => ({ signal: name, horizon: r.horizon, ic: r.mean })), {
      id: `${p}-ic-decay`,
    })],
  });

  // quantiles
  const qr = quantileReturns(signal, fwd0, { quantiles: q, horizon: h0 });
  const demeaned = demeanedQuantiles(signal, fwd0, qr, q);
  const fwd1 = h0 === 1 ? fwd0 : forwardReturns(panel.logReturns, 1);
  const q1 = h0 === 1 ? qr : quantileReturns(signal, fwd1, { quantiles: q, horizon: 1 });
  sections.push({
    id: `${p}-quantiles`,
    title: "Returns by quantile",
    blocks: [
      quantileErrorBarChart(demeaned, h0, { id: `${p}-quantile-returns` }),
      cumulativeReturnsChart({
        index: panel.index,
        series: q1.cumulativeByQuantile.map((c, k) => ({
          asset: `Q${k + 1}`,
          values: Float64Array.from(c, Math.expm1),
        })),
      }, {
        id: `${p}-quantile-cumulative`,
        title: "Cumulative returns by quantile",
        caption: "Growth of an equal-weight portfolio of each quantile bucket, rebalanced every " +
          "bar on the 1-bar forward log return, before costs (Q1 lowest signal).",
      }),
      {
        type: "table",
        id: `${p}-long-short-spread`,
        title: "Top minus bottom quantile",
        caption: `Mean over bars of the top minus the bottom bucket's mean ${h0}-bar forward ` +
          "log return, with naive and Newey-West t-stats; bars bucketed; bars where tied values " +
          "made bucket edges coincide.",
        columns: [
          column("mean", "Mean spread", "percent", 4),
          column("t", "t", "number", 2),
          column("t_nw", "t NW", "number", 2),
          column("bars", "Bars", "integer"),
          column("tied", "Tied edges", "integer"),
        ],
        rows: [[
          qr.longShortMean,
          qr.longShortTStat,
          qr.longShortTStatNeweyWest,
          qr.nTimestamps,
          qr.nTiedEdges,
        ]],
      },
    ],
  });

  // turnover
  const topTurn = turnover(signal, {
    quantiles: q,
    quantile: q,
    minAssets: Math.max(q, minAssets),
  });
  const botTurn = turnover(signal, {
    quantiles: q,
    quantile: 1,
    minAssets: Math.max(q, minAssets),
  });
  const rac = rankAutocorrelation(signal, 1, { minAssets });
  sections.push({
    id: `${p}-turnover`,
    title: "Turnover",
    blocks: [
      timeSeriesChart(panel.index, [
        { asset: `top quantile (Q${q})`, values: topTurn },
        { asset: "bottom quantile (Q1)", values: botTurn },
      ], {
        id: `${p}-turnover-series`,
        title: "Quantile turnover",
        caption: "Share of the assets in the bucket at each bar that were not in it the bar " +
          "before (alphalens quantile_turnover).",
        yLabel: "Turnover",
        percent: true,
      }),
      {
        type: "table",
        id: `${p}-turnover-summary`,
        title: "Turnover and rank autocorrelation",
        caption: "Means over bars: top and bottom bucket turnover, and the Spearman correlation " +
          "of the signal's cross-sectional ranks at t and t - 1 (1 = the ranking never changes).",
        columns: [
          column("top", `Q${q} turnover`, "percent", 1),
          column("bottom", "Q1 turnover", "percent", 1),
          column("rank_autocorr", "Rank autocorrelation", "number", 3),
        ],
        rows: [[meanFinite(topTurn), meanFinite(botTurn), meanFinite(rac)]],
      },
    ],
  });

  // the long-short portfolio through the engine
  const costs = options.costs ?? [feeCost({ venue: D.feeVenue })];
  const btOptions = {
    lag: options.lag ?? D.lag,
    costs,
    ...(options.rebalance === undefined ? {} : { rebalance: options.rebalance }),
  };
  // the strategies' long-short builder: top and bottom 1/q of the ranked assets, equal weights
  const targets = longShort(signal, { quantile: 1 / q, minAssets: Math.max(minAssets, q) });
  const tied = targets.tiedBars.length;
  if (targets.rankedBars > 0 && tied === targets.rankedBars) {
    warnings.push(
      `At every one of the ${tied} bars with at least ${
        Math.max(minAssets, q)
      } values, all values were equal (no usable spread): the long-short book held nothing, ` +
        "so its returns are 0. A constant signal orders nothing.",
    );
  }
  if (notRun !== null) warnings.push(notRun);
  let result: BacktestResult, lookahead: LookaheadResult | null = null;
  result = backtestWeights(panel, targets.weights, {
    ...btOptions,
    ledger: options.ledger,
    trial: options.trial === undefined ? undefined : {
      ...options.trial,
      params: { ...options.trial.params, book: "long-short", quantiles: q },
    },
  });
  if (fn !== null) {
    // The book's row t is a function of the signal's row t alone, so checking the signal checks
    // the book, at a fraction of the cost (no ranking per recomputation).
    lookahead = checkLookahead(fn, panel, {
      full: signal,
      sample: LOOKAHEAD_BACKTEST_SAMPLE,
      assets: panel.assets,
    });
    if (!lookahead.passed) {
      const v = lookahead.violations[0]!;
      const warning = `Lookahead: the signal changed at ${lookahead.violatingBars.length} of ` +
        `${lookahead.checkedBars} checked bars when later data was added (first: row ${v.row} ` +
        `of ${v.asset} with data up to bar ${v.t}: ${v.before} -> ${v.after}); this backtest ` +
        `uses the future`;
      result = {
        ...result,
        metadata: { ...result.metadata, warnings: [...result.metadata.warnings, warning] },
      };
    }
  }
  let bench: Float64Array | undefined, bname = options.benchmark ?? D.benchmark;
  try {
    bname = resolveFactorAsset(panel.assets, bname);
    const c = panel.close[panel.assets.indexOf(bname)]!;
    bench = simpleReturns(c);
  } catch {
    bench = undefined;
  }
  const lsSheet = strategyTearSheet(result, {
    barMs,
    alerts: warnings,
    ...(bench === undefined ? {} : { benchmark: bench, benchmarkName: bname }),
    ...(lookahead === null ? {} : { lookahead }),
    name: `Long-short ${name}`,
    idPrefix: `${p}-long-short`,
    missing: {
      benchmark: `the panel has no ${bname} series`,
      tradeLog: "a signal tear sheet does not cut its long-short book into round trips; " +
        "deno task backtest --strategy long-short logs them",
      capacity: "a signal tear sheet does not rerun its long-short book at several capitals; " +
        "deno task backtest --strategy long-short --impact charts the capacity curve",
      ...(fn === null ? { lookahead: VALUES_LOOKAHEAD_NOTE } : {}),
    },
  });
  const lsIntro: Block = {
    type: "paragraph",
    text: `The top-minus-bottom quantile portfolio of ${name} (longShort): at each bar with at ` +
      `least ${
        Math.max(minAssets, q)
      } values, the assets ranked in the top 1/${q} (at least one) ` +
      `hold +50% of equity in equal weights and those in the bottom 1/${q} -50%, run ` +
      `through the backtest engine with lag ${btOptions.lag} and costs ` +
      `${costs.map((c) => c.name).join(", ") || "none"}. Ties never follow column order: a ` +
      "bar whose values are all equal holds no book, and equal values at a bucket edge share " +
      `its slots equally. ${targets.rankedBars} of ${T} bars had enough values` +
      (tied > 0 ? `; at ${tied} of them every value was equal (no usable spread, no book)` : "") +
      "." +
      (lookahead === null
        ? ` ${VALUES_LOOKAHEAD_NOTE[0]!.toUpperCase()}${VALUES_LOOKAHEAD_NOTE.slice(1)}.`
        : ""),
  };
  const [first, ...rest] = lsSheet.sections;
  sections.push({ ...first!, blocks: [lsIntro, ...first!.blocks] }, ...rest);
  // the sheet's own warnings, then the book's (a ruin, an extreme bar return)
  const allWarnings = lsSheet.alerts;
  if (allWarnings.length > 0) {
    sections[0] = {
      ...sections[0]!,
      blocks: [
        ...allWarnings.map((text) => ({ type: "note" as const, level: "warning" as const, text })),
        ...sections[0]!.blocks,
      ],
    };
  }
  return {
    sections,
    signal,
    alignment,
    ic,
    decay,
    quantileReturns: qr,
    warnings: allWarnings,
    longShort: { targets, result, lookahead, tearSheet: lsSheet },
    ...sectionsDisplay(sections),
  };
}

/**
 * Why a signal given as values (a file, an array) has no lookahead check, and what a user can
 * do about it, for reports (a clause: starts in lower case, no final period).
 */
export const VALUES_LOOKAHEAD_NOTE =
  "the signal was given as values (a file or an array), not as a " +
  "function of the data, so it cannot be recomputed on data cut at each bar: values cannot be " +
  "truncation-checked for lookahead. To check it, compute the signal with a function of the " +
  "panel in a notebook and pass that function to signalTearSheet(panel, fn) (or " +
  "checkLookahead(fn, panel)), which recomputes it on the data cut at a sample of bars; the IC " +
  "check at the top flags values no causal signal could have";

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

/** Mean of the finite values per UTC month, as heatmap rows (the year's mean as total). */
function monthlyMean(x: ArrayLike<number>, index: ArrayLike<number>) {
  const byYear = new Map<number, { s: number[]; n: number[]; ys: number; yn: number }>();
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    const d = new Date(index[t]!);
    const y = d.getUTCFullYear();
    let e = byYear.get(y);
    if (e === undefined) {
      e = { s: new Array(12).fill(0), n: new Array(12).fill(0), ys: 0, yn: 0 };
      byYear.set(y, e);
    }
    if (!Number.isFinite(v)) continue;
    const m = d.getUTCMonth();
    e.s[m] = e.s[m]! + v;
    e.n[m] = e.n[m]! + 1;
    e.ys += v;
    e.yn++;
  }
  return [...byYear.entries()].sort((a, b) => a[0] - b[0]).map(([year, e]) => ({
    year,
    months: e.s.map((s, m) => (e.n[m]! > 0 ? s / e.n[m]! : NaN)),
    total: e.yn > 0 ? e.ys / e.yn : NaN,
  }));
}

/**
 * Per bucket: the mean over bars of (bucket mean forward return - mean forward return of all
 * bucketed assets at the bar), its standard error (std ddof 1 / sqrt(bars)) and the bars.
 */
function demeanedQuantiles(
  signal: readonly Float64Array[],
  forward: readonly Float64Array[],
  qr: QuantileReturnsResult,
  q: number,
) {
  const T = qr.longShort.length, N = signal.length;
  const all = new Float64Array(T).fill(NaN);
  for (let t = 0; t < T; t++) {
    if (!Number.isFinite(qr.longShort[t]!)) continue;
    let s = 0, n = 0;
    for (let a = 0; a < N; a++) {
      const x = signal[a]![t]!, y = forward[a]![t]!;
      if (x - x === 0 && y - y === 0) {
        s += y;
        n++;
      }
    }
    all[t] = n > 0 ? s / n : NaN;
  }
  return Array.from({ length: q }, (_, k) => {
    const d: number[] = [];
    const r = qr.returnsByQuantile[k]!;
    for (let t = 0; t < T; t++) {
      const v = r[t]! - all[t]!;
      if (Number.isFinite(v)) d.push(v);
    }
    const n = d.length;
    const m = n > 0 ? d.reduce((a, b) => a + b, 0) / n : NaN;
    const sd = n > 1 ? Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)) : NaN;
    return { quantile: k + 1, mean: m, stdError: sd / Math.sqrt(n), n };
  });
}
