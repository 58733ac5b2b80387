/**
 * huber against statsmodels 0.13.5 RLM with HuberT on real hourly returns (SOL on BTC and ETH,
 * 3,000 complete rows; see tests/oracles/regression.py), plus robustness on simulated data.
 */
import assert from "node:assert/strict";
import { huber } from "@lib/stats/huber.ts";
import { ols } from "@lib/stats/ols.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { completeRows, near, oracle } from "./_regression_data.ts";

realDataTest(
  "huber equals statsmodels RLM(M=HuberT()) params, bse, scale, weights on real returns",
  () => {
    const o = oracle.huber;
    const { y, xs } = completeRows(o.firstTs, o.n);
    for (const key of ["t1345", "t2"]) {
      const s = o[key];
      // statsmodels 0.13.5 sm.RLM(y, sm.add_constant(X), M=sm.robust.norms.HuberT(t=s.t)).fit()
      const f = huber(y, xs, { t: s.t });
      // Same algorithm and stopping rule, so the same number of IRLS steps; each WLS is pinv
      // there and QR here (~1e-13 apart), and the MAD is a median of the same residuals. The
      // fixed point is reached to ~tol=1e-8 in the objective, so coefficients agree to ~1e-10
      // relative; 1e-8 leaves room.
      assert.equal(f.iterations, s.iterations, `${key}: IRLS iterations`);
      assert.ok(f.converged);
      for (let j = 0; j < 3; j++) {
        near(f.coef[j]!, s.params[j], 1e-8, 1e-12, `${key} params[${j}]`);
        near(f.standardErrors[j]!, s.bse[j], 1e-8, 0, `${key} bse[${j}]`);
        near(f.tStats[j]!, s.tvalues[j], 1e-8, 0, `${key} tvalues[${j}]`);
      }
      near(f.scale, s.scale, 1e-8, 0, `${key} scale`);
      s.weights.forEach((w: number, i: number) =>
        near(f.weights[i * 30]!, w, 1e-7, 0, `${key} weight ${i * 30}`)
      );
    }
  },
);

Deno.test("huber shrugs off wicks that drag OLS, and drops NaN rows", () => {
  const rng = createRng(21);
  const n = 1000;
  const x = Float64Array.from({ length: n }, () => 0.01 * rng.normal());
  const y = x.map((v) => 0.0001 + 1.5 * v + 0.003 * rng.normal());
  // 2% of bars are wicks of +-10%, aligned with x so OLS's slope is biased upwards.
  for (let i = 0; i < n; i += 50) y[i] = 10 * Math.sign(x[i]!) * 0.01 + y[i]!;
  y[7] = NaN;
  const h = huber(y, [x]);
  const o = ols(y, [x]);
  assert.equal(h.nobs, n - 1);
  assert.ok(Number.isNaN(h.weights[7]!) && Number.isNaN(h.residuals[7]!));
  assert.ok(Math.abs(h.coef[1]! - 1.5) < 0.03, `huber slope ${h.coef[1]}`);
  assert.ok(Math.abs(o.coef[1]! - 1.5) > 0.1, `ols slope ${o.coef[1]}`);
  // A 10% wick is ~30 scales out: weight 1.345 / 30 < 0.1. Ordinary bars (|z| <= 1.345 for
  // ~82% of normal draws) keep weight 1.
  let ones = 0;
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) assert.ok(h.weights[i]! < 0.1, `wick ${i} weight ${h.weights[i]}`);
    else if (h.weights[i] === 1) ones++;
  }
  assert.ok(ones > 0.75 * n, `${ones} bars at full weight`);
  // With no outliers and huge t, Huber is OLS.
  const clean = x.map((v) => 1.5 * v + 0.003 * rng.normal());
  const big = huber(clean, [x], { t: 1e9 });
  const base = ols(clean, [x]);
  near(big.coef[1]!, base.coef[1]!, 1e-12, 0, "t -> infinity is OLS");
});

Deno.test("huber refuses bad options and names collinear columns", () => {
  assert.throws(() => huber([1, 2, 3, 4], [[1, 2, 3, 4]], { t: 0 }), /t must be a positive number/);
  assert.throws(
    () => huber([1, 2, 3, 4], [[1, 2, 3, 4]], { maxIter: 0 }),
    /maxIter must be an integer >= 1/,
  );
  assert.throws(
    () => huber([1, 2, 3, 5], [[1, 2, 3, 4], [2, 4, 6, 8]]),
    /column 1 is .* combination/,
  );
});
