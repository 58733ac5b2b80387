import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { parseTardisTradesCsv } from "@lib/ingest/formats/tardis_trades_csv.ts";
import { gateBars, gateQuotes, gateTrades } from "@lib/ingest/gates/mod.ts";
import { allocBars, type BarColumns, type TradeColumns } from "@lib/core/types.ts";
import type { SpotQuote } from "@lib/providers/types.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const DJIENNE = ["ohlcv", "binance_spot_2017-2022_djienne"];
const NOW = Date.UTC(2026, 0, 1);
const H = 3_600_000;

function loadBars(file: string): BarColumns {
  const p = parseFreqtradeJson(readFileSync(realPath(...DJIENNE, file), "utf8"));
  assert.equal(p.problems.length, 0, `${file} parses cleanly`);
  const b = allocBars({ venue: "binance", symbol: file.split("-")[0]!, freq: "1h" }, p.n);
  b.ts.set(p.ts.subarray(0, p.n));
  b.open.set(p.open.subarray(0, p.n));
  b.high.set(p.high.subarray(0, p.n));
  b.low.set(p.low.subarray(0, p.n));
  b.close.set(p.close.subarray(0, p.n));
  b.volume.set(p.volume.subarray(0, p.n));
  return b;
}

const isoAt = (b: BarColumns, i: number) => new Date(b.ts[i]!).toISOString();

// The 4 real BTC/USDT hours the default jump rule (k 20, W 48) refuses: sharp moves that
// reverted or were followed by bars on the other side, so no level-shift run confirmed them.
const BTC_REFUSED = [
  "2018-06-10T17:00:00.000Z",
  "2018-06-10T18:00:00.000Z",
  "2019-10-26T01:00:00.000Z",
  "2020-06-11T16:00:00.000Z",
];

realDataTest(
  "bar gate on real BTC/USDT 1h: tiny false-positive rate, the March 2020 crash is kept",
  () => {
    const b = loadBars("BTC_USDT-1h.json");
    const t0 = performance.now();
    const g = gateBars(b, { now: NOW });
    const ms = performance.now() - t0;
    console.log(
      `gateBars: ${b.ts.length} bars in ${ms.toFixed(1)} ms = ` +
        `${Math.round(b.ts.length / ms * 1000).toLocaleString("en")} rows/s`,
    );
    assert.deepEqual(g.rejected.map((r) => isoAt(b, r.index)), BTC_REFUSED);
    for (const r of g.rejected) {
      assert.match(r.reason, /^price jump: \|log return\| [\d.]+ > 20 x sigma /);
    }
    assert.ok(g.rejected.length / b.ts.length < 1e-4, "false-positive rate under 0.01%");
    assert.equal(g.accepted.ts.length, b.ts.length - BTC_REFUSED.length);
    // every hour of 2020-03-12 and 2020-03-13 (BTC -39% close to close) is kept
    const crash0 = Date.UTC(2020, 2, 12), crash1 = Date.UTC(2020, 2, 14);
    const inCrash = (t: number) => t >= crash0 && t < crash1;
    assert.equal(b.ts.filter(inCrash).length, 48);
    assert.equal(g.accepted.ts.filter(inCrash).length, 48);
  },
);

realDataTest("jump sigma matches scipy's MAD on real BTC/USDT 1h", () => {
  // tests/oracles/gates_jump.py: scipy 1.10.1
  // max(0.001, median_abs_deviation(r[i-48:i], scale='normal')), r = diff(log(close)).
  // With a huge `confirm` no refused run is re-accepted, so the first refusal is the first bar
  // whose |r| exceeds k * sigma on the plain window, which is what the oracle reports.
  const o = JSON.parse(
    readFileSync(new URL("../oracles/gates_jump.json", import.meta.url), "utf8"),
  );
  const b = loadBars("BTC_USDT-1h.json");
  assert.equal(b.ts.length, o.rows);
  for (const k of [12, 20]) {
    const e = o.byK[String(k)];
    const g = gateBars(b, { now: NOW, jump: { k, confirm: 50_000 } });
    const first = g.rejected[0]!;
    assert.equal(first.index, e.firstIndex, `k ${k}: first refused bar`);
    assert.equal(b.ts[first.index], e.firstTs);
    const m =
      /^price jump: \|log return\| ([\d.]+) > \d+ x sigma ([\d.]+) over the previous 48 bars/.exec(
        first.reason,
      );
    assert.ok(m, first.reason);
    // the reason prints 3 decimals / 3 significant digits: compare at that precision
    assert.equal(Number(m[1]), Number(e.firstAbsReturn.toFixed(3)));
    assert.equal(Number(m[2]), Number(e.firstSigma.toPrecision(3)));
  }
  // the oracle sees 2 crash hours above 20 sigma on the plain window; the level-shift rule
  // (3 refusals on the same side) keeps them, as the previous test shows
  assert.equal(o.byK["20"].crashBarsAboveK, 2);
});

realDataTest("bar gate on all 33 real Binance 1h pairs refuses under 0.01% of bars", () => {
  const files = [...Deno.readDirSync(realPath(...DJIENNE))].map((e) => e.name)
    .filter((n) => n.endsWith("-1h.json")).sort();
  assert.equal(files.length, 33);
  let bars = 0, refused = 0;
  for (const f of files) {
    const b = loadBars(f);
    const g = gateBars(b, { now: NOW });
    bars += b.ts.length;
    refused += g.rejected.length;
    for (const r of g.rejected) {
      assert.match(r.reason, /^price jump: \|log return\|/, `${f}: ${r.reason}`);
    }
  }
  console.log(`refused ${refused} of ${bars} real bars (${(100 * refused / bars).toFixed(4)}%)`);
  assert.equal(bars, 950_336);
  assert.equal(refused, 83);
});

realDataTest(
  "corruptions injected into real BTC/USDT bars are caught with the right reason",
  () => {
    const b = loadBars("BTC_USDT-1h.json");
    const spike = 20_000, zero = 25_000, flipped = 30_000, future = 35_000;
    for (const col of [b.open, b.high, b.low, b.close]) col[spike]! *= 100;
    b.close[zero] = 0;
    const hi = b.high[flipped]!, lo = b.low[flipped]!;
    b.high[flipped] = lo;
    b.low[flipped] = hi;
    b.ts[future] = Date.UTC(2031, 0, 1);
    const g = gateBars(b, { now: NOW });
    const got = new Map(g.rejected.map((r) => [r.index, r.reason]));
    assert.match(
      got.get(spike)!,
      /^price jump: \|log return\| 4\.6\d* > 20 x sigma [\d.]+ over the previous 48 bars \(price/,
    );
    assert.equal(got.get(zero), "non-positive price: close 0 <= 0");
    assert.equal(got.get(flipped), `high < low: high ${lo} < low ${hi}`);
    assert.match(
      got.get(future)!,
      /^timestamp in the future: time 2031-01-01T00:00:00.000Z is after now 2026-01-01T00:00:00.000Z \+ 3600000 ms/,
    );
    // nothing else: the bars after the spike are compared with the last accepted close, not 100x
    assert.deepEqual(
      g.rejected.map((r) => r.index).filter((i) => ![spike, zero, flipped, future].includes(i))
        .map((i) => isoAt(b, i)),
      BTC_REFUSED,
    );
  },
);

realDataTest("a lasting level shift in real bars is accepted after 3 bars agree", () => {
  const b = loadBars("BTC_USDT-1h.json");
  const from = 20_000;
  for (const col of [b.open, b.high, b.low, b.close]) {
    for (let i = from; i < col.length; i++) col[i]! *= 3;
  }
  const g = gateBars(b, { now: NOW });
  assert.deepEqual(g.rejected.map((r) => isoAt(b, r.index)), BTC_REFUSED);
});

Deno.test("bar gate: pre-launch, off-grid, out of order, duplicates, NaN, Infinity and negative volume", () => {
  const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, 9);
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 9; i++) {
    b.ts[i] = t0 + i * H;
    b.open[i] = b.low[i] = b.close[i] = 100;
    b.high[i] = 101;
    b.volume[i] = 1;
  }
  b.ts[1] = Date.UTC(2017, 6, 13);
  b.ts[2] = t0 + 2 * H + 1;
  b.ts[3] = t0; // the same time as row 0 and the same values: dropped, not refused
  b.high[4] = NaN;
  b.volume[5] = -2;
  b.high[6] = Infinity;
  b.ts[7] = t0 + 8 * H; // the same time as row 8 with another close: both refused
  b.close[7] = 100.5;
  const g = gateBars(b, { now: t0 + 10 * H });
  assert.deepEqual(g.rejected.map((r) => [r.index, r.reason]), [
    [
      1,
      "timestamp before the venue existed: time 2017-07-13T00:00:00.000Z is before binance " +
      "existed (launched 2017-07-14)",
    ],
    [
      2,
      "timestamp off the bar grid: time 2024-01-01T02:00:00.001Z is not a multiple of the bar " +
      "length 3600000 ms",
    ],
    [4, "price is not a finite number: high NaN is not a finite number"],
    [5, "negative volume: volume -2 < 0"],
    [6, "price is not a finite number: high Infinity is not a finite number"],
    [
      7,
      "duplicate timestamp with different values: none of the 2 rows kept: row 7, row 8 share " +
      "the time 2024-01-01T08:00:00.000Z; row 7 vs row 8: close 100.5 vs 100",
    ],
    [
      8,
      "duplicate timestamp with different values: none of the 2 rows kept: row 7, row 8 share " +
      "the time 2024-01-01T08:00:00.000Z; row 7 vs row 8: close 100.5 vs 100",
    ],
  ]);
  assert.deepEqual(g.dropped, [{ index: 3, keptIndex: 0, kind: "identical" }]);
  assert.deepEqual([...g.accepted.ts], [t0]);
  assert.throws(
    () => gateBars(b, { now: t0, jump: { window: 2 } }),
    /window must be an integer >= 3/,
  );
});

function loadTrades(): TradeColumns {
  const p = parseTardisTradesCsv(
    readFileSync(
      realPath("trades", "binance_futures_BTCUSDT_2020-02-22_tardis_nautilus", "trades.csv"),
      "utf8",
    ),
  );
  return {
    venue: "binance_futures",
    symbol: "BTCUSDT",
    tradeId: p.tradeId.slice(0, p.n),
    ts: p.ts.slice(0, p.n),
    price: p.price.slice(0, p.n),
    qty: p.qty.slice(0, p.n),
    side: p.side.slice(0, p.n),
  };
}

realDataTest("trade gate on real Binance futures trades: none refused, corruptions caught", () => {
  const t = loadTrades();
  const n = t.ts.length;
  assert.equal(n, 9_999);
  const clean = gateTrades(t, { now: NOW });
  assert.deepEqual(clean.rejected, [], "no real trade is refused");
  assert.equal(clean.accepted.ts.length, n);

  const bad = { ...t, ts: t.ts.slice(), price: t.price.slice(), qty: t.qty.slice() };
  bad.price[5_000] = t.price[5_000]! * 100;
  bad.price[6_000] = NaN;
  bad.qty[7_000] = -1;
  bad.ts[8_000] = Date.UTC(2019, 0, 1); // before Binance futures existed
  bad.ts[9_000] = NOW + 60_000;
  const g = gateTrades(bad, { now: NOW });
  assert.deepEqual(g.rejected.map((r) => r.index), [5_000, 6_000, 7_000, 8_000, 9_000]);
  const [spike, nan, qty, early, late] = g.rejected.map((r) => r.reason);
  assert.match(
    spike!,
    /^price jump: \|log return\| 4\.6\d* > 20 x sigma [\d.e-]+ over the previous 100 trades/,
  );
  assert.equal(nan, "price is not a finite number: price NaN is not a finite number");
  assert.equal(qty, "non-positive quantity: quantity -1 <= 0");
  assert.equal(
    early,
    "timestamp before the venue existed: time 2019-01-01T00:00:00.000Z is before " +
      "binance_futures existed (launched 2019-09-08)",
  );
  assert.match(
    late!,
    /^timestamp in the future: .* is after now 2026-01-01T00:00:00.000Z \+ 5000 ms tolerance/,
  );
  assert.deepEqual(g.accepted.tradeId, t.tradeId.filter((_, i) => i % 1000 !== 0 || i < 5000));
});

const quote = (venue: string, price: number, ts: number): SpotQuote => ({
  venue,
  symbol: "BTC",
  ts,
  price,
  bid: undefined,
  ask: undefined,
  volume24h: undefined,
});

realDataTest(
  "quote gate: one venue 10% off a real BTC price is caught, stale and future refused",
  () => {
    const b = loadBars("BTC_USDT-1h.json");
    const p = b.close[b.close.length - 1]!; // last real close, 2022-10-11
    const now = b.ts[b.ts.length - 1]! + H;
    const g = gateQuotes([
      quote("binance", p, now - 1_000),
      quote("kraken", p * 1.001, now - 2_000),
      quote("coinbase", p * 0.999, now - 500),
      quote("bitstamp", p * 1.1, now - 800),
    ], { now });
    assert.deepEqual(g.accepted.map((q) => q.venue), ["binance", "kraken", "coinbase"]);
    assert.equal(g.rejected.length, 1);
    assert.equal(g.rejected[0]!.index, 3);
    assert.match(
      g.rejected[0]!.reason,
      /^off the cross-venue median: bitstamp price [\d.]+ deviates 9\.\d\d% from the median [\d.]+ of 4 venues \(tolerance 2\.00%\)$/,
    );

    const s = gateQuotes([
      quote("binance", p, now - 1_000),
      quote("kraken", p, now - 600_000),
      quote("coinbase", p, now + 60_000),
      quote("bitstamp", -1, now),
    ], { now });
    assert.deepEqual(s.accepted.map((q) => q.venue), ["binance"]);
    assert.match(
      s.rejected[0]!.reason,
      /^stale quote: kraken quote .* is 600000 ms old, max age 120000 ms$/,
    );
    assert.match(s.rejected[1]!.reason, /^timestamp in the future: coinbase time .* is after now/);
    assert.equal(s.rejected[2]!.reason, "non-positive price: bitstamp price -1 <= 0");
  },
);

Deno.test("quote gate: two venues that disagree are both refused, two that agree pass", () => {
  const now = Date.UTC(2024, 0, 1);
  const two = gateQuotes([quote("binance", 42_000, now), quote("kraken", 46_200, now)], { now });
  assert.equal(two.accepted.length, 0);
  assert.equal(two.rejected.length, 2);
  assert.match(
    two.rejected[0]!.reason,
    /^venues disagree: binance 42000 vs kraken 46200 differ by 9\.52% \(tolerance 2\.00%\)/,
  );
  const ok = gateQuotes([quote("binance", 42_000, now), quote("kraken", 42_300, now)], { now });
  assert.equal(ok.accepted.length, 2);
  // a venue quoted twice counts once; its newest quote is the one used for the median
  const dup = gateQuotes([
    quote("binance", 42_000, now - 10),
    quote("binance", 42_010, now),
    quote("kraken", 46_000, now),
  ], { now });
  assert.equal(dup.rejected.length, 3, "2 venues differing by 9%: every quote is doubtful");
});
