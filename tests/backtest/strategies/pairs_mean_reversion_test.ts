/**
 * pairsMeanReversion on a seeded cointegrated pair (log y = 0.3 + 1.5 log x + an AR(1) spread):
 * the pipeline rebuilt from its parts (causal rolling OLS residual, causal z-score, band rule),
 * the legs' sizes by the stated formulas, one round trip per spread trade spanning both legs
 * with fees on both, Kalman hedging, refusals, perturbation and the lookahead check (the real
 * ETH/BTC check against pandas is in strategies_oracle_test.ts).
 */
import assert from "node:assert/strict";
import { checkLookahead } from "@lib/backtest/lookahead.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { backtestStrategy } from "@lib/backtest/strategies/backtest_strategy.ts";
import { pairsMeanReversion } from "@lib/backtest/strategies/pairs_mean_reversion.ts";
import { kalmanHedge } from "@lib/research/pairs/kalman_hedge.ts";
import { spreadZScore } from "@lib/research/pairs/spread.ts";
import { zScoreSignals } from "@lib/research/pairs/z_score_signals.ts";
import { createRng } from "@lib/stats/rng.ts";
import { rollingOls } from "@lib/stats/rolling_ols.ts";
import { assertChangedAfter, assertSameUpTo, perturbAfter } from "./_helpers.ts";

function pair(n: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float64Array(n), y = new Float64Array(n);
  let lx = Math.log(100), s = 0;
  for (let t = 0; t < n; t++) {
    lx += 0.01 * rng.normal();
    s = 0.9 * s + 0.01 * rng.normal();
    x[t] = Math.exp(lx);
    y[t] = Math.exp(0.3 + 1.5 * lx + s);
  }
  return { x, y };
}

const opts = { hedgeWindow: 120, zWindow: 40, entry: 1.5, exit: 0.25, stop: 3.5 } as const;

Deno.test("pairsMeanReversion = causal rolling OLS residual -> causal z-score -> band rule", () => {
  const p = pair(800, 11);
  const r = pairsMeanReversion(p, opts);
  const ly = Array.from(p.y, Math.log), lx = Array.from(p.x, Math.log);
  const fit = rollingOls(ly, [lx], { window: 120, causal: true });
  assert.deepEqual([...r.spread], [...fit.residuals]);
  assert.deepEqual([...r.hedgeRatio], [...fit.betas[0]!]);
  const z = spreadZScore(fit.residuals, { window: 40 }).zScore;
  assert.deepEqual([...r.zScore], [...z]);
  const sig = zScoreSignals(z, { entry: 1.5, exit: 0.25, stop: 3.5 });
  assert.deepEqual([...r.position], [...sig.position]);
  assert.ok(sig.entries.length >= 5, `${sig.entries.length} entries`);
  // the ratio is found: near 1.5 once the window is full
  assert.ok(Math.abs(r.hedgeRatio[700]! - 1.5) < 0.1);
});

Deno.test("pairsMeanReversion sizes the legs by the entry bar's hedge ratio (or every bar's)", () => {
  const p = pair(800, 11);
  const r = pairsMeanReversion(p, opts);
  const e = pairsMeanReversion(p, { ...opts, hedgeUpdate: "every-bar" });
  const dollar = pairsMeanReversion(p, { ...opts, sizing: "dollar", gross: 2 });
  let b = NaN, inTrade = 0;
  for (let t = 0; t < 800; t++) {
    const pos = r.position[t]!;
    const [wy, wx] = [r.weights[0]![t]!, r.weights[1]![t]!];
    if (pos === 0) {
      assert.ok(wy === 0 && wx === 0);
      continue;
    }
    inTrade++;
    if (t === 0 || r.position[t - 1] !== pos) b = r.hedgeRatio[t]!; // entry bar
    // w_y = p / (1 + |b|), w_x = -p b / (1 + |b|): gross 1, the spread's exposure
    assert.ok(Math.abs(wy - pos / (1 + Math.abs(b))) < 1e-15);
    assert.ok(Math.abs(wx + (pos * b) / (1 + Math.abs(b))) < 1e-15);
    const bt = r.hedgeRatio[t]!;
    assert.ok(Math.abs(e.weights[1]![t]! + (pos * bt) / (1 + Math.abs(bt))) < 1e-15);
    assert.deepEqual([dollar.weights[0]![t], dollar.weights[1]![t]], [pos, -pos]);
  }
  assert.ok(inTrade > 50);
});

Deno.test("pairs through the engine: one round trip per spread trade, both legs, fees on both", () => {
  const p = pair(800, 11);
  const targets = pairsMeanReversion(p, opts);
  const fees = feeCost({ venue: "binance" });
  const run = backtestStrategy({ close: [p.y, p.x], assets: ["Y", "X"] }, targets, {
    costs: [fees],
  });
  const { trades, summary } = run.tradeLog;
  const closes = [...targets.exits, ...targets.stops].sort((a, b) => a - b);
  assert.equal(trades.length, targets.entries.length);
  trades.forEach((t, i) => {
    assert.equal(t.legs.length, 2);
    assert.deepEqual(t.legs.map((l) => l.asset), ["Y", "X"]);
    // lag 1: decided at the entry bar, filled at the next bar's close
    assert.equal(t.entryBar, targets.entries[i]! + 1);
    assert.equal(t.legs[0]!.entryPrice, p.y[t.entryBar]);
    assert.equal(t.legs[1]!.entryPrice, p.x[t.entryBar]);
    assert.equal(t.side, targets.position[targets.entries[i]!] === 1 ? "long" : "short");
    if (!t.open) assert.equal(t.exitBar, closes[i]! + 1);
    assert.ok(t.legs[0]!.entryWeight * t.legs[1]!.entryWeight < 0);
    assert.ok(t.totalCost > 0);
  });
  // fees paid on both legs
  assert.ok(run.backtest.contribution.costs.fees![0]! > 0);
  assert.ok(run.backtest.contribution.costs.fees![1]! > 0);
  assert.equal(summary.count + summary.openCount, trades.length);
  // on a planted mean-reverting spread, trading it makes money before costs
  assert.ok(trades.reduce((a, t) => a + t.grossPnl, 0) > 0);
});

Deno.test("pairsMeanReversion with a Kalman hedge: the spread and ratio are the filter's", () => {
  const p = pair(600, 5);
  const r = pairsMeanReversion(p, {
    ...opts,
    hedge: "kalman",
    kalman: { delta: 1e-4, initialCovariance: 1 },
  });
  const k = kalmanHedge(Array.from(p.y, Math.log), Array.from(p.x, Math.log), {
    delta: 1e-4,
    initialCovariance: 1,
  });
  assert.deepEqual([...r.spread], [...k.spread]);
  // the ratio behind the spread at t is the state through t - 1
  assert.equal(r.hedgeRatio[0], 0);
  assert.equal(r.hedgeRatio[300], k.betas[299]);
  assert.ok(r.entries.length > 0);
});

Deno.test("pairsMeanReversion: refusals name the option", () => {
  const p = pair(50, 1);
  assert.throws(() => pairsMeanReversion(p, { hedge: "tls" as "kalman" }), /hedge must be/);
  assert.throws(() => pairsMeanReversion(p, { sizing: "units" as "beta" }), /sizing must be/);
  assert.throws(
    () => pairsMeanReversion(p, { hedgeWindow: 2 }),
    /hedgeWindow must be an integer >= 3/,
  );
  assert.throws(() => pairsMeanReversion({ y: p.y, x: p.x.slice(1) }), /align them first/);
  assert.throws(() => pairsMeanReversion({ y: [1, -2, 3], x: [1, 2, 3] }), /y at bar 1 is -2/);
  assert.throws(() => pairsMeanReversion(p, { exit: 3 }), /exit must be a number below entry/);
  assert.throws(
    () => pairsMeanReversion(p, { hedgeWindow: 20, hedgeMinObs: 30 }),
    /hedgeMinObs must be an integer in \[2, hedgeWindow=20\], got 30/,
  );
  assert.throws(() => pairsMeanReversion(p, { zMinObs: 1 }), /zMinObs must be an integer/);
});

Deno.test("pairsMeanReversion is causal: perturbing either leg after t changes nothing at or before t", () => {
  const p = pair(700, 11);
  for (const hedge of ["rolling-ols", "kalman"] as const) {
    const o = { ...opts, hedge };
    const base = pairsMeanReversion(p, o);
    for (const t of [150, 400, 620]) {
      const [y, x] = perturbAfter([p.y, p.x], t, t);
      const moved = pairsMeanReversion({ y: y!, x: x! }, o);
      assertSameUpTo(base.weights, moved.weights, t, `${hedge} weights`);
      assertSameUpTo([base.zScore, base.hedgeRatio], [moved.zScore, moved.hedgeRatio], t, hedge);
      assertChangedAfter([base.zScore], [moved.zScore], t);
    }
  }
});

Deno.test("pairsMeanReversion passes the lookahead check at every bar (with gaps in one leg)", () => {
  const p = pair(500, 2);
  p.x[250] = NaN;
  p.y[260] = NaN;
  for (const hedge of ["rolling-ols", "kalman"] as const) {
    const res = checkLookahead(
      (d: { close: Float64Array[] }) =>
        pairsMeanReversion({ y: d.close[0]!, x: d.close[1]! }, { ...opts, hedge }).weights,
      { close: [p.y, p.x] },
    );
    assert.equal(res.checkedBars, 500);
    assert.equal(res.passed, true, `${hedge}: ${JSON.stringify(res.violations.slice(0, 2))}`);
  }
});
