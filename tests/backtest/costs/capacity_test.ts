/**
 * Capacity curve: net Sharpe and net return against capital deployed, with size-dependent
 * costs, through the real engine (`backtestWeights`: lag 1, fills limited by the impact model's
 * `capTrade`). References: lib/stats `sharpeRatio` (mean / std ddof 1 * sqrt(periods), the
 * pandas formula) and direct compounding of the engine's net returns.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import type { BacktestResult } from "@lib/backtest/types.ts";
import { capacityCurve } from "@lib/backtest/costs/capacity_curve.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { impactInputs } from "@lib/backtest/costs/impact_inputs.ts";
import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import { sharpeRatio } from "@lib/stats/sharpe_ratio.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

realDataTest(
  "capacity curve: net Sharpe and return fall as capital grows (real BTC/ETH 1h)",
  () => {
    const dir = ["ohlcv", "binance_spot_2017-2022_djienne"];
    const load = (f: string) =>
      (JSON.parse(readFileSync(realPath(...dir, f), "utf8")) as number[][]).slice(-3000);
    const btc = load("BTC_USDT-1h.json"), eth = load("ETH_USDT-1h.json");
    assert.deepEqual(btc.map((r) => r[0]), eth.map((r) => r[0]));
    const index = Float64Array.from(btc, (r) => r[0]!);
    const close = [Float64Array.from(btc, (r) => r[4]!), Float64Array.from(eth, (r) => r[4]!)];
    const volume = [Float64Array.from(btc, (r) => r[5]!), Float64Array.from(eth, (r) => r[5]!)];
    // 24-bar momentum decided once a day at the close (row t uses closes up to t), long the
    // stronger and short the weaker; flat for the first 200 bars while the impact window fills
    const T = index.length;
    const target = [new Float64Array(T), new Float64Array(T)];
    for (let t = 200; t < T; t++) {
      if (t % 24 !== 0) {
        target[0]![t] = target[0]![t - 1]!;
        target[1]![t] = target[1]![t - 1]!;
        continue;
      }
      const m0 = close[0]![t]! / close[0]![t - 24]!, m1 = close[1]![t]! / close[1]![t - 24]!;
      target[0]![t] = m0 > m1 ? 0.5 : -0.5;
      target[1]![t] = -target[0]![t]!;
    }
    const fees = feeCost({ venue: "binance" });
    const impact = squareRootImpact({ ...impactInputs({ close, volume }, { window: 168 }), k: 1 });
    const run = (capital: number, withImpact = true) =>
      backtestWeights({ close, index }, target, {
        initialEquity: capital,
        costs: withImpact ? [fees, impact] : [fees],
      });
    const capitals = [1e4, 1e5, 1e6, 1e7, 1e8];
    const runs = new Map<number, BacktestResult>();
    const curve = capacityCurve(
      (capital) => {
        const r = run(capital);
        runs.set(capital, r);
        return r; // the engine's result is a CapacityRun as it is
      },
      capitals,
      { periodsPerYear: 8760 },
    );

    assert.deepEqual([...curve.capital], capitals);
    for (let k = 1; k < capitals.length; k++) {
      assert.ok(curve.netSharpe[k]! < curve.netSharpe[k - 1]!, `Sharpe at ${capitals[k]}`);
      assert.ok(curve.netReturn[k]! < curve.netReturn[k - 1]!, `return at ${capitals[k]}`);
    }
    for (const [k, capital] of capitals.entries()) {
      const net = runs.get(capital)!.net;
      assert.ok(Math.abs(curve.netSharpe[k]! - sharpeRatio(net, 8760)) < 1e-9);
      const growth = net.reduce((a, r) => a * (1 + r), 1);
      assert.ok(Math.abs(curve.netReturn[k]! - (growth - 1)) < 1e-9 * growth);
      assert.ok(Math.abs(curve.netCagr[k]! - (growth ** (8760 / net.length) - 1)) < 1e-9 * growth);
      // the engine's equity agrees with the compounding the curve does
      assert.ok(Math.abs(runs.get(capital)!.equity[T - 1]! / capital - growth) < 1e-9 * growth);
    }
    // the impact's drag: small next to the fees at $10k, larger than the fees at $100m
    const sum = (x: ArrayLike<number>) =>
      Array.prototype.reduce.call(x, (a, b) => a + b, 0) as number;
    const small = runs.get(1e4)!, large = runs.get(1e8)!;
    assert.ok(sum(small.costs.impact!) < 0.1 * sum(small.costs.fees!));
    assert.ok(sum(large.costs.impact!) > sum(large.costs.fees!));
    // the participation cap binds at $100m: the engine fills less than the target asks
    const fillsAtSmall = sum(small.turnover), fillsAtLarge = sum(large.turnover);
    assert.ok(fillsAtLarge < fillsAtSmall, `${fillsAtLarge} vs ${fillsAtSmall}`);
    // and without impact the curve is flat: fees alone do not depend on size
    const flat = capacityCurve((c) => run(c, false), [1e4, 1e8], { periodsPerYear: 8760 });
    assert.ok(Math.abs(flat.netSharpe[0]! - flat.netSharpe[1]!) < 1e-9);
  },
);

Deno.test("capacityCurve refuses unordered capitals and non-finite returns", () => {
  const run = () => ({ net: [0.01, -0.01, 0.02] });
  assert.throws(() => capacityCurve(run, [2, 1], { periodsPerYear: 365 }), /ascending/);
  assert.throws(() => capacityCurve(run, [1], { periodsPerYear: 0 }), /periodsPerYear/);
  assert.throws(
    () => capacityCurve(() => ({ net: [0.01, NaN] }), [1], { periodsPerYear: 365 }),
    /net return NaN at bar 1/,
  );
  const c = capacityCurve(run, [1], { periodsPerYear: 365 });
  assert.ok(Math.abs(c.netReturn[0]! - (1.01 * 0.99 * 1.02 - 1)) < 1e-15);
});
