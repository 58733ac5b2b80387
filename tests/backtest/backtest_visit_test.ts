/**
 * The engine visits at each bar only the assets that can trade or hold there (held, with an open
 * order, or with a target that is not 0). A fill limit without the `zeroWhenFlat` mark makes it
 * visit every asset, as the engine did before it kept these lists: both must give the same
 * result to the last bit, on every rebalancing rule, lag, input kind, gaps, late starts, early
 * ends and capped fills. The built-in cost models are computed in the engine's pass (their
 * kernels), which must give the bits of calling each model per bar. The oracle is the engine's
 * own full pass with every model called (checked against the pandas reference of
 * tests/oracles/backtest_engine.py in backtest_engine_oracle_test.ts).
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import type { CostModel } from "@lib/backtest/cost_model.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { fundingCost } from "@lib/backtest/costs/funding_cost.ts";
import { halfSpreadCost } from "@lib/backtest/costs/half_spread_cost.ts";
import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import type { BacktestResult, Rebalance } from "@lib/backtest/types.ts";
import { createRng } from "@lib/stats/rng.ts";

const N = 14, T = 400;

/** Prices with gaps, a late start, an early end, an asset without bars; sparse targets. */
function market(seed: number) {
  const rng = createRng(seed);
  const close = Array.from({ length: N }, (_, a) => {
    const c = new Float64Array(T);
    let p = 10 + a;
    for (let t = 0; t < T; t++) {
      p *= Math.exp(0.02 * (rng.next() - 0.5) * 2);
      c[t] = rng.next() < 0.08 ? NaN : p;
    }
    if (a === 3) c.fill(NaN, 0, 60); // starts late
    if (a === 5) c.fill(NaN, 300); // ends early
    if (a === 7) c.fill(NaN); // no bars at all
    if (a === 9) c.fill(NaN, 100, 160); // a long gap
    return c;
  });
  const target = Array.from({ length: N }, () => new Float64Array(T));
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < N; a++) {
      const u = rng.next();
      // a few assets at a time, switching often; NaN is flat
      target[a]![t] = u < 0.25 ? 0.12 : u < 0.35 ? -0.08 : u < 0.37 ? NaN : 0;
    }
  }
  const grid = (f: (a: number, t: number) => number) =>
    Array.from({ length: N }, (_, a) => Float64Array.from({ length: T }, (_, t) => f(a, t)));
  const spreads = grid((a, t) => (t < 20 ? NaN : 0.001 + 0.0001 * a));
  // ADV unknown before bar 30 and for asset 11 at some bars: capped to nothing there
  const sigma = grid((a, t) => (t < 30 ? NaN : 0.01 + 0.001 * a));
  const adv = grid((a, t) => (t < 30 || (a === 11 && t % 17 < 5) ? NaN : 2e5 + 3e4 * a));
  const rates = grid((_, t) => (t % 8 === 0 ? 0.0001 : 0));
  return { close, target, spreads, sigma, adv, rates };
}

/** The same model without the `zeroWhenFlat` mark: the engine then visits every asset. */
function unmarked(m: ReturnType<typeof squareRootImpact>): CostModel {
  return {
    name: m.name,
    cost: (bar, out) => m.cost(bar, out),
    capTrade: (t: number, eq: number, d: ArrayLike<number>, out: Float64Array) =>
      m.capTrade(t, eq, d, out),
  } as CostModel;
}

function assertSameBits(x: BacktestResult, y: BacktestResult, what: string): void {
  const series = (a: Float64Array, b: Float64Array, name: string) => {
    assert.equal(a.length, b.length, `${what} ${name}`);
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[i], b[i])) assert.fail(`${what} ${name}[${i}]: ${a[i]} vs ${b[i]}`);
    }
  };
  for (const k of ["gross", "net", "totalCost", "turnover", "equity"] as const) {
    series(x[k], y[k], k);
  }
  series(x.grossExposure, y.grossExposure, "grossExposure");
  series(x.netExposure, y.netExposure, "netExposure");
  for (let a = 0; a < N; a++) {
    series(x.weights[a]!, y.weights[a]!, `weights[${a}]`);
    series(x.traded[a]!, y.traded[a]!, `traded[${a}]`);
  }
  for (const k of Object.keys(x.costs)) {
    series(x.costs[k]!, y.costs[k]!, `costs.${k}`);
    series(x.contribution.costs[k]!, y.contribution.costs[k]!, `contribution.costs.${k}`);
  }
  series(x.contribution.gross, y.contribution.gross, "contribution.gross");
  series(x.contribution.turnover, y.contribution.turnover, "contribution.turnover");
  assert.deepEqual(x.metadata.warnings, y.metadata.warnings, `${what} warnings`);
  assert.deepEqual(x.metadata.endedEarly, y.metadata.endedEarly, `${what} endedEarly`);
  assert.equal(x.metadata.ruinBar, y.metadata.ruinBar, `${what} ruinBar`);
}

Deno.test("the assets visited per bar give the bits of a pass over every asset", () => {
  const rebalances: Rebalance[] = [
    "every-bar",
    { every: 5, offset: 2 },
    { driftThreshold: 0.03 },
  ];
  let capped = 0;
  for (const seed of [1, 2]) {
    const m = market(seed);
    const returns = m.close.map((c) => {
      const r = new Float64Array(T).fill(NaN);
      let last = NaN;
      for (let t = 0; t < T; t++) {
        if (c[t] !== c[t]) continue;
        r[t] = last === last ? c[t]! / last - 1 : 0;
        last = c[t]!;
      }
      return r;
    });
    for (const input of [{ close: m.close }, { returns }]) {
      for (const rebalance of rebalances) {
        for (const lag of [0, 1, 2]) {
          const what = `seed ${seed} ${"close" in input ? "prices" : "returns"} ` +
            `${JSON.stringify(rebalance)} lag ${lag}`;
          const impact = squareRootImpact({ sigma: m.sigma, adv: m.adv, participationCap: 0.1 });
          const base = [
            feeCost({ venue: "binance" }),
            halfSpreadCost({ spreads: m.spreads }),
            fundingCost({ rates: m.rates }),
          ];
          const opts = { rebalance, lag, initialEquity: 1e7 };
          const sparse = backtestWeights(input, m.target, { ...opts, costs: [...base, impact] });
          const dense = backtestWeights(input, m.target, {
            ...opts,
            costs: [...base, unmarked(impact)],
          });
          assertSameBits(sparse, dense, what);
          // the built-in models are computed in the engine's own pass (their kernels); a copy
          // whose cost is replaced is called per bar, the assets still visited sparsely
          const called = backtestWeights(input, m.target, {
            ...opts,
            costs: [...base, impact].map((c) => ({ ...c, cost: c.cost.bind(c) })),
          });
          assertSameBits(sparse, called, `${what} (models called)`);
          // fees per venue (a maker rebate on some assets), computed and called
          const venues = Array.from({ length: N }, (_, a) => ["binance", "kraken", "okx"][a % 3]!);
          const perVenue = feeCost({
            venue: venues,
            liquidity: "maker",
            overrides: { okx: { maker: -0.0001, taker: 0.0005 } },
          });
          const vOpts = { ...opts, costs: [perVenue, impact] };
          assertSameBits(
            backtestWeights(input, m.target, vOpts),
            backtestWeights(input, m.target, {
              ...vOpts,
              costs: vOpts.costs.map((c) => ({ ...c, cost: c.cost.bind(c) })),
            }),
            `${what} (fees per venue)`,
          );
          const uncapped = backtestWeights(input, m.target, { ...opts, costs: base });
          const sum = (r: BacktestResult) => r.turnover.reduce((s, x) => s + x, 0);
          assert.ok(sum(uncapped) > 0, `${what}: something traded`);
          if (sparse.metadata.warnings.some((w) => w.includes("participation cap"))) capped++;
        }
      }
    }
  }
  // the cap must have bitten (ADV unknown before bar 30 and at some bars of asset 11)
  assert.ok(capped >= 30, `capped runs: ${capped}`);
});

Deno.test("every price is checked, after valid ones too (one test per value in the scan)", () => {
  const tgt = [Float64Array.of(1, 1, 1, 1, 1)];
  for (const bad of [0, -3, Infinity, -Infinity]) {
    const close = [Float64Array.of(100, 101, NaN, bad, 102)];
    assert.throws(
      () => backtestWeights({ close }, tgt),
      new RegExp(`close of asset 0 at bar 3 is ${bad}; prices must be positive and finite`),
    );
  }
  // a 100x jump is a redenomination candidate whatever the bounds of the last close
  const close = [Float64Array.of(1, 1, 1, 100, 100), Float64Array.of(5, 5, 5, 5, 5)];
  const res = backtestWeights({ close }, [new Float64Array(5), new Float64Array(5)]);
  assert.equal(res.metadata.redenominations.length, 1);
  assert.equal(res.metadata.redenominations[0]!.bar, 3);
});

Deno.test("block buffers kept from run to run leave no trace: a run after others, of other widths and after a refused input, has the bits of the first", () => {
  const m = market(11);
  const opts = () => ({
    costs: [
      feeCost({ venue: "binance" }),
      halfSpreadCost({ spreads: m.spreads }),
      squareRootImpact({ sigma: m.sigma, adv: m.adv, k: 1, participationCap: 0.1 }),
      fundingCost({ rates: m.rates }),
    ],
    initialEquity: 1e6,
  });
  const first = backtestWeights({ close: m.close }, m.target, opts());
  // other runs in between: another width, a run refused at a bad price in its third block
  // (its targets were loaded into the buffers), then another market at lag 2 every 5 bars,
  // whose buffers (its last block's targets and rows still in them) the last run takes over
  const other = market(12);
  backtestWeights({ close: other.close.slice(0, 5) }, other.target.slice(0, 5));
  const long = 600; // two blocks and more
  const bad = m.close.map((c) => Float64Array.from({ length: long }, (_, t) => c[t % T]!));
  bad[2]![long - 10] = -1;
  const tgt = m.target.map((c) => Float64Array.from({ length: long }, (_, t) => c[t % T]!));
  assert.throws(() => backtestWeights({ close: bad }, tgt), /close of asset 2 at bar 590/);
  backtestWeights({ close: other.close }, other.target, { lag: 2, rebalance: { every: 5 } });
  assertSameBits(backtestWeights({ close: m.close }, m.target, opts()), first, "again");
});
