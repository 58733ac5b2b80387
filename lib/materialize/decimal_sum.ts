/**
 * Sums that reproduce an exchange's own decimal totals exactly.
 *
 * An exchange computes its hourly volume as the exact decimal sum of its minute volumes
 * (0.1 + 0.2 = 0.3). Adding the parsed doubles does not give the double nearest that decimal:
 * `0.1 + 0.2` is `0.30000000000000004`, and long sums drift further. We therefore
 *
 * 1. add with Neumaier's compensated summation, whose error is about one rounding of the
 *    result, independent of the number of terms (Neumaier 1974, "Rundungsfehleranalyse einiger
 *    Verfahren zur Summation endlicher Summen", ZAMM 54; see also Higham, "Accuracy and
 *    Stability of Numerical Algorithms", 2nd ed., section 4.3), then
 * 2. round the result to the largest number of decimal places found among the inputs:
 *    `Number(sum.toFixed(k))`. The exact decimal sum has at most k places, and the compensated
 *    sum is within a few ulps of it, far closer than half a unit in the k-th place, so the
 *    rounding lands exactly on the double nearest the exchange's decimal.
 *
 * The result is then identical to the exchange's published figure, which matters for
 * reconciliation tests and for fingerprints that must not depend on summation order.
 *
 * @module
 */
import { fitsDecimals, maxDecimalPlaces } from "./decimals.ts";

/**
 * Neumaier (improved Kahan-Babuska) compensated sum of `values[start, end)`; NaN if any term is
 * NaN. O(n), no allocation.
 *
 * @example
 * ```ts
 * import { neumaierSum } from "@lib/materialize/decimal_sum.ts";
 * import assert from "node:assert/strict";
 * assert.equal(neumaierSum(Float64Array.of(1e100, 1, -1e100)), 1);
 * ```
 */
export function neumaierSum(
  values: ArrayLike<number>,
  start = 0,
  end: number = values.length,
): number {
  let s = 0;
  let c = 0;
  for (let i = start; i < end; i++) {
    const x = values[i]!;
    const t = s + x;
    if (Math.abs(s) >= Math.abs(x)) c += (s - t) + x;
    else c += (x - t) + s;
    s = t;
  }
  return s + c;
}

/**
 * Round `x` to `k` decimal places, returning the double nearest that decimal. Skips the string
 * round trip when `x` already is such a double.
 *
 * @example
 * ```ts
 * import { roundToDecimals } from "@lib/materialize/decimal_sum.ts";
 * import assert from "node:assert/strict";
 * assert.equal(roundToDecimals(0.1 + 0.2, 1), 0.3);
 * ```
 */
export function roundToDecimals(x: number, k: number): number {
  if (!Number.isFinite(x)) return x;
  if (fitsDecimals(x, k)) return x;
  return Number(x.toFixed(Math.min(k, 100)));
}

/**
 * A speed hint for {@link decimalSum}: the decimal count seen in the previous call. It never
 * changes a result, only how fast it is found; pass the same object for consecutive groups of
 * one column.
 */
export interface DecimalHint {
  k: number;
}

const POW10: number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);
const EPS = 2 ** -52;
const TWO_50 = 2 ** 50;
const TWO_51 = 2 ** 51;
const MAGIC = 1.5 * 2 ** 52;

/**
 * The exact decimal sum of `values[start, end)` as the nearest double: compensated sum rounded
 * to the inputs' largest number of decimal places (see the module doc for why). NaN if any term
 * is NaN; 0 for an empty range.
 *
 * Fast path (one pass, no strings): every term is checked against the hinted decimal count k
 * (a multiply, a round and a divide), and when the rigorous error bound of the sum,
 * `(sum|x| + |sum|) * 2^-52`, is below a quarter unit of the k-th place, the nearest k-place
 * decimal of the sum is the exact decimal sum D (D has at most k places, and no other k-place
 * decimal is that close), so `round(sum * 10^k) / 10^k` returns the double nearest D, the same
 * double `Number(sum.toFixed(kTrue))` gives. Otherwise it falls back to the definition:
 * {@link maxDecimalPlaces} and {@link roundToDecimals}.
 *
 * @example Minute volumes add up to the exchange's hourly volume
 * ```ts
 * import { decimalSum } from "@lib/materialize/decimal_sum.ts";
 * import assert from "node:assert/strict";
 * const v = Float64Array.of(0.1, 0.2);
 * assert.notEqual(v[0]! + v[1]!, 0.3);
 * assert.equal(decimalSum(v), 0.3);
 * assert.ok(Number.isNaN(decimalSum(Float64Array.of(1, NaN))));
 * ```
 */
export function decimalSum(
  values: ArrayLike<number>,
  start = 0,
  end: number = values.length,
  hint?: DecimalHint,
): number {
  const hk = hint?.k ?? 0;
  const p = POW10[hk] ?? 0;
  let s = 0, c = 0, a = 0;
  let fits = p !== 0;
  // hot loop: compensated sum, sum of |x|, and "does x fit k decimals?" with k fixed
  for (let i = start; i < end && fits; i++) {
    const x = values[i]!;
    const t = s + x;
    const ax = Math.abs(x);
    if (Math.abs(s) >= ax) c += (s - t) + x;
    else c += (x - t) + s;
    s = t;
    a += ax;
    // round(x * p) by the 1.5 * 2^52 trick (exact below 2^51), 3x faster than Math.round
    const y = x * p;
    const m = y < TWO_51 && y > -TWO_51 ? (y + MAGIC) - MAGIC : Math.round(y);
    if (m / p !== x) fits = false;
  }
  let k = hk;
  if (!fits) {
    // a NaN, or more decimals than hinted: find them, then sum again
    s = 0;
    c = 0;
    a = 0;
    for (let i = start; i < end; i++) {
      const x = values[i]!;
      if (x !== x) return NaN;
      const t = s + x;
      const ax = Math.abs(x);
      if (Math.abs(s) >= ax) c += (s - t) + x;
      else c += (x - t) + s;
      s = t;
      a += ax;
    }
    k = maxDecimalPlaces(values, start, end);
  }
  const sum = s + c;
  const pk = POW10[k];
  if (pk !== undefined) {
    const err = (a + Math.abs(sum)) * EPS;
    if (Math.abs(sum) * pk < TWO_50 && err * pk < 0.25) {
      if (hint !== undefined) hint.k = k;
      return Math.round(sum * pk) / pk;
    }
  }
  // the definition itself: round to exactly the inputs' largest decimal count
  const exact = fits ? maxDecimalPlaces(values, start, end) : k;
  if (hint !== undefined) hint.k = exact;
  return roundToDecimals(sum, exact);
}
