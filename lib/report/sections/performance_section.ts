/**
 * Report section: per-asset returns, volatility, Sharpe and drawdown, with the Sharpe bars and
 * the cumulative returns chart.
 *
 * @module
 */
import { freqMs, PERIODS_PER_YEAR } from "../../core/freq.ts";
import type { Panel } from "../../panel/types.ts";
import { closeSpan, spanningLogReturns } from "../../panel/spanning_log_returns.ts";
import {
  annualizedReturn,
  annualizedVolatility,
  cumulativeReturns,
  maxDrawdown,
} from "../../stats/mod.ts";
import { ASSET_COLUMN, type Block, type Cell, column } from "../model.ts";
import { sharpeBarChart } from "../charts/sharpe_bars.ts";
import { cumulativeReturnsChart } from "../charts/cumulative_returns.ts";
import { barWords } from "./_bars.ts";

/** One asset's performance figures (see {@link performanceSection}). */
export interface AssetPerformance {
  readonly asset: string;
  /** One-bar log returns with both closes present (the inputs of the volatility). */
  readonly returns: number;
  /** Annualized geometric return (fraction). */
  readonly annReturn: number;
  /** Annualized log return. */
  readonly annLogReturn: number;
  /** Annualized volatility of one-bar log returns. */
  readonly annVolatility: number;
  /** Annualized log return / annualized volatility (risk-free 0); NaN at zero volatility. */
  readonly sharpe: number;
  /** Largest fall from a peak of the close-to-close equity curve (fraction, >= 0). */
  readonly maxDrawdown: number;
}

/** What {@link performanceSection} returns. */
export interface PerformanceSectionResult {
  readonly blocks: Block[];
  /** One entry per panel asset, in panel order. */
  readonly assets: AssetPerformance[];
}

/**
 * Per-asset performance of a panel, annualized over a 365-day year.
 *
 * Two kinds of log returns are used, so that a gap is never a zero return and a price move
 * across a gap never vanishes:
 * - levels use gap-spanning returns (`spanningLogReturns`: the first bar after a gap carries
 *   the whole move across it): cumulative returns (the last equals last close / first close
 *   - 1; the line is broken wherever the close is missing), maximum drawdown, and the
 *   annualized return: the total log growth divided by the bars ELAPSED from the first to the
 *   last close (missing bars count as time), times bars per year, shown as a geometric return;
 * - spreads use strict one-bar returns (`panel.logReturns`, NaN across gaps): annualized
 *   volatility (standard deviation x sqrt(bars per year)).
 *
 * Sharpe = annualized log return / annualized volatility (risk-free 0).
 *
 * @example Two assets
 * ```ts
 * import { performanceSection } from "@lib/report/sections/performance_section.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const n = 48, h = 3_600_000;
 * const close = [1, 2].map((k) => Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * k * Math.sin(i))));
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A", "B"],
 *   index: Float64Array.from({ length: n }, (_, i) => i * h), close });
 * const s = performanceSection(panel);
 * assert.equal(s.assets[0]!.returns, n - 1);
 * assert.ok(s.blocks.some((b) => b.type === "table" && b.id === "metrics"));
 * ```
 */
export function performanceSection(panel: Panel): PerformanceSectionResult {
  const ppy = PERIODS_PER_YEAR[panel.freq];
  const w = barWords(panel.freq);
  const spanning = panel.close.map((c) => spanningLogReturns(c));
  const assets: AssetPerformance[] = panel.assets.map((asset, i) => {
    const r = panel.logReturns[i]!;
    let returns = 0;
    for (let t = 0; t < r.length; t++) if (Number.isFinite(r[t]!)) returns++;
    const elapsed = closeSpan(panel.close[i]!).elapsed;
    const ann = annualizedReturn(spanning[i]!, ppy, elapsed > 0 ? { elapsedPeriods: elapsed } : {});
    const vol = annualizedVolatility(r, ppy);
    return {
      asset,
      returns,
      annReturn: ann.geometricReturn,
      annLogReturn: ann.logReturn,
      annVolatility: vol,
      sharpe: vol > 0 ? ann.logReturn / vol : NaN,
      maxDrawdown: maxDrawdown(spanning[i]!).maxDrawdown,
    };
  });
  const rows: Cell[][] = assets.map((m) => [
    m.asset,
    m.returns,
    m.annReturn,
    m.annVolatility,
    m.sharpe,
    m.maxDrawdown,
  ]);
  const cumulative = panel.assets.map((asset, i) => ({
    asset,
    values: cumulativeReturns(spanning[i]!), // NaN where the close is missing: the line breaks
  }));
  const days = panel.index.length * freqMs(panel.freq) / 86_400_000;
  const blocks: Block[] = [
    ...(days < 365
      ? [{
        type: "note" as const,
        level: "warning" as const,
        text:
          `Annualized figures extrapolate ${
            Math.round(days * 10) / 10
          } days of returns to a 365-day year; over so short a sample they mostly reflect ` +
          `noise, so compare assets with them rather than read them as forecasts.`,
      }]
      : []),
    {
      type: "table",
      id: "metrics",
      title: "Per-asset performance",
      caption: `Annualized over a 365-day year (${w.perYear} ${w.unit}s). Return = ` +
        `exp(ln(last close / first close) / ${w.unit}s elapsed x ${w.perYear}) - 1, ${w.unit}s ` +
        `elapsed counting missing ones; volatility = standard deviation of the ${w.span} log ` +
        `returns x sqrt(${w.perYear}); Sharpe = annualized log return / annualized volatility ` +
        `(risk-free rate 0); maximum drawdown of the close-to-close equity curve, moves ` +
        `across gaps included. Returns: the ${w.span} log returns behind the volatility.`,
      columns: [
        ASSET_COLUMN,
        column("returns", `${w.span[0]!.toUpperCase()}${w.span.slice(1)} returns`, "integer"),
        column("ann_return", "Ann. return", "percent", 1),
        column("ann_volatility", "Ann. volatility", "percent", 1),
        column("sharpe", "Sharpe", "number", 2),
        column("max_drawdown", "Max drawdown", "percent", 1),
      ],
      rows,
    },
    sharpeBarChart(assets.map((m) => ({ asset: m.asset, sharpe: m.sharpe }))),
    cumulativeReturnsChart({ index: panel.index, series: cumulative }),
  ];
  return { blocks, assets };
}
