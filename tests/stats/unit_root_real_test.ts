/**
 * adf, kpss, engleGranger, mackinnonp and mackinnoncrit against statsmodels 0.13.5 on real
 * Binance log prices; tests/oracles/unit_root.py names every input and call:
 *   adfuller(x, maxlag, regression, autolag), kpss(x, regression, nlags),
 *   coint(y, x, trend, method="aeg", maxlag, autolag), mackinnonp(tau, regression, N),
 *   mackinnoncrit(N, regression, nobs).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { adf } from "@lib/stats/adf.ts";
import { kpss } from "@lib/stats/kpss.ts";
import { engleGranger } from "@lib/stats/engle_granger.ts";
import { mackinnoncrit, mackinnonp, type MacKinnonRegression } from "@lib/stats/mackinnon.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadPair, loadSeries, type PairSpec, type SeriesSpec } from "./_unit_root_data.ts";

type Autolag = "aic" | "bic" | "t-stat" | null;
type Reg = "c" | "ct" | "ctt" | "n";
const oracle = JSON.parse(
  readFileSync(new URL("../oracles/unit_root.json", import.meta.url), "utf8"),
) as {
  series: SeriesSpec[];
  pairs: PairSpec[];
  adf: {
    series: string;
    regression: Reg;
    autolag: Autolag;
    maxlag: number | null;
    statistic: number;
    pValue: number;
    usedLag: number;
    nobs: number;
    crit: number[];
    icBest: number | null;
    scaledStatistic?: number;
  }[];
  kpss: {
    series: string;
    regression: "c" | "ct";
    lags: "auto" | "legacy" | number;
    statistic: number;
    pValue: number;
    usedLags: number;
    crit: number[];
    clipped: "smaller" | "greater" | null;
  }[];
  coint: {
    pair: string;
    trend: Reg;
    autolag: Autolag;
    maxlag: number | null;
    statistic: number;
    pValue: number;
    crit: (number | null)[];
    hedgeRatios: number[];
    intercept: number;
  }[];
  mackinnonp: { taus: number[]; p: Record<Reg, number[][]> };
  mackinnoncrit: { regression: Reg; N: number; nobs: number | null; crit: number[] }[];
};

function close(actual: number, expected: number, rel: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), 1e-300),
    `${what}: ${actual} vs statsmodels ${expected} (rel ${
      Math.abs(actual - expected) / Math.abs(expected)
    })`,
  );
}

const ntrend = (r: Reg) => (r === "n" ? 0 : r.length);

realDataTest(
  "adf equals statsmodels adfuller on real log prices (4 regressions x 4 autolag modes)",
  () => {
    const inputs = new Map(oracle.series.map((s) => [s.name, loadSeries(s)]));
    let compared = 0, refused = 0;
    for (const c of oracle.adf) {
      const x = inputs.get(c.series)!;
      const what = `${c.series} ${c.regression} ${c.autolag} maxlag=${c.maxlag}`;
      const opts = {
        regression: c.regression,
        autolag: c.autolag,
        ...(c.maxlag === null ? {} : { maxlag: c.maxlag }),
      };
      // The largest regression statsmodels fitted: when it has no degrees of freedom left,
      // statsmodels returns a meaningless number (e.g. -0.0); we refuse instead.
      const cap = Math.floor(x.length / 2) - ntrend(c.regression) - 1;
      const p = c.maxlag ?? Math.min(cap, Math.ceil(12 * Math.pow(x.length / 100, 0.25)));
      if (x.length - 1 - p - (ntrend(c.regression) + 1 + p) < 1) {
        assert.throws(() => adf(x, opts), /no degrees of freedom/, what);
        refused++;
        continue;
      }
      const r = adf(x, opts);
      assert.equal(r.usedLag, c.usedLag, `${what}: usedLag`);
      assert.equal(r.nobs, c.nobs, `${what}: nobs`);
      // statsmodels fits each regression by pinv (SVD); we use Cholesky on exactly partialled-out
      // cross products. On c/n designs the two agree to ~1e-13, so 1e-10 relative is rounding
      // with margin. A trend costs statsmodels digits: its raw columns t (and t^2, up to 4e8)
      // sit beside a constant, and on BTC 1h long rescaling t moves its t-values by ~1e-9 (ct)
      // and ~1e-7 (ctt). So for ct we allow 2e-9; for ctt the oracle also refits with the
      // trend as t/n, an equivalent well-conditioned design (scaledStatistic): we must match
      // that to 1e-10, and the raw statsmodels number within twice its own error.
      let tol = c.regression === "ct" ? 2e-9 : 1e-10;
      if (c.scaledStatistic === undefined) {
        close(r.statistic, c.statistic, tol, `${what}: statistic`);
      } else {
        close(r.statistic, c.scaledStatistic, 1e-10, `${what}: statistic vs scaled-trend refit`);
        const own = Math.abs(c.scaledStatistic - c.statistic) / Math.abs(c.statistic);
        tol = 2 * own + 1e-10;
        close(r.statistic, c.statistic, tol, `${what}: statistic (statsmodels' own error ${own})`);
      }
      // Same response surface: the p-value moves by dp/dtau * dtau, and dp/dtau = phi(.) g'(tau)
      // stays below ~0.6 where p is not 0 or 1, so the statistic's tolerance serves, absolute.
      assert.ok(Math.abs(r.pValue - c.pValue) <= tol, `${what}: p ${r.pValue} vs ${c.pValue}`);
      // Critical values are the same polynomial in 1/nobs evaluated the same way: exact.
      assert.deepEqual(
        [r.criticalValues["1%"], r.criticalValues["5%"], r.criticalValues["10%"]],
        c.crit,
        `${what}: crit`,
      );
      if (c.icBest === null) assert.equal(r.icBest, null);
      // icBest is -2 llf + penalty from the same SSR, or |t| of the last lag ("t-stat"): the
      // statistic's tolerance.
      else close(r.icBest!, c.icBest, tol, `${what}: icBest`);
      compared++;
    }
    assert.ok(compared >= 150, `compared ${compared}`);
    assert.ok(refused >= 1 && refused <= 6, `refused ${refused}`);
  },
);

realDataTest("kpss equals statsmodels kpss on real log prices and returns", () => {
  const inputs = new Map(oracle.series.map((s) => [s.name, loadSeries(s)]));
  let clippedSmaller = 0, clippedGreater = 0, interior = 0;
  for (const c of oracle.kpss) {
    const what = `${c.series} ${c.regression} ${c.lags}`;
    const r = kpss(inputs.get(c.series)!, { regression: c.regression, lags: c.lags });
    assert.equal(r.lags, c.usedLags, `${what}: lags`);
    // Sums of squares and lagged products in a different order than numpy's pairwise sums:
    // ~1e-14 apart; 1e-10 is rounding with a wide margin.
    close(r.statistic, c.statistic, 1e-10, `${what}: statistic`);
    assert.ok(Math.abs(r.pValue - c.pValue) <= 1e-10, `${what}: p ${r.pValue} vs ${c.pValue}`);
    assert.deepEqual(
      [
        r.criticalValues["10%"],
        r.criticalValues["5%"],
        r.criticalValues["2.5%"],
        r.criticalValues["1%"],
      ],
      c.crit,
    );
    assert.equal(r.pValueClipped, c.clipped ?? undefined, `${what}: clipped`);
    if (c.clipped === "smaller") clippedSmaller++;
    else if (c.clipped === "greater") clippedGreater++;
    else interior++;
  }
  // The cases cover both clipped ends and interpolated p-values.
  assert.ok(clippedSmaller > 0 && clippedGreater > 0 && interior > 0);
});

realDataTest("engleGranger equals statsmodels coint (aeg) on real log-price pairs", () => {
  const inputs = new Map(oracle.pairs.map((p) => [p.name, loadPair(p)]));
  for (const c of oracle.coint) {
    const { y, xs } = inputs.get(c.pair)!;
    const what = `${c.pair} ${c.trend} ${c.autolag} maxlag=${c.maxlag}`;
    const r = engleGranger(y, xs.length === 1 ? xs[0]! : xs, {
      trend: c.trend,
      autolag: c.autolag,
      ...(c.maxlag === null ? {} : { maxlag: c.maxlag }),
    });
    // The cointegrating regression is well conditioned for c/ct (QR vs pinv: ~1e-12); a raw
    // t^2 column (ctt) costs statsmodels digits as in the ADF test above.
    const tol = c.trend === "ctt" ? 1e-7 : 1e-9;
    close(r.statistic, c.statistic, tol, `${what}: statistic`);
    assert.ok(Math.abs(r.pValue - c.pValue) <= tol, `${what}: p ${r.pValue} vs ${c.pValue}`);
    c.hedgeRatios.forEach((b, j) => close(r.hedgeRatios[j]!, b, tol, `${what}: hedge ${j}`));
    assert.equal(r.hedgeRatio, r.hedgeRatios[0]);
    if (c.trend === "n") assert.equal(r.intercept, 0);
    else close(r.intercept, c.intercept, tol, `${what}: intercept`);
    const crit = [r.criticalValues["1%"], r.criticalValues["5%"], r.criticalValues["10%"]];
    // Exact: same polynomial, N = 1 + number of x, nobs - 1 as statsmodels (and Stata) use.
    if (c.trend === "n") assert.ok(crit.every(Number.isNaN));
    else assert.deepEqual(crit, c.crit);
    assert.equal(r.nobs, y.length);
    assert.equal(r.residuals.length, y.length);
  }
});

realDataTest("mackinnonp and mackinnoncrit reproduce statsmodels' tables", () => {
  const { taus, p } = oracle.mackinnonp;
  for (const reg of ["n", "c", "ct", "ctt"] as MacKinnonRegression[]) {
    for (let n = 1; n <= 6; n++) {
      taus.forEach((tau, i) => {
        // The same polynomial, Horner-evaluated; only the normal cdf implementation differs
        // (@stdlib vs scipy), at ~1e-16.
        const expected = p[reg][n - 1]![i]!;
        const got = mackinnonp(tau, reg, n);
        assert.ok(
          Math.abs(got - expected) <= 1e-14,
          `${reg} N=${n} tau=${tau}: ${got} vs ${expected}`,
        );
      });
    }
  }
  for (const c of oracle.mackinnoncrit) {
    assert.deepEqual(
      [...mackinnoncrit(c.N, c.regression, c.nobs ?? Infinity)],
      c.crit,
      `${c.regression} N=${c.N} nobs=${c.nobs}`,
    );
  }
});
