/**
 * summarizeDataset (one pass over each table) agrees with the one-off functions it replaces in
 * check-dataset: fingerprintStoreParts, fingerprintSeries, fingerprintTrades, listSeries,
 * computeGapSummary. Those are checked against the Python known-answer oracle in
 * fingerprint_test.ts and the pandas gap oracle in tests/ingest/import_gaps_test.ts; here
 * equality is exact.
 */
import assert from "node:assert/strict";
import { allocBars, type TradeColumns } from "@lib/core/types.ts";
import { listSeries, writeBars } from "@lib/store/bars.ts";
import { listTradeSeries, writeTrades } from "@lib/store/trades.ts";
import { computeGapSummary } from "@lib/store/gaps.ts";
import { withTransaction } from "@lib/store/db.ts";
import {
  barRowPages,
  fingerprintSeries,
  fingerprintStoreParts,
  fingerprintTrades,
} from "@lib/store/fingerprint.ts";
import { summarizeDataset } from "@lib/store/dataset_summary.ts";
import type { Freq } from "@lib/core/freq.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const H = 3_600_000;

function series(venue: string, symbol: string, freq: Freq, hours: number[], incomplete: number[]) {
  const b = allocBars({ venue, symbol, freq }, hours.length);
  const step = freq === "1h" ? H : 60_000;
  hours.forEach((h, i) => {
    b.ts[i] = h * step;
    b.open[i] = 10 + i;
    b.high[i] = 12 + i;
    b.low[i] = 9 + i;
    b.close[i] = 11 + i;
    b.volume[i] = i;
  });
  for (const i of incomplete) b.complete[i] = 0;
  return b;
}

const trades = (venue: string, symbol: string, ids: (number | string)[]): TradeColumns => ({
  venue,
  symbol,
  tradeId: ids,
  ts: Float64Array.from(ids, (_, i) => 1_000 * (ids.length - i)),
  price: Float64Array.from(ids, () => 5),
  qty: Float64Array.from(ids, (_, i) => i + 1),
  side: Int8Array.from(ids, (_, i) => (i % 2 ? 1 : -1)),
});

Deno.test("summarizeDataset equals the per-series functions, with and without filters", () => {
  const s = tempStore();
  try {
    withTransaction(s.db, () => {
      writeBars(s.db, series("binance", "BTCUSDT", "1h", [0, 1, 2, 5, 6, 10], [5]), {
        source: "t",
      });
      writeBars(s.db, series("binance", "BTCUSDT", "1m", [0, 1, 3], []), { source: "t" });
      writeBars(s.db, series("kraken", "XBTUSD", "1h", [3, 4], [0, 1]), { source: "t" });
      writeTrades(s.db, trades("bitmex", "XBTUSD", ["f0e1-uuid", "0a9b-uuid"]), { source: "t" });
      writeTrades(s.db, trades("kraken", "BCHEUR", ["1672531436:0", 7, 3]), { source: "t" });
    });
    const sum = summarizeDataset(s.db);
    const parts = fingerprintStoreParts(s.db);
    assert.deepEqual([sum.store, sum.bars, sum.trades], [parts.store, parts.bars, parts.trades]);
    const listed = listSeries(s.db);
    assert.equal(sum.series.length, listed.length);
    for (const [i, info] of listed.entries()) {
      const x = sum.series[i]!;
      const g = computeGapSummary(s.db, info);
      assert.deepEqual(
        [x.venue, x.symbol, x.freq, x.rows, x.firstTs, x.lastTs, x.incomplete, x.gaps, x.missing],
        [
          info.venue,
          info.symbol,
          info.freq,
          info.rows,
          info.firstTs,
          info.lastTs,
          info.incomplete,
          g.gaps,
          g.missing,
        ],
      );
      assert.equal(x.sha256, fingerprintSeries(s.db, info).sha256);
    }
    assert.deepEqual(sum.series.map((x) => [x.gaps, x.missing]), [[2, 5], [1, 1], [0, 0]]); // "1h" < "1m" by bytes
    const tl = listTradeSeries(s.db);
    assert.deepEqual(
      sum.tradeSeries.map((t) => [t.venue, t.symbol, t.rows, t.firstTs, t.lastTs]),
      tl.map((t) => [t.venue, t.symbol, t.rows, t.firstTs, t.lastTs]),
    );
    for (const t of sum.tradeSeries) {
      assert.equal(t.sha256, fingerprintTrades(s.db, t).sha256);
    }
    // filters choose the listed series only; the store fingerprints still cover everything
    const k = summarizeDataset(s.db, { venue: "kraken" });
    assert.equal(k.store.sha256, sum.store.sha256);
    assert.deepEqual(k.series.map((x) => x.symbol), ["XBTUSD"]);
    assert.deepEqual(k.tradeSeries.map((x) => x.symbol), ["BCHEUR"]);
    const m = summarizeDataset(s.db, { freq: "1m" });
    assert.deepEqual(m.series.map((x) => x.freq), ["1m"]);
    assert.deepEqual(m.tradeSeries, []);
    assert.equal(m.bars.sha256, sum.bars.sha256);
  } finally {
    s.cleanup();
  }
});

Deno.test("barRowPages pages a series without losing or repeating rows", () => {
  const s = tempStore();
  try {
    const b = series("sim", "X", "1h", [0, 1, 2, 3, 4, 7, 8], []);
    writeBars(s.db, b, { source: "t" });
    for (const size of [1, 2, 3, 7, 100]) {
      const ts = [...barRowPages(s.db, b, {}, size)].flat().map((r) => Number(r[3]));
      assert.deepEqual(ts, [...b.ts], `page size ${size}`);
    }
    const w = [...barRowPages(s.db, b, { from: 2 * H, to: 7 * H }, 2)].flat().map((r) => r[3]);
    assert.deepEqual(w, [2 * H, 3 * H, 4 * H]);
    assert.throws(() => [...barRowPages(s.db, b, {}, 0)], /pageRows must be an integer >= 1/);
  } finally {
    s.cleanup();
  }
});
