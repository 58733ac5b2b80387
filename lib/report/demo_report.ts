/**
 * The demo report: coverage and gaps, per-asset performance, correlations, rolling beta to
 * BTC and cumulative returns of a universe of hourly bars, then the research sections (BTC/ETH
 * factor decomposition, validation of the default signal library, pairs screen with FDR
 * q-values and the best pair's spread), as a {@link ReportModel}.
 *
 * It only reads the store (hourly and daily bars; gaps are found from the bars themselves, so
 * the report is right even when `bar_gaps` was never refreshed); filling the store is the
 * caller's job (see `fillDemoStore` in `demo_fill.ts` and `runDemo` in `demo_run.ts`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { freqMs, PERIODS_PER_YEAR } from "../core/freq.ts";
import type { BarColumns } from "../core/types.ts";
import { listSeries, readBars } from "../store/bars.ts";
import { findGaps } from "../store/gaps.ts";
import { fingerprintBarColumns } from "../store/fingerprint.ts";
import { loadPanel } from "../panel/load_panel.ts";
import { closeSpan, spanningLogReturns } from "../panel/spanning_log_returns.ts";
import {
  annualizedReturn,
  annualizedVolatility,
  correlationMatrix,
  cumulativeReturns,
  maxDrawdown,
  rollingBeta,
} from "../stats/mod.ts";
import type { Block, Cell, GitInfo, ParamValue, ReportModel } from "./model.ts";
import { ASSET_COLUMN, column, SCHEMA_VERSION } from "./model.ts";
import { buildManifest, sha256Hex } from "./manifest.ts";
import { renderJson } from "./json.ts";
import { coverageChart } from "./charts/coverage.ts";
import { cumulativeReturnsChart } from "./charts/cumulative_returns.ts";
import { correlationHeatmapChart } from "./charts/correlation_heatmap.ts";
import { rollingBetaChart } from "./charts/rolling_beta.ts";
import { sharpeBarChart } from "./charts/sharpe_bars.ts";
import { factorSection } from "./sections/factor_section.ts";
import { DEFAULT_REPORT_SIGNALS, signalSection } from "./sections/signal_section.ts";
import { pairsSection } from "./sections/pairs_section.ts";

/** What the demo report covers and how it was produced. */
export interface DemoReportParams {
  /** Venue of the universe (`sim` for the simulated market). */
  readonly venue: string;
  /** The universe, in display order. Must include {@link DemoReportParams.benchmark}. */
  readonly symbols: readonly string[];
  /** Benchmark for rolling beta (e.g. `BTCSIM`). */
  readonly benchmark: string;
  /** Window start, UTC epoch ms on the hour grid (inclusive). */
  readonly from: number;
  /** Window end, UTC epoch ms (exclusive). */
  readonly to: number;
  /** Rolling-beta window in hourly bars. Default 168 (7 days). */
  readonly betaWindow?: number;
  /** Generator seed, or null when the data is not simulated. */
  readonly seed: number | null;
  /** Parameters to record in the manifest (flag values after defaults). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Where the data came from, shown under the title. */
  readonly dataNote: string;
  /** Run id; default {@link defaultRunId} of the fingerprint and params. */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string;
  /** Override the git state (tests). Default: read with git. */
  readonly git?: GitInfo;
}

const FREQ = "1h" as const;

/** Forward-return horizons (hours) of the demo's signal table: the next hour and the next day. */
export const DEMO_SIGNAL_HORIZONS: readonly number[] = [1, 24];

/** Horizons (hours) of the demo's IC decay chart. */
export const DEMO_DECAY_HORIZONS: readonly number[] = [1, 2, 4, 8, 12, 24];

/**
 * The default run id of a report: `demo-` and the first 12 hex digits of the SHA-256 of the
 * dataset fingerprint and the canonical JSON of the parameters. The same data and parameters
 * give the same id, so re-running writes the same folder.
 *
 * @example Same data and parameters, same id
 * ```ts
 * import { defaultRunId } from "@lib/report/demo_report.ts";
 * import assert from "node:assert/strict";
 * const id = defaultRunId("0".repeat(64), { seed: 42 });
 * assert.match(id, /^demo-[0-9a-f]{12}$/);
 * assert.equal(id, defaultRunId("0".repeat(64), { seed: 42 }));
 * assert.notEqual(id, defaultRunId("0".repeat(64), { seed: 43 }));
 * ```
 */
export function defaultRunId(fingerprint: string, params: Readonly<Record<string, ParamValue>>) {
  return `demo-${sha256Hex(`${fingerprint}\n${renderJson(params)}`).slice(0, 12)}`;
}

/**
 * Read the hourly bars of `symbols` in `[from, to)` and fingerprint exactly those rows (the
 * same hash `fingerprintBars` gives for them in the store).
 *
 * @example Equal to the store's fingerprint of the same rows
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { fingerprintBars } from "@lib/store/fingerprint.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { demoDataset } from "@lib/report/demo_report.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const b = allocBars({ venue: "sim", symbol: "X", freq: "1h" }, 2);
 * b.ts[1] = 3_600_000;
 * b.open.fill(1); b.high.fill(1); b.low.fill(1); b.close.fill(1);
 * writeBars(db, b, { source: "doc" });
 * const d = demoDataset(db, "sim", ["X"], 0, 7_200_000);
 * assert.equal(d.rows, 2);
 * assert.equal(d.sha256, fingerprintBars(db, { venue: "sim", freq: "1h" }).sha256);
 * ```
 */
export function demoDataset(
  db: DatabaseSync,
  venue: string,
  symbols: readonly string[],
  from: number,
  to: number,
): { bars: BarColumns[]; sha256: string; rows: number } {
  const bars = symbols.map((symbol) => readBars(db, { venue, symbol, freq: FREQ }, { from, to }));
  const fp = fingerprintBarColumns(bars);
  return { bars, sha256: fp.sha256, rows: fp.rows };
}

/**
 * Build the demo report from the hourly bars in the store.
 *
 * Two kinds of hourly log returns are used, so that a gap is never a zero return and a price
 * move across a gap never vanishes:
 * - levels use gap-spanning returns (`spanningLogReturns`: the first bar after a gap carries
 *   the whole move across it): cumulative returns (the last equals last close / first close
 *   - 1), maximum drawdown, and the annualized return, which is the total log growth divided
 *   by the hours ELAPSED from the first to the last close (missing hours count as time),
 *   x 8,760, shown as a geometric return;
 * - spreads use strict one-period returns (`panel.logReturns`, NaN across gaps): annualized
 *   volatility (standard deviation x sqrt(8,760)), the correlation matrix (pairwise complete)
 *   and the rolling beta to the benchmark.
 *
 * Sharpe = annualized log return / annualized volatility (risk-free 0). Coverage and gaps are
 * computed from the hourly bars in the window (`findGaps`), not read from `bar_gaps`, and the
 * daily-bar completeness from the stored daily bars.
 *
 * The research sections come from `factorSection` (causal BTC/ETH factor model with the
 * rolling-beta window), `signalSection` (`DEFAULT_REPORT_SIGNALS` at {@link
 * DEMO_SIGNAL_HORIZONS}, decay over {@link DEMO_DECAY_HORIZONS}) and `pairsSection` (top 10
 * pairs, Benjamini-Hochberg q-values); a universe too small or too short for one of them gets
 * a note in its place.
 *
 * Throws when a symbol has no hourly bars in the window or the benchmark is not a symbol.
 *
 * @example A tiny two-asset store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { buildDemoReport } from "@lib/report/demo_report.ts";
 * import { ReportSchema } from "@lib/report/schema.ts";
 * import { renderJson } from "@lib/report/json.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000, n = 48;
 * for (const [k, symbol] of ["BTC", "ALT"].entries()) {
 *   const b = allocBars({ venue: "sim", symbol, freq: "1h" }, n);
 *   for (let i = 0; i < n; i++) {
 *     const p = 100 * Math.exp(0.01 * Math.sin(i * (k + 1)));
 *     b.ts[i] = i * h; b.open[i] = b.high[i] = b.low[i] = b.close[i] = p; b.volume[i] = 1;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const model = buildDemoReport(db, {
 *   venue: "sim", symbols: ["BTC", "ALT"], benchmark: "BTC", from: 0, to: n * h, betaWindow: 12,
 *   seed: null, params: {}, dataNote: "doc", git: { commit: "unknown", dirty: null },
 * });
 * assert.equal(model.manifest.dataset.rows, 2 * n);
 * assert.ok(ReportSchema.safeParse(JSON.parse(renderJson(model))).success);
 * ```
 */
export function buildDemoReport(db: DatabaseSync, p: DemoReportParams): ReportModel {
  const { venue, symbols, benchmark, from, to } = p;
  const betaWindow = p.betaWindow ?? 168;
  if (!symbols.includes(benchmark)) {
    throw new RangeError(
      `Cannot build the demo report: benchmark "${benchmark}" is not in the universe ` +
        `(${symbols.join(", ")})`,
    );
  }
  const data = demoDataset(db, venue, symbols, from, to);
  data.bars.forEach((b, i) => {
    if (b.ts.length === 0) {
      throw new RangeError(
        `Cannot build the demo report: no ${FREQ} bars for ${venue} ${symbols[i]} in the ` +
          `window; fill the store and materialize ${FREQ} bars first`,
      );
    }
  });
  const panel = loadPanel(db, { venue, symbols, freq: FREQ, from, to });
  const ppy = PERIODS_PER_YEAR[FREQ];
  const hourMs = freqMs(FREQ);
  const assets = panel.assets;

  // Coverage and gaps, from the rows used (bar_gaps may be stale or never refreshed).
  const wanted = new Set(symbols);
  const gaps = data.bars.flatMap((b, i) => {
    const g = findGaps(b.ts, FREQ);
    return Array.from(g.startTs, (startTs, k) => ({
      symbol: symbols[i]!,
      startTs,
      endTs: g.endTs[k]!,
      missing: g.missing[k]!,
    }));
  });
  const covAssets = data.bars.map((b, i) => ({
    asset: symbols[i]!,
    firstTs: b.ts[0]!,
    lastTs: b.ts[b.ts.length - 1]!,
    bars: b.ts.length,
  }));
  const coverage = coverageChart({
    freqMs: hourMs,
    assets: covAssets,
    gaps: gaps.map((g) => ({ asset: g.symbol, startTs: g.startTs, endTs: g.endTs })),
  });
  const daily = new Map(
    listSeries(db, { venue, freq: "1d" }).filter((s) => wanted.has(s.symbol)).map((
      s,
    ) => [s.symbol, s]),
  );
  const dailyRows = symbols.map((s) => {
    const d = readBars(db, { venue, symbol: s, freq: "1d" }, { from, to });
    let incomplete = 0;
    for (let i = 0; i < d.complete.length; i++) if (d.complete[i] === 0) incomplete++;
    return { bars: d.ts.length, incomplete, stored: daily.has(s) };
  });
  const totalMissing = gaps.reduce((s, g) => s + g.missing, 0);
  const gridBars = Math.round((to - from) / hourMs);

  // Per-asset statistics: levels from gap-spanning returns, spreads from one-period returns.
  const rets = panel.logReturns;
  const spanning = panel.close.map((c) => spanningLogReturns(c));
  const perf = assets.map((_, i) => {
    const r = rets[i]!;
    let oneHour = 0;
    for (let t = 0; t < r.length; t++) if (Number.isFinite(r[t]!)) oneHour++;
    const elapsed = closeSpan(panel.close[i]!).elapsed;
    const ann = annualizedReturn(spanning[i]!, ppy, elapsed > 0 ? { elapsedPeriods: elapsed } : {});
    const vol = annualizedVolatility(r, ppy);
    return {
      oneHour,
      ann,
      vol,
      sharpe: vol > 0 ? ann.logReturn / vol : NaN,
      maxDrawdown: maxDrawdown(spanning[i]!).maxDrawdown,
    };
  });
  const metricRows: Cell[][] = assets.map((a, i) => {
    const m = perf[i]!;
    return [a, m.oneHour, m.ann.geometricReturn, m.vol, m.sharpe, m.maxDrawdown];
  });
  const sharpe = sharpeBarChart(assets.map((a, i) => ({ asset: a, sharpe: perf[i]!.sharpe })));
  const cumulative = cumulativeReturnsChart({
    index: panel.index,
    series: assets.map((a, i) => ({ asset: a, values: cumulativeReturns(spanning[i]!) })),
  });
  const corr = correlationHeatmapChart({
    assets,
    matrix: correlationMatrix(rets, { minPeriods: 24 }),
  });
  const bIdx = assets.indexOf(benchmark);
  const minObs = Math.max(2, Math.ceil(betaWindow * 0.75));
  const betaSeries = assets.flatMap((a, i) =>
    i === bIdx
      ? []
      : [{ asset: a, values: rollingBeta(rets[i]!, rets[bIdx]!, betaWindow, { minObs }) }]
  );
  const anyBeta = betaSeries.some((s) => s.values.some(Number.isFinite));
  const beta: Block = anyBeta
    ? rollingBetaChart({ index: panel.index, benchmark, window: betaWindow, series: betaSeries })
    : {
      type: "note",
      level: "warning",
      text: `No rolling beta to ${benchmark}: a ${betaWindow}-hour window needs at least ` +
        `${minObs} complete hours of both assets, and the data has ${gridBars} hours. ` +
        `Use more days or a shorter window.`,
    };

  const manifest = buildManifest({
    datasetFingerprint: data.sha256,
    dataset: { venue, freq: FREQ, symbols: [...symbols], from, to, rows: data.rows },
    params: p.params,
    seed: p.seed,
    ...(p.projectDir === undefined ? {} : { projectDir: p.projectDir }),
    ...(p.git === undefined ? {} : { git: p.git }),
  });
  const runId = p.runId ?? defaultRunId(data.sha256, manifest.params);

  const dataBlocks: Block[] = [
    {
      type: "paragraph",
      text: `${symbols.length} assets of venue "${venue}", hourly bars from the store, ` +
        `${gridBars} hours per asset on the full grid. Hourly bars were built from 1-minute ` +
        `bars; an hour is complete only when all 60 of its minutes were present, and a missing ` +
        `hour is recorded as a gap.`,
    },
    coverage,
    {
      type: "table",
      id: "coverage-table",
      title: "Coverage by asset",
      caption: "Hourly bars present and missing in the window, and daily bars built from the " +
        "hourly ones (a day is incomplete when any of its 24 hours is missing or incomplete).",
      columns: [
        ASSET_COLUMN,
        column("bars_1h", "1h bars", "integer"),
        column("missing_1h", "Missing 1h", "integer"),
        column("coverage", "Coverage", "percent", 2),
        column("bars_1d", "1d bars", "integer"),
        column("incomplete_1d", "Incomplete 1d", "integer"),
      ],
      rows: symbols.map((s, i) => {
        const n = data.bars[i]!.ts.length;
        const missing = gaps.filter((g) => g.symbol === s).reduce((t, g) => t + g.missing, 0);
        const d = dailyRows[i]!;
        return [
          s,
          n,
          missing,
          n / gridBars,
          d.stored ? d.bars : null,
          d.stored ? d.incomplete : null,
        ];
      }),
    },
    totalMissing > 0
      ? {
        type: "note",
        level: "warning",
        text: `${gaps.length} gaps (${totalMissing} missing hourly bars in all). A gap is never ` +
          `a zero return: the price move across it is carried by the first bar after it in ` +
          `cumulative returns, drawdowns and annualized returns, and left out of volatility, ` +
          `correlation and beta, which assume one-hour returns.`,
      }
      : { type: "note", level: "info", text: "No hourly bar is missing in the window." },
  ];

  const days = gridBars / 24;
  const perfBlocks: Block[] = [
    ...(days < 365
      ? [{
        type: "note" as const,
        level: "warning" as const,
        text: `Annualized figures extrapolate ${days} days of returns to a 365-day year; over ` +
          `so short a sample they mostly reflect noise, so compare assets with them rather ` +
          `than read them as forecasts.`,
      }]
      : []),
    {
      type: "table",
      id: "metrics",
      title: "Per-asset performance",
      caption: "Annualized over a 365-day year (8,760 hours). Return = exp(ln(last close / " +
        "first close) / hours elapsed x 8,760) - 1, hours elapsed counting missing hours; " +
        "volatility = standard deviation of the one-hour log returns x sqrt(8,760); Sharpe = " +
        "annualized log return / annualized volatility (risk-free rate 0); maximum drawdown " +
        "of the close-to-close equity curve, moves across gaps included. 1-hour returns: " +
        "the one-hour log returns behind the volatility.",
      columns: [
        ASSET_COLUMN,
        column("returns", "1-hour returns", "integer"),
        column("ann_return", "Ann. return", "percent", 1),
        column("ann_volatility", "Ann. volatility", "percent", 1),
        column("sharpe", "Sharpe", "number", 2),
        column("max_drawdown", "Max drawdown", "percent", 1),
      ],
      rows: metricRows,
    },
    sharpe,
    cumulative,
  ];

  const coBlocks: Block[] = [
    corr,
    beta,
    ...(anyBeta
      ? [{
        type: "note" as const,
        level: "info" as const,
        text: `Rolling beta at hour t uses the ${betaWindow} hours ending at t inclusive (at ` +
          `least ${minObs} complete pairs), so it describes the past; it is not a forecast.`,
      }]
      : []),
  ];

  // Research sections: the factor model on the same window as the rolling beta, the default
  // signal library, and a pairs screen of the whole universe.
  const factor = factorSection(panel, { window: betaWindow });
  const signal = signalSection(panel, {
    signals: DEFAULT_REPORT_SIGNALS,
    horizons: DEMO_SIGNAL_HORIZONS,
    decayHorizons: DEMO_DECAY_HORIZONS,
  });
  const pairs = pairsSection(panel, { top: 10 });

  const methodBlocks: Block[] = [
    {
      type: "paragraph",
      text: "All returns are log returns of hourly closes on a common UTC grid; an hour with " +
        "no bar is missing (NaN), never a zero return. Annualization uses 365 days, because " +
        "crypto markets trade every day of the year.",
    },
    {
      type: "paragraph",
      text: "Levels use gap-spanning returns: the first bar after a gap carries the whole " +
        "price move across it, ln(close after / last close before). So cumulative returns " +
        "end at exactly last close / first close - 1, the maximum drawdown sees a fall that " +
        "happened during a gap, and the annualized log return is ln(last close / first " +
        "close) divided by the hours elapsed between them (missing hours count as time that " +
        "passed) times 8,760.",
    },
    {
      type: "paragraph",
      text: "Spreads use strict one-hour returns, undefined on both sides of a missing hour: " +
        "volatility (sample standard deviation x sqrt(8,760)), correlations (pairwise " +
        "complete) and rolling betas. A move across a gap spans several hours, so counting " +
        "it as one hour would inflate them. Sharpe = annualized log return / annualized " +
        "volatility, with a risk-free rate of 0.",
    },
    {
      type: "paragraph",
      text: "The dataset fingerprint in the manifest is the SHA-256 of the canonical encoding " +
        "of exactly the hourly bar rows used; recompute it from the store to check that a " +
        "report was built from the data you have.",
    },
  ];

  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    title: "cryptolab demo report",
    subtitle: `${symbols.length} assets, hourly bars, ${days} days`,
    dataNote: p.dataNote,
    sections: [
      { id: "data", title: "Data coverage and gaps", blocks: dataBlocks },
      { id: "performance", title: "Returns, risk and Sharpe", blocks: perfBlocks },
      { id: "co-movement", title: "Correlation and beta", blocks: coBlocks },
      { id: "factors", title: "Factor decomposition (BTC and ETH)", blocks: factor.blocks },
      { id: "signals", title: "Signal validation", blocks: signal.blocks },
      { id: "pairs", title: "Pairs", blocks: pairs.blocks },
      { id: "method", title: "Method", blocks: methodBlocks },
    ],
    manifest,
  };
}
