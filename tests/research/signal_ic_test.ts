/**
 * informationCoefficient, icSummary, icDecay and rollingIc against pandas 1.5.3 / scipy 1.10.1
 * / statsmodels 0.13.5 on the 126-asset NFI hourly universe (oracle tests/oracles/signals.py):
 * - IC: `scipy.stats.spearmanr(s[ok], f[ok]).correlation` (and `pearsonr`) per timestamp over
 *   the complete pairs, >= 5 of them, for momentum_24 (`logret.rolling(24).sum()`) against
 *   `logret.rolling(h).sum().shift(-h)`, h = 1 and 24 (also checked in the oracle equal to
 *   `s.rank(axis=1).corrwith(f.rank(axis=1), axis=1)` on masked frames);
 * - summary: numpy mean / std(ddof=1), `scipy.stats.ttest_1samp(ic, 0)`, statsmodels
 *   `OLS(ic, ones).fit(cov_type="HAC", cov_kwds={"maxlags": max(h-1, floor(4(n/100)^(2/9)))})`
 *   tvalues[0] / pvalues[0];
 * - rolling IC: `ic.rolling(168, min_periods=24).mean()`.
 * Plus, on simulated panels: a planted IC is recovered, and under no skill with overlapping
 * 8-bar returns the Newey-West t-test rejects near the nominal 5% while the naive one does not.
 */
import assert from "node:assert/strict";
import { informationCoefficient } from "@lib/research/information_coefficient.ts";
import { icSummary } from "@lib/research/ic_summary.ts";
import { icDecay } from "@lib/research/ic_decay.ts";
import { rollingIc } from "@lib/research/rolling_ic.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { momentum } from "@lib/research/signals/momentum.ts";
import { createRng } from "@lib/stats/rng.ts";
import { rankInto } from "@lib/stats/rank.ts";
import { CrossSectionRanker } from "@lib/research/_cross_section_ranker.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "./_nfi_panel.ts";
import { assertCompact, near, ORACLE, type OracleSummary } from "./_signals_oracle.ts";

/**
 * Compare a summary with the oracle's. `flips` = how many timestamps may carry one swap of two
 * rounding-level near-tied ranks: an h-bar forward return summed from h log returns is exact 0
 * for a coin back at its price in neither implementation but +-1e-16 noise, and V8's Math.log
 * and numpy's log differ by an ulp in ~0.06% of returns, so two such noise values can order
 * differently (seen once in 7 horizons x 5,493 rows: h = 12, row 393, 1.3e-16 vs 1.25e-16).
 * One adjacent swap moves a Spearman IC of n >= 100 assets by at most 12 / (n^2 - 1) < 1.3e-3,
 * i.e. the mean of n_t ICs by 1.3e-3 / n_t.
 */
function summaryClose(actual: OracleSummary, o: OracleSummary, what: string, flips = 0) {
  assert.equal(actual.n, o.n, `${what} n`);
  assert.equal(actual.neweyWestLags, o.neweyWestLags, `${what} lags`);
  // Without flips: means of ~5,000 values in [-1, 1] that agree to 1e-13 each: 1e-12 absolute.
  // t-stats and p-values: relative 1e-9 (HAC sums of O(n L) products; statsmodels uses pinv).
  const moved = (flips * 1.3e-3) / o.n;
  near(actual.mean, o.mean, 1e-12 + moved, `${what} mean`);
  near(actual.std, o.std, 1e-12 + 2 * moved, `${what} std`);
  const rel = 1e-9 + (4 * moved) / Math.abs(o.mean);
  near(actual.ir, o.ir, rel * Math.abs(o.ir), `${what} ir`);
  near(actual.hitRate, o.hitRate, flips / o.n, `${what} hitRate`);
  for (const k of ["tStat", "tStatNeweyWest"] as const) {
    near(actual[k], o[k], rel * Math.abs(o[k]), `${what} ${k}`);
  }
  for (const [k, tk] of [["pValue", "tStat"], ["pValueNeweyWest", "tStatNeweyWest"]] as const) {
    // p-values reach 1e-193 here: compare on the log scale, where a relative change r in t
    // moves ln p by about |t| * r|t| (the tail's slope), plus 1e-9 for the cdf itself
    const tol = 1e-9 + 2 * rel * o[tk] * o[tk];
    near(Math.log(actual[k]), Math.log(o[k]), tol, `${what} log ${k}`);
  }
}

realDataTest("Spearman IC of momentum_24 equals scipy spearmanr per timestamp (h = 1, 24)", () => {
  const p = nfiPanel();
  assert.equal(p.index.length, ORACLE.gridLength);
  assert.equal(p.index[0], ORACLE.gridStart);
  assert.deepEqual([...p.assets], ORACLE.assets);
  const signal = momentum(p, { lookback: 24 });
  for (const h of [1, 24] as const) {
    const o = ORACLE.ic[`h${h}`];
    const { ic, nAssets } = informationCoefficient(signal, forwardReturns(p.logReturns, h));
    assertCompact(nAssets, o.nAssets, 0, 0, `nAssets h${h}`);
    // Ranks agree exactly (the inputs differ by at most a few ulps and ties are exact on both
    // sides), so only the final correlation arithmetic differs: ~1e-16; we allow 1e-13.
    for (let t = 0; t < ic.length; t++) near(ic[t]!, o.ic[t]!, 1e-13, `IC h${h} at ${t}`);
    summaryClose(icSummary(ic, { horizon: h }), o.summary, `summary h${h}`);
  }
});

realDataTest("Pearson IC equals scipy pearsonr per timestamp", () => {
  const p = nfiPanel();
  const { ic } = informationCoefficient(
    momentum(p, { lookback: 24 }),
    forwardReturns(p.logReturns, 1),
    {
      method: "pearson",
    },
  );
  // Raw values now: pandas' log(c/c) and ours may differ by an ulp and sums of 24 returns by
  // ~1e-16; correlations of ~120 pairs move by < 1e-13.
  assertCompact(ic, ORACLE.ic.pearson_h1.ic, 1e-12, 1e-9, "Pearson IC");
});

realDataTest("icDecay rows equal the oracle's per-horizon summaries", () => {
  const p = nfiPanel();
  const rows = icDecay(momentum(p, { lookback: 24 }), p.logReturns);
  assert.deepEqual(rows.map((r) => r.horizon), ORACLE.decay.map((r) => r.horizon));
  rows.forEach((r, i) => summaryClose(r, ORACLE.decay[i]!, `decay h${r.horizon}`, 2));
  // an overlapping horizon sets the Newey-West lag floor
  assert.equal(rows.find((r) => r.horizon === 48)!.neweyWestLags, 47);
});

realDataTest("rollingIc equals pandas rolling(168, min_periods=24).mean()", () => {
  const ic = Float64Array.from(ORACLE.ic.h1.ic, (v) => v ?? NaN);
  assertCompact(
    rollingIc(ic, 168, { minPeriods: 24 }),
    ORACLE.rollingIc168,
    1e-13,
    1e-9,
    "rollingIc",
  );
});

/** A panel of N assets x T rows with forward h-bar returns built from i.i.d. normal returns. */
function simulated(seed: number, N: number, T: number, rho: number) {
  const rng = createRng(seed);
  const r = Array.from({ length: N }, () => Float64Array.from({ length: T }, () => rng.normal()));
  // signal at t = rho * r[t+1] + sqrt(1 - rho^2) * noise: correlated with the next return only
  const s = r.map((x) =>
    Float64Array.from(
      x,
      (_, t) => t + 1 < T ? rho * x[t + 1]! + Math.sqrt(1 - rho * rho) * rng.normal() : NaN,
    )
  );
  return { r, s };
}

Deno.test("planted IC is recovered: Pearson ~ rho, Spearman ~ (6/pi) asin(rho/2)", () => {
  const rho = 0.3;
  const { r, s } = simulated(11, 100, 400, rho);
  const fwd = forwardReturns(r, 1);
  const pe = icSummary(informationCoefficient(s, fwd, { method: "pearson" }).ic);
  const sp = icSummary(informationCoefficient(s, fwd).ic);
  // bivariate normal: Spearman's rho_s = (6 / pi) asin(rho / 2). Per-t sd ~ 0.09, mean of
  // ~400 values: se ~ 0.005, so 0.02 is 4 se.
  assert.ok(Math.abs(pe.mean - rho) < 0.02, `pearson ${pe.mean}`);
  assert.ok(Math.abs(sp.mean - (6 / Math.PI) * Math.asin(rho / 2)) < 0.02, `spearman ${sp.mean}`);
  assert.ok(sp.tStatNeweyWest > 10);
});

Deno.test("no skill, 8-bar overlapping returns: Newey-West near 5%, naive t over-rejects", () => {
  // 200 seeds; each: a pure-noise signal against 8-bar forward returns of i.i.d. returns.
  // Consecutive ICs share 7 of 8 bars, so the naive t-stat's variance is ~8x too small.
  const h = 8, seeds = 200;
  let nw = 0, naive = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const rng = createRng(1000 + seed);
    const N = 30, T = 600;
    const r = Array.from({ length: N }, () => Float64Array.from({ length: T }, () => rng.normal()));
    const s = Array.from({ length: N }, () => Float64Array.from({ length: T }, () => rng.normal()));
    // the signal must persist for overlap to matter: hold each draw for h bars
    for (const x of s) for (let t = 0; t < T; t++) x[t] = x[t - (t % h)]!;
    const sum = icSummary(informationCoefficient(s, forwardReturns(r, h)).ic, { horizon: h });
    if (sum.pValueNeweyWest < 0.05) nw++;
    if (sum.pValue < 0.05) naive++;
  }
  // Binomial(200, 0.05) has sd 3.1: NW rejections within [2, 22] (Bartlett HAC is known to
  // over-reject somewhat in finite samples); the naive test rejects far more often.
  assert.ok(nw >= 2 && nw <= 22, `Newey-West rejections ${nw} / ${seeds}`);
  assert.ok(naive > 2 * nw && naive > 30, `naive rejections ${naive} vs NW ${nw}`);
});

Deno.test("informationCoefficient: minAssets, constant cross-sections, argument errors", () => {
  const s = [[1, 1], [2, 1], [3, 1], [4, 1], [5, NaN]].map((x) => new Float64Array(x));
  const f = [[1, 2], [2, 1], [3, 3], [4, 4], [5, 5]].map((x) => new Float64Array(x));
  const r = informationCoefficient(s, f);
  assert.equal(r.ic[0], 1);
  assert.ok(Number.isNaN(r.ic[1]!), "4 pairs < minAssets 5 and a constant signal");
  assert.ok(Number.isNaN(informationCoefficient(s, f, { minAssets: 4 }).ic[1]!), "constant");
  assert.throws(() => informationCoefficient(s, f.slice(1)), /signal has 5 assets, forward has 4/);
  assert.throws(() => informationCoefficient(s, f, { minAssets: 1 }), /minAssets must be/);
  assert.throws(
    () => informationCoefficient(s, f, { method: "kendall" as "pearson" }),
    /method must be "spearman" or "pearson"/,
  );
  const e = icSummary([NaN, 0.1]);
  assert.equal(e.n, 1);
  assert.ok(Number.isNaN(e.tStatNeweyWest));
  assert.throws(() => icSummary([0.1, 0.2], { horizon: 0 }), /horizon must be an integer >= 1/);
});

Deno.test("CrossSectionRanker equals rankInto over persistent, random and changing cross-sections", () => {
  const rng = createRng(21);
  const N = 150;
  const ranker = new CrossSectionRanker(N);
  const level = Float64Array.from({ length: N }, () => rng.normal());
  const values = new Float64Array(N), ids = new Int32Array(N);
  const out = new Float64Array(N), expected = new Float64Array(N);
  const keys = new Float64Array(N), order = new Int32Array(N);
  for (let t = 0; t < 400; t++) {
    // persistent drift most of the time, a full reshuffle every 50 rows, assets dropping in
    // and out, and rounded values so ties occur
    const reshuffle = t % 50 === 0;
    let n = 0;
    for (let a = 0; a < N; a++) {
      level[a] = reshuffle ? rng.normal() : level[a]! + 0.05 * rng.normal();
      if (rng.next() < 0.1) continue;
      values[n] = Math.round(level[a]! * 20) / 20;
      ids[n++] = a;
    }
    ranker.rank(values, ids, n, out);
    rankInto(values, n, expected, keys, order);
    assert.deepEqual([...out.subarray(0, n)], [...expected.subarray(0, n)], `row ${t}`);
  }
});
