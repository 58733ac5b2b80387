// The time x asset cell cap (GRID_DEFAULTS.maxCells, lib/core/grid_size.ts) on every in-memory
// grid: loadPanel (notebooks, backtests) and readFactorRun, as loadDataset has for reports.
// Before the cap, one 2017 minute bar in front of six 2024 series made loadPanel allocate
// 3.4 million points x 6 assets x 11 columns (~1.8 GB) instead of failing.
import assert from "node:assert/strict";
import { allocBars } from "@lib/core/types.ts";
import { GRID_DEFAULTS } from "@lib/core/grid_size.ts";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { readFactorRun, writeFactorRun } from "@lib/store/factors.ts";
import { FACTOR_MODEL_VERSION } from "@lib/research/factor_model.ts";

const EARLY = Date.UTC(2017, 7, 1), LATE = Date.UTC(2024, 0, 1), M = 60_000;
const SYMBOLS = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"];

Deno.test("loadPanel: a 2017 1m bar in front of six 2024 series is a clear error, not gigabytes", () => {
  const { db, close } = openStore(":memory:");
  try {
    for (const symbol of SYMBOLS) {
      const times = symbol === "CCC" ? [EARLY, LATE, LATE + M] : [LATE, LATE + M];
      const b = allocBars({ venue: "v", symbol, freq: "1m" }, times.length);
      times.forEach((t, i) => {
        b.ts[i] = t;
        b.open[i] =
          b.high[i] =
          b.low[i] =
          b.close[i] =
            100;
        b.volume[i] = 1;
      });
      writeBars(db, b, { source: "test" });
    }
    const points = (LATE + M - EARLY) / M + 1; // 3,436,562 minutes x 6 assets > 10 million
    assert.throws(
      () => loadPanel(db, { venue: "v", freq: "1m" }),
      new RegExp(
        `1m panel: ${points} 1m bars from 2017-08-01T00:00:00\\.000Z \\(first bar of CCC\\) to ` +
          `2024-01-01T00:01:00\\.000Z \\(last bar of ${SYMBOLS.join(", ")}\\) x 6 assets is ` +
          `${points * 6} cells, more than the limit of ${GRID_DEFAULTS.maxCells} cells.*` +
          "check-dataset.*--from/--to",
        "s",
      ),
    );
    // the window (or leaving the stray series out) loads as before
    const p = loadPanel(db, { venue: "v", freq: "1m", from: LATE });
    assert.deepEqual([p.assets.length, p.index.length], [6, 2]);
    assert.equal(
      loadPanel(db, { venue: "v", freq: "1m", symbols: ["AAA", "BBB"] }).index.length,
      2,
    );
    // the limit is an option, stated once as its default
    assert.throws(
      () => loadPanel(db, { venue: "v", freq: "1m", from: LATE, maxCells: 11 }),
      /12 cells, more than the limit of 11/,
    );
  } finally {
    close();
  }
});

Deno.test("readFactorRun: a run stretched over the cell cap is a clear error", () => {
  const { db, close } = openStore(":memory:");
  try {
    const f = (...v: number[]) => new Float64Array(v);
    const runId = "a".repeat(64);
    writeFactorRun(
      db,
      {
        runId,
        venue: "v",
        freq: "1m",
        window: 2,
        minObs: 2,
        causal: true,
        factors: ["AAA"],
        params: "{}",
        datasetSha256: "d".repeat(64),
        datasetRows: 12,
        modelVersion: FACTOR_MODEL_VERSION,
        codeVersion: null,
        source: "test",
        ingestRunId: null,
        createdAt: 0,
      },
      f(LATE, LATE + M),
      SYMBOLS.map((asset) => ({
        asset,
        alpha: f(NaN, 1),
        betaBtc: f(NaN, 2),
        betaEth: f(NaN, NaN),
        rSquared: f(NaN, 0.5),
        residuals: f(NaN, 0.1),
        nobs: new Int32Array([0, 2]),
      })),
    );
    assert.equal(readFactorRun(db, runId)!.index.length, 2);
    // a run whose panel began with a stray 2017 bar (writing it whole would itself take GBs)
    db.prepare("UPDATE factor_runs SET first_ts = ? WHERE run_id = ?").run(EARLY, runId);
    assert.throws(
      () => readFactorRun(db, runId),
      new RegExp(
        `factor run ${runId}: \\d+ 1m bars from 2017-08-01T00:00:00\\.000Z to ` +
          `2024-01-01T00:01:00\\.000Z x 6 assets is \\d+ cells, more than the limit of ` +
          `${GRID_DEFAULTS.maxCells} cells`,
      ),
    );
  } finally {
    close();
  }
});
