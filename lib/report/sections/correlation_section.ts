/**
 * Report section: how the assets move together: the correlation matrix of one-bar log returns
 * and each asset's rolling beta to a benchmark.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { resolveFactorAsset } from "../../research/factor_assets.ts";
import { correlationMatrix, rollingBeta } from "../../stats/mod.ts";
import type { Block } from "../model.ts";
import { correlationHeatmapChart } from "../charts/correlation_heatmap.ts";
import { rollingBetaChart } from "../charts/rolling_beta.ts";
import { barWords } from "./_bars.ts";

/** Rolling-beta window in bars by default: 168 (7 days of hourly bars). */
export const DEFAULT_BETA_WINDOW = 168;

/** Options of {@link correlationSection}; every field is optional. */
export interface CorrelationSectionOptions {
  /**
   * The benchmark of the rolling beta: an exact asset label, or a factor name resolved as the
   * factor model does (`BTC` matches `BTCUSDT`, `BTCSIM`, ...). Default `BTC`.
   */
  readonly benchmark?: string;
  /** Rolling-beta window in bars. Default {@link DEFAULT_BETA_WINDOW}. */
  readonly betaWindow?: number;
  /** Fewest pairs of returns a correlation needs. Default 24. */
  readonly minPeriods?: number;
}

/** What {@link correlationSection} returns. */
export interface CorrelationSectionResult {
  readonly blocks: Block[];
  /** The asset used as benchmark, or null when none matched. */
  readonly benchmark: string | null;
}

/**
 * The correlation matrix of one-bar log returns (pairwise complete, at least `minPeriods`
 * pairs) as a heatmap, and the rolling OLS beta of every other asset's one-bar log returns to
 * the benchmark's over the trailing `betaWindow` bars (at least 3/4 of them complete). Strict
 * one-bar returns are used (NaN on both sides of a missing bar): a move across a gap spans
 * several bars and would inflate both. Without a benchmark asset, or with too little data for
 * one window, a note replaces the beta chart.
 *
 * @example No benchmark in the universe
 * ```ts
 * import { correlationSection } from "@lib/report/sections/correlation_section.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const n = 48;
 * const close = [1, 2].map((k) => Float64Array.from({ length: n }, (_, i) => 100 + k * Math.sin(i)));
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A", "B"],
 *   index: Float64Array.from({ length: n }, (_, i) => i * 3_600_000), close });
 * const s = correlationSection(panel);
 * assert.equal(s.benchmark, null);
 * assert.ok(s.blocks.some((b) => b.type === "figure" && b.id === "correlation"));
 * ```
 */
export function correlationSection(
  panel: Panel,
  options: CorrelationSectionOptions = {},
): CorrelationSectionResult {
  const betaWindow = options.betaWindow ?? DEFAULT_BETA_WINDOW;
  const wanted = options.benchmark ?? "BTC";
  const w = barWords(panel.freq);
  const rets = panel.logReturns;
  const blocks: Block[] = [
    correlationHeatmapChart({
      assets: panel.assets,
      matrix: correlationMatrix(rets, { minPeriods: options.minPeriods ?? 24 }),
    }),
  ];
  let benchmark: string | null = panel.assets.includes(wanted) ? wanted : null;
  if (benchmark === null) {
    try {
      benchmark = resolveFactorAsset(panel.assets, wanted);
    } catch {
      benchmark = null;
    }
  }
  if (benchmark === null) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No rolling beta: the universe has no ${wanted} asset to use as benchmark. Add ` +
        `${wanted}USDT (or the venue's ${wanted} pair) to the universe.`,
    });
    return { blocks, benchmark };
  }
  const b = panel.assets.indexOf(benchmark);
  const minObs = Math.max(2, Math.ceil(betaWindow * 0.75));
  const series = panel.assets.flatMap((asset, i) =>
    i === b ? [] : [{ asset, values: rollingBeta(rets[i]!, rets[b]!, betaWindow, { minObs }) }]
  );
  if (series.some((s) => s.values.some(Number.isFinite))) {
    blocks.push(
      rollingBetaChart({ index: panel.index, benchmark, window: betaWindow, series }),
      {
        type: "note",
        level: "info",
        text: `Rolling beta at bar t uses the ${betaWindow} ${w.unit}s ending at t inclusive ` +
          `(at least ${minObs} complete pairs), so it describes the past; it is not a forecast.`,
      },
    );
  } else {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No rolling beta to ${benchmark}: a ${betaWindow}-bar window needs at least ` +
        `${minObs} complete ${w.span} returns of both assets, and the data has ` +
        `${panel.index.length} bars. Use more data or a shorter window.`,
    });
  }
  return { blocks, benchmark };
}
