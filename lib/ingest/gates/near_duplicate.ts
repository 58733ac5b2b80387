/**
 * Telling a near copy of a bar from a different bar, and which copy to keep.
 *
 * A CryptoDataDownload hourly file repeats 2,649 hours: once as Binance sent them and once
 * rounded to two decimals with no trade count. In about half of them the rounded copy's open is
 * also a tick or a few cents off (`387.01` vs `387`: that copy takes the previous close as the
 * open), so the pair is not a pure rounding ({@link morePrecise} of ./rounding.ts) but still one
 * bar. Such a pair keeps the more precise row; rows that disagree beyond the tolerance below are
 * a real disagreement and are all refused.
 *
 * @module
 */
import { decimals } from "./rounding.ts";

/** Tolerances of {@link nearlySame}, stated once. */
export const NEAR_DUPLICATE_DEFAULTS = Object.freeze({
  /**
   * Prices agree within this relative difference (0.05%) or one tick of the coarser row,
   * whichever is larger (see {@link nearlySame}). In the CryptoDataDownload Binance BTCUSDT and ETHUSDT 1h files, the
   * 5,291 repeated hours that are one bar differ by at most 0.039% (BTC) and 0.041% (ETH); the
   * few that are not (a rounded copy taken mid-hour: close 18143.03 vs 18212; an open 0.08% or
   * more off) differ by 0.052% and more.
   */
  priceRel: 0.0005,
  /**
   * Volumes, quote volumes and trade counts agree within this relative difference (0.5%).
   * Rounding a volume to two decimals changes it by under 0.0001% there; the repeated hours
   * differ by at most 0.26%, the copies taken mid-hour by 0.9% and more (19% and 21%).
   */
  volumeRel: 0.005,
});

/** Options of {@link nearlySame} (defaults {@link NEAR_DUPLICATE_DEFAULTS}). */
export interface NearDuplicateOptions {
  readonly priceRel?: number;
  readonly volumeRel?: number;
}

/**
 * True when two rows of one time say the same bar within the tolerances: every price column
 * within `priceRel` relative or one tick of the coarser row (when one row shows fewer decimals
 * in its prices than the other, at least one: a unit of its last decimal, so `0.51` in a
 * two-decimal copy of `0.5012` is one bar), every other column within `volumeRel` relative. A value
 * missing (NaN) in one row only is no disagreement. `prices` lists the price columns; every
 * other column is a volume-like one.
 *
 * @example 387.01 vs 387 (one tick) is the same bar; 346.18 vs 346 (0.052%) is not
 * ```ts
 * import { nearlySame } from "@lib/ingest/gates/near_duplicate.ts";
 * import assert from "node:assert/strict";
 * const p = [0, 1, 2, 3];
 * assert.equal(nearlySame([387.01, 388.5, 386.2, 387.5, 10.123456], [387, 388.5, 386.2, 387.5, 10.12], p), true);
 * assert.equal(nearlySame([346.18, 346.78, 343.86, 344.64, 1], [346, 346.78, 343.86, 344.64, 1], p), false);
 * assert.equal(nearlySame([1, 1, 1, 1, 6097.87], [1, 1, 1, 1, 4940.76], p), false);
 * assert.equal(nearlySame([1, 1, 1, 1, 5], [1, 1, 1, 1, NaN], p), true);
 * // a tick of the two-decimal copy on a low price: 1.8% but one cent
 * assert.equal(nearlySame([0.51, 0.52, 0.5, 0.51, 1], [0.5012, 0.5234, 0.4999, 0.5101, 1], p), true);
 * ```
 */
export function nearlySame(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  prices: readonly number[],
  options: NearDuplicateOptions = {},
): boolean {
  const priceRel = options.priceRel ?? NEAR_DUPLICATE_DEFAULTS.priceRel;
  const volumeRel = options.volumeRel ?? NEAR_DUPLICATE_DEFAULTS.volumeRel;
  const isPrice = new Set(prices);
  // one tick of the coarser row: a unit of the last decimal its prices show, when it shows
  // fewer than the other row (a rounded copy) and at least one (18060 may be 18060.00)
  const da = priceDecimals(a, prices), db = priceDecimals(b, prices);
  const coarse = Math.min(da, db);
  const tick = da !== db && coarse >= 1 ? 10 ** -coarse : 0;
  for (let c = 0; c < a.length; c++) {
    const x = a[c]!, y = b[c]!;
    if (x === y || Number.isNaN(x) || Number.isNaN(y)) continue;
    const diff = Math.abs(x - y), scale = Math.max(Math.abs(x), Math.abs(y));
    // relative slack for the binary representation of decimal values
    const slack = 4 * Number.EPSILON * scale;
    const limit = isPrice.has(c) ? Math.max(priceRel * scale, tick) : volumeRel * scale;
    if (!(diff <= limit + slack)) return false;
  }
  return true;
}

/**
 * How precisely a row is written: the decimals its values show, summed over the columns (a
 * missing value counts none), so `2523.079494` with a trade count beats `2523.08` without.
 *
 * @example
 * ```ts
 * import { precisionOf } from "@lib/ingest/gates/near_duplicate.ts";
 * import assert from "node:assert/strict";
 * assert.equal(precisionOf([387.01, 2523.079494, 51191]), 8);
 * assert.equal(precisionOf([387, 2523.08, NaN]), 2);
 * ```
 */
export function precisionOf(row: ArrayLike<number>): number {
  let d = 0;
  for (let c = 0; c < row.length; c++) {
    if (!Number.isNaN(row[c]!)) d += decimals(row[c]!);
  }
  return d;
}

function priceDecimals(row: ArrayLike<number>, prices: readonly number[]): number {
  let d = 0;
  for (const c of prices) if (!Number.isNaN(row[c]!)) d = Math.max(d, decimals(row[c]!));
  return d;
}
