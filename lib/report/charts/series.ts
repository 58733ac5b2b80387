/**
 * Shared pieces of the multi-series charts: the palette, the thinning of long series and their
 * summaries.
 *
 * @module
 */
import type { TidyTable } from "../model.ts";

/**
 * Twenty distinguishable colors (Tableau 20) for one line per asset. Plot's default
 * categorical scheme has ten and would reuse colors in a 20-asset report.
 */
export const SERIES_COLORS: readonly string[] = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
  "#a0cbe8",
  "#ffbe7d",
  "#ff9d9a",
  "#86bcb6",
  "#8cd17d",
  "#f1ce63",
  "#d4a6c8",
  "#fabfd2",
  "#d7b5a6",
  "#79706e",
];

/** One named series on a shared time index. */
export interface NamedSeries {
  /** The asset (or series) name; shown escaped. */
  readonly asset: string;
  /** One value per index entry; NaN where undefined (the line breaks there). */
  readonly values: ArrayLike<number>;
}

/** Long-format columns of several series, ready for Plot's columnar channels. */
export interface LongColumns {
  readonly x: Date[];
  readonly y: Float64Array;
  readonly z: string[];
}

/**
 * Indices of `values` kept when a long series is drawn with about `maxPoints` points: all of
 * them when there are at most `maxPoints`; else the first and the last, and in each of
 * `floor(maxPoints / 2)` equal buckets of consecutive indices the lowest and the highest finite
 * value (min/max decimation, as in M4 or Plotly's "minmax" downsampling; the first in index order
 * on a tie). Unlike keeping every k-th point, a one-bar spike or crash is always drawn, and the
 * drawn line reaches the series' true minimum and maximum. Ascending, at most `maxPoints + 2`.
 * O(n).
 *
 * @example A one-bar crash between the old every-k-th picks is kept
 * ```ts
 * import { decimationIndices } from "@lib/report/charts/series.ts";
 * import assert from "node:assert/strict";
 * const v = Array.from({ length: 100 }, (_, i) => (i === 37 ? -50 : i));
 * const kept = decimationIndices(v, 10);
 * assert.ok(kept.includes(37));
 * assert.ok(kept.length <= 12);
 * ```
 */
export function decimationIndices(values: ArrayLike<number>, maxPoints: number): number[] {
  if (!(maxPoints >= 2)) {
    throw new RangeError(`Cannot thin series: maxPoints must be >= 2, got ${maxPoints}`);
  }
  const n = values.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.floor(maxPoints / 2);
  const picks: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets), hi = Math.floor(((b + 1) * n) / buckets);
    let iMin = -1, iMax = -1;
    for (let i = lo; i < hi; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < values[iMin]!) iMin = i;
      if (iMax < 0 || v > values[iMax]!) iMax = i;
    }
    if (iMin < 0) continue;
    const a = Math.min(iMin, iMax), c = Math.max(iMin, iMax);
    if (a > picks[picks.length - 1]!) picks.push(a);
    if (c > picks[picks.length - 1]!) picks.push(c);
  }
  if (picks[picks.length - 1] !== n - 1) picks.push(n - 1);
  return picks;
}

/**
 * Flatten `series` on `index` into long-format columns, keeping about `maxPoints` points per
 * series so that the SVG stays small: the first, the last, and the lowest and highest value of
 * each stretch of bars ({@link decimationIndices}), so a one-bar spike survives thinning.
 * Each series keeps its own points. A missing value (NaN) between two kept points is kept too,
 * at its own time, so the line still breaks at a gap instead of drawing a straight segment
 * across it. Deterministic: the same values give the same points. Throws when a series'
 * length differs from the index.
 *
 * @example Thin five points to the first, the extremes and the last
 * ```ts
 * import { toLongColumns } from "@lib/report/charts/series.ts";
 * import assert from "node:assert/strict";
 * const cols = toLongColumns([0, 1, 2, 3, 4], [{ asset: "A", values: [1, 9, 3, 4, 5] }], 2);
 * assert.deepEqual([...cols.y], [1, 9, 5]);
 * ```
 *
 * @example A gap that thinning would skip still breaks the line
 * ```ts
 * import { toLongColumns } from "@lib/report/charts/series.ts";
 * import assert from "node:assert/strict";
 * const cols = toLongColumns([0, 1, 2, 3, 4], [{ asset: "A", values: [1, NaN, 3, 4, 5] }], 2);
 * assert.deepEqual([...cols.y], [1, NaN, 5]);
 * assert.deepEqual(cols.x.map((d) => d.getTime()), [0, 1, 4]);
 * ```
 */
export function toLongColumns(
  index: ArrayLike<number>,
  series: readonly NamedSeries[],
  maxPoints: number,
): LongColumns {
  if (!(maxPoints >= 2)) {
    throw new RangeError(`Cannot thin series: maxPoints must be >= 2, got ${maxPoints}`);
  }
  const n = index.length;
  const x: Date[] = [];
  const y: number[] = [];
  const z: string[] = [];
  for (const s of series) {
    if (s.values.length !== n) {
      throw new RangeError(
        `Cannot chart series "${s.asset}": it has ${s.values.length} values for ${n} times`,
      );
    }
    let prev = -1;
    for (const i of decimationIndices(s.values, maxPoints)) {
      for (let j = prev + 1; j < i; j++) {
        if (Number.isNaN(s.values[j]!)) {
          x.push(new Date(index[j]!));
          y.push(NaN);
          z.push(s.asset);
          break;
        }
      }
      x.push(new Date(index[i]!));
      y.push(s.values[i]!);
      z.push(s.asset);
      prev = i;
    }
  }
  return { x, y: Float64Array.from(y), z };
}

/**
 * Plotted points as a tidy table in long format (the figure's `tidy` in `report.json`): `time`
 * (ISO 8601 UTC), `series`, `y` (null where the line breaks), and with `band` its median rows
 * carrying `y_lo` and `y_hi` (null on the other rows).
 *
 * @example The thinned points of one series
 * ```ts
 * import { plottedPoints, toLongColumns } from "@lib/report/charts/series.ts";
 * import assert from "node:assert/strict";
 * const c = toLongColumns([0, 1, 2, 3, 4], [{ asset: "A", values: [1, 2, 3, 4, 5] }], 2);
 * assert.deepEqual(plottedPoints(c.x, c.y, c.z).rows.map((r) => r.y), [1, 5]);
 * ```
 */
export function plottedPoints(
  x: readonly Date[],
  y: ArrayLike<number>,
  z: readonly string[],
  band?: {
    readonly x: readonly Date[];
    readonly name: string;
    readonly mid: readonly number[];
    readonly lo: readonly number[];
    readonly hi: readonly number[];
  },
): TidyTable {
  const num = (v: number) => (Number.isFinite(v) ? v : null);
  const rows: Record<string, string | number | null>[] = [];
  for (let i = 0; i < y.length; i++) {
    const r: Record<string, string | number | null> = {
      time: x[i]!.toISOString(),
      series: z[i]!,
      y: num(y[i]!),
    };
    if (band !== undefined) r.y_lo = r.y_hi = null;
    rows.push(r);
  }
  if (band !== undefined) {
    for (let i = 0; i < band.x.length; i++) {
      rows.push({
        time: band.x[i]!.toISOString(),
        series: band.name,
        y: num(band.mid[i]!),
        y_lo: num(band.lo[i]!),
        y_hi: num(band.hi[i]!),
      });
    }
  }
  return {
    columns: [
      { name: "time", type: "timestamp" },
      { name: "series", type: "string" },
      { name: "y", type: "number" },
      ...(band === undefined ? [] : [
        { name: "y_lo", type: "number" as const },
        { name: "y_hi", type: "number" as const },
      ]),
    ],
    rows,
  };
}

/**
 * Minimum, maximum, last finite value and mean of the finite values (all NaN when none).
 *
 * @example NaN is skipped
 * ```ts
 * import { summarize } from "@lib/report/charts/series.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(summarize([1, NaN, 3, NaN]), { min: 1, max: 3, last: 3, mean: 2 });
 * ```
 */
export function summarize(values: ArrayLike<number>): {
  min: number;
  max: number;
  last: number;
  mean: number;
} {
  let min = Infinity, max = -Infinity, last = NaN, sum = 0, count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    last = v;
    sum += v;
    count++;
  }
  return count === 0
    ? { min: NaN, max: NaN, last: NaN, mean: NaN }
    : { min, max, last, mean: sum / count };
}

/**
 * Left margin in px that fits the longest of `labels` at Plot's 10px font (about 7px a
 * character: symbols are upper case), between 40 and 200 px; longer labels are cut by the
 * chart edge.
 *
 * @example Short and long labels
 * ```ts
 * import { labelMargin } from "@lib/report/charts/series.ts";
 * import assert from "node:assert/strict";
 * assert.equal(labelMargin(["BTC"]), 40);
 * assert.equal(labelMargin(["A".repeat(100)]), 200);
 * ```
 */
export function labelMargin(labels: readonly string[]): number {
  let longest = 0;
  for (const l of labels) longest = Math.max(longest, l.length);
  return Math.min(200, Math.max(40, Math.ceil(7 * longest + 16)));
}

/** A statistic of {@link summarize}. */
export type SummaryStat = "min" | "max" | "last" | "mean";

/**
 * One row per series: its name, then the requested statistics of its finite values (see
 * {@link summarize}) in the order asked.
 *
 * @example Last and lowest value of one series
 * ```ts
 * import { summaryRows } from "@lib/report/charts/series.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(summaryRows([{ asset: "A", values: [3, 1, NaN, 2] }], ["last", "min"]), [
 *   ["A", 2, 1],
 * ]);
 * ```
 */
export function summaryRows(
  series: readonly NamedSeries[],
  stats: readonly SummaryStat[],
): (string | number)[][] {
  return series.map((s) => {
    const st = summarize(s.values);
    return [s.asset, ...stats.map((k) => st[k])];
  });
}
