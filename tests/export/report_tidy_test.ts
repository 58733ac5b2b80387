/**
 * Issue 8 item 12: `report.json` carries, beside each figure's layout (its SVG), the figure's
 * data as a tidy table, valid against the report schema. A line chart's tidy table is the data
 * it plots: one row per drawn point after thinning (time, series, y), the same points as the
 * SVG's lines, so pandas redraws the figure from report.json.
 */
import assert from "node:assert/strict";
import { runReport } from "@lib/pipeline/report_run.ts";
import { renderJson } from "@lib/report/json.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import { cumulativeReturnsChart } from "@lib/report/charts/cumulative_returns.ts";
import { decimationIndices } from "@lib/report/charts/series.ts";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { openStore } from "@lib/store/db.ts";

type Row = Record<string, string | number | null>;

/** Vertices of the SVG's data lines (the paths of Plot's `line` marks), one list per path. */
function linePaths(svg: string): [number, number][][] {
  const out: [number, number][][] = [];
  for (const g of svg.matchAll(/<g[^>]*aria-label="line"[^>]*>(.*?)<\/g>/gs)) {
    for (const m of g[1]!.matchAll(/<path d="(M[^"]*)"/g)) {
      out.push([...m[1]!.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((v) => [+v[1]!, +v[2]!]));
    }
  }
  return out;
}

/**
 * Asserts that the finite tidy rows of each series, in order, are the vertices of that series'
 * line: pixel x an affine function of the time and pixel y of y (to the SVG's 0.01 px).
 */
function assertRowsArePlotted(id: string, svg: string, rows: readonly Row[]) {
  const names = [...new Set(rows.map((r) => r.series as string))];
  const paths = linePaths(svg);
  assert.equal(paths.length, names.length, `${id}: one line per series`);
  const pts = names.map((name, k) =>
    rows.filter((r) => r.series === name && r.y !== null).map((r, i) => ({
      t: Date.parse(r.time as string),
      y: r.y as number,
      px: paths[k]![i],
    }))
  );
  pts.forEach((p, k) => assert.equal(p.length, paths[k]!.length, `${id} ${names[k]}: points`));
  const all = pts.flat();
  const fit = (f: (p: typeof all[0]) => number, g: (p: typeof all[0]) => number) => {
    const a = all.reduce((m, p) => (f(p) < f(m) ? p : m)),
      b = all.reduce((m, p) => (f(p) > f(m) ? p : m));
    const slope = (g(b) - g(a)) / (f(b) - f(a) || 1);
    for (const p of all) {
      assert.ok(Math.abs(g(a) + slope * (f(p) - f(a)) - g(p)) <= 0.02, `${id}: ${f(p)} -> ${g(p)}`);
    }
  };
  fit((p) => p.t, (p) => p.px![0]);
  fit((p) => p.y, (p) => p.px![1]);
}

Deno.test("report.json: every figure has a tidy table; a line chart's is its plotted points", () => {
  const { db } = openStore(":memory:");
  writeSimMarket(db, simulateMarket({ seed: 4, assets: 6, freq: "1h", bars: 24 * 10 }));
  const { model } = runReport(db, {
    freq: "1h",
    signals: ["momentum_24"],
    horizons: [1, 4],
    runId: "tidy",
    git: { commit: "unknown", dirty: null },
  });
  const json = JSON.parse(renderJson(model));
  assert.ok(ReportSchema.safeParse(json).success);
  const figures = json.sections.flatMap((s: { blocks: { type: string }[] }) =>
    s.blocks.filter((b) => b.type === "figure")
  );
  assert.ok(figures.length >= 3, `${figures.length} figures`);
  let lines = 0;
  for (const f of figures) {
    assert.equal(typeof f.svg, "string");
    const names = f.tidy.columns.map((c: { name: string }) => c.name);
    if (names.join() === "time,series,y") {
      // a line chart: 240 hourly bars, under the 500-point thinning, so every bar of every series
      lines++;
      // the spread chart's entry and exit markers are dots at their own rows, not lines
      const drawn = f.tidy.rows.filter((r: Row) => r.series !== "entry" && r.series !== "exit");
      assertRowsArePlotted(f.id, f.svg, drawn);
      continue;
    }
    assert.equal(f.tidy.rows.length, f.data.rows.length, f.id);
    assert.deepEqual(names, f.data.columns.map((c: { key: string }) => c.key));
    f.data.rows.forEach((row: unknown[], i: number) => {
      f.data.columns.forEach((c: { key: string; format: string }, j: number) => {
        const v = f.tidy.rows[i][c.key];
        if (c.format === "datetime" || c.format === "date") {
          assert.equal(row[j] === null ? null : new Date(row[j] as number).toISOString(), v);
        } else assert.equal(v, row[j], `${f.id} ${c.key} row ${i}`);
      });
    });
  }
  const cum = figures.find((f: { id: string }) => f.id.includes("cumulative"));
  assert.ok(cum !== undefined && cum.tidy.columns[1].name === "series", "cumulative returns");
  assert.ok(lines >= 1, `${lines} line charts`);
});

Deno.test("line chart tidy rows: the thinned points, NaN breaks as null, and the band beside the median", () => {
  const h = 3_600_000, n = 1000;
  const index = Array.from({ length: n }, (_, t) => t * h);
  const series = ["A", "B"].map((asset, k) => ({
    asset,
    values: index.map((_, t) => (t === 7 ? NaN : Math.sin(t / 50 + k) / 10)),
  }));
  const f = cumulativeReturnsChart({ index, series }, { id: "c", maxPoints: 100 });
  // the first and last bar and the lowest and highest of each 20-bar stretch
  // (decimationIndices), and the NaN at bar 7 kept so the line breaks there
  const a = f.tidy.rows.filter((r) => r.series === "A");
  const kept = decimationIndices(series[0]!.values, 100);
  assert.ok(kept.length <= 102);
  assert.equal(a.length, kept.length + 1);
  assert.deepEqual(a.slice(0, 3).map((r) => [r.time, r.y]), [
    [new Date(0).toISOString(), series[0]!.values[0]],
    [new Date(7 * h).toISOString(), null],
    [new Date(kept[1]! * h).toISOString(), series[0]!.values[kept[1]!]],
  ]);
  assertRowsArePlotted("c", f.svg, f.tidy.rows);
  // 30 series: the median rows carry the 10-90% band
  const many = Array.from({ length: 30 }, (_, k) => ({
    asset: `S${k}`,
    values: index.map((_, t) => (k - 15) * t / n / 10),
  }));
  const g = cumulativeReturnsChart({ index, series: many }, { id: "m", maxPoints: 100 });
  assert.deepEqual(g.tidy.columns.map((c) => c.name), ["time", "series", "y", "y_lo", "y_hi"]);
  const med = g.tidy.rows.filter((r) => r.series === "median of 30");
  // the medians thinned like a line (decimationIndices): first, last, each stretch's extremes
  assert.ok(med.length > 50 && med.length <= 102, `${med.length} median rows`);
  assert.equal(med[0]!.time, new Date(0).toISOString());
  assert.equal(med[med.length - 1]!.time, new Date((n - 1) * h).toISOString());
  const last = med[med.length - 1]!;
  assert.ok(
    (last.y_lo as number) < (last.y as number) && (last.y as number) < (last.y_hi as number),
  );
  assert.equal(new Set(g.tidy.rows.map((r) => r.series)).size, 10 + 1);
});
