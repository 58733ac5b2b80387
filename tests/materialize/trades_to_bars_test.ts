/**
 * Trades -> 1-minute bars on the real Tardis trade file (Binance USDT-M BTCUSDT, 9,999 trades).
 *
 * Oracle: tests/oracles/materialize_trades.py, pandas 1.5.3 (Debian):
 *   df.sort_values(["ts", "id"]).resample("1min"): price.ohlc(), amount.sum(), price.count(),
 *   (price*amount).sum(), vwap = quote / volume
 * plus Python `decimal` exact sums of the file's quantity and price*qty strings, each rounded
 * once to a double.
 *
 * Tolerances: OHLC, trade counts and bar times are compared exactly. Volume and quote volume
 * must equal the exact decimal sums bit for bit (that is the point of lib/materialize's
 * summation); against pandas' plain float sums they may differ by summation rounding, bounded
 * by n * 2^-53 relative (n <= 600 trades a minute here), so 1e-12 relative. VWAP is then
 * exact quote / exact volume, compared to pandas' VWAP at 1e-12 relative for the same reason.
 */
import assert from "node:assert/strict";
import { tradesToBars } from "@lib/materialize/trades_to_bars.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { readTardisTrades } from "./_real_files.ts";

interface Oracle {
  trades: number;
  ts: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  quote_volume: number[];
  trade_count: number[];
  vwap: number[];
  exact_volume: number[];
  exact_quote_volume: number[];
}

const oracle = JSON.parse(
  Deno.readTextFileSync(new URL("../oracles/materialize_trades.json", import.meta.url)),
) as Oracle;

const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.abs(b);

realDataTest("Tardis trades -> 1m bars match the pandas resample oracle", () => {
  const trades = readTardisTrades();
  assert.equal(trades.ts.length, oracle.trades);
  const b = tradesToBars(trades, "1m");
  assert.deepEqual([...b.ts], oracle.ts);
  assert.deepEqual([...b.open], oracle.open);
  assert.deepEqual([...b.high], oracle.high);
  assert.deepEqual([...b.low], oracle.low);
  assert.deepEqual([...b.close], oracle.close);
  assert.deepEqual([...b.tradeCount], oracle.trade_count);
  assert.deepEqual([...b.volume], oracle.exact_volume);
  assert.deepEqual([...b.quoteVolume], oracle.exact_quote_volume);
  for (let i = 0; i < b.ts.length; i++) {
    assert.ok(close(b.volume[i]!, oracle.volume[i]!, 1e-12), `volume at ${i}`);
    assert.ok(close(b.quoteVolume[i]!, oracle.quote_volume[i]!, 1e-12), `quote volume at ${i}`);
    assert.ok(close(b.vwap[i]!, oracle.vwap[i]!, 1e-12), `vwap at ${i}`);
    // the file starts and ends inside a minute: those two minutes are only partly held
    const edge = i === 0 || i === b.ts.length - 1;
    assert.equal(b.complete[i], edge ? 0 : 1, `complete at ${i}`);
  }
});

realDataTest("Tardis trades -> 1m: plain double sums would miss the exact volumes", () => {
  // Shows the exact-decimal step is doing work on this file (the test above could fail).
  let differ = 0;
  for (let i = 0; i < oracle.ts.length; i++) {
    if (oracle.volume[i] !== oracle.exact_volume[i]) differ++;
  }
  assert.ok(differ > 0, "pandas' float sums equal the exact sums everywhere: weak test data");
});

realDataTest("Tardis trades -> 5m, 15m and 1h agree with 1m bars resampled", async () => {
  const { resampleBars } = await import("@lib/materialize/resample_bars.ts");
  const trades = readTardisTrades();
  const minute = tradesToBars(trades, "1m");
  for (const f of ["5m", "15m", "1h"] as const) {
    const direct = tradesToBars(trades, f);
    const via = resampleBars(minute, f);
    assert.deepEqual([...direct.ts], [...via.ts]);
    assert.deepEqual([...direct.open], [...via.open]);
    assert.deepEqual([...direct.high], [...via.high]);
    assert.deepEqual([...direct.low], [...via.low]);
    assert.deepEqual([...direct.close], [...via.close]);
    assert.deepEqual([...direct.volume], [...via.volume]);
    assert.deepEqual([...direct.tradeCount], [...via.tradeCount]);
    assert.deepEqual([...direct.quoteVolume], [...via.quoteVolume]);
  }
});

Deno.test("tradesToBars rejects duplicate trade ids and bad prices", () => {
  const base = {
    venue: "sim",
    symbol: "X",
    side: Int8Array.of(1, 1),
    qty: Float64Array.of(1, 1),
  };
  assert.throws(
    () =>
      tradesToBars(
        { ...base, tradeId: [2, 2], ts: Float64Array.of(5, 5), price: Float64Array.of(1, 2) },
        "1m",
      ),
    /trade id 2 appears twice/,
  );
  assert.throws(
    () =>
      tradesToBars(
        { ...base, tradeId: [1, 2], ts: Float64Array.of(5, 6), price: Float64Array.of(1, NaN) },
        "1m",
      ),
    /quarantine it first/,
  );
});

Deno.test("trade-built bars are incomplete at both ends of the trade span", () => {
  // 4 minutes of trades, one every 30 s from 10:00:15 to 10:03:45 UTC on some day
  const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 86_400_000) + 10 * 3_600_000 + 15_000;
  const n = 8;
  const trades = {
    venue: "sim",
    symbol: "X",
    tradeId: Array.from({ length: n }, (_, i) => i),
    ts: Float64Array.from({ length: n }, (_, i) => t0 + i * 30_000),
    price: Float64Array.from({ length: n }, (_, i) => 100 + i),
    qty: new Float64Array(n).fill(1),
    side: new Int8Array(n),
  };
  const m = tradesToBars(trades, "1m");
  assert.equal(m.ts.length, 4);
  assert.deepEqual([...m.complete], [0, 1, 1, 0]);
  // a day built from 4 minutes of trades is not a complete day
  const d = tradesToBars(trades, "1d");
  assert.equal(d.ts.length, 1);
  assert.equal(d.complete[0], 0);
  assert.equal(
    tradesToBars({
      ...trades,
      tradeId: [],
      ts: new Float64Array(0),
      price: new Float64Array(0),
      qty: new Float64Array(0),
      side: new Int8Array(0),
    }, "1m").ts.length,
    0,
  );
});
