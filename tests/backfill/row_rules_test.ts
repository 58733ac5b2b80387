/**
 * Issue 8 item 1 for `backfill`: a provider page is gated row by row before anything is
 * written. The local exchange (tests/fake_exchange) serves real klines cut from
 * ohlcv/binance_spot_2017-2022_djienne and, with the `edit_body` fault, puts bad rows into one
 * page. Oracle: the real file itself: every real row the bar gate accepts is stored exactly,
 * each bad row is in `quarantine` with its reason, nothing else is lost.
 *
 * Before the fix: one year-2100 row in the middle of a 48-bar page made backfill keep the 20
 * bars before it, skip the rest of the range and report `ok`; bars with high < low, open -107,
 * close 0 and an off-grid time were stored (`0 quarantined`); a page out of order or with a
 * repeated time threw `Cannot write bars ... strictly increasing`, left the run `running` and
 * never fetched the next symbol.
 */
import assert from "node:assert/strict";
import { backfill } from "@lib/ingest/backfill.ts";
import { BinanceRest } from "@lib/providers/binance.ts";
import { openStore } from "@lib/store/db.ts";
import { listQuarantine } from "@lib/store/quarantine.ts";
import { readBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import type { CandleSource } from "@lib/providers/types.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { runDeno } from "../_shared/run_task.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import { assertStoredEqual, realHourlyRows, rowsIn } from "./_real_rows.ts";
import { binanceBackfillArgs } from "./_task.ts";

const H = 3_600_000;
const SINCE = Date.UTC(2020, 0, 1);
const UNTIL = SINCE + 96 * H;
const Y2100 = Date.UTC(2100, 0, 1);

type Kline = (number | string)[];

/** An `edit` for the fake exchange: parse the klines page, change it, write it back. */
function editPage(change: (rows: Kline[]) => Kline[]): (body: string) => string {
  return (body) => JSON.stringify(change(JSON.parse(body) as Kline[]));
}

realDataTest(
  "backfill: one year-2100 row in a 48-bar page is quarantined, the other 47 and the rest of the range are stored",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      ex.faults.add({
        kind: "edit_body",
        path: "/api/v3/klines",
        times: 1,
        edit: editPage((rows) => {
          rows[20]![0] = Y2100;
          rows[20]![6] = Y2100 + H - 1;
          return rows;
        }),
      });
      const r = await backfill(s.db, {
        source: new BinanceRest({ baseUrl: ex.url }),
        symbols: ["BTCUSDT"],
        freq: "1h",
        since: SINCE,
        until: UNTIL,
        limit: 48,
      });
      const real = rowsIn(realHourlyRows("BTCUSDT"), SINCE, UNTIL);
      assert.equal(real.length, 96);
      const bad = real[20]!;
      assert.equal(r.status, "ok");
      assert.equal(r.quarantinedRows, 1);
      // every real bar but the corrupted one: the page's 47 others and the second page
      assertStoredEqual(s.db, "BTCUSDT", real.filter((x) => x !== bad));
      const [q] = listQuarantine(s.db);
      assert.match(q!.reason, /^timestamp in the future: time 2100-01-01T00:00:00\.000Z is after/);
      assert.equal(JSON.parse(q!.raw).ts, Y2100);
      assert.equal(JSON.parse(q!.raw).close, bad[4]);
      assert.match(q!.locator, /^BTCUSDT 1h 2100-01-01T00:00:00\.000Z/);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);

realDataTest(
  "backfill: a page out of order with repeated times neither crashes nor stops the next symbol",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      ex.faults.add({
        kind: "edit_body",
        path: /symbol=BTCUSDT/,
        times: 1,
        edit: editPage((rows) => {
          const copy = rows.map((x) => [...x]);
          copy.push([...rows[10]!]); // an identical repeat: kept once
          const other = [...rows[11]!];
          other[4] = String(Number(other[4]) + 1); // the same hour with another close
          copy.push(other);
          return copy.reverse();
        }),
      });
      const r = await backfill(s.db, {
        source: new BinanceRest({ baseUrl: ex.url }),
        symbols: ["BTCUSDT", "ETHUSDT"],
        freq: "1h",
        since: SINCE,
        until: UNTIL,
        limit: 48,
      });
      assert.equal(r.status, "ok");
      // both rows of hour 11 disagree: neither is kept, both are quarantined. The reversed page
      // ends with its first hour, so Binance's next page starts right after it and brings the
      // real hour 11 again: the whole range is stored exactly.
      assertStoredEqual(s.db, "BTCUSDT", rowsIn(realHourlyRows("BTCUSDT"), SINCE, UNTIL));
      assertStoredEqual(s.db, "ETHUSDT", rowsIn(realHourlyRows("ETHUSDT"), SINCE, UNTIL));
      const q = listQuarantine(s.db);
      assert.equal(q.length, 2);
      for (const x of q) {
        assert.match(x.reason, /^duplicate timestamp with different values: none of the 2 rows/);
      }
      const runs = s.db.prepare("SELECT status FROM ingest_runs").all().map((x) => x.status);
      assert.deepEqual(runs, ["ok"]);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);

realDataTest(
  "deno task backfill (deno.json permissions): high < low, open -107, close 0 and an off-grid time are quarantined, the rest stored",
  async () => {
    const ex = await startFakeExchange();
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-backfill-rules-" });
    const db = `${dir}/rules.db`;
    try {
      ex.faults.add({
        kind: "edit_body",
        path: "/api/v3/klines",
        times: 1,
        edit: editPage((rows) => {
          [rows[3]![2], rows[3]![3]] = [rows[3]![3]!, rows[3]![2]!]; // high < low
          rows[5]![1] = "-107.00000000";
          rows[7]![4] = "0.00000000";
          rows[9]![0] = Number(rows[9]![0]) + 1_000; // off the hour grid
          return rows;
        }),
      });
      const out = await runDeno(
        ["task", "backfill", ...binanceBackfillArgs("BTCUSDT", "2020-01-01", "2020-01-05", db)],
        { CRYPTOLAB_BINANCE_URL: ex.url },
      );
      assert.equal(out.code, 0, out.stderr);
      assert.match(
        out.stderr,
        /backfill ok: 92 bars written, .* 4 rows and 0 payloads quarantined/,
      );
      assert.match(out.stderr, /BTCUSDT: 4 rows refused by the row rules/);
      const store = openStore(db);
      try {
        const real = rowsIn(realHourlyRows("BTCUSDT"), SINCE, UNTIL);
        const bad = new Set([3, 5, 7, 9].map((i) => real[i]));
        assertStoredEqual(store.db, "BTCUSDT", real.filter((x) => !bad.has(x)));
        const reasons = listQuarantine(store.db).map((x) => x.reason.split(":")[0]).sort();
        assert.deepEqual(reasons, [
          "high < low",
          "non-positive price",
          "non-positive price",
          "timestamp off the bar grid",
        ]);
        const b = readBars(store.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
        for (let i = 0; i < b.ts.length; i++) {
          assert.ok(b.high[i]! >= b.low[i]! && b.open[i]! > 0 && b.close[i]! > 0);
          assert.equal(b.ts[i]! % H, 0);
        }
      } finally {
        store.close();
      }
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

Deno.test("backfill: an error no symbol absorbs marks the run failed with its reason", async () => {
  const s = tempStore();
  try {
    const t0 = Date.UTC(2024, 0, 1);
    const source: CandleSource = {
      id: "binance",
      fetchCandles: (req) => {
        const b = allocBars({ venue: "binance", symbol: req.symbol, freq: req.freq }, 1);
        b.ts[0] = req.startTime!;
        b.open[0] =
          b.high[0] =
          b.low[0] =
          b.close[0] =
            1;
        return Promise.resolve({ bars: b, nextStartTime: undefined });
      },
    };
    await assert.rejects(
      backfill(s.db, {
        source,
        symbols: ["X"],
        freq: "1h",
        since: t0,
        until: t0 + 2 * H,
        onProgress: (p) => {
          if (p.done > 0) throw new Error("progress display crashed");
        },
      }),
      /progress display crashed/,
    );
    const run = s.db.prepare("SELECT status, message FROM ingest_runs").get();
    assert.deepEqual({ ...run }, { status: "failed", message: "progress display crashed" });
  } finally {
    s.cleanup();
  }
});
