/**
 * Average ranks of successive cross-sections, exploiting that most signals change little from
 * one bar to the next (internal: not re-exported).
 *
 * @module
 */
import { sortPairs } from "../stats/_sort_pairs.ts";
import { averageRanksOfSorted } from "../stats/average_ranks.ts";

/**
 * Ranks one cross-section after another. Each call starts from the previous call's sorted order
 * of asset ids (assets new to the cross-section appended), then insertion-sorts: for a
 * persistent signal (momentum, volatility, beta: a few neighbours swap per bar) that costs
 * O(n + swaps) instead of O(n log n) with the unpredictable branches of a quicksort. When the
 * insertion sort exceeds a budget of 4n moves (an unrelated cross-section, e.g. 1-bar returns)
 * it hands over to a quicksort (and skips the attempt for the next 8 calls), so the worst case
 * stays O(n log n) plus O(n). The ranks are the
 * same as `rankInto` gives (average ranks; the sort order only decides positions of equal keys,
 * which share one average rank). No allocation per call.
 */
export class CrossSectionRanker {
  readonly #keys: Float64Array;
  readonly #seq: Int32Array;
  readonly #posOf: Int32Array;
  readonly #prev: Int32Array;
  #prevCount = 0;
  /** Calls left that go straight to the quicksort after the insertion sort gave up. */
  #skip = 0;

  /** Buffers for cross-sections of up to `assets` entries with ids in [0, assets). */
  constructor(assets: number) {
    this.#keys = new Float64Array(assets);
    this.#seq = new Int32Array(assets);
    this.#posOf = new Int32Array(assets).fill(-1);
    this.#prev = new Int32Array(assets);
  }

  /**
   * Write to `out[i]` the average rank (1-based) of `values[i]` among the first `n` entries,
   * all finite; `ids[i]` is the asset id of entry i (distinct).
   */
  rank(values: Float64Array, ids: Int32Array, n: number, out: Float64Array): void {
    const keys = this.#keys, seq = this.#seq, posOf = this.#posOf, prev = this.#prev;
    for (let i = 0; i < n; i++) posOf[ids[i]!] = i;
    // previous order first (assets still present), then the newcomers
    let m = 0;
    for (let k = 0; k < this.#prevCount; k++) {
      const i = posOf[prev[k]!]!;
      if (i >= 0) {
        seq[m++] = i;
        posOf[prev[k]!] = -2; // placed
      }
    }
    for (let i = 0; i < n; i++) {
      if (posOf[ids[i]!] !== -2) seq[m++] = i;
      posOf[ids[i]!] = -1;
    }
    for (let k = 0; k < n; k++) keys[k] = values[seq[k]!]!;
    // adaptive insertion sort with a move budget; after it gives up, the next 8 calls go
    // straight to the quicksort (an unrelated series, e.g. 1-bar returns, stays unrelated), so
    // a random series pays the failed attempt on one call in nine only
    let budget = 4 * n;
    let sorted = this.#skip === 0;
    if (!sorted) this.#skip--;
    for (let i = 1; sorted && i < n; i++) {
      const key = keys[i]!, s = seq[i]!;
      let j = i - 1;
      while (j >= 0 && keys[j]! > key) {
        keys[j + 1] = keys[j]!;
        seq[j + 1] = seq[j]!;
        j--;
        budget--;
      }
      keys[j + 1] = key;
      seq[j + 1] = s;
      if (budget < 0) {
        sorted = false;
        this.#skip = 8;
      }
    }
    if (!sorted) sortPairs(keys, seq, 0, n - 1);
    averageRanksOfSorted(keys, seq, n, out);
    for (let k = 0; k < n; k++) prev[k] = ids[seq[k]!]!;
    this.#prevCount = n;
  }
}
