/**
 * The monitor's paper books pay the venue's taker fee and half the bid-ask spread estimated
 * from the bars' highs and lows (Corwin-Schultz, `estimatedSpreads`), and the backtest beside
 * them (`/api/paper`) uses the same models: paper = backtest to rounding. The spread charged at
 * a fill is checked against `corwinSchultzSpread` on the book's grid (whose own oracle is the
 * paper's worked example, tests/backtest), and it is causal: bars after t do not move it.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { listPaperFills } from "@lib/store/monitor_paper.ts";
import { createRng } from "@lib/stats/rng.ts";
import { corwinSchultzSpread } from "@lib/backtest/costs/corwin_schultz.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { type GridBars, paperCosts, PaperLoop } from "@lib/pipeline/monitor/paper_loop.ts";

const T0 = Date.UTC(2024, 0, 1);
const N = 300;
const PAIR = { y: "BTCUSDT", x: "ETHUSDT" };
const WINDOW = 30;

/** A cointegrated pair on 1m bars whose highs and lows straddle the close (seeded). */
function series() {
  const rng = createRng(11);
  let lx = Math.log(2000), e = 0;
  const x = new Float64Array(N), y = new Float64Array(N);
  const yh = new Float64Array(N), yl = new Float64Array(N);
  const xh = new Float64Array(N), xl = new Float64Array(N);
  for (let t = 0; t < N; t++) {
    lx += 0.002 * rng.normal();
    e = 0.7 * e + 0.002 * rng.normal();
    x[t] = Math.exp(lx);
    y[t] = Math.exp(1.2 * lx + 1.5 + e);
    yh[t] = y[t]! * (1 + 0.001 + 0.001 * Math.abs(rng.normal()));
    yl[t] = y[t]! * (1 - 0.001 - 0.001 * Math.abs(rng.normal()));
    xh[t] = x[t]! * (1 + 0.001 + 0.001 * Math.abs(rng.normal()));
    xl[t] = x[t]! * (1 - 0.001 - 0.001 * Math.abs(rng.normal()));
  }
  return { y, x, yh, yl, xh, xl };
}

/** Bars `from..to-1` of {@link series}. */
function seed(db: ReturnType<typeof openStore>["db"], from: number, to: number) {
  const all = series();
  const s = Object.fromEntries(
    Object.entries(all).map(([k, v]) => [k, v.slice(from, to)]),
  ) as typeof all;
  const ts = Float64Array.from({ length: to - from }, (_, i) => T0 + (from + i) * 60_000);
  for (
    const [symbol, close, high, low] of [["BTCUSDT", s.y, s.yh, s.yl], [
      "ETHUSDT",
      s.x,
      s.xh,
      s.xl,
    ]] as const
  ) {
    const v = close.map(() => 1);
    writeBars(db, {
      venue: "binance",
      symbol,
      freq: "1m",
      ts,
      open: close,
      high,
      low,
      close,
      volume: v,
      quoteVolume: v,
      tradeCount: v,
      vwap: close,
      complete: new Uint8Array(to - from).fill(1),
    }, { source: "file:test" });
  }
  return all;
}

Deno.test("paper books pay fees and Corwin-Schultz half spreads; the backtest beside them too", () => {
  const { db, close } = openStore(":memory:");
  try {
    // the monitor starts after bar FIRST - 1 (its books start 2 windows before), then 240
    // more bars close: the books run on rows FIRST - 1 - 2 windows .. N - 1
    const FIRST = 70;
    seed(db, 0, FIRST);
    const paper = new PaperLoop(db, {
      venue: "binance",
      pairs: [PAIR],
      freq: "1m",
      window: WINDOW,
      z: 1,
      hedge: "rolling-ols",
    }, T0);
    paper.onPairBar(PAIR);
    const s = seed(db, FIRST, N);
    paper.onPairBar(PAIR);
    const sum = paper.summary() as {
      costs: string;
      pairs: {
        rule: { accountId: string; lastBarTs: number };
        backtest: { maxAbsDifference: number; trades: number };
      }[];
    };
    assert.match(sum.costs, /taker fees/);
    assert.match(sum.costs, /half the bid-ask spread/);
    assert.match(sum.costs, /Corwin-Schultz/);
    const p = sum.pairs[0]!;
    assert.ok(p.backtest.trades > 0, "the rule traded");
    // paper = backtest with both cost models (the spread model reads per-bar columns)
    assert.ok(p.backtest.maxAbsDifference < 1e-6, String(p.backtest.maxAbsDifference));
    const fills = listPaperFills(db, p.rule.accountId);
    const traded = fills.filter((f) => f.qty !== 0);
    assert.ok(traded.length > 0);
    // the book starts 2 windows before the newest bar: global row `start` is its row 0
    const start = FIRST - 1 - 2 * WINDOW;
    const ext = (a: Float64Array) => {
      const out = new Float64Array(N - start + 1).fill(NaN);
      out.set(a.subarray(start));
      return out;
    };
    const sy = corwinSchultzSpread(ext(s.yh), ext(s.yl), ext(s.y));
    const sx = corwinSchultzSpread(ext(s.xh), ext(s.xl), ext(s.x));
    let charged = 0;
    for (const f of traded) {
      // the fill at the close of row r is priced with the spread of bars up to r (row r + 1)
      let spread = (f.leg === 0 ? sy : sx)[f.row + 1]!;
      if (!(spread >= 0)) spread = 0.002; // the estimator's warm-up: halfSpreadCost's default
      const want = Math.abs(f.qty * f.price) * spread / 2;
      const got = f.costs["spread"];
      assert.ok(got !== undefined, "each traded fill pays a half spread");
      assert.ok(Math.abs(got - want) <= 1e-9 * want + 1e-12, `row ${f.row}: ${got} vs ${want}`);
      assert.ok(f.costs["fees"] !== undefined && f.costs["fees"] > 0, "and the taker fee");
      if (spread > 0 && spread !== 0.002) charged++;
    }
    assert.ok(charged > 0, "some fills were priced with an estimated (not default) spread");
  } finally {
    close();
  }
});

Deno.test("paperCosts is causal: bars after t do not move the spread charged at or before t", () => {
  const s = series();
  const grid = (): GridBars => ({
    ts: Float64Array.from({ length: N }, (_, i) => T0 + i * 60_000),
    y: s.y.slice(),
    x: s.x.slice(),
    yHigh: s.yh.slice(),
    yLow: s.yl.slice(),
    xHigh: s.xh.slice(),
    xLow: s.xl.slice(),
    barMs: 60_000,
  });
  const t = 150;
  const a = grid(), b = grid();
  for (let i = t + 1; i < N; i++) {
    b.yHigh[i] = b.yHigh[i]! * 1.05;
    b.xLow[i] = b.xLow[i]! * 0.95;
    b.y[i] = b.y[i]! * 1.01;
  }
  const fee = feeCost({ venue: "binance" });
  const [, ma] = paperCosts(fee, a), [, mb] = paperCosts(fee, b);
  const cost = (m: typeof ma, row: number) => {
    const out = new Float64Array(2);
    m!.cost({
      t: row,
      ts: T0 + row * 60_000,
      traded: Float64Array.of(1, -1),
      held: Float64Array.of(1, -1),
      equity: 1,
    }, out);
    return [out[0]!, out[1]!];
  };
  // the fill at the close of row r is the model's row r + 1
  for (let r = 0; r <= t; r++) assert.deepEqual(cost(mb, r + 1), cost(ma, r + 1), `row ${r}`);
  assert.notDeepEqual(cost(mb, t + 3), cost(ma, t + 3), "later bars do change later spreads");
  // the columns cover the fill at the last close (row N)
  assert.equal(cost(ma, N).every((v) => v > 0), true);
});
