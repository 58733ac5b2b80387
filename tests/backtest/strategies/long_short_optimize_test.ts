/**
 * longShort's optimizer options beyond plain minimum variance: the risk model (Ledoit-Wolf,
 * OAS, EWMA), beta neutrality to factor columns and a turnover penalty. Each bar's weights are
 * checked against `optimizePortfolio` called directly on the same window, the betas against
 * lib/stats `ols` (itself tested against statsmodels OLS), and the whole book for causality
 * (perturb returns and signal after t: nothing at or before t moves).
 */
import assert from "node:assert/strict";
import { longShort } from "@lib/backtest/strategies/long_short.ts";
import { ledoitWolf } from "@lib/portfolio/ledoit_wolf.ts";
import { optimizePortfolio } from "@lib/portfolio/optimize_portfolio.ts";
import { ols } from "@lib/stats/ols.ts";
import { createRng } from "@lib/stats/rng.ts";
import { assertChangedAfter, assertSameUpTo, perturbAfter } from "./_helpers.ts";

const N = 12, T = 400, WINDOW = 120;

/** Returns with planted betas to two factor columns (0 = "BTC", 1 = "ETH") and a noisy signal. */
function market(seed = 11) {
  const rng = createRng(seed);
  const returns = Array.from({ length: N }, () => new Float64Array(T));
  const signal = Array.from({ length: N }, () => new Float64Array(T));
  for (let t = 0; t < T; t++) {
    const btc = 0.01 * rng.normal(), eth = 0.8 * btc + 0.008 * rng.normal();
    returns[0]![t] = btc;
    returns[1]![t] = eth;
    for (let a = 2; a < N; a++) {
      returns[a]![t] = (0.5 + 0.1 * a) * btc + (a % 3) * 0.3 * eth + 0.012 * rng.normal();
    }
    for (let a = 0; a < N; a++) signal[a]![t] = rng.normal() + 0.02 * a;
  }
  return { returns, signal };
}

const at = (w: readonly Float64Array[], t: number) => w.map((c) => c[t]!);

Deno.test("longShort optimize: beta-neutral to two factor columns, betas from OLS", () => {
  const { returns, signal } = market();
  const r = longShort(signal, {
    quantile: 0.25,
    optimize: { returns, window: WINDOW, betaNeutral: [0, 1] },
  });
  let checked = 0;
  for (const t of [WINDOW, 200, 300, T - 1]) {
    if (r.fallbackBars.includes(t)) continue;
    const w = at(r.weights, t);
    const rows = Array.from({ length: WINDOW }, (_, i) => t - WINDOW + 1 + i);
    const f = [0, 1].map((c) => Float64Array.from(rows, (s) => returns[c]![s]!));
    // each held asset's betas: lib/stats ols (statsmodels-checked), intercept first
    let bBtc = 0, bEth = 0;
    for (let a = 0; a < N; a++) {
      if (w[a] === 0) continue;
      const fit = ols(Float64Array.from(rows, (s) => returns[a]![s]!), f);
      bBtc += fit.coef[1]! * w[a]!;
      bEth += fit.coef[2]! * w[a]!;
    }
    assert.ok(Math.abs(bBtc) < 1e-8 && Math.abs(bEth) < 1e-8, `${t}: ${bBtc} ${bEth}`);
    // still a long-short book: +0.5 long, -0.5 short
    const long = w.filter((x) => x > 0).reduce((s, x) => s + x, 0);
    const short = w.filter((x) => x < 0).reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(long - 0.5) < 1e-9 && Math.abs(short + 0.5) < 1e-9, `${long} ${short}`);
    checked++;
  }
  assert.ok(checked >= 3, `${checked} bars checked`);
  // without neutrality the same buckets carry a BTC beta
  const plain = longShort(signal, { quantile: 0.25, optimize: { returns, window: WINDOW } });
  assert.notDeepEqual(at(plain.weights, 300), at(r.weights, 300));
});

Deno.test("longShort optimize: the risk model is the one asked for (Ledoit-Wolf at one bar)", () => {
  const { returns, signal } = market(5);
  const t = 250;
  const r = longShort(signal, {
    quantile: 0.25,
    optimize: { returns, window: WINDOW, riskModel: "ledoit-wolf" },
  });
  const w = at(r.weights, t);
  const cols = w.map((x, a) => (x !== 0 ? a : -1)).filter((a) => a >= 0);
  const sub = cols.map((a) => returns[a]!.slice(t - WINDOW + 1, t + 1));
  const side = cols.map((a) => (w[a]! > 0 ? 1 : 0));
  const direct = optimizePortfolio({
    covariance: ledoitWolf(sub).covariance,
    objective: "minVariance",
    constraints: {
      longOnly: false,
      fullInvestment: false,
      minWeight: side.map((s) => (s ? 0 : -0.5)),
      maxWeight: side.map((s) => (s ? 0.5 : 0)),
      exposures: [
        { name: "long", loadings: side, target: 0.5 },
        { name: "short", loadings: side.map((s) => 1 - s), target: -0.5 },
      ],
    },
  });
  cols.forEach((a, i) => assert.ok(Math.abs(w[a]! - direct.weights[i]!) < 1e-9, `${a}`));
  for (const riskModel of ["sample", "oas", "ewma"] as const) {
    const o = longShort(signal, {
      quantile: 0.25,
      optimize: { returns, window: WINDOW, riskModel },
    });
    assert.equal(o.fallbackBars.length, WINDOW / 2 - 1, riskModel);
    assert.notDeepEqual(at(o.weights, t), w, `${riskModel} differs from ledoit-wolf`);
  }
  assert.throws(
    () => longShort(signal, { optimize: { returns, riskModel: "pca" as never } }),
    /riskModel must be one of sample, ledoit-wolf, oas, ewma, got pca/,
  );
});

Deno.test("longShort optimize: a turnover penalty trades less", () => {
  const { returns, signal } = market(9);
  // a persistent signal, so the buckets stay and only the weights within them move
  const slow = signal.map((c) => Float64Array.from(c, (_, t) => c[t - (t % 48)]!));
  const turnover = (penalty: number) => {
    const w = longShort(slow, {
      quantile: 0.25,
      optimize: { returns, window: WINDOW, turnoverPenalty: penalty },
    }).weights;
    let s = 0;
    // within the 48-bar blocks only: the bucket changes at a block's start are forced
    for (let t = WINDOW; t < T; t++) {
      if (t % 48 !== 0) { for (const c of w) s += Math.abs(c[t]! - c[t - 1]!); }
    }
    return s;
  };
  const none = turnover(0), small = turnover(2e-7), big = turnover(1e-4);
  // a small penalty trades less; 1 bp per unit traded freezes the weights within a block
  // (variance changes from one more row are worth less than the cost of moving)
  assert.ok(small < 0.8 * none, `${small} < 0.8 x ${none}`);
  assert.ok(big < 1e-3 * none, `${big} < 0.001 x ${none}`);
  assert.throws(
    () => longShort(slow, { optimize: { returns, turnoverPenalty: -1 } }),
    /turnoverPenalty must be a finite number >= 0, got -1/,
  );
  assert.throws(
    () => longShort(slow, { optimize: { returns, betaNeutral: [N] } }),
    /betaNeutral must list asset columns 0\.\.11, got 12/,
  );
});

Deno.test("longShort optimize: causal with beta neutrality, Ledoit-Wolf and a penalty", () => {
  const { returns, signal } = market(3);
  const options = (r: readonly Float64Array[]) => ({
    quantile: 0.25,
    optimize: {
      returns: r,
      window: WINDOW,
      betaNeutral: [0, 1],
      riskModel: "ledoit-wolf" as const,
      turnoverPenalty: 1e-4,
    },
  });
  const full = longShort(signal, options(returns)).weights;
  for (const t of [WINDOW + 10, 333]) {
    const cut = longShort(perturbAfter(signal, t), options(perturbAfter(returns, t, 8))).weights;
    assertSameUpTo(full, cut, t, "longShort optimize");
    assertChangedAfter(full, cut, t);
  }
});

Deno.test("longShort optimize: a cap the buckets cannot reach keeps equal weights at once", () => {
  const { returns, signal } = market(4);
  // three names a side at most 0.1 each cannot hold a side of 0.5
  const t0 = performance.now();
  const r = longShort(signal, {
    quantile: 0.25,
    optimize: { returns, window: WINDOW, maxWeight: 0.1 },
  });
  assert.equal(r.fallbackBars.length, T);
  assert.deepEqual(
    at(r.weights, T - 1).filter((w) => w !== 0).map(Math.abs),
    Array(6).fill(0.5 / 3),
  );
  // no solver ran (the conflict search took about 10 ms a bar)
  assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
});
