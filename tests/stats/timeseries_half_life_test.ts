/**
 * halfLife against statsmodels 0.13.5 OLS on a real BTC/ETH log-price spread, and recovery of
 * known half-lives from simulated AR(1) spreads. Oracle: tests/oracles/timeseries.py.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { halfLife } from "@lib/stats/half_life.ts";
import { leastSquares } from "@lib/stats/least_squares.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadLogPriceWindow } from "./_timeseries_window.ts";

const oracle = JSON.parse(
  readFileSync(new URL("../oracles/timeseries.json", import.meta.url), "utf8"),
) as {
  firstTs: number;
  n: number;
  halfLife: {
    beta: number;
    intercept: number;
    lambda: number;
    tStat: number;
    nobs: number;
    phi: number;
    halfLife: number;
  };
};

function close(actual: number, expected: number, rel: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what}: ${actual} vs statsmodels ${expected}`,
  );
}

realDataTest("halfLife equals statsmodels OLS on the real log BTC - beta log ETH spread", () => {
  const w = loadLogPriceWindow(oracle.n);
  assert.equal(w.firstTs, oracle.firstTs, "same window as the oracle");
  const btc = w.logPrices.BTC!, eth = w.logPrices.ETH!;
  // statsmodels 0.13.5: sm.OLS(logBTC, add_constant(logETH)).fit().params[1]
  const hedge = leastSquares([new Float64Array(btc.length).fill(1), eth], btc)!;
  const beta = hedge.coef[1]!;
  // Levels regression of two correlated series: QR vs pinv agree to 2e-14 here.
  close(beta, oracle.halfLife.beta, 1e-10, "hedge ratio");
  const spread = btc.map((b, i) => b - beta * eth[i]!);
  // statsmodels 0.13.5: sm.OLS(diff(spread), add_constant(spread[:-1])).fit()
  const r = halfLife(spread);
  const o = oracle.halfLife;
  assert.equal(r.nobs, o.nobs);
  // Observed gaps are <= 5e-14 relative (QR vs pinv on a 2-column design). lambda is small
  // (-3e-3) and the spread is a difference of two ~9-unit numbers, which could cost up to ~1e3
  // in cancellation on another window; 1e-10 keeps that margin and still catches a wrong
  // alignment or degrees of freedom (> 1e-4).
  close(r.lambda, o.lambda, 1e-10, "lambda");
  close(r.intercept, o.intercept, 1e-10, "intercept");
  close(r.tStat, o.tStat, 1e-10, "tStat");
  close(r.phi, o.phi, 1e-13, "phi");
  close(r.halfLife, o.halfLife, 1e-10, "halfLife");
});

Deno.test("halfLife recovers the half-life of simulated AR(1) spreads over 200 seeds", () => {
  // s_t = c + phi s_{t-1} + e_t, n = 5,000, started away from its mean. The OLS phi has sd
  // sqrt((1 - phi^2) / n), so the half-life's relative sd is that / (phi |ln phi|): 3.5%, 6.5%,
  // 9.1% for phi = 0.5, 0.9, 0.95. Bands: the median within 3% (the OLS bias -(1 + 3 phi) / n
  // moves it < 1.5%), and 90% of seeds within 1.5 x the normal 90% band 1.645 sd (the half-life
  // is a convex function of phi, so its upper tail is longer than normal).
  for (const phi of [0.5, 0.9, 0.95]) {
    const truth = Math.log(0.5) / Math.log(phi);
    const sdRel = Math.sqrt((1 - phi * phi) / 5000) / (phi * Math.abs(Math.log(phi)));
    const errors: number[] = [];
    const estimates: number[] = [];
    for (let seed = 0; seed < 200; seed++) {
      const rng = createRng(seed, 33);
      const s = new Float64Array(5000);
      s[0] = 3;
      for (let t = 1; t < s.length; t++) s[t] = 0.1 * (1 - phi) + phi * s[t - 1]! + rng.normal();
      const hl = halfLife(s).halfLife;
      estimates.push(hl);
      errors.push(Math.abs(hl / truth - 1));
    }
    estimates.sort((a, b) => a - b);
    errors.sort((a, b) => a - b);
    const median = (estimates[99]! + estimates[100]!) / 2;
    assert.ok(Math.abs(median / truth - 1) < 0.03, `phi ${phi}: median ${median} vs ${truth}`);
    assert.ok(errors[179]! < 1.5 * 1.645 * sdRel, `phi ${phi}: 90% error ${errors[179]}`);
  }
});

Deno.test("halfLife: no mean reversion is Infinity, overshooting uses |phi|, short is NaN", () => {
  const rng = createRng(5);
  const explosive = new Float64Array(300), overshoot = new Float64Array(5000);
  explosive[0] = 1;
  for (let t = 1; t < 300; t++) explosive[t] = 1.02 * explosive[t - 1]! + 0.1 * rng.normal();
  for (let t = 1; t < 5000; t++) overshoot[t] = -0.5 * overshoot[t - 1]! + rng.normal();
  const ex = halfLife(explosive);
  assert.ok(ex.phi > 1);
  assert.equal(ex.halfLife, Infinity);
  const os = halfLife(overshoot);
  assert.ok(Math.abs(os.phi + 0.5) < 0.03);
  assert.ok(Math.abs(os.halfLife - Math.log(0.5) / Math.log(-os.phi)) < 1e-12);
  assert.ok(Number.isNaN(halfLife([1, 2, 1]).halfLife)); // 2 pairs
  assert.equal(halfLife([1, 2, 1]).nobs, 2);
  assert.ok(Number.isNaN(halfLife([4, 4, 4, 4, 4]).halfLife)); // constant: collinear
});

Deno.test("halfLife drops exactly the pairs that touch a NaN", () => {
  const rng = createRng(8);
  const s = new Float64Array(400);
  for (let t = 1; t < 400; t++) s[t] = 0.8 * s[t - 1]! + rng.normal();
  const gappy = Float64Array.from(s);
  gappy[100] = NaN;
  gappy[250] = NaN;
  const r = halfLife(gappy);
  assert.equal(r.nobs, 399 - 4);
  // the same fit from the explicit pairs
  const lag: number[] = [], diff: number[] = [];
  for (let t = 1; t < 400; t++) {
    if (t === 100 || t === 101 || t === 250 || t === 251) continue;
    lag.push(s[t - 1]!);
    diff.push(s[t]! - s[t - 1]!);
  }
  const fit = leastSquares([lag.map(() => 1), lag], diff)!;
  assert.ok(Math.abs(r.lambda - fit.coef[1]!) < 1e-14);
  assert.ok(Math.abs(r.intercept - fit.coef[0]!) < 1e-14);
});
