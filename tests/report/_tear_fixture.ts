/**
 * Deterministic figures of the tear-sheet charts (strategy and signal tear sheets) for the
 * snapshot tests: hand-made smooth values, no randomness, and hostile names where a chart
 * shows a name.
 */
import {
  calendarHeatmapChart,
  capacityChart,
  histogramChart,
  qqPlotChart,
  quantileErrorBarChart,
  timeSeriesChart,
  underwaterChart,
  valueBarChart,
} from "@lib/report/charts/mod.ts";
import type { FigureBlock } from "@lib/report/model.ts";
import { INDEX, XSS_SCRIPT } from "./_fixture.ts";

const N = INDEX.length;
const wave = (i: number) => 0.01 * Math.sin(i / 3) + 0.004 * Math.cos(i / 1.7);

/** One figure per tear-sheet chart, keyed by snapshot name. */
export function tearFigures(): Record<string, FigureBlock> {
  let eq = 1, peak = 1;
  const underwater = Float64Array.from(INDEX, (_, i) => {
    eq *= 1 + wave(i);
    peak = Math.max(peak, eq);
    return eq / peak - 1;
  });
  const nan = NaN;
  return {
    underwater: underwaterChart({ index: INDEX, underwater }),
    "calendar-heatmap": calendarHeatmapChart([
      {
        year: 2023,
        months: [nan, nan, nan, nan, nan, nan, nan, nan, 0.031, -0.052, 0.12, 0.004],
        total: 0.1,
      },
      {
        year: 2024,
        months: [0.08, -0.021, 0.0, nan, nan, nan, nan, nan, nan, nan, nan, nan],
        total: 0.057,
      },
    ]),
    "value-bars": valueBarChart([
      { label: "2023", value: 0.1 },
      { label: "2024", value: -0.057 },
      { label: XSS_SCRIPT, value: 0.02 },
    ]),
    histogram: histogramChart(Float64Array.from(INDEX, (_, i) => wave(i)), {
      bins: 12,
      marks: [{ label: "VaR 95%", value: -0.011 }],
    }),
    "qq-plot": qqPlotChart(Float64Array.from(INDEX, (_, i) => wave(i) + 0.02 * (i === 7 ? 1 : 0))),
    "time-series": timeSeriesChart(INDEX, [
      {
        asset: "Rolling Sharpe",
        values: Float64Array.from(INDEX, (_, i) => (i < 6 ? NaN : 2 * Math.sin(i / 8))),
      },
      { asset: XSS_SCRIPT, values: Float64Array.from(INDEX, (_, i) => Math.cos(i / 8)) },
    ], { yLabel: "Sharpe ratio" }),
    capacity: capacityChart({
      capital: [1e4, 1e5, 1e6, 1e7, 1e8],
      netSharpe: [2.1, 2.05, 1.8, 1.1, -0.3],
      netReturn: [0.5, 0.49, 0.42, 0.2, -0.05],
      netCagr: [0.5, 0.49, 0.42, 0.2, -0.05],
    }),
    "quantile-error-bars": quantileErrorBarChart(
      [1, 2, 3, 4, 5].map((q) => ({ quantile: q, mean: (q - 3) * 0.0004, stdError: 0.0003, n: N })),
      1,
    ),
  };
}
