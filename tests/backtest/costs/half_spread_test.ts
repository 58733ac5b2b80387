/**
 * Half-spread cost from stored quotes, else from causal OHLC estimates. References: the
 * definition cost = |traded| * (ask - bid) / mid / 2 worked by hand; quote alignment as-of the
 * bar's open; the estimators are checked against the papers and numpy in
 * spread_estimators_test.ts; here the whole chain is checked to be causal on real bars.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { quotedSpreads } from "@lib/backtest/costs/quoted_spreads.ts";
import { estimatedSpreads } from "@lib/backtest/costs/estimated_spreads.ts";
import { halfSpreadCost, UNKNOWN_SPREAD } from "@lib/backtest/costs/half_spread_cost.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

const H = 3_600_000;
const bar = (t: number, traded: number[]) => ({
  t,
  ts: t * H,
  traded: Float64Array.from(traded),
  held: Float64Array.from(traded),
  equity: 1e6,
});

Deno.test("quoted spreads: the last quote at or before the bar's open, at most one bar old", () => {
  const grid = [0, H, 2 * H, 3 * H, 4 * H];
  // quotes at 0:30, 1:00 exactly, 3:59:59.999 (crossed), none after
  const s = quotedSpreads(grid, [H / 2, H, 4 * H - 1], [100, 99.5, 101], [100.2, 100.5, 100]);
  assert.ok(Number.isNaN(s[0]!)); // the 0:30 quote is not known at 0:00
  assert.ok(Math.abs(s[1]! - 1 / 100) < 1e-15); // (100.5 - 99.5) / 100
  assert.ok(Math.abs(s[2]! - 1 / 100) < 1e-15); // one bar old: still used
  assert.ok(Number.isNaN(s[3]!)); // two bars old
  assert.ok(Number.isNaN(s[4]!)); // crossed quote (ask < bid) is unusable
  const lenient = quotedSpreads(grid, [H / 2], [100], [100.2], { maxAgeMs: 10 * H });
  assert.ok(Math.abs(lenient[4]! - 0.2 / 100.1) < 1e-15);
  assert.throws(() => quotedSpreads(grid, [H, 0], [1, 1], [1, 1]), /ascending/);
});

Deno.test("half-spread cost: quoted, then fallback, then unknownSpread; half of the spread", () => {
  const model = halfSpreadCost({
    spreads: [Float64Array.of(0.001, NaN, NaN), Float64Array.of(0.0004, 0.0004, 0.0004)],
    fallback: [Float64Array.of(0.01, 0.006, NaN), Float64Array.of(NaN, NaN, NaN)],
  });
  const cost = (t: number, traded: number[]) => {
    const out = new Float64Array(2);
    model.cost(bar(t, traded), out);
    return [...out];
  };
  assert.deepEqual(cost(0, [0.2, -1]), [0.2 * 0.001 / 2, 1 * 0.0004 / 2]);
  assert.deepEqual(cost(1, [-0.2, 0]), [0.2 * 0.006 / 2, 0]);
  assert.deepEqual(cost(2, [0.2, 0]), [0.2 * UNKNOWN_SPREAD / 2, 0]);
  assert.equal(UNKNOWN_SPREAD, 0.002);
  const free = halfSpreadCost({ spreads: [[NaN]], unknownSpread: 0 });
  const out = new Float64Array(1);
  free.cost(bar(0, [1]), out);
  assert.equal(out[0], 0);
  assert.throws(() => halfSpreadCost({ spreads: [[1]], fallback: [[1], [2]] }), /shape/);
  assert.throws(() => halfSpreadCost({ spreads: [[1]], unknownSpread: -1 }), /unknownSpread/);
  assert.throws(() => model.cost(bar(3, [0, 0]), new Float64Array(2)), /bars 0\.\.2/);
});

realDataTest("the spread cost at bar t does not move when bars t and later change", () => {
  const path = realPath("ohlcv", "binance_spot_2022-01_2023-03_mutugid", "PERL_USDT-1h.json");
  const rows = JSON.parse(readFileSync(path, "utf8")) as number[][];
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]!);
  const high = [col(2)], low = [col(3)], close = [col(4)];
  for (const estimator of ["corwin-schultz", "abdi-ranaldo"] as const) {
    const base = halfSpreadCost({ spreads: estimatedSpreads({ high, low, close }, { estimator }) });
    for (const t of [40, 3000, rows.length - 1]) {
      const h = high[0]!.slice(), l = low[0]!.slice(), c = close[0]!.slice();
      for (let u = t; u < h.length; u++) {
        h[u] = h[u]! * 2;
        l[u] = l[u]! / 2;
        c[u] = c[u]! * 1.1;
      }
      const moved = halfSpreadCost({
        spreads: estimatedSpreads({ high: [h], low: [l], close: [c] }, { estimator }),
      });
      for (const u of [t - 1, t]) {
        const a = new Float64Array(1), b = new Float64Array(1);
        base.cost(bar(u, [0.3]), a);
        moved.cost(bar(u, [0.3]), b);
        assert.equal(a[0], b[0], `${estimator} spread cost at ${u} moved (t=${t})`);
      }
      if (t + 1 < rows.length) {
        // the change does reach the following bars (a zeroed negative estimate can hide it at
        // one bar, not at all of them)
        let reached = false;
        for (let u = t + 1; u < Math.min(t + 48, rows.length); u++) {
          const a = new Float64Array(1), b = new Float64Array(1);
          base.cost(bar(u, [0.3]), a);
          moved.cost(bar(u, [0.3]), b);
          reached ||= a[0] !== b[0];
        }
        assert.ok(reached, `${estimator}: the change at ${t} reaches no later bar`);
      }
    }
  }
});

/** Binance spot @bookTicker frames of the 2024-08-08 capture: receive time (ms), bid, ask. */
async function bookTicker(symbol: string) {
  const path = realPath(
    "ws_streams",
    "binance_ws_capture_2024-08-08_hftbacktest",
    "spot",
    `${symbol}_20240808.gz`,
  );
  const stream = (await Deno.open(path)).readable.pipeThrough(new DecompressionStream("gzip"));
  const text = await new Response(stream).text();
  const ts: number[] = [], bid: number[] = [], ask: number[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes("@bookTicker")) continue;
    const space = line.indexOf(" ");
    const msg = JSON.parse(line.slice(space + 1)) as { data: { b: string; a: string } };
    ts.push(Math.floor(Number(line.slice(0, space)) / 1e6)); // local receive time, ns -> ms
    bid.push(Number(msg.data.b));
    ask.push(Number(msg.data.a));
  }
  return { ts, bid, ask };
}

realDataTest("quoted spreads from real Binance bookTicker frames, as-of each second", async () => {
  for (const symbol of ["btcusdt", "ethusdt"]) {
    const q = await bookTicker(symbol);
    assert.ok(q.ts.length > 1000, `${symbol}: ${q.ts.length} quotes`);
    const first = Math.ceil(q.ts[0]! / 1000) * 1000, last = q.ts[q.ts.length - 1]!;
    const grid: number[] = [];
    for (let g = first; g <= last; g += 1000) grid.push(g);
    const s = quotedSpreads(grid, q.ts, q.bid, q.ask);
    // independent: scan for the last quote at or before each grid time
    let known = 0;
    grid.forEach((g, t) => {
      let k = -1;
      for (let j = 0; j < q.ts.length && q.ts[j]! <= g; j++) k = j;
      const want = k < 0 || g - q.ts[k]! > 1000
        ? NaN
        : (q.ask[k]! - q.bid[k]!) / ((q.ask[k]! + q.bid[k]!) / 2);
      if (Number.isNaN(want)) assert.ok(Number.isNaN(s[t]!), `${symbol} at ${t}`);
      else {
        known++;
        assert.equal(s[t], want, `${symbol} at ${t}`);
      }
    });
    assert.ok(known > 0.9 * grid.length, `${symbol}: ${known} of ${grid.length} seconds known`);
    // the book of a major pair is a tick or two wide: its median spread is far under 1 bp (the
    // OHLC estimators read tens of bp on hourly bars of the same pairs; see
    // spread_estimators_test.ts)
    const finite = [...s].filter(Number.isFinite).sort((a, b) => a - b);
    const median = finite[Math.floor(finite.length / 2)]!;
    assert.ok(median < 1e-5, `${symbol}: median ${median}`);
  }
});
