/**
 * Chart: data coverage per asset over time, with the gaps marked.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { ASSET_COLUMN, column, type FigureBlock } from "../model.ts";
import { renderPlot } from "../plot_svg.ts";
import { DEFAULT_WIDTH, figureBlock, type FigureOptions } from "./figure.ts";
import { labelMargin } from "./series.ts";

/** One asset's stored span. */
export interface CoverageAsset {
  readonly asset: string;
  /** Open time of the first bar, UTC epoch ms. */
  readonly firstTs: number;
  /** Open time of the last bar, UTC epoch ms. */
  readonly lastTs: number;
  /** Bars present. */
  readonly bars: number;
}

/** A run of missing bars `[startTs, endTs)` for one asset. */
export interface CoverageGap {
  readonly asset: string;
  /** Open time of the first missing bar, UTC epoch ms. */
  readonly startTs: number;
  /** Open time of the first bar after the gap, UTC epoch ms (exclusive end). */
  readonly endTs: number;
}

/** Input of {@link coverageChart}. */
export interface CoverageInput {
  readonly assets: readonly CoverageAsset[];
  readonly gaps: readonly CoverageGap[];
  /** Bar length in ms (the span of the last bar is `[lastTs, lastTs + freqMs)`). */
  readonly freqMs: number;
}

const PRESENT = "bars present";
const MISSING = "missing";

/**
 * One row per asset: a light band from its first to its last bar, with every gap drawn in red
 * (plus a tick, so a single missing bar stays visible at any width). The data summary has one
 * row per asset: first and last bar, bars present, bars missing and the number of gaps.
 *
 * @example One asset with a two-hour gap
 * ```ts
 * import { coverageChart } from "@lib/report/charts/coverage.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * const fig = coverageChart({
 *   freqMs: h,
 *   assets: [{ asset: "BTC", firstTs: 0, lastTs: 9 * h, bars: 8 }],
 *   gaps: [{ asset: "BTC", startTs: 4 * h, endTs: 6 * h }],
 * });
 * assert.deepEqual(fig.data.rows[0], ["BTC", 0, 9 * h, 8, 2, 1]);
 * ```
 */
export function coverageChart(input: CoverageInput, options: FigureOptions = {}): FigureBlock {
  const id = options.id ?? "coverage";
  const names = input.assets.map((a) => a.asset);
  const known = new Set(names);
  for (const g of input.gaps) {
    if (!known.has(g.asset)) {
      throw new RangeError(`Cannot draw coverage: gap for unknown asset "${g.asset}"`);
    }
    if (!(g.endTs > g.startTs)) {
      throw new RangeError(
        `Cannot draw coverage: gap of "${g.asset}" ends (${g.endTs}) before it starts (${g.startTs})`,
      );
    }
  }
  const spans = input.assets.filter((a) => a.bars > 0);
  const svg = renderPlot({
    width: options.width ?? DEFAULT_WIDTH,
    height: Math.max(100, (names.length > 40 ? 12 : 18) * names.length + 60),
    marginLeft: labelMargin(names),
    x: { type: "utc", label: null },
    y: { domain: names, label: null },
    color: { domain: [PRESENT, MISSING], range: ["#a6c4e0", "#d62728"], legend: true },
    marks: [
      Plot.barX({ length: spans.length }, {
        x1: spans.map((a) => new Date(a.firstTs)),
        x2: spans.map((a) => new Date(a.lastTs + input.freqMs)),
        y: spans.map((a) => a.asset),
        fill: spans.map(() => PRESENT),
        insetTop: 2,
        insetBottom: 2,
      }),
      Plot.barX({ length: input.gaps.length }, {
        x1: input.gaps.map((g) => new Date(g.startTs)),
        x2: input.gaps.map((g) => new Date(g.endTs)),
        y: input.gaps.map((g) => g.asset),
        fill: input.gaps.map(() => MISSING),
        insetTop: 2,
        insetBottom: 2,
      }),
      Plot.tickX({ length: input.gaps.length }, {
        x: input.gaps.map((g) => new Date((g.startTs + g.endTs) / 2)),
        y: input.gaps.map((g) => g.asset),
        stroke: input.gaps.map(() => MISSING),
        strokeWidth: 1.5,
        insetTop: 2,
        insetBottom: 2,
      }),
    ],
  }, id);
  const missing = new Map<string, number>();
  const count = new Map<string, number>();
  for (const g of input.gaps) {
    missing.set(
      g.asset,
      (missing.get(g.asset) ?? 0) + Math.round((g.endTs - g.startTs) / input.freqMs),
    );
    count.set(g.asset, (count.get(g.asset) ?? 0) + 1);
  }
  return figureBlock(
    id,
    options,
    {
      title: "Data coverage and gaps",
      caption: "Each row spans an asset's first to last bar; red marks bars that are missing. " +
        "Missing bars are gaps, never zero returns.",
    },
    svg,
    {
      columns: [
        ASSET_COLUMN,
        column("first", "First bar", "datetime"),
        column("last", "Last bar", "datetime"),
        column("bars", "Bars", "integer"),
        column("missing", "Missing", "integer"),
        column("gaps", "Gaps", "integer"),
      ],
      rows: input.assets.map((a) => [
        a.asset,
        a.bars > 0 ? a.firstTs : null,
        a.bars > 0 ? a.lastTs : null,
        a.bars,
        missing.get(a.asset) ?? 0,
        count.get(a.asset) ?? 0,
      ]),
    },
  );
}
