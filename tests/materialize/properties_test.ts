/**
 * Properties of the materializers: idempotence, order independence, no invented bars, gaps,
 * and composition (1m -> 1h -> 1d equals 1m -> 1d), on real data where it matters.
 */
import assert from "node:assert/strict";
import { allocBars, type BarColumns, type TradeColumns } from "@lib/core/types.ts";
import { resampleBars } from "@lib/materialize/resample_bars.ts";
import { tradesToBars } from "@lib/materialize/trades_to_bars.ts";
import { materializeBars } from "@lib/materialize/run.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { writeTrades } from "@lib/store/trades.ts";
import { withTransaction } from "@lib/store/db.ts";
import { findGaps, listGaps } from "@lib/store/gaps.ts";
import { fingerprintStore } from "@lib/store/fingerprint.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { readBinanceUs1m, readKraken, readTardisTrades } from "./_real_files.ts";

function columns(b: BarColumns) {
  return {
    ts: [...b.ts],
    open: [...b.open],
    high: [...b.high],
    low: [...b.low],
    close: [...b.close],
    volume: [...b.volume],
    quoteVolume: [...b.quoteVolume],
    tradeCount: [...b.tradeCount],
    vwap: [...b.vwap],
    complete: [...b.complete],
  };
}

/** Seeded Fisher-Yates permutation (mulberry32), so the shuffles are reproducible. */
function permutation(n: number, seed: number): Uint32Array {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

function shuffleTrades(t: TradeColumns, seed: number): TradeColumns {
  const p = permutation(t.ts.length, seed);
  const pick = (a: Float64Array) => Float64Array.from(p, (i) => a[i]!);
  return {
    venue: t.venue,
    symbol: t.symbol,
    tradeId: Array.from(p, (i) => t.tradeId[i]!),
    ts: pick(t.ts),
    price: pick(t.price),
    qty: pick(t.qty),
    side: Int8Array.from(p, (i) => t.side[i]!),
  };
}

function shuffleBars(b: BarColumns, seed: number): BarColumns {
  const p = permutation(b.ts.length, seed);
  const f = (a: Float64Array) => Float64Array.from(p, (i) => a[i]!);
  return {
    venue: b.venue,
    symbol: b.symbol,
    freq: b.freq,
    ts: f(b.ts),
    open: f(b.open),
    high: f(b.high),
    low: f(b.low),
    close: f(b.close),
    volume: f(b.volume),
    quoteVolume: f(b.quoteVolume),
    tradeCount: f(b.tradeCount),
    vwap: f(b.vwap),
    complete: Uint8Array.from(p, (i) => b.complete[i]!),
  };
}

realDataTest("trades -> bars is the same whatever order the trades arrive in", () => {
  const t = readTardisTrades();
  const want = columns(tradesToBars(t, "1m"));
  for (const seed of [1, 2, 3]) {
    assert.deepEqual(columns(tradesToBars(shuffleTrades(t, seed), "1m")), want);
  }
});

realDataTest("bars -> coarser bars is the same whatever order the bars arrive in", () => {
  const m = readKraken("XBTUSDC_1.csv", "1m");
  const want = columns(resampleBars(m, "1h"));
  assert.deepEqual(columns(resampleBars(shuffleBars(m, 7), "1h")), want);
});

realDataTest("1m -> 1h -> 1d equals 1m -> 1d (Kraken sparse, Binance.US dense)", () => {
  for (
    const m of [
      readKraken("XBTUSDC_1.csv", "1m"),
      readBinanceUs1m("BTCUSDT_1m_20230301_20230321.csv"),
    ]
  ) {
    const direct = columns(resampleBars(m, "1d"));
    assert.deepEqual(columns(resampleBars(resampleBars(m, "1h"), "1d")), direct);
    assert.deepEqual(
      columns(resampleBars(resampleBars(resampleBars(m, "15m"), "4h"), "1d")),
      direct,
    );
  }
});

realDataTest("a dense minute grid gives complete hours; a sparse one gives none invented", () => {
  const dense = readBinanceUs1m("BTCUSDT_1m_20230301_20230321.csv");
  const h = resampleBars(dense, "1h");
  assert.equal(h.ts.length, 21 * 24);
  assert.ok(h.complete.every((c) => c === 1));
  const sparse = readKraken("XBTUSDC_1.csv", "1m");
  const hs = resampleBars(sparse, "1h");
  const hours = new Set<number>();
  for (const t of sparse.ts) hours.add(Math.floor(t / 3_600_000) * 3_600_000);
  assert.equal(hs.ts.length, hours.size);
  for (const t of hs.ts) assert.ok(hours.has(t), `invented hour ${t}`);
});

Deno.test("no bar is created for a missing interval, and the hole is a gap", () => {
  const b = allocBars({ venue: "sim", symbol: "X", freq: "1h" }, 3);
  // hours 0 and 1 of day 0, then hour 5 of day 2: day 1 has nothing
  [0, 1, 2 * 24 + 5].forEach((h, i) => {
    b.ts[i] = h * 3_600_000;
    b.open[i] =
      b.high[i] =
      b.low[i] =
      b.close[i] =
        100 + i;
    b.volume[i] = 1;
  });
  const d = resampleBars(b, "1d");
  assert.deepEqual([...d.ts], [0, 2 * 86_400_000]);
  assert.deepEqual([...d.complete], [0, 0]);
  const g = findGaps(d.ts, "1d");
  assert.deepEqual([...g.startTs], [86_400_000]);
  assert.deepEqual([...g.missing], [1]);
  // hourly gaps: hours 2..47+5 missing between the second and third bar
  const gh = findGaps(b.ts, "1h");
  assert.deepEqual([...gh.missing], [2 * 24 + 5 - 2]);
});

Deno.test("resampling to a frequency that is not a coarser multiple names both", () => {
  const b = allocBars({ venue: "sim", symbol: "X", freq: "1h" }, 0);
  assert.throws(() => resampleBars(b, "15m"), /1h bars to 15m.*15m = 900000 ms, 1h = 3600000 ms/);
  assert.throws(() => resampleBars(b, "1h"), /coarser multiple/);
});

Deno.test("vwap, quote volume and trade count propagate NaN; complete needs every part", () => {
  const b = allocBars({ venue: "sim", symbol: "X", freq: "15m" }, 4);
  for (let i = 0; i < 4; i++) {
    b.ts[i] = i * 900_000;
    b.open[i] =
      b.high[i] =
      b.low[i] =
      b.close[i] =
        10;
    b.volume[i] = 2;
    b.quoteVolume[i] = 20;
    b.tradeCount[i] = 3;
  }
  let h = resampleBars(b, "1h");
  assert.deepEqual([h.quoteVolume[0], h.tradeCount[0], h.vwap[0], h.complete[0]], [80, 12, 10, 1]);
  b.quoteVolume[2] = NaN;
  b.tradeCount[1] = NaN;
  b.complete[3] = 0;
  h = resampleBars(b, "1h");
  assert.ok(Number.isNaN(h.quoteVolume[0]!) && Number.isNaN(h.tradeCount[0]!));
  assert.ok(Number.isNaN(h.vwap[0]!));
  assert.equal(h.complete[0], 0);
});

realDataTest("materializeBars is idempotent: a second run inserts and replaces nothing", () => {
  const s = tempStore();
  try {
    const m = readKraken("XBTUSDC_5.csv", "5m");
    withTransaction(s.db, () => writeBars(s.db, m, { source: "file:XBTUSDC_5.csv" }));
    const first = materializeBars(s.db, { toFreq: "all" });
    assert.deepEqual(first.series.map((r) => r.to), ["15m", "1h", "4h", "1d"]);
    assert.ok(first.inserted > 0);
    const fp1 = fingerprintStore(s.db);
    const second = materializeBars(s.db, { toFreq: "all" });
    assert.equal(second.inserted, 0);
    assert.equal(second.replaced, 0);
    assert.equal(second.unchanged, first.inserted);
    assert.equal(fingerprintStore(s.db).sha256, fp1.sha256);
    // the stored 1h bars equal Kraken's own file, and the gaps are recorded
    const h = readBars(s.db, { venue: "kraken", symbol: "XBTUSDC", freq: "1h" });
    assert.deepEqual([...h.volume], [...readKraken("XBTUSDC_60.csv", "1h").volume]);
    const fiveMinuteGaps = listGaps(s.db, { venue: "kraken", symbol: "XBTUSDC", freq: "5m" });
    const expected = findGaps(m.ts, "5m");
    assert.equal(fiveMinuteGaps.length, expected.startTs.length);
    let missing = 0;
    for (let i = 1; i < m.ts.length; i++) missing += (m.ts[i]! - m.ts[i - 1]!) / 300_000 - 1;
    assert.equal(fiveMinuteGaps.reduce((a, g) => a + g.missing, 0), missing);
    // 25,920 five-minute intervals in Q1 2023, 22,893 present, none missing at either end
    assert.equal(missing, 25_920 - 22_893);
    const runs = s.db.prepare("SELECT status FROM ingest_runs WHERE task = 'materialize'").all();
    assert.deepEqual(runs.map((r) => r.status), ["ok", "ok"]);
  } finally {
    s.cleanup();
  }
});

realDataTest("materializeBars builds bars from stored trades (--from trades)", () => {
  const s = tempStore();
  try {
    const t = readTardisTrades();
    withTransaction(s.db, () => writeTrades(s.db, t, { source: "file:trades.csv" }));
    const r = materializeBars(s.db, { toFreq: "1m", fromFreq: "trades" });
    assert.equal(r.series.length, 1);
    const stored = readBars(s.db, { venue: "binance_futures", symbol: "BTCUSDT", freq: "1m" });
    assert.deepEqual(columns(stored), columns(tradesToBars(t, "1m")));
    const again = materializeBars(s.db, { toFreq: "1m" });
    assert.equal(again.inserted + again.replaced, 0);
    assert.equal(
      s.db.prepare("SELECT DISTINCT source FROM bars").get()?.source,
      "materialize:trades->1m",
    );
  } finally {
    s.cleanup();
  }
});

Deno.test("materializeBars rejects an explicit source that is not finer than the target", () => {
  const s = tempStore();
  try {
    assert.throws(
      () => materializeBars(s.db, { toFreq: "1h", fromFreq: "1d" }),
      /1h bars from 1d bars/,
    );
  } finally {
    s.cleanup();
  }
});

Deno.test("decimalSum: the speed hint never changes a result", async () => {
  const { decimalSum } = await import("@lib/materialize/decimal_sum.ts");
  // values of very different magnitudes and precisions, including ones where rounding to the
  // hinted decimals would be finer than double precision
  const cases = [
    Float64Array.of(0.1, 0.2, 0.3),
    Float64Array.of(12345678.12345678, 0.00000001, 3),
    Float64Array.of(1e15, 0.25, 0.5),
    Float64Array.of(0.1 + 0.2, 1),
    Float64Array.of(4881379028.6, 3367212939.4, 1.0000001),
    Float64Array.of(-1.5, 2.25, -0.125),
  ];
  for (const v of cases) {
    const plain = decimalSum(v);
    for (let k = 0; k <= 22; k++) {
      assert.equal(decimalSum(v, 0, v.length, { k }), plain, `${[...v]} with hint ${k}`);
    }
  }
  assert.equal(decimalSum(Float64Array.of(0.1, 0.2, 0.3)), 0.6);
  assert.equal(decimalSum(Float64Array.of(-1.5, 2.25, -0.125)), 0.625);
});
