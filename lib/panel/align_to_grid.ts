/**
 * Scatter a sparse time series onto a regular time grid.
 *
 * @module
 */
import { GRID_DEFAULTS } from "../core/grid_size.ts";

/** A regular time grid: `length` points `start, start + stepMs, ...` (UTC epoch ms). */
export interface TimeGrid {
  readonly start: number;
  readonly stepMs: number;
  readonly length: number;
}

/**
 * Place `values[i]` at grid point `(ts[i] - start) / stepMs`; every grid point without a value
 * is NaN. `ts` must be sorted ascending, on the grid and inside it: a time off the grid or
 * outside it is an error, never silently dropped. A gap-free series is copied in one block.
 * O(length).
 *
 * @example Two bars with a missing hour between them
 * ```ts
 * import { alignToGrid } from "@lib/panel/align_to_grid.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * const out = alignToGrid(new Float64Array([0, 2 * h]), new Float64Array([1, 3]), {
 *   start: 0, stepMs: h, length: 4,
 * });
 * assert.deepEqual([...out], [1, NaN, 3, NaN]);
 * ```
 */
export function alignToGrid(
  ts: Float64Array,
  values: Float64Array,
  grid: TimeGrid,
  out?: Float64Array,
): Float64Array {
  const { start, stepMs, length } = grid;
  if (length > GRID_DEFAULTS.maxPoints) {
    throw new RangeError(
      `Cannot align to grid: ${length} points, more than the limit of ${GRID_DEFAULTS.maxPoints} ` +
        "(lib/core/grid_size.ts); a bar far outside the real data usually causes this",
    );
  }
  if (ts.length !== values.length) {
    throw new RangeError(
      `Cannot align to grid: ts has ${ts.length} points but values has ${values.length}`,
    );
  }
  if (out !== undefined && out.length !== length) {
    throw new RangeError(`Cannot align to grid: out has length ${out.length}, grid has ${length}`);
  }
  if (!(stepMs > 0) || !Number.isInteger(length) || length < 0) {
    throw new RangeError(
      `Cannot align to grid: stepMs must be > 0 and length an integer >= 0, got ${stepMs}, ${length}`,
    );
  }
  out ??= new Float64Array(length);
  out.fill(NaN);
  const n = ts.length;
  if (n === 0) return out;
  const first = (ts[0]! - start) / stepMs;
  const last = (ts[n - 1]! - start) / stepMs;
  if (last - first === n - 1 && Number.isInteger(first) && first >= 0 && last < length) {
    // no gap inside the series (sorted, on the grid, n points over n slots): one memcpy
    out.set(values, first);
    return out;
  }
  for (let i = 0; i < n; i++) {
    const k = (ts[i]! - start) / stepMs;
    if (!Number.isInteger(k) || k < 0 || k >= length) {
      const iso = Number.isFinite(ts[i]!) ? new Date(ts[i]!).toISOString() : String(ts[i]);
      throw new RangeError(
        `Cannot align to grid: time ${ts[i]} (${iso}) is ${
          Number.isInteger(k) ? "outside" : "off"
        } the grid of ${length} points every ${stepMs} ms from ${start}; ` +
          `clip the series to the grid or floor its times to the step first`,
      );
    }
    out[k] = values[i]!;
  }
  return out;
}
