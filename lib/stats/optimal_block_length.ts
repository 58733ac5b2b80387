import type { Series } from "./types.ts";

/** Options of {@link optimalBlockLength}. */
export interface OptimalBlockLengthOptions {
  /**
   * Constant c of the significance band `c sqrt(log10(n) / n)` for the autocorrelations.
   * @default {2}
   */
  readonly c?: number;
  /**
   * Run length K_N of insignificant autocorrelations that ends the search for m-hat.
   * @default {max(5, ceil(sqrt(log10(n))))}
   */
  readonly kN?: number;
}

/** Default options of {@link optimalBlockLength} (`kN` defaults to `max(5, ceil(sqrt(log10 n)))`). */
export const OPTIMAL_BLOCK_LENGTH_DEFAULTS = { c: 2, kNMin: 5 } as const;

/** What {@link optimalBlockLength} returns. */
export interface OptimalBlockLength {
  /** Optimal mean block length of the stationary bootstrap (>= 1, <= `maxBlockLength`). */
  readonly stationary: number;
  /** Optimal block length of the circular block bootstrap (>= 1, <= `maxBlockLength`). */
  readonly circular: number;
  /** m-hat: smallest m >= 0 with |rho_{m+1..m+K_N}| all below the band (NaN if none up to m_max). */
  readonly mHat: number;
  /** Bandwidth M = min(2 m-hat, m_max), m_max when no m-hat was found. */
  readonly bandwidth: number;
  readonly kN: number;
  readonly c: number;
  /** Cap `ceil(min(3 sqrt(n), n / 3))`. */
  readonly maxBlockLength: number;
}

/**
 * Automatic block length for the stationary and circular block bootstraps: Politis and White
 * (2004), "Automatic Block-Length Selection for the Dependent Bootstrap", Econometric Reviews
 * 23(1), with the correction of Patton, Politis and White (2009), Econometric Reviews 28(4)
 * (`D_SB = 2 g^2`). The block length that minimizes the mean squared error of the bootstrap
 * variance of the mean grows with the persistence of the series: about 1 for white noise, long
 * for strongly autocorrelated series (absolute returns, an IC series of overlapping horizons).
 *
 * Steps (x demeaned, `R(k) = sum_{t} x_t x_{t+k} / n`, `rho_k = R(k) / R(0)`):
 * 1. `K_N = max(5, ceil(sqrt(log10 n)))`, `c = 2`, `m_max = ceil(sqrt(n)) + K_N`;
 * 2. m-hat = the smallest m >= 0 such that `|rho_{m+k}| < c sqrt(log10(n) / n)` for k = 1..K_N
 *    (searched over m = 0..m_max); the bandwidth is `M = min(2 m-hat, m_max)`, or m_max when no
 *    such m exists;
 * 3. with the flat-top kernel `lambda(s) = 1` for |s| <= 1/2, `2 (1 - |s|)` for 1/2 < |s| <= 1:
 *    `g = sum_{|k| <= M} lambda(k / M) R(k)`, `G = sum_{|k| <= M} lambda(k / M) |k| R(k)`;
 * 4. `D_SB = 2 g^2`, `D_CB = (4/3) g^2`, `b = (2 G^2 / D)^(1/3) n^(1/3)`;
 * 5. b is capped at `ceil(min(3 sqrt(n), n / 3))`, and a length below 1 (M = 0 gives G = 0)
 *    becomes 1.
 *
 * Values must be finite; n >= 16. An independent numpy implementation of the same steps is
 * tests/oracles/block_length.py. Cost: O(n m_max).
 *
 * @example White noise needs no blocks
 * ```ts
 * import { optimalBlockLength } from "@lib/stats/optimal_block_length.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(1);
 * const x = Float64Array.from({ length: 2000 }, () => rng.normal());
 * const b = optimalBlockLength(x);
 * assert.ok(b.stationary < 3 && b.circular < 3);
 * ```
 */
export function optimalBlockLength(
  x: Series,
  options: OptimalBlockLengthOptions = {},
): OptimalBlockLength {
  const n = x.length;
  const what = "Cannot compute optimal block length";
  if (n < 16) throw new RangeError(`${what}: need at least 16 values, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new RangeError(
        `${what}: value ${i} is ${x[i]}; pass a gap-free series of finite values`,
      );
    }
  }
  const c = options.c ?? OPTIMAL_BLOCK_LENGTH_DEFAULTS.c;
  const kN = options.kN ??
    Math.max(OPTIMAL_BLOCK_LENGTH_DEFAULTS.kNMin, Math.ceil(Math.sqrt(Math.log10(n))));
  if (!(c > 0) || !Number.isInteger(kN) || kN < 1) {
    throw new RangeError(`${what}: c must be > 0 and kN an integer >= 1, got ${c} and ${kN}`);
  }
  const mMax = Math.ceil(Math.sqrt(n)) + kN;
  const maxLag = Math.min(n - 1, mMax + kN);
  let mu = 0;
  for (let i = 0; i < n; i++) mu += x[i]!;
  mu /= n;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = x[i]! - mu;
  const R = new Float64Array(maxLag + 1);
  for (let k = 0; k <= maxLag; k++) {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += d[t]! * d[t + k]!;
    R[k] = s / n;
  }
  const band = c * Math.sqrt(Math.log10(n) / n);
  let mHat = NaN;
  for (let m = 0; m <= mMax && m + kN <= maxLag; m++) {
    let ok = true;
    for (let k = 1; k <= kN; k++) {
      if (!(Math.abs(R[m + k]! / R[0]!) < band)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      mHat = m;
      break;
    }
  }
  const M = Number.isNaN(mHat) ? mMax : Math.min(2 * mHat, mMax);
  let g = R[0]!, G = 0;
  for (let k = 1; k <= M; k++) {
    const s = k / M;
    const lam = s <= 0.5 ? 1 : 2 * (1 - s);
    g += 2 * lam * R[k]!;
    G += 2 * lam * k * R[k]!;
  }
  const bMax = Math.ceil(Math.min(3 * Math.sqrt(n), n / 3));
  const n3 = Math.cbrt(n);
  const fit = (D: number) => {
    const b = D > 0 ? Math.cbrt((2 * G * G) / D) * n3 : NaN;
    return Number.isFinite(b) ? Math.max(1, Math.min(b, bMax)) : 1;
  };
  return {
    stationary: fit(2 * g * g),
    circular: fit((4 / 3) * g * g),
    mHat,
    bandwidth: M,
    kN,
    c,
    maxBlockLength: bMax,
  };
}
