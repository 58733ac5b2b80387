/**
 * How many decimal places a double "has": the digits after the point in its shortest
 * round-trip decimal form (what `String(x)` prints).
 *
 * Exchanges publish prices and quantities as short decimal strings ("0.01429883"); parsing
 * gives the nearest double, whose shortest round-trip string is that same decimal. Knowing the
 * decimals lets {@link decimalSum} turn a floating-point sum back into the exact decimal sum
 * an exchange reports.
 *
 * @module
 */

/**
 * Decimal places of `x` in its shortest round-trip form: `0.01429883` -> 8, `1.5e-7` -> 8,
 * `42` -> 0. NaN and infinities have 0.
 *
 * Cost: one number-to-string conversion (about 100 ns); use {@link maxDecimalPlaces} over
 * arrays, which mostly avoids it.
 *
 * @example
 * ```ts
 * import { decimalPlaces } from "@lib/materialize/decimals.ts";
 * import assert from "node:assert/strict";
 * assert.equal(decimalPlaces(0.01429883), 8);
 * assert.equal(decimalPlaces(1.5e-7), 8);
 * assert.equal(decimalPlaces(16535.97), 2);
 * assert.equal(decimalPlaces(3), 0);
 * assert.equal(decimalPlaces(0.1 + 0.2), 17);
 * ```
 */
export function decimalPlaces(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return 0;
  const s = String(x);
  const e = s.indexOf("e");
  const mantissa = e < 0 ? s : s.slice(0, e);
  const exp = e < 0 ? 0 : Number(s.slice(e + 1));
  const dot = mantissa.indexOf(".");
  const frac = dot < 0 ? 0 : mantissa.length - dot - 1;
  return Math.max(0, frac - exp);
}

const POW10: number[] = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * True when `x` is the double nearest to some decimal with at most `k` places. Exact for
 * `k <= 22` and `|x| * 10^k < 2^53`: then `round(x * 10^k)` recovers the integer m, and
 * `m / 10^k` (both exact doubles, one correctly rounded division) is the double nearest m/10^k.
 */
export function fitsDecimals(x: number, k: number): boolean {
  const p = POW10[k];
  if (p === undefined) return decimalPlaces(x) <= k;
  return Math.round(x * p) / p === x;
}

/**
 * Largest {@link decimalPlaces} over `values[start, end)`, ignoring NaN.
 *
 * Cheap: a value is converted to a string only when it does not fit the largest count seen so
 * far ({@link fitsDecimals} is a multiply, a round and a divide), so a series with stable
 * precision pays a few string conversions in total.
 *
 * @example
 * ```ts
 * import { maxDecimalPlaces } from "@lib/materialize/decimals.ts";
 * import assert from "node:assert/strict";
 * assert.equal(maxDecimalPlaces(Float64Array.of(1.5, 0.00039585, NaN, 2)), 8);
 * ```
 */
export function maxDecimalPlaces(
  values: ArrayLike<number>,
  start = 0,
  end: number = values.length,
): number {
  let k = 0;
  let p = 1;
  for (let i = start; i < end; i++) {
    const x = values[i]!;
    if (x !== x) continue;
    if (Math.round(x * p) / p === x) continue;
    const d = decimalPlaces(x);
    if (d > k) {
      k = d;
      p = POW10[k] ?? 10 ** k;
    }
  }
  return k;
}
