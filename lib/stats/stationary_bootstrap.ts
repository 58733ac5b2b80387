import { createRng } from "./rng.ts";

/** Options of {@link stationaryBootstrap} and `circularBlockBootstrap`. */
export interface BlockBootstrapOptions {
  /** Mean block length (stationary) or block length (circular), >= 1; see `optimalBlockLength`. */
  readonly blockLength: number;
  /**
   * Number of resamples.
   * @default {1000}
   */
  readonly replications?: number;
  /**
   * Seed of the `createRng` stream the indices are drawn from.
   * @default {0}
   */
  readonly seed?: number;
}

/** Default options of the block bootstraps. */
export const BLOCK_BOOTSTRAP_DEFAULTS = { replications: 1000, seed: 0 } as const;

/** Resampled row indices: replication b is `indices.subarray(b * n, (b + 1) * n)`. */
export interface BootstrapIndices {
  readonly indices: Int32Array;
  readonly n: number;
  readonly replications: number;
  readonly blockLength: number;
  readonly method: "stationary" | "circular";
}

/** Validate the shared block-bootstrap arguments; returns replications and seed. */
export function checkBlockBootstrap(
  n: number,
  options: BlockBootstrapOptions,
  what: string,
): { replications: number; seed: number } {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot draw ${what}: n must be an integer >= 1, got ${n}`);
  }
  if (!(options.blockLength >= 1) || !Number.isFinite(options.blockLength)) {
    throw new RangeError(
      `Cannot draw ${what}: blockLength must be a finite number >= 1 (optimalBlockLength gives one), got ${options.blockLength}`,
    );
  }
  const replications = options.replications ?? BLOCK_BOOTSTRAP_DEFAULTS.replications;
  if (!Number.isInteger(replications) || replications < 1) {
    throw new RangeError(
      `Cannot draw ${what}: replications must be an integer >= 1, got ${replications}`,
    );
  }
  return { replications, seed: options.seed ?? BLOCK_BOOTSTRAP_DEFAULTS.seed };
}

/**
 * Row indices of the stationary bootstrap (Politis and Romano 1994): each resample of length n
 * is built from blocks that start at a uniformly drawn row and whose lengths are geometric with
 * mean `blockLength` (after each row, a new block starts with probability `1 / blockLength`);
 * blocks wrap around the end of the series. Resampling blocks keeps the serial dependence of
 * returns that an i.i.d. bootstrap destroys, and the random lengths make the resampled series
 * stationary. Seeded by `createRng(seed)`, so the same seed gives the same indices everywhere;
 * pass the indices to the data-snooping tests to reproduce a result exactly.
 *
 * Draws per row: one uniform (`next()`) to decide whether a block starts, then `int(n)` for the
 * start when it does; the first row of each resample always starts a block.
 * Reference: Politis and Romano (1994), "The Stationary Bootstrap", JASA 89(428), 1303-1313.
 * Cost: O(replications n) time and memory (Int32).
 *
 * @example Reproducible indices
 * ```ts
 * import { stationaryBootstrap } from "@lib/stats/stationary_bootstrap.ts";
 * import assert from "node:assert/strict";
 * const a = stationaryBootstrap(100, { blockLength: 5, replications: 3, seed: 1 });
 * const b = stationaryBootstrap(100, { blockLength: 5, replications: 3, seed: 1 });
 * assert.deepEqual(a.indices, b.indices);
 * assert.equal(a.indices.length, 300);
 * ```
 */
export function stationaryBootstrap(n: number, options: BlockBootstrapOptions): BootstrapIndices {
  const { replications, seed } = checkBlockBootstrap(n, options, "stationary bootstrap");
  const p = 1 / options.blockLength;
  const rng = createRng(seed);
  const indices = new Int32Array(replications * n);
  for (let b = 0; b < replications; b++) {
    const o = b * n;
    let cur = rng.int(n);
    indices[o] = cur;
    for (let t = 1; t < n; t++) {
      if (rng.next() < p) cur = rng.int(n);
      else cur = cur + 1 === n ? 0 : cur + 1;
      indices[o + t] = cur;
    }
  }
  return { indices, n, replications, blockLength: options.blockLength, method: "stationary" };
}
