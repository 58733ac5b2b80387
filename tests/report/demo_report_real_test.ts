/**
 * buildDemoReport on real Binance hourly candles, checked number by number against pandas.
 *
 * Oracle: tests/oracles/report_demo_real.py (pandas 1.5.3, numpy 1.24.2 from Debian), which
 * computes np.log(close).diff() on the full hourly grid and std(ddof=1) * sqrt(8760) of it; the
 * close-to-close equity across gaps eq = close.ffill() / first close, with
 * exp(ln(last / first) / hours elapsed * 8760) - 1, Sharpe = that log rate / volatility,
 * 1 - eq / eq.cummax() and eq - 1 (every series here has 11 missing hours, so the moves across
 * them matter); DataFrame.corr(min_periods=24) and
 * y.rolling(168, min_periods=126).cov(x) / x.rolling(168, min_periods=126).var().
 *
 * The store is filled with lib/ingest's parser and writeBars only: bar_gaps is never refreshed,
 * as after an import that skipped it, so the coverage numbers prove the report finds gaps in the
 * bars themselves.
 *
 * Tolerance: 1e-9 relative for sums and means over ~5,500 returns (only summation order
 * differs: ~1e-13 expected); 1e-7 relative for rolling betas, whose online updates (Welford
 * here, pandas' own online algorithm there) accumulate more rounding over 5,000 steps.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { openStore, withTransaction } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { listGaps } from "@lib/store/gaps.ts";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { allocBars } from "@lib/core/types.ts";
import { buildDemoReport } from "@lib/report/demo_report.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import type { Cell, DataTable, FigureBlock, ReportModel, TableBlock } from "@lib/report/model.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/report_demo_real.json", import.meta.url), "utf8"),
);
const ASSETS: string[] = ORACLE.assets;

function close(actual: Cell, expected: number | null, rel: number, what: string) {
  if (expected === null) {
    assert.ok(
      actual === null || Number.isNaN(actual),
      `${what}: expected undefined, got ${actual}`,
    );
    return;
  }
  assert.equal(typeof actual, "number", `${what}: not a number`);
  const a = actual as number;
  assert.ok(
    Math.abs(a - expected) <= rel * Math.max(1, Math.abs(expected)),
    `${what}: ${a} vs pandas ${expected}`,
  );
}

function block<T>(m: ReportModel, id: string): T {
  for (const s of m.sections) for (const b of s.blocks) if ("id" in b && b.id === id) return b as T;
  throw new Error(`no block ${id}`);
}

function rowOf(t: DataTable, asset: string): readonly Cell[] {
  const r = t.rows.find((r) => r[0] === asset);
  if (r === undefined) throw new Error(`no row for ${asset}`);
  return r;
}

function loadStore() {
  const store = openStore(":memory:");
  withTransaction(store.db, () => {
    for (const a of ASSETS) {
      const file = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", `${a}_USDT-1h.json`);
      const p = parseFreqtradeJson(readFileSync(file, "utf8"));
      assert.equal(p.problems.length, 0, `${file}: malformed rows`);
      const b = allocBars({ venue: "binance", symbol: a, freq: "1h" }, p.n);
      for (const k of ["ts", "open", "high", "low", "close", "volume"] as const) {
        b[k].set(p[k].subarray(0, p.n));
      }
      writeBars(store.db, b, { source: `file:${a}_USDT-1h.json` });
    }
  });
  assert.equal(listGaps(store.db).length, 0, "bar_gaps must stay empty for this test");
  return store;
}

realDataTest("demo report numbers equal pandas on real Binance hourly candles", () => {
  const store = loadStore();
  try {
    const dataset = loadDataset(store.db, {
      venue: "binance",
      freq: "1h",
      symbols: ASSETS,
      from: ORACLE.from,
      to: ORACLE.to,
    });
    const m = buildDemoReport(dataset, {
      benchmark: "BTC",
      betaWindow: 168,
      seed: null,
      params: {},
      dataNote: "real Binance candles",
      git: { commit: "unknown", dirty: null },
    });
    const metrics = block<TableBlock>(m, "metrics");
    const cov = block<FigureBlock>(m, "coverage").data;
    const covTable = block<TableBlock>(m, "coverage-table");
    const cum = block<FigureBlock>(m, "cumulative-returns").data;
    const corr = block<FigureBlock>(m, "correlation").data;
    const beta = block<FigureBlock>(m, "rolling-beta").data;
    for (const a of ASSETS) {
      const o = ORACLE.metrics[a], c = ORACLE.coverage[a], q = ORACLE.cumulative[a];
      assert.ok(o.missingInside > 0, `${a}: the series must have gaps for this test to bite`);
      const r = rowOf(metrics, a);
      assert.equal(r[1], o.returns, `${a} returns used`);
      close(r[2]!, o.annReturn, 1e-9, `${a} annualized return`);
      close(r[3]!, o.annVolatility, 1e-9, `${a} annualized volatility`);
      close(r[4]!, o.sharpe, 1e-9, `${a} Sharpe`);
      close(r[5]!, o.maxDrawdown, 1e-9, `${a} max drawdown`);
      assert.deepEqual(rowOf(cov, a), [a, c.first, c.last, c.bars, c.missing, c.gaps], `${a} cov`);
      const ct = rowOf(covTable, a);
      assert.deepEqual([ct[1], ct[2]], [c.bars, c.missing], `${a} coverage table`);
      close(ct[3]!, c.bars / ORACLE.gridBars, 1e-12, `${a} coverage share`);
      const cr = rowOf(cum, a);
      close(cr[1]!, q.final, 1e-9, `${a} final cumulative return`);
      close(cr[2]!, q.min, 1e-9, `${a} lowest cumulative return`);
      close(cr[3]!, q.max, 1e-9, `${a} highest cumulative return`);
    }
    ASSETS.forEach((a, i) => {
      const r = rowOf(corr, a);
      ASSETS.forEach((b, j) => close(r[j + 1]!, ORACLE.correlation[i][j], 1e-9, `corr ${a} ${b}`));
    });
    for (const a of ASSETS.slice(1)) {
      const o = ORACLE.beta[a], r = rowOf(beta, a);
      close(r[1]!, o.last, 1e-7, `${a} last beta`);
      close(r[2]!, o.mean, 1e-7, `${a} mean beta`);
      close(r[3]!, o.min, 1e-7, `${a} min beta`);
      close(r[4]!, o.max, 1e-7, `${a} max beta`);
    }
    assert.equal(m.manifest.dataset.rows, ASSETS.reduce((s, a) => s + ORACLE.coverage[a].bars, 0));
  } finally {
    store.close();
  }
});
