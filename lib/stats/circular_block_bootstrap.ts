import { createRng } from "./rng.ts";
import {
  type BlockBootstrapOptions,
  type BootstrapIndices,
  checkBlockBootstrap,
} from "./stationary_bootstrap.ts";

/**
 * Row indices of the circular block bootstrap (Politis and Romano 1992): each resample of length
 * n is built from blocks of `round(blockLength)` consecutive rows starting at uniformly drawn
 * rows, wrapping around the end of the series (so every row is equally likely to be drawn), the
 * last block cut to fit. Seeded by `createRng(seed)`: one `int(n)` per block.
 * Reference: Politis and Romano (1992), "A circular block-resampling procedure for stationary
 * data", in Exploring the Limits of Bootstrap, Wiley, 263-270. Cost: O(replications n).
 *
 * @example Blocks of 4 consecutive rows
 * ```ts
 * import { circularBlockBootstrap } from "@lib/stats/circular_block_bootstrap.ts";
 * import assert from "node:assert/strict";
 * const { indices } = circularBlockBootstrap(10, { blockLength: 4, replications: 1, seed: 2 });
 * assert.equal((indices[1]! - indices[0]! + 10) % 10, 1);
 * assert.equal((indices[3]! - indices[2]! + 10) % 10, 1);
 * ```
 */
export function circularBlockBootstrap(
  n: number,
  options: BlockBootstrapOptions,
): BootstrapIndices {
  const { replications, seed } = checkBlockBootstrap(n, options, "circular block bootstrap");
  const len = Math.max(1, Math.round(options.blockLength));
  const rng = createRng(seed);
  const indices = new Int32Array(replications * n);
  for (let b = 0; b < replications; b++) {
    const o = b * n;
    for (let t = 0; t < n;) {
      let cur = rng.int(n);
      for (let j = 0; j < len && t < n; j++, t++) {
        indices[o + t] = cur;
        cur = cur + 1 === n ? 0 : cur + 1;
      }
    }
  }
  return { indices, n, replications, blockLength: len, method: "circular" };
}
