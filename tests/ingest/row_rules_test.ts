/**
 * Issue 8 item 1 (and item 7's rounded duplicates) for `import` and the store writers: the one
 * set of row rules of lib/ingest/gates/rules.ts decides what enters the store, whatever the
 * write path.
 *
 * Before the fix: `Infinity` in a CSV high or volume and `1e999` in freqtrade JSON were stored
 * as Inf; one bar dated in the year 5138 was stored (and then asked a report for a grid of 27
 * million hours); a CryptoDataDownload hour repeated with its values rounded to two decimals
 * lost both rows; a stored bar without quote volume made a row that had one a "conflict".
 */
import assert from "node:assert/strict";
import { formatFileReport, importPaths } from "@lib/ingest/mod.ts";
import { gateBars, gateQuotes, gateTrades, REASONS } from "@lib/ingest/gates/mod.ts";
import { validateBars } from "@lib/ingest/validate_bars.ts";
import { parseFreqtradeJson } from "@lib/ingest/formats/freqtrade_json.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { writeTrades } from "@lib/store/trades.ts";
import { writeDexSnapshots, writeSpotSnapshots } from "@lib/store/snapshots.ts";
import { allocBars } from "@lib/core/types.ts";
import { openStore } from "@lib/store/db.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const Y5138 = Date.UTC(5138, 0, 1);

/** A Binance data-dump kline line. */
function kline(ts: number, o: string, h: string, l: string, c: string, v: string): string {
  return `${ts},${o},${h},${l},${c},${v},${ts + H - 1},1000,10,1,1,0`;
}

function write(dir: string, name: string, text: string): string {
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeTextFileSync(`${dir}/${name}`, text);
  return `${dir}/${name}`;
}

Deno.test("import: Infinity in a CSV high or volume and 1e999 in JSON are quarantined, never stored", async () => {
  const s = tempStore();
  try {
    const csv = write(
      `${s.dir}/binance`,
      "BTCUSDT-1h-2024-01.csv",
      [
        kline(T0, "100", "101", "99", "100", "5"),
        kline(T0 + H, "100", "Infinity", "99", "100", "5"),
        kline(T0 + 2 * H, "100", "101", "99", "100", "Infinity"),
        kline(T0 + 3 * H, "100", "101", "99", "100", "5"),
      ].join("\n") + "\n",
    );
    const json = write(
      `${s.dir}/binance`,
      "ETH_USDT-1h.json",
      `[[${T0},10,11,9,10,5],[${T0 + H},10,1e999,9,10,5],[${T0 + 2 * H},10,11,9,10,1e999]]`,
    );
    const r = await importPaths(s.db, [csv, json]);
    const [c, j] = r.files;
    assert.deepEqual(c!.quarantinedByReason, {
      [REASONS.priceNotFinite]: 1,
      [REASONS.volumeNotFinite]: 1,
    });
    assert.deepEqual(j!.quarantinedByReason, {
      [REASONS.priceNotFinite]: 1,
      [REASONS.volumeNotFinite]: 1,
    });
    assert.equal(c!.inserted + j!.inserted, 3);
    const inf = s.db.prepare(
      `SELECT count(*) AS n FROM bars WHERE abs(open) > 1e308 OR abs(high) > 1e308
       OR abs(low) > 1e308 OR abs(close) > 1e308 OR abs(volume) > 1e308
       OR abs(quote_volume) > 1e308`,
    ).get();
    assert.equal(inf?.n, 0);
    const reasons = s.db.prepare("SELECT reason FROM quarantine ORDER BY id").all()
      .map((x) => String(x.reason));
    assert.ok(
      reasons.includes("price is not a finite number: high Infinity is not a finite number"),
    );
    assert.ok(
      reasons.includes("volume is not a finite number: volume Infinity is not a finite number"),
    );
  } finally {
    s.cleanup();
  }
});

Deno.test("import: a bar dated in the year 5138 is refused (not after now + one bar)", async () => {
  const s = tempStore();
  try {
    const f = write(
      `${s.dir}/binance`,
      "BTC_USDT-1h.json",
      `[[${T0},1,2,0.5,1.5,10],[${Y5138},1,2,0.5,1.5,10],[${T0 + H},1,2,0.5,1.5,10]]`,
    );
    const r = await importPaths(s.db, [f], { now: () => T0 + 10 * H });
    assert.deepEqual(r.files[0]!.quarantinedByReason, { [REASONS.future]: 1 });
    const b = readBars(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
    assert.deepEqual([...b.ts], [T0, T0 + H]);
    // no gap of 27 million hours is recorded
    assert.equal(s.db.prepare("SELECT count(*) AS n FROM bar_gaps").get()?.n, 0);
    // and one before 2009-01-03, on a venue without a launch date of its own
    const old = write(`${s.dir}/x`, "XBTUSD_60.csv", `0,1,2,0.5,1.5,10,3\n`);
    const r2 = await importPaths(s.db, [old], { venue: "bitstamp", symbol: "XBTUSD" });
    assert.deepEqual(r2.files[0]!.quarantinedByReason, { [REASONS.tooEarly]: 1 });
  } finally {
    s.cleanup();
  }
});

Deno.test("import: a row repeated with rounded values keeps the precise row and says so", async () => {
  const s = tempStore();
  try {
    // the shape of Binance_BTCUSDT_1h.csv line 953/954: the same hour in ms with 8 decimals,
    // then in seconds with 2 decimals and no trade count
    const t = Date.UTC(2020, 10, 20, 6);
    const f = write(
      `${s.dir}/cdd`,
      "Binance_BTCUSDT_1h.csv",
      "https://www.CryptoDataDownload.com\n" +
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\n" +
        `${t},2020-11-20 06:00:00,BTC/USDT,18129.99000000,18176.01000000,18060.00000000,` +
        `18164.80000000,2523.07949400,45718387.34342975,51191\n` +
        `${t / 1000}.0,2020-11-20 06-AM,BTC/USDT,18129.99,18176.01,18060,18164.8,2523.08,` +
        `45718387.34,NULL\n` +
        // the hour before, where the rounded copy's open is 0.28% off (beyond the near-duplicate
        // tolerance of 0.05%): both refused
        `${t - H},2020-11-20 05:00:00,BTC/USDT,18100.00000000,18176.01000000,18060.00000000,` +
        `18129.99000000,100.12345600,1812345.12345600,5000\n` +
        `${(t - H) / 1000}.0,2020-11-20 05-AM,BTC/USDT,18150.5,18176.01,18060,18129.99,100.12,` +
        `1812345.12,NULL\n`,
    );
    const r = await importPaths(s.db, [f], { venue: "binance" });
    const fr = r.files[0]!;
    assert.equal(fr.roundedDropped, 1);
    assert.equal(fr.inserted, 1);
    assert.deepEqual(fr.quarantinedByReason, { [REASONS.duplicateTs]: 2 });
    assert.match(formatFileReport(fr), / rounded-duplicates=1 \(kept the more precise row\)/);
    const b = readBars(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
    assert.deepEqual([b.ts[0], b.volume[0], b.tradeCount[0]], [t, 2523.079494, 51191]);
  } finally {
    s.cleanup();
  }
});

Deno.test("import: a file that continues a stored series is judged by the jump rule from its first row", async () => {
  const s = tempStore();
  try {
    const wiggle = (i: number) => (100 * (1 + 0.002 * Math.sin(i))).toFixed(4);
    const rows = (from: number, to: number, first?: string) =>
      Array.from({ length: to - from }, (_, k) => {
        const i = from + k;
        const c = k === 0 && first !== undefined ? first : wiggle(i);
        return `[${T0 + i * H},${c},${c},${c},${c},1]`;
      });
    // January in the store, then February's file starts with a 100x print
    const jan = write(`${s.dir}/jan/binance`, "BTC_USDT-1h.json", `[${rows(0, 60)}]`);
    const feb = write(`${s.dir}/feb/binance`, "BTC_USDT-1h.json", `[${rows(60, 70, "10000")}]`);
    await importPaths(s.db, [jan]);
    const r = await importPaths(s.db, [feb]);
    assert.deepEqual(r.files[0]!.quarantinedByReason, { [REASONS.jump]: 1 });
    assert.equal(r.files[0]!.inserted, 9);
    // alone, the same file has no history: its first rows cannot be judged
    const fresh = tempStore();
    try {
      const r2 = await importPaths(fresh.db, [feb]);
      assert.equal(r2.files[0]!.quarantined, 0);
    } finally {
      fresh.cleanup();
    }
  } finally {
    s.cleanup();
  }
});

Deno.test("one set of reasons: import, the bar gate and the trade and quote gates name a refusal alike", () => {
  const p = parseFreqtradeJson(`[[${T0},1,2,0.5,1.5,10],[${T0 + H},0,2,0.5,1.5,10]]`);
  const v = validateBars(p, { venue: "binance", symbol: "X", freq: "1h" }, { now: T0 + 5 * H });
  const b = allocBars({ venue: "binance", symbol: "X", freq: "1h" }, 1);
  b.ts[0] = T0;
  b.open[0] = 0;
  b.high[0] = 2;
  b.low[0] = 0.5;
  b.close[0] = 1.5;
  const g = gateBars(b, { now: T0 + 5 * H });
  assert.equal(v.problems[0]!.kind, REASONS.nonPositivePrice);
  assert.equal(g.rejected[0]!.kind, REASONS.nonPositivePrice);
  assert.equal(`${v.problems[0]!.kind}: ${v.problems[0]!.detail}`, g.rejected[0]!.reason);
  const t = gateTrades({
    venue: "binance",
    symbol: "X",
    tradeId: [1],
    ts: Float64Array.of(T0),
    price: Float64Array.of(0),
    qty: Float64Array.of(1),
    side: Int8Array.of(1),
  }, { now: T0 + 1 });
  assert.equal(t.rejected[0]!.kind, REASONS.nonPositivePrice);
  const q = gateQuotes([{
    venue: "kraken",
    symbol: "XBTUSD",
    ts: T0,
    price: Infinity,
    bid: undefined,
    ask: undefined,
    volume24h: undefined,
  }], { now: T0 });
  assert.equal(q.rejected[0]!.kind, REASONS.priceNotFinite);
});

Deno.test("store writers refuse non-finite values, the last line behind the rules", () => {
  const { db, close } = openStore(":memory:");
  try {
    const b = allocBars({ venue: "sim", symbol: "X", freq: "1h" }, 2);
    b.ts.set([T0, T0 + H]);
    b.open.fill(1);
    b.high.fill(1);
    b.low.fill(1);
    b.close.fill(1);
    b.volume[1] = Infinity;
    assert.throws(() => writeBars(db, b, { source: "t" }), /row 1 has volume Infinity/);
    b.volume[1] = 1;
    b.quoteVolume[0] = -Infinity;
    assert.throws(() => writeBars(db, b, { source: "t" }), /row 0 has quoteVolume -Infinity/);
    assert.equal(db.prepare("SELECT count(*) AS n FROM bars").get()?.n, 0);
    assert.throws(
      () =>
        writeTrades(db, {
          venue: "binance",
          symbol: "X",
          tradeId: [7],
          ts: Float64Array.of(T0),
          price: Float64Array.of(NaN),
          qty: Float64Array.of(1),
          side: Int8Array.of(1),
        }, { source: "t" }),
      /trade 7 has price NaN/,
    );
    const quote = {
      venue: "kraken",
      symbol: "XBTUSD",
      ts: T0,
      price: Infinity,
      bid: undefined,
      ask: undefined,
      volume24h: undefined,
    };
    assert.throws(() => writeSpotSnapshots(db, [quote], { source: "t" }), /price Infinity/);
    const pair = {
      chainId: "solana",
      dexId: "raydium",
      pairAddress: "P",
      baseSymbol: "SOL",
      baseAddress: "S",
      quoteSymbol: "USDC",
      quoteAddress: "U",
      priceNative: 1,
      priceUsd: Infinity,
      liquidityUsd: 1,
      volumeH24: 1,
      txnsH24Buys: 1,
      txnsH24Sells: 1,
      pairCreatedAt: undefined,
    };
    assert.throws(
      () => writeDexSnapshots(db, [pair], { source: "t", ts: T0 }),
      /price_usd Infinity is not finite/,
    );
  } finally {
    close();
  }
});

Deno.test("deno task import (deno.json permissions): Infinity and a year-5138 bar are quarantined and reported", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-import-rules-" });
  try {
    const f = write(
      `${dir}/in/binance`,
      "BTCUSDT-1h-2024-01.csv",
      [
        kline(T0, "100", "101", "99", "100", "5"),
        kline(T0 + H, "100", "Infinity", "99", "100", "5"),
        kline(Y5138, "100", "101", "99", "100", "5"),
        kline(T0 + 2 * H, "100", "101", "99", "100", "5"),
      ].join("\n") + "\n",
    );
    const db = `${dir}/store.db`;
    const out = await runDeno(["task", "import", f, "--db", db]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(
      out.stdout,
      /rows=4 inserted=2 unchanged=0 quarantined=2 \((price is not a finite number: 1, timestamp in the future: 1|timestamp in the future: 1, price is not a finite number: 1)\)/,
    );
    const store = openStore(db);
    try {
      const b = readBars(store.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
      assert.deepEqual([...b.ts], [T0, T0 + 2 * H]);
      const q = store.db.prepare("SELECT locator, raw FROM quarantine ORDER BY locator").all();
      assert.deepEqual(q.map((x) => x.locator), ["line 2", "line 3"]);
      assert.match(String(q[1]!.raw), new RegExp(`^${Y5138},`));
    } finally {
      store.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
