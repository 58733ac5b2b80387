/**
 * A daily-report run: load a universe up to its last CLOSED bar, take its market snapshot
 * (`marketSnapshot`), read the funding and basis the store holds for it, and build the report
 * model (`buildDailyReport`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import type { Dataset } from "../panel/dataset.ts";
import { loadFunding } from "../panel/load_funding.ts";
import { loadBasis } from "../panel/basis.ts";
import { listSeries, readBars } from "../store/bars.ts";
import { PERP_RULE_DEFAULTS } from "../ingest/gates/rules.ts";
import {
  MARKET_SNAPSHOT_DEFAULTS,
  type MarketSnapshot,
  marketSnapshot,
  type MarketSnapshotOptions,
} from "../research/market_snapshot.ts";
import {
  buildDailyReport,
  type FundingBasisRow,
  type FundingBasisSnapshot,
} from "../report/daily_report.ts";
import type { GitInfo, ReportModel } from "../report/model.ts";
import { ReportInputError } from "./report_run.ts";
import { CLOSED_BAR_RULE, loadClosedDataset } from "./closed_dataset.ts";

/** The venue funding and perp bars are read from by default. */
export const DEFAULT_PERP_VENUE = "binance_futures";

/** What {@link runDaily} reports on; only `freq` is required. */
export interface DailyRunOptions extends MarketSnapshotOptions {
  readonly freq: Freq;
  readonly venue?: string | undefined;
  readonly symbols?: readonly string[] | undefined;
  /** The clock of the closed-bar rule, UTC ms. Default `Date.now()`. */
  readonly now?: number | undefined;
  /** Venue of the funding rates and perp bars. @default DEFAULT_PERP_VENUE */
  readonly perpVenue?: string | undefined;
  /**
   * Venue of the spot bars the basis compares the perp with. Default: `matchingSpotVenue` of
   * the perp venue (`binance` for `binance_futures`), else the dataset's venue when it is not
   * the perp venue, else none (no basis). Must differ from the perp venue.
   */
  readonly spotVenue?: string | undefined;
  readonly runId?: string | undefined;
  readonly git?: GitInfo | undefined;
  readonly projectDir?: string | undefined;
}

/** What {@link runDaily} returns. */
export interface DailyRun {
  readonly model: ReportModel;
  readonly dataset: Dataset;
  readonly snapshot: MarketSnapshot;
  readonly funding: FundingBasisSnapshot;
}

/**
 * The spot venue whose bars a perp venue's basis is taken against, by name: `X_futures` or
 * `X_perp` -> `X` (`binance_futures` -> `binance`); undefined for any other name.
 *
 * @example
 * ```ts
 * import { matchingSpotVenue } from "@lib/pipeline/daily_run.ts";
 * import assert from "node:assert/strict";
 * assert.equal(matchingSpotVenue("binance_futures"), "binance");
 * assert.equal(matchingSpotVenue("binance"), undefined);
 * ```
 */
export function matchingSpotVenue(perpVenue: string): string | undefined {
  const m = /^(.+)_(futures|perp)$/.exec(perpVenue);
  return m === null ? undefined : m[1];
}

/**
 * The funding interval of one symbol: the shortest gap between its last (up to) four stamped
 * funding times, rounded to the hour (venues move some symbols to 4h or 1h funding), or
 * `fallback` with fewer than two.
 */
function fundingInterval(time: Float64Array, fallback: number): number {
  let best = Infinity;
  for (let k = Math.max(1, time.length - 3); k < time.length; k++) {
    best = Math.min(best, time[k]! - time[k - 1]!);
  }
  if (!Number.isFinite(best)) return fallback;
  return Math.max(3_600_000, Math.round(best / 3_600_000) * 3_600_000);
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 ? `${(h / 24).toFixed(1)} days` : `${Math.round(h * 10) / 10}h`;
}

/**
 * Funding and basis of each symbol at the bar opening at `barTime`: the last funding rate of
 * `perpVenue` stamped before the bar's close (`f < close`, as `fundingKnownAt`) within the
 * dataset's window, marked stale when older than the symbol's funding interval at the close,
 * and the basis `(perp - spot) / spot` of `perpVenue` against `spotVenue` at the bar
 * (`loadBasis`; no basis when `spotVenue` is null or either bar is missing, and the row's note
 * says which). Symbols with neither a rate nor a perp bar are left out.
 */
export function fundingBasisAt(
  db: DatabaseSync,
  dataset: Dataset,
  barTime: number,
  perpVenue: string,
  spotVenue: string | null,
): FundingBasisSnapshot {
  const close = barTime + freqMs(dataset.freq);
  const funding = loadFunding(db, {
    venue: perpVenue,
    symbols: dataset.symbols,
    from: dataset.from,
    to: close,
  });
  const spotSeries = spotVenue === null
    ? new Set<string>()
    : new Set(listSeries(db, { venue: spotVenue, freq: dataset.freq }).map((x) => x.symbol));
  const rows: FundingBasisRow[] = [];
  dataset.symbols.forEach((symbol, i) => {
    const f = funding[i]!;
    const k = f.time.length - 1;
    const b = spotVenue === null ? null : loadBasis(db, {
      symbol,
      freq: dataset.freq,
      perpVenue,
      spotVenue,
      from: barTime,
      to: close,
    });
    const perpBar = b === null
      ? readBars(db, { venue: perpVenue, symbol, freq: dataset.freq }, {
        from: barTime,
        to: close,
      }).ts.length === 1
      : b.ts.length === 1;
    if (k < 0 && !perpBar) return;
    const basis = b !== null && b.ts.length === 1 ? b.basis[0]! : NaN;
    const notes: string[] = [];
    let stale = false;
    if (k >= 0) {
      const interval = fundingInterval(f.time, PERP_RULE_DEFAULTS.fundingIntervalMs);
      const age = close - f.time[k]!;
      if (age > interval) {
        stale = true;
        notes.push(
          `stale funding: stamped ${new Date(f.time[k]!).toISOString()}, ${hours(age)} ` +
            `before the bar's close (funding interval ${hours(interval)})`,
        );
      }
    } else notes.push(`no ${perpVenue} funding rate`);
    if (!Number.isFinite(basis)) {
      if (spotVenue === null) notes.push("no basis: no spot venue (give --spot-venue)");
      else if (!perpBar) notes.push(`no basis: no ${perpVenue} bar at the bar`);
      else if (!spotSeries.has(symbol)) {
        notes.push(`no basis: the store has no ${spotVenue} ${dataset.freq} bars of ${symbol}`);
      } else notes.push(`no basis: no ${spotVenue} bar at the bar`);
    }
    rows.push({
      symbol,
      fundingRate: k >= 0 ? f.rate[k]! : NaN,
      fundingTime: k >= 0 ? f.time[k]! : null,
      basis,
      fundingStale: stale,
      note: notes.join("; "),
    });
  });
  return { perpVenue, spotVenue, rows };
}

/**
 * The daily market-structure report of a universe at its last closed bar (the rule of
 * `deno task scan`, {@link CLOSED_BAR_RULE}). The manifest's parameters hold the scanned bar,
 * not the clock, so two runs that see the same closed bars write the same bytes.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { runDaily } from "@lib/pipeline/daily_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000;
 * for (const [k, symbol] of ["BTCUSDT", "ETHUSDT", "XRPUSDT"].entries()) {
 *   const b = allocBars({ venue: "x", symbol, freq: "1h" }, 60);
 *   for (let i = 0; i < 60; i++) {
 *     b.ts[i] = i * h; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 + Math.sin(i * (k + 1)); b.volume[i] = 1;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const r = runDaily(db, { freq: "1h", now: 60 * h, volWindow: 10, maWindow: 10, minAssets: 3,
 *   git: { commit: "unknown", dirty: null } });
 * assert.equal(r.snapshot.barTime, 59 * h);
 * assert.equal(r.funding.rows.length, 0); // no perp data: the section says so
 * assert.match(r.model.runId, /^daily-[0-9a-f]{12}$/);
 * ```
 */
export function runDaily(db: DatabaseSync, options: DailyRunOptions): DailyRun {
  const now = options.now ?? Date.now();
  const dataset = loadClosedDataset(db, options, now);
  let snapshot: MarketSnapshot;
  try {
    snapshot = marketSnapshot(dataset.panel, options);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ReportInputError(
        e.message.replace(/^Cannot (build a market snapshot|classify market structure): /, ""),
      );
    }
    throw e;
  }
  const perpVenue = options.perpVenue ?? DEFAULT_PERP_VENUE;
  const spotVenue = options.spotVenue ?? matchingSpotVenue(perpVenue) ??
    (dataset.venue !== perpVenue ? dataset.venue : null);
  if (spotVenue === perpVenue) {
    throw new ReportInputError(
      `spot venue ${spotVenue} is the perp venue: the basis would compare the perp with ` +
        `itself; give the spot venue of ${perpVenue}`,
      "spot-venue",
    );
  }
  const funding = fundingBasisAt(db, dataset, snapshot.barTime, perpVenue, spotVenue);
  const o = snapshot.options;
  const params = {
    venue: dataset.venue,
    freq: dataset.freq,
    universe: dataset.symbols.join(","),
    bar: new Date(snapshot.barTime).toISOString(),
    perpVenue,
    spotVenue,
    window: o.window,
    baseline: o.baseline,
    minAssets: o.minAssets,
    moverWindow: o.moverWindow,
    maWindow: o.maWindow,
    topMovers: o.topMovers,
    volAsset: o.volAsset,
    volWindow: o.volWindow,
    volTrainFraction: o.volTrainFraction,
  };
  const model = buildDailyReport(dataset, snapshot, funding, {
    params,
    runId: options.runId,
    git: options.git,
    projectDir: options.projectDir,
    rule: CLOSED_BAR_RULE,
  });
  return { model, dataset, snapshot, funding };
}

/** Defaults of the daily run's snapshot, for the task's usage text. */
export const DAILY_DEFAULTS = { ...MARKET_SNAPSHOT_DEFAULTS, perpVenue: DEFAULT_PERP_VENUE };
