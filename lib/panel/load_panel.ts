/**
 * Load bars from the store into a time x asset panel.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { GRID_DEFAULTS, gridCells, gridPoints } from "../core/grid_size.ts";
import { type OhlcvColumns, readSeriesBlocks, seriesSymbols } from "../store/blocks.ts";
import { listSeries } from "../store/bars.ts";
import { alignToGrid, type TimeGrid } from "./align_to_grid.ts";
import { fromColumns } from "./from_columns.ts";
import type { Panel } from "./types.ts";

/** A series named with its venue, for universes that span venues. */
export interface VenueSymbol {
  readonly venue: string;
  readonly symbol: string;
}

/** What {@link loadPanel} loads. */
export interface LoadPanelSpec {
  /** Venue of every symbol given as a string; with no `symbols`, all its series at `freq`. */
  readonly venue?: string | undefined;
  /** The universe: symbols of `venue`, or `{venue, symbol}` pairs. Default: all of `venue`. */
  readonly symbols?: readonly string[] | readonly VenueSymbol[] | undefined;
  readonly freq: Freq;
  /** First bar time loaded (UTC epoch ms, inclusive). */
  readonly from?: number | undefined;
  /** End of the window (UTC epoch ms, exclusive). */
  readonly to?: number | undefined;
  /**
   * Drop assets whose share of grid points with a close is below this (0..1), measured on the
   * grid of the whole requested universe; the grid then spans only the assets kept.
   */
  readonly minCoverage?: number | undefined;
  /**
   * Most grid points x assets to build. Default `GRID_DEFAULTS.maxCells` (10,000,000, see
   * `lib/core/grid_size.ts`); the error names the series that stretch the grid, since one bar
   * far from the rest usually does.
   */
  readonly maxCells?: number | undefined;
}

/**
 * Load bars for a universe, frequency and window into a {@link Panel}: every grid point from
 * the universe's first to its last bar in `[from, to)`, NaN where an asset has no bar, with
 * log returns that are NaN across every gap.
 *
 * Bars come from the store's columnar block cache (`lib/store/blocks.ts`): a warm load of 126
 * assets x 5,493 hourly bars reads ~250 BLOBs and takes tens of milliseconds; the first load
 * after an import also builds the cache from `bars` (about a second for 690k bars).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadPanel } from "@lib/panel/load_panel.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000;
 * for (const [symbol, times] of [["AAA", [0, h, 2 * h]], ["BBB", [h, 3 * h]]] as const) {
 *   const b = allocBars({ venue: "sim", symbol, freq: "1h" }, times.length);
 *   times.forEach((ts, i) => {
 *     b.ts[i] = ts; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 + i; b.volume[i] = 1;
 *   });
 *   writeBars(db, b, { source: "doc" });
 * }
 * const p = loadPanel(db, { venue: "sim", freq: "1h" });
 * assert.deepEqual(p.assets, ["AAA", "BBB"]);
 * assert.deepEqual([...p.index], [0, h, 2 * h, 3 * h]);
 * assert.deepEqual([...p.close[1]!], [NaN, 100, NaN, 101]);
 * assert.ok(Number.isNaN(p.logReturns[1]![3]!)); // across the gap: NaN, not a return
 * assert.throws(() => loadPanel(db, { venue: "sim", symbols: ["CCC"], freq: "1h" }), /AAA, BBB/);
 * ```
 */
export function loadPanel(db: DatabaseSync, spec: LoadPanelSpec): Panel {
  const { freq, from, to } = spec;
  if (from !== undefined && to !== undefined && !(from < to)) {
    throw new RangeError(`Cannot load a panel: from (${from}) must be before to (${to})`);
  }
  const minCoverage = spec.minCoverage ?? 0;
  if (!(minCoverage >= 0 && minCoverage <= 1)) {
    throw new RangeError(`Cannot load a panel: minCoverage must be in [0, 1], got ${minCoverage}`);
  }
  const universe = resolveUniverse(db, spec);
  const venues = new Set(universe.map((u) => u.venue));
  const mixed = venues.size > 1;
  const window = { from, to };
  let series = universe.map((u) => ({
    label: mixed ? `${u.venue}:${u.symbol}` : u.symbol,
    cols: readSeriesBlocks(db, { venue: u.venue, symbol: u.symbol, freq }, window),
  }));
  let grid = gridOf(series.map((s) => s.cols), freq);
  if (minCoverage > 0 && grid.length > 0) {
    // rows with a close over grid points; bars are unique per time, so rows = covered points
    series = series.filter((s) => s.cols.ts.length / grid.length >= minCoverage);
    grid = gridOf(series.map((s) => s.cols), freq);
  }
  if (grid.length > 0) {
    const at = (k: number) => new Date(k).toISOString();
    const hi = grid.start + (grid.length - 1) * grid.stepMs;
    const firstOf = series.filter((s) => s.cols.ts[0] === grid.start).map((s) => s.label);
    const lastOf = series.filter((s) => s.cols.ts[s.cols.ts.length - 1] === hi).map((s) => s.label);
    gridCells(
      grid.length,
      series.length,
      `${freq} panel`,
      `${grid.length} ${freq} bars from ${at(grid.start)} (first bar of ${firstOf.join(", ")}) ` +
        `to ${at(hi)} (last bar of ${lastOf.join(", ")})`,
      spec.maxCells ?? GRID_DEFAULTS.maxCells,
    );
  }
  const index = new Float64Array(grid.length);
  for (let t = 0; t < grid.length; t++) index[t] = grid.start + t * grid.stepMs;
  const field = (f: keyof OhlcvColumns) =>
    series.map((s) => alignToGrid(s.cols.ts, s.cols[f], grid));
  return fromColumns({
    freq,
    venue: mixed ? "mixed" : (universe[0]?.venue ?? spec.venue ?? ""),
    assets: series.map((s) => s.label),
    index,
    open: field("open"),
    high: field("high"),
    low: field("low"),
    close: field("close"),
    volume: field("volume"),
  });
}

function gridOf(cols: readonly OhlcvColumns[], freq: Freq): TimeGrid {
  let lo = Infinity, hi = -Infinity;
  for (const c of cols) {
    const n = c.ts.length;
    if (n === 0) continue;
    if (c.ts[0]! < lo) lo = c.ts[0]!;
    if (c.ts[n - 1]! > hi) hi = c.ts[n - 1]!;
  }
  const stepMs = freqMs(freq);
  if (lo > hi) return { start: 0, stepMs, length: 0 };
  return { start: lo, stepMs, length: gridPoints(lo, hi, stepMs, `${freq} panel`) };
}

function resolveUniverse(db: DatabaseSync, spec: LoadPanelSpec): VenueSymbol[] {
  const { venue, symbols, freq } = spec;
  const available = new Map<string, string[]>();
  const availableFor = (v: string) => {
    let list = available.get(v);
    if (list === undefined) {
      list = seriesSymbols(db, v, freq);
      available.set(v, list);
    }
    return list;
  };
  let universe: VenueSymbol[];
  if (symbols === undefined) {
    if (venue === undefined) {
      throw new TypeError(
        "Cannot load a panel: give a venue (all its series) or symbols ({venue, symbol} pairs)",
      );
    }
    universe = availableFor(venue).map((symbol) => ({ venue, symbol }));
    if (universe.length === 0) {
      const venues = [...new Set(listSeries(db, { freq }).map((s) => s.venue))];
      throw new RangeError(
        `Cannot load a panel: venue "${venue}" has no ${freq} bars. ` +
          (venues.length > 0
            ? `Venues with ${freq} bars: ${venues.join(", ")}.`
            : `The store has no ${freq} bars: import or materialize some first.`),
      );
    }
    return universe;
  }
  universe = symbols.map((s: string | VenueSymbol) => {
    if (typeof s !== "string") return { venue: s.venue, symbol: s.symbol };
    if (venue === undefined) {
      throw new TypeError(
        `Cannot load a panel: symbol "${s}" needs a venue; pass spec.venue or {venue, symbol}`,
      );
    }
    return { venue, symbol: s };
  });
  const seen = new Set<string>();
  const unknown = new Map<string, string[]>();
  for (const u of universe) {
    const id = `${u.venue}:${u.symbol}`;
    if (seen.has(id)) throw new RangeError(`Cannot load a panel: ${id} is listed twice`);
    seen.add(id);
    if (!availableFor(u.venue).includes(u.symbol)) {
      unknown.set(u.venue, [...(unknown.get(u.venue) ?? []), u.symbol]);
    }
  }
  if (unknown.size > 0) {
    const parts = [...unknown].map(([v, missing]) => {
      const have = availableFor(v);
      return `no ${freq} bars for ${missing.join(", ")} on venue "${v}"; available: ` +
        (have.length > 0 ? have.join(", ") : "none (import or materialize bars first)");
    });
    throw new RangeError(`Cannot load a panel: ${parts.join("; ")}`);
  }
  return universe;
}
