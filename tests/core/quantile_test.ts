/**
 * lib/core/quantile.ts against numpy 1.24.2 `np.quantile(x, q)` (method "linear") on real
 * Binance BTC/USDT hourly simple returns `c_t / c_{t-1} - 1`; oracle: tests/oracles/quantile.py -> quantile.json.
 * Tolerance: none. The kernel reproduces numpy's position `(n - 1) q` and its two-sided lerp
 * operation for operation, so the values must be equal to the last bit.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { quantileInPlace, quantileSorted, selectInPlace } from "@lib/core/quantile.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadRealHourlyReturns } from "../stats/_real_returns.ts";

const oracle = JSON.parse(
  readFileSync(new URL("../oracles/quantile.json", import.meta.url), "utf8"),
) as {
  rows: number;
  count: number;
  q: number[];
  quantiles: number[];
  flooredQuantiles: number[];
};

function checkBoth(x: Float64Array, expected: readonly number[], label: string): void {
  const sorted = Float64Array.from(x).sort();
  const buf = Float64Array.from(x);
  oracle.q.forEach((q, k) => {
    assert.equal(quantileSorted(sorted, q), expected[k], `${label} sorted q=${q}`);
    assert.equal(quantileInPlace(buf, buf.length, q), expected[k], `${label} in place q=${q}`);
  });
}

realDataTest("quantileSorted / quantileInPlace equal np.quantile on real BTC returns", () => {
  const c = loadRealHourlyReturns(["BTC"]).closes.BTC!;
  const r = new Float64Array(oracle.rows).fill(NaN);
  for (let t = 1; t < oracle.rows; t++) r[t] = c[t]! / c[t - 1]! - 1;
  const x = r.filter(Number.isFinite);
  assert.equal(x.length, oracle.count, "same sample as the oracle");
  checkBoth(x, oracle.quantiles, "returns");
  // np.floor(x * 100): integers with many ties
  checkBoth(x.map((v) => Math.floor(v * 100)), oracle.flooredQuantiles, "floored");
});

Deno.test("selectInPlace returns the k-th order statistic and partitions around it", () => {
  const rng = createRng(11);
  for (let trial = 0; trial < 200; trial++) {
    const m = 1 + rng.int(120);
    const ties = trial % 2 === 0;
    const x = Float64Array.from({ length: m }, () => ties ? rng.int(3) : rng.normal());
    const sorted = Float64Array.from(x).sort();
    const k = rng.int(m);
    const a = Float64Array.from(x);
    assert.equal(selectInPlace(a, m, k), sorted[k]);
    for (let j = 0; j < k; j++) assert.ok(a[j]! <= a[k]!);
    for (let j = k + 1; j < m; j++) assert.ok(a[j]! >= a[k]!);
    assert.deepEqual(a.sort(), sorted, "the multiset is kept");
    // quantileInPlace on the reordered buffer agrees with the sorted kernel
    const q = rng.int(1001) / 1000;
    assert.equal(quantileInPlace(Float64Array.from(x), m, q), quantileSorted(sorted, q));
  }
});
