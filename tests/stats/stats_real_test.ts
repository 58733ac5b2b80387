import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { realDataTest } from "../_shared/real_data.ts";
import { loadRealHourlyReturns, type RealReturns } from "./_real_returns.ts";
import { closeSpan, spanningLogReturns } from "@lib/panel/mod.ts";
import {
  annualizedReturn,
  annualizedVolatility,
  autocorrelation,
  correlationMatrix,
  cumulativeReturns,
  excessKurtosis,
  maxDrawdown,
  mean,
  pearson,
  rollingBeta,
  rollingBetaCausal,
  sharpeRatio,
  std,
} from "@lib/stats/mod.ts";

// Oracle: tests/oracles/stats_real.py with pandas 1.5.3 / numpy 1.24.2 (Debian python3) on the
// real Binance hourly candles of BTC, ETH, SOL, BNB, ADA (2017-08 .. 2022, 45,151 grid hours,
// SOL only from 2020). Each assertion names the pandas call it is compared with.
type Nullable = number | null;
interface AssetOracle {
  count: number;
  mean: number;
  std: number;
  std0: number;
  annLogReturn: number;
  annGeometricReturn: number;
  annVolatility: number;
  sharpe: number;
  sharpeRf5: number;
  kurt: number;
  autocorr1: number;
  autocorrSq1: number;
  autocorrSq24: number;
  drawdown: { maxDrawdown: number; peakIndex: number; troughIndex: number; recoveryIndex: number };
  cumulative: [number, Nullable][];
  spanning: {
    firstIndex: number;
    lastIndex: number;
    elapsed: number;
    missingInside: number;
    returns: number;
    total: number;
    annLogReturn: number;
    annGeometricReturn: number;
    maxDrawdown: number;
    troughIndex: number;
    cumulative: [number, Nullable][];
  };
}
interface Oracle {
  assets: string[];
  firstTs: number;
  gridLength: number;
  periodsPerYear: number;
  perAsset: Record<string, AssetOracle>;
  pearsonBtcEth: number;
  corr: Nullable[][];
  corrMin20000: Nullable[][];
  rollingBeta: {
    window: number;
    minObs: number;
    y: Record<string, { finite: number; sumFinite: number; samples: [number, Nullable][] }>;
  };
}
const O = JSON.parse(
  readFileSync(new URL("../oracles/stats_real.json", import.meta.url), "utf8"),
) as Oracle;

// Tolerance: sums of ~45k hourly returns in a different order (numpy pairwise summation vs our
// two-pass loop) differ by a few ulps times sqrt(n) ~ 200 ulps ~ 5e-14 relative; 1e-12 relative
// leaves a margin and still catches any wrong ddof, missing-value rule or annualization (those
// move results by >= 1e-5 relative).
const REL = 1e-12;
function near(actual: number, expected: Nullable, tol: number, what: string) {
  if (expected === null) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  const err = Math.abs(actual - expected);
  assert.ok(
    err <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs pandas ${expected} (err ${err})`,
  );
}

let data: RealReturns | undefined;
const load = () => (data ??= loadRealHourlyReturns(O.assets));

realDataTest("real hourly grid matches the oracle's", () => {
  const d = load();
  assert.equal(d.firstTs, O.firstTs);
  assert.equal(d.length, O.gridLength);
});

realDataTest("summary statistics match pandas on real hourly returns", () => {
  const d = load();
  const ppy = O.periodsPerYear;
  for (const a of O.assets) {
    const r = d.columns[a]!, o = O.perAsset[a]!;
    // pandas Series.mean() / Series.std() (ddof=1) / Series.std(ddof=0)
    near(mean(r), o.mean, REL, `${a} mean`);
    near(std(r), o.std, REL, `${a} std`);
    near(std(r, 0), o.std0, REL, `${a} std ddof 0`);
    // mean * 8760, expm1(mean * 8760), std * sqrt(8760)
    const ann = annualizedReturn(r, ppy);
    assert.equal(ann.periods, o.count, `${a} Series.count()`);
    near(ann.logReturn, o.annLogReturn, REL, `${a} annualized log return`);
    near(ann.geometricReturn, o.annGeometricReturn, REL, `${a} geometric return`);
    near(annualizedVolatility(r, ppy), o.annVolatility, REL, `${a} annualized volatility`);
    // mean / std * sqrt(8760); with rf: (mean - log1p(0.05) / 8760) / std * sqrt(8760)
    near(sharpeRatio(r, ppy), o.sharpe, REL, `${a} Sharpe`);
    near(sharpeRatio(r, ppy, 0.05), o.sharpeRf5, REL, `${a} Sharpe rf 5%`);
    // Series.kurt(): 4th powers of returns amplify the summation-order error; 1e-10 relative
    near(excessKurtosis(r), o.kurt, 1e-10, `${a} excess kurtosis`);
    // Series.autocorr(1) of r and of r*r, and (r*r).autocorr(24)
    near(autocorrelation(r, 1), o.autocorr1, 1e-10, `${a} autocorr lag 1`);
    const sq = r.map((v) => v * v);
    near(autocorrelation(sq, 1), o.autocorrSq1, 1e-10, `${a} autocorr of r^2 lag 1`);
    near(autocorrelation(sq, 24), o.autocorrSq24, 1e-10, `${a} autocorr of r^2 lag 24`);
  }
});

realDataTest("maxDrawdown and cumulativeReturns match pandas cumsum/cummax", () => {
  const d = load();
  for (const a of O.assets) {
    const r = d.columns[a]!, o = O.perAsset[a]!;
    // 1 - eq / np.maximum.accumulate(eq), eq = exp(r.fillna(0).cumsum()) with a leading 1;
    // cumsum of 45k terms is the same left-to-right order in both, exp differs by <= 1 ulp
    const dd = maxDrawdown(r);
    near(dd.maxDrawdown, o.drawdown.maxDrawdown, REL, `${a} max drawdown`);
    assert.equal(dd.peakIndex, o.drawdown.peakIndex, `${a} peak index`);
    assert.equal(dd.troughIndex, o.drawdown.troughIndex, `${a} trough index`);
    assert.equal(dd.recoveryIndex, o.drawdown.recoveryIndex, `${a} recovery index`);
    // np.expm1(r.cumsum()) sampled every 997 rows: same summation order, expm1 within 1 ulp
    const c = cumulativeReturns(r);
    for (const [i, v] of o.cumulative) near(c[i]!, v, REL, `${a} cumulative[${i}]`);
  }
});

realDataTest(
  "gap-spanning returns give pandas' ffill equity: total, cumulative, drawdown, annualized",
  () => {
    const d = load();
    for (const a of O.assets) {
      const close = d.closes[a]!, o = O.perAsset[a]!.spanning;
      assert.ok(
        o.missingInside > 0,
        `${a}: the oracle series must have gaps for this test to bite`,
      );
      const r = spanningLogReturns(close);
      const span = closeSpan(close);
      assert.deepEqual([span.first, span.last, span.elapsed], [
        o.firstIndex,
        o.lastIndex,
        o.elapsed,
      ]);
      // eq = close.ffill() / first valid close; cumulative = eq - 1 where the close is present.
      // Ours is expm1 of a left-to-right sum of up to 45k logs, pandas' a ratio of two closes:
      // measured worst difference 7e-14 relative (all checks below); REL = 1e-12 leaves margin and
      // still catches any lost gap move (each is >= 1e-5 relative on these series).
      const c = cumulativeReturns(r);
      near(c[o.lastIndex]!, o.total, REL, `${a} total = last / first - 1`);
      for (const [i, v] of o.cumulative) {
        // at the first close pandas' equity is 1 (0%); there is no return yet, so ours is NaN
        near(c[i]!, i === o.firstIndex ? null : v, REL, `${a} spanning cumulative[${i}]`);
      }
      // 1 - eq / cummax(eq), same argument
      const dd = maxDrawdown(r);
      near(dd.maxDrawdown, o.maxDrawdown, REL, `${a} spanning max drawdown`);
      assert.equal(dd.troughIndex, o.troughIndex, `${a} spanning trough index`);
      // ln(last / first) / elapsed * 8760: our sum of logs vs one log of the ratio
      const ann = annualizedReturn(r, O.periodsPerYear, { elapsedPeriods: span.elapsed });
      assert.equal(ann.periods, o.returns, `${a} finite spanning returns`);
      near(ann.logReturn, o.annLogReturn, REL, `${a} annualized log return over elapsed hours`);
      near(ann.geometricReturn, o.annGeometricReturn, REL, `${a} annualized geometric return`);
    }
  },
);

realDataTest("pearson and correlationMatrix match pandas pairwise-complete corr", () => {
  const d = load();
  const cols = O.assets.map((a) => d.columns[a]!);
  // Series.corr(): np.corrcoef on complete pairs; pandas DataFrame.corr() uses Welford updates,
  // we use two passes: both accurate to ~1e-15, 1e-12 absolute on a number in [-1, 1]
  near(pearson(d.columns.BTC!, d.columns.ETH!), O.pearsonBtcEth, REL, "pearson BTC ETH");
  const m = correlationMatrix(cols);
  const m2 = correlationMatrix(cols, { minPeriods: 20000 });
  for (let i = 0; i < cols.length; i++) {
    for (let j = 0; j < cols.length; j++) {
      near(m[i]![j]!, O.corr[i]![j]!, REL, `DataFrame.corr() [${i}][${j}]`);
      near(
        m2[i]![j]!,
        O.corrMin20000[i]![j]!,
        REL,
        `DataFrame.corr(min_periods=20000) [${i}][${j}]`,
      );
    }
  }
  // SOL (column 2) has < 20000 hours, so min_periods=20000 blanks its row, diagonal included
  assert.ok(Number.isNaN(m2[2]![2]!));
});

realDataTest("rollingBeta matches pandas rolling cov / var with gaps", () => {
  const d = load();
  const { window, minObs } = O.rollingBeta;
  const x = d.columns.BTC!;
  for (const [a, o] of Object.entries(O.rollingBeta.y)) {
    // y.rolling(720, min_periods=600).cov(xm) / xm.rolling(720, min_periods=600).var(),
    // xm = x.where(y.notna()). pandas forms cov as mean(xy) - mean(x) mean(y) from Kahan
    // rolling sums, which loses ~1e-15 / (1 - rho^2) relative (BTC on BTC shows 3e-15 off 1);
    // we use Welford updates with exact recomputation every window. 1e-9 relative bounds the
    // difference with margin; a wrong window edge or NaN rule moves betas by >= 1e-4.
    const b = rollingBeta(d.columns[a]!, x, window, { minObs });
    let finite = 0, sum = 0;
    for (const v of b) {
      if (Number.isFinite(v)) {
        finite++;
        sum += v;
      }
    }
    assert.equal(finite, o.finite, `${a} number of finite betas`);
    near(sum, o.sumFinite, 1e-9, `${a} sum of finite betas`);
    for (const [i, v] of o.samples) near(b[i]!, v, 1e-9, `${a} beta[${i}]`);
    // the causal beta is the same series one row later
    const c = rollingBetaCausal(d.columns[a]!, x, window, { minObs });
    for (const [i, v] of o.samples) {
      if (i + 1 < c.length) near(c[i + 1]!, v, 1e-9, `${a} causal[${i + 1}]`);
    }
  }
});
