/**
 * Capacity curve: net Sharpe and net return against capital deployed, with size-dependent
 * costs. The backtest engine (lib/backtest/backtest_weights.ts) was not committed when this
 * was written, so a minimal engine that follows the CostModel contract lives here, in the test
 * only (lag 1, fills capped by the impact model's capTrade, costs subtracted from the bar's
 * gross return, weights drifting with prices). Reference: lib/stats sharpeRatio (mean/std
 * ddof 1 * sqrt(periods), the pandas formula) and direct compounding of the net returns.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { CostModel } from "@lib/backtest/cost_model.ts";
import { capacityCurve } from "@lib/backtest/costs/capacity_curve.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { impactInputs } from "@lib/backtest/costs/impact_inputs.ts";
import { limitsFills, squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import { sharpeRatio } from "@lib/stats/sharpe_ratio.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

/** The stub engine: per-bar net simple returns of target weights under the cost models. */
function stubEngine(
  close: readonly Float64Array[],
  target: readonly Float64Array[],
  costs: readonly CostModel[],
  equity0: number,
) {
  const n = close.length, T = close[0]!.length;
  const held = new Float64Array(n), desired = new Float64Array(n), traded = new Float64Array(n);
  const out = new Float64Array(n);
  const net = new Float64Array(T - 1), gross = new Float64Array(T - 1);
  let equity = equity0;
  for (let t = 1; t < T; t++) {
    // lag 1: the target decided with closes up to t-1 is filled at bar t's open
    for (let i = 0; i < n; i++) desired[i] = target[i]![t]! - held[i]!;
    traded.set(desired);
    for (const m of costs) if (limitsFills(m)) m.capTrade(t, equity, desired, traded);
    for (let i = 0; i < n; i++) held[i] = held[i]! + traded[i]!;
    let g = 0;
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      r[i] = close[i]![t]! / close[i]![t - 1]! - 1;
      g += held[i]! * r[i]!;
    }
    let c = 0;
    for (const m of costs) {
      out.fill(0);
      m.cost({ t, ts: t, traded, held, equity }, out);
      for (let i = 0; i < n; i++) c += out[i]!;
    }
    gross[t - 1] = g;
    net[t - 1] = g - c;
    for (let i = 0; i < n; i++) held[i] = (held[i]! * (1 + r[i]!)) / (1 + g);
    equity *= 1 + net[t - 1]!;
  }
  return { net, gross };
}

realDataTest(
  "capacity curve: net Sharpe and net return fall as capital grows (real BTC/ETH 1h)",
  () => {
    const dir = ["ohlcv", "binance_spot_2017-2022_djienne"];
    const load = (f: string) =>
      (JSON.parse(readFileSync(realPath(...dir, f), "utf8")) as number[][]).slice(-3000);
    const btc = load("BTC_USDT-1h.json"), eth = load("ETH_USDT-1h.json");
    assert.deepEqual(btc.map((r) => r[0]), eth.map((r) => r[0]));
    const close = [Float64Array.from(btc, (r) => r[4]!), Float64Array.from(eth, (r) => r[4]!)];
    const volume = [Float64Array.from(btc, (r) => r[5]!), Float64Array.from(eth, (r) => r[5]!)];
    // 24-bar momentum decided once a day, long the stronger and short the weaker, from closes up
    // to t-1; flat in the first 200 bars while the impact window fills
    const T = close[0]!.length;
    const target = [new Float64Array(T), new Float64Array(T)];
    for (let t = 200; t < T; t++) {
      if (t % 24 !== 0) {
        target[0]![t] = target[0]![t - 1]!;
        target[1]![t] = target[1]![t - 1]!;
        continue;
      }
      const m0 = close[0]![t - 1]! / close[0]![t - 25]!,
        m1 = close[1]![t - 1]! / close[1]![t - 25]!;
      target[0]![t] = m0 > m1 ? 0.5 : -0.5;
      target[1]![t] = -target[0]![t]!;
    }
    const inputs = impactInputs({ close, volume }, { window: 168 });
    const costs = [feeCost({ venue: "binance" }), squareRootImpact({ ...inputs, k: 1 })];
    const capitals = [1e4, 1e5, 1e6, 1e7, 1e8];
    const runs = new Map<number, { net: Float64Array; gross: Float64Array }>();
    const curve = capacityCurve(
      (capital) => {
        const r = stubEngine(close, target, costs, capital);
        runs.set(capital, r);
        return { net: r.net };
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
      // the Sharpe of lib/stats (same formula on these numbers) and direct compounding
      assert.ok(Math.abs(curve.netSharpe[k]! - sharpeRatio(net, 8760)) < 1e-9);
      const growth = net.reduce((a, r) => a * (1 + r), 1);
      assert.ok(Math.abs(curve.netReturn[k]! - (growth - 1)) < 1e-9 * growth);
      assert.ok(
        Math.abs(curve.netCagr[k]! - (growth ** (8760 / net.length) - 1)) < 1e-9 * growth,
      );
    }
    // the impact's drag against fees alone: small at $10k, larger than the fees at $100m
    const sum = (x: Float64Array) => x.reduce((a, b) => a + b, 0);
    const feesOnly = (capital: number) => stubEngine(close, target, [costs[0]!], capital);
    const drag = (capital: number) => {
      const f = feesOnly(capital);
      return { fees: sum(f.gross) - sum(f.net), impact: sum(f.net) - sum(runs.get(capital)!.net) };
    };
    const small = drag(1e4), large = drag(1e8);
    assert.ok(small.impact > 0 && small.impact < 0.1 * small.fees, JSON.stringify(small));
    assert.ok(large.impact > large.fees, JSON.stringify(large));
  },
);

Deno.test("capacityCurve refuses unordered capitals and non-finite returns", () => {
  const run = () => ({ net: [0.01, -0.01, 0.02] });
  assert.throws(() => capacityCurve(run, [2, 1], { periodsPerYear: 365 }), /ascending/);
  assert.throws(() => capacityCurve(run, [1], { periodsPerYear: 252.5 * 0 }), /periodsPerYear/);
  assert.throws(
    () => capacityCurve(() => ({ net: [0.01, NaN] }), [1], { periodsPerYear: 365 }),
    /net return NaN at bar 1/,
  );
  const c = capacityCurve(run, [1], { periodsPerYear: 365 });
  assert.ok(Math.abs(c.netReturn[0]! - (1.01 * 0.99 * 1.02 - 1)) < 1e-15);
});
