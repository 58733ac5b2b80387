/**
 * PBO by CSCV: hand-checkable families, and a brute-force numpy/scipy reference
 * (tests/oracles/pbo.py: every split's halves concatenated, Sharpe by np.std, ranks by
 * scipy.stats.rankdata) on random and real-return families.
 */
import assert from "node:assert/strict";
import { probabilityOfBacktestOverfitting } from "@lib/stats/probability_of_backtest_overfitting.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../../_shared/real_data.ts";
import { momentumFamily } from "./_real_family.ts";

const oracle = JSON.parse(
  Deno.readTextFileSync(new URL("../../oracles/pbo.json", import.meta.url)),
);

Deno.test("hand case: the in-sample winner is always the out-of-sample loser, PBO = 1", () => {
  // S = 2: splits {block 0 in sample} and {block 1 in sample}. Trial 0 earns in block 0 and
  // loses in block 1, trial 1 the opposite, so the winner of one half is the loser of the other:
  // rank 1 of 2, w = 1/3, logit = ln(1/2) both times.
  const a = [0.02, 0.01, 0.02, -0.02, -0.01, -0.02];
  const b = [-0.02, -0.01, -0.02, 0.02, 0.01, 0.02];
  const out = probabilityOfBacktestOverfitting([a, b], { blocks: 2 });
  assert.equal(out.pbo, 1);
  assert.deepEqual(Array.from(out.selected), [0, 1]);
  for (const l of out.logits) assert.ok(Math.abs(l - Math.log(0.5)) < 1e-15);
  assert.equal(out.enumerated, true);
  assert.equal(out.totalSplits, 2);
  // each half of a: mean 0.05/3, sample std of [0.02, 0.01, 0.02] = 0.005773502691896258
  const sr = (0.05 / 3) / Math.sqrt(((2 * (0.02 - 0.05 / 3) ** 2) + (0.01 - 0.05 / 3) ** 2) / 2);
  assert.ok(Math.abs(out.inSampleSharpe[0]! - sr) < 1e-12);
  assert.ok(Math.abs(out.outOfSampleSharpe[0]! + sr) < 1e-12);
  assert.equal(out.probabilityOfLoss, 1);
});

Deno.test("hand case: a trial that dominates everywhere gives PBO = 0 and logit ln(N)", () => {
  // Trial 2 = trial 1 + 0.01 every row (same spread, higher mean): selected in every split and
  // ranked N = 3 of 3 out of sample, w = 3/4, logit = ln 3.
  const rng = createRng(5);
  const t0 = Array.from({ length: 40 }, () => 0.01 * rng.normal());
  const t1 = Array.from({ length: 40 }, () => 0.01 * rng.normal());
  const t2 = t1.map((v) => v + 0.01);
  const out = probabilityOfBacktestOverfitting([t0, t1, t2], { blocks: 4 });
  assert.equal(out.splits, 6); // C(4, 2)
  assert.equal(out.pbo, 0);
  for (let k = 0; k < 6; k++) {
    assert.equal(out.selected[k], 2);
    assert.ok(Math.abs(out.logits[k]! - Math.log(3)) < 1e-15);
  }
});

Deno.test("hand case: ties in sample go to the lowest index, ties out of sample share the rank", () => {
  // Two identical trials: trial 0 is always selected, the two share ranks 1 and 2 (1.5 each):
  // w = 1.5 / 3 = 1/2, logit 0, which counts as overfit (logit <= 0).
  const x = [0.01, -0.02, 0.03, 0.0, 0.01, -0.01, 0.02, 0.0, 0.05];
  const out = probabilityOfBacktestOverfitting([x, x.slice()], { blocks: 4 });
  assert.equal(out.rowsDropped, 1); // 9 rows, 4 blocks of 2: the first row is dropped
  assert.equal(out.rowsUsed, 8);
  assert.ok(Array.from(out.selected).every((s) => s === 0));
  assert.ok(Array.from(out.logits).every((l) => l === 0));
  assert.equal(out.pbo, 1);
  assert.match(out.convention, /lowest trial index/);
});

for (const key of ["noise", "skill"]) {
  Deno.test(`equals the brute-force reference on a random family (${key})`, () => {
    const o = oracle[key];
    const trials = (o.returns as number[][]).map((c) => Float64Array.from(c));
    check(probabilityOfBacktestOverfitting(trials, { blocks: o.blocks }), o);
    // block-by-block sums instead of the subset sums: the same answer
    check(probabilityOfBacktestOverfitting(trials, { blocks: o.blocks, subsetSumsBytes: 0 }), o);
  });
}

realDataTest("equals the brute-force reference on 20 BTC daily momentum lookbacks", () => {
  const { trials } = momentumFamily(20);
  check(probabilityOfBacktestOverfitting(trials, { blocks: 10 }), oracle.momentum);
  check(
    probabilityOfBacktestOverfitting(trials, { blocks: 10, subsetSumsBytes: 0 }),
    oracle.momentum,
  );
});

// deno-lint-ignore no-explicit-any
function check(out: ReturnType<typeof probabilityOfBacktestOverfitting>, o: any) {
  assert.equal(out.splits, o.logits.length);
  assert.equal(out.rowsDropped, o.rowsDropped);
  assert.deepEqual(Array.from(out.selected), o.selected);
  // block sums vs concatenated rows: rounding only
  for (let k = 0; k < out.splits; k++) {
    assert.ok(Math.abs(out.logits[k]! - o.logits[k]) < 1e-12, `logit ${k}`);
    assert.ok(Math.abs(out.inSampleSharpe[k]! - o.inSampleSharpe[k]) < 1e-12, `IS ${k}`);
    assert.ok(Math.abs(out.outOfSampleSharpe[k]! - o.outOfSampleSharpe[k]) < 1e-12, `OOS ${k}`);
  }
  assert.equal(out.pbo, o.pbo);
  assert.equal(out.probabilityOfLoss, o.probabilityOfLoss);
  assert.ok(Math.abs(out.degradation.slope - o.slope) < 1e-9);
  assert.ok(Math.abs(out.degradation.intercept - o.intercept) < 1e-9);
  assert.ok(Math.abs(out.degradation.rSquared - o.rSquared) < 1e-9);
  const counted = out.histogram.counts.reduce((a, b) => a + b, 0);
  assert.equal(counted, out.splits);
}

Deno.test("S = 16 enumerates all 12,870 splits; above the cap a seeded sample of distinct splits", () => {
  const rng = createRng(9);
  const trials = Array.from(
    { length: 6 },
    () => Float64Array.from({ length: 200 }, () => rng.normal()),
  );
  const all = probabilityOfBacktestOverfitting(trials);
  assert.equal(all.splits, 12_870);
  assert.equal(all.enumerated, true);
  const sampled = probabilityOfBacktestOverfitting(trials, {
    blocks: 20,
    maxCombinations: 500,
    seed: 3,
  });
  assert.equal(sampled.enumerated, false);
  assert.equal(sampled.totalSplits, 184_756);
  assert.equal(sampled.splits, 500);
  const again = probabilityOfBacktestOverfitting(trials, {
    blocks: 20,
    maxCombinations: 500,
    seed: 3,
  });
  assert.deepEqual(again.logits, sampled.logits);
  const other = probabilityOfBacktestOverfitting(trials, {
    blocks: 20,
    maxCombinations: 500,
    seed: 4,
  });
  assert.notDeepEqual(other.logits, sampled.logits);
});

Deno.test("errors say what is wrong", () => {
  assert.throws(() => probabilityOfBacktestOverfitting([[1, 2]]), /at least 2 trials/);
  assert.throws(
    () => probabilityOfBacktestOverfitting([[1, 2], [1, 2]], { blocks: 3 }),
    /even integer/,
  );
  assert.throws(
    () => probabilityOfBacktestOverfitting([[1, 2, 3, NaN], [1, 2, 3, 4]], { blocks: 2 }),
    /row 3 is NaN/,
  );
  assert.throws(
    () => probabilityOfBacktestOverfitting([[1, 2, 3], [1, 2]], { blocks: 2 }),
    /align/,
  );
});
