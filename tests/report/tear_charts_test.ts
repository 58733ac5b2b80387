/**
 * Behaviour of the tear-sheet charts beyond their snapshots: axes and colors on the data's
 * scale (Plot's `percent` option multiplies the data by 100 before the domain applies, which
 * once drew a -60% drawdown on a -0.6% axis and every monthly return in the darkest color).
 */
import assert from "node:assert/strict";
import {
  calendarHeatmapChart,
  capacityChart,
  histogramChart,
  underwaterChart,
} from "@lib/report/charts/mod.ts";

const H = 3_600_000;

Deno.test("underwater: a 50% drawdown is drawn on an axis that reaches -50%", () => {
  const underwater = [0, -0.1, -0.5, -0.2, 0];
  const fig = underwaterChart({ index: underwater.map((_, i) => i * H), underwater });
  const ticks = [...fig.svg.matchAll(/y="0.32em">([^<]+)</g)].map((m) =>
    Number(m[1]!.replace("−", "-"))
  );
  assert.ok(Math.min(...ticks) <= -40, `y ticks ${ticks.join(", ")}`);
  assert.equal(fig.data.rows[0]![0], -0.5);
});

Deno.test("calendar heatmap: a small value gets a pale cell, the largest a saturated one", () => {
  const nan = NaN;
  const fig = calendarHeatmapChart([{
    year: 2021,
    months: [0.2, 0.01, -0.2, nan, nan, nan, nan, nan, nan, nan, nan, nan],
    total: 0,
  }]);
  const fills = [...fig.svg.matchAll(/<rect[^>]*fill="(rgb\([^)]+\))"/g)].map((m) => m[1]!);
  assert.equal(fills.length, 3, fig.svg);
  const light = (c: string) => c.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
  assert.ok(light(fills[1]!) > light(fills[0]!) + 150, `${fills.join(" ")}`);
  assert.ok(light(fills[1]!) > light(fills[2]!) + 150, `${fills.join(" ")}`);
});

Deno.test("histogram: counts every finite value once, the maximum in the last bin", () => {
  const v = [0, 0.25, 0.5, 0.75, 1, NaN, Infinity];
  const fig = histogramChart(v, { bins: 4, percent: false });
  assert.deepEqual(fig.data.rows.map((r) => r[2]), [1, 1, 1, 2]);
  assert.throws(() => histogramChart(v, { bins: 0 }), /bins must be an integer >= 1/);
});

Deno.test("capacity: the caption follows the data (falls, rises, flat, crosses zero)", () => {
  const capital = [1e4, 1e5, 1e6, 1e7, 1e8];
  const fig = (netSharpe: number[]) =>
    capacityChart({ capital, netSharpe, netReturn: netSharpe, netCagr: netSharpe }).caption ?? "";
  // the old caption said "falls" whatever the data
  const falling = fig([1.5, 1.4, 1.1, 0.4, -0.6]);
  assert.match(falling, /falls from 1\.50 at \$10,000 to -0\.60 at \$100,000,000/);
  // 0.4 at 1e7 and -0.6 at 1e8: zero at 10^(7 + 0.4) = 25,118,864, shown with 2 digits
  assert.match(
    falling,
    /crosses zero at about \$25,000,000 \(log-linear between the runs at \$10,000,000 and \$100,000,000\)/,
  );
  assert.doesNotMatch(falling, /rises/);
  const rising = fig([-0.2, 0.1, 0.5, 0.8, 0.9]);
  assert.match(rising, /rises from -0\.20 at \$10,000 to 0\.90 at \$100,000,000/);
  assert.match(rising, /crosses zero at about \$\d/);
  assert.doesNotMatch(rising, /falls/);
  const flat = fig([1.2, 1.2, 1.2, 1.2, 1.2]);
  assert.match(flat, /is flat at 1\.20 from \$10,000 to \$100,000,000/);
  assert.doesNotMatch(flat, /falls|rises|crosses/);
  assert.match(fig([NaN, NaN, NaN, NaN, 1]), /finite at 1 of 5 capitals, too few/);
});
