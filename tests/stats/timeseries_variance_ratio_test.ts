/**
 * varianceRatio on real hourly log BTC prices against a numpy reference, on a case derived by
 * hand, and for size and power on simulated series.
 *
 * The `arch` package (whose `VarianceRatio` defines the conventions copied here) is not
 * installable on this machine: Debian has no python3-arch and there is no PyPI. So the oracle is
 * NOT arch: it is `variance_ratio` in tests/oracles/timeseries.py, a numpy implementation written
 * from Campbell, Lo and MacKinlay (1997) sec. 2.4 (the formulas arch cites) with arch's
 * conventions, run with numpy 1.24.2 / scipy 1.10.1. The hand-derived case below checks both
 * implementations' formulas independently of either program.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { varianceRatio } from "@lib/stats/variance_ratio.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadLogPriceWindow } from "./_timeseries_window.ts";

interface VrCase {
  lags: number;
  overlap?: boolean;
  robust?: boolean;
  debiased?: boolean;
  ratio: number;
  statistic: number;
  pValue: number;
}

const oracle = JSON.parse(
  readFileSync(new URL("../oracles/timeseries.json", import.meta.url), "utf8"),
) as { firstTs: number; n: number; varianceRatio: VrCase[]; varianceRatioTrendN: VrCase };

function close(actual: number, expected: number, rel: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what}: ${actual} vs reference ${expected}`,
  );
}

realDataTest("varianceRatio equals the numpy CLM reference on real log BTC prices", () => {
  const w = loadLogPriceWindow(oracle.n);
  assert.equal(w.firstTs, oracle.firstTs, "same window as the oracle");
  const y = w.logPrices.BTC!;
  const cases = [...oracle.varianceRatio, { ...oracle.varianceRatioTrendN, trend: "n" as const }];
  for (const c of cases) {
    // timeseries.py: variance_ratio(log BTC, q, overlap, robust, debiased[, trend="n"])
    const r = varianceRatio(y, {
      lags: c.lags,
      overlap: c.overlap ?? true,
      robust: c.robust ?? true,
      debiased: c.debiased ?? true,
      trend: "trend" in c ? c.trend : "c",
    });
    const name = JSON.stringify({
      ...c,
      ratio: undefined,
      statistic: undefined,
      pValue: undefined,
    });
    // Same sums in a different order over 3,000 terms; the p-value goes through @stdlib's
    // normal cdf vs scipy's ndtr. Observed worst gaps: 3e-15 (ratio), 4e-14 (statistic), 2e-13
    // (p-value); 1e-10 is margin for other data, far below any formula change (> 1e-4).
    close(r.ratio, c.ratio, 1e-10, `${name} ratio`);
    close(r.statistic, c.statistic, 1e-10, `${name} statistic`);
    close(r.pValue, c.pValue, 1e-10, `${name} pValue`);
    assert.equal(r.lags, c.lags);
  }
});

Deno.test("varianceRatio matches a case worked by hand", () => {
  // y = [0, 1, 3, 2, 4]: T = 4 changes [1, 2, -1, 2], drift mu = 4 / 4 = 1, demeaned changes
  // d = [0, 1, -2, 1], sum d^2 = 6. q = 2 overlapping changes y_t - y_{t-2} - 2 mu = [1, -1, -1],
  // sum of squares 3.
  const y = [0, 1, 3, 2, 4];
  // plain: s1 = 6/4, sq = 3/(4*2) -> VR = 0.25; avar = 2*3*1/(3*2) = 1; stat = 2 * (-0.75) = -1.5
  let r = varianceRatio(y, { lags: 2, robust: false, debiased: false });
  assert.ok(Math.abs(r.ratio - 0.25) < 1e-15);
  assert.ok(Math.abs(r.statistic + 1.5) < 1e-15);
  // scipy 1.10.1: 2 * norm.sf(1.5) = 0.13361440253771617
  assert.ok(Math.abs(r.pValue - 0.13361440253771617) < 1e-14);
  // robust: squared d = [0, 1, 4, 1], lag-1 products 0 + 4 + 4 = 8, delta_1 = 4 * 8 / 36 = 8/9,
  // theta = (2 (2 - 1) / 2)^2 * 8/9 = 8/9; stat = 2 * (-0.75) / sqrt(8/9) = -9 / (4 sqrt 2)
  r = varianceRatio(y, { lags: 2, debiased: false });
  assert.ok(Math.abs(r.statistic + 9 / (4 * Math.SQRT2)) < 1e-14);
  // debiased: s1 = 6/3 = 2, m = 2 * (4 - 2 + 1) * (1 - 2/4) = 3, sq = 3/3 = 1 -> VR = 0.5;
  // stat = 2 * (-0.5) / sqrt(8/9) = -3 / (2 sqrt 2)
  r = varianceRatio(y);
  assert.ok(Math.abs(r.ratio - 0.5) < 1e-15);
  assert.ok(Math.abs(r.statistic + 3 / (2 * Math.SQRT2)) < 1e-14);
  assert.equal(r.nobs, 4);
  // non-overlapping: blocks y2 - y0 - 2 = 1, y4 - y2 - 2 = -1, sq = 2/4, VR = 0.5/1.5 = 1/3,
  // avar = 2 (2 - 1) = 2, stat = 2 (1/3 - 1) / sqrt 2
  r = varianceRatio(y, { lags: 2, overlap: false });
  assert.ok(Math.abs(r.ratio - 1 / 3) < 1e-15);
  assert.ok(Math.abs(r.statistic - (2 * (1 / 3 - 1)) / Math.SQRT2) < 1e-14);
  // non-overlapping trims the end so T is a multiple of q: 6 values -> the last one dropped
  assert.equal(varianceRatio([0, 1, 3, 2, 4, 9], { lags: 2, overlap: false }).ratio, r.ratio);
  // trend "n": mu = 0, d = [1, 2, -1, 2] (sum 10), q-changes [3, 1, 1] (sum 11): VR debiased
  // = (11 / 3) / (10 / 3) = 1.1
  assert.ok(Math.abs(varianceRatio(y, { trend: "n" }).ratio - 1.1) < 1e-15);
});

/** A random walk whose increments switch between calm and wild regimes (heteroskedastic). */
function hetWalk(seed: number, n: number, phi = 0): Float64Array {
  const rng = createRng(seed, 21);
  const y = new Float64Array(n);
  let e = 0;
  for (let t = 1; t < n; t++) {
    const vol = Math.floor(t / 250) % 2 === 0 ? 1 : 4;
    e = phi * e + vol * rng.normal();
    y[t] = y[t - 1]! + e;
  }
  return y;
}

Deno.test("varianceRatio: nominal size under heteroskedastic random walks, power under momentum", () => {
  // 400 walks of 2,000 bars, q = 5, robust z*: rejections at 5% should be ~5% (binomial sd 1.1
  // points; band [2%, 9%]). The i.i.d. statistic (robust: false) is not valid here and is not
  // tested for size.
  let rejections = 0, power = 0;
  const trials = 400;
  for (let seed = 0; seed < trials; seed++) {
    if (varianceRatio(hetWalk(seed, 2000), { lags: 5 }).pValue < 0.05) rejections++;
    if (seed < 50) {
      const r = varianceRatio(hetWalk(seed, 2000, 0.2), { lags: 5 });
      if (r.pValue < 0.05 && r.statistic > 0) power++;
    }
  }
  const rate = rejections / trials;
  assert.ok(rate >= 0.02 && rate <= 0.09, `size ${rate}`);
  // AR(1) increments with phi = 0.2: VR(5) ~ 1.4, rejected (positive) in nearly every sample
  assert.ok(power >= 45, `power ${power} / 50`);
});

Deno.test("varianceRatio refuses NaN, bad lags and too-short series", () => {
  assert.throws(() => varianceRatio([0, 1, NaN, 2, 3]), /y\[2\] is missing/);
  assert.throws(() => varianceRatio([0, 1, 2, 3, 4], { lags: 1 }), /lags must be an integer >= 2/);
  assert.throws(() => varianceRatio([0, 1, 2], { lags: 2 }), /at least 4 values/);
  assert.throws(() => varianceRatio([0, 1, 2], { lags: 2, overlap: false }), /at least 4/);
  assert.throws(() => varianceRatio([0, 1, 2, 3, 4, 5]), /no variation/);
});
