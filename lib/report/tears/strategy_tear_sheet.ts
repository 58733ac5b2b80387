/**
 * The strategy tear sheet: what quantstats and pyfolio show for a backtest, computed with the
 * formulas of `lib/backtest/metrics` (365-day years, CAGR over elapsed calendar time), as
 * report sections.
 *
 * @module
 */
import type { BacktestResult } from "../../backtest/types.ts";
import type { CapacityCurve } from "../../backtest/costs/capacity_curve.ts";
import type { LookaheadResult } from "../../backtest/lookahead.ts";
import { type DrawdownEpisode, drawdowns, topDrawdowns } from "../../backtest/metrics/drawdowns.ts";
import { monthlyReturnsTable } from "../../backtest/metrics/calendar_returns.ts";
import {
  type PerformanceSummary,
  performanceSummary,
} from "../../backtest/metrics/performance_summary.ts";
import { periodsPerYear } from "../../backtest/metrics/periods_per_year.ts";
import { rollingRisk } from "../../backtest/metrics/rolling.ts";
import { EXTREME_RETURN_DEFAULTS, extremeReturns } from "../../backtest/metrics/extreme_returns.ts";
import { type SectionsDisplay, sectionsDisplay } from "./sections_display.ts";
import { type Block, type Cell, column, type Section } from "../model.ts";
import { cumulativeReturnsChart } from "../charts/cumulative_returns.ts";
import { underwaterChart } from "../charts/underwater.ts";
import { calendarHeatmapChart } from "../charts/calendar_heatmap.ts";
import { valueBarChart } from "../charts/value_bars.ts";
import { histogramChart } from "../charts/histogram.ts";
import { timeSeriesChart } from "../charts/time_series.ts";
import { capacityChart } from "../charts/capacity.ts";

/**
 * What the tear sheet reads of a trade log: the fields of `buildTradeLog`'s result
 * (`lib/backtest/strategies`) it summarizes; that result fits as it is.
 */
export interface TradeLogInput {
  readonly trades: readonly {
    readonly legs: readonly { readonly asset: string }[];
    readonly side: "long" | "short";
    readonly entryBar: number;
    readonly entryTs: number;
    readonly exitTs: number;
    readonly open: boolean;
    readonly barsHeld: number;
    readonly netPnl: number;
    readonly returnOnEntry: number;
  }[];
  readonly summary: {
    readonly count: number;
    readonly openCount: number;
    readonly hitRate: number;
    readonly averageWin: number;
    readonly averageLoss: number;
    readonly averageWinReturn: number;
    readonly averageLossReturn: number;
    readonly profitFactor: number;
    readonly averageBarsHeld: number;
    readonly totalNetPnl: number;
    readonly totalCost: number;
  };
  /** The rules used to cut and price the round trips. */
  readonly rules: readonly string[];
}

/** Options of {@link strategyTearSheet}; only `barMs` is required. */
export interface StrategyTearSheetOptions {
  /** Bar length in ms (3,600,000 for 1h): sets the periods per 365-day year (8,760). */
  readonly barMs: number;
  /** Benchmark simple returns on the result's bars (BTC's; NaN = no bar). @default none */
  readonly benchmark?: ArrayLike<number>;
  /** Name of the benchmark in charts and tables. @default "BTC" */
  readonly benchmarkName?: string;
  /** The strategy's trade log (`buildTradeLog`), summarized. @default none */
  readonly tradeLog?: TradeLogInput;
  /**
   * The strategy's capacity curve (`capacityCurve`), charted, with each run's fill ratio
   * (`fillRatio`) when given. @default none
   */
  readonly capacity?: CapacityCurve & { readonly fillRatio?: ArrayLike<number> | undefined };
  /** The lookahead check of the strategy's targets (`checkLookahead`), printed. @default none */
  readonly lookahead?: LookaheadResult;
  /**
   * Why an optional input is absent, said in the report where its section or chart would be
   * (e.g. `capacity: "market impact is off (--impact)"`), instead of leaving it out silently.
   * @default a sentence that it was not given
   */
  readonly missing?: MissingReasons;
  /**
   * Close prices of the result's assets (a Panel's `close`, same bars): with them a bar whose
   * net return is above +1000% (`extremeReturns`) names the asset that made it. @default none
   */
  readonly close?: readonly ArrayLike<number>[] | undefined;
  /** Window of the rolling Sharpe and volatility in bars. @default 30 days of bars */
  readonly rollingWindow?: number;
  /** Name of the strategy in titles. @default "Strategy" */
  readonly name?: string;
  /** Prefix of every section and block id (`[a-z0-9-]+`). @default "strategy" */
  readonly idPrefix?: string;
  /**
   * The caller's own alerts (e.g. a long-short run that never had enough names to trade), put
   * first in the headline and in `alerts`. @default none
   */
  readonly alerts?: readonly string[];
}

/** Why the benchmark, trade log or capacity curve of {@link strategyTearSheet} is absent. */
export interface MissingReasons {
  /** Why there is no benchmark (e.g. "the panel has no BTC"). */
  readonly benchmark?: string | undefined;
  /** Why there is no trade log. */
  readonly tradeLog?: string | undefined;
  /** Why there is no capacity curve (e.g. "market impact is off"). */
  readonly capacity?: string | undefined;
  /** Why no lookahead check was run (e.g. the targets come from values read from a file). */
  readonly lookahead?: string | undefined;
}

/**
 * What {@link strategyTearSheet} returns: the sections and the numbers behind them; a notebook
 * shows it with `await Deno.jupyter.display(sheet)`.
 */
export interface StrategyTearSheet extends SectionsDisplay {
  readonly sections: Section[];
  /** Headline numbers of the net returns. */
  readonly summary: PerformanceSummary;
  /** The same numbers of the benchmark's returns, or null without a benchmark. */
  readonly benchmarkSummary: PerformanceSummary | null;
  /** The five deepest drawdowns of the net equity. */
  readonly topDrawdowns: DrawdownEpisode[];
  /**
   * What makes the figures not real performance, one sentence each, at the top of the
   * headline (and for a task to print on stderr): each redenomination left unadjusted, and
   * net bar returns above +1000% (`extremeReturns`) with the asset that made them.
   */
  readonly alerts: readonly string[];
}

const DAY = 86_400_000;

/**
 * Build the strategy tear sheet of a backtest (`backtestWeights`' result) as report sections:
 * headline metrics of the net returns beside the benchmark's (CAGR, volatility, Sharpe,
 * Sortino, Calmar, max drawdown and its duration, skew, excess kurtosis, historical VaR and
 * CVaR at 95%, hit rate, best and worst day and month, alpha and beta to BTC), the engine's
 * warnings and rules; the equity curve (net and gross) against the benchmark, the underwater
 * chart, the top-5 drawdowns, the monthly returns heatmap and yearly returns, the histogram of
 * bar returns; rolling Sharpe and volatility, gross and net exposure and turnover over time;
 * costs by cost model; the capacity curve, the trade log summary and the lookahead check when
 * given. Every formula is in `lib/backtest/metrics`; years have 365 days and the periods per
 * year come from `barMs`. Render with `renderHtml` / `renderJson` inside a report model.
 * Cost: O(T x assets) plus O(T log T) for the quantiles.
 *
 * @example A two-asset backtest
 * ```ts
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import { strategyTearSheet } from "@lib/report/tears/strategy_tear_sheet.ts";
 * import assert from "node:assert/strict";
 * const T = 24 * 60, h = 3_600_000;
 * const index = Float64Array.from({ length: T }, (_, t) => Date.UTC(2021, 0, 1) + t * h);
 * const close = [1, 2].map((k) => Float64Array.from({ length: T }, (_, t) => 100 * Math.exp(0.02 * Math.sin(t / (20 * k)))));
 * const w = close.map((c) => Float64Array.from(c, (_, t) => (t % 48 < 24 ? 0.5 : -0.5)));
 * const result = backtestWeights({ close, index, assets: ["BTCUSDT", "ETHUSDT"] }, w);
 * const btc = Float64Array.from(close[0]!, (c, t) => (t === 0 ? NaN : c / close[0]![t - 1]! - 1));
 * const sheet = strategyTearSheet(result, { barMs: h, benchmark: btc });
 * assert.equal(sheet.summary.periodsPerYear, 8760);
 * assert.ok(sheet.sections.some((s) => s.id === "strategy-returns"));
 * ```
 */
export function strategyTearSheet(
  result: BacktestResult,
  options: StrategyTearSheetOptions,
): StrategyTearSheet {
  const { barMs } = options;
  const ppy = periodsPerYear(barMs);
  const p = options.idPrefix ?? "strategy";
  const name = options.name ?? "Strategy";
  const bname = options.benchmarkName ?? "BTC";
  const { index, net, gross } = result;
  const T = index.length;
  const bench = options.benchmark;
  if (bench !== undefined && bench.length !== T) {
    throw new RangeError(
      `Cannot build the strategy tear sheet: the benchmark has ${bench.length} returns for ` +
        `${T} bars; align it to the backtest's bars (NaN where it has none)`,
    );
  }
  const ruinBar = result.metadata.ruinBar;
  const summary = performanceSummary(net, index, barMs, {
    ...(bench === undefined ? {} : { benchmark: bench }),
    ruinBar,
  });
  const benchmarkSummary = bench === undefined ? null : performanceSummary(bench, index, barMs);
  const dd = drawdowns(net, index, barMs);
  const top = topDrawdowns(dd, 5);
  const window = options.rollingWindow ?? Math.max(2, Math.round(30 * DAY / barMs));
  const sections: Section[] = [];

  // 1. summary
  const summaryBlocks: Block[] = [];
  const md = result.metadata;
  const alerts = [...(options.alerts ?? []), ...headlineAlerts(result, options.close)];
  for (const a of alerts) summaryBlocks.push({ type: "note", level: "warning", text: a });
  summaryBlocks.push({
    type: "paragraph",
    text: `${name}: ${md.assets} asset${md.assets === 1 ? "" : "s"}, ${T} bars of ` +
      `${barMs / 3_600_000} h ` +
      `(${summary.years.toFixed(2)} years of 365 days), execution lag ${md.lag} bar${
        md.lag === 1 ? "" : "s"
      }, ` +
      `costs: ${md.costNames.length > 0 ? md.costNames.join(", ") : "none"}. All figures are of ` +
      `the net returns (after every cost) unless marked gross; annualized with ${ppy} bars a year.`,
  });
  if (md.lagZero) {
    summaryBlocks.push({
      type: "note",
      level: "warning",
      text: "Lag 0: orders are filled at the close of the bar whose data decided them, which " +
        "cannot be done live; these results overstate what the strategy can earn.",
    });
  }
  for (const w of md.warnings) summaryBlocks.push({ type: "note", level: "warning", text: w });
  if (options.lookahead !== undefined && !options.lookahead.passed) {
    summaryBlocks.push({
      type: "note",
      level: "warning",
      text: `The lookahead check FAILED at ${options.lookahead.violatingBars.length} of ` +
        `${options.lookahead.checkedBars} checked bars: these results use the future.`,
    });
  }
  if (bench === undefined) {
    summaryBlocks.push({
      type: "note",
      level: "info",
      text: `No benchmark: ${
        options.missing?.benchmark ?? "none was given"
      }. Alpha, beta and the benchmark's columns and equity curve are left out.`,
    });
  }
  summaryBlocks.push(
    ...metricsTables(
      `${p}-metrics`,
      summary,
      benchmarkSummary,
      name,
      bname,
      ruinBar < 0 ? null : `ruined at bar ${ruinBar} (${when(index[ruinBar]!)})`,
    ),
  );
  sections.push({ id: `${p}-summary`, title: `${name}: performance`, blocks: summaryBlocks });

  // 2. returns and drawdowns
  const grossSeries = cumulative(gross);
  const series = [
    { asset: `${name} (net)`, values: cumulative(net) },
    { asset: `${name} (gross)`, values: grossSeries },
    ...(bench === undefined ? [] : [{ asset: bname, values: cumulative(bench) }]),
  ];
  const returnBlocks: Block[] = [
    cumulativeReturnsChart({ index, series }, {
      id: `${p}-equity`,
      title: `Equity curve${bench === undefined ? "" : ` against ${bname}`}`,
      caption: "Growth of one unit from the first bar: the strategy after costs (net), before " +
        `costs (gross)${bench === undefined ? "" : `, and buying and holding ${bname}`}.`,
    }),
    underwaterChart({ index, underwater: dd.underwater }, { id: `${p}-underwater` }),
    drawdownTable(`${p}-drawdowns`, top),
  ];
  const months = monthlyReturnsTable(net, index);
  returnBlocks.push(
    calendarHeatmapChart(
      months.map((r) => ({ year: r.year, months: r.months, total: r.yearReturn })),
      {
        id: `${p}-monthly-returns`,
        title: "Monthly returns",
        caption: "Net bar returns compounded over each UTC calendar month (the bar's open time " +
          "decides its month); blank: no bars. The table's last column is the year's return.",
      },
    ),
    valueBarChart(months.map((r) => ({ label: String(r.year), value: r.yearReturn })), {
      id: `${p}-yearly-returns`,
      title: "Yearly returns",
      caption:
        "Net bar returns compounded over each UTC calendar year (partial years as they are).",
      yLabel: "Yearly return",
    }),
    histogramChart(net, {
      id: `${p}-return-histogram`,
      title: "Distribution of bar returns",
      xLabel: "Net bar return",
      marks: [
        { label: "VaR 95%", value: summary.valueAtRisk },
        { label: "CVaR 95%", value: summary.conditionalValueAtRisk },
      ].filter((m) => Number.isFinite(m.value)),
    }),
  );
  sections.push({ id: `${p}-returns`, title: "Returns and drawdowns", blocks: returnBlocks });

  // 3. rolling risk, exposure, turnover
  const roll = rollingRisk(net, Math.min(window, Math.max(2, T)), ppy);
  const days = (window * barMs / DAY).toFixed(window * barMs % DAY === 0 ? 0 : 1);
  sections.push({
    id: `${p}-risk`,
    title: "Rolling risk, exposure and turnover",
    blocks: [
      timeSeriesChart(index, [{ asset: "Rolling Sharpe", values: roll.sharpe }], {
        id: `${p}-rolling-sharpe`,
        title: `Rolling Sharpe ratio (${window} bars, ${days} days)`,
        caption: `Annualized Sharpe ratio of the net returns over the ${window} bars ending at ` +
          `each bar: mean / std (ddof 1) x sqrt(${ppy}).`,
        yLabel: "Sharpe ratio",
      }),
      timeSeriesChart(index, [{ asset: "Rolling volatility", values: roll.volatility }], {
        id: `${p}-rolling-volatility`,
        title: `Rolling volatility (${window} bars, ${days} days)`,
        caption: `Standard deviation (ddof 1) of the net returns over the ${window} bars ending ` +
          `at each bar, x sqrt(${ppy}).`,
        yLabel: "Annualized volatility",
        percent: true,
      }),
      timeSeriesChart(index, [
        { asset: "Gross exposure", values: result.grossExposure },
        { asset: "Net exposure", values: result.netExposure },
      ], {
        id: `${p}-exposure`,
        title: "Exposure",
        caption: "Gross exposure: sum of |weight| held over each bar; net: sum of signed weights " +
          "(fractions of equity).",
        yLabel: "Exposure",
        percent: true,
      }),
      timeSeriesChart(index, [{ asset: "Turnover", values: result.turnover }], {
        id: `${p}-turnover`,
        title: "Turnover",
        caption: "Sum of |weight traded| at the fill that opens each bar (fraction of equity); " +
          `mean ${fmtPct(mean(result.turnover))} a bar, ${
            fmtPct(mean(result.turnover) * ppy)
          } a year.`,
        yLabel: "Turnover",
        percent: true,
      }),
    ],
  });

  // 4. costs and capacity
  const costBlocks: Block[] = [costTable(`${p}-costs`, result, ppy)];
  if (md.costNames.length > 0) {
    costBlocks.push(
      timeSeriesChart(
        index,
        md.costNames.map((c) => ({ asset: c, values: runningSum(result.costs[c]!) })),
        {
          id: `${p}-cumulative-costs`,
          title: "Cumulative costs by model",
          caption: "Running sum of each cost model's per-bar cost (fraction of equity at each " +
            "bar's start).",
          yLabel: "Cumulative cost",
          percent: true,
        },
      ),
    );
  } else {
    costBlocks.push({
      type: "note",
      level: "info",
      text: "No cost model was applied: the net returns equal the gross returns, so there is " +
        "no chart of cumulative costs.",
    });
  }
  if (options.capacity !== undefined) {
    costBlocks.push(capacityChart(options.capacity, { id: `${p}-capacity` }));
  } else {
    costBlocks.push({
      type: "note",
      level: "info",
      text: `No capacity curve: ${options.missing?.capacity ?? "none was given (capacityCurve)"}.`,
    });
  }
  sections.push({ id: `${p}-costs-capacity`, title: "Costs and capacity", blocks: costBlocks });

  // 5. trades
  sections.push({
    id: `${p}-trades`,
    title: "Trade log",
    blocks: options.tradeLog !== undefined ? tradeBlocks(`${p}-trades`, options.tradeLog) : [{
      type: "note",
      level: "info",
      text: `No trade log: ${options.missing?.tradeLog ?? "none was given (buildTradeLog)"}.`,
    }],
  });

  // 6. lookahead and rules
  sections.push({
    id: `${p}-checks`,
    title: "Lookahead check and engine rules",
    blocks: [
      ...lookaheadBlocks(`${p}-lookahead`, options.lookahead, options.missing?.lookahead),
      {
        type: "table",
        id: `${p}-rules`,
        title: "How the backtest was run",
        caption: "The rules the engine applied (from the result's metadata).",
        // a number first: a table's first column is sticky and never wraps, so a rule there
        // was one line thousands of pixels wide, read only by scrolling sideways
        columns: [column("n", "#", "integer"), column("rule", "Rule", "text")],
        rows: md.rules.map((r, i) => [i + 1, r]),
      },
    ],
  });
  return {
    sections,
    summary,
    benchmarkSummary,
    topDrawdowns: top,
    alerts,
    ...sectionsDisplay(sections),
  };
}

/**
 * The sentences at the top of the headline: each redenomination the engine did not adjust (its
 * jump is earned as a return), and the bars above +1000% with the asset that made them.
 */
function headlineAlerts(
  result: BacktestResult,
  close: readonly ArrayLike<number>[] | undefined,
): string[] {
  const out: string[] = [];
  const md = result.metadata;
  if (md.ruinBar >= 0) {
    const eq = md.ruinBar > 0 ? result.equity[md.ruinBar - 1]! : md.initialEquity;
    out.push(
      `The account was ruined at bar ${md.ruinBar} (${when(result.index[md.ruinBar]!)}): ` +
        `equity went from ${eq.toPrecision(4)} to ${result.equity[md.ruinBar]} and trading ` +
        "stopped; the metrics that need a return distribution are undefined and shown as " +
        `"ruined", not 0. Lower the weights or leverage.`,
    );
  }
  for (const e of md.redenominations) {
    if (e.adjusted) continue;
    out.push(
      `These figures include ${e.asset}'s redenomination between ${when(e.prevTs)} and ` +
        `${when(e.ts)} (close ratio ${e.ratio.toPrecision(4)}) as if it were a real move: a ` +
        "position held across it earns or loses the jump. Rerun with --adjust-redenominations " +
        '(redenominations: "adjust") for figures that mean anything.',
    );
  }
  const ext = extremeReturns(result, { close });
  if (ext.length > 0) {
    const lim = EXTREME_RETURN_DEFAULTS.threshold;
    const show = ext.slice(0, 3).map((x) =>
      `${pctBig(x.net)} on the bar of ${when(x.ts)}` +
      (x.asset === null
        ? ""
        : ` (${x.asset}: held weight ${x.weight.toPrecision(3)}, its return ${
          pctBig(x.assetReturn)
        })`)
    );
    out.push(
      `${ext.length} bar${ext.length === 1 ? " has a net return" : "s have net returns"} above ` +
        `+${lim * 100}% (equity x${lim + 1} in one bar), which no real bar of a traded ` +
        `portfolio earns: ${show.join("; ")}${ext.length > 3 ? "; ..." : ""}. Look for a ` +
        "redenomination, a bad price or a weight far too large; every figure below is driven " +
        "by it.",
    );
  }
  return out;
}

function when(ts: number): string {
  return ts > 1e11
    ? new Date(ts).toISOString().slice(0, 16).replace("T", " ") + " UTC"
    : `bar ${ts}`;
}

function pctBig(v: number): string {
  const p = v * 100;
  return `${p >= 0 ? "+" : ""}${Math.abs(p) >= 1e6 ? p.toExponential(2) : p.toFixed(0)}%`;
}

function mean(x: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!)) {
      s += x[i]!;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

function fmtPct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : "n/a";
}

/** Simple cumulative return of simple returns, NaN returns carrying the level. */
function cumulative(r: ArrayLike<number>): Float64Array {
  const out = new Float64Array(r.length);
  let g = 1;
  for (let t = 0; t < r.length; t++) {
    const v = r[t]!;
    if (Number.isFinite(v)) g *= 1 + v;
    out[t] = g - 1;
  }
  return out;
}

function runningSum(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  let s = 0;
  for (let t = 0; t < x.length; t++) {
    if (Number.isFinite(x[t]!)) s += x[t]!;
    out[t] = s;
  }
  return out;
}

const METRICS: readonly [
  keyof PerformanceSummary,
  string,
  "percent" | "number" | "days",
  string,
][] = [
  ["totalReturn", "Total return", "percent", "prod(1 + r) - 1"],
  [
    "cagr",
    "CAGR",
    "percent",
    "(1 + total)^(1 / years) - 1, years = elapsed calendar time / 365 days",
  ],
  ["volatility", "Volatility (annualized)", "percent", "std(r, ddof 1) x sqrt(bars per year)"],
  ["sharpe", "Sharpe ratio", "number", "mean(r) / std(r) x sqrt(bars per year), no risk-free rate"],
  [
    "sortino",
    "Sortino ratio",
    "number",
    "mean(r) / sqrt(sum(min(r, 0)^2) / n) x sqrt(bars per year)",
  ],
  ["calmar", "Calmar ratio", "number", "CAGR / |max drawdown|"],
  ["maxDrawdown", "Max drawdown", "percent", "deepest fall of equity below its running high"],
  [
    "maxDrawdownDurationMs",
    "Max drawdown duration (days)",
    "days",
    "peak to recovery (or to the end) of the deepest drawdown",
  ],
  [
    "longestDrawdownMs",
    "Longest drawdown (days)",
    "days",
    "peak to recovery (or to the end) of the longest drawdown",
  ],
  ["skew", "Skew", "number", "adjusted Fisher-Pearson G1 (pandas skew)"],
  ["kurtosis", "Excess kurtosis", "number", "G2, 0 for a normal sample (pandas kurt)"],
  ["valueAtRisk", "VaR 95% (bar)", "percent", "5% quantile of bar returns, linear interpolation"],
  [
    "conditionalValueAtRisk",
    "CVaR 95% (bar)",
    "percent",
    "mean of bar returns at or below the VaR",
  ],
  ["hitRate", "Hit rate", "percent", "bars with r > 0 / bars with r != 0"],
  ["bestDay", "Best day", "percent", "best UTC calendar day, bar returns compounded"],
  ["worstDay", "Worst day", "percent", "worst UTC calendar day"],
  ["bestMonth", "Best month", "percent", "best UTC calendar month"],
  ["worstMonth", "Worst month", "percent", "worst UTC calendar month"],
  ["beta", "Beta to benchmark", "number", "OLS slope of r on the benchmark's returns"],
  ["alpha", "Alpha to benchmark (annualized)", "percent", "OLS intercept per bar x bars per year"],
];

function metricsTables(
  id: string,
  s: PerformanceSummary,
  b: PerformanceSummary | null,
  name: string,
  bname: string,
  ruined: string | null,
): Block[] {
  const groups = [
    [
      "percent",
      "Returns and risk",
      "Fractions shown as percentages; VaR, CVaR and hit rate are per bar.",
    ],
    ["number", "Ratios", "Annualized with the bars per 365-day year; no risk-free rate."],
    [
      "days",
      "Drawdown durations",
      "Calendar days, from the peak to the recovery or to the last bar.",
    ],
  ] as const;
  return groups.map(([kind, title, what]) => ({
    type: "table" as const,
    id: `${id}-${kind === "percent" ? "returns" : kind === "number" ? "ratios" : "durations"}`,
    title,
    caption: what + (b === null ? "" : ` ${bname}: buying and holding it over the same bars.`),
    columns: [
      column("metric", "Metric", "text"),
      column("strategy", name, kind === "percent" ? "percent" : "number", 2),
      ...(b === null
        ? []
        : [column("benchmark", bname, kind === "percent" ? "percent" : "number", 2)]),
      column("formula", "Formula", "text"),
    ],
    rows: METRICS
      .filter(([k, , m]) => m === kind && (b !== null || (k !== "beta" && k !== "alpha")))
      .map(([k, label, m, formula]): Cell[] => {
        const v = (x: PerformanceSummary) => (x[k] as number) / (m === "days" ? DAY : 1);
        // after ruin an undefined metric says why instead of a blank (or a 0)
        const sv = v(s);
        return [
          label,
          ruined !== null && !Number.isFinite(sv) ? ruined : sv,
          ...(b === null ? [] : [k === "beta" || k === "alpha" ? null : v(b)]),
          formula,
        ];
      }),
  }));
}

function drawdownTable(id: string, top: readonly DrawdownEpisode[]): Block {
  return {
    type: "table",
    id,
    title: "Top 5 drawdowns",
    caption: "The five deepest falls of net equity below a previous high: the peak (the close " +
      "where the high was set, or the start), the trough, the recovery (first close back at the " +
      "peak level; empty while still under water), the depth and the length from peak to " +
      "recovery (or to the last bar).",
    columns: [
      column("peak", "Peak", "datetime"),
      column("trough", "Trough", "datetime"),
      column("recovery", "Recovery", "datetime"),
      column("depth", "Depth", "percent", 2),
      column("days", "Length (days)", "number", 1),
      column("bars", "Length (bars)", "integer"),
    ],
    rows: top.map((e) => [
      e.peakTs,
      e.troughTs,
      e.recovered ? e.recoveryTs : null,
      e.depth,
      e.durationMs / DAY,
      e.bars,
    ]),
  };
}

function costTable(id: string, r: BacktestResult, ppy: number): Block {
  let grossSum = 0;
  for (const g of r.gross) if (Number.isFinite(g)) grossSum += g;
  const names = r.metadata.costNames;
  const rows: Cell[][] = names.map((n) => {
    const c = r.costs[n]!;
    let s = 0;
    for (const v of c) if (Number.isFinite(v)) s += v;
    return [n, s, (s / Math.max(1, c.length)) * ppy, grossSum !== 0 ? s / grossSum : NaN];
  });
  let total = 0;
  for (const v of r.totalCost) if (Number.isFinite(v)) total += v;
  rows.push([
    "all costs",
    total,
    (total / Math.max(1, r.totalCost.length)) * ppy,
    grossSum !== 0 ? total / grossSum : NaN,
  ]);
  return {
    type: "table",
    id,
    title: "Cost decomposition",
    caption: "Per cost model: the sum of its per-bar costs (fractions of the equity at each " +
      "bar's start, so the sum is the return it took away, not compounded), the same per year " +
      `(mean per bar x ${ppy}), and its share of the summed gross return (over 100% when ` +
      "costs ate more than the gross edge; negative when the gross return was negative).",
    columns: [
      column("model", "Cost model", "text"),
      column("total", "Summed cost", "percent", 3),
      column("per_year", "Per year", "percent", 3),
      column("share_of_gross", "Share of gross return", "percent", 1),
    ],
    rows,
  };
}

function tradeBlocks(prefix: string, log: TradeLogInput): Block[] {
  const s = log.summary;
  const blocks: Block[] = [{
    type: "table",
    id: `${prefix}-summary`,
    title: "Trade log summary",
    caption: "Round trips from the held weights (open trades are counted, not in the " +
      "statistics). P&L in quote currency after the costs attributed to each trade; return on " +
      "entry = net P&L / value committed at entry. " + log.rules.join(" "),
    columns: [
      column("closed", "Closed trades", "integer"),
      column("open", "Open", "integer"),
      column("hit_rate", "Hit rate", "percent", 1),
      column("avg_win", "Avg win", "number", 2),
      column("avg_loss", "Avg loss", "number", 2),
      column("avg_win_ret", "Avg win (return)", "percent", 2),
      column("avg_loss_ret", "Avg loss (return)", "percent", 2),
      column("profit_factor", "Profit factor", "number", 2),
      column("avg_bars", "Avg bars held", "number", 1),
      column("net_pnl", "Net P&L", "number", 2),
      column("costs", "Costs", "number", 2),
    ],
    rows: [[
      s.count,
      s.openCount,
      s.hitRate,
      s.averageWin,
      s.averageLoss,
      s.averageWinReturn,
      s.averageLossReturn,
      s.profitFactor,
      s.averageBarsHeld,
      s.totalNetPnl,
      s.totalCost,
    ]],
  }];
  const closed = log.trades.filter((t) => !t.open);
  const sides = ["long", "short"] as const;
  blocks.push({
    type: "table",
    id: `${prefix}-by-side`,
    title: "Trades by side",
    caption: "Closed round trips by the side of their first leg.",
    columns: [
      column("side", "Side", "text"),
      column("count", "Trades", "integer"),
      column("hit_rate", "Hit rate", "percent", 1),
      column("mean_return", "Mean return on entry", "percent", 3),
      column("net_pnl", "Net P&L", "number", 2),
    ],
    rows: sides.map((side) => {
      const ts = closed.filter((t) => t.side === side);
      const wins = ts.filter((t) => t.netPnl > 0).length;
      let r = 0, pnl = 0;
      for (const t of ts) {
        r += t.returnOnEntry;
        pnl += t.netPnl;
      }
      return [
        side,
        ts.length,
        ts.length > 0 ? wins / ts.length : NaN,
        ts.length > 0 ? r / ts.length : NaN,
        pnl,
      ];
    }),
  });
  const ranked = [...closed].sort((a, b) => b.netPnl - a.netPnl || a.entryBar - b.entryBar);
  const shown = [...ranked.slice(0, 5), ...ranked.slice(Math.max(5, ranked.length - 5))];
  if (shown.length === 0) {
    blocks.push({
      type: "note",
      level: "info",
      text: `No closed round trip to rank as best or worst (${s.openCount} still open).`,
    });
  } else {
    blocks.push({
      type: "table",
      id: `${prefix}-extremes`,
      title: "Best and worst trades",
      caption: "The five best and five worst closed round trips by net P&L.",
      columns: [
        column("assets", "Assets", "text"),
        column("side", "Side", "text"),
        column("entry", "Entry", "datetime"),
        column("exit", "Exit", "datetime"),
        column("bars", "Bars", "integer"),
        column("return", "Return on entry", "percent", 2),
        column("net_pnl", "Net P&L", "number", 2),
      ],
      rows: shown.map((t) => [
        t.legs.map((l) => l.asset).join("/"),
        t.side,
        t.entryTs,
        t.exitTs,
        t.barsHeld,
        t.returnOnEntry,
        t.netPnl,
      ]),
    });
  }
  return blocks;
}

function lookaheadBlocks(
  prefix: string,
  l: LookaheadResult | undefined,
  missing: string | undefined,
): Block[] {
  if (l === undefined) {
    return [{
      type: "note",
      level: "warning",
      text: missing !== undefined
        ? `No lookahead check: ${missing}.`
        : "No lookahead check was run on this strategy's targets: pass one " +
          "(checkLookahead or backtestWithLookahead) to prove they use no future data.",
    }];
  }
  const blocks: Block[] = [{
    type: "paragraph",
    text:
      `Lookahead check ${l.passed ? "PASSED" : "FAILED"}: the targets (or the signal they are ` +
      `built from row by row) were recomputed on ` +
      `the data cut at ${l.checkedBars} of ${l.bars} bars (${l.sample}) and every value at or ` +
      `before each cut compared with the full-data run (tolerance ${l.tolerance}); ` +
      (l.passed
        ? "nothing changed, so no target used data after its bar."
        : `${l.violationCount} values changed at ${l.violatingBars.length} bars.`),
  }];
  if (!l.passed) {
    blocks.push({
      type: "table",
      id: `${prefix}-violations`,
      title: "Lookahead violations (first 20)",
      caption: "A value at row `row` computed with data up to bar t differs from the value " +
        "computed with all the data.",
      columns: [
        column("t", "Data up to bar", "integer"),
        column("row", "Row", "integer"),
        column("asset", "Asset", "text"),
        column("before", "With data to t", "number", 6),
        column("after", "With all data", "number", 6),
      ],
      rows: l.violations.slice(0, 20).map((v) => [v.t, v.row, v.asset, v.before, v.after]),
    });
  }
  return blocks;
}
