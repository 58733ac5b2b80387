/**
 * importPaths on small hand-made files: idempotence, atomic failure, conflicts, duplicates,
 * skips, inference errors, run and instrument bookkeeping.
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { formatFileReport, importPaths } from "@lib/ingest/mod.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { listInstruments } from "@lib/store/instruments.ts";
import { tempStore } from "../_shared/tmp_store.ts";

/** Every stored row of the tables an import writes, minus wall-clock columns. */
function snapshot(db: DatabaseSync): string {
  const q = (sql: string) => JSON.stringify(db.prepare(sql).all());
  return [
    q("SELECT venue, symbol, freq, ts, open, high, low, close, volume, quote_volume, trade_count, vwap, complete, source FROM bars ORDER BY venue, symbol, freq, ts"),
    q("SELECT venue, symbol, trade_id, ts, price, qty, side, source FROM trades ORDER BY venue, symbol, trade_id"),
    q("SELECT source, locator, raw, reason FROM quarantine ORDER BY id"),
    q("SELECT venue, symbol, base, quote, kind, source FROM instruments ORDER BY venue, symbol"),
  ].join("\n");
}

function write(dir: string, rel: string, text: string): string {
  const path = `${dir}/${rel}`;
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  Deno.writeTextFileSync(path, text);
  return path;
}

const H = 3_600_000;
/** 2020-12-30 00:00 UTC: a realistic time, so CSV epoch values read as milliseconds. */
const T0 = 1609286400000;

Deno.test("importing the same files twice changes nothing", async () => {
  const s = tempStore();
  try {
    const dir = `${s.dir}/in/binance`;
    write(
      dir,
      "BTC_USDT-1h.json",
      `[[${T0},1,2,0.5,1.5,10],[${T0 + H},1.5,2,1,1.8,12],[${T0 + 2 * H},1,0.5,2,1,1]]`,
    );
    write(
      dir,
      "kraken/XBTUSD_60.csv",
      `${T0 / 1000},1,2,0.5,1.5,10,3\n${T0 / 1000 + 3600},1.5,2,1,1.8,12,4\n`,
    );
    write(dir, "kraken/kraken_trades_BCHEUR.csv", "1672531436,90.54,1.1\n1672531436,90.54,1.1\n");
    const r1 = await importPaths(s.db, [`${s.dir}/in`]);
    assert.equal(r1.failed, 0);
    assert.equal(r1.inserted, 2 + 2 + 2);
    const before = snapshot(s.db);
    const changes = Number(s.db.prepare("SELECT total_changes() AS n").get()?.n);
    const r2 = await importPaths(s.db, [`${s.dir}/in`]);
    assert.equal(r2.inserted, 0);
    assert.equal(snapshot(s.db), before);
    // the only writes of the second import are its own ingest_runs row (insert + finish)
    assert.equal(Number(s.db.prepare("SELECT total_changes() AS n").get()?.n) - changes, 2);
    assert.deepEqual(r2.files.map((f) => f.unchanged), [2, 2, 2]);
    const runs = s.db.prepare("SELECT status, rows_written FROM ingest_runs ORDER BY run_id").all();
    assert.deepEqual(runs.map((r) => [r.status, r.rows_written]), [["ok", 6], ["ok", 0]]);
    assert.deepEqual(
      listInstruments(s.db).map((i) => [i.venue, i.symbol, i.base, i.quote, i.kind]),
      [["binance", "BTCUSDT", "BTC", "USDT", "spot"], ["kraken", "BCHEUR", "BCH", "EUR", "spot"], [
        "kraken",
        "XBTUSD",
        "XBT",
        "USD",
        "spot",
      ]],
    );
  } finally {
    s.cleanup();
  }
});

Deno.test("a file that cannot be parsed leaves the store as it was; the others still import", async () => {
  const s = tempStore();
  try {
    const dir = `${s.dir}/binance`;
    write(dir, "ETH_USDT-1h.json", `[[${T0},1,2,0.5,1.5,10]]`);
    const before = snapshot(s.db);
    const bad = write(dir, "BTC_USDT-1h.json", `[[${T0},1,2,0.5,1.5,10],\n[${T0 + H},1.5,2,1,1.8`);
    const r = await importPaths(s.db, [bad]);
    assert.equal(r.failed, 1);
    assert.match(r.files[0]!.message!, /BTC_USDT-1h\.json: line 2: invalid JSON/);
    assert.equal(snapshot(s.db), before);
    const r2 = await importPaths(s.db, [dir]);
    assert.deepEqual(r2.files.map((f) => f.status), ["failed", "imported"]);
    assert.equal(s.db.prepare("SELECT count(*) AS n FROM bars").get()?.n, 1);
    assert.equal(
      s.db.prepare("SELECT status FROM ingest_runs ORDER BY run_id DESC").get()?.status,
      "failed",
    );
    const hdr = write(dir, "BTCUSDT-1h-2024-01.csv", "open_time,open\n1,2\n");
    const r3 = await importPaths(s.db, [hdr]);
    assert.match(r3.files[0]!.message!, /BTCUSDT-1h-2024-01\.csv: line 1: /);
  } finally {
    s.cleanup();
  }
});

Deno.test("bad rows are quarantined with reasons and counted per file", async () => {
  const s = tempStore();
  try {
    const f = write(
      `${s.dir}/binance`,
      "BTC_USDT-1h.json",
      JSON.stringify([
        [T0, 1, 2, 0.5, 1.5, 10], // good
        [T0 + H, 1, 2, 0.5, 1.5, 10], // a group of three with one time whose values differ:
        [T0 + H, 1, 2, 0.5, 1.5, 10], //   every row is quarantined, the first one too
        [T0 + H, 1, 2, 0.5, 1.6, 10],
        [T0 + 2 * H + 5, 1, 2, 0.5, 1.5, 10], // off the grid
        [T0 + 3 * H, 0, 2, 0.5, 1.5, 10], // non-positive price
        [T0 + 4 * H, 3, 2, 0.5, 1.5, 10], // open above high
        [T0 + 5 * H, 1, 2, 0.5, 2.5, 10], // close above high
        [T0 + 6 * H, 1, 2, 0.5, 1.5, -1], // negative volume
        [T0 + 7 * H, 1, 2, 0.5, "x", 1], // not a number
        [T0 + 8 * H, 1, 2, 0.5, 1.5, 10], // identical duplicates: one kept, the other dropped and
        [T0 + 8 * H, 1, 2, 0.5, 1.5, 10], //   counted
      ]),
    );
    const r = await importPaths(s.db, [f]);
    const fr = r.files[0]!;
    assert.equal(fr.rowsRead, 12);
    assert.equal(fr.inserted, 2);
    assert.deepEqual(
      s.db.prepare("SELECT ts FROM bars ORDER BY ts").all().map((x) => x.ts),
      [T0, T0 + 8 * H],
    );
    assert.equal(fr.duplicatesDropped, 1);
    assert.deepEqual(fr.quarantinedByReason, {
      "duplicate timestamp with different values": 3,
      "timestamp off the bar grid": 1,
      "non-positive price": 1,
      "open outside [low, high]": 1,
      "close outside [low, high]": 1,
      "negative volume": 1,
      "price is not a finite number": 1,
    });
    const q = s.db.prepare("SELECT source, locator, raw, reason FROM quarantine ORDER BY id").all();
    assert.equal(q.length, 9);
    const dup = "duplicate timestamp with different values: none of the 3 rows kept: " +
      "row 2, row 3, row 4 share the time 2020-12-30T01:00:00.000Z; " +
      "row 2 vs row 4: close 1.5 vs 1.6";
    assert.deepEqual(
      q.slice(0, 3).map((x) => ({ ...x })),
      [2, 3, 4].map((row) => ({
        source: "file:BTC_USDT-1h.json",
        locator: `row ${row}`,
        raw: row === 4 ? `[${T0 + H},1,2,0.5,1.6,10]` : `[${T0 + H},1,2,0.5,1.5,10]`,
        reason: dup,
      })),
    );
  } finally {
    s.cleanup();
  }
});

Deno.test("a bar stored with other values is quarantined naming its source, or replaced with replace", async () => {
  const s = tempStore();
  try {
    const a = write(
      `${s.dir}/a/binance`,
      "BTC_USDT-1h.json",
      `[[${T0},1,2,0.5,1.5,10],[${T0 + H},1,2,0.5,1.5,10]]`,
    );
    const b = write(
      `${s.dir}/b`,
      "Binance_BTCUSDT_1h.csv",
      "https://www.CryptoDataDownload.com\nunix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\n" +
        `${T0 + H},2020-12-30 01:00:00,BTC/USDT,1,2,0.5,1.6,10,15,3\n` +
        `${T0 / 1000}.0,2020-12-30 12-AM,BTC/USDT,1,2,0.5,1.5,10,15,NULL\n`,
    );
    await importPaths(s.db, [a]);
    const r = await importPaths(s.db, [b]);
    const fr = r.files[0]!;
    assert.equal(fr.format, "cdd_csv");
    // line 4 says what the stored bar says and adds its quote volume: a completion
    assert.equal(fr.completed, 1);
    assert.deepEqual(fr.quarantinedByReason, { "conflicts with stored row": 1 });
    assert.equal(
      s.db.prepare("SELECT quote_volume FROM bars WHERE ts = ?").get(T0)?.quote_volume,
      15,
    );
    const reason = String(
      s.db.prepare("SELECT reason FROM quarantine WHERE locator = 'line 3'").get()?.reason,
    );
    assert.match(reason, /stored source file:BTC_USDT-1h\.json/);
    assert.match(reason, /close 1\.5 \(stored\) vs 1\.6 \(new\)/);
    const r2 = await importPaths(s.db, [b], { replace: true });
    assert.equal(r2.files[0]!.replaced, 1);
    assert.equal(r2.files[0]!.unchanged, 1);
    assert.equal(
      s.db.prepare("SELECT trade_count FROM bars WHERE ts = ?").get(T0 + H)?.trade_count,
      3,
    );
  } finally {
    s.cleanup();
  }
});

Deno.test("skips, unsupported frequencies and missing venue or symbol", async () => {
  const s = tempStore();
  try {
    const d = `${s.dir}/data`;
    write(d, "README.md", "# hi");
    write(d, "PROVENANCE.md", "# hi");
    write(d, "MANIFEST.tsv", "dest\n");
    write(d, "kraken/XBTUSD_720.csv", `${T0 / 1000},1,2,0.5,1.5,10,3\n`);
    write(d, "binance/BTC_USDT-8h-funding_rate.json", "[[0,0.0001,0,0,0,0]]");
    write(d, "binance/BTC_USDT_USDT-8h-mark.json", "[[0,1,2,0.5,1.5,0]]");
    write(d, "api_payloads/binance/trades.json", "[]");
    write(d, "ws_streams/x.csv", "1,2,3\n");
    write(
      d,
      "nowhere/XRP_ETH-trades.json",
      '[[1570752011620,"13519807",null,"sell",0.00141342,23.0,0.03]]',
    );
    write(
      d,
      "kraken/api.json",
      '[{"id": 1, "price": "1", "qty": "1", "time": 1, "isBuyerMaker": true}]',
    );
    const r = await importPaths(s.db, [d]);
    const by = Object.fromEntries(r.files.map((f) => [f.source.replace("file:data/", ""), f]));
    for (const k of ["README.md", "PROVENANCE.md", "MANIFEST.tsv"]) {
      assert.equal(by[k]!.status, "skipped", k);
    }
    assert.match(
      by["kraken/XBTUSD_720.csv"]!.message!,
      /720 minutes bars are not a supported frequency/,
    );
    // issue 12: freqtrade funding and mark files are read into the perp tables (as Binance
    // USDT-M: freqtrade writes them only in futures mode); a time of 0 is refused by the rules
    for (
      const k of ["binance/BTC_USDT-8h-funding_rate.json", "binance/BTC_USDT_USDT-8h-mark.json"]
    ) {
      assert.equal(by[k]!.status, "imported", k);
      assert.equal(by[k]!.venue, "binance_futures", k);
      assert.deepEqual(by[k]!.quarantinedByReason, { "timestamp before the venue existed": 1 }, k);
    }
    assert.match(by["api_payloads/binance/trades.json"]!.message!, /api_payloads/);
    assert.match(by["ws_streams/x.csv"]!.message!, /ws_streams/);
    assert.match(by["nowhere/XRP_ETH-trades.json"]!.message!, /cannot infer the venue.*--venue/);
    assert.match(by["kraken/api.json"]!.message!, /cannot infer the symbol.*--symbol/);
    assert.equal(r.failed, 2);
    const fixed = await importPaths(s.db, [`${d}/nowhere/XRP_ETH-trades.json`], {
      venue: "binance",
    });
    assert.deepEqual(
      [fixed.files[0]!.venue, fixed.files[0]!.symbol, fixed.files[0]!.inserted],
      ["binance", "XRPETH", 1],
    );
    const forced = await importPaths(s.db, [`${d}/kraken/XBTUSD_720.csv`], {
      freq: "1d",
      symbol: "XBTUSD",
    });
    assert.equal(forced.files[0]!.inserted, 1);
  } finally {
    s.cleanup();
  }
});

Deno.test("Kraken trades: an overlapping incremental file adds no duplicates", async () => {
  const s = tempStore();
  try {
    const a = write(
      `${s.dir}/kraken/q1`,
      "BCHEUR.csv",
      "1672531436,90.54,1.1\n1672531471,90.45,1.0\n",
    );
    const b = write(
      `${s.dir}/kraken/q2`,
      "BCHEUR.csv",
      "1672531471,90.45,1.0\n1672531500,90.4,2.0\n",
    );
    await importPaths(s.db, [a]);
    const r = await importPaths(s.db, [b]);
    assert.deepEqual([r.files[0]!.inserted, r.files[0]!.unchanged], [1, 1]);
    assert.equal(s.db.prepare("SELECT count(*) AS n FROM trades").get()?.n, 3);
  } finally {
    s.cleanup();
  }
});

Deno.test("futures files become binance_futures perps; a flag overrides the venue", async () => {
  const s = tempStore();
  try {
    const f = write(
      `${s.dir}/binance_usdm`,
      "BTC_USDT_USDT-1h-futures.json",
      "[[0,1,2,0.5,1.5,10]]",
    );
    const r = await importPaths(s.db, [f]);
    assert.deepEqual([r.files[0]!.venue, r.files[0]!.symbol], ["binance_futures", "BTCUSDT"]);
    assert.equal(listInstruments(s.db)[0]!.kind, "perp");
    const r2 = await importPaths(s.db, [f], { venue: "bybit", symbol: "BTCUSDT" });
    assert.equal(r2.files[0]!.venue, "bybit");
  } finally {
    s.cleanup();
  }
});

Deno.test("data.binance.vision dumps: klines with µs times and header-less aggTrades", async () => {
  const s = tempStore();
  try {
    // OHLCV of the real djienne BTC_USDT-1h.json first two candles laid out as a 2025 dump
    // (close_time, quote volume, count and taker columns are filled in by hand)
    const kl = write(
      `${s.dir}/data/spot/monthly/klines/BTCUSDT/1h`,
      "BTCUSDT-1h-2017-08.csv",
      "1502942400000000,4261.48,4313.62,4261.32,4308.83,47.181009,1502945999999999,202366.1,171,35.16,150952.5,0\n" +
        "1502946000000000,4308.83,4328.69,4291.37,4315.32,23.234916,1502949599999999,100304.8,102,21.44,92608.3,0\n",
    );
    // the real first two aggTrades of XRP/ETH (XRP_OLD-trades.json.gz "info" payloads)
    const agg = write(
      `${s.dir}/data/futures/um/daily/aggTrades/XRPETH`,
      "XRPETH-aggTrades-2019-10-11.csv",
      "13519807,0.00141342,23.00000000,15373518,15373518,1570752011620,true\n" +
        "13519808,0.00141266,54.00000000,15373519,15373519,1570752011620,true\n",
    );
    const r = await importPaths(s.db, [kl, agg]);
    assert.deepEqual(
      r.files.map((f) => [f.format, f.venue, f.symbol, f.freq, f.inserted]),
      [
        ["binance_kline_csv", "binance", "BTCUSDT", "1h", 2],
        ["binance_trades_csv", "binance_futures", "XRPETH", undefined, 2],
      ],
    );
    const b = s.db.prepare("SELECT ts, quote_volume, trade_count FROM bars ORDER BY ts").all();
    assert.deepEqual(b.map((x) => [x.ts, x.quote_volume, x.trade_count]), [
      [1502942400000, 202366.1, 171],
      [1502946000000, 100304.8, 102],
    ]);
    const t = s.db.prepare("SELECT side FROM trades ORDER BY trade_id").all();
    assert.deepEqual(t.map((x) => x.side), [-1, -1]);
  } finally {
    s.cleanup();
  }
});

Deno.test("a bar stored with the same values but another complete flag is flag-only, not a conflict", async () => {
  const s = tempStore();
  try {
    const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, 1);
    b.ts[0] = T0;
    b.open[0] = 1;
    b.high[0] = 2;
    b.low[0] = 0.5;
    b.close[0] = 1.5;
    b.volume[0] = 10;
    b.complete[0] = 0; // e.g. rebuilt by us from partial data
    writeBars(s.db, b, { source: "materialize:1m->1h" });
    const f = write(`${s.dir}/binance`, "BTC_USDT-1h.json", `[[${T0},1,2,0.5,1.5,10]]`);
    const r = await importPaths(s.db, [f]);
    const fr = r.files[0]!;
    assert.deepEqual([fr.inserted, fr.unchanged, fr.flagOnly, fr.quarantined], [0, 0, 1, 0]);
    assert.match(formatFileReport(fr), / flag-only=1 quarantined=0$/);
  } finally {
    s.cleanup();
  }
});
