/**
 * The per-pair work of `screenPairs` (internal), shared by the calling thread and the Workers
 * of `_pair_workers.ts`: one Engle-Granger test with its half-life and the pair's return
 * correlation, written as numbers into a row of a Float64Array so that a Worker can hand it
 * back through shared memory. Every thread runs this same code on the same inputs, so a result
 * does not depend on which thread computed it.
 *
 * @module
 */
import { engleGranger } from "@lib/stats/engle_granger.ts";
import type { AdfAutolag } from "@lib/stats/adf.ts";
import { halfLife } from "@lib/stats/half_life.ts";
import { pearson } from "@lib/stats/pearson.ts";

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
 * Per-thread state: the universe (asset i's log prices at `prices[i n .. i n + n)`), one-bar
 * log returns of each asset, and the buffers a test compacts its pair into.
 */
export class PairTester {
  readonly #prices: Float64Array;
  readonly #n: number;
  readonly #returns: Float64Array[];
  readonly #yBuf: Float64Array;
  readonly #xBuf: Float64Array;
  readonly #options: PairTestOptions;

  constructor(prices: Float64Array, assets: number, n: number, options: PairTestOptions) {
    this.#prices = prices;
    this.#n = n;
    this.#options = options;
    this.#returns = Array.from({ length: assets }, (_, i) => {
      const p = prices.subarray(i * n, i * n + n);
      const r = new Float64Array(n).fill(NaN);
      for (let t = 1; t < n; t++) r[t] = p[t]! - p[t - 1]!;
      return r;
    });
    this.#yBuf = new Float64Array(n);
    this.#xBuf = new Float64Array(n);
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
    const yBuf = this.#yBuf, xBuf = this.#xBuf;
    for (let i = 0, k = 0; i < n; i++) {
      const u = py[i]!, v = px[i]!;
      if (Number.isFinite(u) && Number.isFinite(v)) {
        yBuf[k] = u;
        xBuf[k++] = v;
      }
    }
    const r = engleGranger(yBuf.subarray(0, m), xBuf.subarray(0, m), {
      ...this.#options,
      allowStationaryInputs: list.refuse[t] !== 1,
    });
    out[row + F_STATISTIC] = r.statistic;
    out[row + F_PVALUE] = r.pValue;
    out[row + F_HEDGE] = r.hedgeRatio;
    out[row + F_INTERCEPT] = r.intercept;
    out[row + F_HALF_LIFE] = halfLife(r.residuals).halfLife;
    out[row + F_USED_LAG] = r.usedLag;
    out[row + F_CORR] = list.corr[t] === 1 ? pearson(this.#returns[yi]!, this.#returns[xi]!) : NaN;
  }
}
