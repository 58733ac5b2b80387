/**
 * Helpers shared by the allocations that need no solver (internal: not re-exported from
 * `mod.ts`).
 *
 * @module
 */
import { checkSquare } from "./_linear.ts";

/**
 * A covariance as flat row-major N x N after checking it is square, finite, symmetric (to 1e-12
 * relative) and has positive variances; returns `[flat, N]`.
 */
export function flatCovariance(
  covariance: readonly ArrayLike<number>[],
  what: string,
): [Float64Array, number] {
  const n = checkSquare(covariance, what);
  const flat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = covariance[i]![j]!, u = covariance[j]![i]!;
      if (Math.abs(v - u) > 1e-12 * (Math.abs(v) + Math.abs(u))) {
        throw new RangeError(
          `Cannot compute ${what}: the covariance is not symmetric at (${i}, ${j}): ${v} vs ${u}`,
        );
      }
      flat[i * n + j] = v;
    }
    if (!(flat[i * n + i]! > 0)) {
      throw new RangeError(
        `Cannot compute ${what}: asset ${i} has variance ${
          flat[i * n + i]
        }; every asset needs a positive variance (drop assets without returns)`,
      );
    }
  }
  return [flat, n];
}

/** `w' S w` for flat S (n x n). */
export function quadraticForm(s: Float64Array, w: ArrayLike<number>, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) r += s[row + j]! * w[j]!;
    v += w[i]! * r;
  }
  return v;
}
