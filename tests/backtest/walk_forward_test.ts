/**
 * walkForward and cpcv: a hand-worked regime switch, `fast` (one run per parameter set, reused
 * by every fold) equal to `strict` (everything recomputed from data cut at each training end
 * and each test bar) on real NFI bars, a leaky strategy refused, a perturbation test (data
 * after row X moves nothing at or before X), and CPCV's choices and paths rebuilt by hand from
 * independent engine runs.
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { maCrossover } from "@lib/backtest/strategies/ma_crossover.ts";
import { cpcv } from "@lib/backtest/cpcv.ts";
import { cpcvSplits } from "@lib/backtest/cpcv_splits.ts";
import { rankFirst } from "@lib/backtest/rank_first.ts";
import { paramGrid, walkForward } from "@lib/backtest/walk_forward.ts";
import { walkForwardSplits } from "@lib/backtest/walk_forward_splits.ts";
import { LOOKAHEAD_AUTO, resolveLookaheadBars } from "@lib/backtest/_param_runs.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { momentum } from "@lib/research/signals/mod.ts";
import { sharpeRatio } from "@lib/stats/sharpe_ratio.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "../research/_nfi_panel.ts";

const HOUR = 3_600_000;

/** Up 1% a bar (+-0.2% alternating) for rows 0..119, down 1% after. */
function regime() {
  const T = 300;
  const r = Float64Array.from(
    { length: T },
    (_, t) => (t < 120 ? 0.01 : -0.01) + (t % 2 ? 0.002 : -0.002),
  );
  const close = new Float64Array(T);
  let p = 100;
  for (let t = 0; t < T; t++) close[t] = t === 0 ? p : (p *= 1 + r[t]!);
  const index = Float64Array.from({ length: T }, (_, t) => t * HOUR);
  return { r, data: { close: [close], index }, T };
}

const constant = (w: number, d: { close: readonly Float64Array[] }) =>
  d.close.map((c) => new Float64Array(c.length).fill(w));

Deno.test("walkForward: a regime switch worked by hand", () => {
  const { r, data, T } = regime();
  const splits = walkForwardSplits({ bars: T, trainBars: 60, testBars: 60 });
  const res = walkForward({ data, strategy: constant, paramGrid: [1, -1], splits });
  // trained on 0..59 and 60..119 (up): long; on 120..179 and 180..239 (down): short
  assert.deepEqual(res.folds.map((f) => f.params), [1, 1, -1, -1]);
  assert.deepEqual(res.folds.map((f) => f.test.first), [60, 120, 180, 240]);
  // stitched targets: flat before 60, long on 60..179, short on 180..299; lag 1 holds row
  // t's target over bar t + 2, so net[u] = r[u] for u in 62..181 and -r[u] from 182
  assert.deepEqual(res.outOfSampleRows, [60, 299]);
  assert.equal(res.net.length, 240);
  for (let u = 60; u < T; u++) {
    const want = u < 62 ? 0 : u < 182 ? r[u]! : -r[u]!;
    assert.ok(
      Math.abs(res.net[u - 60]! - want) < 1e-15,
      `net at ${u}: ${res.net[u - 60]} vs ${want}`,
    );
  }
  // in-sample Sharpe of fold 2 is short's Sharpe on rows 120..179; out-of-sample Sharpe of
  // fold 1 is long's on rows 120..179 (long held over 122..181)
  const rows = (a: number, b: number) => r.slice(a, b + 1);
  const neg = (x: Float64Array) => x.map((v) => -v);
  assert.ok(Math.abs(res.folds[2]!.inSampleSharpe - sharpeRatio(neg(rows(120, 179)), 8760)) < 1e-9);
  assert.equal(res.folds[2]!.inSample, res.folds[2]!.inSampleSharpe); // Sharpe is the objective
  assert.ok(res.folds[1]!.outOfSampleSharpe < -50); // chose long, then prices fell
  assert.ok(res.folds[2]!.outOfSampleSharpe > 50);
  assert.equal(res.periodsPerYear, 8760);
  assert.equal(res.lookahead.passed, true);
  // small data (300 bars x 1 asset): "auto" cuts each 60-bar test period at 9 bars
  assert.equal(res.lookahead.checkedBars, 36);
  assert.match(res.lookahead.sample, /first, middle and last bar and 6 more spread evenly/);
  const dense = walkForward({
    data,
    strategy: constant,
    paramGrid: [1, -1],
    splits,
    lookaheadBars: 3,
  });
  assert.equal(dense.lookahead.checkedBars, 12);
  assert.match(dense.lookahead.sample, /cut at its first, middle and last bar \(3, 3, 3, 3 bars\)/);
  const last = walkForward({
    data,
    strategy: constant,
    paramGrid: [1, -1],
    splits,
    lookaheadBars: 1,
  });
  assert.equal(last.lookahead.checkedBars, 4); // the last bar of each of 4 test periods
  // with fees, the switch at the fold boundary is paid: turnover 1 at bar 62, 2 at bar 182
  const fee = feeCost({ venue: "binance" });
  const withFees = walkForward({
    data,
    strategy: constant,
    paramGrid: [1, -1],
    splits,
    engineOptions: { costs: [fee] },
  });
  assert.equal(withFees.backtest.turnover[62], 1);
  assert.equal(withFees.backtest.turnover[182], 2);
  // and it is exactly the engine run on the hand-stitched targets
  const target = new Float64Array(T).fill(NaN);
  target.fill(1, 60, 180);
  target.fill(-1, 180, T);
  const direct = backtestWeights(data, [target], { costs: [fee] });
  assert.deepEqual(withFees.backtest.net, direct.net);
  assert.deepEqual(withFees.equity, direct.equity.slice(60));
});

Deno.test("walkForward's lookahead check cuts each test period at its first, middle and last bar", () => {
  const { data, T } = regime();
  const splits = walkForwardSplits({ bars: T, trainBars: 60, testBars: 60 });
  // peeks at the next close only at the first row of each test period (60, 120, 180, 240) or
  // only at its middle row: a cut at the period's last bar cannot see either
  const peekAt = (rows: Set<number>) => (w: number, d: { close: readonly Float64Array[] }) =>
    d.close.map((c) =>
      Float64Array.from(c, (x, t) => (rows.has(t) ? (c[t + 1]! > x ? 1 : -1) : w))
    );
  for (
    const [what, rows] of [
      ["first", new Set([60, 120, 180, 240])],
      ["middle", new Set([90, 150, 210, 270])],
    ] as const
  ) {
    const strategy = peekAt(rows);
    const onlyLast = walkForward({ data, strategy, paramGrid: [1, -1], splits, lookaheadBars: 1 });
    assert.equal(onlyLast.lookahead.passed, true, `${what}: the last bar alone misses it`);
    for (const lookaheadBars of [3, "auto"] as const) {
      assert.throws(
        () => walkForward({ data, strategy, paramGrid: [1, -1], splits, lookaheadBars }),
        /the strategy looks ahead with parameters/,
        `${what}, lookaheadBars ${lookaheadBars}`,
      );
    }
  }
  // "auto": 9 cuts on small data, 3 (first, middle, last) on the 126-pair hourly panel's size
  assert.equal(resolveLookaheadBars("auto", 5493, 1, "t"), LOOKAHEAD_AUTO.smallBars);
  assert.equal(resolveLookaheadBars("auto", 5493, 126, "t"), LOOKAHEAD_AUTO.bars);
  assert.equal(resolveLookaheadBars(5, 5493, 126, "t"), 5);
  assert.throws(() => resolveLookaheadBars(-1, 10, 1, "walkForward"), /lookaheadBars must be/);
});

Deno.test("walkForward takes returns as the engine does: same folds and net returns as prices", () => {
  const { data, T } = regime();
  const c = data.close[0]!;
  const returns = [Float64Array.from(c, (x, t) => (t === 0 ? NaN : x / c[t - 1]! - 1))];
  const splits = walkForwardSplits({ bars: T, trainBars: 60, testBars: 60 });
  const strategy = (
    w: number,
    d: { index: Float64Array },
  ) => [new Float64Array(d.index.length).fill(w)];
  const fromPrices = walkForward({ data, strategy, paramGrid: [1, -1], splits });
  const fromReturns = walkForward({
    data: { returns, index: data.index },
    strategy,
    paramGrid: [1, -1],
    splits,
  });
  assert.deepEqual(fromReturns.folds.map((f) => f.chosen), fromPrices.folds.map((f) => f.chosen));
  for (let i = 0; i < fromPrices.net.length; i++) {
    assert.ok(Math.abs(fromReturns.net[i]! - fromPrices.net[i]!) < 1e-15, `row ${i + 60}`);
  }
  assert.equal(fromReturns.backtest.metadata.input, "returns");
});

realDataTest("walkForward runs a built-in strategy as it is (maCrossover's {weights, ...})", () => {
  const close = nfiPanel().close[nfiPanel().assets.indexOf("BTCUSDT")]!.slice(0, 2000);
  const data = { close: [close], index: nfiPanel().index.slice(0, 2000) };
  const grid = paramGrid({ fast: [6, 24], slow: [48, 168] });
  const res = walkForward({
    data,
    strategy: (p, d) => maCrossover(d.close[0]!, { ...p, short: true }),
    paramGrid: grid,
    splits: walkForwardSplits({ bars: 2000, trainBars: 500, folds: 5 }),
    engineOptions: { costs: [feeCost({ venue: "binance" })] },
  });
  assert.equal(res.folds.length, 5);
  assert.ok(res.folds.every((f) => f.chosen >= 0 && f.scores.every(Number.isFinite)));
  assert.equal(res.lookahead.passed, true);
  // it is the engine run on the chosen crossovers' weights, each on its test period
  const stitched = new Float64Array(2000).fill(NaN);
  for (const f of res.folds) {
    const w = maCrossover(close, { ...grid[f.chosen]!, short: true }).weights[0]!;
    stitched.set(w.subarray(f.test.first, f.test.last + 1), f.test.first);
  }
  const direct = backtestWeights(data, [stitched], { costs: [feeCost({ venue: "binance" })] });
  assert.deepEqual(res.backtest.net, direct.net);
  assert.ok(res.backtest.turnover.some((x) => x > 1)); // it traded, flips included
});

/** 8 NFI pairs over their first 900 hourly bars. */
function smallPanel(): Panel {
  const p = nfiPanel();
  const want = [
    "BTCUSDT",
    "ETHUSDT",
    "ADAUSDT",
    "DOGEUSDT",
    "LINKUSDT",
    "XRPUSDT",
    "DOTUSDT",
    "ALICEUSDT",
  ];
  const cols = want.map((s) => p.assets.indexOf(s));
  const T = 900;
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

type Params = { lookback: number; top: number };

/** Long the `top` best and short the `top` worst by trailing momentum (causal). */
function momentumRank(params: Params, panel: Panel): Float64Array[] {
  const m = momentum(panel, { lookback: params.lookback });
  const n = m.length, T = panel.index.length;
  const out = m.map(() => new Float64Array(T));
  const x = new Float64Array(n), ranks = new Float64Array(n);
  for (let t = 0; t < T; t++) {
    let k = 0;
    for (let a = 0; a < n; a++) {
      x[a] = m[a]![t]!;
      if (x[a] === x[a]) k++;
    }
    if (k < 2 * params.top) continue;
    rankFirst(x, ranks);
    for (let a = 0; a < n; a++) {
      if (ranks[a]! <= params.top) out[a]![t] = -0.5 / params.top;
      else if (ranks[a]! > k - params.top) out[a]![t] = 0.5 / params.top;
    }
  }
  return out;
}

const GRID = paramGrid({ lookback: [6, 24, 72], top: [1, 2] });

realDataTest("walkForward fast mode equals strict mode on real bars (causal strategy)", () => {
  const panel = smallPanel();
  const splits = walkForwardSplits({ bars: 900, trainBars: 300, folds: 3, window: "expanding" });
  const common = {
    data: panel,
    strategy: momentumRank,
    paramGrid: GRID,
    splits,
    engineOptions: { costs: [feeCost({ venue: "binance" })] },
  };
  const fast = walkForward(common);
  const strict = walkForward({ ...common, mode: "strict" });
  assert.equal(GRID.length, 6);
  assert.deepEqual(fast.folds.map((f) => f.chosen), strict.folds.map((f) => f.chosen));
  fast.folds.forEach((f, k) => assert.deepEqual(f.scores, strict.folds[k]!.scores));
  assert.deepEqual(fast.net, strict.net);
  assert.deepEqual(fast.backtest.weights, strict.backtest.weights);
  assert.equal(strict.lookahead.checkedBars, 0);
  assert.equal(fast.lookahead.passed, true);
  // the choices are real: scores are finite and differ between sets
  assert.deepEqual(fast.folds.map((f) => f.chosen), [5, 4, 2]); // three different sets
  assert.ok(fast.folds.every((f) => f.scores.every(Number.isFinite)));
  assert.ok(fast.folds.every((f) => new Set(f.scores).size === GRID.length));
  // per-fold Sharpes as stated: in-sample is the chosen set's objective on its training rows
  for (const f of fast.folds) assert.equal(f.inSample, f.scores[f.chosen]);
});

realDataTest(
  "walkForward refuses a strategy that looks ahead; strict mode cannot use the future",
  () => {
    const panel = smallPanel();
    const splits = walkForwardSplits({ bars: 900, trainBars: 300, folds: 3 });
    // ranks by momentum one bar AHEAD: row t reads close[t + 1]
    const leaky = (p: Params, d: Panel) =>
      momentumRank(p, d).map((c) => {
        const o = new Float64Array(c.length);
        o.set(c.subarray(1));
        return o;
      });
    assert.throws(
      () => walkForward({ data: panel, strategy: leaky, paramGrid: GRID, splits }),
      /the strategy looks ahead with parameters \{"lookback":\d+,"top":\d\}: row \d+ of \w+ is/,
    );
    // the leak would have paid: unchecked, fast mode shows a large Sharpe out of sample
    const unchecked = walkForward({
      data: panel,
      strategy: leaky,
      paramGrid: GRID,
      splits,
      lookaheadBars: 0,
    });
    assert.ok(unchecked.sharpe > 5, `${unchecked.sharpe}`);
    // strict mode computes each test bar's row from data ending at that bar: the shifted row is
    // then always the zero fill, so the leaky strategy never holds anything out of sample
    const strict = walkForward({
      data: panel,
      strategy: leaky,
      paramGrid: GRID,
      splits,
      mode: "strict",
    });
    assert.ok(strict.net.every((x) => x === 0));
    assert.ok(strict.backtest.weights.every((w) => w.every((x) => x === 0)));
  },
);

realDataTest(
  "walkForward perturbation: data after row X moves no choice or return at or before X",
  () => {
    const panel = smallPanel();
    const X = 650;
    const bent = fromColumns({
      freq: panel.freq,
      venue: panel.venue,
      assets: panel.assets,
      index: panel.index,
      open: panel.open,
      high: panel.high,
      low: panel.low,
      volume: panel.volume,
      close: panel.close.map((c, a) =>
        c.map((x, t) => (t > X ? x * (1 + 0.05 * Math.sin(t * (a + 1))) : x))
      ),
    });
    const splits = walkForwardSplits({ bars: 900, trainBars: 300, testBars: 150 });
    const run = (d: Panel) =>
      walkForward({ data: d, strategy: momentumRank, paramGrid: GRID, splits });
    const a = run(panel), b = run(bent);
    // folds 0..2 trained before X (fold 2 trains on 300..599 and trades 600..749)
    assert.deepEqual(a.folds.map((f) => f.train.last <= X), [true, true, true, false]);
    for (const k of [0, 1, 2]) {
      assert.deepEqual(b.folds[k]!.scores, a.folds[k]!.scores);
      assert.equal(b.folds[k]!.chosen, a.folds[k]!.chosen);
    }
    assert.deepEqual(b.net.slice(0, X - 300 + 1), a.net.slice(0, X - 300 + 1));
    assert.notDeepEqual(b.net, a.net); // and the bend did reach the later rows
  },
);

realDataTest("cpcv: choices and paths equal hand-built engine runs (N=6, k=2)", () => {
  const panel = smallPanel();
  const opts = { labelHorizon: 2, embargo: 12 };
  const fee = feeCost({ venue: "binance" });
  const res = cpcv({
    data: panel,
    strategy: momentumRank,
    paramGrid: GRID,
    engineOptions: { costs: [fee] },
    ...opts,
  });
  const plan = cpcvSplits({ bars: 900, groups: 6, testGroups: 2, ...opts });
  assert.equal(res.splits.length, 15);
  assert.equal(res.paths.length, 5);
  assert.deepEqual(res.plan.paths, plan.paths);
  // independent: every set backtested on its own, scored on each split's training rows
  const targets = GRID.map((p) => momentumRank(p, panel));
  const nets = targets.map((w) => backtestWeights(panel, w, { costs: [fee] }).net);
  const chosen = plan.splits.map((s) => {
    const scores = nets.map((n) => sharpeRatio(Float64Array.from(s.train, (i) => n[i]!), 8760));
    let best = 0;
    scores.forEach((x, j) => {
      if (x > scores[best]!) best = j;
    });
    return best;
  });
  assert.deepEqual(res.splits.map((s) => s.chosen), chosen);
  plan.paths.forEach((row, p) => {
    const w = panel.assets.map(() => new Float64Array(900).fill(NaN));
    row.forEach((k, g) => {
      const [a0, b0] = plan.groupBounds[g]!;
      for (let a = 0; a < w.length; a++) {
        for (let t = a0; t <= b0; t++) w[a]![t] = targets[chosen[k]!]![a]![t]!;
      }
    });
    const net = backtestWeights(panel, w, { costs: [fee] }).net;
    assert.deepEqual(res.paths[p]!.net, net);
    assert.equal(res.sharpes[p], sharpeRatio(net, 8760));
  });
  assert.ok(res.summary.min <= res.summary.median && res.summary.median <= res.summary.max);
  assert.equal(res.lookahead.passed, true);
  // "auto" on 900 bars x 8 assets: 9 cuts spread over each split's test span, 15 splits
  assert.equal(res.lookahead.checkedBars, 15 * 9);
});

Deno.test("walkForward refuses splits that are not a walk-forward", () => {
  const { data, T } = regime();
  const plan = cpcvSplits({ bars: T, groups: 4, testGroups: 1 });
  assert.throws(
    () =>
      walkForward({ data, strategy: constant, paramGrid: [1], splits: plan.splits.slice(1, 2) }),
    /trains on row \d+ at or after its test start 75; a walk-forward trains on the past only/,
  );
  const s = walkForwardSplits({ bars: T, trainBars: 60, testBars: 60 });
  assert.throws(
    () => walkForward({ data, strategy: constant, paramGrid: [1], splits: [s[1]!, s[0]!] }),
    /test periods must be in order and disjoint/,
  );
  assert.throws(
    () =>
      walkForward({ data: { close: data.close }, strategy: constant, paramGrid: [1], splits: s }),
    /give periodsPerYear/,
  );
  assert.throws(
    () => walkForward({ data, strategy: constant, paramGrid: [], splits: s }),
    /paramGrid is empty/,
  );
});
