/**
 * The per-pair work of `screenPairs` (internal), shared by the calling thread and the Workers
 * of `_pair_workers.ts`: one Engle-Granger test with its half-life and the pair's return
 * correlation, written as numbers into a row of a Float64Array so that a Worker can hand it
 * back through shared memory. Every thread runs this same code on the same inputs, so a result
 * does not depend on which thread computed it.
 *
 * @module
 */
import { engleGrangerComplete } from "@lib/stats/engle_granger.ts";
import type { AdfAutolag } from "@lib/stats/adf.ts";
import { correlationFromMoments } from "@lib/stats/correlation_from_moments.ts";

/** Options of the Engle-Granger test of each pair (resolved, plain data for postMessage). */
export interface PairTestOptions {
  readonly trend: "c" | "ct" | "ctt" | "n";
  readonly autolag: AdfAutolag;
  readonly maxlag?: number;
}

/**
 * The tests to run, as flat arrays: test t regresses asset `y[t]` on asset `x[t]` over the `m[t]`
 * bars where both are finite; `refuse[t]` = 1 turns engleGranger's refusal of stationary inputs
 * on; `corr[t]` = 1 asks for the pair's return correlation (once per pair).
 */
export interface PairTestList {
  readonly y: Int32Array;
  readonly x: Int32Array;
  readonly m: Int32Array;
  readonly refuse: Uint8Array;
  readonly corr: Uint8Array;
}

/** Fields of a result row. */
export const F_STATISTIC = 0,
  F_PVALUE = 1,
  F_HEDGE = 2,
  F_INTERCEPT = 3,
  F_HALF_LIFE = 4,
  F_USED_LAG = 5,
  F_CORR = 6,
  F_FAILED = 7;
/** Numbers per result row. */
export const FIELDS = 8;

/**
 * Per-thread state: the universe (asset i's log prices at `prices[i n .. i n + n)`), each
 * asset's first and last finite bar and the missing bars between them, and the buffers a test
 * compacts its pair into.
 */
export class PairTester {
  readonly #prices: Float64Array;
  readonly #n: number;
  readonly #yBuf: Float64Array;
  readonly #xBuf: Float64Array;
  /** The residuals of the pair being tested. */
  readonly #eBuf: Float64Array;
  readonly #options: PairTestOptions;
  readonly #first: Int32Array;
  readonly #last: Int32Array;
  /** Per asset: the non-finite bars strictly between its first and last finite bar, sorted. */
  readonly #gaps: Int32Array[];
  /** Per asset: the mean of its finite one-bar returns (a shift that keeps moments accurate). */
  readonly #retMean: Float64Array;
  // The return moments of the pair being compacted: count, sums, sums of squares, products.
  #k = 0;
  #sy = 0;
  #sx = 0;
  #syy = 0;
  #sxx = 0;
  #sxy = 0;

  constructor(prices: Float64Array, assets: number, n: number, options: PairTestOptions) {
    this.#prices = prices;
    this.#n = n;
    this.#options = options;
    this.#yBuf = new Float64Array(n);
    this.#xBuf = new Float64Array(n);
    this.#eBuf = new Float64Array(n);
    this.#first = new Int32Array(assets).fill(-1);
    this.#last = new Int32Array(assets).fill(-1);
    this.#gaps = [];
    this.#retMean = new Float64Array(assets);
    for (let i = 0; i < assets; i++) {
      const p = prices.subarray(i * n, i * n + n);
      let first = -1, last = -1, sum = 0, count = 0;
      for (let t = 0; t < n; t++) {
        if (!Number.isFinite(p[t]!)) continue;
        if (first < 0) first = t;
        last = t;
        if (t > 0 && Number.isFinite(p[t - 1]!)) {
          sum += p[t]! - p[t - 1]!;
          count++;
        }
      }
      const gaps: number[] = [];
      for (let t = first + 1; first >= 0 && t < last; t++) {
        if (!Number.isFinite(p[t]!)) gaps.push(t);
      }
      this.#first[i] = first;
      this.#last[i] = last;
      this.#gaps.push(Int32Array.from(gaps));
      this.#retMean[i] = count > 0 ? sum / count : 0;
    }
  }

  /** Run test t of `list` into row t of `out`; a thrown error only sets F_FAILED. */
  run(list: PairTestList, t: number, out: Float64Array): void {
    const row = t * FIELDS;
    try {
      this.#run(list, t, out, row);
      out[row + F_FAILED] = 0;
    } catch {
      out[row + F_FAILED] = 1;
    }
  }

  /** Run test t and throw what engleGranger threw (to report a failed test with its reason). */
  rethrow(list: PairTestList, t: number, out: Float64Array): void {
    this.#run(list, t, out, t * FIELDS);
  }

  #run(list: PairTestList, t: number, out: Float64Array, row: number): void {
    const n = this.#n, yi = list.y[t]!, xi = list.x[t]!, m = list.m[t]!;
    const py = this.#prices.subarray(yi * n, yi * n + n);
    const px = this.#prices.subarray(xi * n, xi * n + n);
    const lo = Math.max(this.#first[yi]!, this.#first[xi]!);
    const hi = Math.min(this.#last[yi]!, this.#last[xi]!);
    const withCorr = list.corr[t] === 1;
    let y: Float64Array, x: Float64Array;
    if (this.#gaps[yi]!.length === 0 && this.#gaps[xi]!.length === 0) {
      // One run of complete bars: test the series in place.
      y = py.subarray(lo, hi + 1);
      x = px.subarray(lo, hi + 1);
      this.#resetMoments();
      if (withCorr) this.#addReturns(py, px, lo, hi + 1, this.#retMean[yi]!, this.#retMean[xi]!);
    } else {
      this.#compact(py, px, yi, xi, lo, hi, withCorr);
      y = this.#yBuf.subarray(0, m);
      x = this.#xBuf.subarray(0, m);
    }
    if (y.length !== m) throw new Error(`internal: pair rows ${y.length} != overlap ${m}`);
    const o = this.#options;
    const r = engleGrangerComplete(
      y,
      [x],
      o.trend,
      o.autolag,
      o.maxlag,
      list.refuse[t] !== 1,
      this.#eBuf,
    );
    out[row + F_STATISTIC] = r.statistic;
    out[row + F_PVALUE] = r.pValue;
    out[row + F_HEDGE] = r.hedgeRatio;
    out[row + F_INTERCEPT] = r.intercept;
    out[row + F_HALF_LIFE] = halfLifeOfComplete(r.residuals);
    out[row + F_USED_LAG] = r.usedLag;
    out[row + F_CORR] = withCorr ? this.#correlation() : NaN;
  }

  /**
   * Copy the bars lo..hi where both assets are finite into the buffers, run by run between
   * the two assets' gaps, and add the returns inside each run (where both returns exist).
   */
  #compact(
    py: Float64Array,
    px: Float64Array,
    yi: number,
    xi: number,
    lo: number,
    hi: number,
    withCorr: boolean,
  ): void {
    const gy = this.#gaps[yi]!, gx = this.#gaps[xi]!;
    const cy = this.#retMean[yi]!, cx = this.#retMean[xi]!;
    let iy = 0, ix = 0;
    while (iy < gy.length && gy[iy]! < lo) iy++;
    while (ix < gx.length && gx[ix]! < lo) ix++;
    this.#resetMoments();
    let a = lo, k = 0;
    for (;;) {
      const ny = iy < gy.length ? gy[iy]! : hi + 1, nx = ix < gx.length ? gx[ix]! : hi + 1;
      const g = Math.min(ny, nx, hi + 1);
      if (g > a) {
        this.#yBuf.set(py.subarray(a, g), k);
        this.#xBuf.set(px.subarray(a, g), k);
        k += g - a;
        if (withCorr) this.#addReturns(py, px, a, g, cy, cx);
      }
      if (g > hi) break;
      if (ny === g) iy++;
      if (nx === g) ix++;
      a = g + 1;
    }
  }

  #resetMoments(): void {
    this.#k = 0;
    this.#sy =
      this.#sx =
      this.#syy =
      this.#sxx =
      this.#sxy =
        0;
  }

  /** Add the returns at bars a+1..b-1 (a run of complete bars), shifted by cy and cx. */
  #addReturns(py: Float64Array, px: Float64Array, a: number, b: number, cy: number, cx: number) {
    let sy = 0, sx = 0, syy = 0, sxx = 0, sxy = 0;
    for (let t = a + 1; t < b; t++) {
      const u = py[t]! - py[t - 1]! - cy, v = px[t]! - px[t - 1]! - cx;
      sy += u;
      sx += v;
      syy += u * u;
      sxx += v * v;
      sxy += u * v;
    }
    this.#k += Math.max(0, b - a - 1);
    this.#sy += sy;
    this.#sx += sx;
    this.#syy += syy;
    this.#sxx += sxx;
    this.#sxy += sxy;
  }

  /** `pearson` of the two assets' returns on the bars where both exist, from the moments. */
  #correlation(): number {
    const k = this.#k;
    if (k < 2) return NaN;
    const my = this.#sy / k, mx = this.#sx / k;
    return correlationFromMoments(
      this.#syy - k * my * my,
      this.#sxx - k * mx * mx,
      this.#sxy - k * my * mx,
    );
  }
}

/**
 * `halfLife(spread).halfLife` for a spread with no missing value, in one pass: the slope of
 * the regression of the change on [1, previous level] from its moments (the same least-squares
 * solution as halfLife's QR, to rounding), NaN when the level is constant. The moments need no
 * centring pass: Engle-Granger residuals have mean zero (up to e[m] / m over the first m).
 */
export function halfLifeOfComplete(e: Float64Array): number {
  const m = e.length - 1;
  if (m < 3) return NaN;
  let sl = 0, sll = 0, sld = 0, prev = e[0]!;
  for (let t = 0; t < m; t++) {
    const next = e[t + 1]!;
    sl += prev;
    sll += prev * prev;
    sld += prev * (next - prev);
    prev = next;
  }
  const ml = sl / m, md = (e[m]! - e[0]!) / m;
  const vll = sll - m * ml * ml, cld = sld - m * ml * md;
  if (!(vll > 0)) return NaN;
  const absPhi = Math.abs(1 + cld / vll);
  return absPhi >= 1 ? Infinity : absPhi === 0 ? 0 : Math.log(0.5) / Math.log(absPhi);
}
