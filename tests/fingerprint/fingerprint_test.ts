/**
 * Dataset fingerprints: known answer, order independence, sensitivity, NULL vs 0, and equality
 * of the in-memory and store fingerprints.
 *
 * Known-answer oracle: tests/oracles/fingerprint_kat.py (Python 3 hashlib.sha256 + struct,
 * an independent implementation of the layout documented in lib/core/canonical.ts) over the
 * dataset mirrored below; hashes must match exactly.
 */
import assert from "node:assert/strict";
import { allocBars, type BarColumns, type TradeColumns } from "@lib/core/types.ts";
import type { Freq } from "@lib/core/freq.ts";
import { CanonicalEncoder, CanonicalHasher } from "@lib/core/canonical.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { writeTrades } from "@lib/store/trades.ts";
import { withTransaction } from "@lib/store/db.ts";
import {
  fingerprintBarColumns,
  fingerprintBars,
  fingerprintSeries,
  fingerprintStore,
  fingerprintTrades,
} from "@lib/store/fingerprint.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { NUMERIC_BAR_FIELDS } from "../_shared/bar_fields.ts";
import { readFreqtrade, readKraken } from "../materialize/_real_files.ts";

const kat = JSON.parse(
  Deno.readTextFileSync(new URL("../oracles/fingerprint_kat.json", import.meta.url)),
) as Record<string, string | number>;

type Row = [string, string, Freq, number, ...number[]];
// Mirrors BARS in fingerprint_kat.py; NaN = NULL.
const KAT_BARS: Row[] = [
  ["sim", "\u00c4\u00d6\u20ac", "1d", 0, 1, 2.5, 0.5, 2, -0, 0, 0, NaN, 0],
  [
    "kraken",
    "XBTUSDC",
    "1h",
    1672531200000,
    16535.97,
    16536.9,
    16505.54,
    16524.56,
    0.29319453,
    NaN,
    31,
    NaN,
    1,
  ],
  ["sim", "AAA", "1m", -60000, 3, 3, 3, 3, 1e-8, 3e-8, 1, 3, 1],
  [
    "sim",
    "AAA",
    "15m",
    900000,
    0.1,
    0.30000000000000004,
    0.1,
    0.2,
    12345678.12345678,
    NaN,
    NaN,
    NaN,
    0,
  ],
];

function barBatch(row: Row): BarColumns {
  const b = allocBars({ venue: row[0], symbol: row[1], freq: row[2] }, 1);
  const v = row.slice(3) as number[];
  b.ts[0] = v[0]!;
  b.open[0] = v[1]!;
  b.high[0] = v[2]!;
  b.low[0] = v[3]!;
  b.close[0] = v[4]!;
  b.volume[0] = v[5]!;
  b.quoteVolume[0] = v[6]!;
  b.tradeCount[0] = v[7]!;
  b.vwap[0] = v[8]!;
  b.complete[0] = v[9]!;
  return b;
}

function tradeBatch(
  venue: string,
  symbol: string,
  rows: [number | string, number, number, number, number][],
): TradeColumns {
  return {
    venue,
    symbol,
    tradeId: rows.map((r) => r[0]),
    ts: Float64Array.from(rows, (r) => r[1]),
    price: Float64Array.from(rows, (r) => r[2]),
    qty: Float64Array.from(rows, (r) => r[3]),
    side: Int8Array.from(rows, (r) => r[4]),
  };
}

// Mirrors TRADES in fingerprint_kat.py: integer ids (Binance), UUID ids (BitMEX), a synthesized
// Kraken id, and one series mixing integer and text ids (integers sort first).
const KAT_TRADES: TradeColumns[] = [
  tradeBatch("binance_futures", "BTCUSDT", [
    [42377945, 1582329602116.5, 9682, 0.412, -1],
    [42377944, 1582329602111, 9682, 0.132, 1],
  ]),
  tradeBatch("bitmex", "XBTUSD", [
    ["ccc3c1fa-212c-e8b0-1706-9b0aa53b0c38", 1569888001337, 8289.5, 1, -1],
    ["0d9b4fe5-4b7e-a9b5-1a08-8b1b9a4b2d38", 1569888001337, 8289, 30, -1],
  ]),
  tradeBatch("kraken", "BCHEUR", [["1672531436:0", 1672531436000, 90.54, 1.1, 0]]),
  tradeBatch("sim", "MIX", [
    ["10-b", 1000, 1, 1, 1],
    [9, 2000, 1, 1, -1],
    ["9a", 3000, 1, 1, 0],
  ]),
];

Deno.test("known answer: store and in-memory fingerprints equal the Python oracle", () => {
  const s = tempStore();
  try {
    assert.equal(fingerprintBars(s.db).sha256, kat.empty_bars_sha256);
    withTransaction(s.db, () => {
      for (const r of KAT_BARS) writeBars(s.db, barBatch(r), { source: "kat" });
      for (const t of KAT_TRADES) writeTrades(s.db, t, { source: "kat" });
    });
    const bars = fingerprintBars(s.db);
    assert.equal(bars.sha256, kat.bars_sha256);
    assert.equal(bars.rows, kat.bars_rows);
    assert.equal(bars.encodingVersion, 1);
    assert.equal(bars.columns.length, 13);
    assert.equal(fingerprintBarColumns(KAT_BARS.map(barBatch)).sha256, kat.bars_sha256);
    const trades = fingerprintTrades(s.db);
    assert.equal(trades.sha256, kat.trades_sha256);
    assert.equal(trades.rows, kat.trades_rows);
    const store = fingerprintStore(s.db);
    assert.equal(store.sha256, kat.store_sha256);
    assert.equal(store.rows, Number(kat.bars_rows) + Number(kat.trades_rows));
  } finally {
    s.cleanup();
  }
});

Deno.test("trade ids: text and integer ids fingerprint alike in any write order; a changed UUID changes it", () => {
  const s1 = tempStore(), s2 = tempStore();
  try {
    withTransaction(s1.db, () => {
      for (const t of KAT_TRADES) writeTrades(s1.db, t, { source: "a" });
    });
    withTransaction(s2.db, () => {
      // batches and rows reversed, one row per write
      for (const t of [...KAT_TRADES].reverse()) {
        for (let i = t.ts.length - 1; i >= 0; i--) {
          writeTrades(s2.db, {
            ...t,
            tradeId: [t.tradeId[i]!],
            ts: t.ts.slice(i, i + 1),
            price: t.price.slice(i, i + 1),
            qty: t.qty.slice(i, i + 1),
            side: t.side.slice(i, i + 1),
          }, { source: "b" });
        }
      }
    });
    assert.equal(fingerprintTrades(s1.db).sha256, fingerprintTrades(s2.db).sha256);
    assert.equal(fingerprintStore(s1.db).sha256, fingerprintStore(s2.db).sha256);
    // the stored classes really are mixed (the case that used to throw)
    const classes = s1.db.prepare(
      "SELECT typeof(trade_id) AS t, count(*) AS n FROM trades GROUP BY 1 ORDER BY 1",
    ).all().map((r) => `${r.t}:${r.n}`);
    assert.deepEqual(classes, ["integer:3", "text:5"]);
    // a per-series filter on a UUID series works and differs from the whole table
    const bitmex = fingerprintTrades(s1.db, { venue: "bitmex", symbol: "XBTUSD" });
    assert.equal(bitmex.rows, 2);
    assert.notEqual(bitmex.sha256, fingerprintTrades(s1.db).sha256);
    // changing one UUID changes the fingerprint
    s2.db.prepare("UPDATE trades SET trade_id = ? WHERE trade_id = ?").run(
      "ccc3c1fa-212c-e8b0-1706-9b0aa53b0c39",
      "ccc3c1fa-212c-e8b0-1706-9b0aa53b0c38",
    );
    assert.notEqual(fingerprintTrades(s2.db).sha256, fingerprintTrades(s1.db).sha256);
  } finally {
    s1.cleanup();
    s2.cleanup();
  }
});

Deno.test("dynamic column: the storage class is part of the encoding", () => {
  const cols = [{ name: "id", type: "dynamic" as const }];
  const hash = (...vals: (string | number | bigint | null)[]) => {
    const h = new CanonicalHasher(cols);
    for (const v of vals) h.encoder.row([v]);
    return h.digest().sha256;
  };
  assert.notEqual(hash(7), hash("7"));
  assert.equal(hash(7), hash(7n));
  assert.notEqual(hash(7), hash(7.5));
  assert.notEqual(hash(null), hash(""));
  // bytes: present tag, class tag, payload
  const bytes: number[] = [];
  const enc = new CanonicalEncoder(cols, (c) => bytes.push(...c));
  enc.row(["ab"]);
  enc.row([1]);
  enc.flush();
  assert.deepEqual(bytes.slice(-18), [1, 1, 0, 0, 0, 2, 97, 98, 1, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
});

realDataTest("same data imported in either order, from other sources, has one fingerprint", () => {
  const a = readKraken("XBTUSDC_60.csv", "1h");
  const btc = readFreqtrade("BTC", "1h");
  const b = sliceOf(btc, btc.ts.length - 5000, btc.ts.length); // keep the test quick
  const s1 = tempStore(), s2 = tempStore();
  try {
    withTransaction(s1.db, () => {
      writeBars(s1.db, a, { source: "file:one" });
      writeBars(s1.db, b, { source: "file:two", runId: undefined });
    });
    withTransaction(s2.db, () => {
      // reversed order, rows written back to front, other provenance
      const rev = (x: BarColumns) => {
        const n = x.ts.length;
        for (let i = n - 1; i >= 0; i -= 1000) {
          const from = Math.max(0, i - 999);
          writeBars(s2.db, sliceOf(x, from, i + 1), { source: "other" });
        }
      };
      rev(b);
      rev(a);
    });
    const f1 = fingerprintStore(s1.db), f2 = fingerprintStore(s2.db);
    assert.equal(f1.sha256, f2.sha256);
    assert.equal(f1.rows, a.ts.length + b.ts.length);
    assert.equal(fingerprintSeries(s1.db, a).sha256, fingerprintSeries(s2.db, a).sha256);
    // the in-memory batches fingerprint like the store, in any batch order
    assert.equal(fingerprintBarColumns([b, a]).sha256, fingerprintBars(s1.db).sha256);
    assert.equal(fingerprintBarColumns([a, b]).sha256, fingerprintBars(s1.db).sha256);
    // a window fingerprints exactly the rows read back for that window
    const w = { from: Date.UTC(2023, 0, 10), to: Date.UTC(2023, 1, 1) };
    assert.equal(
      fingerprintSeries(s1.db, a, w).sha256,
      fingerprintBarColumns(readBars(s1.db, a, w)).sha256,
    );
    assert.notEqual(fingerprintSeries(s1.db, a, w).sha256, fingerprintSeries(s1.db, a).sha256);
  } finally {
    s1.cleanup();
    s2.cleanup();
  }
});

function sliceOf(x: BarColumns, from: number, to: number): BarColumns {
  const c = (y: Float64Array) => y.slice(from, to);
  return {
    venue: x.venue,
    symbol: x.symbol,
    freq: x.freq,
    ts: c(x.ts),
    open: c(x.open),
    high: c(x.high),
    low: c(x.low),
    close: c(x.close),
    volume: c(x.volume),
    quoteVolume: c(x.quoteVolume),
    tradeCount: c(x.tradeCount),
    vwap: c(x.vwap),
    complete: x.complete.slice(from, to),
  };
}

Deno.test("any single changed value changes the fingerprint; NULL and 0 differ", () => {
  const base = KAT_BARS.map(barBatch);
  const ref = fingerprintBarColumns(base).sha256;
  const seen = new Set([ref]);
  for (let r = 0; r < base.length; r++) {
    for (const col of NUMERIC_BAR_FIELDS) {
      const copy = base.map((b) => sliceOf(b, 0, 1));
      const arr = copy[r]![col];
      const old = arr[0]!;
      // a present value nudged by one unit in the last place (or 1 for integer columns), or a
      // NULL turned into 0
      arr[0] = Number.isNaN(old)
        ? 0
        : col === "ts" || col === "tradeCount"
        ? old + 1
        : old === 0
        ? Number.MIN_VALUE
        : old * (1 + Number.EPSILON);
      assert.notEqual(arr[0], old);
      const h = fingerprintBarColumns(copy).sha256;
      assert.ok(!seen.has(h), `row ${r} ${col}: fingerprint did not change`);
      seen.add(h);
    }
    const copy = base.map((b) => sliceOf(b, 0, 1));
    copy[r]!.complete[0] = 1 - copy[r]!.complete[0]!;
    assert.notEqual(fingerprintBarColumns(copy).sha256, ref);
  }
  // NULL vs 0 explicitly: quote volume of the "ÄÖ€" row is 0; vwap is NULL
  const z = base.map((b) => sliceOf(b, 0, 1));
  z[0]!.quoteVolume[0] = NaN;
  assert.notEqual(fingerprintBarColumns(z).sha256, ref);
  // key columns: another symbol or venue changes it too
  const k = base.map((b) => sliceOf(b, 0, 1));
  k[1] = { ...k[1]!, symbol: "XBTUSDT" };
  assert.notEqual(fingerprintBarColumns(k).sha256, ref);
});

Deno.test("-0 and 0 encode alike; every NaN encodes alike; chunking does not matter", () => {
  const cols = [{ name: "x", type: "real" as const }, { name: "s", type: "text" as const }];
  const hash = (x: number, chunk?: number) => {
    const h = new CanonicalHasher();
    const enc = chunk === undefined ? h.addTable(cols) : new CanonicalEncoder(
      cols,
      (c) => h.hash.update(c),
      chunk,
    );
    for (let i = 0; i < 200; i++) enc.row([x, "a long-ish text value to cross chunk borders €"]);
    if (chunk !== undefined) {
      enc.flush();
      return h.hash.digest("hex");
    }
    return h.digest().sha256;
  };
  assert.equal(hash(-0), hash(0));
  const weirdNaN = new Float64Array(new BigUint64Array([0x7ff0000000000001n]).buffer)[0]!;
  assert.ok(Number.isNaN(weirdNaN));
  assert.equal(hash(weirdNaN), hash(NaN));
  assert.equal(hash(1.5, 64), hash(1.5, 100_000));
  assert.equal(hash(1.5, 64), hash(1.5));
});

Deno.test("encoder rejects malformed rows with clear errors", () => {
  const enc = new CanonicalEncoder([{ name: "n", type: "integer" }], () => {});
  assert.throws(() => enc.row([1.5]), /"n".*not a safe integer/);
  const enc2 = new CanonicalEncoder([{ name: "n", type: "integer" }], () => {});
  assert.throws(() => enc2.row([1, 2]), /expected 1 values, got 2/);
  assert.throws(() => enc2.text("x"), /declared integer/);
  assert.throws(
    () => fingerprintBarColumns([barBatch(KAT_BARS[0]!), barBatch(KAT_BARS[0]!)]),
    /appears in two batches/,
  );
});
