/**
 * Unit-root and cointegration tests on simulated data (seeded, lib/stats/rng.ts): nominal
 * rejection rates under the null, recovery of a planted cointegrated pair, the refusal of
 * return spreads, missing-data rules, and an independent brute-force check of the fast ADF core
 * (every lag refitted with leastSquares, statsmodels' recipe step by step).
 */
import assert from "node:assert/strict";
import { adf } from "@lib/stats/adf.ts";
import { kpss } from "@lib/stats/kpss.ts";
import { engleGranger } from "@lib/stats/engle_granger.ts";
import { leastSquares } from "@lib/stats/least_squares.ts";
import { createRng, type Rng } from "@lib/stats/rng.ts";

function walk(rng: Rng, n: number, start = 0, scale = 1): Float64Array {
  const x = new Float64Array(n);
  let v = start;
  for (let t = 0; t < n; t++) {
    v += scale * rng.normal();
    x[t] = v;
  }
  return x;
}

function diff(x: Float64Array): Float64Array {
  return x.slice(1).map((v, i) => v - x[i]!);
}

// Binomial band for 400 draws at 5%: mean 20, sd sqrt(400 * 0.05 * 0.95) = 4.36. [6, 36] is
// about -3.2 / +3.7 sd (the upper side wider because finite-sample size distortions of
// asymptotic p-values are upward); a correct test falls outside with probability < 1e-3.
const SEEDS = 400;
const LOW = 6, HIGH = 36;

Deno.test("adf rejects independent random walks at about the nominal 5% rate (400 seeds)", () => {
  let rejected = 0;
  for (let s = 0; s < SEEDS; s++) {
    if (adf(walk(createRng(1000 + s), 500)).pValue < 0.05) rejected++;
  }
  assert.ok(rejected >= LOW && rejected <= HIGH, `rejected ${rejected} of ${SEEDS}`);
});

Deno.test("engleGranger rejects independent random walks at about the nominal 5% rate (400 seeds)", () => {
  let rejected = 0;
  for (let s = 0; s < SEEDS; s++) {
    const rng = createRng(5000 + s);
    const x = walk(rng, 500, 3, 0.01), y = walk(rng, 500, 5, 0.01);
    if (engleGranger(y, x).pValue < 0.05) rejected++;
  }
  assert.ok(rejected >= LOW && rejected <= HIGH, `rejected ${rejected} of ${SEEDS}`);
});

Deno.test("kpss rejects white noise at about the nominal 5% rate (400 seeds)", () => {
  let rejected = 0;
  for (let s = 0; s < SEEDS; s++) {
    const rng = createRng(9000 + s);
    const x = Float64Array.from({ length: 500 }, () => rng.normal());
    if (kpss(x).pValue < 0.05) rejected++;
  }
  assert.ok(rejected >= LOW && rejected <= HIGH, `rejected ${rejected} of ${SEEDS}`);
});

Deno.test("engleGranger finds a planted pair y = 1.5 x + 0.3 + AR(1) with the right hedge ratio", () => {
  let refusals = 0, sumErr = 0;
  for (let s = 0; s < 50; s++) {
    const rng = createRng(77, s);
    const n = 2000;
    const x = walk(rng, n, 4, 0.01);
    const y = new Float64Array(n);
    let u = 0;
    for (let t = 0; t < n; t++) {
      u = 0.9 * u + 0.004 * rng.normal(); // half-life ~6.6 bars
      y[t] = 1.5 * x[t]! + 0.3 + u;
    }
    // A random walk rejects its own unit root at 1% in ~1% of samples, and y follows x, so the
    // default call refuses such a sample (count below); recovery is checked on every sample.
    try {
      engleGranger(y, x);
    } catch (e) {
      if (!(e instanceof RangeError) || !/stationary by construction/.test(e.message)) throw e;
      refusals++;
    }
    const r = engleGranger(y, x, { allowStationaryInputs: true });
    assert.ok(r.pValue < 0.01, `seed ${s}: p ${r.pValue}`);
    assert.ok(r.statistic < r.criticalValues["1%"]);
    // OLS is superconsistent (error O(1/n)) but heavy-tailed: over 400 seeds of this design
    // the error has rms 0.0067 and max 0.027, so 0.05 per sample, and the mean over 50 below.
    assert.ok(Math.abs(r.hedgeRatio - 1.5) < 0.05, `seed ${s}: hedge ${r.hedgeRatio}`);
    sumErr += r.hedgeRatio - 1.5;
    // The intercept error is about -mean(x) (~4) times the hedge error.
    assert.ok(Math.abs(r.intercept - 0.3) < 0.25, `seed ${s}: intercept ${r.intercept}`);
    let maxDev = 0;
    for (let t = 0; t < n; t++) {
      maxDev = Math.max(
        maxDev,
        Math.abs(r.residuals[t]! - (y[t]! - r.hedgeRatio * x[t]! - r.intercept)),
      );
    }
    assert.ok(maxDev < 1e-12, "residuals are y - hedgeRatio x - intercept");
  }
  // Expected 0.5 of 50 (binomial, p = 0.01); 4 or more has probability < 2e-3.
  assert.ok(refusals <= 3, `${refusals} false refusals of I(1) pairs in 50`);
  // Mean error over 50 seeds: sd ~0.0067 / sqrt(50) = 0.001; 0.004 is 4 sd.
  assert.ok(Math.abs(sumErr / 50) < 0.004, `mean hedge error ${sumErr / 50}`);
});

Deno.test("engleGranger refuses a return spread, explains why, and allows an override", () => {
  const rng = createRng(21);
  const px = walk(rng, 1500, 3, 0.01), py = walk(rng, 1500, 2, 0.01);
  const rx = diff(px), ry = diff(py);
  assert.throws(
    () => engleGranger(ry, rx),
    (e: unknown) =>
      e instanceof RangeError && /stationary by construction/.test(e.message) &&
      /Pass log prices/.test(e.message) && /allowStationaryInputs/.test(e.message),
  );
  const forced = engleGranger(ry, rx, { allowStationaryInputs: true });
  assert.ok(forced.pValue < 0.01, "returns always 'cointegrate': the reason for the refusal");
  // One stationary input and one I(1) input is a legitimate (if odd) question: no refusal.
  assert.doesNotThrow(() => engleGranger(py.slice(1), rx));
  // Log prices of the same pair: accepted.
  assert.doesNotThrow(() => engleGranger(py, px));
});

Deno.test("engleGranger with several x, trend n/ct, and an exact fit", () => {
  const rng = createRng(3);
  const n = 800;
  const x1 = walk(rng, n, 1, 0.01), x2 = walk(rng, n, 2, 0.01);
  const y = x1.map((v, t) => 0.7 * v - 0.4 * x2[t]! + 0.01 * rng.normal());
  const r = engleGranger(y, [x1, x2]);
  assert.equal(r.hedgeRatios.length, 2);
  assert.ok(Math.abs(r.hedgeRatios[0]! - 0.7) < 0.02 && Math.abs(r.hedgeRatios[1]! + 0.4) < 0.02);
  assert.ok(r.pValue < 0.01);
  const rn = engleGranger(y, [x1, x2], { trend: "n" });
  assert.ok(Number.isNaN(rn.criticalValues["5%"]) && rn.intercept === 0);
  // y an exact linear function of x: statsmodels skips the ADF and returns -inf, p 0.
  const exact = engleGranger(x1.map((v) => 2 * v + 1), x1);
  assert.equal(exact.statistic, -Infinity);
  assert.equal(exact.pValue, 0);
  assert.ok(Number.isNaN(exact.usedLag));
  assert.throws(() => engleGranger(y, [x1, x2, x1, x2, x1, x2]), /at most 5 x series/);
  assert.throws(() => engleGranger(y, x1.slice(1)), /y has 800 values but x\[0\] has 799/);
});

Deno.test("missing data: edges trimmed, gaps refused with advice, engleGranger missing: drop", () => {
  const rng = createRng(8);
  const x = walk(rng, 600);
  const padded = new Float64Array(610).fill(NaN);
  padded.set(x, 4);
  const a = adf(padded), b = adf(x);
  assert.equal(a.statistic, b.statistic);
  assert.equal(a.start, 4);
  const holed = x.slice();
  holed[300] = NaN;
  assert.throws(() => adf(holed), /value 300 is NaN inside the series.*Drop or fill the gap/);
  assert.throws(() => kpss(holed), /forward-fill a price/);

  const y = x.map((v) => 0.5 * v + rng.normal());
  const yHoled = y.slice();
  yHoled[100] = NaN;
  assert.throws(() => engleGranger(yHoled, x), /row 100 has a missing value.*missing: "drop"/);
  const dropped = engleGranger(yHoled, x, { missing: "drop" });
  const keep = (s: Float64Array) => s.filter((_, t) => t !== 100);
  const compact = engleGranger(keep(y), keep(x));
  assert.equal(dropped.statistic, compact.statistic);
  assert.equal(dropped.nobs, 599);
  assert.ok(Number.isNaN(dropped.residuals[100]!) && dropped.residuals.length === 600);
  assert.equal(dropped.residuals[101], compact.residuals[100]);
});

Deno.test("options are validated with statsmodels' rules", () => {
  const x = walk(createRng(2), 100);
  assert.throws(
    () => adf(x, { regression: "x" as "c" }),
    /regression must be "c", "ct", "ctt" or "n"/,
  );
  assert.throws(() => adf(x, { autolag: "hqic" as "aic" }), /autolag must be/);
  assert.throws(
    () => adf(x, { maxlag: 49 }),
    /maxlag must be at most floor\(n\/2\) - ntrend - 1 = 48/,
  );
  assert.throws(() => adf(x, { maxlag: -1 }), /maxlag must be an integer >= 0/);
  assert.throws(() => adf([1, 2, 3]), /too few|no degrees of freedom/);
  assert.equal(adf(x, { autolag: "AIC" as "aic" }).usedLag, adf(x).usedLag); // case-insensitive
  assert.throws(() => adf(new Float64Array(50).fill(1)), /collinear/);
  assert.throws(() => kpss(x, { lags: 100 }), /lags must be an integer in \[0, 99\]/);
  assert.throws(() => kpss(x, { regression: "ctt" as "c" }), /regression must be "c" or "ct"/);
});

/** statsmodels' adfuller recipe, step by step, with a QR fit per lag (no shortcuts). */
function bruteAdf(
  x: Float64Array,
  reg: "c" | "ct" | "ctt" | "n",
  autolag: "aic" | "bic" | "t-stat" | null,
  maxlag: number,
) {
  const d = diff(x);
  const fit = (p: number, lags: number) => {
    // sample left by p lags; regressors [trend..., level, lag 1..lags]
    const nobs = d.length - p;
    const cols: Float64Array[] = [];
    const tr = reg === "n" ? 0 : reg.length;
    if (tr >= 1) cols.push(new Float64Array(nobs).fill(1));
    if (tr >= 2) cols.push(Float64Array.from({ length: nobs }, (_, i) => (i + 1) / nobs));
    if (tr >= 3) cols.push(Float64Array.from({ length: nobs }, (_, i) => ((i + 1) / nobs) ** 2));
    cols.push(Float64Array.from({ length: nobs }, (_, r) => x[p + r]!));
    for (let j = 1; j <= lags; j++) {
      cols.push(Float64Array.from({ length: nobs }, (_, r) => d[p + r - j]!));
    }
    const y = d.slice(p);
    const f = leastSquares(cols, y)!;
    const k = cols.length;
    const s2 = f.ssr / (nobs - k);
    const t = (j: number) => f.coef[j]! / Math.sqrt(s2 * f.xtxInv[j * k + j]!);
    const llf = -nobs / 2 * Math.log(2 * Math.PI) - nobs / 2 * Math.log(f.ssr / nobs) - nobs / 2;
    return {
      aic: -2 * llf + 2 * k,
      bic: -2 * llf + Math.log(nobs) * k,
      tLast: t(k - 1),
      tLevel: t(tr),
    };
  };
  let used = maxlag;
  if (autolag === "aic" || autolag === "bic") {
    let best = Infinity;
    for (let l = 0; l <= maxlag; l++) {
      const v = fit(maxlag, l)[autolag];
      if (v < best) [best, used] = [v, l];
    }
  } else if (autolag === "t-stat") {
    for (let l = maxlag; l >= 0; l--) {
      used = l;
      if (Math.abs(fit(maxlag, l).tLast) >= 1.6448536269514722) break;
    }
  }
  return { statistic: fit(used, used).tLevel, usedLag: used };
}

Deno.test("the fast ADF core equals a brute-force refit of every lag (all regressions and rules)", () => {
  for (let s = 0; s < 6; s++) {
    const rng = createRng(400 + s);
    const n = 300;
    const x = new Float64Array(n);
    let e = 0;
    for (let t = 1; t < n; t++) {
      e = 0.4 * e + rng.normal(); // serially correlated differences make the lag choice matter
      x[t] = (s % 2 === 0 ? 1 : 0.97) * x[t - 1]! + e + 0.05;
    }
    for (const reg of ["c", "ct", "ctt", "n"] as const) {
      for (const al of ["aic", "bic", "t-stat", null] as const) {
        const r = adf(x, { regression: reg, autolag: al, maxlag: 12 });
        const b = bruteAdf(x, reg, al, 12);
        assert.equal(r.usedLag, b.usedLag, `seed ${s} ${reg} ${al}: lag`);
        assert.ok(
          Math.abs(r.statistic - b.statistic) <= 1e-10 * Math.abs(b.statistic),
          `seed ${s} ${reg} ${al}: ${r.statistic} vs ${b.statistic}`,
        );
      }
    }
  }
});
