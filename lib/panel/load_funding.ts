/**
 * The read path of stored perp funding for research and backtests: each symbol's funding
 * events in a window, with the funding times the grid expects but the store lacks (a missing
 * rate is not a zero rate, so a caller that charges funding must refuse or fill them).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { readFunding } from "../store/perp_funding.ts";
import { PERP_RULE_DEFAULTS } from "../ingest/gates/rules.ts";
import { type Freq, freqMs } from "../core/freq.ts";
import { fundingKnownAt } from "./funding_on_grid.ts";

/** Options of {@link loadFunding}. */
export interface LoadFundingOptions {
  readonly venue: string;
  readonly symbols: readonly string[];
  /** Window start, UTC ms (inclusive). */
  readonly from: number;
  /** Window end, UTC ms (exclusive). */
  readonly to: number;
  /** The funding interval. @default PERP_RULE_DEFAULTS.fundingIntervalMs (8 hours) */
  readonly intervalMs?: number | undefined;
  /** How far from its grid time a stored event may be. @default PERP_RULE_DEFAULTS.fundingGridToleranceMs (1 s) */
  readonly toleranceMs?: number | undefined;
}

/** One symbol's stored funding in the window. */
export interface FundingSeries {
  readonly symbol: string;
  /** Funding times as stamped (UTC ms), ascending. */
  readonly time: Float64Array;
  readonly rate: Float64Array;
  /** Grid funding times in the window with no stored event (UTC ms). */
  readonly missing: readonly number[];
}

/**
 * Load the stored funding of `symbols` on `venue` in `[from, to)` and list, per symbol, the
 * funding times of the grid (multiples of `intervalMs`) with no stored event within
 * `toleranceMs`. Cost: one indexed read per symbol, O(events + window / interval).
 *
 * @example One 8h slot missing
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeFunding } from "@lib/store/perp_funding.ts";
 * import { loadFunding } from "@lib/panel/load_funding.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const H = 3_600_000, t0 = Date.UTC(2025, 0, 1);
 * writeFunding(db, [{ fundingTime: t0 + 3, rate: 1e-4 }, { fundingTime: t0 + 16 * H + 2, rate: 2e-4 }],
 *   { venue: "binance_futures", symbol: "BTCUSDT", source: "doc" });
 * const [s] = loadFunding(db, { venue: "binance_futures", symbols: ["BTCUSDT"], from: t0, to: t0 + 24 * H });
 * assert.deepEqual([...s!.rate], [1e-4, 2e-4]);
 * assert.deepEqual(s!.missing, [t0 + 8 * H]);
 * ```
 */
export function loadFunding(db: DatabaseSync, options: LoadFundingOptions): FundingSeries[] {
  const interval = options.intervalMs ?? PERP_RULE_DEFAULTS.fundingIntervalMs;
  const tol = options.toleranceMs ?? PERP_RULE_DEFAULTS.fundingGridToleranceMs;
  const { from, to } = options;
  return options.symbols.map((symbol) => {
    // read a tolerance beyond the window so an event stamped just before `from` still counts
    const f = readFunding(db, options.venue, symbol, { from: from - tol, to });
    const have = new Set<number>();
    for (const t of f.time) have.add(Math.round(t / interval));
    const missing: number[] = [];
    for (let g = Math.ceil(from / interval) * interval; g < to; g += interval) {
      if (!have.has(g / interval)) missing.push(g);
    }
    const keep = f.time.findIndex((t) => t >= from);
    const start = keep < 0 ? f.time.length : keep;
    return { symbol, time: f.time.slice(start), rate: f.rate.slice(start), missing };
  });
}

/** The funding known at each bar of a panel grid, per asset (see {@link loadFundingOnGrid}). */
export interface FundingOnGrid {
  readonly venue: string;
  readonly assets: readonly string[];
  /** Per asset, the last rate stamped before each bar's end; NaN before the first event. */
  readonly known: readonly Float64Array[];
  /** Per asset, the funding times of the grid's span with no stored event. */
  readonly missing: Readonly<Record<string, readonly number[]>>;
}

/**
 * Stored funding as a feature on a panel's grid (`index` = bar open times at `freq`): for each
 * asset the funding rate known at each bar's close, without lookahead (`fundingKnownAt`), and
 * the funding times the store lacks in the span. An asset without stored funding (a spot
 * market) is all NaN.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeFunding } from "@lib/store/perp_funding.ts";
 * import { loadFundingOnGrid } from "@lib/panel/load_funding.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const H = 3_600_000, t0 = Date.UTC(2025, 0, 1);
 * writeFunding(db, [{ fundingTime: t0 + 8 * H + 4, rate: 3e-4 }], { venue: "binance_futures", symbol: "BTCUSDT", source: "doc" });
 * const index = Float64Array.from({ length: 12 }, (_, i) => t0 + i * H);
 * const g = loadFundingOnGrid(db, { venue: "binance_futures", assets: ["BTCUSDT"], index, freq: "1h" });
 * assert.ok(Number.isNaN(g.known[0]![7]!));
 * assert.equal(g.known[0]![8], 3e-4);
 * assert.deepEqual(g.missing.BTCUSDT, [t0]);
 * ```
 */
export function loadFundingOnGrid(
  db: DatabaseSync,
  grid: {
    readonly venue: string;
    readonly assets: readonly string[];
    readonly index: ArrayLike<number>;
    readonly freq: Freq;
  },
  options: { readonly intervalMs?: number | undefined } = {},
): FundingOnGrid {
  const n = grid.index.length;
  const from = n > 0 ? grid.index[0]! : 0;
  const end = n > 0 ? grid.index[n - 1]! + freqMs(grid.freq) : 0;
  const series = loadFunding(db, {
    venue: grid.venue,
    symbols: grid.assets,
    from,
    to: end,
    intervalMs: options.intervalMs,
  });
  // events before the window still set the value known at the first bars
  const known = grid.assets.map((symbol) => {
    const f = readFunding(db, grid.venue, symbol, { to: end });
    return fundingKnownAt(grid.index, f.time, f.rate, { end });
  });
  const missing: Record<string, readonly number[]> = {};
  for (const s of series) missing[s.symbol] = s.missing;
  return { venue: grid.venue, assets: grid.assets, known, missing };
}
