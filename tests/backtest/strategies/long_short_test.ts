/**
 * longShort: weights worked out by hand (quantile buckets, the rank tie rule, net exposure,
 * signal weighting, too few assets), refusals, and on real NFI bars a momentum long-short
 * through the engine with fees, a perturbation test and the lookahead check.
 */
import assert from "node:assert/strict";
import { checkLookahead } from "@lib/backtest/lookahead.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { backtestStrategy } from "@lib/backtest/strategies/backtest_strategy.ts";
import { longShort } from "@lib/backtest/strategies/long_short.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { SIGNALS } from "@lib/research/signals/mod.ts";
import { realDataTest } from "../../_shared/real_data.ts";
import { nfiPanel } from "../../research/_nfi_panel.ts";
import { assertChangedAfter, assertSameUpTo, perturbAfter } from "./_helpers.ts";

// 5 assets x 3 bars; bar 2: a0 has no value, the other four tie
const signal = [[1, 5, NaN], [2, 4, 1], [3, 3, 1], [4, 2, 1], [5, 1, 1]];
const at = (w: Float64Array[], t: number) => w.map((c) => c[t]);

Deno.test("longShort: top and bottom quantile, equal weights, a fully tied bar holds nothing", () => {
  const { weights, tiedBars } = longShort(signal); // quantile 0.2: k = 1 of 5
  assert.deepEqual(at(weights, 0), [-0.5, 0, 0, 0, 0.5]);
  assert.deepEqual(at(weights, 1), [0.5, 0, 0, 0, -0.5]);
  // four tied values (a0 has none): no order, no book (column order used to decide it)
  assert.deepEqual(at(weights, 2), [0, 0, 0, 0, 0]);
  assert.deepEqual([...tiedBars], [2]);
  const two = longShort(signal, { quantile: 0.4 }).weights; // k = 2
  assert.deepEqual(at(two, 0), [-0.25, -0.25, 0, 0.25, 0.25]);
  // net 0.2 at gross 1: long side 0.6, short side 0.4
  const tilted = longShort(signal, { quantile: 0.4, net: 0.2 }).weights;
  assert.deepEqual(at(tilted, 0), [-0.2, -0.2, 0, 0.3, 0.3]);
  // too few assets: flat
  assert.deepEqual(at(longShort(signal, { minAssets: 5 }).weights, 2), [0, 0, 0, 0, 0]);
});

Deno.test("longShort: signal weighting is the demeaned signal, each side scaled to its exposure", () => {
  const { weights } = longShort(signal, { weighting: "signal" });
  // bar 0: 1..5, mean 3, demeaned -2..2, each side sums to 3 -> -2/3 * 0.5 ... 2/3 * 0.5
  const want = [-1 / 3, -1 / 6, 0, 1 / 6, 1 / 3];
  at(weights, 0).forEach((w, a) => assert.ok(Math.abs(w! - want[a]!) < 1e-15));
  // bar 2: all equal, nothing above the mean: flat
  assert.deepEqual(at(weights, 2), [0, 0, 0, 0, 0]);
  const g2 = longShort(signal, { weighting: "signal", gross: 2, net: 1 }).weights;
  // long side (2 + 1) / 2 = 1.5, short side 0.5
  assert.ok(Math.abs(g2[4]![0]! - 1.5 * (2 / 3)) < 1e-15);
  assert.ok(Math.abs(g2[0]![0]! + 0.5 * (2 / 3)) < 1e-15);
});

Deno.test("longShort through the engine: flips close and open trades, P&L in units by hand", () => {
  // a0 long / a2 short from bar 0's decision (filled at bar 1's close), both flipped by bar 2's
  // decision (filled at bar 3's close); $500k = 50,000 a0 at 10 and 100,000 a2 at 5
  const sig = [[3, 3, 1, 1, 1], [2, 2, 2, 2, 2], [1, 1, 3, 3, 3]];
  const targets = longShort(sig, { quantile: 0.34 });
  assert.deepEqual(at(targets.weights, 0), [0.5, 0, -0.5]);
  assert.deepEqual(at(targets.weights, 2), [-0.5, 0, 0.5]);
  const prices = {
    close: [
      Float64Array.of(10, 10, 11, 12, 12),
      Float64Array.of(7, 7, 7, 7, 7),
      Float64Array.of(5, 5, 5, 4, 4),
    ],
  };
  // no rebalancing between the fills: each fill is a whole position
  const run = backtestStrategy(prices, targets, { rebalance: { driftThreshold: 0.4 } });
  const { trades, summary } = run.tradeLog;
  const closed = trades.filter((t) => !t.open);
  assert.deepEqual(closed.map((t) => [t.legs[0]!.column, t.side, t.entryBar, t.exitBar]), [
    [0, "long", 1, 3],
    [2, "short", 1, 3],
  ]);
  assert.ok(Math.abs(closed[0]!.grossPnl - 50_000 * (12 - 10)) < 1e-6);
  assert.ok(Math.abs(closed[1]!.grossPnl - 100_000 * (5 - 4)) < 1e-6);
  const open = trades.filter((t) => t.open);
  assert.deepEqual(open.map((t) => [t.legs[0]!.column, t.side, t.entryBar]), [[0, "short", 3], [
    2,
    "long",
    3,
  ]]);
  assert.deepEqual([summary.count, summary.openCount, summary.hitRate], [2, 2, 1]);
});

Deno.test("longShort: refusals name the option", () => {
  assert.throws(() => longShort(signal, { quantile: 0.6 }), /quantile must be in \(0, 0.5\]/);
  assert.throws(() => longShort(signal, { net: 2 }), /\|net\| <= gross/);
  assert.throws(() => longShort(signal, { minAssets: 1 }), /minAssets must be an integer >= 2/);
  assert.throws(() => longShort([[1, 2], [1]]), /column 1 has 1 values/);
  assert.throws(() => longShort([]), /no asset columns/);
});

Deno.test("longShort optimize: minimum variance within the buckets, by hand on orthogonal returns", () => {
  // Walsh sequences: zero mean, mutually orthogonal, so the 8-bar sample covariance is diagonal
  // with variances a^2 * 8 / 7. Minimum variance with a side's total fixed weights each member
  // by 1 / variance: longs (a = 1%, 2%) -> 0.5 * [4/5, 1/5]; shorts (1%, 3%) -> -0.5 * [9/10, 1/10]
  const w1 = [1, -1, 1, -1, 1, -1, 1, -1], w2 = [1, 1, -1, -1, 1, 1, -1, -1];
  const w3 = [1, 1, 1, 1, -1, -1, -1, -1], w4 = [1, -1, -1, 1, 1, -1, -1, 1];
  const returns = [
    w1.map((x) => 0.01 * x),
    w2.map((x) => 0.02 * x),
    w1.map((x) => 0.05 * x),
    w3.map((x) => 0.01 * x),
    w4.map((x) => 0.03 * x),
  ];
  const nan = [NaN, NaN, NaN, NaN, NaN, NaN, NaN];
  const sig = [5, 4, 3, 2, 1].map((v) => [...nan, v]);
  const r = longShort(sig, { quantile: 0.4, optimize: { returns, window: 8 } });
  const want = [0.4, 0.1, 0, -0.45, -0.05];
  at(r.weights, 7).forEach((w, a) => assert.ok(Math.abs(w! - want[a]!) < 1e-9, `${a}: ${w}`));
  assert.deepEqual([...r.fallbackBars], []);
  // a cap of 0.3 binds the first long: 0.3 and 0.2
  const capped = longShort(sig, {
    quantile: 0.4,
    optimize: { returns, window: 8, maxWeight: 0.3 },
  });
  assert.ok(Math.abs(capped.weights[0]![7]! - 0.3) < 1e-9);
  assert.ok(Math.abs(capped.weights[1]![7]! - 0.2) < 1e-9);
  // too little history (a missing return leaves 7 complete rows of the 8 required): equal weights
  const gappy = returns.map((c) => [...c]);
  gappy[4]![3] = NaN;
  const fb = longShort(sig, { quantile: 0.4, optimize: { returns: gappy, window: 8, minRows: 8 } });
  assert.deepEqual([...fb.fallbackBars], [7]);
  assert.deepEqual(at(fb.weights, 7), [0.25, 0.25, 0, -0.25, -0.25]);
  assert.throws(
    () => longShort(sig, { weighting: "signal", optimize: { returns } }),
    /use weighting "equal"/,
  );
});

/** 12 NFI pairs over their first T hourly bars (late starters and gaps included). */
function smallPanel(T = 1200): Panel {
  const p = nfiPanel();
  const want = [
    "BTCUSDT",
    "ETHUSDT",
    "ADAUSDT",
    "DOGEUSDT",
    "LUNAUSDT",
    "SOLUSDT",
    "XRPUSDT",
    "LINKUSDT",
    "DOTUSDT",
    "ALICEUSDT",
    "AAVEUSDT",
    "ATOMUSDT",
  ];
  const cols = want.map((s) => p.assets.indexOf(s));
  const pick = (f: readonly Float64Array[]) => cols.map((a) => f[a]!.slice(0, T));
  return fromColumns({
    freq: p.freq,
    venue: p.venue,
    assets: want,
    index: p.index.slice(0, T),
    open: pick(p.open),
    high: pick(p.high),
    low: pick(p.low),
    close: pick(p.close),
    volume: pick(p.volume),
  });
}

const strategy = (panel: Panel) =>
  longShort(SIGNALS.momentum_24.compute(panel), { quantile: 0.25 });

/** Close-to-close simple returns (NaN where either close is missing). */
const simpleReturns = (close: readonly Float64Array[]) =>
  close.map((c) => c.map((x, t) => t === 0 ? NaN : x / c[t - 1]! - 1));

/** The same buckets weighted by minimum variance over the last 72 bars. */
const optimized = (panel: Panel) =>
  longShort(SIGNALS.momentum_24.compute(panel), {
    quantile: 0.25,
    optimize: { returns: simpleReturns(panel.close), window: 72 },
  });

realDataTest(
  "a momentum long-short on NFI bars: gross 1, net 0, round trips per asset, fees",
  () => {
    const panel = smallPanel();
    const targets = strategy(panel);
    let rows = 0;
    for (let t = 0; t < 1200; t++) {
      const w = at(targets.weights, t) as number[];
      const gross = w.reduce((a, x) => a + Math.abs(x), 0);
      if (gross === 0) continue;
      rows++;
      assert.ok(Math.abs(gross - 1) < 1e-12 && Math.abs(w.reduce((a, x) => a + x, 0)) < 1e-12);
    }
    assert.ok(rows > 1000);
    const fees = feeCost({ venue: "binance" });
    const run = backtestStrategy(panel, targets, { costs: [fees] });
    const { trades, summary } = run.tradeLog;
    assert.ok(summary.count > 100);
    assert.ok(trades.every((t) => t.legs.length === 1 && t.totalCost > 0));
    const paid = run.backtest.costs.fees!.reduce(
      (a, c, t) => a + c * (t === 0 ? 1e6 : run.backtest.equity[t - 1]!),
      0,
    );
    assert.ok(Math.abs(paid - trades.reduce((a, t) => a + t.totalCost, 0)) < 1e-6 * paid);
  },
);

realDataTest("momentum long-short: perturbing closes after t leaves weights at or before t", () => {
  const panel = smallPanel();
  const base = strategy(panel).weights;
  for (const t of [300, 777]) {
    const moved = strategy({ ...panel, close: perturbAfter(panel.close, t) }).weights;
    assertSameUpTo(base, moved, t, "longShort(momentum_24)");
    assertChangedAfter(base, moved, t);
  }
});

realDataTest("optimized momentum long-short: sides kept, causal, through the engine", () => {
  const panel = smallPanel(400); // a QP per bar: a short panel
  const r = optimized(panel);
  const eq = strategy(panel);
  let differ = 0;
  for (let t = 0; t < 400; t++) {
    const w = at(r.weights, t) as number[];
    const long = w.filter((x) => x > 0).reduce((a, x) => a + x, 0);
    const short = w.filter((x) => x < 0).reduce((a, x) => a + x, 0);
    if (long === 0 && short === 0) continue;
    assert.ok(Math.abs(long - 0.5) < 1e-9 && Math.abs(short + 0.5) < 1e-9, `bar ${t}`);
    // members are the equal-weight buckets' members (a weight may be 0 at the optimum)
    w.forEach((x, a) =>
      assert.ok(
        x === 0 || Math.sign(x) === Math.sign(eq.weights[a]![t]!),
        `${t} ${a} ${x} ${eq.weights[a]![t]}`,
      )
    );
    if (w.some((x, a) => Math.abs(x - eq.weights[a]![t]!) > 1e-6)) differ++;
  }
  assert.ok(differ > 300, `${differ} bars optimized`);
  const bars = [100, 250, 399];
  const res = checkLookahead(optimized, panel, { select: (x) => x.weights, sample: bars });
  assert.equal(res.passed, true, JSON.stringify(res.violations.slice(0, 3)));
  const moved = optimized({ ...panel, close: perturbAfter(panel.close, 200) }).weights;
  assertSameUpTo(r.weights, moved, 200, "optimized longShort");
  assertChangedAfter(r.weights, moved, 200);
  const run = backtestStrategy(panel, r);
  assert.ok(run.tradeLog.summary.count > 30);
});

realDataTest("momentum long-short passes the lookahead check on NFI bars", () => {
  const panel = smallPanel();
  const res = checkLookahead(strategy, panel, {
    select: (r) => r.weights,
    sample: { windows: 3, windowBars: 40, random: 60 },
  });
  assert.equal(res.passed, true, JSON.stringify(res.violations.slice(0, 3)));
  assert.ok(res.checkedBars >= 170);
});
