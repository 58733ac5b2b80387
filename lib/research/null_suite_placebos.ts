/**
 * Placebo signals: copies of a signal panel with its information destroyed in a stated way,
 * for the null suite (`nullSuite`). Each is pure and seeded with `lib/stats/rng.ts`.
 *
 * @module
 */
import type { Rng } from "../stats/rng.ts";
import { optimalBlockLength } from "../stats/optimal_block_length.ts";
import type { Series } from "../stats/types.ts";

/** Shuffle `v[0..n)` in place (Fisher-Yates, `rng.int`). */
function shuffle(v: Float64Array | Int32Array, n: number, rng: Rng): void {
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const x = v[i]!;
    v[i] = v[j]!;
    v[j] = x;
  }
}

function checkPanel(signal: readonly Series[], what: string): number {
  if (signal.length === 0) {
    throw new RangeError(`Cannot build ${what}: the signal has no asset columns`);
  }
  const T = signal[0]!.length;
  signal.forEach((c, a) => {
    if (c.length !== T) {
      throw new RangeError(
        `Cannot build ${what}: signal column ${a} has ${c.length} values, column 0 has ${T}`,
      );
    }
  });
  return T;
}

/**
 * Random ranks: at each row, the assets with a finite signal get a uniformly random
 * permutation of the ranks `1..m` (m = assets with a value); the rest stay NaN. Keeps which
 * asset has a value when, and nothing else: no persistence in time, no link to the signal.
 * O(T N).
 *
 * @example Three assets, one missing at row 1
 * ```ts
 * import { randomRanksPlacebo } from "@lib/research/null_suite_placebos.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const s = [[0.1, 0.2], [0.3, NaN], [0.5, 0.6]].map((c) => Float64Array.from(c));
 * const p = randomRanksPlacebo(s, createRng(1));
 * assert.deepEqual([p[0]![0], p[1]![0], p[2]![0]].sort(), [1, 2, 3]);
 * assert.ok(Number.isNaN(p[1]![1]!));
 * assert.deepEqual([p[0]![1], p[2]![1]].sort(), [1, 2]);
 * ```
 */
export function randomRanksPlacebo(signal: readonly Series[], rng: Rng): Float64Array[] {
  const T = checkPanel(signal, "random-rank placebo");
  const N = signal.length;
  const out = Array.from({ length: N }, () => new Float64Array(T).fill(NaN));
  const ids = new Int32Array(N);
  for (let t = 0; t < T; t++) {
    let m = 0;
    for (let a = 0; a < N; a++) if (Number.isFinite(signal[a]![t]!)) ids[m++] = a;
    shuffle(ids, m, rng);
    for (let k = 0; k < m; k++) out[ids[k]!]![t] = k + 1;
  }
  return out;
}

/**
 * The signal permuted across assets at each row: the finite values of row t are dealt at
 * random to the assets that had a finite value at t. Keeps each row's distribution of values
 * (its spread, ties, outliers) and which assets have a value; breaks the link between an
 * asset's signal and its own returns, and the signal's persistence per asset. Under a null
 * where assets are exchangeable this is the exact permutation test. O(T N).
 *
 * @example The values of each row are kept, their owners shuffled
 * ```ts
 * import { crossSectionPermutationPlacebo } from "@lib/research/null_suite_placebos.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const s = [[1, 4], [2, NaN], [3, 6]].map((c) => Float64Array.from(c));
 * const p = crossSectionPermutationPlacebo(s, createRng(2));
 * assert.deepEqual([p[0]![0], p[1]![0], p[2]![0]].sort(), [1, 2, 3]);
 * assert.ok(Number.isNaN(p[1]![1]!));
 * assert.deepEqual([p[0]![1], p[2]![1]].sort(), [4, 6]);
 * ```
 */
export function crossSectionPermutationPlacebo(
  signal: readonly Series[],
  rng: Rng,
): Float64Array[] {
  const T = checkPanel(signal, "cross-section permutation placebo");
  const N = signal.length;
  const out = Array.from({ length: N }, () => new Float64Array(T).fill(NaN));
  const ids = new Int32Array(N), vals = new Float64Array(N);
  for (let t = 0; t < T; t++) {
    let m = 0;
    for (let a = 0; a < N; a++) {
      const v = signal[a]![t]!;
      if (Number.isFinite(v)) {
        ids[m] = a;
        vals[m++] = v;
      }
    }
    shuffle(vals, m, rng);
    for (let k = 0; k < m; k++) out[ids[k]!]![t] = vals[k]!;
  }
  return out;
}

/**
 * The signal block-shuffled in time: rows are cut into consecutive blocks of `blockLength`
 * (the last one shorter when `blockLength` does not divide T), the blocks are put in a random
 * order, and whole rows move together. Keeps the cross-section of every row and the signal's
 * persistence within a block (so its turnover and autocorrelation up to about `blockLength`
 * bars); breaks its alignment with the returns that follow it. Missing values move with their
 * rows. O(T N).
 *
 * @example Blocks of 2 rows keep their inner order
 * ```ts
 * import { blockShufflePlacebo } from "@lib/research/null_suite_placebos.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const s = [Float64Array.from([0, 1, 2, 3, 4, 5])];
 * const p = blockShufflePlacebo(s, 2, createRng(3))[0]!;
 * for (let t = 0; t < 6; t += 2) assert.equal(p[t + 1]! - p[t]!, 1);
 * assert.deepEqual([...p].sort(), [0, 1, 2, 3, 4, 5]);
 * ```
 */
export function blockShufflePlacebo(
  signal: readonly Series[],
  blockLength: number,
  rng: Rng,
): Float64Array[] {
  const T = checkPanel(signal, "block-shuffle placebo");
  if (!Number.isInteger(blockLength) || blockLength < 1) {
    throw new RangeError(
      `Cannot build block-shuffle placebo: blockLength must be an integer >= 1, got ${blockLength}`,
    );
  }
  const blocks = Math.ceil(T / blockLength);
  const order = Int32Array.from({ length: blocks }, (_, b) => b);
  shuffle(order, blocks, rng);
  return signal.map((c) => {
    const out = new Float64Array(T);
    let t = 0;
    for (let k = 0; k < blocks; k++) {
      const from = order[k]! * blockLength, to = Math.min(T, from + blockLength);
      for (let s = from; s < to; s++) out[t++] = c[s]!;
    }
    return out;
  });
}

/**
 * The block length the null suite uses by default for {@link blockShufflePlacebo}: the median
 * over assets of the Politis and White (2004) circular-block length (with the Patton, Politis and
 * White 2009 correction; `optimalBlockLength`) of each asset's signal column, NaNs dropped,
 * rounded up. Assets with fewer than 16 finite values are skipped; 1 when none is left. A
 * persistent signal (a 24-bar momentum) gets long blocks, a fresh one (a next-bar signal) short
 * ones. O(N T^1.5) at most.
 *
 * @example White noise needs no blocks; a slow random walk needs long ones
 * ```ts
 * import { placeboBlockLength } from "@lib/research/null_suite_placebos.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(4);
 * const noise = [0, 1, 2].map(() => Float64Array.from({ length: 400 }, () => rng.normal()));
 * assert.ok(placeboBlockLength(noise) <= 2);
 * const walk = noise.map((c) => { let w = 0; return c.map((x) => (w += x)); });
 * assert.ok(placeboBlockLength(walk) > 10);
 * ```
 */
export function placeboBlockLength(signal: readonly Series[]): number {
  const lengths: number[] = [];
  for (const c of signal) {
    const x: number[] = [];
    for (let t = 0; t < c.length; t++) if (Number.isFinite(c[t]!)) x.push(c[t]!);
    if (x.length < 16) continue;
    let constant = true;
    for (let i = 1; i < x.length && constant; i++) constant = x[i] === x[0];
    if (constant) continue;
    const L = optimalBlockLength(x).circular;
    if (Number.isFinite(L)) lengths.push(L);
  }
  if (lengths.length === 0) return 1;
  lengths.sort((a, b) => a - b);
  const h = lengths.length >> 1;
  const med = lengths.length % 2 === 1 ? lengths[h]! : (lengths[h - 1]! + lengths[h]!) / 2;
  return Math.max(1, Math.ceil(med));
}
