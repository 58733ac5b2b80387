/**
 * The shapes the risk models share.
 *
 * @module
 */
import type { Series } from "../stats/types.ts";

/**
 * Returns of N assets over T bars, asset-major: one column per asset, each of length T on one
 * time grid (the layout of a `Panel`'s fields and of `correlationMatrix`). `NaN` (any
 * non-finite value) is a missing return, never a zero one.
 */
export type ReturnColumns = readonly Series[];

/** A square N x N matrix as one `Float64Array` per row (symmetric for every result here). */
export type Matrix = Float64Array[];
