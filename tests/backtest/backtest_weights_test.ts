/**
 * Hand-checkable cases of the engine's rules: the fill time for a lag, gaps (a position across
 * a missing bar earns the spanning return, an order waits for a bar), end of data, the lag 0
 * flag, drift between rebalances, fees at the fill, participation caps, the cost contract.
 * Every expected value is worked out in the comment beside it.
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import type { CostBar, CostModel } from "@lib/backtest/cost_model.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { checkLookahead } from "@lib/backtest/lookahead.ts";

const close = (...xs: number[]) => Float64Array.from(xs);
const flat = (w: number, n: number) => new Float64Array(n).fill(w);
const near = (a: number, b: number, tol = 1e-15) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b} (tol ${tol})`);

Deno.test("lag 1: row t's decision fills at bar t+1's close and earns from bar t+2", () => {
  // the target turns on at row 2 only; prices rise 10% per bar from bar 1
  const px = close(100, 110, 121, 133.1, 146.41, 161.051);
  const target = close(0, 0, 1, 1, 1, 1);
  const res = backtestWeights({ close: [px] }, [target]);
  // decided at bar 2's close, filled at bar 3's close (133.1), held over bars 4 and 5
  assert.deepEqual([...res.weights[0]!], [0, 0, 0, 0, 1, 1]);
  assert.deepEqual([...res.turnover], [0, 0, 0, 0, 1, 0]);
  near(res.gross[4]!, 0.1, 1e-14);
  near(res.gross[3]!, 0);
  assert.equal(res.metadata.lag, 1);
  assert.equal(res.metadata.lagZero, false);
  assert.deepEqual(res.metadata.warnings, []);
  const lag2 = backtestWeights({ close: [px] }, [target], { lag: 2 });
  assert.deepEqual([...lag2.weights[0]!], [0, 0, 0, 0, 0, 1]);
});

Deno.test("lag 0 must be asked for and is flagged in the result", () => {
  const px = close(100, 110, 121);
  const res = backtestWeights({ close: [px] }, [close(1, 1, 1)], { lag: 0 });
  // decided and filled at bar 0's close: held over bar 1
  assert.deepEqual([...res.weights[0]!], [0, 1, 1]);
  assert.equal(res.metadata.lagZero, true);
  assert.equal(res.metadata.warnings.length, 1);
  assert.match(res.metadata.warnings[0]!, /^lag 0: .*cannot be done live/);
  assert.ok(res.metadata.rules.some((r) => r.includes("LAG 0")));
  assert.throws(() => backtestWeights({ close: [px] }, [close(1, 1, 1)], { lag: -1 }), /lag must/);
  assert.throws(() => backtestWeights({ close: [px] }, [close(1, 1, 1)], { lag: 0.5 }), /lag must/);
});

Deno.test("a position held across a missing bar earns the return spanning the gap", () => {
  // bar 3 is missing; the close goes 100 -> (gap) -> 121
  const px = close(100, 100, 100, NaN, 121, 121);
  const res = backtestWeights({ close: [px] }, [flat(1, 6)]);
  // filled at bar 1's close (100), held over bars 2..5
  assert.deepEqual([...res.weights[0]!], [0, 0, 1, 1, 1, 1]);
  assert.equal(res.gross[3], 0); // the position's value is marked at its last close...
  near(res.gross[4]!, 0.21); // ...and the whole 100 -> 121 arrives with the next bar
  near(res.equity[5]!, 1.21e6, 1e-8);
  // the same prices given as spanning returns give the same result
  const r = close(NaN, 0, 0, NaN, 0.21, 0);
  const viaReturns = backtestWeights({ returns: [r] }, [flat(1, 6)]);
  assert.equal(viaReturns.metadata.input, "returns");
  near(viaReturns.equity[5]!, 1.21e6, 1e-8);
});

Deno.test("an order waits for the asset's next bar", () => {
  // bar 1 missing: the fill due at bar 1's close (decision row 0) waits; bar 2's close fills
  // the latest order (row 1), held over bar 3
  const px = close(100, NaN, 100, 110);
  const res = backtestWeights({ close: [px] }, [close(1, 0.5, 0.5, 0.5)]);
  assert.deepEqual([...res.weights[0]!], [0, 0, 0, 0.5]);
  assert.deepEqual([...res.traded[0]!], [0, 0, 0, 0.5]);
  near(res.gross[3]!, 0.05);
  // with a rebalance only at bar 1, the order issued there waits and fills at bar 2 with its
  // own target (row 0: weight 1)
  const once = backtestWeights({ close: [px] }, [close(1, 0.5, 0.5, 0.5)], {
    rebalance: { every: 100, offset: 1 },
  });
  assert.deepEqual([...once.weights[0]!], [0, 0, 0, 1]);
});

Deno.test("an asset whose data ends early is held until the last bar, then sold at its last close and flagged", () => {
  // A: 100, 110, 121, then no data; B: constant 1. Half in each, lag 1.
  const a = close(100, 110, 121, NaN, NaN), b = close(1, 1, 1, 1, 1);
  const fees = feeCost({ venue: "x", overrides: { x: { maker: 0, taker: 0.001 } } });
  const res = backtestWeights({ close: [a, b], assets: ["A", "B"], index: [0, 1, 2, 3, 4] }, [
    flat(0.5, 5),
    flat(0.5, 5),
  ], { costs: [fees] });
  // row 0 fills at bar 1's close: held over bar 2
  near(res.gross[2]!, 0.5 * 0.1); // A +10% (110 -> 121), B flat
  const fee2 = 0.001 * 1; // the initial fill: 0.5 + 0.5 bought at bar 1's close
  near(res.costs.fees![2]!, fee2);
  // after bar 2, A drifted to 0.55 / (1 + net2), B to 0.5 / (1 + net2)
  const net2 = 0.05 - fee2;
  const wA = 0.55 / (1 + net2), wB = 0.5 / (1 + net2);
  // bar 2's close exists for A: both are brought back to 0.5 there (the engine cannot know
  // that A has no later bar), held over bar 3, where A earns nothing
  near(res.traded[0]![3]!, 0.5 - wA);
  near(res.traded[1]![3]!, 0.5 - wB);
  near(res.weights[0]![3]!, 0.5);
  assert.equal(res.gross[3], 0);
  const net3 = -0.001 * (Math.abs(0.5 - wA) + Math.abs(0.5 - wB));
  near(res.net[3]!, net3);
  // bar 3's close: A has no bar, its order waits and its weight drifts; B is rebalanced
  const hA = 0.5 / (1 + net3);
  near(res.weights[0]![4]!, hA);
  near(res.traded[1]![4]!, 0.5 - 0.5 / (1 + net3));
  // the last bar: A's data ended before it, so A is sold at its last close (121) there; its
  // held weight over bar 4 is unchanged, its traded weight is the sale
  near(res.traded[0]![4]!, -hA);
  near(res.turnover[4]!, hA + Math.abs(0.5 - 0.5 / (1 + net3)));
  near(res.costs.fees![4]!, 0.001 * (hA + Math.abs(0.5 - 0.5 / (1 + net3))));
  near(res.net[4]!, -res.costs.fees![4]!);
  assert.equal(res.metadata.endedEarly.length, 1);
  const e = res.metadata.endedEarly[0]!;
  assert.equal(e.asset, "A");
  assert.equal(e.lastBar, 2);
  near(e.closedWeight, hA);
  assert.ok(res.metadata.warnings.some((w) => w.startsWith("A: data ends at bar 2")));
});

Deno.test("end of data is causal: cutting the data at a gap leaves every held weight unchanged", () => {
  // asset 0 has no bar at 2 (a gap) and data after it; the engine on data cut at bar 2 must
  // hold what it holds on the full data (before the fix it closed asset 0 there: 0.5 -> 0)
  const a = close(100, 101, NaN, 103, 104, 105), b = close(50, 51, 52, 53, 54, 55);
  const held = (d: { close: Float64Array[] }) => {
    const T = d.close[0]!.length;
    return backtestWeights(d, [flat(0.5, T), flat(0.5, T)]).weights;
  };
  const res = checkLookahead(held, { close: [a, b] });
  assert.deepEqual(res.violations, []);
  assert.equal(res.passed, true);
  const cut = backtestWeights({ close: [a.slice(0, 3), b.slice(0, 3)] }, [
    flat(0.5, 3),
    flat(0.5, 3),
  ]);
  assert.ok(cut.weights[0]![2]! > 0.49);
  assert.equal(cut.metadata.endedEarly[0]!.lastBar, 1);
});

Deno.test("an asset that starts late trades from its first bar", () => {
  const a = close(NaN, NaN, 10, 11, 12.1), b = close(1, 1, 1, 1, 1);
  const res = backtestWeights({ close: [a, b] }, [flat(0.5, 5), flat(0.5, 5)]);
  // A's first close is bar 2: its order fills there, held over bars 3 and 4
  assert.deepEqual([...res.weights[0]!].map((x) => x > 0), [false, false, false, true, true]);
  near(res.weights[0]![3]!, 0.5);
  near(res.gross[3]!, 0.05);
  assert.deepEqual(res.metadata.endedEarly, []);
});

Deno.test("between rebalances weights drift with prices; a drift threshold triggers a trade", () => {
  // A doubles at bar 2, B is flat; 50/50 decided at bar 0, filled at bar 1's close
  const a = close(1, 1, 2, 2, 2), b = close(1, 1, 1, 1, 1);
  const w = [flat(0.5, 5), flat(0.5, 5)];
  const never = backtestWeights({ close: [a, b] }, w, { rebalance: { every: 1000, offset: 1 } });
  // after bar 2: A = 0.5 * 2 / 1.5 = 2/3, B = 1/3; no trade after the first
  near(never.weights[0]![3]!, 2 / 3);
  near(never.weights[1]![3]!, 1 / 3);
  near(never.weights[0]![4]!, 2 / 3);
  assert.equal(never.turnover[3], 0);
  // every bar: back to 50/50 at bar 2's close, trading 1/6 each way
  const every = backtestWeights({ close: [a, b] }, w);
  near(every.weights[0]![3]!, 0.5);
  near(every.turnover[3]!, 1 / 3);
  // threshold 0.2: the 1/6 drift does not trigger; threshold 0.1 does
  const loose = backtestWeights({ close: [a, b] }, w, { rebalance: { driftThreshold: 0.2 } });
  near(loose.weights[0]![3]!, 2 / 3);
  const tight = backtestWeights({ close: [a, b] }, w, { rebalance: { driftThreshold: 0.1 } });
  near(tight.weights[0]![3]!, 0.5);
  assert.ok(tight.metadata.rules.some((r) => r.includes("more than 0.1 away")));
});

Deno.test("every k bars rebalances at rows s with (s - offset) % k == 0", () => {
  const px = close(1, 1, 1, 1, 1, 1, 1);
  const target = close(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7);
  const res = backtestWeights({ close: [px] }, [target], { rebalance: { every: 2 } });
  // fills at closes 0, 2, 4 (rows -1: nothing, 1, 3), held from the next bar
  near(res.weights[0]![1]!, 0);
  near(res.weights[0]![3]!, 0.2);
  near(res.weights[0]![4]!, 0.2);
  near(res.weights[0]![5]!, 0.4);
});

Deno.test("net = gross - costs, equity compounds net, contributions add up", () => {
  const a = close(10, 11, 10.5, 12, 11, 11.5, 13), b = close(5, 5.5, 5, 4.5, 5, 5.2, 5.1);
  const w = [close(0.6, -0.2, 0.5, 0.3, 1, 0, 0.4), close(-0.3, 0.7, 0.1, -0.5, 0, 0.9, 0.2)];
  const fees = feeCost({ venue: "binance" });
  const res = backtestWeights({ close: [a, b] }, w, { costs: [fees], initialEquity: 100 });
  let eq = 100, sumNet = 0;
  for (let t = 0; t < 7; t++) {
    near(res.net[t]!, res.gross[t]! - res.costs.fees![t]!);
    near(res.totalCost[t]!, res.costs.fees![t]!);
    eq *= 1 + res.net[t]!;
    near(res.equity[t]!, eq, 1e-12);
    sumNet += res.net[t]!;
    near(res.grossExposure[t]!, Math.abs(res.weights[0]![t]!) + Math.abs(res.weights[1]![t]!));
    near(res.netExposure[t]!, res.weights[0]![t]! + res.weights[1]![t]!);
  }
  near(res.contribution.net[0]! + res.contribution.net[1]!, sumNet, 1e-15);
  near(
    res.contribution.gross[0]!,
    res.weights[0]!.reduce((s, x, t) => s + (t > 0 ? x * (a[t]! / a[t - 1]! - 1) : 0), 0),
    1e-15,
  );
});

Deno.test("cost models see the bar after the fill, its trades, holdings and starting equity", () => {
  const seen: { t: number; ts: number; traded: number[]; held: number[]; equity: number }[] = [];
  const spy: CostModel = {
    name: "spy",
    cost(bar: CostBar, out: Float64Array) {
      seen.push({ ...bar, traded: [...bar.traded], held: [...bar.held] });
      out[0] = 0.01 * Math.abs(bar.traded[0]!);
    },
  };
  const px = close(1, 1, 2, 2);
  const res = backtestWeights({ close: [px], index: [100, 200, 300, 400] }, [flat(1, 4)], {
    costs: [spy],
    initialEquity: 50,
  });
  assert.deepEqual(seen.map((s) => s.t), [0, 1, 2, 3]);
  assert.deepEqual(seen.map((s) => s.ts), [100, 200, 300, 400]);
  // filled at bar 1's close = the open of bar 2: the model sees it as bar 2
  // after bar 2 (+100%, 1% fee) the weight drifted to 2 / 1.99 and is traded back to 1
  assert.deepEqual(seen.map((s) => s.traded[0]), [0, 0, 1, 1 - 2 / 1.99]);
  assert.deepEqual(seen.map((s) => s.held[0]), [0, 0, 1, 1]);
  assert.deepEqual(seen.map((s) => s.equity), [50, 50, 50, 50 * (1 + 1 - 0.01)]);
  near(res.net[2]!, 1 - 0.01);
  assert.throws(
    () => backtestWeights({ close: [px] }, [flat(1, 4)], { costs: [spy, spy] }),
    /two cost models are named "spy"/,
  );
});

Deno.test("a participation cap limits the fill; the rest of the order is chased", () => {
  const capped: CostModel & {
    capTrade(t: number, e: number, d: ArrayLike<number>, out: Float64Array): Float64Array;
  } = {
    name: "cap",
    cost() {},
    capTrade(_t, _e, d, out) {
      for (let i = 0; i < d.length; i++) out[i] = Math.max(-0.3, Math.min(0.3, d[i]!));
      return out;
    },
  };
  const px = close(1, 1, 1, 1, 1, 1);
  const res = backtestWeights({ close: [px] }, [flat(1, 6)], {
    costs: [capped],
    rebalance: { every: 1000, offset: 1 }, // one order only: chasing must not need a rebalance
  });
  assert.deepEqual([...res.weights[0]!].map((x) => Math.round(x * 10) / 10), [
    0,
    0,
    0.3,
    0.6,
    0.9,
    1,
  ]);
  assert.ok(res.metadata.warnings.some((w) => w.startsWith("3 fills were limited")));
});

Deno.test("inputs are checked with messages that say what to fix", () => {
  const px = close(1, 2);
  assert.throws(() => backtestWeights({ close: [px] }, [close(1)]), /target column 0 .* 1 values/);
  assert.throws(() => backtestWeights({ close: [px] }, []), /0 columns for 1 asset;/);
  assert.throws(() => backtestWeights({ close: [close(1, -2)] }, [close(1, 1)]), /positive/);
  assert.throws(() => backtestWeights([close(0, -1.5)], [close(1, 1)]), />= -1/);
  assert.throws(
    () => backtestWeights({ close: [close(1, 2, 3)] }, [close(Infinity, 1, 1)]),
    /weights must be finite/,
  );
  assert.throws(
    () => backtestWeights({ close: [px] }, [close(1, 1)], { rebalance: { every: 0 } }),
    /rebalance.every/,
  );
  // NaN targets mean flat
  const res = backtestWeights({ close: [close(1, 2, 4)] }, [close(NaN, NaN, NaN)]);
  assert.deepEqual([...res.weights[0]!], [0, 0, 0]);
});

Deno.test("lag k equals lag 1 on targets shifted by k - 1 rows (across the engine's blocks)", () => {
  // 300 bars of a random walk with gaps, 3 assets, targets changing every bar
  const T = 300, N = 3;
  let seed = 1;
  const u = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const close = Array.from({ length: N }, () => {
    let p = 100;
    return Float64Array.from({ length: T }, (_, t) => {
      p *= 1 + (u() - 0.5) * 0.04;
      return t % 37 === 5 ? NaN : p;
    });
  });
  const target = Array.from({ length: N }, () => Float64Array.from({ length: T }, () => u() - 0.5));
  const fees = feeCost({ venue: "binance" });
  for (const k of [2, 40, 131]) {
    const shifted = target.map((c) => {
      const out = new Float64Array(T).fill(NaN);
      out.set(c.subarray(0, T - (k - 1)), k - 1);
      return out;
    });
    const a = backtestWeights({ close }, target, { lag: k, costs: [fees] });
    const b = backtestWeights({ close }, shifted, { lag: 1, costs: [fees] });
    assert.deepEqual([...a.net], [...b.net], `lag ${k}`);
    assert.deepEqual([...a.weights[2]!], [...b.weights[2]!]);
  }
});

Deno.test("every result states its rules and is deterministic", () => {
  const a = close(10, 11, NaN, 12, 13), b = close(5, 5.5, 5.2, NaN, NaN);
  const w = [close(0.5, -0.5, 0.2, 0.1, 0.3), close(0.4, 0.3, -0.2, 0.1, 0)];
  const opts = { costs: [feeCost({ venue: "binance" })] };
  const r1 = backtestWeights({ close: [a, b] }, w, opts);
  const r2 = backtestWeights({ close: [a, b] }, w, opts);
  assert.deepEqual(r1, r2);
  const rules = r1.metadata.rules.join("\n");
  for (
    const needle of [
      "filled at the close of bar t + lag", // fill time and price
      "never a zero return", // gaps
      "An order waits for a bar",
      "data ends before the backtest's last bar", // end of data
      "weights drift with prices",
      "paid from cash at the fill", // fees
      "break ties by asset column order", // rankings
      "This run: lag 1",
      "Rebalancing: a new order to the target weights is issued at every bar's close.",
    ]
  ) assert.ok(rules.includes(needle), needle);
  assert.equal(r1.metadata.endedEarly[0]!.asset, "1");
});

Deno.test("the close of an asset whose data ends is not limited by a participation cap", () => {
  // a cap of 0.3 per fill: A is built up 0.3 at a time, then closed in full at its last close
  const capped: CostModel & {
    capTrade(t: number, e: number, d: ArrayLike<number>, out: Float64Array): Float64Array;
  } = {
    name: "cap",
    cost() {},
    capTrade(_t, _e, d, out) {
      for (let i = 0; i < d.length; i++) out[i] = Math.max(-0.3, Math.min(0.3, d[i]!));
      return out;
    },
  };
  const a = close(1, 1, 1, 1, 1, NaN, NaN), b = close(1, 1, 1, 1, 1, 1, 1);
  const res = backtestWeights({ close: [a, b] }, [flat(1, 7), flat(0, 7)], { costs: [capped] });
  // bar 4's close (A's last) fills the last 0.1; A is held at 1 over bars 5 and 6 (no bars, no
  // return) and sold in full at the close of the last bar, 1 > the cap of 0.3
  assert.deepEqual([...res.weights[0]!].map((x) => Math.round(x * 10) / 10), [
    0,
    0,
    0.3,
    0.6,
    0.9,
    1,
    1,
  ]);
  near(res.traded[0]![6]!, -1, 1e-15);
  near(res.metadata.endedEarly[0]!.closedWeight, 1, 1e-15);
});

Deno.test("cost models: bar.active lists the traded or held assets; a model that is not zeroWhenFlat may charge any asset", () => {
  const seen: number[][] = [];
  const spy: CostModel = {
    name: "spy",
    zeroWhenFlat: true,
    cost(bar: CostBar, out: Float64Array) {
      seen.push([...bar.active!.subarray(0, bar.activeCount!)]);
      for (let q = 0; q < bar.activeCount!; q++) out[bar.active![q]!] = 0.001;
    },
  };
  // a custody fee on asset 2, held or not (not zeroWhenFlat: the engine reads every asset)
  const custody: CostModel = {
    name: "custody",
    cost(_bar: CostBar, out: Float64Array) {
      out[2] = 0.0001;
    },
  };
  const px = close(1, 1, 1, 1, 1);
  const targets = [flat(0.5, 5), flat(0, 5), flat(0, 5)];
  targets[1]![2] = 0.25; // asset 1: row 2's decision, filled at bar 3's close, held over bar 4
  const res = backtestWeights({ close: [px, px, px] }, targets, { costs: [spy, custody] });
  assert.deepEqual(seen, [[], [], [0], [0], [0, 1]]);
  assert.deepEqual([...res.costs.spy!], [0, 0, 0.001, 0.001, 0.002]);
  assert.deepEqual([...res.costs.custody!], [0.0001, 0.0001, 0.0001, 0.0001, 0.0001]);
  assert.equal(res.contribution.costs.custody![2], 0.0001 * 5);
});
