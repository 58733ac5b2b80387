/**
 * Argument checks shared by the signal-validation functions (internal: not re-exported).
 *
 * @module
 */
import type { Series } from "../stats/types.ts";

/** Check that two asset-major panels have the same shape; return the number of rows. */
export function checkSamePanels(
  a: readonly Series[],
  b: readonly Series[],
  what: string,
  names: [string, string] = ["signal", "forward"],
): number {
  if (a.length !== b.length) {
    throw new RangeError(
      `Cannot compute ${what}: ${names[0]} has ${a.length} assets, ${names[1]} has ${b.length}`,
    );
  }
  if (a.length === 0) {
    throw new RangeError(`Cannot compute ${what}: the panels hold no assets`);
  }
  const n = a[0]!.length;
  for (let k = 0; k < a.length; k++) {
    if (a[k]!.length !== n || b[k]!.length !== n) {
      throw new RangeError(
        `Cannot compute ${what}: asset ${k} has ${a[k]!.length} ${names[0]} rows and ` +
          `${b[k]!.length} ${names[1]} rows, asset 0 has ${n}; put both on the panel grid`,
      );
    }
  }
  return n;
}

/** Throw unless `minAssets` is an integer >= 2. */
export function checkMinAssets(minAssets: number, what: string): void {
  if (!Number.isInteger(minAssets) || minAssets < 2) {
    throw new RangeError(
      `Cannot compute ${what}: minAssets must be an integer >= 2, got ${minAssets}`,
    );
  }
}
