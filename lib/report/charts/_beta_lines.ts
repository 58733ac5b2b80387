/**
 * The figure the beta charts share (internal: not re-exported by charts/mod.ts).
 *
 * @module
 */
import { ASSET_COLUMN, column, type FigureBlock } from "../model.ts";
import { figureBlock, type FigureOptions } from "./figure.ts";
import { MANY_SERIES_HIGHLIGHT, MAX_LEGEND_SERIES, multiLinePlot } from "./multi_line.ts";
import { type NamedSeries, summaryRows } from "./series.ts";

/**
 * The figure of every beta chart (rolling_beta.ts, factor_betas.ts): one line per asset
 * labelled `yLabel`, a dashed reference at beta 1, the y domain [0, 2] when nothing is finite,
 * and a data summary of last, mean, lowest and highest beta per asset. O(assets x bars).
 */
export function betaLinesFigure(
  id: string,
  index: ArrayLike<number>,
  series: readonly NamedSeries[],
  options: FigureOptions & { readonly maxPoints?: number; readonly maxSeries?: number },
  yLabel: string,
  text: { readonly title: string; readonly caption: string },
): FigureBlock {
  const { svg, points } = multiLinePlot(index, series, { ...options, id }, {
    yLabel,
    emptyDomain: [0, 2],
    reference: { y: 1, dashed: true },
  });
  const n = series.length;
  const caption = n > (options.maxSeries ?? MAX_LEGEND_SERIES)
    ? `${text.caption} With ${n} assets, the chart shows the median and the 10-90% band of ` +
      `all ${n}, and the ${MANY_SERIES_HIGHLIGHT} highest and lowest by last value; the table ` +
      `below lists every asset.`
    : text.caption;
  return figureBlock(id, options, { ...text, caption }, svg, {
    columns: [
      ASSET_COLUMN,
      column("last", "Last", "number", 3),
      column("mean", "Mean", "number", 3),
      column("min", "Lowest", "number", 3),
      column("max", "Highest", "number", 3),
    ],
    rows: summaryRows(series, ["last", "mean", "min", "max"]),
  }, points);
}
