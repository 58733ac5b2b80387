/**
 * backtestWeights against an independent dollar-based pandas/numpy reference
 * (tests/oracles/backtest_engine.py, pandas 1.5.3 / numpy 1.24.2) on the 126-pair NFI hourly
 * universe (5,493 bars; late starters, missing candles, three pairs cut to end early and one
 * extra 10-bar gap), a 24h momentum-rank long-short target and 0.1% proportional fees, at lag
 * 1 and 2, every-24-bar and drift-threshold rebalancing. Every bar's net return within 1e-12.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { rankFirst } from "@lib/backtest/rank_first.ts";
import type { Rebalance } from "@lib/backtest/types.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadNfiSignals } from "../research/_nfi_signals.ts";

interface OracleRun {
  net: number[];
  turnover: number[];
  feeSum: number;
  finalEquity: number;
}
interface Oracle {
  assets: string[];
  bars: number;
  cuts: Record<string, number>;
  gap: [string, number, number];
  targetChecksum: { nonzero: number; sumAbs: number };
  runs: Record<string, OracleRun>;
}

const oracle: Oracle = JSON.parse(
  readFileSync(new URL("../oracles/backtest_engine.json", import.meta.url), "utf8"),
);

/** The oracle's universe: NFI closes with the cuts and the extra gap. */
function universe() {
  const s = loadNfiSignals();
  const close = s.close.map((c) => Float64Array.from(c));
  for (const [sym, end] of Object.entries(oracle.cuts)) {
    close[s.assets.indexOf(sym)]!.fill(NaN, end + 1);
  }
  const [sym, from, to] = oracle.gap;
  close[s.assets.indexOf(sym)]!.fill(NaN, from, to);
  const index = Float64Array.from({ length: s.length }, (_, t) => s.firstTs + t * 3_600_000);
  return { close, index, assets: s.assets, T: s.length };
}

/** Long the 10 highest, short the 10 lowest close[t] / close[t - 24] (pandas rank "first"). */
function momentumTargets(close: readonly Float64Array[], T: number): Float64Array[] {
  const N = close.length;
  const w = close.map(() => new Float64Array(T));
  const ratio = new Float64Array(N), ranks = new Float64Array(N);
  for (let t = 24; t < T; t++) {
    let count = 0;
    for (let a = 0; a < N; a++) {
      ratio[a] = close[a]![t]! / close[a]![t - 24]!;
      if (ratio[a] === ratio[a]) count++;
    }
    if (count < 20) continue;
    rankFirst(ratio, ranks);
    for (let a = 0; a < N; a++) {
      const r = ranks[a]!;
      if (r <= 10) w[a]![t] = -0.05;
      else if (r > count - 10) w[a]![t] = 0.05;
    }
  }
  return w;
}

const RUNS: Record<string, { lag: number; rebalance: Rebalance }> = {
  lag1: { lag: 1, rebalance: "every-bar" },
  lag2: { lag: 2, rebalance: "every-bar" },
  every24: { lag: 1, rebalance: { every: 24 } },
  drift: { lag: 1, rebalance: { driftThreshold: 0.02 } },
};

realDataTest("backtestWeights = the pandas reference on 126 real pairs, bar by bar", () => {
  const u = universe();
  assert.deepEqual(u.assets, oracle.assets);
  assert.equal(u.T, oracle.bars);
  const target = momentumTargets(u.close, u.T);
  let nonzero = 0, sumAbs = 0;
  for (const col of target) {
    for (const x of col) {
      if (x !== 0) nonzero++;
      sumAbs += Math.abs(x);
    }
  }
  assert.equal(nonzero, oracle.targetChecksum.nonzero);
  assert.ok(Math.abs(sumAbs - oracle.targetChecksum.sumAbs) < 1e-6); // numpy sums pairwise
  const fees = feeCost({
    venue: "binance",
    overrides: { binance: { maker: 0.001, taker: 0.001 } },
  });
  for (const [name, opt] of Object.entries(RUNS)) {
    const want = oracle.runs[name]!;
    const res = backtestWeights(u, target, { ...opt, costs: [fees], initialEquity: 1e6 });
    let worst = 0, worstT = -1, worstTurn = 0;
    for (let t = 0; t < u.T; t++) {
      const d = Math.abs(res.net[t]! - want.net[t]!);
      if (d > worst) [worst, worstT] = [d, t];
      worstTurn = Math.max(worstTurn, Math.abs(res.turnover[t]! - want.turnover[t]!));
    }
    assert.ok(worst <= 1e-12, `${name}: net differs by ${worst} at bar ${worstT}`);
    assert.ok(worstTurn <= 1e-12, `${name}: turnover differs by ${worstTurn}`);
    const feeSum = res.costs.fees!.reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(feeSum - want.feeSum) < 1e-10, `${name}: fees ${feeSum} vs ${want.feeSum}`);
    assert.ok(Math.abs(res.equity[u.T - 1]! / want.finalEquity - 1) < 1e-9);
    // the three cut pairs are held to the last bar, sold there at their last close, flagged
    assert.deepEqual(
      res.metadata.endedEarly.map((e) => [e.asset, e.lastBar]).sort(),
      Object.entries(oracle.cuts).sort(),
    );
  }
});
