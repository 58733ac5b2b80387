/**
 * Thinning long series for drawing keeps extremes: a one-bar crash in a 5,000-bar backtest is
 * drawn in the equity, underwater and exposure charts of the strategy tear sheet. Keeping every
 * k-th bar (the old rule, k = 10 here) dropped bar 1,237 and drew none of these spikes.
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { strategyTearSheet } from "@lib/report/tears/strategy_tear_sheet.ts";
import { decimationIndices, toLongColumns } from "@lib/report/charts/series.ts";
import { timeSeriesChart } from "@lib/report/charts/time_series.ts";
import type { FigureBlock } from "@lib/report/model.ts";

const H = 3_600_000;
const T = 5000, SPIKE = 1237;

Deno.test("decimation: a one-bar spike survives, with the first and last point, bounded size", () => {
  const values = Float64Array.from({ length: T }, (_, i) => Math.sin(i / 50));
  values[SPIKE] = 40;
  values[SPIKE + 2000] = -40;
  const kept = decimationIndices(values, 500);
  assert.ok(kept.includes(SPIKE) && kept.includes(SPIKE + 2000));
  assert.equal(kept[0], 0);
  assert.equal(kept[kept.length - 1], T - 1);
  assert.ok(kept.length <= 502, `${kept.length} points`);
  assert.ok(kept.every((k, i) => i === 0 || k > kept[i - 1]!), "ascending, no repeats");
  // every bucket's extremes: the drawn range is the series' range
  const cols = toLongColumns(
    Float64Array.from({ length: T }, (_, i) => i * H),
    [{ asset: "A", values }],
    500,
  );
  assert.equal(Math.max(...cols.y), 40);
  assert.equal(Math.min(...cols.y), -40);
  // short series are drawn whole; a bad maxPoints is refused
  assert.deepEqual(decimationIndices([1, 2, 3], 500), [0, 1, 2]);
  assert.throws(() => decimationIndices([1, 2, 3], 1), /maxPoints must be >= 2, got 1/);
});

Deno.test("strategy tear sheet: a one-bar crash is drawn in equity, underwater and exposure", () => {
  const index = Float64Array.from({ length: T }, (_, t) => Date.UTC(2021, 0, 1) + t * H);
  // a gentle wave with a one-bar 30% crash at SPIKE that recovers the next bar
  const close = [Float64Array.from({ length: T }, (_, t) => 100 + Math.sin(t / 200))];
  close[0]![SPIKE] = close[0]![SPIKE - 1]! * 0.7;
  // fully invested, except one bar where the target jumps to 3x (an exposure spike)
  const w = [Float64Array.from({ length: T }, (_, t) => (t === SPIKE + 500 ? 3 : 1))];
  const result = backtestWeights({ close, index, assets: ["BTCUSDT"] }, w);
  const sheet = strategyTearSheet(result, { barMs: H });
  const fig = (id: string) =>
    sheet.sections.flatMap((s) => s.blocks).find((b) =>
      b.type === "figure" && b.id === id
    ) as FigureBlock;
  const ys = (id: string, series: string) =>
    fig(id).tidy.rows.filter((r) => r.series === series).map((r) => r.y as number | null);

  // the equity falls about 30% at the crash bar (held with lag 1, so the crash bar's return)
  const equity = ys("strategy-equity", "Strategy (net)");
  const low = Math.min(...equity.filter((v): v is number => v !== null));
  assert.ok(low < -0.25, `the lowest equity drawn is ${low}`);
  const under = ys("strategy-underwater", "drawdown");
  const deepest = Math.min(...under.filter((v): v is number => v !== null));
  assert.ok(deepest < -0.25, `the deepest drawdown drawn is ${deepest}`);
  assert.equal(deepest, fig("strategy-underwater").data.rows[0]![0], "drawn = stated deepest");
  const gross = ys("strategy-exposure", "Gross exposure");
  assert.ok(gross.includes(3), "the one-bar 3x exposure is drawn");
  assert.ok(gross.length < 600, `${gross.length} points drawn`);

  // the same run gives the same bytes
  const again = strategyTearSheet(backtestWeights({ close, index, assets: ["BTCUSDT"] }, w), {
    barMs: H,
  });
  assert.equal(JSON.stringify(sheet.sections), JSON.stringify(again.sections));
});

Deno.test("many series: a market-wide one-bar crash stays in the thinned median line", () => {
  const index = Float64Array.from({ length: T }, (_, i) => i * H);
  const series = Array.from({ length: 30 }, (_, k) => ({
    asset: `A${k}`,
    values: Float64Array.from(index, (_, i) => (i === SPIKE ? -0.5 : 0.001 * k * Math.sin(i / 90))),
  }));
  const fig = timeSeriesChart(index, series, { id: "many", maxPoints: 500 });
  const med = fig.tidy.rows.filter((r) => r.series === "median of 30");
  const crash = med.find((r) => r.time === new Date(SPIKE * H).toISOString());
  assert.ok(crash !== undefined, "the crash bar is kept (every 10th bar was kept before)");
  assert.equal(crash.y, -0.5);
  assert.ok(med.length <= 502, `${med.length} median points`);
});
