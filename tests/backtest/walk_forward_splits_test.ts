/**
 * Purging, the embargo, walk-forward and CPCV splits: a hand-computed example, and every case
 * of tests/oracles/purged_splits.py (AFML snippets 7.1 getTrainTimes and 7.2 getEmbargoTimes
 * transcribed in pandas 1.5.3; CPCV path assembly per AFML ch. 12 with itertools).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { binomial, cpcvSplits } from "@lib/backtest/cpcv_splits.ts";
import { purgedTrainRows, walkForwardSplits } from "@lib/backtest/walk_forward_splits.ts";

const oracle = JSON.parse(
  readFileSync(new URL("../oracles/purged_splits.json", import.meta.url), "utf8"),
) as {
  purge: {
    bars: number;
    candidates: number[];
    testRanges: [number, number][];
    labelHorizon: number;
    embargo: number;
    train: number[];
  }[];
  cpcv: {
    bars: number;
    groups: number;
    testGroups: number;
    labelHorizon: number;
    embargo: number;
    groupBounds: [number, number][];
    splits: { testGroups: number[]; test: number[]; train: number[] }[];
    paths: number[][];
    phi: number;
  }[];
};

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

Deno.test("purge and embargo: hand-computed example", () => {
  // 40 bars, test rows 12..17 and 30..33, labels over 3 bars, embargo 2.
  // test 12..17: its labels reach bar 20, embargo to 22; a training row i is dropped when its
  // label [i, i+3] meets [12, 22]: i in 9..22.
  // test 30..33: labels reach 36, embargo to 38: dropped i in 27..38.
  const cands = range(0, 39).filter((i) => !(i >= 12 && i <= 17) && !(i >= 30 && i <= 33));
  const train = purgedTrainRows(40, cands, [[12, 17], [30, 33]], { labelHorizon: 3, embargo: 2 });
  assert.deepEqual([...train], [...range(0, 8), ...range(23, 26), 39]);
  // no horizon, no embargo: nothing but the test rows themselves goes
  assert.deepEqual([...purgedTrainRows(40, cands, [[12, 17], [30, 33]])], cands);
  // an embargo without a horizon drops only rows after the tests
  assert.deepEqual(
    [...purgedTrainRows(40, cands, [[12, 17], [30, 33]], { embargo: 2 })],
    [...range(0, 11), ...range(20, 29), ...range(36, 39)],
  );
});

Deno.test("purge and embargo equal AFML getTrainTimes/getEmbargoTimes (40 random cases)", () => {
  assert.equal(oracle.purge.length, 40);
  for (const c of oracle.purge) {
    const got = purgedTrainRows(c.bars, c.candidates, c.testRanges, {
      labelHorizon: c.labelHorizon,
      embargo: c.embargo,
    });
    assert.deepEqual([...got], c.train, JSON.stringify({ ...c, candidates: undefined }));
  }
  // the cases do exercise both rules
  assert.ok(oracle.purge.some((c) => c.train.length < c.candidates.length - 10));
});

Deno.test("CPCV splits and paths equal the AFML reference", () => {
  for (const c of oracle.cpcv) {
    const plan = cpcvSplits({
      bars: c.bars,
      groups: c.groups,
      testGroups: c.testGroups,
      labelHorizon: c.labelHorizon,
      embargo: c.embargo,
    });
    assert.deepEqual(plan.groupBounds, c.groupBounds);
    assert.equal(plan.splits.length, c.splits.length);
    plan.splits.forEach((s, j) => {
      assert.deepEqual(s.testGroups, c.splits[j]!.testGroups);
      assert.deepEqual([...s.test], c.splits[j]!.test);
      assert.deepEqual(
        [...s.train],
        c.splits[j]!.train,
        `split ${j} of ${c.groups}/${c.testGroups}`,
      );
    });
    assert.equal(plan.paths.length, c.phi);
    assert.deepEqual(plan.paths, c.paths);
  }
});

Deno.test("CPCV N=6, k=2: 15 splits, 5 paths, each path a full out-of-sample cover", () => {
  const plan = cpcvSplits({ bars: 600, groups: 6, testGroups: 2, labelHorizon: 2, embargo: 4 });
  assert.equal(plan.splits.length, 15);
  assert.equal(binomial(6, 2), 15);
  assert.equal(plan.paths.length, (2 / 6) * 15);
  // each (split, test group) pair is used by exactly one path
  const used = new Set<string>();
  for (const path of plan.paths) {
    assert.equal(path.length, 6);
    path.forEach((j, g) => {
      assert.ok(plan.splits[j]!.testGroups.includes(g), `split ${j} does not test group ${g}`);
      const key = `${j}:${g}`;
      assert.ok(!used.has(key), `${key} used twice`);
      used.add(key);
    });
    // the path's test rows, group by group, are every row once, in order
    const rows = path.flatMap((j, g) => {
      const [a, b] = plan.groupBounds[g]!;
      return [...plan.splits[j]!.test].filter((i) => i >= a && i <= b);
    });
    assert.deepEqual(rows, range(0, 599));
  }
  assert.equal(used.size, 15 * 2);
  // every group appears in exactly phi = 5 paths, taken from 5 different splits
  for (let g = 0; g < 6; g++) {
    assert.equal(new Set(plan.paths.map((p) => p[g])).size, 5);
  }
  // no training row of any split is a test row, or within reach of one
  for (const s of plan.splits) {
    const test = new Set(s.test);
    for (const i of s.train) {
      for (let d = -2; d <= 2 + 4; d++) assert.ok(!test.has(i - d) || d < -2, `row ${i}`);
    }
  }
});

Deno.test("walk-forward splits: rolling and expanding, purged before each test", () => {
  const roll = walkForwardSplits({ bars: 100, trainBars: 30, testBars: 25, labelHorizon: 4 });
  assert.deepEqual(roll.map((s) => s.testRanges[0]), [[30, 54], [55, 79], [80, 99]]);
  assert.deepEqual([...roll[1]!.train], range(25, 50)); // 25..54 minus 51..54
  assert.equal(roll[1]!.purged, 4);
  const exp = walkForwardSplits({
    bars: 100,
    trainBars: 30,
    folds: 3,
    window: "expanding",
    labelHorizon: 4,
    embargo: 5,
  });
  assert.deepEqual(exp.map((s) => s.testRanges[0]), [[30, 52], [53, 75], [76, 99]]);
  assert.deepEqual([...exp[2]!.train], range(0, 71));
  for (const s of [...roll, ...exp]) assert.ok(s.train.at(-1)! + 4 < s.test[0]!);
  assert.throws(
    () => walkForwardSplits({ bars: 100, trainBars: 3, folds: 3, labelHorizon: 3 }),
    /purging leaves no training rows/,
  );
  assert.throws(() => walkForwardSplits({ bars: 100, trainBars: 30 }), /give testBars or folds/);
  assert.throws(() => cpcvSplits({ bars: 100, groups: 6, testGroups: 6 }), /testGroups must be/);
});
