/**
 * Perp funding accrued at each funding time, on real Binance USDT-M funding history
 * (funding_and_futures/binance_usdm_2025_jilee1212: BTC 8-hourly rates and 1h candles,
 * 2025-08-29 to 2025-09-28; freqtrade_testdata_XRP_2021-11: XRP rates stamped up to 17 ms
 * after the hour, on its 5m candle grid).
 *
 * Reference: Binance's funding rule (funding fee = position value x rate, paid by longs to
 * shorts when the rate is positive, only by positions open at the funding timestamp); the
 * expected bar of every event is computed independently here as floor((f - grid0) / step).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { alignFunding } from "@lib/backtest/costs/align_funding.ts";
import { fundingCost } from "@lib/backtest/costs/funding_cost.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

const H = 3_600_000;
const read = (...p: string[]) => JSON.parse(readFileSync(realPath(...p), "utf8")) as number[][];

function btc() {
  const dir = ["funding_and_futures", "binance_usdm_2025_jilee1212"];
  const candles = read(...dir, "BTC_USDT_USDT-1h-futures.json");
  const funding = read(...dir, "BTC_USDT_USDT-8h-funding_rate.json");
  return {
    grid: Float64Array.from(candles, (r) => r[0]!),
    times: Float64Array.from(funding, (r) => r[0]!),
    rates: Float64Array.from(funding, (r) => r[1]!), // the rate is in the "open" slot
  };
}

realDataTest("BTC funding lands in the bar that contains its funding time, never earlier", () => {
  const { grid, times, rates } = btc();
  assert.equal(grid.length, 730);
  assert.equal(times.length, 91);
  const perBar = alignFunding(grid, times, rates);
  const expected = new Float64Array(grid.length);
  times.forEach((f, e) => {
    const t = Math.floor((f - grid[0]!) / H); // independent: the grid is a complete 1h grid
    if (t >= 0 && t < grid.length) expected[t] = expected[t]! + rates[e]!;
  });
  assert.deepEqual([...perBar], [...expected]);
  // Binance funds at 00:00, 08:00, 16:00 UTC (stamped +0 or +1 ms): only those bars carry it
  perBar.forEach((r, t) => {
    const hour = new Date(grid[t]!).getUTCHours();
    if (r !== 0) assert.ok(hour % 8 === 0, `funding in the bar at hour ${hour}`);
  });
  assert.equal(perBar.filter((r) => r !== 0).length, 91);
  // every event's bar opens at or before the event (known at its time, not before)
  times.forEach((f) => {
    const t = grid.findLastIndex((g) => g <= f);
    assert.ok(perBar[t] !== 0 && grid[t]! <= f && f < grid[t]! + H);
  });
});

realDataTest("a long held throughout pays every rate, a short receives it", () => {
  const { grid, times, rates } = btc();
  const model = fundingCost({ rates: [alignFunding(grid, times, rates), undefined] });
  let longPaid = 0, shortPaid = 0, spotPaid = 0;
  const out = new Float64Array(2);
  for (let t = 0; t < grid.length; t++) {
    out.fill(0);
    model.cost(
      { t, ts: grid[t]!, traded: new Float64Array(2), held: Float64Array.of(1, 1), equity: 1 },
      out,
    );
    longPaid += out[0]!;
    spotPaid += out[1]!;
    out.fill(0);
    model.cost(
      { t, ts: grid[t]!, traded: new Float64Array(2), held: Float64Array.of(-0.5, 0), equity: 1 },
      out,
    );
    shortPaid += out[0]!;
  }
  const total = rates.reduce((a, b) => a + b, 0); // all 91 rates are inside the grid
  assert.ok(Math.abs(longPaid - total) < 1e-15, `${longPaid} vs ${total}`);
  assert.ok(Math.abs(total - 0.00907779) < 1e-12); // sum of the file's rates (Python sum)
  assert.ok(Math.abs(shortPaid + 0.5 * total) < 1e-15); // negative cost = income
  assert.equal(spotPaid, 0);
});

realDataTest("only a position held over the bar of a funding time pays it", () => {
  const { grid, times, rates } = btc();
  const model = fundingCost({ rates: [alignFunding(grid, times, rates)] });
  const t8 = grid.findIndex((g) => new Date(g).getUTCHours() === 8); // first 08:00 bar
  const cost = (t: number, held: number) => {
    const out = new Float64Array(1);
    model.cost({
      t,
      ts: grid[t]!,
      traded: new Float64Array(1),
      held: Float64Array.of(held),
      equity: 1,
    }, out);
    return out[0]!;
  };
  // opened at the 08:00 open, held over the bar: pays the rate stamped 08:00:00.000-001
  assert.equal(cost(t8, 1), rates[times.findIndex((f) => f >= grid[t8]!)]!);
  // held over 07:00 and closed at the 08:00 open: pays nothing at either bar
  assert.equal(cost(t8 - 1, 1), 0);
  assert.equal(cost(t8, 0), 0);
});

realDataTest("funding at bar t does not move when later rates change", () => {
  const { grid, times, rates } = btc();
  const base = alignFunding(grid, times, rates);
  for (const t of [0, 100, 400, grid.length - 1]) {
    const changed = rates.map((r, e) => (times[e]! >= grid[t]! + H ? r * -50 : r));
    const moved = alignFunding(grid, times, changed);
    for (let u = 0; u <= t; u++) assert.equal(moved[u], base[u], `bar ${u} moved (t=${t})`);
    if (t < 400) assert.notDeepEqual([...moved], [...base]);
  }
});

realDataTest("XRP 2021 funding stamped up to 17 ms after the hour, on a 5-minute grid", () => {
  const dir = ["funding_and_futures", "freqtrade_testdata_XRP_2021-11"];
  const candles = read(...dir, "XRP_USDT_USDT-5m-futures.json");
  const funding = read(...dir, "XRP_USDT-8h-funding_rate.json");
  const grid = Float64Array.from(candles, (r) => r[0]!);
  const times = funding.map((r) => r[0]!), rates = funding.map((r) => r[1]!);
  const perBar = alignFunding(grid, times, rates);
  const end = grid[grid.length - 1]! + 300_000;
  const inside = funding.filter((r) => r[0]! >= grid[0]! && r[0]! < end);
  assert.ok(inside.length >= 10);
  assert.equal(perBar.filter((r) => r !== 0).length, inside.filter((r) => r[1] !== 0).length);
  for (const [f, r] of inside) {
    const t = Math.floor((f! - grid[0]!) / 300_000);
    assert.equal(grid[t]! % (8 * H), 0, "the bar opening on the funding hour");
    assert.equal(perBar[t], r);
  }
});

Deno.test("alignFunding refuses duplicates, missing rates and an unsorted grid", () => {
  assert.throws(() => alignFunding([0, H], [5, 5], [0.1, 0.1]), /two events/);
  assert.throws(() => alignFunding([0, H], [5], [NaN]), /missing rate is not a zero rate/);
  assert.throws(() => alignFunding([H, 0], [5], [0.1]), /strictly ascending/);
  // outside the grid: dropped
  assert.deepEqual([...alignFunding([0, H], [-1, 2 * H], [0.1, 0.2])], [0, 0]);
  assert.deepEqual([...alignFunding([0, H], [2 * H], [0.2], { end: 3 * H })], [0, 0.2]);
});

realDataTest("through the engine: a lagged long pays the rates from its first held bar on", () => {
  const dir = ["funding_and_futures", "binance_usdm_2025_jilee1212"];
  const candles = read(...dir, "BTC_USDT_USDT-1h-futures.json");
  const { grid, times, rates } = btc();
  const close = [Float64Array.from(candles, (r) => r[4]!)];
  const res = backtestWeights({ close, index: grid }, [new Float64Array(grid.length).fill(1)], {
    costs: [fundingCost({ rates: [alignFunding(grid, times, rates)] })],
  });
  const first = res.weights[0]!.findIndex((w) => w !== 0); // the lag decides when
  assert.ok(first > 0);
  let want = 0;
  times.forEach((f, e) => {
    if (f >= grid[first]!) want += rates[e]!; // held over every bar from `first` on
  });
  // held weight drifts with price, so each payment is weight * rate at its bar
  let exact = 0;
  const perBar = alignFunding(grid, times, rates);
  for (let t = 0; t < grid.length; t++) exact += res.weights[0]![t]! * perBar[t]!;
  const paid = res.costs.funding!.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(paid - exact) < 1e-15, `${paid} vs ${exact}`);
  assert.ok(Math.abs(paid - want) < 1e-12, `${paid} vs ${want} (weight 1 rebalanced every bar)`);
  assert.ok(res.net.every((n, t) => Math.abs(n - (res.gross[t]! - res.totalCost[t]!)) < 1e-15));
});
