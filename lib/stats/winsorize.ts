/**
 * Winsorization of one cross-section by quantiles.
 *
 * @module
 */
import { quantileInPlace } from "../core/quantile.ts";
import type { Series } from "./types.ts";

/** Options for {@link winsorize}. */
export interface WinsorizeOptions {
  /** Lower quantile, in [0, 1]; values below it are raised to it. Default 0.01. */
  readonly lower?: number;
  /** Upper quantile, in [lower, 1]; values above it are lowered to it. Default 0.99. */
  readonly upper?: number;
}

/**
 * Clip `x` at its own `lower` and `upper` quantiles: pandas
 * `x.clip(x.quantile(lower), x.quantile(upper))`. Use it before a z-score or a regression so a
 * few extreme assets (a listing pump, a bad print) do not set the scale of a whole
 * cross-section, while their order is kept.
 *
 * Quantiles are those of pandas `Series.quantile` (default `interpolation="linear"`, numpy's
 * `method="linear"`, Hyndman & Fan type 7): with the `m` finite values sorted as
 * `v[0] <= ... <= v[m-1]`, the q-quantile sits at position `pos = (m - 1) q`, between
 * `v[floor(pos)]` and `v[floor(pos) + 1]`, linearly interpolated with numpy's own formula, so
 * the thresholds equal pandas' bit for bit. Non-finite values are missing: they do not count in
 * the quantiles and come back NaN. An input with no finite value returns all NaN.
 * Reference: Hyndman & Fan (1996), "Sample quantiles in statistical packages", type 7;
 * https://en.wikipedia.org/wiki/Winsorizing.
 *
 * Cost: O(n) expected (two quickselects, no sort).
 *
 * @example Clip the tails of a cross-section at its 10% and 90% quantiles
 * ```ts
 * import { winsorize } from "@lib/stats/winsorize.ts";
 * import assert from "node:assert/strict";
 * const w = winsorize([1, 2, 3, 4, NaN, 100], { lower: 0.1, upper: 0.9 });
 * // five finite values: the 10% quantile is at position 0.4 (1.4), the 90% at 3.6 (61.6)
 * assert.ok(Math.abs(w[0]! - 1.4) < 1e-12 && Math.abs(w[5]! - 61.6) < 1e-12);
 * assert.equal(w[2], 3);
 * assert.ok(Number.isNaN(w[4]!));
 * ```
 */
export function winsorize(x: Series, options: WinsorizeOptions = {}): Float64Array {
  const { lower, upper } = checkWinsorizeOptions(options);
  const n = x.length;
  const buf = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) buf[m++] = v;
  }
  const out = new Float64Array(n);
  if (m === 0) return out.fill(NaN);
  const lo = linearQuantileInPlace(buf, m, lower);
  const hi = linearQuantileInPlace(buf, m, upper);
  for (let i = 0; i < n; i++) out[i] = clipFinite(x[i]!, lo, hi);
  return out;
}

/** Validate and resolve {@link WinsorizeOptions} (internal). */
export function checkWinsorizeOptions(options: WinsorizeOptions): {
  lower: number;
  upper: number;
} {
  const lower = options.lower ?? 0.01;
  const upper = options.upper ?? 0.99;
  if (!(lower >= 0 && lower <= 1) || !(upper >= 0 && upper <= 1) || lower > upper) {
    throw new RangeError(
      `Cannot winsorize: lower and upper must be quantiles with 0 <= lower <= upper <= 1, got lower=${lower}, upper=${upper}`,
    );
  }
  return { lower, upper };
}

/** `v` clipped to [lo, hi]; NaN when `v` is not finite (internal). */
export function clipFinite(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return NaN;
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * The q-quantile (pandas `Series.quantile`, numpy `linear`) of the first `m >= 1` entries of
 * `buf`, which it reorders (the multiset is kept, so it can be called again for another q).
 * Internal kernel shared with `lib/research/cross_section.ts`; not re-exported. O(m) expected.
 */
export function linearQuantileInPlace(buf: Float64Array, m: number, q: number): number {
  // pandas passes q * 100 to np.percentile, which divides by 100 again: reproduce the rounding.
  return quantileInPlace(buf, m, (q * 100) / 100);
}
