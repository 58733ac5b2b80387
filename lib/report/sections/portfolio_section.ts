/**
 * The portfolio and backtest section of a report: a long-short momentum portfolio run through
 * the backtest engine with costs (net against gross equity, costs by model), and an
 * optimizer-based allocation (minimum variance on a Ledoit-Wolf covariance) against equal
 * weights, both through the same engine.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { momentum } from "../../research/signals/momentum.ts";
import { longShort } from "../../backtest/strategies/long_short.ts";
import { backtestWeights } from "../../backtest/backtest_weights.ts";
import {
  checkLookahead,
  describeLookahead,
  type LookaheadResult,
} from "../../backtest/lookahead.ts";
import { LOOKAHEAD_BACKTEST_SAMPLE } from "../../backtest/lookahead_backtest.ts";
import { feeCost } from "../../backtest/costs/fee_cost.ts";
import { estimatedSpreads } from "../../backtest/costs/estimated_spreads.ts";
import { halfSpreadCost } from "../../backtest/costs/half_spread_cost.ts";
import { performanceSummary } from "../../backtest/metrics/performance_summary.ts";
import type { BacktestResult } from "../../backtest/types.ts";
import { ledoitWolf } from "../../portfolio/ledoit_wolf.ts";
import { optimizePortfolio } from "../../portfolio/optimize_portfolio.ts";
import { type Block, column } from "../model.ts";
import type { TrialLedger } from "../../research/ledger.ts";
import { cumulativeReturnsChart } from "../charts/cumulative_returns.ts";

/** Options of {@link portfolioSection}; defaults in {@link PORTFOLIO_SECTION_DEFAULTS}. */
export interface PortfolioSectionOptions {
  /** Lookback of the momentum signal in bars. @default 24 */
  readonly momentumBars?: number;
  /** Fraction of the assets in each of the long and short buckets. @default 0.2 */
  readonly quantile?: number;
  /** Bars of returns behind each Ledoit-Wolf covariance. @default 168 (7 days of hours) */
  readonly covarianceBars?: number;
  /** Bars between rebalances of the two allocations. @default 24 */
  readonly rebalanceBars?: number;
  /** Fee schedule (a venue of `VENUE_FEES`). @default "binance" */
  readonly feeVenue?: string;
  /**
   * Record the three backtests' net returns in this trial ledger, family
   * {@link PORTFOLIO_FAMILY} (the books are variants compared on the same data), each with its
   * book and settings as params. Default: not recorded.
   */
  readonly record?: {
    readonly ledger: TrialLedger;
    /** The dataset fingerprint. */
    readonly dataset: string;
    readonly freq: string;
  } | undefined;
}

/** The ledger family of the portfolio section's backtests. */
export const PORTFOLIO_FAMILY = "portfolio";

/** Defaults of {@link PortfolioSectionOptions}, stated once. */
export const PORTFOLIO_SECTION_DEFAULTS = {
  momentumBars: 24,
  quantile: 0.2,
  covarianceBars: 168,
  rebalanceBars: 24,
  feeVenue: "binance",
} as const;

/** What {@link portfolioSection} returns: the blocks and the backtests behind them. */
export interface PortfolioSection {
  readonly blocks: Block[];
  /** The long-short momentum portfolio with fees and half-spreads. */
  readonly longShort: BacktestResult;
  /** The lookahead check of the long-short targets (`LOOKAHEAD_BACKTEST_SAMPLE`). */
  readonly longShortLookahead: LookaheadResult;
  /** The lookahead check of the minimum-variance targets, on the same sample. */
  readonly minVarianceLookahead: LookaheadResult;
  /** Minimum variance on Ledoit-Wolf covariances, long-only, fully invested, with fees. */
  readonly minVariance: BacktestResult;
  /** Equal weights rebalanced on the same bars, with fees. */
  readonly equalWeight: BacktestResult;
}

/**
 * Minimum-variance target weights (long-only, fully invested) from a Ledoit-Wolf covariance of
 * the `window` bars of simple returns up to and including bar t, recomputed every `every`
 * bars and held in between; NaN (no target: hold) before the first window is full. Assets
 * without a return in every row of the window get no weight that time. Causal: row t uses
 * returns up to t only.
 *
 * @example Two assets, the quieter one gets more weight
 * ```ts
 * import { minVarianceTargets } from "@lib/report/sections/portfolio_section.ts";
 * import assert from "node:assert/strict";
 * const T = 60;
 * const r = [Float64Array.from({ length: T }, (_, t) => 0.01 * Math.sin(t)),
 *   Float64Array.from({ length: T }, (_, t) => 0.03 * Math.cos(1.3 * t))];
 * const w = minVarianceTargets(r, 20, 10);
 * assert.ok(Number.isNaN(w[0]![10]!));
 * assert.ok(w[0]![30]! > w[1]![30]!);
 * assert.ok(Math.abs(w[0]![30]! + w[1]![30]! - 1) < 1e-9);
 * ```
 */
export function minVarianceTargets(
  returns: readonly ArrayLike<number>[],
  window: number,
  every: number,
): Float64Array[] {
  const N = returns.length, T = N === 0 ? 0 : returns[0]!.length;
  const out = returns.map(() => new Float64Array(T).fill(NaN));
  let held: Float64Array | null = null;
  for (let t = window - 1; t < T; t++) {
    if ((t - (window - 1)) % every === 0) {
      const keep: number[] = [];
      for (let a = 0; a < N; a++) {
        let ok = true;
        for (let u = t - window + 1; u <= t && ok; u++) ok = Number.isFinite(returns[a]![u]!);
        if (ok) keep.push(a);
      }
      if (keep.length >= 2) {
        const cols = keep.map((a) =>
          Float64Array.from({ length: window }, (_, j) => returns[a]![t - window + 1 + j]!)
        );
        const lw = ledoitWolf(cols);
        const r = optimizePortfolio({ covariance: lw.covariance, objective: "minVariance" });
        if (r.status === "optimal") {
          held = new Float64Array(N);
          keep.forEach((a, j) => (held![a] = Math.max(0, r.weights[j]!)));
        }
      }
    }
    if (held !== null) { for (let a = 0; a < N; a++) out[a]![t] = held[a]!; }
  }
  return out;
}

function simpleReturns(close: readonly Float64Array[]): Float64Array[] {
  return close.map((c) => {
    const out = new Float64Array(c.length).fill(NaN);
    for (let t = 1; t < c.length; t++) out[t] = c[t]! / c[t - 1]! - 1;
    return out;
  });
}

function cumulative(r: ArrayLike<number>): Float64Array {
  const out = new Float64Array(r.length);
  let g = 1;
  for (let t = 0; t < r.length; t++) {
    if (Number.isFinite(r[t]!)) g *= 1 + r[t]!;
    out[t] = g - 1;
  }
  return out;
}

/**
 * Build the portfolio and backtest section of a panel: (1) the long-short portfolio of
 * `momentum_<momentumBars>` (top quantile long, bottom short, equal weights, gross 1, net 0)
 * through `backtestWeights` with lag 1, fees and Corwin-Schultz half-spreads, its net and
 * gross equity, costs by model and turnover, and the lookahead check of its targets on a sample of
 * bars (`LOOKAHEAD_BACKTEST_SAMPLE`); (2) minimum variance on Ledoit-Wolf covariances
 * ({@link minVarianceTargets}) against equal weights, both rebalanced every `rebalanceBars`
 * bars, lag 1, fees, the minimum-variance targets checked for lookahead on the same sample
 * (equal weights use no data). Deterministic: the
 * same panel gives the same blocks. Cost: one small QP per rebalance, O(T x assets) otherwise.
 *
 * @example Six assets of a sine market
 * ```ts
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import { portfolioSection } from "@lib/report/sections/portfolio_section.ts";
 * import assert from "node:assert/strict";
 * const T = 24 * 20, h = 3_600_000;
 * const close = Array.from({ length: 6 }, (_, k) => Float64Array.from({ length: T }, (_, t) => 100 * Math.exp(0.02 * Math.sin(t / (5 + k)))));
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: close.map((_, k) => `A${k}`),
 *   index: Float64Array.from({ length: T }, (_, t) => t * h), close });
 * const s = portfolioSection(panel);
 * assert.equal(s.longShort.metadata.lag, 1);
 * assert.ok(s.blocks.some((b) => b.type === "figure" && b.id === "portfolio-long-short-equity"));
 * ```
 */
export function portfolioSection(
  panel: Panel,
  options: PortfolioSectionOptions = {},
): PortfolioSection {
  const D = PORTFOLIO_SECTION_DEFAULTS;
  const lookback = options.momentumBars ?? D.momentumBars;
  const quantile = options.quantile ?? D.quantile;
  const window = options.covarianceBars ?? D.covarianceBars;
  const every = options.rebalanceBars ?? D.rebalanceBars;
  const venue = options.feeVenue ?? D.feeVenue;
  const { index, assets } = panel;
  const prices = { close: panel.close, index, assets };
  const barMs = index.length > 1 ? index[1]! - index[0]! : 3_600_000;
  const fees = feeCost({ venue });
  const spreads = halfSpreadCost({
    spreads: estimatedSpreads({ high: panel.high, low: panel.low, close: panel.close }),
  });
  const targets = (p: Panel) => longShort(momentum(p, { lookback }), { quantile }).weights;
  const lsWeights = targets(panel);
  const lookahead = checkLookahead(targets, panel, {
    full: lsWeights,
    sample: LOOKAHEAD_BACKTEST_SAMPLE,
  });
  const rec = options.record;
  // deno-lint-ignore ban-types
  const trial = (params: Record<string, unknown>, source: Function) =>
    rec === undefined ? {} : {
      ledger: rec.ledger,
      trial: { family: PORTFOLIO_FAMILY, params, source, dataset: rec.dataset, freq: rec.freq },
    };
  const ls = backtestWeights(prices, lsWeights, {
    lag: 1,
    costs: [fees, spreads],
    ...trial({ book: "long-short momentum", lookback, quantile, venue }, targets),
  });

  const returns = simpleReturns(panel.close);
  const mvTargets = (p: Panel) => minVarianceTargets(simpleReturns(p.close), window, every);
  const mvWeights = minVarianceTargets(returns, window, every);
  const mvLookahead = checkLookahead(mvTargets, panel, {
    full: mvWeights,
    sample: LOOKAHEAD_BACKTEST_SAMPLE,
  });
  const mv = backtestWeights(prices, mvWeights, {
    lag: 1,
    costs: [fees],
    rebalance: { every, offset: (window - 1) % every },
    ...trial({ book: "min-variance", window, every, venue }, minVarianceTargets),
  });
  const ew = backtestWeights(
    prices,
    panel.close.map((c) =>
      Float64Array.from(c, (_, t) => (t >= window - 1 ? 1 / assets.length : NaN))
    ),
    {
      lag: 1,
      costs: [fees],
      rebalance: { every, offset: (window - 1) % every },
      ...trial({ book: "equal-weight", window, every, venue }, portfolioSection),
    },
  );
  const summary = (r: BacktestResult) => performanceSummary(r.net, index, barMs);
  const lsSum = summary(ls), mvSum = summary(mv), ewSum = summary(ew);
  const lsGross = performanceSummary(ls.gross, index, barMs);
  const costTotal = (r: BacktestResult, name: string) =>
    (r.costs[name] ?? new Float64Array()).reduce((a, b) => a + b, 0);
  const meanTurnover = ls.turnover.reduce((a, b) => a + b, 0) / Math.max(1, ls.turnover.length);

  const blocks: Block[] = [
    {
      type: "paragraph",
      text: `A long-short portfolio of ${lookback}-bar momentum: at each bar the top ` +
        `${Math.round(quantile * 100)}% of assets by momentum are held long and the bottom ` +
        `${Math.round(quantile * 100)}% short, equal weights, +50% and -50% of equity, run ` +
        `through the backtest engine with a lag of one bar (decided at a bar's close, filled at ` +
        `the next close), ${venue} taker fees and half the Corwin-Schultz spread estimated from ` +
        `the bars. ${describeLookahead(lookahead)}`,
    },
    cumulativeReturnsChart({
      index,
      series: [
        { asset: "Long-short momentum (net)", values: cumulative(ls.net) },
        { asset: "Long-short momentum (gross)", values: cumulative(ls.gross) },
      ],
    }, {
      id: "portfolio-long-short-equity",
      title: "Long-short momentum: net against gross equity",
      caption: "Growth of one unit before costs (gross) and after fees and half-spreads (net).",
    }),
    {
      type: "table",
      id: "portfolio-long-short-costs",
      title: "Long-short momentum: what the costs took",
      caption: "Costs summed over the run as fractions of equity at each bar; turnover is the " +
        "mean of sum |traded weight| per bar.",
      columns: [
        column("gross_total", "Gross total return", "percent", 1),
        column("net_total", "Net total return", "percent", 1),
        column("gross_sharpe", "Gross Sharpe", "number", 2),
        column("net_sharpe", "Net Sharpe", "number", 2),
        column("fees", "Fees", "percent", 2),
        column("spread", "Half-spreads", "percent", 2),
        column("turnover", "Mean turnover per bar", "percent", 1),
      ],
      rows: [[
        fin(lsGross.totalReturn),
        fin(lsSum.totalReturn),
        fin(lsGross.sharpe),
        fin(lsSum.sharpe),
        costTotal(ls, fees.name),
        costTotal(ls, spreads.name),
        meanTurnover,
      ]],
    },
    {
      type: "paragraph",
      text: `An allocation by the optimizer: every ${every} bars, the minimum-variance ` +
        `portfolio (long-only, fully invested; optimizePortfolio) on the Ledoit-Wolf shrunk ` +
        `covariance of the last ${window} bars of simple returns, against equal weights ` +
        `rebalanced on the same bars. Both are run through the engine with lag 1 and ${venue} ` +
        "taker fees, and drift with prices between rebalances. Minimum variance: " +
        describeLookahead(mvLookahead),
    },
    cumulativeReturnsChart({
      index,
      series: [
        { asset: "Minimum variance (Ledoit-Wolf)", values: cumulative(mv.net) },
        { asset: "Equal weight", values: cumulative(ew.net) },
      ],
    }, {
      id: "portfolio-allocation-equity",
      title: "Minimum variance against equal weight (net of fees)",
      caption: "Growth of one unit from the first bar; flat until the first covariance window " +
        "is full.",
    }),
    {
      type: "table",
      id: "portfolio-allocation-summary",
      title: "Allocations side by side (net of fees)",
      caption: "Annualized with 365-day years; Sharpe without a risk-free rate.",
      columns: [
        column("portfolio", "Portfolio", "text"),
        column("total", "Total return", "percent", 1),
        column("vol", "Volatility (annualized)", "percent", 1),
        column("sharpe", "Sharpe", "number", 2),
        column("max_dd", "Max drawdown", "percent", 1),
      ],
      rows: [
        ["Minimum variance (Ledoit-Wolf)", mvSum],
        ["Equal weight", ewSum],
        ["Long-short momentum", lsSum],
      ].map(([name, s]) => {
        const x = s as typeof lsSum;
        return [
          name as string,
          fin(x.totalReturn),
          fin(x.volatility),
          fin(x.sharpe),
          fin(x.maxDrawdown),
        ];
      }),
    },
  ];
  return {
    blocks,
    longShort: ls,
    longShortLookahead: lookahead,
    minVarianceLookahead: mvLookahead,
    minVariance: mv,
    equalWeight: ew,
  };
}

function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
