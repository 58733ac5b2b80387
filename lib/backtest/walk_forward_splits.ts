/**
 * Train/test splits over a time index for walk-forward tests, with purging and an embargo
 * (M. Lopez de Prado, "Advances in Financial Machine Learning", Wiley 2018, ch. 7:
 * `getTrainTimes` and `getEmbargoTimes`).
 *
 * Rows are bar numbers `0 .. bars - 1` of one time grid. The label (or the P&L) of row `i` is
 * taken to depend on bars `[i, i + labelHorizon]`. A test period of rows `[a, b]` therefore
 * carries information from bar `a` to bar `b + labelHorizon` (its last label's end), and:
 *
 * - **purging** drops every training row whose label window `[i, i + labelHorizon]` overlaps
 *   `[a, b + labelHorizon]` (closed intervals, as `getTrainTimes` compares with `<=`): rows with
 *   `a - labelHorizon <= i <= b + labelHorizon`;
 * - **the embargo** of `e` bars moves the end of that period `e` bars later (as
 *   `getEmbargoTimes` maps a test end to the time `e` bars after it, capped at the last bar),
 *   so training rows `b + labelHorizon < i <= b + labelHorizon + e` right after a test period
 *   are dropped as well. It only matters for training rows after a test period (combinatorial
 *   purged cross-validation, {@link purgedTrainRows} on any split); a walk-forward's training
 *   rows all precede its test.
 *
 * @module
 */

/** One train/test split: row numbers, ascending. */
export interface Split {
  /** Training rows after purging and the embargo. */
  readonly train: Int32Array;
  /** Test rows. */
  readonly test: Int32Array;
  /** The test rows as closed ranges `[first, last]`, ascending, non-adjacent. */
  readonly testRanges: readonly (readonly [number, number])[];
  /** Training rows dropped by purging or the embargo. */
  readonly purged: number;
}

/** Purging and embargo settings shared by every split generator. */
export interface PurgeOptions {
  /**
   * Bars after row `i` that its label (or P&L) depends on: row `i`'s label spans
   * `[i, i + labelHorizon]`. A forward return over `h` bars has `labelHorizon = h`; the net
   * return of a backtest row depends on that bar only (`0`).
   * @default 0
   */
  readonly labelHorizon?: number;
  /** Bars after each test period's last label in which training rows are dropped. @default 0 */
  readonly embargo?: number;
}

/** Defaults of {@link PurgeOptions}, stated once. */
export const PURGE_DEFAULTS = { labelHorizon: 0, embargo: 0 } as const;

function checkCount(name: string, x: number, min: number, what: string): void {
  if (!Number.isInteger(x) || x < min) {
    throw new RangeError(`Cannot ${what}: ${name} must be an integer >= ${min}, got ${x}`);
  }
}

/** Merge sorted test rows into closed ranges of consecutive rows. */
export function rowsToRanges(rows: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j]!;
    const last = out[out.length - 1];
    if (last !== undefined && r === last[1] + 1) last[1] = r;
    else out.push([r, r]);
  }
  return out;
}

/**
 * The training rows left from `candidates` after purging them against every test range and
 * applying the embargo (see the module doc for the exact rule).
 *
 * Cost: O(bars + candidates).
 *
 * @example Test rows 10..14, labels over 2 bars, embargo 3 (hand-computed)
 * ```ts
 * import { purgedTrainRows } from "@lib/backtest/walk_forward_splits.ts";
 * import assert from "node:assert/strict";
 * const all = Int32Array.from({ length: 30 }, (_, i) => i).filter((i) => i < 10 || i > 14);
 * const train = purgedTrainRows(30, all, [[10, 14]], { labelHorizon: 2, embargo: 3 });
 * // purged: 8, 9 (labels reach 10, 11) and 15, 16 (they start inside [10, 16]);
 * // embargoed: 17, 18, 19; training resumes at 20
 * assert.deepEqual([...train], [0, 1, 2, 3, 4, 5, 6, 7, ...Array.from({ length: 10 }, (_, i) => 20 + i)]);
 * ```
 */
export function purgedTrainRows(
  bars: number,
  candidates: ArrayLike<number>,
  testRanges: readonly (readonly [number, number])[],
  options: PurgeOptions = {},
): Int32Array {
  const h = options.labelHorizon ?? PURGE_DEFAULTS.labelHorizon;
  const e = options.embargo ?? PURGE_DEFAULTS.embargo;
  checkCount("labelHorizon", h, 0, "purge training rows");
  checkCount("embargo", e, 0, "purge training rows");
  const drop = new Uint8Array(bars);
  for (const [a, b] of testRanges) {
    if (!(a >= 0 && b >= a && b < bars)) {
      throw new RangeError(
        `Cannot purge training rows: test range [${a}, ${b}] is not inside 0..${bars - 1}`,
      );
    }
    const lo = Math.max(0, a - h);
    const hi = Math.min(bars - 1, b + h + e);
    drop.fill(1, lo, hi + 1);
  }
  const out = new Int32Array(candidates.length);
  let n = 0;
  for (let j = 0; j < candidates.length; j++) {
    const i = candidates[j]!;
    if (!(i >= 0 && i < bars) || !Number.isInteger(i)) {
      throw new RangeError(`Cannot purge training rows: row ${i} is not inside 0..${bars - 1}`);
    }
    if (drop[i] === 0) out[n++] = i;
  }
  return out.slice(0, n);
}

/** Options of {@link walkForwardSplits}; defaults in {@link WALK_FORWARD_SPLIT_DEFAULTS}. */
export interface WalkForwardSplitOptions extends PurgeOptions {
  /** Number of bars of the time index. */
  readonly bars: number;
  /**
   * Training bars before the first test period; with `rolling` windows every training window
   * has this length (before purging).
   */
  readonly trainBars: number;
  /**
   * Bars per test period. Give this or `folds`; with `folds`, the bars after the first training
   * window are cut into `folds` test periods of `floor(rest / folds)` bars (the last one takes
   * the remainder).
   */
  readonly testBars?: number;
  /** Number of test periods (see `testBars`). */
  readonly folds?: number;
  /**
   * `rolling`: each training window is the `trainBars` bars before its test period;
   * `expanding`: it starts at row 0 and grows (anchored walk-forward).
   * @default "rolling"
   */
  readonly window?: "rolling" | "expanding";
}

/** Defaults of {@link WalkForwardSplitOptions}, stated once. */
export const WALK_FORWARD_SPLIT_DEFAULTS = { window: "rolling" as "rolling" | "expanding" };

/**
 * Rolling or expanding walk-forward splits: consecutive test periods after a first training
 * window, each trained only on rows before it, purged by `labelHorizon` (the last
 * `labelHorizon` training rows before each test period are dropped: their labels reach into
 * it). Test periods tile the rows from `trainBars` to the end without overlap.
 *
 * @example 3 rolling folds on 100 bars, forward returns over 5 bars
 * ```ts
 * import { walkForwardSplits } from "@lib/backtest/walk_forward_splits.ts";
 * import assert from "node:assert/strict";
 * const s = walkForwardSplits({ bars: 100, trainBars: 40, folds: 3, labelHorizon: 5 });
 * assert.equal(s.length, 3);
 * assert.deepEqual(s.map((f) => f.testRanges[0]), [[40, 59], [60, 79], [80, 99]]);
 * // fold 2 trains on 40..79 minus the 5 rows whose labels reach row 80
 * assert.equal(s[2]!.train[0], 40);
 * assert.equal(s[2]!.train.at(-1), 74);
 * ```
 */
export function walkForwardSplits(options: WalkForwardSplitOptions): Split[] {
  const what = "make walk-forward splits";
  const { bars, trainBars } = options;
  const window = options.window ?? WALK_FORWARD_SPLIT_DEFAULTS.window;
  checkCount("bars", bars, 2, what);
  checkCount("trainBars", trainBars, 1, what);
  if (window !== "rolling" && window !== "expanding") {
    throw new RangeError(`Cannot ${what}: window must be "rolling" or "expanding", got ${window}`);
  }
  const rest = bars - trainBars;
  if (rest < 1) {
    throw new RangeError(
      `Cannot ${what}: trainBars (${trainBars}) leaves no test bars out of ${bars}`,
    );
  }
  const starts: [number, number][] = [];
  if (options.testBars !== undefined && options.folds !== undefined) {
    throw new RangeError(`Cannot ${what}: give testBars or folds, not both`);
  }
  if (options.testBars !== undefined) {
    checkCount("testBars", options.testBars, 1, what);
    for (let a = trainBars; a < bars; a += options.testBars) {
      starts.push([a, Math.min(bars - 1, a + options.testBars - 1)]);
    }
  } else if (options.folds !== undefined) {
    checkCount("folds", options.folds, 1, what);
    const len = Math.floor(rest / options.folds);
    if (len < 1) {
      throw new RangeError(
        `Cannot ${what}: ${options.folds} folds do not fit in the ${rest} bars after training`,
      );
    }
    for (let k = 0; k < options.folds; k++) {
      const a = trainBars + k * len;
      starts.push([a, k === options.folds - 1 ? bars - 1 : a + len - 1]);
    }
  } else {
    throw new RangeError(`Cannot ${what}: give testBars or folds`);
  }
  return starts.map(([a, b]) => {
    const from = window === "rolling" ? a - trainBars : 0;
    const candidates = Int32Array.from({ length: a - from }, (_, j) => from + j);
    const train = purgedTrainRows(bars, candidates, [[a, b]], options);
    if (train.length === 0) {
      throw new RangeError(
        `Cannot ${what}: purging leaves no training rows before test period [${a}, ${b}]; ` +
          `lower labelHorizon or raise trainBars`,
      );
    }
    return {
      train,
      test: Int32Array.from({ length: b - a + 1 }, (_, j) => a + j),
      testRanges: [[a, b] as const],
      purged: candidates.length - train.length,
    };
  });
}
