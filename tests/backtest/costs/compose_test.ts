/**
 * Every cost model in one engine run (real Binance USDT-M BTC/ETH hourly perps with their
 * funding, 2025-08/09): each is reported under its own name, the per-asset contributions add
 * up to the per-bar totals, and net = gross - total cost. Reference: the CostModel contract
 * (lib/backtest/cost_model.ts) and each model called by hand on the engine's traded/held rows.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import {
  alignFunding,
  dexPoolCost,
  estimatedSpreads,
  feeCost,
  fundingCost,
  halfSpreadCost,
  impactInputs,
  squareRootImpact,
} from "@lib/backtest/costs/mod.ts";
import type { CostModel } from "@lib/backtest/cost_model.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

const read = (f: string) =>
  JSON.parse(
    readFileSync(realPath("funding_and_futures", "binance_usdm_2025_jilee1212", f), "utf8"),
  ) as number[][];

realDataTest("fees, spread, impact, funding and a DEX pool compose in one backtest", () => {
  const bars = ["BTC", "ETH"].map((s) => read(`${s}_USDT_USDT-1h-futures.json`));
  const index = Float64Array.from(bars[0]!, (r) => r[0]!);
  assert.deepEqual([...index], bars[1]!.map((r) => r[0]));
  const col = (k: number) => bars.map((b) => Float64Array.from(b, (r) => r[k]!));
  const [high, low, close, volume] = [col(2), col(3), col(4), col(5)];
  const funding = ["BTC", "ETH"].map((s) => {
    const rows = read(`${s}_USDT_USDT-8h-funding_rate.json`);
    return alignFunding(index, rows.map((r) => r[0]!), rows.map((r) => r[1]!));
  });
  // ETH also priced on a pool of $50m a side (reserves follow the close), BTC not on a pool
  const reserveBase = [undefined, Float64Array.from(close[1]!, (c) => 5e7 / c)];
  const reserveQuote = [undefined, new Float64Array(index.length).fill(5e7)];
  const T = index.length;
  const target = [new Float64Array(T), new Float64Array(T)];
  for (let t = 200; t < T; t++) {
    const up = close[0]![t]! > close[0]![t - 24]!;
    target[0]![t] = up ? 0.6 : -0.4;
    target[1]![t] = up ? -0.3 : 0.5;
  }
  const models: CostModel[] = [
    feeCost({ venue: "binance-usdm" }),
    halfSpreadCost({ spreads: estimatedSpreads({ high, low, close }, { window: 48 }) }),
    squareRootImpact({ ...impactInputs({ close, volume }, { window: 168 }), k: 0.7 }),
    fundingCost({ rates: funding }),
    dexPoolCost({ reserveBase, reserveQuote }),
  ];
  const res = backtestWeights({ close, index }, target, {
    initialEquity: 5e6,
    costs: models,
  });
  assert.deepEqual(Object.keys(res.costs), ["fees", "spread", "impact", "funding", "dex"]);
  for (let t = 0; t < T; t++) {
    let total = 0;
    for (const name of Object.keys(res.costs)) total += res.costs[name]![t]!;
    assert.ok(Math.abs(total - res.totalCost[t]!) < 1e-15);
    assert.ok(Math.abs(res.net[t]! - (res.gross[t]! - res.totalCost[t]!)) < 1e-15);
  }
  // every model is recomputed by hand at a few traded bars from the engine's own rows
  const traded = res.traded, held = res.weights;
  const tradedBars = [...Array(T).keys()].filter((t) => traded[0]![t] !== 0).slice(0, 5);
  assert.ok(tradedBars.length >= 3);
  for (const t of tradedBars) {
    const equity = t === 0 ? 5e6 : res.equity[t - 1]!;
    const bar = {
      t,
      ts: index[t]!,
      traded: Float64Array.of(traded[0]![t]!, traded[1]![t]!),
      held: Float64Array.of(held[0]![t]!, held[1]![t]!),
      equity,
    };
    for (const m of models) {
      const out = new Float64Array(2);
      m.cost(bar, out);
      const got = res.costs[m.name]![t]!;
      assert.ok(Math.abs(out[0]! + out[1]! - got) < 1e-15, `${m.name} at ${t}`);
    }
  }
  // costs are all paid (funding can be income; the others cannot)
  for (const name of ["fees", "spread", "impact", "dex"]) {
    assert.ok(res.costs[name]!.every((c) => c >= 0), name);
    assert.ok(res.costs[name]!.some((c) => c > 0), name);
  }
  assert.ok(res.costs.funding!.some((c) => c !== 0));
});
