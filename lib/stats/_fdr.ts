/**
 * The step-up adjustment shared by Benjamini-Hochberg and Benjamini-Yekutieli (internal).
 *
 * @module
 */
import type { Series } from "./types.ts";

/**
 * Adjusted p-values `min_{j >= i} min(1, c m p_(j) / j)` in input order. m counts every entry:
 * a NaN (a test that could not be run) counts as p = 1, so it can only make the adjustment more
 * conservative, never shrink the family; its own adjusted value stays NaN.
 */
export function stepUp(pValues: Series, c: number, what: string): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < pValues.length; i++) {
    const p = pValues[i]!;
    if (Number.isNaN(p)) continue;
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`Cannot compute ${what}: p-value ${i} is ${p}, outside [0, 1]`);
    }
    idx.push(i);
  }
  const out = new Float64Array(pValues.length).fill(NaN);
  const m = pValues.length;
  idx.sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  let running = 1;
  for (let r = idx.length - 1; r >= 0; r--) {
    const i = idx[r]!;
    const adj = (c * m * pValues[i]!) / (r + 1);
    running = Math.min(running, adj);
    out[i] = running;
  }
  return out;
}
