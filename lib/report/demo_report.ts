/**
 * The demo report: coverage and gaps, per-asset performance, correlations, rolling beta to
 * BTC and cumulative returns of a universe of hourly bars, as a {@link ReportModel}.
 *
 * It only reads the store (hourly and daily bars, recorded gaps); filling the store is the
 * caller's job (see `runDemo` in `demo_run.ts`).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { freqMs, PERIODS_PER_YEAR } from "../core/freq.ts";
import type { BarColumns } from "../core/types.ts";
import { listSeries, readBars } from "../store/bars.ts";
import { listGaps } from "../store/gaps.ts";
import { fingerprintBarColumns } from "../store/fingerprint.ts";
import { loadPanel } from "../panel/load_panel.ts";
import {
  annualizedReturn,
  annualizedVolatility,
  correlationMatrix,
  cumulativeReturns,
  maxDrawdown,
  rollingBeta,
  sharpeRatio,
} from "../stats/mod.ts";
import type { Block, Cell, GitInfo, ParamValue, ReportModel } from "./model.ts";
import { SCHEMA_VERSION } from "./model.ts";
import { buildManifest, sha256Hex } from "./manifest.ts";
import { renderJson } from "./json.ts";
import { coverageChart } from "./charts/coverage.ts";
import { cumulativeReturnsChart } from "./charts/cumulative_returns.ts";
import { correlationHeatmapChart } from "./charts/correlation_heatmap.ts";
import { rollingBetaChart } from "./charts/rolling_beta.ts";
import { sharpeBarChart } from "./charts/sharpe_bars.ts";

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
 * Per asset: annualized return (mean hourly log return x 8,760, shown as a geometric return),
 * annualized volatility (standard deviation x sqrt(8,760)), Sharpe ratio (their ratio, risk-free
 * 0), maximum drawdown; the correlation matrix of hourly log returns (pairwise complete); the
 * rolling beta of each asset to the benchmark; cumulative returns; coverage and gaps from
 * `bar_gaps`, and daily-bar completeness. Gaps are never zero returns: a missing bar makes the
 * returns next to it NaN, and every statistic skips them.
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

  // Coverage, from the rows used and the recorded gaps.
  const wanted = new Set(symbols);
  const gaps = listGaps(db, { venue, freq: FREQ }).filter((g) =>
    wanted.has(g.symbol) && g.endTs > from && g.startTs < to
  );
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

  // Per-asset statistics on hourly log returns.
  const rets = panel.logReturns;
  const metricRows: Cell[][] = assets.map((a, i) => {
    const r = rets[i]!;
    const ann = annualizedReturn(r, ppy);
    return [
      a,
      ann.periods,
      ann.geometricReturn,
      annualizedVolatility(r, ppy),
      sharpeRatio(r, ppy),
      maxDrawdown(r).maxDrawdown,
    ];
  });
  const sharpe = sharpeBarChart(
    assets.map((a, i) => ({ asset: a, sharpe: sharpeRatio(rets[i]!, ppy) })),
  );
  const cumulative = cumulativeReturnsChart({
    index: panel.index,
    series: assets.map((a, i) => ({ asset: a, values: cumulativeReturns(rets[i]!) })),
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
        { key: "asset", label: "Asset", format: "text", digits: 0 },
        { key: "bars_1h", label: "1h bars", format: "integer", digits: 0 },
        { key: "missing_1h", label: "Missing 1h", format: "integer", digits: 0 },
        { key: "coverage", label: "Coverage", format: "percent", digits: 2 },
        { key: "bars_1d", label: "1d bars", format: "integer", digits: 0 },
        { key: "incomplete_1d", label: "Incomplete 1d", format: "integer", digits: 0 },
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
        text: `${gaps.length} gaps (${totalMissing} missing hourly bars in all). Returns next to ` +
          `a missing bar are left undefined, never set to zero, so gaps cannot create fake ` +
          `flat periods or profits.`,
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
      caption: "From hourly log returns, annualized over a 365-day year (8,760 hours): return " +
        "= exp(mean x 8,760) - 1; volatility = standard deviation x sqrt(8,760); Sharpe = " +
        "annualized mean log return / annualized volatility (risk-free rate 0); maximum " +
        "drawdown of the compounded equity curve.",
      columns: [
        { key: "asset", label: "Asset", format: "text", digits: 0 },
        { key: "returns", label: "Returns used", format: "integer", digits: 0 },
        { key: "ann_return", label: "Ann. return", format: "percent", digits: 1 },
        { key: "ann_volatility", label: "Ann. volatility", format: "percent", digits: 1 },
        { key: "sharpe", label: "Sharpe", format: "number", digits: 2 },
        { key: "max_drawdown", label: "Max drawdown", format: "percent", digits: 1 },
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

  const methodBlocks: Block[] = [
    {
      type: "paragraph",
      text: "All returns are log returns of hourly closes on a common UTC grid; an hour with " +
        "no bar is missing (NaN), and any return that touches it is excluded. Annualization " +
        "uses 365 days, because crypto markets trade every day of the year.",
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
      { id: "method", title: "Method", blocks: methodBlocks },
    ],
    manifest,
  };
}
