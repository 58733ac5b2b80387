/**
 * hedgeRatio (OLS, TLS, Kalman), spreadZScore and zScoreSignals against statsmodels 0.13.5 /
 * numpy 1.24.2 / pandas 1.5.3 on real Binance hourly log prices (ETH vs BTC, djienne, a window
 * with exchange outages); see tests/oracles/pairs.py part A for the exact calls. Plus recovery,
 * symmetry and perturbation (causality) tests.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hedgeRatio } from "@lib/research/pairs/hedge_ratio.ts";
import { kalmanHedge } from "@lib/research/pairs/kalman_hedge.ts";
import { spreadZScore } from "@lib/research/pairs/spread.ts";
import { zScoreSignals } from "@lib/research/pairs/z_score_signals.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { djienneCloses } from "./_pairs_data.ts";

type Sampled = (number | null)[];
interface KalmanOracle {
  betas: Sampled;
  intercepts: Sampled;
  predictions: Sampled;
  variances: Sampled;
}
const oracle = JSON.parse(
  readFileSync(new URL("../oracles/pairs.json", import.meta.url), "utf8"),
).a as {
  firstTs: number;
  n: number;
  missing: number;
  olsParams: [number, number];
  olsNoInterceptBeta: number;
  tlsBeta: number;
  tlsIntercept: number;
  tlsSvdBeta: number;
  tlsReversedBeta: number;
  tlsNoInterceptBeta: number;
  sampleEvery: number;
  kalmanChan: KalmanOracle;
  kalmanDiffuse: KalmanOracle;
  kalmanNoIntercept: KalmanOracle;
  zCausal: Sampled;
  meanCausal: Sampled;
  zNonCausal: Sampled;
  stdNonCausal: Sampled;
};

const A0 = 2000; // grid row of the oracle's first bar (pairs.py A0)

function ethBtc() {
  const g = djienneCloses(["ETH", "BTC"]);
  assert.equal(g.firstTs + A0 * 3_600_000, oracle.firstTs, "same window as the oracle");
  return {
    eth: g.closes[0]!.slice(A0, A0 + oracle.n),
    btc: g.closes[1]!.slice(A0, A0 + oracle.n),
  };
}

function close(actual: number, expected: number, tol: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs oracle ${expected}`,
  );
}

function closeSampled(actual: Float64Array, expected: Sampled, tol: number, what: string) {
  let compared = 0;
  expected.forEach((e, k) => {
    const a = actual[k * oracle.sampleEvery]!;
    if (e === null) {
      assert.ok(Number.isNaN(a), `${what}[${k * oracle.sampleEvery}]: ${a}, oracle NaN`);
    } else {
      close(a, e, tol, `${what}[${k * oracle.sampleEvery}]`);
      compared++;
    }
  });
  assert.ok(compared > expected.length / 2, `${what}: too few values compared`);
}

realDataTest("hedgeRatio OLS and TLS equal statsmodels OLS and numpy eigh/SVD on ETH/BTC", () => {
  const { eth, btc } = ethBtc();
  const ols = hedgeRatio(eth, btc);
  assert.equal(ols.nobs, oracle.n - oracle.missing);
  // statsmodels 0.13.5 OLS(log ETH, add_constant(log BTC), missing="drop").fit().params; pinv
  // vs our QR on a design with condition number ~1e3 agree to ~1e-12, 1e-9 is summation order.
  close(ols.intercept, oracle.olsParams[0], 1e-9, "OLS intercept");
  close(ols.beta, oracle.olsParams[1], 1e-9, "OLS beta");
  close(hedgeRatio(eth, btc, { intercept: false }).beta, oracle.olsNoInterceptBeta, 1e-9, "OLS0");
  // numpy eigh of np.cov([x, y]) and svd of the centred data: the same line two ways; our
  // closed form for the 2 x 2 eigenvector agrees to rounding (1e-9 relative).
  const tls = hedgeRatio(eth, btc, { method: "tls" });
  close(tls.beta, oracle.tlsBeta, 1e-9, "TLS beta (eigh)");
  close(tls.beta, oracle.tlsSvdBeta, 1e-9, "TLS beta (svd)");
  close(tls.intercept, oracle.tlsIntercept, 1e-9, "TLS intercept");
  const rev = hedgeRatio(btc, eth, { method: "tls" });
  close(rev.beta, oracle.tlsReversedBeta, 1e-9, "TLS reversed");
  // Symmetric up to inversion: x on y is exactly 1 / (y on x), and so are the two lines.
  close(tls.beta * rev.beta, 1, 1e-12, "TLS symmetry");
  close(rev.intercept, -tls.intercept / tls.beta, 1e-12, "TLS reversed intercept");
  close(
    hedgeRatio(eth, btc, { method: "tls", intercept: false }).beta,
    oracle.tlsNoInterceptBeta,
    1e-9,
    "TLS0",
  );
  // OLS is not symmetric; the TLS slope lies between b(y|x) and 1 / b(x|y).
  const olsRev = hedgeRatio(btc, eth);
  assert.ok(ols.beta < tls.beta && tls.beta < 1 / olsRev.beta);
  // The spread is log y - a - b log x, NaN on missing bars.
  const t = eth.findIndex((v, i) => Number.isFinite(v) && Number.isFinite(btc[i]!));
  close(
    ols.spread[t]!,
    Math.log(eth[t]!) - ols.intercept - ols.beta * Math.log(btc[t]!),
    1e-12,
    "spread",
  );
  const gap = btc.findIndex((v) => Number.isNaN(v));
  assert.ok(gap >= 0 && Number.isNaN(ols.spread[gap]!));
  // logPrices: true gives the same fit on log prices.
  const viaLog = hedgeRatio(eth.map(Math.log), btc.map(Math.log), { logPrices: true });
  close(viaLog.beta, ols.beta, 1e-14, "logPrices option");
});

realDataTest("Kalman hedge ratio equals a numpy transcription of Chan (2013) on ETH/BTC", () => {
  const { eth, btc } = ethBtc();
  // Oracle: NOT statsmodels (it has no such filter) but the same recursions written in numpy
  // matrix form in pairs.py; agreement to 1e-8 relative says the scalar code is the algebra
  // (the filter is a contraction, so rounding does not build up over 6,000 bars).
  const cases: [string, KalmanOracle, Parameters<typeof hedgeRatio>[2]][] = [
    ["Chan defaults", oracle.kalmanChan, { method: "kalman" }],
    ["diffuse", oracle.kalmanDiffuse, { method: "kalman", delta: 1e-3, initialCovariance: 1 }],
    ["no intercept", oracle.kalmanNoIntercept, {
      method: "kalman",
      intercept: false,
      initialCovariance: 1,
    }],
  ];
  for (const [name, o, opts] of cases) {
    const k = hedgeRatio(eth, btc, { ...opts, method: "kalman" });
    assert.equal(k.method, "kalman");
    closeSampled(k.betas, o.betas, 1e-8, `${name} betas`);
    closeSampled(k.intercepts, o.intercepts, 1e-8, `${name} intercepts`);
    closeSampled(k.predictions, o.predictions, 1e-8, `${name} predictions`);
    closeSampled(k.predictionVariances, o.variances, 1e-8, `${name} variances`);
    assert.equal(k.beta, k.betas[k.betas.length - 1]);
    assert.equal(k.nobs, oracle.n - oracle.missing);
  }
});

realDataTest("spreadZScore equals pandas rolling mean/std (shifted when causal)", () => {
  const { eth, btc } = ethBtc();
  const { spread } = hedgeRatio(eth, btc);
  // pandas 1.5.3 s.rolling(72).mean().shift(1) / .std().shift(1): rolling sums with
  // compensation in pandas vs Welford + exact re-anchoring here; 1e-9 covers both roundings.
  const c = spreadZScore(spread, { window: 72 });
  closeSampled(c.zScore, oracle.zCausal, 1e-9, "causal z");
  closeSampled(c.mean, oracle.meanCausal, 1e-9, "causal mean");
  // pandas s.rolling(72, min_periods=48) without shift
  const nc = spreadZScore(spread, { window: 72, causal: false, minObs: 48 });
  closeSampled(nc.zScore, oracle.zNonCausal, 1e-9, "non-causal z");
  closeSampled(nc.std, oracle.stdNonCausal, 1e-9, "non-causal std");
});

Deno.test("perturbation: causal z-score and Kalman outputs at or before t ignore data after t", () => {
  const rng = createRng(11);
  const n = 600;
  const x = new Float64Array(n), y = new Float64Array(n);
  let px = 0;
  for (let t = 0; t < n; t++) {
    px += 0.01 * rng.normal();
    x[t] = 4 + px;
    y[t] = 1 + 1.3 * x[t]! + 0.02 * rng.normal();
  }
  for (const cut of [100, 333, 598]) {
    const y2 = y.slice(), x2 = x.slice();
    for (let t = cut + 1; t < n; t++) {
      y2[t] = y2[t]! + 5 * rng.normal();
      x2[t] = x2[t]! * 3;
    }
    const a = spreadZScore(y, { window: 50 }), b = spreadZScore(y2, { window: 50 });
    const ka = kalmanHedge(y, x), kb = kalmanHedge(y2, x2);
    for (let t = 0; t <= cut; t++) {
      assert.ok(Object.is(a.zScore[t], b.zScore[t]), `z at ${t} moved (cut ${cut})`);
      assert.ok(Object.is(a.std[t], b.std[t]));
      for (
        const key of [
          "betas",
          "intercepts",
          "predictions",
          "predictionVariances",
          "spread",
        ] as const
      ) {
        assert.ok(Object.is(ka[key][t], kb[key][t]), `kalman ${key} at ${t} moved (cut ${cut})`);
      }
    }
  }
  // The causal z at t does not use bar t in its baseline, and a Kalman prediction at t does
  // not use y[t]: change only y[t] and the mean/std at t and prediction at t stay put.
  const t = 300;
  const y3 = y.slice();
  y3[t] = y3[t]! + 1;
  const a = spreadZScore(y, { window: 50 }), b = spreadZScore(y3, { window: 50 });
  assert.equal(a.mean[t], b.mean[t]);
  assert.equal(a.std[t], b.std[t]);
  assert.notEqual(a.zScore[t], b.zScore[t]);
  assert.equal(kalmanHedge(y, x).predictions[t], kalmanHedge(y3, x).predictions[t]);
  // Non-causal: bar t is in its own window.
  assert.notEqual(
    spreadZScore(y, { window: 50, causal: false }).mean[t],
    spreadZScore(y3, { window: 50, causal: false }).mean[t],
  );
});

Deno.test("recovery: OLS, TLS and Kalman find a planted log hedge ratio", () => {
  const rng = createRng(2024);
  const n = 5000;
  const px = new Float64Array(n), py = new Float64Array(n);
  let lx = Math.log(30), s = 0;
  for (let t = 0; t < n; t++) {
    lx += 0.01 * rng.normal();
    s = 0.95 * s + 0.005 * rng.normal(); // stationary AR(1) spread
    px[t] = Math.exp(lx);
    py[t] = Math.exp(0.2 + 1.7 * lx + s);
  }
  const ols = hedgeRatio(py, px);
  const tls = hedgeRatio(py, px, { method: "tls" });
  // With log x wandering over ~+-1 and a spread sd of ~0.016, OLS and TLS are both within
  // 0.01 of 1.7 (the TLS bias from the spread variance is ~var(s)/var(x) ~ 1e-3).
  assert.ok(Math.abs(ols.beta - 1.7) < 0.01, `OLS ${ols.beta}`);
  assert.ok(Math.abs(tls.beta - 1.7) < 0.01, `TLS ${tls.beta}`);
  const k = hedgeRatio(py, px, { method: "kalman", initialCovariance: 1, delta: 1e-5 });
  assert.ok(Math.abs(k.beta - 1.7) < 0.05, `Kalman ${k.beta}`);
});

Deno.test("zScoreSignals: bands, stop with re-entry block, NaN carries the position", () => {
  const z = [0, 2.5, 3.5, 4.2, 3.9, 2.5, 1.9, 2.2, NaN, 0.3, -2, NaN, -0.4];
  const s = zScoreSignals(z, { entry: 2, exit: 0.5, stop: 4 });
  // short at 1, stopped at 3, blocked while |z| >= 2 (bars 4, 5), free at 6 (1.9), short again
  // at 7, NaN at 8 holds, exit at 9, long at 10, NaN holds, exit at 12.
  assert.deepEqual(Array.from(s.position), [0, -1, -1, 0, 0, 0, 0, -1, -1, 0, 1, 1, 0]);
  assert.deepEqual(Array.from(s.entries), [1, 7, 10]);
  assert.deepEqual(Array.from(s.stops), [3]);
  assert.deepEqual(Array.from(s.exits), [9, 12]);
  assert.throws(
    () => zScoreSignals(z, { entry: 1, exit: 1 }),
    /exit must be a number below entry=1/,
  );
  assert.throws(() => zScoreSignals(z, { stop: 1.5 }), /stop must be above entry=2/);
});

Deno.test("inputs that are not prices are refused with what to pass instead", () => {
  assert.throws(
    () => hedgeRatio([100, 101, 99, 102], [0.01, -0.02, 0.03, 0.01]),
    /x\[1\] is -0.02, not a positive price. Pass prices \(closes\), not returns or a spread: we take logs/,
  );
  assert.throws(() => hedgeRatio([1, 2, 3], [1, 2]), /same length, got 3 and 2/);
  assert.throws(
    () => hedgeRatio([1, 2, 3, 4], [1, 2, 3, 4], { method: "pca" as "ols" }),
    /method must be/,
  );
  assert.throws(
    () => spreadZScore([1, 2, 3], { window: 1 }),
    /window must be an integer >= 2, got 1/,
  );
  assert.throws(() => kalmanHedge([1, 2], [1, 2], { delta: 1 }), /delta must be in \(0, 1\)/);
  assert.throws(
    () => hedgeRatio([1, NaN, 3], [1, 2, NaN]),
    /at least 3 bars where both legs are finite, got 1/,
  );
});

Deno.test("a constant leg is refused by every static method instead of giving a huge slope", () => {
  const rng = createRng(4);
  const y = Array.from({ length: 300 }, () => 100 * Math.exp(0.01 * rng.normal()));
  const flat = Array.from({ length: 300 }, () => 42.123456789);
  for (const method of ["ols", "tls"] as const) {
    assert.throws(() => hedgeRatio(y, flat, { method }), /constant/, method);
  }
  assert.throws(() => hedgeRatio(flat, y, { method: "tls" }), /log y is constant/);
});
