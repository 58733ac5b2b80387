/**
 * ols against statsmodels 0.13.5 on real hourly returns (SOL on BTC and ETH, 3,000 grid rows
 * with real gaps); see tests/oracles/regression.py for the exact calls. Plus recovery on
 * simulated data and the error messages.
 */
import assert from "node:assert/strict";
import { ols } from "@lib/stats/ols.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { near, oracle, segment } from "./_regression_data.ts";

realDataTest("ols equals statsmodels OLS (classical, HAC, no constant) on real returns", () => {
  const o = oracle.ols;
  const { y, xs } = segment(o.firstTs, o.length);
  // statsmodels 0.13.5 sm.OLS(y, sm.add_constant(X), missing="drop").fit()
  const f = ols(y, xs);
  assert.equal(f.nobs, o.nobs, "the same rows are dropped");
  assert.equal(f.dfResid, o.nobs - 3);
  // statsmodels solves by pinv (SVD), we by QR: on this well-conditioned design both are
  // accurate to ~1e-13 relative; 1e-9 allows summation order and nothing more. p-values are
  // compared in absolute terms (1e-12) because some are ~1e-300.
  for (let j = 0; j < 3; j++) {
    near(f.coef[j]!, o.params[j], 1e-9, 0, `params[${j}]`);
    near(f.standardErrors[j]!, o.bse[j], 1e-9, 0, `bse[${j}]`);
    near(f.tStats[j]!, o.tvalues[j], 1e-9, 0, `tvalues[${j}]`);
    near(f.pValues[j]!, o.pvalues[j], 1e-7, 1e-12, `pvalues[${j}]`);
  }
  near(f.rSquared, o.rsquared, 1e-10, 0, "rsquared");
  near(f.adjRSquared, o.rsquaredAdj, 1e-10, 0, "rsquared_adj");
  near(f.sigma2, o.scale, 1e-10, 0, "scale");
  let dropped = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(f.residuals[i]!)) dropped++;
    else near(f.fitted[i]! + f.residuals[i]!, y[i]!, 0, 1e-15, "fitted + resid = y");
  }
  assert.equal(dropped, o.length - o.nobs);
  // .fit(cov_type="HAC", cov_kwds={"maxlags": 10}): normal p-values (use_t=False)
  const h = ols(y, xs, { cov: "hac", lags: 10 });
  assert.equal(h.lags, 10);
  for (let j = 0; j < 3; j++) {
    near(h.coef[j]!, o.params[j], 1e-9, 0, `hac params[${j}]`);
    near(h.standardErrors[j]!, o.hacBse[j], 1e-9, 0, `hac bse[${j}]`);
    near(h.pValues[j]!, o.hacPvalues[j], 1e-7, 1e-12, `hac pvalues[${j}]`);
  }
  // sm.OLS(y, X, missing="drop").fit(): uncentered R² without a constant
  const z = ols(y, xs, { intercept: false });
  for (let j = 0; j < 2; j++) {
    near(z.coef[j]!, o.noConst.params[j], 1e-9, 0, `noConst params[${j}]`);
    near(z.standardErrors[j]!, o.noConst.bse[j], 1e-9, 0, `noConst bse[${j}]`);
  }
  near(z.rSquared, o.noConst.rsquared, 1e-10, 0, "noConst rsquared");
  near(z.adjRSquared, o.noConst.rsquaredAdj, 1e-10, 0, "noConst rsquared_adj");
});

Deno.test("ols recovers planted coefficients, and its t-test rejects a true null at ~5%", () => {
  const rng = createRng(7);
  const gauss = () => rng.normal();
  const n = 2000;
  const x1 = Float64Array.from({ length: n }, gauss);
  const x2 = Float64Array.from({ length: n }, gauss);
  const y = x1.map((v, i) => 0.3 + 1.7 * v - 0.4 * x2[i]! + 0.5 * gauss());
  const f = ols(y, [x1, x2]);
  // 5 standard errors: a planted value outside that would be a bug, not bad luck.
  [0.3, 1.7, -0.4].forEach((b, j) =>
    assert.ok(Math.abs(f.coef[j]! - b) < 5 * f.standardErrors[j]!)
  );
  // Under H0 (slope 0) p < 0.05 in about 5% of 400 samples: binomial sd ~1.1%, so [2%, 9%].
  let rejections = 0;
  const trials = 400;
  for (let s = 0; s < trials; s++) {
    const x = Float64Array.from({ length: 100 }, gauss);
    const e = Float64Array.from({ length: 100 }, gauss);
    if (ols(e, [x]).pValues[1]! < 0.05) rejections++;
  }
  assert.ok(rejections / trials > 0.02 && rejections / trials < 0.09, `${rejections}/${trials}`);
});

Deno.test("ols names the collinear column and refuses too few rows", () => {
  const x = [1, 2, 3, 4, 5];
  assert.throws(
    () => ols([1, 2, 3, 5, 4], [x, x.map((v) => 2 * v)]),
    /column 1 is .* combination of the intercept, column 0/,
  );
  assert.throws(
    () => ols([1, 2, 3, 5, 4], [x, [3, 3, 3, 3, 3]]),
    /column 1 is constant, which duplicates the intercept/,
  );
  assert.throws(
    () => ols([1, 2, NaN], [[1, 2, 3]]),
    /need more complete rows than coefficients \(2\), got 2 of 3/,
  );
  assert.throws(() => ols([1, 2, 3], [[1, 2]]), /column 0 has 2 rows, y has 3/);
  assert.throws(
    () => ols([1, 2, 3, 4], [[1, 3, 2, 5]], { lags: 2 }),
    /lags only applies with cov: "hac"/,
  );
});
