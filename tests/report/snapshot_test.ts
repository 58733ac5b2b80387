/**
 * Snapshot tests of every chart's SVG. Run with UPDATE_SNAPSHOTS=1 to rewrite the files in
 * __snapshots__/ after an intended change, then review the diff. The files end in `.svg.snap`
 * so that `deno fmt` (which formats `.svg`) leaves the exact bytes alone.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as Plot from "@observablehq/plot";
import { type PlotOptions, renderPlot } from "@lib/report/plot_svg.ts";
import * as charts from "@lib/report/charts/mod.ts";
import { toLongColumns } from "@lib/report/charts/series.ts";
import { plot } from "@lib/display/figure.ts";
import { figures, INDEX, many } from "./_fixture.ts";
import { tearFigures } from "./_tear_fixture.ts";

const DIR = new URL("./__snapshots__/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_SNAPSHOTS") === "1";

function snapshot(name: string, actual: string) {
  const path = fileURLToPath(new URL(`${name}.svg.snap`, DIR));
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`No snapshot ${path}: run with UPDATE_SNAPSHOTS=1 to create it`);
    writeFileSync(path, actual + "\n");
    return;
  }
  assert.equal(actual + "\n", readFileSync(path, "utf8"), `${name} differs from ${path}`);
}

const figs = { ...figures(), ...tearFigures() };
for (const name of Object.keys(figs) as (keyof typeof figs)[]) {
  Deno.test(`chart snapshot: ${name}`, () => snapshot(name, figs[name].svg));
}

Deno.test("charts are identical when rendered again in the same process (no id counters)", () => {
  const again = { ...figures(), ...tearFigures() };
  for (const name of Object.keys(figs) as (keyof typeof figs)[]) {
    assert.equal(again[name].svg, figs[name].svg, name);
  }
});

Deno.test("chart coordinates are rounded to at most 2 decimals", () => {
  for (const [name, f] of Object.entries(figs)) {
    for (const m of f.svg.matchAll(/ (?:d|transform|x|y|width|height)="([^"]*)"/g)) {
      assert.ok(!/\d\.\d{3}/.test(m[1]!), `${name}: ${m[0]}`);
    }
  }
});

Deno.test("Plot's counter ids are renamed after the figure and references still resolve", () => {
  const opts = {
    width: 200,
    height: 100,
    marks: [Plot.lineY([1, 3, 2], { clip: true }), Plot.dot([1, 2], { clip: true })],
  };
  const svg = renderPlot(opts, "clipped");
  const ids = [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
  assert.deepEqual(ids, ["clipped-clip-1"]); // both marks share the frame's clip path
  const refs = [...svg.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]!);
  assert.ok(refs.length >= 1);
  for (const r of refs) assert.ok(ids.includes(r), r);
  // Plot's own counter has moved on, our ids have not.
  assert.equal(renderPlot(opts, "clipped"), svg);
});

Deno.test("every chart function of lib/report/charts has a snapshot", () => {
  const ids = new Set(Object.values(figs).map((f) => f.id));
  const chartFns = Object.keys(charts).filter((k) => /Chart$/.test(k)).sort();
  // Each chart's default block id, as in the fixture (factor betas are named per factor).
  const defaultId: Record<string, string> = {
    correlationHeatmapChart: "correlation",
    coverageChart: "coverage",
    cumulativeReturnsChart: "cumulative-returns",
    factorBetasChart: "factor-betas-btc",
    icBarChart: "ic-bars",
    icDecayChart: "ic-decay",
    quantileBarChart: "quantile-returns",
    rawVsResidualChart: "raw-vs-residual",
    rollingBetaChart: "rolling-beta",
    sharpeBarChart: "sharpe",
    spreadZScoreChart: "spread-zscore",
    // tear-sheet charts (tests/report/_tear_fixture.ts)
    calendarHeatmapChart: "calendar-heatmap",
    capacityChart: "capacity",
    histogramChart: "histogram",
    qqPlotChart: "qq-plot",
    quantileErrorBarChart: "quantile-error-bars",
    timeSeriesChart: "time-series",
    underwaterChart: "underwater",
    valueBarChart: "value-bars",
  };
  assert.deepEqual(chartFns, Object.keys(defaultId).sort(), "a new chart needs a fixture entry");
  for (const fn of chartFns) assert.ok(ids.has(defaultId[fn]!), `${fn} has no snapshot`);
});

const P_VALUE_PLOT: PlotOptions = {
  width: 400,
  height: 200,
  y: { type: "log", label: "p-value (log scale)", domain: [0.01, 1] },
  marks: [Plot.dot([{ t: 0, p: 0.2 }, { t: 1, p: 0.03 }], { x: "t", y: "p" })],
};

Deno.test("chart snapshot: p-value axis (log scale)", () => {
  snapshot("p-value-axis", renderPlot(P_VALUE_PLOT, "p-values"));
});

Deno.test("a log axis reads 0.2, not 200m, in reports and in notebook figures", () => {
  for (const svg of [renderPlot(P_VALUE_PLOT, "p-values"), plot(P_VALUE_PLOT).svg]) {
    assert.match(svg, />0\.2</);
    assert.match(svg, />0\.01</);
    assert.doesNotMatch(svg, />\d+(\.\d+)?[mµ]</, "an SI prefix on a p-value axis");
  }
});

Deno.test("more than 12 series: a summary band and 10 named lines, not a legend of every series", () => {
  const fig = figs["cumulative-many"];
  assert.match(fig.svg, /median of 30/);
  assert.match(fig.svg, /10-90% of them/);
  const named = many(30).map((s) => s.asset).filter((a) => fig.svg.includes(`>${a}<`));
  assert.equal(named.length, 10, named.join(", "));
  assert.equal(fig.data.rows.length, 30, "the data table still lists every series");
  // Growth over a factor of 10 goes on a log axis, a narrower range stays linear.
  assert.match(figs["cumulative-many-log"].svg, /Growth of 1 \(log scale\)/);
  assert.match(figs["cumulative-many-log"].caption, /log scale/);
  assert.doesNotMatch(fig.svg, /log scale/);
  // Four series stay one line each, with a legend entry each.
  assert.doesNotMatch(figs.cumulative.svg, /median of/);
});

Deno.test("a line breaks at a gap even when thinning skips the missing points", () => {
  // 1,000 hourly values thinned to 500 points: the 1-bar gap at 501 falls between two kept
  // points; a flat or straight segment across it would hide the gap.
  const index = Float64Array.from({ length: 1000 }, (_, i) => i * 3_600_000);
  const values = Float64Array.from(index, (_, i) => (i === 501 ? NaN : i));
  const cols = toLongColumns(index, [{ asset: "A", values }], 500);
  const at = cols.x.findIndex((d) => d.getTime() === 501 * 3_600_000);
  assert.ok(at > 0, "the missing point is kept");
  assert.ok(Number.isNaN(cols.y[at]!));
  const svg = charts.cumulativeReturnsChart({ index, series: [{ asset: "A", values }] }).svg;
  const path = /<path[^>]*d="(M[^"]*)"[^>]*stroke="#4e79a7"/.exec(svg)?.[1] ??
    /d="(M[^"]*)"/.exec(svg.slice(svg.indexOf('aria-label="line"')))?.[1];
  assert.ok(path !== undefined);
  assert.equal((path.match(/M/g) ?? []).length, 2, "two line pieces, one each side of the gap");
});

Deno.test("the fixture's index is what the many-series charts were drawn on", () => {
  assert.equal(INDEX.length, 48);
});
