/**
 * backtestWeights against an independent dollar-based pandas/numpy reference
 * (tests/oracles/backtest_engine.py, pandas 1.5.3 / numpy 1.24.2) on the 126-pair NFI hourly
 * universe (5,493 bars; late starters, missing candles, three pairs cut to end early and one
 * extra 10-bar gap), a 24h momentum-rank long-short target and 0.1% proportional fees, at lag
 * 1 and 2, every-24-bar and drift-threshold rebalancing. Every bar's net return within 1e-12.
 * And all four costs at once (fees, half spread, square-root impact with its participation cap,
 * funding) on a small slice (600 bars x 19 pairs): every bar's net return, each cost and every
 * held weight within 1e-12.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { fundingCost } from "@lib/backtest/costs/funding_cost.ts";
import { halfSpreadCost } from "@lib/backtest/costs/half_spread_cost.ts";
import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
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
interface AllCostsRun extends OracleRun {
  assets: string[];
  rows: [number, number];
  costs: Record<"fees" | "spread" | "impact" | "funding", number[]>;
  weights: number[][];
}
interface Oracle {
  allCosts: AllCostsRun;
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

/** `rolling(24)` over the 24 values before t (pandas `.rolling(24).f().shift(1)`); NaN unless all known. */
function before24(x: Float64Array, f: (w: number[]) => number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = 24; t < x.length; t++) {
    const w = Array.from(x.subarray(t - 24, t));
    if (w.every((v) => v === v)) out[t] = f(w);
  }
  return out;
}
const mean = (w: number[]) => w.reduce((s, v) => s + v, 0) / w.length;
const sd = (w: number[]) => {
  const m = mean(w);
  return Math.sqrt(w.reduce((s, v) => s + (v - m) ** 2, 0) / (w.length - 1));
};

realDataTest(
  "backtestWeights with fees, half spread, capped square-root impact and funding = the pandas reference, bar by bar",
  () => {
    const want = oracle.allCosts;
    const u = universe(), s = loadNfiSignals();
    const [r0, r1] = want.rows, T = r1 - r0;
    const cols = want.assets.map((a) => u.assets.indexOf(a));
    const close = cols.map((a) => u.close[a]!.slice(r0, r1));
    const volume = cols.map((a) => s.volume[a]!.slice(r0, r1));
    const index = u.index.slice(r0, r1);
    // the oracle's cost inputs (all_costs_case in tests/oracles/backtest_engine.py)
    const sigma = close.map((c) => {
      const r = new Float64Array(T).fill(NaN);
      for (let t = 1; t < T; t++) r[t] = c[t]! / c[t - 1]! - 1;
      return before24(r, sd);
    });
    const adv = close.map((c, a) =>
      before24(c.map((x, t) => x * volume[a]![t]!), mean).map((x, t) =>
        sigma[a]![t]! === sigma[a]![t]! ? x : NaN
      )
    );
    const spreads = sigma.map((c) => c.map((x) => 0.5 * x));
    const rates = cols.map((_, a) =>
      index.map((ts) => (ts % (8 * 3_600_000) === 0 ? (a % 2 === 0 ? 0.0001 : -0.00005) : 0))
    );
    const target = close.map(() => new Float64Array(T));
    const ratio = new Float64Array(cols.length), ranks = new Float64Array(cols.length);
    for (let t = 24; t < T; t++) {
      let count = 0;
      for (let a = 0; a < cols.length; a++) {
        ratio[a] = close[a]![t]! / close[a]![t - 24]!;
        if (ratio[a] === ratio[a]) count++;
      }
      if (count < 10) continue;
      rankFirst(ratio, ranks);
      for (let a = 0; a < cols.length; a++) {
        if (ranks[a]! <= 5) target[a]![t] = -0.1;
        else if (ranks[a]! > count - 5) target[a]![t] = 0.1;
      }
    }
    const costs = [
      feeCost({ venue: "binance", overrides: { binance: { maker: 0.001, taker: 0.001 } } }),
      halfSpreadCost({ spreads }),
      squareRootImpact({ sigma, adv, k: 1, participationCap: 0.1 }),
      fundingCost({ rates }),
    ];
    const res = backtestWeights({ close, index, assets: want.assets }, target, {
      costs,
      initialEquity: 1e6,
    });
    assert.equal(res.metadata.lag, 1);
    const worst = (name: string, got: ArrayLike<number>, exp: readonly number[]) => {
      assert.equal(got.length, exp.length, name);
      let d = 0, at = -1;
      for (let t = 0; t < exp.length; t++) {
        const x = Math.abs(got[t]! - exp[t]!);
        if (!(x <= d)) [d, at] = [x, t];
      }
      assert.ok(d <= 1e-12, `${name} differs by ${d} at bar ${at}`);
    };
    worst("net", res.net, want.net);
    worst("turnover", res.turnover, want.turnover);
    for (const k of ["fees", "spread", "impact", "funding"] as const) {
      worst(k, res.costs[k]!, want.costs[k]);
    }
    want.weights.forEach((w, a) => worst(`weights of ${want.assets[a]}`, res.weights[a]!, w));
    assert.ok(Math.abs(res.equity[T - 1]! / want.finalEquity - 1) < 1e-9);
    // every cost is at work: the cap held some orders back (open orders filled on later bars),
    // shorts received funding on some bars, longs paid on others
    const sum = (x: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i]!;
      return s;
    };
    for (const k of ["spread", "impact"] as const) assert.ok(sum(res.costs[k]!) > 0.1, k);
    assert.ok(want.costs.funding.some((x) => x < 0) && want.costs.funding.some((x) => x > 0));
    let capped = 0;
    for (let a = 0; a < cols.length; a++) {
      for (let t = 2; t < T; t++) {
        const held = res.weights[a]!, goal = target[a]![t - 2]!;
        if (
          adv[a]![t]! > 0 && Math.abs(held[t]! - goal) > 1e-6 && Math.abs(
              (held[t]! - (t > 0 ? held[t - 1]! : 0)) * 1e6,
            ) > 0.0999 * adv[a]![t]!
        ) capped++;
      }
    }
    assert.ok(capped > 0, "the participation cap never bound");
  },
);
