/**
 * The null suite (lib/research/null_suite*.ts) and the calibration of the overfitting tests:
 * under a null with no information each test's p-values must be uniform, so over S seeds the
 * number of p-values <= 5% is Binomial(S, 0.05) and must fall in its 99.9% two-sided band; where
 * the p-values are plentiful a Kolmogorov-Smirnov distance to the uniform is checked too. And
 * the planted signal of the simulated market (lib/sim) must be found.
 *
 * Oracles for the bands (Debian /usr/bin/python3, scipy 1.10.1):
 *   binom.ppf(0.0005, S, 0.05), binom.ppf(0.9995, S, 0.05) for S = 300, 400, 1000:
 *     (4, 29), (7, 36), (29, 74);
 *   kstwo.ppf(0.999, S) (the exact two-sided one-sample KS distribution) for S = 300, 400, 1000:
 *     0.11188, 0.09698, 0.06146.
 * The KS critical value is for continuous p-values; for p-values on a grid it is conservative,
 * and the distance is measured at the grid's points (where a calibrated p-value's CDF is exact).
 */
import assert from "node:assert/strict";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { longShort } from "@lib/backtest/strategies/long_short.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { icSummary } from "@lib/research/ic_summary.ts";
import { informationCoefficient } from "@lib/research/information_coefficient.ts";
import {
  empiricalPValue,
  NULL_SUITE_DEFAULTS,
  nullSuite,
  PLACEBO_KINDS,
} from "@lib/research/null_suite.ts";
import {
  blockShufflePlacebo,
  crossSectionPermutationPlacebo,
  placeboBlockLength,
  randomRanksPlacebo,
} from "@lib/research/null_suite_placebos.ts";
import { simulatedPanel } from "@lib/research/null_suite_sim.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { createRng, type Rng } from "@lib/stats/rng.ts";
import { probabilisticSharpeRatio } from "@lib/stats/probabilistic_sharpe_ratio.ts";
import { sharpeMoments } from "@lib/stats/sharpe_moments.ts";
import { realityCheck } from "@lib/stats/reality_check.ts";
import { superiorPredictiveAbility } from "@lib/stats/superior_predictive_ability.ts";
import { stationaryBootstrap } from "@lib/stats/stationary_bootstrap.ts";

/** scipy 1.10.1 binom.ppf(0.0005 / 0.9995, S, 0.05): the 99.9% two-sided band of rejections. */
const BAND: Record<number, readonly [number, number]> = {
  300: [4, 29],
  400: [7, 36],
  1000: [29, 74],
};
/** scipy 1.10.1 kstwo.ppf(0.999, S): the KS distance exceeded with probability 0.1%. */
const KS_CRITICAL: Record<number, number> = { 300: 0.11188, 400: 0.09698, 1000: 0.06146 };

function rejections(p: ArrayLike<number>, alpha = 0.05): number {
  let k = 0;
  for (let i = 0; i < p.length; i++) if (p[i]! <= alpha) k++;
  return k;
}

function inBand(p: ArrayLike<number>, what: string): void {
  const [lo, hi] = BAND[p.length]!;
  const k = rejections(p);
  assert.ok(k >= lo && k <= hi, `${what}: ${k} of ${p.length} p-values <= 5%, band [${lo}, ${hi}]`);
}

/** KS distance of p-values to U(0, 1), measured at the observed values (exact for a grid). */
function ksAtPoints(p: ArrayLike<number>): number {
  const s = Float64Array.from(p).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && s[i + 1] === s[i]) continue; // F_n at a tied value counts all of its ties
    d = Math.max(d, Math.abs((i + 1) / n - s[i]!));
  }
  return d;
}

/** The usual continuous KS distance sup |F_n - F| (both sides of each jump). */
function ksContinuous(p: ArrayLike<number>): number {
  const s = Float64Array.from(p).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, (i + 1) / n - s[i]!, s[i]! - i / n);
  return d;
}

function uniformKs(p: ArrayLike<number>, what: string, discrete: boolean): void {
  const d = discrete ? ksAtPoints(p) : ksContinuous(p);
  const c = KS_CRITICAL[p.length]!;
  assert.ok(d < c, `${what}: KS distance ${d.toFixed(4)} >= ${c} (0.1% critical value)`);
}

/** N columns of T uniform(-0.5, 0.5) draws, filled in loops (cheap: no closures per value). */
function noise(rng: Rng, N: number, T: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let a = 0; a < N; a++) {
    const x = new Float64Array(T);
    for (let t = 0; t < T; t++) x[t] = rng.next() - 0.5;
    out.push(x);
  }
  return out;
}

/** N AR(1) columns with coefficient phi (uniform innovations): a persistent signal. */
function persistent(rng: Rng, N: number, T: number, phi: number): Float64Array[] {
  const c = Math.sqrt(1 - phi * phi);
  return noise(rng, N, T).map((e) => {
    let v = 0;
    for (let t = 0; t < T; t++) e[t] = v = phi * v + c * e[t]!;
    return e;
  });
}

function meanFinite(x: ArrayLike<number>): number {
  let s = 0, n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v === v) {
      s += v;
      n++;
    }
  }
  return s / n;
}

/** Mean rank IC against forward returns: the pipeline most placebo tests below run. */
function meanIcPipeline(fwd: readonly Float64Array[], minAssets = 5) {
  return (s: readonly Float64Array[]) =>
    meanFinite(informationCoefficient(s, fwd, { minAssets }).ic);
}

function panelOfReturns(r: readonly Float64Array[]): Panel {
  const T = r[0]!.length;
  return fromColumns({
    freq: "1h",
    venue: "x",
    assets: r.map((_, a) => `A${a}`),
    index: Float64Array.from({ length: T }, (_, t) => Date.UTC(2024, 0, 1) + t * 3_600_000),
    close: r.map((c) => {
      let w = 0;
      return Float64Array.from(c, (x) => 100 * Math.exp(w += 0.01 * x));
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// Placebos

Deno.test("placebos keep what they state and are reproducible from the seed", () => {
  const rng = createRng(1);
  const sig = persistent(rng, 6, 50, 0.9);
  sig[2]![7] = NaN;
  sig[4]![30] = NaN;
  const rr = randomRanksPlacebo(sig, createRng(5));
  const cs = crossSectionPermutationPlacebo(sig, createRng(5));
  for (let t = 0; t < 50; t++) {
    const real = sig.map((c) => c[t]!).filter(Number.isFinite).sort((a, b) => a - b);
    const perm = cs.map((c) => c[t]!).filter(Number.isFinite).sort((a, b) => a - b);
    const ranks = rr.map((c) => c[t]!).filter(Number.isFinite).sort((a, b) => a - b);
    assert.deepEqual(perm, real, `row ${t}: the permutation keeps the row's values`);
    assert.deepEqual(ranks, real.map((_, i) => i + 1), `row ${t}: ranks 1..m`);
    for (let a = 0; a < 6; a++) {
      assert.equal(Number.isNaN(cs[a]![t]!), Number.isNaN(sig[a]![t]!), "missing stays missing");
      assert.equal(Number.isNaN(rr[a]![t]!), Number.isNaN(sig[a]![t]!), "missing stays missing");
    }
  }
  assert.deepEqual(randomRanksPlacebo(sig, createRng(5)), rr);
  assert.notDeepEqual(randomRanksPlacebo(sig, createRng(6)), rr);
  // block shuffle: whole rows move together, blocks of 7 keep their inner order
  const bs = blockShufflePlacebo(sig, 7, createRng(9));
  const rowOf = (t: number) => sig.map((c) => c[t]!);
  const source = new Int32Array(50).fill(-1);
  for (let t = 0; t < 50; t++) {
    for (let s = 0; s < 50; s++) {
      if (bs.every((c, a) => Object.is(c[t], rowOf(s)[a]))) source[t] = s;
    }
  }
  assert.ok(source.every((s) => s >= 0), "every placebo row is a whole row of the signal");
  assert.deepEqual([...source].sort((a, b) => a - b), Array.from({ length: 50 }, (_, t) => t));
  let breaks = 0;
  for (let t = 1; t < 50; t++) if (source[t] !== source[t - 1]! + 1) breaks++;
  assert.ok(breaks <= 7, `at most 7 block boundaries in 8 blocks, got ${breaks}`);
  assert.ok(breaks >= 1, "the blocks were shuffled");
  assert.throws(() => blockShufflePlacebo(sig, 0, rng), /blockLength must be an integer >= 1/);
  assert.throws(
    () => randomRanksPlacebo([new Float64Array(3), new Float64Array(2)], rng),
    /signal column 1 has 2 values, column 0 has 3/,
  );
});

Deno.test("placebo block length: Politis-White of the signal, long for a persistent one", () => {
  const rng = createRng(2);
  const fresh = noise(rng, 5, 600);
  const slow = persistent(rng, 5, 600, 0.95);
  assert.ok(placeboBlockLength(fresh) <= 2, `white noise: ${placeboBlockLength(fresh)}`);
  assert.ok(placeboBlockLength(slow) >= 10, `AR(1) 0.95: ${placeboBlockLength(slow)}`);
  // too short or constant columns are skipped; nothing left gives 1
  assert.equal(placeboBlockLength([new Float64Array(10), new Float64Array(40).fill(2)]), 1);
});

// ---------------------------------------------------------------------------------------------
// nullSuite

Deno.test("nullSuite: data object per placebo, +1-corrected p-value, sentence, same seed same result", () => {
  const rng = createRng(3);
  const r = noise(rng, 8, 150);
  const panel = panelOfReturns(r);
  const fwd = forwardReturns(panel.logReturns, 1);
  const signal = persistent(rng, 8, 150, 0.8);
  const pipeline = meanIcPipeline(fwd);
  const res = nullSuite({ panel, signal, pipeline, runs: 49, seed: 4, statisticName: "mean IC" });
  assert.equal(res.statistic, pipeline(signal));
  assert.deepEqual(res.nulls.map((d) => d.kind), PLACEBO_KINDS.slice(0, 3));
  for (const d of res.nulls) {
    assert.equal(d.values.length, 49);
    assert.equal(d.runs, 49);
    const ge = d.values.filter((v) => v >= res.statistic).length;
    assert.equal(d.pValue, (1 + ge) / 50);
    assert.deepEqual(empiricalPValue(res.statistic, d.values).pValue, d.pValue);
    assert.ok(d.quantiles.p05 <= d.quantiles.p50 && d.quantiles.p50 <= d.quantiles.p95);
    assert.ok(Math.abs(d.mean) < 0.02, `${d.kind}: null mean IC ${d.mean}`);
    assert.equal(d.blockLength === null, d.kind !== "block-shuffle");
  }
  assert.equal(res.nulls[2]!.blockLength, placeboBlockLength(signal));
  assert.equal(res.pValue, Math.max(...res.nulls.map((d) => d.pValue)));
  assert.match(res.sentence, /^The real mean IC of -?\d.* is above \d+\.\d% of 49 .* placebo runs/);
  assert.match(res.convention, /\(1 \+ #\{placebo >= real\}\) \/ \(B \+ 1\)/);
  // a plain data object: JSON round-trips the numbers a report shows
  const json = JSON.parse(
    JSON.stringify({ ...res, nulls: res.nulls.map((d) => ({ ...d, values: [...d.values] })) }),
  );
  assert.equal(json.nulls[0].pValue, res.nulls[0]!.pValue);
  const again = nullSuite({ panel, signal, pipeline, runs: 49, seed: 4, statisticName: "mean IC" });
  assert.deepEqual(again, res);
  const other = nullSuite({ panel, signal, pipeline, runs: 49, seed: 5 });
  assert.notDeepEqual(other.nulls[0]!.values, res.nulls[0]!.values);
  assert.equal(NULL_SUITE_DEFAULTS.runs, 199);
  assert.equal(
    nullSuite({ panel, signal, pipeline, kinds: ["block-shuffle"], blockLength: 3, runs: 5 })
      .nulls[0]!.blockLength,
    3,
  );
});

Deno.test("nullSuite: errors say what was wrong", () => {
  const rng = createRng(4);
  const panel = panelOfReturns(noise(rng, 5, 40));
  const signal = noise(rng, 5, 40);
  const pipeline = () => 0.1;
  assert.throws(
    () => nullSuite({ panel, signal, pipeline, runs: 0 }),
    /runs must be an integer >= 1/,
  );
  assert.throws(
    () => nullSuite({ panel, signal: signal.slice(1), pipeline }),
    /one column of 40 values per panel asset \(5\); align it to the panel first/,
  );
  assert.throws(
    () => nullSuite({ panel, signal, pipeline: () => NaN }),
    /the pipeline returned NaN on the real signal/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => nullSuite({ panel, signal, pipeline, kinds: ["coin-flip" as any] }),
    /unknown placebo coin-flip; use one of random-ranks/,
  );
  assert.throws(
    () => nullSuite({ panel, signal, pipeline, blockLength: 1.5 }),
    /blockLength must be an integer/,
  );
  // empiricalPValue: ties count as reaching the real value, non-finite runs are not counted
  assert.deepEqual(empiricalPValue(1, [1, 1, 0, NaN]), {
    pValue: 3 / 4,
    percentile: 100 * 2 / 3,
    runs: 3,
  });
});

// ---------------------------------------------------------------------------------------------
// Power: the planted signal of the simulated market is found

Deno.test("power: the simulated market's planted signal is found by every placebo, through IC and through the engine", () => {
  // lib/sim plants z[t] with time-series IC 0.05 on the next bar; ranked across 12 carrying
  // assets over 1,500 hourly bars its mean rank IC is about 0.045 (t about 5).
  const sim = simulatedPanel({ seed: 11, assets: 14, freq: "1h", bars: 1500 });
  assert.equal(sim.signalIc, 0.05);
  const fwd = forwardReturns(sim.panel.logReturns, 1);
  const ic = meanIcPipeline(fwd);
  const summary = icSummary(informationCoefficient(sim.signal, fwd).ic);
  assert.ok(summary.pValueNeweyWest < 1e-3, `planted signal: NW p ${summary.pValueNeweyWest}`);
  const res = nullSuite({ panel: sim.panel, signal: sim.signal, pipeline: ic, runs: 49, seed: 1 });
  for (const d of res.nulls) assert.equal(d.pValue, 1 / 50, `${d.kind}: p ${d.pValue}`);
  assert.match(res.sentence, /luck alone is an unlikely explanation/);
  // the simulated-market placebo: the same research on markets whose signal has no information
  const simNull = nullSuite({
    panel: sim.panel,
    signal: sim.signal,
    pipeline: (s, p) => meanIcPipeline(forwardReturns(p.logReturns, 1))(s),
    kinds: ["simulated-market"],
    simulated: { market: { assets: 14, bars: 1500 } },
    runs: 19,
    seed: 2,
  });
  assert.equal(simNull.nulls[0]!.pValue, 1 / 20);
  assert.ok(Math.abs(simNull.nulls[0]!.mean) < 0.01, `sim null mean IC ${simNull.nulls[0]!.mean}`);
  // long-short gross Sharpe through the engine (lag 0: the planted signal lives one bar)
  const close = sim.panel.close;
  const sharpe = (s: readonly Float64Array[]) =>
    sharpeMoments(backtestWeights({ close }, longShort(s).weights, { lag: 0 }).gross).sharpe;
  const bt = nullSuite({
    panel: sim.panel,
    signal: sim.signal,
    pipeline: sharpe,
    runs: 39,
    seed: 3,
    kinds: ["cross-section-permutation"],
  });
  assert.equal(bt.nulls[0]!.pValue, 1 / 40, `long-short Sharpe ${bt.statistic}`);
  // the same market without a planted signal: nothing to find
  const empty = simulatedPanel({ seed: 11, assets: 14, freq: "1h", bars: 1500, signalIc: 0 });
  const none = nullSuite({
    panel: empty.panel,
    signal: empty.signal,
    pipeline: meanIcPipeline(forwardReturns(empty.panel.logReturns, 1)),
    runs: 49,
    seed: 1,
  });
  assert.ok(none.pValue > 0.05, `no planted signal: p ${none.pValue}`);
  assert.match(none.sentence, /cannot be told apart from luck/);
});

// ---------------------------------------------------------------------------------------------
// Calibration under the null

Deno.test("calibration: IC t-tests, naive, Newey-West and EWC, reject at 5% within the band (no overlap)", () => {
  // 400 panels of 8 assets x 400 bars, i.i.d. returns, a persistent signal (AR(1) 0.9) with no
  // information; 1-bar forward returns, so the IC series is i.i.d. and both t-tests are exact
  const S = 400, naive = new Float64Array(S), nw = new Float64Array(S), ewc = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const rng = createRng(1000 + s);
    const r = noise(rng, 8, 400), sig = persistent(rng, 8, 400, 0.9);
    const sum = icSummary(informationCoefficient(sig, forwardReturns(r, 1)).ic);
    naive[s] = sum.pValue;
    nw[s] = sum.pValueNeweyWest;
    ewc[s] = sum.pValueEwc;
  }
  inBand(ewc, "IC EWC t-test, h = 1");
  uniformKs(ewc, "IC EWC t-test, h = 1", false);
  inBand(naive, "IC naive t-test, h = 1");
  inBand(nw, "IC Newey-West t-test, h = 1");
  uniformKs(naive, "IC naive t-test, h = 1", false);
  uniformKs(nw, "IC Newey-West t-test, h = 1", false);
});

Deno.test("calibration: with 4-bar overlapping forward returns the EWC IC t-test (pValueEwc) is in the band and uniform; naive and Newey-West over-reject", () => {
  // Same panels, 4-bar forward returns: the IC series is an MA(3) and the naive t-test treats it
  // as independent. Measured over 2,000 seeds (this layout): naive 25.6%, Newey-West 8.5% with
  // the default L = max(h - 1, floor(4 (n/100)^(2/9))) = 5 lags; more lags do not fix it (1,000
  // seeds: L = 8, 12, 16 give 8.4%, 8.2%, 8.1%): the HAC variance of a persistent series is
  // biased down in samples of 400 and the normal critical values ignore that. The calibrated
  // p-value, EWC (Lazarus, Lewis, Stock and Watson 2018) against Student's t with nu degrees of
  // freedom, must sit in the binomial band and be uniform; Newey-West's known gap stays pinned
  // (between 5% and 12%) so a change in either direction is seen.
  const S = 400, naive = new Float64Array(S), nw = new Float64Array(S), ewc = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const rng = createRng(1000 + s);
    const r = noise(rng, 8, 400), sig = persistent(rng, 8, 400, 0.9);
    const sum = icSummary(informationCoefficient(sig, forwardReturns(r, 4)).ic, { horizon: 4 });
    naive[s] = sum.pValue;
    nw[s] = sum.pValueNeweyWest;
    ewc[s] = sum.pValueEwc;
  }
  const [, hi] = BAND[S]!;
  assert.ok(rejections(naive) > 2 * hi, `naive, h = 4: ${rejections(naive)} of ${S} <= 5%`);
  const k = rejections(nw);
  assert.ok(k >= 0.05 * S && k <= 0.12 * S, `Newey-West, h = 4: ${k} of ${S} <= 5%`);
  inBand(ewc, "IC EWC t-test, h = 4");
  uniformKs(ewc, "IC EWC t-test, h = 4", false);
});

Deno.test("calibration: PSR against 0 (p = 1 - PSR) rejects at 5% within the band, p-values uniform", () => {
  // 1,000 series of 500 i.i.d. Student-t(5) returns with mean 0 (fat tails: the kurtosis term
  // of PSR matters). One-sided: p = P(true SR <= 0) = 1 - PSR.
  const S = 1000, p = new Float64Array(S), r = new Float64Array(500);
  for (let s = 0; s < S; s++) {
    const rng = createRng(2000 + s);
    for (let t = 0; t < r.length; t++) r[t] = 0.01 * rng.studentT(5);
    p[s] = 1 - probabilisticSharpeRatio(sharpeMoments(r), 0);
  }
  inBand(p, "PSR vs 0");
  uniformKs(p, "PSR vs 0", false);
});

Deno.test("calibration: Reality Check and SPA (consistent) p-values uniform under the least favourable null", () => {
  // 300 families of 4 trials with mean 0 against a zero benchmark (all means equal: the null
  // configuration where both p-values are uniform), 200 i.i.d. rows, 199 stationary-bootstrap
  // replications of block length 1 (rows are i.i.d.). tests/stats/overfitting/data_snooping_test.ts
  // checks the rejection rate on another layout; here also the whole distribution.
  const S = 300, rc = new Float64Array(S), spa = new Float64Array(S);
  const bench = new Float64Array(200);
  for (let s = 0; s < S; s++) {
    const rng = createRng(3000 + s);
    const trials = noise(rng, 4, 200);
    const indices = stationaryBootstrap(200, { blockLength: 1, replications: 199, seed: s });
    rc[s] = realityCheck(trials, bench, { indices }).pValue;
    spa[s] = superiorPredictiveAbility(trials, bench, { indices }).pValues.consistent;
  }
  inBand(rc, "Reality Check");
  inBand(spa, "SPA consistent");
  uniformKs(rc, "Reality Check", true);
  uniformKs(spa, "SPA consistent", true);
});

Deno.test("calibration: the null suite's own p-value is uniform when the signal has no information", () => {
  // 300 panels of 8 assets x 80 bars, i.i.d. returns, a persistent signal (AR(1) 0.8) with no
  // information; mean rank IC against 1-bar forward returns; 19 runs per placebo, so p lives on
  // the grid 1/20, ..., 1 and P(p <= 0.05) = 1/20 = 5% exactly for an exchangeable placebo.
  const S = 300;
  const p = PLACEBO_KINDS.slice(0, 3).map(() => new Float64Array(S));
  for (let s = 0; s < S; s++) {
    const rng = createRng(4000 + s);
    const r = noise(rng, 8, 80), signal = persistent(rng, 8, 80, 0.8);
    const panel = panelOfReturns(r);
    const res = nullSuite({
      panel,
      signal,
      pipeline: meanIcPipeline(forwardReturns(r, 1)),
      runs: 19,
      seed: s,
      blockLength: 8,
    });
    res.nulls.forEach((d, k) => (p[k]![s] = d.pValue));
  }
  PLACEBO_KINDS.slice(0, 3).forEach((kind, k) => {
    inBand(p[k]!, `null suite, ${kind}`);
    uniformKs(p[k]!, `null suite, ${kind}`, true);
  });
});
