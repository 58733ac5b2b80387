/**
 * Rolling regressions on windows where a regressor (or the response) is exactly constant, after
 * the rolling updates have run for a while: eight zero returns of an illiquid coin in a row.
 * The documented answer is NaN (rank-deficient design), never a ratio of rounding residues.
 * Oracle: statsmodels 0.13.5 `RollingOLS(...).fit(reset=1)` on Binance.US 1-minute bars (see
 * tests/oracles/rolling_constant.py), whose moment matrix is rebuilt from each window's rows.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { rollingOls } from "@lib/stats/rolling_ols.ts";
import { rollingBeta } from "@lib/stats/rolling_beta.ts";
import { rollingBetaCausal } from "@lib/stats/rolling_beta_causal.ts";
import { ols } from "@lib/stats/ols.ts";
import { rollingStat } from "@lib/stats/rolling_stat.ts";
import { spreadZScore } from "@lib/research/pairs/spread.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { near } from "./_regression_data.ts";

// deno-lint-ignore no-explicit-any
const oracle: any = JSON.parse(
  readFileSync(new URL("../oracles/rolling_constant.json", import.meta.url), "utf8"),
);

// 16 bars, window 8: the moments are recomputed exactly at t = 7 and t = 15 only, so the
// window ending at t = 14 (rows 7..14, all zero) is reached by seven Welford removals of
// nonzero rows: its mean and centered sum of squares are rounding residues, not zeros.
const x1 = [
  0.0123,
  -0.0211,
  0.0307,
  0.0054,
  -0.0139,
  0.0241,
  -0.0093,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0.011,
];
const x2 = x1.map((_, i) => Math.sin(3.1 * i) / 100);
const y16 = x1.map((v, i) => 0.0004 + 1.3 * v + 0.7 * x2[i]! + Math.cos(5.3 * i) / 1000);

Deno.test("rollingOls: a regressor of eight zero returns gives NaN, not a ratio of noise (16 bars)", () => {
  const x3 = x2.map((v, i) => v * v + i * 1e-5);
  // One regressor (general kernel), two (scalar kernel), three (general kernel).
  for (const xs of [[x1], [x1, x2], [x1, x2, x3]]) {
    const r = rollingOls(y16, xs, { window: 8 });
    const what = `${xs.length} regressor(s)`;
    assert.ok(Number.isNaN(r.alpha[14]!), `${what}: alpha[14] = ${r.alpha[14]}`);
    for (let j = 0; j < xs.length; j++) {
      assert.ok(Number.isNaN(r.betas[j]![14]!), `${what}: beta ${j} at 14 = ${r.betas[j]![14]}`);
    }
    assert.ok(Number.isNaN(r.rSquared[14]!) && Number.isNaN(r.residuals[14]!));
    // Every other window holds a nonzero x1: the per-window QR fit (ols) on the same rows.
    for (const t of [7, 8, 12, 13, 15]) {
      const f = ols(y16.slice(t - 7, t + 1), xs.map((x) => x.slice(t - 7, t + 1)));
      for (let j = 0; j < xs.length; j++) {
        near(r.betas[j]![t]!, f.coef[j + 1]!, 1e-8, 1e-12, `${what}: beta ${j} at ${t}`);
      }
      near(r.alpha[t]!, f.coef[0]!, 1e-8, 1e-12, `${what}: alpha at ${t}`);
    }
    // The causal variant: entry 15 is the fit on rows 7..14.
    const c = rollingOls(y16, xs, { window: 8, causal: true });
    assert.ok(Number.isNaN(c.betas[0]![15]!) && Number.isNaN(c.residuals[15]!));
  }
});

Deno.test("rollingBeta and rollingBetaCausal: eight zero returns of x give NaN (16 bars)", () => {
  const b = rollingBeta(y16, x1, 8);
  assert.ok(Number.isNaN(b[14]!), `rollingBeta[14] = ${b[14]}`);
  const c = rollingBetaCausal(y16, x1, 8);
  assert.ok(Number.isNaN(c[15]!), `rollingBetaCausal[15] = ${c[15]}`);
  // The windows around it hold a nonzero x: cov/var on the window (ols on the same rows).
  for (const t of [13, 15]) {
    const f = ols(y16.slice(t - 7, t + 1), [x1.slice(t - 7, t + 1)]);
    near(b[t]!, f.coef[1]!, 1e-9, 1e-12, `rollingBeta at ${t}`);
  }
  // A constant nonzero regressor (a stale price feed) is constant too.
  const stale = x1.map((v, i) => (i >= 7 && i <= 14 ? 0.0123 : v));
  assert.ok(Number.isNaN(rollingBeta(y16, stale, 8)[14]!));
});

/** BTC log returns from a Binance.US 1-minute CSV (row 0 NaN), as the oracle reads them. */
function minuteReturns(quote: string): Float64Array {
  const text = readFileSync(
    realPath(
      "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m",
      `BTC${quote}_1m_20230301_20230321.csv`,
    ),
    "utf8",
  );
  const lines = text.trim().split("\n").slice(1);
  const close = lines.map((l) => Number(l.split(",")[4]));
  const r = new Float64Array(close.length).fill(NaN);
  for (let i = 1; i < close.length; i++) r[i] = Math.log(close[i]!) - Math.log(close[i - 1]!);
  return r;
}

// Away from the constant windows statsmodels' inv(X'X) and our centered Cholesky (or QR) agree
// to rounding; minute returns are ~1e-4, so windows can be poorly conditioned: 1e-7 relative,
// 1e-9 absolute on coefficients of order 1.
const REL = 1e-7, ABS = 1e-9;

function check(
  r: ReturnType<typeof rollingOls>,
  // deno-lint-ignore no-explicit-any
  o: any,
  what: string,
): number {
  let nan = 0;
  oracle.index.forEach((t: number, i: number) => {
    const p: number[] | null = o.params[i];
    const got = [r.alpha[t]!, ...r.betas.map((b) => b[t]!)];
    if (p === null) {
      nan++;
      assert.ok(got.every(Number.isNaN), `${what} row ${t}: statsmodels NaN, got ${got}`);
      return;
    }
    p.forEach((v, j) => near(got[j]!, v, REL, ABS, `${what} row ${t} param ${j}`));
    const r2 = o.rsquared[i];
    if (r2 === null) assert.ok(Number.isNaN(r.rSquared[t]!), `${what} r2 at ${t}`);
    else near(r.rSquared[t]!, r2, REL, ABS, `${what} r2 at ${t}`);
  });
  return nan;
}

realDataTest(
  "rollingOls on Binance.US BTCUSDC minute returns (zero-return runs) equals RollingOLS(reset=1)",
  () => {
    const usdc = minuteReturns("USDC"), usdt = minuteReturns("USDT"), usd = minuteReturns("USD");
    assert.equal(usdc.length, oracle.length);
    const w = oracle.window as number;
    const constant = oracle.constantWindows as number[];
    assert.ok(constant.length > 1000, `only ${constant.length} constant windows`);
    // statsmodels uses min_nobs = k + 1 but needs a full window here (row 0 is the only NaN).
    const two = rollingOls(usdt, [usdc, usd], { window: w, minObs: 3 });
    const one = rollingOls(usdt, [usdc], { window: w, minObs: 2 });
    assert.equal(check(two, oracle.two, "two"), constant.length);
    assert.equal(check(one, oracle.one, "one"), constant.length);
    // A constant response: slope 0 and intercept 0 exactly, R² NaN (0/0), as statsmodels.
    const yc = rollingOls(usdc, [usdt], { window: w, minObs: 2 });
    check(yc, oracle.yconst, "yconst");
    // rollingBeta (pandas-style cov/var) agrees on every window: NaN exactly on the constant ones.
    const rb = rollingBeta(usdt, usdc, w);
    const isConst = new Uint8Array(usdc.length);
    for (const t of constant) isConst[t] = 1;
    for (let t = w; t < usdc.length; t++) {
      if (isConst[t] === 1) assert.ok(Number.isNaN(rb[t]!), `rollingBeta[${t}] = ${rb[t]}`);
      else near(rb[t]!, one.betas[0]![t]!, 1e-7, 1e-9, `rollingBeta at ${t}`);
    }
  },
);

Deno.test("rollingStat and spreadZScore: eight equal values after moving ones have std exactly 0, no z", () => {
  // x1: seven moves, then eight zero returns (rows 7..14), then a move.
  const x = Float64Array.from(x1);
  const sd = rollingStat(x, 8, 8, "std");
  assert.equal(sd[14], 0);
  assert.ok(sd[13]! > 0 && sd[15]! > 0);
  assert.equal(rollingStat(x, 8, 8, "mean")[14], 0);
  // A spread stuck at one level: no scale, so no z-score (NaN) and a std of exactly 0. Before,
  // spreadZScore rolled Welford moments and left a residue: at level 0 a std of 2e-10 and a
  // finite z of 1e-9, at level 1.7 a std of 1e-9 and a z of -4e-7.
  for (const level of [0, 1.7, 0.013, 0.25]) {
    const spread = x.map((v, i) => (i >= 7 && i <= 14 ? level : level + v));
    const causal = spreadZScore(spread, { window: 8 });
    assert.equal(causal.std[15], 0, `level ${level}`);
    assert.ok(Number.isNaN(causal.zScore[15]!), `level ${level}: z ${causal.zScore[15]}`);
    const now = spreadZScore(spread, { window: 8, causal: false });
    assert.equal(now.std[14], 0, `level ${level}`);
    assert.ok(Number.isNaN(now.zScore[14]!) && Number.isFinite(now.zScore[15]!));
  }
});
