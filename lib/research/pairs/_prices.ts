/**
 * Input checks shared by the pairs functions (internal: not re-exported from `mod.ts`).
 *
 * @module
 */
import type { Series } from "@lib/stats/types.ts";

/**
 * Log prices of `values`: `ln(values)` when they are prices (every finite value must be > 0),
 * or a copy when `alreadyLog`. Non-finite values stay NaN (missing bars). Throws a RangeError
 * that tells the user what to pass when a price is zero or negative, which is what returns,
 * spreads and log prices below 1 look like.
 */
export function logPricesOf(
  values: Series,
  alreadyLog: boolean,
  what: string,
  name: string,
): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = NaN;
    } else if (alreadyLog) {
      out[i] = v;
    } else if (v > 0) {
      out[i] = Math.log(v);
    } else {
      throw new RangeError(
        `Cannot compute ${what}: ${name}[${i}] is ${v}, not a positive price. Pass prices ` +
          `(closes), not returns or a spread: we take logs. If you already hold log prices, ` +
          `pass {logPrices: true}.`,
      );
    }
  }
  return out;
}

/** Throw unless `y` and `x` have the same length. */
export function checkSameLength(y: Series, x: Series, what: string): void {
  if (y.length !== x.length) {
    throw new RangeError(
      `Cannot compute ${what}: y and x must have the same length, got ${y.length} and ${x.length}`,
    );
  }
}
