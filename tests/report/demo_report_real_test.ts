/**
 * buildDemoReport on real Binance hourly candles, checked number by number against pandas.
 *
 * Oracle: tests/oracles/report_demo_real.py (pandas 1.5.3, numpy 1.24.2 from Debian), which
 * computes np.log(close).diff() on the full hourly grid, exp(mean * 8760) - 1,
 * std(ddof=1) * sqrt(8760), the Sharpe ratio, the maximum drawdown of exp(cumsum), np.expm1 of
 * the cumulative sum, DataFrame.corr(min_periods=24) and
 * y.rolling(168, min_periods=126).cov(x) / x.rolling(168, min_periods=126).var().
 *
 * Tolerance: 1e-9 relative for sums and means over ~5,500 returns (only summation order
 * differs: ~1e-13 expected); 1e-7 relative for rolling betas, whose online updates (Welford
 * here, pandas' own online algorithm there) accumulate more rounding over 5,000 steps.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { openStore, withTransaction } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { refreshGaps } from "@lib/store/gaps.ts";
import { allocBars } from "@lib/core/types.ts";
import { buildDemoReport } from "@lib/report/demo_report.ts";
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
      const rows = JSON.parse(
        readFileSync(
          realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", `${a}_USDT-1h.json`),
          "utf8",
        ),
      ) as number[][];
      const key = { venue: "binance", symbol: a, freq: "1h" } as const;
      const b = allocBars(key, rows.length);
      rows.forEach((r, i) => {
        b.ts[i] = r[0]!;
        b.open[i] = r[1]!;
        b.high[i] = r[2]!;
        b.low[i] = r[3]!;
        b.close[i] = r[4]!;
        b.volume[i] = r[5]!;
      });
      writeBars(store.db, b, { source: `file:${a}_USDT-1h.json` });
      refreshGaps(store.db, key);
    }
  });
  return store;
}

realDataTest("demo report numbers equal pandas on real Binance hourly candles", () => {
  const store = loadStore();
  try {
    const m = buildDemoReport(store.db, {
      venue: "binance",
      symbols: ASSETS,
      benchmark: "BTC",
      from: ORACLE.from,
      to: ORACLE.to,
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
