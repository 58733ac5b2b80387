/**
 * recursiveLeastSquares against statsmodels 0.13.5 RecursiveLS and WLS on real hourly returns
 * (SOL on BTC and ETH, 2,000 complete rows; see tests/oracles/regression.py), plus the prior,
 * missing rows, and causality of the one-step-ahead predictions.
 */
import assert from "node:assert/strict";
import { recursiveLeastSquares } from "@lib/stats/recursive_least_squares.ts";
import { leastSquares } from "@lib/stats/least_squares.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { completeRows, near, oracle } from "./_regression_data.ts";

realDataTest(
  "recursiveLeastSquares equals statsmodels RecursiveLS after the diffuse period",
  () => {
    const o = oracle.recursive;
    const { y, xs } = completeRows(o.firstTs, o.n);
    const r = recursiveLeastSquares(y, xs);
    // statsmodels' exact diffuse filter identifies the 3 coefficients after nobs_diffuse = 3
    // rows; our exact start fits those same rows by QR, so the estimate at row 2 (0-based) is
    // already the OLS on rows 0..2 and both recursions agree from there on.
    assert.equal(o.nobsDiffuse, 3);
    assert.equal(r.firstIndex, o.nobsDiffuse - 1);
    o.index.forEach((t: number, i: number) => {
      const got = [r.alpha[t]!, r.betas[0]![t]!, r.betas[1]![t]!];
      if (t < r.firstIndex) {
        assert.ok(got.every(Number.isNaN), `row ${t} is in the burn-in`);
        return;
      }
      // sm.RecursiveLS(y, add_constant(X)).fit().recursive_coefficients.filtered[:, t].
      // Both are recursions from the same start, so they differ by accumulated rounding only
      // (measured: 5e-11 relative at most, largest in the first rows where 3 x 3 designs from
      // few observations amplify it); 1e-9 leaves room.
      const rel = 1e-9;
      o.coefs[i].forEach((v: number, j: number) =>
        near(got[j]!, v, rel, 1e-12, `coef ${j} at ${t}`)
      );
      // filter_results.forecasts_error[0, t]: y_t minus the prediction from rows < t
      if (t > r.firstIndex) {
        near(r.residuals[t]!, o.forecastErrors[i], rel, 1e-12, `forecast error at ${t}`);
      } else assert.ok(Number.isNaN(r.residuals[t]!));
    });
  },
);

realDataTest("recursiveLeastSquares with forgetting equals exponentially weighted WLS at T", () => {
  const o = oracle.recursive;
  const { y, xs } = completeRows(o.firstTs, o.n);
  for (const c of o.wls) {
    const r = recursiveLeastSquares(y, xs, { forgetting: c.lambda });
    // sm.WLS(y[:T+1], Xc[:T+1], weights=lam ** (T - s)).fit().params: a direct solve, against
    // our recursion over T rows; with forgetting the recursion's rounding does not build up
    // (old errors decay like lambda^t), so 1e-9 relative holds at every T.
    const got = [r.alpha[c.T]!, r.betas[0]![c.T]!, r.betas[1]![c.T]!];
    c.params.forEach((v: number, j: number) =>
      near(got[j]!, v, 1e-9, 1e-13, `lam ${c.lambda} T ${c.T} coef ${j}`)
    );
  }
});

function simulated(n: number, seed: number) {
  const rng = createRng(seed);
  const x1 = Float64Array.from({ length: n }, () => rng.normal());
  const x2 = Float64Array.from({ length: n }, () => rng.normal());
  const y = x1.map((v, i) => 0.5 + (i < n / 2 ? 1 : 3) * v - x2[i]! + 0.3 * rng.normal());
  return { y, xs: [x1, x2] };
}

Deno.test("recursiveLeastSquares with P0 = delta I is the ridge-penalised weighted fit", () => {
  const { y, xs } = simulated(300, 1);
  const lambda = 0.98, delta = 10;
  const r = recursiveLeastSquares(y, xs, { forgetting: lambda, delta });
  assert.equal(r.firstIndex, 0);
  for (const T of [0, 5, 299]) {
    // argmin sum_s lambda^(T-s) (y_s - x_s'b)^2 + lambda^(T+1) / delta |b|^2, by QR on the
    // weighted rows plus 3 pseudo-rows sqrt(lambda^(T+1) / delta) e_j with response 0.
    const m = T + 1 + 3;
    const cols = [0, 1, 2].map(() => new Float64Array(m));
    const yy = new Float64Array(m);
    for (let s = 0; s <= T; s++) {
      const w = Math.sqrt(lambda ** (T - s));
      cols[0]![s] = w;
      cols[1]![s] = w * xs[0]![s]!;
      cols[2]![s] = w * xs[1]![s]!;
      yy[s] = w * y[s]!;
    }
    for (let j = 0; j < 3; j++) cols[j]![T + 1 + j] = Math.sqrt(lambda ** (T + 1) / delta);
    const f = leastSquares(cols, yy)!;
    near(r.alpha[T]!, f.coef[0]!, 1e-9, 1e-12, `alpha at ${T}`);
    near(r.betas[0]![T]!, f.coef[1]!, 1e-9, 1e-12, `beta0 at ${T}`);
    near(r.betas[1]![T]!, f.coef[2]!, 1e-9, 1e-12, `beta1 at ${T}`);
  }
  // The prior fades: with delta = 1e6 and lambda = 1 the betas after 100 rows are within 1e-4
  // of the exact-diffuse ones (the shrinkage is ~1 / (delta * sum x^2)).
  const a = recursiveLeastSquares(y, xs, { delta: 1e6 });
  const b = recursiveLeastSquares(y, xs);
  assert.ok(Math.abs(a.betas[0]![100]! - b.betas[0]![100]!) < 1e-4);
});

Deno.test("recursiveLeastSquares skips missing rows and tracks a planted beta change", () => {
  const { y, xs } = simulated(2000, 2);
  const yNaN = y.slice();
  yNaN[500] = NaN;
  const x2NaN = xs.map((x) => x.slice());
  x2NaN[1]![700] = NaN;
  const r = recursiveLeastSquares(yNaN, [xs[0]!, x2NaN[1]!], { forgetting: 0.99 });
  const keep = (i: number) => i !== 500 && i !== 700;
  const idx = Array.from({ length: 2000 }, (_, i) => i).filter(keep);
  const ref = recursiveLeastSquares(idx.map((i) => y[i]!), xs.map((x) => idx.map((i) => x[i]!)), {
    forgetting: 0.99,
  });
  assert.ok(Object.is(r.betas[0]![500], r.betas[0]![499]), "a skipped row carries the estimate");
  assert.ok(Number.isNaN(r.residuals[500]!) && Number.isNaN(r.predictions[700]!));
  assert.ok(Number.isFinite(r.predictions[500]!), "y missing: the prediction still exists");
  near(r.betas[0]![1999]!, ref.betas[0]![1997]!, 1e-12, 0, "same as deleting the rows");
  // Planted slope 1 then 3 (change at row 1000); lambda = 0.99 remembers ~100 rows.
  assert.ok(Math.abs(r.betas[0]![999]! - 1) < 0.15 && Math.abs(r.betas[0]![1999]! - 3) < 0.15);
});

Deno.test("recursiveLeastSquares predictions are causal: data after t moves nothing at or before t", () => {
  const { y, xs } = simulated(600, 3);
  const rng = createRng(4);
  for (const forgetting of [1, 0.97]) {
    const a = recursiveLeastSquares(y, xs, { forgetting });
    for (const t of [10, 250, 598]) {
      const y2 = y.slice(), x2 = xs.map((x) => x.slice());
      for (let i = t + 1; i < y.length; i++) {
        y2[i] = rng.next() < 0.2 ? NaN : 50 * rng.normal();
        x2[0]![i] = 7;
      }
      const b = recursiveLeastSquares(y2, x2, { forgetting });
      for (let i = 0; i <= t; i++) {
        for (const k of ["alpha", "predictions", "residuals"] as const) {
          assert.ok(Object.is(a[k][i], b[k][i]), `${k}[${i}] moved (t=${t})`);
        }
        assert.ok(
          Object.is(a.betas[0]![i], b.betas[0]![i]) && Object.is(a.betas[1]![i], b.betas[1]![i]),
        );
      }
      // The prediction at t uses rows before t only: changing y[t] leaves it alone.
      const y3 = y.slice();
      y3[t] = 1e3;
      assert.ok(
        Object.is(recursiveLeastSquares(y3, xs, { forgetting }).predictions[t], a.predictions[t]),
      );
    }
  }
});

Deno.test("recursiveLeastSquares refuses bad options", () => {
  assert.throws(
    () => recursiveLeastSquares([1, 2], [[1, 2]], { forgetting: 1.5 }),
    /forgetting must be in \(0, 1\], got 1.5/,
  );
  assert.throws(
    () => recursiveLeastSquares([1, 2], [[1, 2]], { delta: -1 }),
    /delta must be a positive number/,
  );
  assert.throws(() => recursiveLeastSquares([1, 2], [[1]]), /column 0 has 1 rows, y has 2/);
  const none = recursiveLeastSquares([1, 2, 3], [[5, 5, 5]]);
  assert.equal(none.firstIndex, -1, "a constant regressor never identifies the slope");
  assert.ok(Number.isNaN(none.betas[0]![2]!));
});
