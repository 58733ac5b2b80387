/**
 * The shared regression kernel (leastSquares, neweyWest) and the FDR adjustments against
 * statsmodels 0.13.5 on real Binance hourly log returns; see tests/oracles/stats_foundation.py
 * for the exact calls.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { leastSquares } from "@lib/stats/least_squares.ts";
import { neweyWest } from "@lib/stats/newey_west.ts";
import { benjaminiHochberg } from "@lib/stats/benjamini_hochberg.ts";
import { benjaminiYekutieli } from "@lib/stats/benjamini_yekutieli.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadRealHourlyReturns } from "./_real_returns.ts";

const oracle = JSON.parse(
  readFileSync(new URL("../oracles/stats_foundation.json", import.meta.url), "utf8"),
) as {
  firstRowTs: number;
  n: number;
  params: number[];
  bse: number[];
  ssr: number;
  hacBse: number[];
  meanHacBse: number;
  pValues: number[];
  bh: number[];
  by: number[];
};

function rows() {
  const r = loadRealHourlyReturns(["BTC", "ETH", "SOL"]);
  const btc: number[] = [], eth: number[] = [], sol: number[] = [];
  let firstTs = NaN;
  for (let t = 0; t < r.length && sol.length < oracle.n; t++) {
    const a = r.columns.BTC![t]!, b = r.columns.ETH![t]!, c = r.columns.SOL![t]!;
    if (Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c)) {
      if (sol.length === 0) firstTs = r.firstTs + t * 3_600_000;
      btc.push(a);
      eth.push(b);
      sol.push(c);
    }
  }
  return { btc, eth, sol, firstTs };
}

function close(actual: number, expected: number, rel: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what}: ${actual} vs statsmodels ${expected}`,
  );
}

realDataTest("leastSquares and neweyWest equal statsmodels OLS and HAC on real returns", () => {
  const { btc, eth, sol, firstTs } = rows();
  assert.equal(firstTs, oracle.firstRowTs, "same rows as the oracle");
  const ones = sol.map(() => 1);
  const fit = leastSquares([ones, btc, eth], sol)!;
  // statsmodels solves by pinv (SVD); QR agrees to ~1e-12 relative on a design this well
  // conditioned, so 1e-9 leaves room for summation order and nothing more.
  for (let j = 0; j < 3; j++) close(fit.coef[j]!, oracle.params[j]!, 1e-9, `params[${j}]`);
  close(fit.ssr, oracle.ssr, 1e-10, "ssr");
  const sigma2 = fit.ssr / (fit.n - fit.k);
  for (let j = 0; j < 3; j++) {
    close(Math.sqrt(sigma2 * fit.xtxInv[j * 3 + j]!), oracle.bse[j]!, 1e-9, `bse[${j}]`);
  }
  // statsmodels 0.13.5 OLS.fit(cov_type="HAC", cov_kwds={"maxlags": 10}).bse
  const hac = neweyWest([ones, btc, eth], fit.residuals, { lags: 10 });
  for (let j = 0; j < 3; j++) close(hac.standardErrors[j]!, oracle.hacBse[j]!, 1e-9, `hac[${j}]`);
  // statsmodels 0.13.5 OLS(y, ones).fit(cov_type="HAC", cov_kwds={"maxlags": 24}).bse[0]
  const m = sol.reduce((a, b) => a + b, 0) / sol.length;
  const meanHac = neweyWest([ones], sol.map((v) => v - m), { lags: 24 });
  close(meanHac.standardErrors[0]!, oracle.meanHacBse, 1e-9, "mean HAC");
});

realDataTest("benjaminiHochberg / benjaminiYekutieli equal statsmodels multipletests", () => {
  // statsmodels 0.13.5 multipletests(p, method="fdr_bh" | "fdr_by")[1]; pure arithmetic on the
  // same p-values, so only rounding separates the two.
  const bh = benjaminiHochberg(oracle.pValues);
  const by = benjaminiYekutieli(oracle.pValues);
  for (let i = 0; i < oracle.pValues.length; i++) {
    close(bh[i]!, oracle.bh[i]!, 1e-12, `bh[${i}]`);
    close(by[i]!, oracle.by[i]!, 1e-12, `by[${i}]`);
  }
});

Deno.test("FDR: NaN p-values stay NaN but count as p = 1; out-of-range ones are refused", () => {
  // m = 3 as for [0.01, 1, 0.02]: statsmodels 0.13.5 multipletests([0.01, 1, 0.02], "fdr_bh")
  // gives [0.03, 1, 0.03]
  const q = benjaminiHochberg([0.01, NaN, 0.02]);
  assert.ok(Number.isNaN(q[1]!));
  assert.ok(Math.abs(q[0]! - 0.03) < 1e-15 && Math.abs(q[2]! - 0.03) < 1e-15);
  assert.throws(() => benjaminiHochberg([0.5, 1.5]), /p-value 1 is 1.5, outside \[0, 1\]/);
});

Deno.test("leastSquares refuses a rank-deficient design and mismatched lengths", () => {
  assert.equal(leastSquares([[1, 1, 1, 1], [1, 2, 3, 4], [2, 4, 6, 8]], [1, 2, 3, 5]), null);
  assert.throws(() => leastSquares([[1, 2]], [1, 2, 3]), /column 0 has 2 rows, y has 3/);
  assert.throws(() => neweyWest([[1, 1]], [NaN, 1]), /residual 0 is not finite/);
});
