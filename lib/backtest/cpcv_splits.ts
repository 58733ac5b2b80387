/**
 * Combinatorial purged cross-validation (CPCV; M. Lopez de Prado, "Advances in Financial
 * Machine Learning", Wiley 2018, ch. 12): the rows are cut into `N` contiguous groups, every
 * choice of `k` groups is a test set (`C(N, k)` splits) trained on the other groups after
 * purging and an embargo (`./walk_forward_splits.ts`), and the splits' test results are
 * assembled into `phi = k / N * C(N, k)` backtest paths, each a full-length out-of-sample
 * series.
 *
 * @module
 */
import {
  purgedTrainRows,
  type PurgeOptions,
  rowsToRanges,
  type Split,
} from "./walk_forward_splits.ts";

/** Options of {@link cpcvSplits}. */
export interface CpcvOptions extends PurgeOptions {
  /** Number of bars of the time index. */
  readonly bars: number;
  /** Number of contiguous groups `N` (>= 2). */
  readonly groups: number;
  /** Test groups per split `k` (1 <= k < N). */
  readonly testGroups: number;
}

/** A CPCV split: a {@link Split} plus the groups it tests. */
export interface CpcvSplit extends Split {
  /** The test groups, ascending. */
  readonly testGroups: readonly number[];
}

/** The splits and how they assemble into backtest paths. */
export interface CpcvPlan {
  readonly groups: number;
  readonly testGroups: number;
  /** Group `g` is rows `[groupBounds[g][0], groupBounds[g][1]]`. */
  readonly groupBounds: readonly (readonly [number, number])[];
  /** The `C(N, k)` splits, test groups in lexicographic order (`itertools.combinations`). */
  readonly splits: readonly CpcvSplit[];
  /**
   * `paths[p][g]` is the split whose test result on group `g` goes into path `p`: the `p`-th
   * split (in split order) that tests group `g`. `phi = k / N * C(N, k)` paths.
   */
  readonly paths: readonly (readonly number[])[];
}

/** `C(n, k)` as an exact integer (throws past 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let j = 1; j <= Math.min(k, n - k); j++) c = (c * (n - Math.min(k, n - k) + j)) / j;
  if (!Number.isSafeInteger(Math.round(c))) {
    throw new RangeError(`Cannot count C(${n}, ${k}): too large`);
  }
  return Math.round(c);
}

function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const rec = (from: number) => {
    if (pick.length === k) {
      out.push(pick.slice());
      return;
    }
    for (let g = from; g <= n - (k - pick.length); g++) {
      pick.push(g);
      rec(g + 1);
      pick.pop();
    }
  };
  rec(0);
  return out;
}

/**
 * The CPCV splits and their path assembly. Groups are as `numpy.array_split` cuts
 * them: the first `bars % N` groups have one bar more. Each split trains on the rows of the
 * other `N - k` groups, purged against every test group (`labelHorizon`) and embargoed after
 * each (`embargo`). Path `p` takes, for each group `g`, the test result of the `p`-th split that
 * tests `g`, so every (split, test group) pair is used by exactly one path and every path
 * covers every group once. With `testGroups: 1` the splits are purged k-fold
 * cross-validation (AFML ch. 7, purged by `getTrainTimes`' rule; one path).
 *
 * @example N = 6, k = 2: 15 splits, 5 paths
 * ```ts
 * import { cpcvSplits } from "@lib/backtest/cpcv_splits.ts";
 * import assert from "node:assert/strict";
 * const plan = cpcvSplits({ bars: 600, groups: 6, testGroups: 2, labelHorizon: 3, embargo: 6 });
 * assert.equal(plan.splits.length, 15);
 * assert.equal(plan.paths.length, 5);
 * assert.deepEqual(plan.splits[0]!.testGroups, [0, 1]);
 * // path 0 takes group 0 from split {0,1}, group 2 from split {0,2}, ...
 * assert.deepEqual(plan.paths[0], [0, 0, 1, 2, 3, 4]);
 * ```
 */
export function cpcvSplits(options: CpcvOptions): CpcvPlan {
  const what = "make CPCV splits";
  const { bars, groups: n, testGroups: k } = options;
  if (!Number.isInteger(n) || n < 2) {
    throw new RangeError(`Cannot ${what}: groups must be an integer >= 2, got ${n}`);
  }
  if (!Number.isInteger(k) || k < 1 || k >= n) {
    throw new RangeError(
      `Cannot ${what}: testGroups must be an integer in 1..${n - 1} (groups - 1), got ${k}`,
    );
  }
  if (!Number.isInteger(bars) || bars < n) {
    throw new RangeError(`Cannot ${what}: ${bars} bars cannot be cut into ${n} groups`);
  }
  const bounds: [number, number][] = [];
  const base = Math.floor(bars / n), extra = bars % n;
  let at = 0;
  for (let g = 0; g < n; g++) {
    const len = base + (g < extra ? 1 : 0);
    bounds.push([at, at + len - 1]);
    at += len;
  }
  const combos = combinations(n, k);
  const splits: CpcvSplit[] = combos.map((tg) => {
    const isTest = new Uint8Array(n);
    for (const g of tg) isTest[g] = 1;
    const testRows: number[] = [];
    const candidates: number[] = [];
    for (let g = 0; g < n; g++) {
      const [a, b] = bounds[g]!;
      const into = isTest[g] ? testRows : candidates;
      for (let i = a; i <= b; i++) into.push(i);
    }
    const testRanges = rowsToRanges(testRows);
    const train = purgedTrainRows(bars, candidates, testRanges, options);
    return {
      train,
      test: Int32Array.from(testRows),
      testRanges,
      purged: candidates.length - train.length,
      testGroups: tg,
    };
  });
  const phi = binomial(n - 1, k - 1); // = k / N * C(N, k)
  const paths: number[][] = Array.from({ length: phi }, () => new Array<number>(n).fill(-1));
  const seen = new Array<number>(n).fill(0);
  splits.forEach((s, j) => {
    for (const g of s.testGroups) paths[seen[g]!++]![g] = j;
  });
  return { groups: n, testGroups: k, groupBounds: bounds, splits, paths };
}
