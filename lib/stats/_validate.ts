/**
 * Argument checks shared by several statistics (internal: not re-exported from `mod.ts`).
 *
 * @module
 */
import type { RollingBetaOptions, Series } from "./types.ts";

/** Throw unless `ppy` is a positive finite number. */
export function checkPeriods(ppy: number, what: string): void {
  if (!(ppy > 0) || !Number.isFinite(ppy)) {
    throw new RangeError(
      `Cannot compute ${what}: periodsPerYear must be a positive number (365 daily, 8760 hourly), got ${ppy}`,
    );
  }
}

/** Validate rolling-beta arguments; returns the resolved `minObs`. */
export function checkRollingBeta(
  y: Series,
  x: Series,
  window: number,
  options: RollingBetaOptions,
  what: string,
): number {
  if (y.length !== x.length) {
    throw new RangeError(
      `Cannot compute ${what}: y and x must have the same length, got ${y.length} and ${x.length}`,
    );
  }
  if (!Number.isInteger(window) || window < 2) {
    throw new RangeError(`Cannot compute ${what}: window must be an integer >= 2, got ${window}`);
  }
  const minObs = options.minObs ?? window;
  if (!Number.isInteger(minObs) || minObs < 2 || minObs > window) {
    throw new RangeError(
      `Cannot compute ${what}: minObs must be an integer in [2, window=${window}], got ${minObs}`,
    );
  }
  return minObs;
}
