/**
 * loadDataset, the one read path of reports: its panel equals loadPanel's on the same bars,
 * its fingerprint is the store's fingerprint of exactly those rows, and its gaps are found from
 * the bars even when bar_gaps was never refreshed.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { fingerprintBars } from "@lib/store/fingerprint.ts";
import { listGaps } from "@lib/store/gaps.ts";
import { allocBars } from "@lib/core/types.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { runReport } from "@lib/pipeline/report_run.ts";
import { GRID_DEFAULTS } from "@lib/core/grid_size.ts";

const H = 3_600_000;

function store() {
  const s = openStore(":memory:");
  const series: [string, number[]][] = [
    ["AAA", [0, 1, 2, 3, 4, 5, 6, 7]],
    ["BBB", [1, 2, 5, 6, 7]], // a 2-bar gap
    ["CCC", [20, 21]], // outside a window ending at 10 h
  ];
  for (const [symbol, hours] of series) {
    const b = allocBars({ venue: "v", symbol, freq: "1h" }, hours.length);
    hours.forEach((h, i) => {
      b.ts[i] = h * H;
      b.open[i] =
        b.high[i] =
        b.low[i] =
        b.close[i] =
          100 + h + symbol.charCodeAt(0);
      b.volume[i] = 1;
      b.complete[i] = i === 0 ? 0 : 1;
    });
    writeBars(s.db, b, { source: "test" });
  }
  return s;
}

Deno.test("loadDataset: the panel of loadPanel, the store's fingerprint, gaps from the bars", () => {
  const s = store();
  try {
    assert.equal(listGaps(s.db).length, 0, "premise: bar_gaps was never refreshed");
    const d = loadDataset(s.db, { venue: "v", freq: "1h", to: 10 * H });
    assert.deepEqual(d.symbols, ["AAA", "BBB"]);
    assert.deepEqual(d.dropped, ["CCC"]);
    assert.equal(d.from, 0);
    assert.equal(d.to, 10 * H);
    const p = loadPanel(s.db, { venue: "v", freq: "1h", symbols: ["AAA", "BBB"], to: 10 * H });
    assert.deepEqual([...d.panel.index], [...p.index]);
    for (const f of ["open", "high", "low", "close", "volume", "logReturns"] as const) {
      d.panel[f].forEach((col, a) => assert.deepEqual([...col], [...p[f][a]!], f));
    }
    const fp = fingerprintBars(s.db, { venue: "v", freq: "1h", to: 10 * H });
    assert.deepEqual(d.fingerprint, { sha256: fp.sha256, rows: fp.rows });
    assert.deepEqual(d.series.map((x) => [x.symbol, x.rows, x.missing, x.incomplete]), [
      ["AAA", 8, 0, 1],
      ["BBB", 5, 2, 1],
    ]);
    assert.deepEqual(d.series[1]!.gaps, [{ startTs: 3 * H, endTs: 5 * H, missing: 2 }]);
  } finally {
    s.close();
  }
});

Deno.test("loadDataset: maxCells refuses a grid stretched by a far bar, naming the series, before allocating", () => {
  const s = store(); // AAA 0..7 h, BBB 1..7 h, CCC 20..21 h: 22 points x 3 assets
  try {
    assert.equal(
      loadDataset(s.db, { venue: "v", freq: "1h", maxCells: 66 }).panel.index.length,
      22,
    );
    assert.throws(
      () => loadDataset(s.db, { venue: "v", freq: "1h", maxCells: 65 }),
      /22 1h bars from 1970-01-01T00:00:00\.000Z \(first bar of AAA\) to 1970-01-01T21:00:00\.000Z \(last bar of CCC\) x 3 assets is 66 cells, more than the limit of 65.*check-dataset/s,
    );
  } finally {
    s.close();
  }
});

Deno.test("runReport: one 1-minute bar six years early stops the report with an error, not 6 GB", () => {
  // three assets of two 1-minute bars each, 2017-08-01 and 2024-01-01: 3.4 million grid points
  // x 3 assets = 10.2 million cells, over GRID_DEFAULTS.maxReportCells; before the limit,
  // deno task report on six such assets grew to 6 GB
  const s = openStore(":memory:");
  try {
    for (const symbol of ["AAA", "BBB", "CCC"]) {
      const b = allocBars({ venue: "v", symbol, freq: "1m" }, 2);
      b.ts[0] = Date.UTC(2017, 7, 1);
      b.ts[1] = Date.UTC(2024, 0, 1);
      for (let i = 0; i < 2; i++) {
        b.open[i] =
          b.high[i] =
          b.low[i] =
          b.close[i] =
            100;
        b.volume[i] = 1;
      }
      writeBars(s.db, b, { source: "test" });
    }
    assert.throws(
      () => runReport(s.db, { venue: "v", freq: "1m" }),
      new RegExp(
        `x 3 assets is \\d+ cells, more than the limit of ${GRID_DEFAULTS.maxReportCells}`,
      ),
    );
  } finally {
    s.close();
  }
});

Deno.test("loadDataset: a requested symbol without bars in the window is an error naming it", () => {
  const s = store();
  try {
    assert.throws(
      () => loadDataset(s.db, { venue: "v", freq: "1h", symbols: ["AAA", "CCC"], to: 10 * H }),
      /no 1h bars of v CCC in the window/,
    );
    assert.throws(
      () => loadDataset(s.db, { venue: "v", freq: "1h", symbols: ["AAA", "AAA"] }),
      /AAA is listed twice/,
    );
    // a window outside the stored bars names the flag typed (deno task report/export --from)
    assert.throws(
      () => loadDataset(s.db, { venue: "v", freq: "1h", from: 100 * H }),
      /--from 1970-01-05T04:00:00\.000Z is after the last stored 1h bar \(1970-01-01T21:00/,
    );
    assert.throws(
      () => loadDataset(s.db, { venue: "v", freq: "1h", to: 0 }),
      /--to 1970-01-01T00:00:00\.000Z is not after the first stored 1h bar/,
    );
    assert.throws(
      () => loadDataset(s.db, { venue: "w", freq: "1h" }),
      /venue "w" has no 1h bars\. Venues with 1h bars: v/,
    );
  } finally {
    s.close();
  }
});
