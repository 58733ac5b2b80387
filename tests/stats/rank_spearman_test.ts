/**
 * rank and spearman against scipy 1.10.1 / pandas 1.5.3 on real Binance hourly log returns
 * (ADAUSDT, DOGEUSDT of the NFI universe: thousands of tied zero returns and gaps), oracle
 * tests/oracles/signals.py ("rank" section):
 *   scipy.stats.rankdata(x[finite], method="average") (asserted equal to pandas Series.rank())
 *   scipy.stats.spearmanr(ada[both], doge[both]).correlation and
 *   pandas Series.corr(other, method="spearman").
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { rank } from "@lib/stats/rank.ts";
import { spearman } from "@lib/stats/spearman.ts";
import { pearson } from "@lib/stats/pearson.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "../research/_nfi_panel.ts";

interface Compact {
  count: number;
  sum: number;
  samples: [number, number | null][];
}
const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/signals.json", import.meta.url), "utf8"),
) as {
  rank: {
    asset: string;
    ties: number;
    rank: Compact;
    spearmanAdaDoge: number;
    spearmanAdaDogePandas: number;
    spearmanAdaDogeFirst500: number;
  };
};

Deno.test("rank: average ranks for ties, non-finite kept NaN, -0 ties with 0", () => {
  assert.deepEqual([...rank([3, 1, 2, 2, NaN, 1])], [5, 1.5, 3.5, 3.5, NaN, 1.5]);
  assert.deepEqual([...rank([Infinity, 0, -0, -Infinity])], [NaN, 1.5, 1.5, NaN]);
  assert.deepEqual([...rank([])], []);
  assert.deepEqual([...rank([NaN, NaN])], [NaN, NaN]);
  assert.deepEqual([...rank([7])], [1]);
});

Deno.test("spearman: monotone invariance, Pearson of ranks, NaN rules", () => {
  const x = [0.3, -1.2, 0.7, 2.5, 0.7, -0.1, 1.9, NaN, 0.2];
  const y = [1.1, -0.4, 0.2, 3.0, 0.9, 0.0, 0.5, 4.0, NaN];
  const s = spearman(x, y);
  // a strictly increasing transform of either side leaves ranks and Spearman unchanged
  assert.equal(spearman(x.map((v) => Math.exp(3 * v)), y.map((v) => v ** 3)), s);
  // definition: Pearson correlation of the ranks of the complete pairs
  const ok = x.map((v, i) => Number.isFinite(v) && Number.isFinite(y[i]!));
  const xs = x.filter((_, i) => ok[i]), ys = y.filter((_, i) => ok[i]);
  assert.ok(Math.abs(s - pearson(rank(xs), rank(ys))) < 1e-15);
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])), "constant side");
  assert.ok(Number.isNaN(spearman([1, NaN], [1, 2])), "one pair");
  assert.ok(Number.isNaN(spearman([1, 2, 3], [3, 2, 1], 4)), "minPeriods");
  assert.throws(() => spearman([1, 2], [1]), /same length, got 2 and 1/);
});

realDataTest("rank equals scipy rankdata / pandas rank on real returns with ties", () => {
  const p = nfiPanel();
  const o = ORACLE.rank;
  const r = rank(p.logReturns[p.assets.indexOf(o.asset)]!);
  // Ranks are sums of small integers halved: exact in floating point on both sides, and the
  // returns they order are the same doubles (both sides take log(c_t / c_{t-1})), so exact.
  let count = 0, sum = 0;
  for (const v of r) {
    if (Number.isFinite(v)) {
      count++;
      sum += v;
    }
  }
  assert.ok(o.ties >= 10, `the oracle series has ties (${o.ties})`);
  assert.equal(count, o.rank.count);
  assert.equal(sum, o.rank.sum);
  for (const [t, v] of o.rank.samples) {
    if (v === null) assert.ok(Number.isNaN(r[t]!), `row ${t}`);
    else assert.equal(r[t], v, `row ${t}`);
  }
});

realDataTest("spearman equals scipy spearmanr and pandas corr(method='spearman')", () => {
  const p = nfiPanel();
  const ada = p.logReturns[p.assets.indexOf("ADAUSDT")]!;
  const doge = p.logReturns[p.assets.indexOf("DOGEUSDT")]!;
  const o = ORACLE.rank;
  // Same ranks on both sides; what remains is summation order over ~5,000 products of
  // centred ranks (~1e7 each, exact integers/halves up to 2^53): agreement to ~1e-15 relative,
  // 1e-12 leaves room for the last rounding of the square root and division.
  assert.ok(Math.abs(spearman(ada, doge) - o.spearmanAdaDoge) < 1e-12);
  assert.ok(Math.abs(spearman(ada, doge) - o.spearmanAdaDogePandas) < 1e-12);
  assert.ok(
    Math.abs(spearman(ada.subarray(0, 500), doge.subarray(0, 500)) - o.spearmanAdaDogeFirst500) <
      1e-12,
  );
});

/** O(n^2) average ranks straight from the definition: 1 + #smaller + (#equal - 1) / 2. */
function naiveRanks(x: number[]): number[] {
  return x.map((v) => {
    let lt = 0, eq = 0;
    for (const w of x) {
      if (w < v) lt++;
      else if (w === v) eq++;
    }
    return 1 + lt + (eq - 1) / 2;
  });
}

Deno.test("rank equals the definition on random inputs with heavy ties and sizes 1..300", () => {
  const rng = createRng(77);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + Math.floor(rng.next() * 300);
    const levels = 1 + Math.floor(rng.next() * 40); // few levels: many ties
    const x = Array.from({ length: n }, () => Math.floor(rng.next() * levels) - levels / 2);
    assert.deepEqual([...rank(x)], naiveRanks(x), `trial ${trial} (n ${n}, ${levels} levels)`);
  }
  // sorted, reversed and constant inputs (quicksort's classic worst cases)
  const up = Array.from({ length: 257 }, (_, i) => i);
  assert.deepEqual([...rank(up)], naiveRanks(up));
  assert.deepEqual([...rank([...up].reverse())], naiveRanks([...up].reverse()));
  assert.deepEqual([...rank(new Array(200).fill(3))], new Array(200).fill(100.5));
});
