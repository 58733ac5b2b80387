/**
 * The trade log on cases worked out by hand in units and dollars: fill bars and prices under the
 * engine's lag rule, P&L of a short that is not rebalanced (units x price change), fees split at
 * a flip, a pair's two legs as one round trip, an order that waits for a missing bar, an asset
 * whose data ends, and the refusals.
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import { buildTradeLog } from "@lib/backtest/strategies/trade_log.ts";

const F = Float64Array;
const close1 = (...p: number[]) => ({ close: [F.from(p)] });
const near = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} != ${b}`);

Deno.test("one long round trip: lag 1 fills at the next close, P&L equals the price move", () => {
  const prices = close1(100, 100, 100, 110, 121, 121);
  const res = backtestWeights(prices, [F.of(0, 1, 1, 0, 0, 0)]);
  const { trades, summary } = buildTradeLog(res, prices);
  assert.equal(trades.length, 1);
  const t = trades[0]!;
  // decided at bar 1, filled at bar 2's close (100); flat decided at bar 3, filled at bar 4 (121)
  assert.equal(t.entryBar, 2);
  assert.equal(t.exitBar, 4);
  assert.equal(t.barsHeld, 2);
  assert.equal(t.side, "long");
  assert.equal(t.open, false);
  assert.deepEqual(t.legs, [{
    asset: "0",
    column: 0,
    entryWeight: 1,
    entryPrice: 100,
    exitPrice: 121,
  }]);
  near(t.grossReturn, 0.1 + 0.1); // two bars of +10% on the equity of each bar's start
  near(t.grossPnl, 210_000); // $1m -> $1.21m
  near(t.returnOnEntry, 0.21);
  assert.equal(t.totalCost, 0);
  assert.equal(summary.count, 1);
  assert.equal(summary.hitRate, 1);
  assert.equal(summary.profitFactor, Infinity);
  assert.equal(summary.averageBarsHeld, 2);
  // lag 2: one bar later at both ends
  const r2 = buildTradeLog(backtestWeights(prices, [F.of(0, 1, 1, 0, 0, 0)], { lag: 2 }), prices);
  assert.equal(r2.trades[0]!.entryBar, 3);
  assert.equal(r2.trades[0]!.exitBar, 5);
  assert.equal(r2.trades[0]!.legs[0]!.entryPrice, 110);
  near(r2.trades[0]!.returnOnEntry, 0.1);
});

Deno.test("a short with fees: units x price change minus the fees of both fills", () => {
  // short $500k at 100 (5,000 units), held without rebalancing (drift threshold 0.2), covered at 99
  const prices = close1(100, 100, 100, 90, 99, 99, 99);
  const fees = feeCost({ venue: "binance" }); // 0.1% taker
  const res = backtestWeights(prices, [F.of(0, -0.5, -0.5, -0.5, 0, 0, 0)], {
    costs: [fees],
    rebalance: { driftThreshold: 0.2 },
  });
  const { trades, summary } = buildTradeLog(res, prices, { costs: [fees] });
  assert.equal(trades.length, 1);
  const t = trades[0]!;
  assert.equal(t.side, "short");
  assert.equal(t.open, false);
  assert.equal(t.entryBar, 2);
  assert.equal(t.exitBar, 5); // flat decided at bar 4, filled at bar 5's close
  assert.equal(t.legs[0]!.entryPrice, 100);
  assert.equal(t.legs[0]!.exitPrice, 99);
  near(t.grossPnl, 5_000 * (100 - 99)); // 5,000 units short, 100 -> 99
  near(t.costs.fees!, 0.001 * 500_000 + 0.001 * 5_000 * 99); // $500 in, $495 out
  near(t.netPnl, 5_000 - 995);
  near(t.returnOnEntry, (5_000 - 995) / 500_000);
  // the trade's net P&L is the whole run's: equity 1e6 -> 1e6 + 4,005
  near(res.equity[6]!, 1_000_000 + 4_005);
  near(summary.totalNetPnl, 4_005);
  near(summary.totalCost, 995);
});

Deno.test("a flip closes one trade and opens the next at the same fill; its fee is split", () => {
  const prices = close1(100, 100, 100, 110, 110, 110);
  const fees = feeCost({ venue: "binance" });
  // no rebalancing between the fills (a 0.5 drift threshold), so each fill is a whole position
  const res = backtestWeights(prices, [F.of(0, 1, 1, -1, -1, -1)], {
    costs: [fees],
    rebalance: { driftThreshold: 0.5 },
  });
  const { trades, summary } = buildTradeLog(res, prices, { costs: [fees] });
  assert.equal(trades.length, 2);
  const [a, b] = trades as [typeof trades[0], typeof trades[0]];
  assert.equal(a.side, "long");
  assert.equal(a.entryBar, 2);
  assert.equal(a.exitBar, 4);
  assert.equal(a.legs[0]!.exitPrice, 110);
  // equity after bar 3: 1e6 * (1 + 0.1 - 0.001) = 1,099,000; the flip sells the $1.1m long
  // (fee $1,100, the closing trade's) and shorts $1.099m (fee $1,099, the new trade's)
  near(a.grossPnl, 100_000);
  near(a.totalCost, 1_000 + 1_100);
  assert.equal(b.side, "short");
  assert.equal(b.entryBar, 4);
  assert.equal(b.legs[0]!.entryPrice, 110);
  assert.equal(b.open, true);
  assert.equal(b.exitBar, 5);
  assert.equal(b.legs[0]!.exitPrice, 110); // mark
  near(b.totalCost, 1_099);
  // every dollar of cost is attributed
  near(a.totalCost + b.totalCost, 1_000_000 * 1.1 - res.equity[5]!);
  assert.equal(summary.count, 1);
  assert.equal(summary.openCount, 1);
});

Deno.test("a pair's two legs make one round trip; costs on both legs", () => {
  // long $500k of A at 10 (50,000 units), short $500k of B at 20 (25,000 units); A 10 -> 11,
  // B 20 -> 22: +50,000 - 50,000 gross
  const prices = { close: [F.of(10, 10, 10, 11, 11, 11), F.of(20, 20, 20, 20, 22, 22)] };
  const w = [F.of(0, 0.5, 0.5, 0, 0, 0), F.of(0, -0.5, -0.5, 0, 0, 0)];
  const fees = feeCost({ venue: "binance" });
  const opts = { costs: [fees], rebalance: { driftThreshold: 0.4 } } as const;
  const res = backtestWeights(prices, w, opts);
  const grouped = buildTradeLog(res, prices, { costs: [fees], groups: [[0, 1]] });
  assert.equal(grouped.trades.length, 1);
  const t = grouped.trades[0]!;
  assert.equal(t.legs.length, 2);
  assert.equal(t.side, "long");
  assert.equal(t.entryBar, 2);
  assert.equal(t.exitBar, 4);
  assert.deepEqual(t.legs.map((l) => [l.entryPrice, l.exitPrice]), [[10, 11], [20, 22]]);
  near(t.grossPnl, 0, 1e-9);
  // entry fees 0.1% of $1m; exit: A 50,000 x 11, B 25,000 x 22
  near(t.totalCost, 1_000 + 0.001 * (550_000 + 550_000));
  near(t.returnOnEntry, -(1_000 + 1_100) / 1_000_000);
  // without the group: one trade per leg, the same total
  const split = buildTradeLog(res, prices, { costs: [fees] });
  assert.equal(split.trades.length, 2);
  near(split.trades[0]!.grossPnl, 50_000);
  near(split.trades[1]!.grossPnl, -50_000);
  near(split.trades[0]!.totalCost + split.trades[1]!.totalCost, t.totalCost);
});

Deno.test("an exit order waits for a missing bar and fills at the next close", () => {
  const prices = close1(100, 100, 100, 110, NaN, 121, 121);
  const res = backtestWeights(prices, [F.of(0, 1, 1, 0, 0, 0, 0)]);
  const t = buildTradeLog(res, prices).trades[0]!;
  assert.equal(t.exitBar, 5); // bar 4 has no close
  assert.equal(t.legs[0]!.exitPrice, 121);
  near(t.returnOnEntry, 0.21);
  assert.equal(t.barsHeld, 3);
});

Deno.test("an asset whose data ends is sold at its last close at the last bar: a closed trade", () => {
  const prices = { close: [F.of(100, 100, 100, 105, NaN, NaN), F.of(1, 1, 1, 1, 1, 1)] };
  const fees = feeCost({ venue: "binance" });
  const res = backtestWeights(prices, [F.of(1, 1, 1, 1, 1, 1), F.of(0, 0, 0, 0, 0, 0)], {
    costs: [fees],
  });
  assert.equal(res.metadata.endedEarly.length, 1);
  const { trades } = buildTradeLog(res, prices, { costs: [fees] });
  assert.equal(trades.length, 1);
  const t = trades[0]!;
  assert.equal(t.entryBar, 1);
  // the engine cannot know at bar 3 that no bar will come: held to the last bar, sold there
  assert.equal(t.exitBar, 5);
  assert.equal(t.open, false);
  assert.equal(t.legs[0]!.exitPrice, 105);
  // both fills' fees are in the trade: the run's whole P&L
  near(t.netPnl, res.equity[5]! - 1e6, 1e-9);
  assert.ok(res.costs.fees![5]! > 0);
});

Deno.test("a fill limited by a participation cap: one trade over several fills, every cost in it", () => {
  // $100k traded per bar, cap 10%: at most $10k (1% of $1m) per fill, so a 3% target takes 3 fills
  const T = 10;
  const prices = close1(100, 100, 101, 102, 103, 104, 105, 106, 107, 108);
  const impact = squareRootImpact({
    sigma: [new Float64Array(T).fill(0.01)],
    adv: [new Float64Array(T).fill(1e5)],
  });
  const fees = feeCost({ venue: "binance" });
  const costs = [fees, impact];
  const res = backtestWeights(prices, [F.of(0.03, 0.03, 0.03, 0.03, 0, 0, 0, 0, 0, 0)], { costs });
  assert.ok(res.metadata.warnings.some((w) => /participation cap/.test(w)));
  const { trades } = buildTradeLog(res, prices, { costs });
  assert.equal(trades.length, 1);
  const t = trades[0]!;
  assert.equal(t.entryBar, 1);
  assert.equal(t.legs[0]!.entryPrice, 100); // the first partial fill's close
  assert.ok(Math.abs(t.legs[0]!.entryWeight - 0.01) < 1e-12);
  // the whole run's costs and P&L are this trade's
  const start = (u: number) => (u === 0 ? 1e6 : res.equity[u - 1]!);
  for (const name of ["fees", "impact"]) {
    const paid = res.costs[name]!.reduce((a, c, u) => a + c * start(u), 0);
    near(t.costs[name]!, paid, 1e-12);
  }
  near(t.netPnl, res.equity[T - 1]! - 1e6, 1e-12);
  assert.equal(t.open, false);
});

Deno.test("refusals: costs not passed, other models, wrong prices, bad groups", () => {
  const prices = close1(100, 101, 102, 103);
  const fees = feeCost({ venue: "binance" });
  const res = backtestWeights(prices, [F.of(1, 1, 0, 0)], { costs: [fees] });
  assert.throws(() => buildTradeLog(res, prices), /pass them as options.costs/);
  assert.throws(
    () => buildTradeLog(res, prices, { costs: [feeCost({ venue: "binance", name: "x" })] }),
    /same models in the same order/,
  );
  assert.throws(
    () => buildTradeLog(res, prices, { costs: [feeCost({ venue: "kraken" })] }),
    /on replay/,
  );
  assert.throws(() => buildTradeLog(res, { close: [] }, { costs: [fees] }), /0 close columns/);
  assert.throws(
    () => buildTradeLog(res, prices, { costs: [fees], groups: [[0, 0]] }),
    /not a distinct column/,
  );
});
