/**
 * Block bootstraps, the Politis-White block length (against the independent numpy implementation
 * tests/oracles/block_length.py, written from the papers), and percentile intervals.
 */
import assert from "node:assert/strict";
import { bootstrapConfidenceInterval } from "@lib/stats/bootstrap_confidence_interval.ts";
import { circularBlockBootstrap } from "@lib/stats/circular_block_bootstrap.ts";
import { optimalBlockLength } from "@lib/stats/optimal_block_length.ts";
import { meanIcInterval, performanceIntervals } from "@lib/stats/performance_intervals.ts";
import { createRng } from "@lib/stats/rng.ts";
import { stationaryBootstrap } from "@lib/stats/stationary_bootstrap.ts";
import { realDataTest } from "../../_shared/real_data.ts";
import { btcDailyCloses } from "./_real_family.ts";

const oracle = JSON.parse(
  Deno.readTextFileSync(new URL("../../oracles/block_length.json", import.meta.url)),
);

// deno-lint-ignore no-explicit-any
function checkLength(x: Float64Array, o: any) {
  const b = optimalBlockLength(x);
  // numpy np.correlate autocovariances vs our loops: rounding only
  assert.ok(
    Math.abs(b.stationary - o.stationary) < 1e-9 * o.stationary,
    `SB ${b.stationary} vs ${o.stationary}`,
  );
  assert.ok(
    Math.abs(b.circular - o.circular) < 1e-9 * o.circular,
    `CB ${b.circular} vs ${o.circular}`,
  );
  assert.equal(Number.isNaN(b.mHat) ? null : b.mHat, o.mHat);
  assert.equal(b.bandwidth, o.bandwidth);
  assert.equal(b.kN, o.kN);
  assert.equal(b.maxBlockLength, o.maxBlockLength);
}

for (const name of ["iid", "ar0.5", "ar0.9"]) {
  Deno.test(`Politis-White block length equals the numpy implementation (${name})`, () => {
    checkLength(Float64Array.from(oracle[name].x as number[]), oracle[name]);
  });
}

realDataTest("Politis-White block length on BTC daily returns and |returns| equals numpy", () => {
  const c = btcDailyCloses();
  const r = Float64Array.from({ length: c.length - 1 }, (_, i) => c[i + 1]! / c[i]! - 1);
  checkLength(r, oracle.btcDaily);
  checkLength(r.map(Math.abs), oracle.btcDailyAbs);
  // returns are nearly uncorrelated (length 1), absolute returns cluster (long blocks)
  assert.equal(optimalBlockLength(r).stationary, 1);
  assert.ok(optimalBlockLength(r.map(Math.abs)).stationary > 20);
});

Deno.test("stationary bootstrap: mean block length is the requested one, every row equally likely", () => {
  const n = 1000, b = 8;
  const { indices } = stationaryBootstrap(n, { blockLength: b, replications: 200, seed: 5 });
  let starts = 0;
  const hits = new Float64Array(n);
  for (let r = 0; r < 200; r++) {
    for (let t = 0; t < n; t++) {
      const i = indices[r * n + t]!;
      hits[i]!++;
      if (t === 0 || i !== (indices[r * n + t - 1]! + 1) % n) starts++;
    }
  }
  const meanLength = (200 * n) / starts;
  assert.ok(Math.abs(meanLength - b) < 0.3, `mean block length ${meanLength}`);
  const min = Math.min(...hits), max = Math.max(...hits);
  assert.ok(min > 120 && max < 290, `hits per row ${min}..${max} around 200`);
});

Deno.test("circular block bootstrap: blocks of round(b) consecutive rows, wrapping", () => {
  const { indices, blockLength } = circularBlockBootstrap(50, {
    blockLength: 4.4,
    replications: 10,
    seed: 1,
  });
  assert.equal(blockLength, 4);
  for (let r = 0; r < 10; r++) {
    for (let t = 0; t < 50; t++) {
      if (t % 4 === 0) continue;
      assert.equal(indices[r * 50 + t], (indices[r * 50 + t - 1]! + 1) % 50);
    }
  }
  assert.throws(
    () => stationaryBootstrap(10, { blockLength: 0.5 }),
    /blockLength must be a finite number >= 1/,
  );
});

Deno.test("percentile interval equals the quantiles of the statistic over the given resamples", () => {
  const rng = createRng(12);
  const x = Float64Array.from({ length: 300 }, () => rng.normal());
  const idx = stationaryBootstrap(300, { blockLength: 5, replications: 101, seed: 9 });
  const ci = bootstrapConfidenceInterval(x, (s) => s.reduce((a, v) => a + v, 0) / s.length, {
    indices: idx,
    level: 0.9,
  });
  // by hand: 101 sorted means, the 5% quantile is element 5 and the 95% one element 95 exactly
  const means = Array.from({ length: 101 }, (_, b) => {
    let s = 0;
    for (let t = 0; t < 300; t++) s += x[idx.indices[b * 300 + t]!]!;
    return s / 300;
  }).sort((a, b) => a - b);
  assert.ok(Math.abs(ci.lower - means[5]!) < 1e-15);
  assert.ok(Math.abs(ci.upper - means[95]!) < 1e-15);
  assert.equal(ci.interval, "percentile");
  assert.equal(ci.blockLength, 5);
});

Deno.test("interval coverage of a known mean is near nominal on AR(1) data (block bootstrap)", () => {
  // 100 series of AR(1) phi = 0.5 with mean 0: the i.i.d. bootstrap would cover far less than
  // 90%; the stationary bootstrap with the Politis-White length comes close.
  let covered = 0;
  for (let s = 0; s < 100; s++) {
    const rng = createRng(1000 + s);
    const x = new Float64Array(400);
    for (let t = 1; t < 400; t++) x[t] = 0.5 * x[t - 1]! + rng.normal();
    const ci = meanIcInterval(x, { level: 0.9, replications: 300, seed: s });
    if (ci.lower < 0 && 0 < ci.upper) covered++;
  }
  assert.ok(covered >= 78 && covered <= 98, `covered ${covered} of 100`);
});

realDataTest("performance intervals of BTC daily buy and hold bracket the estimates", () => {
  const c = btcDailyCloses();
  const r = Float64Array.from({ length: c.length - 1 }, (_, i) => c[i + 1]! / c[i]! - 1);
  const ci = performanceIntervals(r, 365, { seed: 1, replications: 500 });
  const cagr = Math.pow(c[c.length - 1]! / c[0]!, 365 / r.length) - 1;
  assert.ok(Math.abs(ci.cagr.estimate - cagr) < 1e-12);
  for (const k of ["sharpe", "cagr", "maxDrawdown"] as const) {
    assert.ok(ci[k].lower <= ci[k].estimate && ci[k].estimate <= ci[k].upper, k);
    assert.equal(ci[k].finite, 500);
  }
  assert.ok(ci.maxDrawdown.estimate > 0.5); // BTC fell more than half at least once in 2017-2022
  assert.equal(ci.sharpe.blockLength, ci.maxDrawdown.blockLength); // same resamples
});
