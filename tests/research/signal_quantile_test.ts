/**
 * quantileLabels, quantileReturns, turnover and rankAutocorrelation against pandas 1.5.3 on the
 * NFI hourly universe (oracle tests/oracles/signals.py; alphalens is not installed, so its
 * definitions are reproduced there with pandas):
 * - buckets: `pd.qcut(signal_t[ok], 5, labels=False)` per timestamp over the complete (signal,
 *   1h forward return) pairs (alphalens `quantize_factor` on clean data); pooled mean and count
 *   per bucket (`mean_return_by_quantile(by_date=False, demeaned=False)`), long-short = top -
 *   bottom bucket mean per timestamp, its mean and `scipy.stats.ttest_1samp`;
 * - turnover: alphalens `quantile_turnover(quantile=5, period=1)`: |S_t - S_{t-1}| / |S_t| of the
 *   top-quintile name sets;
 * - rank autocorrelation: alphalens `factor_rank_autocorrelation`:
 *   `ranks = signal.rank(axis=1); ranks.corrwith(ranks.shift(1), axis=1)` (>= 5 common assets).
 */
import assert from "node:assert/strict";
import { quantileLabels } from "@lib/research/quantile_labels.ts";
import { quantileReturns } from "@lib/research/quantile_returns.ts";
import { rankAutocorrelation, turnover } from "@lib/research/turnover.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { momentum } from "@lib/research/signals/momentum.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "./_nfi_panel.ts";
import { assertCompact, near, ORACLE } from "./_signals_oracle.ts";

function labels(x: number[], q: number): { labels: number[]; distinct: boolean } {
  const out = new Int32Array(x.length);
  const distinct = quantileLabels(
    new Float64Array(x),
    x.length,
    q,
    out,
    new Float64Array(x.length),
  );
  return { labels: [...out], distinct };
}

Deno.test("quantileLabels reproduces pd.qcut(x, q, labels=False)", () => {
  // pandas 1.5.3: pd.qcut(range(5), 4, labels=False) -> [0, 0, 1, 2, 3] (its docstring)
  assert.deepEqual(labels([0, 1, 2, 3, 4], 4), { labels: [0, 0, 1, 2, 3], distinct: true });
  // pd.qcut([0.5, -1.0, 2.0, 0.1, 0.3, 3.0, -0.2], 3, labels=False) -> [1, 0, 2, 0, 1, 2, 0]
  // (edges np.quantile(x, [0, 1/3, 2/3, 1]) = [-1, 0.1, 0.5, 3]; 0.1 and 0.5 sit on edges and
  // go to the lower bucket: right-closed intervals)
  assert.deepEqual(labels([0.5, -1.0, 2.0, 0.1, 0.3, 3.0, -0.2], 3), {
    labels: [1, 0, 2, 0, 1, 2, 0],
    distinct: true,
  });
  // where pandas raises ("Bin edges must be unique": edges [0, 0, 0, 0.25, 2]) the same rule
  // count(edges < v) - 1: the tied zeros share bucket 0, buckets 1 and 2 stay empty and keep
  // their numbers, so the top bucket is still q - 1
  assert.deepEqual(labels([0, 0, 0, 0, 0, 0, 1, 2], 4), {
    labels: [0, 0, 0, 0, 0, 0, 3, 3],
    distinct: false,
  });
});

realDataTest("quantileReturns of momentum_24 equals pd.qcut bucket means per timestamp", () => {
  const p = nfiPanel();
  const o = ORACLE.quantiles;
  const r = quantileReturns(momentum(p, { lookback: 24 }), forwardReturns(p.logReturns, 1));
  assert.deepEqual([...r.countByQuantile], o.countByQuantile, "bucket counts: identical buckets");
  assert.equal(r.nTimestamps, o.nTimestamps);
  assert.equal(r.nTiedEdges, o.nTiedEdges);
  // identical buckets, so only summation order differs: pooled means of ~1e5 returns ~1e-2
  // agree to ~1e-17; per-timestamp means of ~25 returns to ~1e-18. Allow 1e-15 / 1e-14.
  r.meanByQuantile.forEach((m, k) => near(m, o.meanByQuantile[k]!, 1e-15, `mean q${k}`));
  assertCompact(r.longShort, o.longShort, 1e-15, 1e-12, "longShort");
  near(r.longShortMean, o.longShortMean, 1e-15, "longShortMean");
  near(r.longShortTStat, o.longShortTStat, 1e-9 * Math.abs(o.longShortTStat), "t-stat");
  // the cumulative curve is the running sum of the per-t bucket means
  const top = r.returnsByQuantile[4]!, cum = r.cumulativeByQuantile[4]!;
  let run = 0;
  for (let t = 0; t < top.length; t++) {
    if (Number.isFinite(top[t]!)) run += top[t]!;
    assert.equal(cum[t], run);
  }
});

realDataTest(
  "turnover and rank autocorrelation of momentum_24 equal the alphalens definitions",
  () => {
    const p = nfiPanel();
    const s = momentum(p, { lookback: 24 });
    // turnover: identical buckets -> identical integer ratios
    assertCompact(turnover(s), ORACLE.turnover, 0, 1e-9, "turnover");
    // ranks identical; Pearson of ~120 ranks: agreement ~1e-15, allow 1e-13
    assertCompact(rankAutocorrelation(s), ORACLE.rankAutocorrelation, 1e-13, 1e-9, "rank autocorr");
  },
);

Deno.test("planted skill: bucket means rise monotonically and the long-short is significant", () => {
  const rng = createRng(5);
  const N = 60, T = 300;
  const fwd = Array.from({ length: N }, () => Float64Array.from({ length: T }, () => rng.normal()));
  const signal = fwd.map((f) => Float64Array.from(f, (v) => 0.5 * v + rng.normal()));
  const r = quantileReturns(signal, fwd);
  for (let k = 1; k < 5; k++) assert.ok(r.meanByQuantile[k]! > r.meanByQuantile[k - 1]!);
  assert.equal(r.nTimestamps, T);
  assert.ok(r.longShortTStat > 20 && r.longShortTStatNeweyWest > 20);
  // a signal redrawn every bar reshuffles: rank autocorrelation ~ 0, top-quintile turnover ~ 0.8
  const ac = rankAutocorrelation(signal);
  const tu = turnover(signal);
  let mac = 0, mtu = 0;
  for (let t = 1; t < T; t++) {
    mac += ac[t]! / (T - 1);
    mtu += tu[t]! / (T - 1);
  }
  assert.ok(Math.abs(mac) < 0.03, `mean rank autocorrelation ${mac}`);
  assert.ok(Math.abs(mtu - 0.8) < 0.03, `mean turnover ${mtu}`);
  // a frozen signal never turns over
  const frozen = signal.map((x) => new Float64Array(T).fill(x[0]!));
  assert.ok(turnover(frozen).subarray(1).every((v) => v === 0));
  assert.ok(rankAutocorrelation(frozen).subarray(1).every((v) => v === 1));
});

Deno.test("quantile functions refuse bad arguments with a reason", () => {
  const s = [new Float64Array([1, 2])];
  assert.throws(() => quantileReturns(s, s, { quantiles: 1 }), /quantiles must be an integer >= 2/);
  assert.throws(() => turnover(s, { quantile: 6 }), /quantile must be an integer in \[1, 5\]/);
  assert.throws(() => rankAutocorrelation(s, 0), /lag must be an integer >= 1/);
});
