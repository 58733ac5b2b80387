/**
 * A size guard for regular time grids, so that no single timestamp can make a task allocate
 * memory in proportion to it (one bar dated in the year 5138 once asked a report for a
 * 27-million-hour grid and the process grew past 6 GB).
 *
 * @module
 */

/** The guard's default, stated once. */
export const GRID_DEFAULTS = Object.freeze({
  /**
   * Most points a grid may have: 10,000,000, i.e. 19 years of 1-minute bars, 1,141 years of
   * hours, 115 days of seconds. One Float64Array column of it is 80 MB; a panel holds five per
   * asset.
   */
  maxPoints: 10_000_000,
  /**
   * Most time x asset cells of a panel or a factor run built in memory ({@link gridCells}, used
   * by `loadPanel`, `readFactorRun` and the dataset behind a report or an export):
   * 10,000,000, e.g. 126 assets of hourly bars over 9 years. A panel holds about 90 bytes per
   * cell (OHLCV, returns) and a report about 300 across its sections (six 1-minute series
   * stretched over six years by one early bar, 20 million cells, took 6 GB), so this keeps a
   * report near 3 GB and a panel under 1 GB.
   */
  maxCells: 10_000_000,
  /** The same limit as `maxCells` (its earlier name, kept for callers of reports). */
  maxReportCells: 10_000_000,
});

/**
 * Number of time x asset cells (`points * assets`), or a RangeError when it exceeds
 * `maxCells`: the one memory guard of panels, datasets and factor runs. `span` describes the
 * grid for the message (its first and last times, and which series set them when known).
 *
 * @example Two assets on a day of hours, and six assets stretched over seven years of minutes
 * ```ts
 * import { gridCells } from "@lib/core/grid_size.ts";
 * import assert from "node:assert/strict";
 * assert.equal(gridCells(24, 2, "1h panel", "24 1h bars"), 48);
 * assert.throws(() => gridCells(3_500_000, 6, "1m panel", "3500000 1m bars"), /limit of 10000000 cells/);
 * ```
 */
export function gridCells(
  points: number,
  assets: number,
  what: string,
  span: string,
  maxCells: number = GRID_DEFAULTS.maxCells,
): number {
  const cells = points * assets;
  if (!(cells <= maxCells)) {
    throw new RangeError(
      `Cannot load the ${what}: ${span} x ${assets} assets is ${cells} cells, more than the ` +
        `limit of ${maxCells} cells. A bar far from the rest stretches the grid: find it with ` +
        "deno task check-dataset (its span and gaps), or narrow the window (--from/--to) or " +
        "pick fewer assets (--universe).",
    );
  }
  return cells;
}

/**
 * Number of points of the grid `first, first + stepMs, ..., last` (both ends on the grid), or
 * a RangeError naming `what`, the span and how to narrow it when it exceeds `maxPoints`.
 *
 * @example An hourly grid over a day, and one bar in the year 5138
 * ```ts
 * import { gridPoints } from "@lib/core/grid_size.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000, t0 = Date.UTC(2024, 0, 1);
 * assert.equal(gridPoints(t0, t0 + 23 * h, h, "panel"), 24);
 * assert.throws(() => gridPoints(t0, Date.UTC(5138, 0, 1), h, "panel"), /panel grid: .* limit of 10000000 points/);
 * ```
 */
export function gridPoints(
  first: number,
  last: number,
  stepMs: number,
  what: string,
  maxPoints: number = GRID_DEFAULTS.maxPoints,
): number {
  if (!(stepMs > 0)) throw new RangeError(`Cannot build the ${what} grid: step ${stepMs} ms`);
  if (last < first) return 0;
  const n = Math.round((last - first) / stepMs) + 1;
  if (!(n <= maxPoints)) {
    throw new RangeError(
      `Cannot build the ${what} grid: ${iso(first)} to ${iso(last)} every ${stepMs} ms is ${n} ` +
        `points, more than the limit of ${maxPoints} points. A bar far outside the real data ` +
        "(a wrong timestamp) usually causes this: find it with deno task check-dataset, or " +
        "narrow the window (--from/--to).",
    );
  }
  return n;
}

function iso(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}
