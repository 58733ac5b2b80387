/**
 * End to end on real files: import with the product's importer, materialize with the product's
 * runner, and compare with the exchange's own coarser bars stored beside them.
 *
 * Oracle: the exchanges themselves (Kraken's 60-minute OHLCVT file, Binance's daily klines in
 * the djienne freqtrade snapshot), compared exactly (`===` on doubles). The day and hour
 * counts were recounted independently with Debian Python 3 (json / csv text + collections):
 *   Kraken XBTUSDC_1.csv: 2,160 hours hold at least one minute, 9 of them all 60 minutes;
 *   Binance BTC_USDT-1h.json: 1,882 days hold at least one hour, 1,852 all 24 hours; of the 30
 *   others, 1 (2022-10-11, the file's last hour) has no daily kline in BTC_USDT-1d.json.
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import type { BarColumns } from "@lib/core/types.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { readBars } from "@lib/store/bars.ts";
import { materializeBars, resampleBars } from "@lib/materialize/mod.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { BINANCE_DIR, KRAKEN_DIR } from "./_real_files.ts";

function sameValues(a: BarColumns, i: number, b: BarColumns, k: number): boolean {
  return a.ts[i] === b.ts[k] && a.open[i] === b.open[k] && a.high[i] === b.high[k] &&
    a.low[i] === b.low[k] && a.close[i] === b.close[k] && a.volume[i] === b.volume[k];
}

/**
 * Import `files` (each a path, then the venue, symbol and freq it must be read as) and check
 * that all were imported and nothing was quarantined.
 */
async function importAll(
  db: DatabaseSync,
  files: readonly (readonly [path: string, venue: string, symbol: string, freq: string])[],
): Promise<void> {
  // compared bar for bar with the venue's own coarser bars: no jump rule (it refuses one Kraken
  // minute of 2023-03, a real print, which the venue's own hour includes)
  const imp = await importPaths(db, files.map((f) => f[0]), { jump: false });
  assert.deepEqual(
    imp.files.map((f) => [f.venue, f.symbol, f.freq, f.status]),
    files.map(([, venue, symbol, freq]) => [venue, symbol, freq, "imported"]),
  );
  assert.equal(imp.quarantined, 0);
}

realDataTest("import Kraken 1m + 60m, materialize 1h from 1m: Kraken's hours exactly", async () => {
  const s = tempStore();
  try {
    await importAll(s.db, [
      [realPath(KRAKEN_DIR, "XBTUSDC_1.csv"), "kraken", "XBTUSDC", "1m"],
      [realPath(KRAKEN_DIR, "XBTUSDC_60.csv"), "kraken", "XBTUSDC", "1h"],
    ]);

    const r = materializeBars(s.db, { toFreq: "1h", fromFreq: "1m" });
    assert.equal(r.series.length, 1);
    const h = r.series[0]!;
    assert.deepEqual([h.venue, h.symbol, h.from, h.to], ["kraken", "XBTUSDC", "1m", "1h"]);
    assert.equal(h.bars, 2160);
    // every hour we built equals Kraken's in every market value: no value conflict, nothing
    // new, nothing deleted; only the complete flag differs where Kraken's 1m file skips
    // minutes without trades (Kraken's hour is complete by Kraken's word, ours is not)
    assert.equal(h.keptVenueBars, 0);
    assert.equal(h.inserted, 0);
    assert.equal(h.replaced, 0);
    assert.equal(h.deletedStale, 0);
    assert.equal(h.incomplete, 2160 - 9);
    assert.equal(h.keptVenueFlags, 2160 - 9);
    assert.equal(h.unchanged, 9);

    const minutes = readBars(s.db, { venue: "kraken", symbol: "XBTUSDC", freq: "1m" });
    const venue = readBars(s.db, { venue: "kraken", symbol: "XBTUSDC", freq: "1h" });
    const ours = resampleBars(minutes, "1h");
    assert.equal(ours.ts.length, venue.ts.length);
    for (let i = 0; i < venue.ts.length; i++) {
      const at = new Date(venue.ts[i]!).toISOString();
      assert.ok(sameValues(ours, i, venue, i), `${at}: OHLCV`);
      assert.equal(ours.tradeCount[i], venue.tradeCount[i], `${at}: trade count`);
    }
  } finally {
    s.cleanup();
  }
});

realDataTest(
  "import Binance BTC 1h + 1d, materialize 1d from 1h: equal days, flagged gaps",
  async () => {
    const s = tempStore();
    try {
      await importAll(s.db, [
        [realPath(BINANCE_DIR, "BTC_USDT-1h.json"), "binance", "BTCUSDT", "1h"],
        [realPath(BINANCE_DIR, "BTC_USDT-1d.json"), "binance", "BTCUSDT", "1d"],
      ]);
      const key = { venue: "binance", symbol: "BTCUSDT" } as const;
      const venueDays = readBars(s.db, { ...key, freq: "1d" });

      const r = materializeBars(s.db, { toFreq: "1d", fromFreq: "1h", venue: "binance" });
      assert.equal(r.series.length, 1);
      const d = r.series[0]!;
      assert.equal(d.bars, 1882);
      assert.equal(d.incomplete, 30, "every day with a missing hour is flagged incomplete");
      assert.equal(d.unchanged, 1852, "every complete day equals Binance's daily kline");
      assert.equal(d.inserted, 1, "the last, partial day has no kline: ours is added");
      assert.equal(d.replaced, 0);
      assert.equal(d.deletedStale, 0);
      assert.equal(d.keptVenueBars + d.keptVenueFlags, 29);

      const hours = readBars(s.db, { ...key, freq: "1h" });
      const ours = resampleBars(hours, "1d");
      const perDay = new Map<number, number>();
      for (const t of hours.ts) {
        const day = Math.floor(t / 86_400_000) * 86_400_000;
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
      }
      const venueIndex = new Map<number, number>();
      venueDays.ts.forEach((t, k) => venueIndex.set(t, k));
      let complete = 0, valueConflicts = 0;
      for (let i = 0; i < ours.ts.length; i++) {
        const t = ours.ts[i]!;
        const at = new Date(t).toISOString().slice(0, 10);
        const full = perDay.get(t) === 24;
        assert.equal(ours.complete[i], full ? 1 : 0, `${at}: complete flag`);
        const k = venueIndex.get(t);
        if (full) {
          complete++;
          assert.ok(k !== undefined && sameValues(ours, i, venueDays, k), `${at}: OHLCV`);
        } else if (k !== undefined && !sameValues(ours, i, venueDays, k)) {
          valueConflicts++;
        }
      }
      assert.equal(complete, 1852);
      // value disagreements happen only on incomplete days, and the venue's bar was kept there
      assert.equal(d.keptVenueBars, valueConflicts);
      const stored = readBars(s.db, { ...key, freq: "1d" });
      assert.equal(stored.ts.length, 1882);
      for (let k = 0; k < venueDays.ts.length; k++) {
        const i = stored.ts.indexOf(venueDays.ts[k]!);
        assert.ok(sameValues(stored, i, venueDays, k), "Binance's own daily bars are untouched");
      }
      const added = stored.ts.length - 1;
      assert.equal(stored.ts[added], Date.UTC(2022, 9, 11));
      assert.equal(stored.complete[added], 0, "the day we added is stored as incomplete");
    } finally {
      s.cleanup();
    }
  },
);
