/**
 * The daily market-structure report: structure (dispersion, average correlation, beta
 * dispersion, class), volatility regime, funding and basis, breadth and top movers of a
 * universe at its last closed bar.
 *
 * @module
 */
import type { Dataset } from "../panel/dataset.ts";
import type { MarketSnapshot } from "../research/market_snapshot.ts";
import {
  type Block,
  column,
  type GitInfo,
  type ParamValue,
  type ReportModel,
  SCHEMA_VERSION,
  type Section,
} from "./model.ts";
import { buildManifest } from "./manifest.ts";
import { tearSheetRunId } from "./tear_sheet.ts";

/** One symbol's funding and basis at the report's bar (NaN / null where the store has none). */
export interface FundingBasisRow {
  readonly symbol: string;
  /** The last funding rate stamped at or before the bar's close. */
  readonly fundingRate: number;
  /** Its funding time (UTC ms), or null. */
  readonly fundingTime: number | null;
  /** `(perp close - spot close) / spot close` at the bar (lib/panel/basis.ts), NaN without both bars. */
  readonly basis: number;
  /**
   * The funding rate is older than the symbol's funding interval at the bar's close (a rate
   * from an earlier period, not the current one); false without a rate.
   */
  readonly fundingStale: boolean;
  /** Why a value is missing or stale (e.g. no spot bars of the symbol), or "" when nothing is. */
  readonly note: string;
}

/** The funding and basis snapshot the pipeline read from the store. */
export interface FundingBasisSnapshot {
  /** Venue of the funding and perp bars. */
  readonly perpVenue: string;
  /** Venue of the spot bars the basis compares the perp with; null: none, so no basis. */
  readonly spotVenue: string | null;
  /** Symbols with a funding rate or a basis. */
  readonly rows: readonly FundingBasisRow[];
}

/** Warning notes above the funding table: stale funding rates, symbols without a basis. */
function fundingNotes(funding: FundingBasisSnapshot): Block[] {
  const notes: Block[] = [];
  const stale = funding.rows.filter((r) => r.fundingStale).map((r) => r.symbol);
  if (stale.length > 0) {
    notes.push({
      type: "note",
      level: "warning",
      text: `Stale funding (older than the funding interval at the bar's close; its time is ` +
        `in the table): ${stale.join(", ")}.`,
    });
  }
  const noBasis = funding.rows.filter((r) => !Number.isFinite(r.basis)).map((r) => r.symbol);
  if (noBasis.length > 0) {
    notes.push({
      type: "note",
      level: "info",
      text: `No basis for ${noBasis.join(", ")} (the Note column says why).`,
    });
  }
  return notes;
}

/** Options of {@link buildDailyReport}. */
export interface DailyReportOptions {
  /** The run's parameters for the manifest (flag values after defaults). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly runId?: string | undefined;
  readonly git?: GitInfo | undefined;
  readonly projectDir?: string | undefined;
  /** The closed-bar rule, printed in the data note. */
  readonly rule: string;
}

const VOL_STATES = ["low", "mid", "high"];

/**
 * Build the daily report model of `snapshot` (`marketSnapshot` on `dataset.panel`) and the
 * funding/basis snapshot (`null` rows: the store holds none, and the section says so). Strings
 * from data (symbols) are escaped by the renderers. The default run id is `daily-` and 12 hex
 * digits of the SHA-256 of the fingerprint and the parameters: the same data, parameters and
 * run id give the same bytes. O(assets).
 *
 * @example No perp data: the funding section says so
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadDataset } from "@lib/panel/load_dataset.ts";
 * import { marketSnapshot } from "@lib/research/market_snapshot.ts";
 * import { buildDailyReport } from "@lib/report/daily_report.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * for (const [k, symbol] of ["BTCUSDT", "ETHUSDT", "<b>X</b>"].entries()) {
 *   const b = allocBars({ venue: "x", symbol, freq: "1h" }, 40);
 *   for (let i = 0; i < 40; i++) {
 *     b.ts[i] = i * 3_600_000; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 + k * i; b.volume[i] = 1;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const d = loadDataset(db, { venue: "x", freq: "1h" });
 * const snap = marketSnapshot(d.panel, { window: 10, baseline: 10, minAssets: 3, volWindow: 5, maWindow: 10 });
 * const m = buildDailyReport(d, snap, { perpVenue: "binance_futures", spotVenue: "binance", rows: [] }, {
 *   params: { venue: "x" }, rule: "closed bars only", git: { commit: "unknown", dirty: null },
 * });
 * assert.match(m.runId, /^daily-[0-9a-f]{12}$/);
 * const funding = m.sections.find((s) => s.id === "funding-basis")!.blocks[0]!;
 * assert.equal(funding.type, "note");
 * ```
 */
export function buildDailyReport(
  dataset: Dataset,
  snapshot: MarketSnapshot,
  funding: FundingBasisSnapshot,
  options: DailyReportOptions,
): ReportModel {
  const iso = (ms: number) => new Date(ms).toISOString();
  const s = snapshot.structure;
  const o = snapshot.options;
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  const sections: Section[] = [];
  const structureBlocks: Block[] = [{
    type: "paragraph",
    text: `Class at the bar: ${s.label ?? "undefined"} (risk_off: correlation z >= 1 with a ` +
      `falling market and rising volatility; beta_compression: beta-dispersion z <= -1 with ` +
      `correlation z > 0; dispersion: dispersion z >= 1; chop otherwise). Features over the ` +
      `${o.window} bars ending at the bar, z-scores against the trailing ${o.baseline}; ` +
      `${s.assets} assets had a full window.`,
  }];
  if (s.label === null) {
    structureBlocks.push({
      type: "note",
      level: "warning",
      text: `No class: fewer than ${o.minAssets} assets with a full ${o.window}-bar window, or ` +
        `fewer than ${Math.ceil(o.baseline / 2)} bars of features for the z-scores.`,
    });
  }
  structureBlocks.push({
    type: "table",
    id: "daily-structure",
    title: "Market structure",
    caption: "Dispersion: mean over the window of the cross-sectional standard deviation of " +
      "one-bar log returns; average correlation: mean pairwise Pearson correlation; beta " +
      "dispersion: standard deviation of the assets' betas on the equal-weighted market (low = " +
      "beta compression); market volatility and return: of the equal-weighted market.",
    columns: [
      column("metric", "Metric", "text"),
      column("value", "Value", "number", 6),
      column("z", "z-score", "number", 2),
    ],
    rows: [
      ["cross-sectional dispersion", num(s.dispersion), num(s.zDispersion)],
      ["average pairwise correlation", num(s.avgCorrelation), num(s.zAvgCorrelation)],
      ["beta dispersion", num(s.betaDispersion), num(s.zBetaDispersion)],
      ["market volatility", num(s.marketVolatility), num(s.zMarketVolatility)],
      ["market log return", num(s.marketReturn), null],
    ],
  });
  sections.push({ id: "structure", title: "Market structure", blocks: structureBlocks });

  const v = snapshot.volRegime;
  sections.push({
    id: "volatility-regime",
    title: "Volatility regime",
    blocks: v === null
      ? [{ type: "note", level: "warning", text: `No volatility regime: ${snapshot.volNote}.` }]
      : [{
        type: "table",
        id: "daily-vol-regime",
        title: "Volatility regime",
        caption: `Volatility-percentile regime (lib/materialize/regimes): the ${o.volWindow}-bar ` +
          `volatility ranked against the first ${v.trainRows} bars' volatilities, cut at the ` +
          `1/3 and 2/3 percentiles with a 5-point hysteresis band and a 24-bar dwell time.`,
        columns: [
          column("asset", "Asset", "text"),
          column("state", "State", "text"),
          column("volatility", "Volatility (per bar)", "number", 6),
          column("percentile", "Percentile", "percent", 1),
          column("low_cut", "Low/mid cut", "number", 6),
          column("high_cut", "Mid/high cut", "number", 6),
        ],
        rows: [[
          v.asset,
          v.state >= 0 ? (VOL_STATES[v.state] ?? String(v.state)) : "warm-up",
          num(v.volatility),
          num(v.percentile),
          num(v.thresholds[0] ?? NaN),
          num(v.thresholds[1] ?? NaN),
        ]],
      }],
  });

  sections.push({
    id: "funding-basis",
    title: "Funding and basis",
    blocks: funding.rows.length === 0
      ? [{
        type: "note",
        level: "info",
        text: `The store holds no funding rates or perp bars of ${funding.perpVenue} for this ` +
          `universe up to the bar; load them with deno task backfill --kind funding (or mark) ` +
          `or deno task import of the freqtrade funding/mark files.`,
      }]
      : [...fundingNotes(funding), {
        type: "table",
        id: "daily-funding",
        title: "Funding and basis",
        caption: `Funding rate of ${funding.perpVenue}: the last rate stamped before the ` +
          `bar's close (never a rate from the future), stale when older than the symbol's ` +
          `funding interval; basis: ` +
          (funding.spotVenue === null
            ? `not computed (no spot venue; give --spot-venue).`
            : `(${funding.perpVenue} close - ${funding.spotVenue} close) / ` +
              `${funding.spotVenue} close at the bar.`),
        columns: [
          column("symbol", "Symbol", "text"),
          column("funding_rate", "Funding rate", "percent", 4),
          column("funding_time", "Funding time", "datetime"),
          column("basis", "Basis", "percent", 3),
          column("note", "Note", "text"),
        ],
        rows: funding.rows.map((r) => [
          r.symbol,
          num(r.fundingRate),
          r.fundingTime,
          num(r.basis),
          r.note,
        ]),
      }],
  });

  const b = snapshot.breadth;
  sections.push({
    id: "breadth",
    title: "Breadth",
    blocks: [{
      type: "table",
      id: "daily-breadth",
      title: "Breadth",
      caption: `Above MA: close above the mean of its last ${o.maWindow} closes (assets with all ` +
        `${o.maWindow}); advancers and decliners by their log return over ${o.moverWindow} bars.`,
      columns: [
        column("measure", "Measure", "text"),
        column("value", "Value", "number", 4),
      ],
      rows: [
        ["assets above their moving average", b.aboveMa],
        ["assets with a moving average", b.withMa],
        ["share above their moving average", num(b.shareAboveMa)],
        ["advancers", b.advancers],
        ["decliners", b.decliners],
        ["unchanged", b.unchanged],
      ],
    }],
  });

  sections.push({
    id: "movers",
    title: "Top movers",
    blocks: [{
      type: "table",
      id: "daily-movers",
      title: "Top movers",
      caption: `The ${o.topMovers} best and worst log returns over the last ${o.moverWindow} bars.`,
      columns: [
        column("side", "Side", "text"),
        column("rank", "Rank", "integer"),
        column("asset", "Asset", "text"),
        column("log_return", "Log return", "percent", 2),
      ],
      rows: [
        ...snapshot.topGainers.map((m, i) => ["gainer", i + 1, m.asset, m.logReturn]),
        ...snapshot.topLosers.map((m, i) => ["loser", i + 1, m.asset, m.logReturn]),
      ],
    }],
  });

  const params = options.params;
  const runId = options.runId ?? tearSheetRunId("daily", dataset.fingerprint.sha256, params);
  const manifest = buildManifest({
    datasetFingerprint: dataset.fingerprint.sha256,
    dataset: {
      venue: dataset.venue,
      freq: dataset.freq,
      symbols: dataset.symbols,
      from: dataset.from,
      to: dataset.to,
      rows: dataset.fingerprint.rows,
    },
    params,
    seed: null,
    ...(options.projectDir === undefined ? {} : { projectDir: options.projectDir }),
    ...(options.git === undefined ? {} : { git: options.git }),
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    title: `Daily market structure: ${dataset.venue} ${dataset.freq}`,
    subtitle: `${dataset.symbols.length} assets at the bar ${iso(snapshot.barTime)}`,
    dataNote: `${dataset.fingerprint.rows} bars of ${dataset.venue} ${dataset.freq} from ` +
      `${iso(dataset.from)} to ${iso(dataset.to)} (exclusive), dataset ` +
      `${dataset.fingerprint.sha256}. Rule: ${options.rule}.`,
    sections,
    manifest,
  };
}
