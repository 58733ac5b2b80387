/**
 * The research report: factor decomposition, signal validation and pairs screening of any
 * universe of bars in the store, as a {@link ReportModel} (what `deno task report` writes).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { listSeries, readBars } from "../store/bars.ts";
import { fingerprintBarColumns } from "../store/fingerprint.ts";
import { findGaps } from "../store/gaps.ts";
import { loadPanel } from "../panel/load_panel.ts";
import type { Block, GitInfo, ParamValue, ReportModel } from "./model.ts";
import { ASSET_COLUMN, column, SCHEMA_VERSION } from "./model.ts";
import { buildManifest, sha256Hex } from "./manifest.ts";
import { renderJson } from "./json.ts";
import { factorSection } from "./sections/factor_section.ts";
import { DEFAULT_REPORT_SIGNALS, signalSection } from "./sections/signal_section.ts";
import { pairsSection } from "./sections/pairs_section.ts";

/** What {@link buildResearchReport} covers; every field but `venue` has a default. */
export interface ResearchReportParams {
  /** Venue of the series (`binance`, `sim`, ...). */
  readonly venue: string;
  /** Bar frequency. Default `1h`. */
  readonly freq?: Freq;
  /**
   * The universe, in display order. Default: every series of the venue at `freq` in the
   * store (those with no bar in the window are left out).
   */
  readonly symbols?: readonly string[] | undefined;
  /** Window start, UTC epoch ms (inclusive). Default: the first bar of the universe. */
  readonly from?: number | undefined;
  /** Window end, UTC epoch ms (exclusive). Default: one bar after the universe's last bar. */
  readonly to?: number | undefined;
  /** Signal names (`momentum_24`, ...). Default `DEFAULT_REPORT_SIGNALS`. */
  readonly signals?: readonly string[] | undefined;
  /** Forward-return horizons in bars. Default `[1, 4, 24]`. */
  readonly horizons?: readonly number[] | undefined;
  /** Pairs listed in the pairs table. Default 10. */
  readonly pairsTop?: number | undefined;
  /**
   * Factor-model window in bars. Default 720 when the window holds at least 1,440 bars, else
   * 168 (a month of hourly bars needs a shorter window to have any fit).
   */
  readonly factorWindow?: number | undefined;
  /** Spread z-score window in bars. Default 72. */
  readonly zWindow?: number | undefined;
  /** Shown under the title. Default: `bars from the store (venue ..., freq ...)`. */
  readonly dataNote?: string | undefined;
  /** Run id; default {@link researchRunId} of the fingerprint and the parameters. */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string | undefined;
  /** Override the git state (tests). Default: read with git. */
  readonly git?: GitInfo | undefined;
}

/**
 * The default run id of a research report: `report-` and the first 12 hex digits of the
 * SHA-256 of the dataset fingerprint and the canonical JSON of the parameters, so the same
 * data and parameters write the same folder.
 *
 * @example Same data and parameters, same id
 * ```ts
 * import { researchRunId } from "@lib/report/research_report.ts";
 * import assert from "node:assert/strict";
 * assert.match(researchRunId("0".repeat(64), { venue: "sim" }), /^report-[0-9a-f]{12}$/);
 * ```
 */
export function researchRunId(
  fingerprint: string,
  params: Readonly<Record<string, ParamValue>>,
): string {
  return `report-${sha256Hex(`${fingerprint}\n${renderJson(params)}`).slice(0, 12)}`;
}

/**
 * Build the research report of a universe: data coverage, the causal BTC/ETH factor model
 * (`factorSection`), validation of the requested signals at the requested horizons
 * (`signalSection`) and an Engle-Granger screen of every pair with Benjamini-Hochberg
 * q-values and the best pair's spread (`pairsSection`). The manifest fingerprints exactly the
 * bar rows used and records every parameter after defaults, so the same store, parameters and
 * run id give the same bytes.
 *
 * Throws a RangeError when the store has no series for the venue and frequency, when a
 * requested symbol has no bar in the window, or on a bad signal name or horizon; degenerate
 * universes (no BTC or ETH, fewer than 5 assets, no cointegrated pair) give notes in the
 * report instead.
 *
 * Cost: dominated by the pairs screen, O(assets² x bars).
 *
 * @example A tiny two-asset store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { buildResearchReport } from "@lib/report/research_report.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000, n = 48;
 * for (const [k, symbol] of ["BTCUSDT", "ALTUSDT"].entries()) {
 *   const b = allocBars({ venue: "x", symbol, freq: "1h" }, n);
 *   for (let i = 0; i < n; i++) {
 *     const p = 100 * Math.exp(0.01 * Math.sin(i * (k + 1)));
 *     b.ts[i] = i * h; b.open[i] = b.high[i] = b.low[i] = b.close[i] = p; b.volume[i] = 1;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const m = buildResearchReport(db, { venue: "x", signals: ["momentum_24"], horizons: [1],
 *   git: { commit: "unknown", dirty: null } });
 * assert.equal(m.manifest.dataset.rows, 2 * n);
 * assert.deepEqual(m.sections.map((s) => s.id), ["data", "factors", "signals", "pairs", "method"]);
 * ```
 */
export function buildResearchReport(db: DatabaseSync, p: ResearchReportParams): ReportModel {
  const venue = p.venue;
  const freq: Freq = p.freq ?? "1h";
  const step = freqMs(freq);
  const stored = listSeries(db, { venue, freq });
  if (stored.length === 0) {
    throw new RangeError(
      `Cannot build the report: the store has no ${freq} series for venue "${venue}"; ` +
        `import or backfill bars first (deno task import / backfill), then materialize ${freq}`,
    );
  }
  const storedNames = new Set(stored.map((s) => s.symbol));
  if (p.symbols !== undefined) {
    const unknown = p.symbols.filter((s) => !storedNames.has(s));
    if (unknown.length > 0) {
      throw new RangeError(
        `Cannot build the report: no ${freq} bars of ${venue} ${unknown.join(", ")} in the ` +
          `store; stored: ${[...storedNames].slice(0, 20).join(", ")}` +
          (storedNames.size > 20 ? ", ..." : ""),
      );
    }
  }
  const candidates = p.symbols ?? stored.map((s) => s.symbol);
  const info = new Map(stored.map((s) => [s.symbol, s]));
  const from = p.from ?? Math.min(...candidates.map((s) => info.get(s)!.firstTs));
  const to = p.to ?? Math.max(...candidates.map((s) => info.get(s)!.lastTs)) + step;
  if (!(to > from)) {
    throw new RangeError(
      `Cannot build the report: the window must end after it starts, got from ${
        new Date(from).toISOString()
      } to ${new Date(to).toISOString()}`,
    );
  }
  const read = candidates.map((symbol) => readBars(db, { venue, symbol, freq }, { from, to }));
  const empty = candidates.filter((_, i) => read[i]!.ts.length === 0);
  if (p.symbols !== undefined && empty.length > 0) {
    throw new RangeError(
      `Cannot build the report: no ${freq} bars of ${empty.join(", ")} in the window ` +
        `${new Date(from).toISOString()} to ${new Date(to).toISOString()}`,
    );
  }
  const symbols = candidates.filter((_, i) => read[i]!.ts.length > 0);
  const bars = read.filter((b) => b.ts.length > 0);
  if (symbols.length === 0) {
    throw new RangeError(
      `Cannot build the report: no ${freq} bars of venue "${venue}" in the window`,
    );
  }
  const fp = fingerprintBarColumns(bars);
  const panel = loadPanel(db, { venue, symbols, freq, from, to });
  const gridBars = panel.index.length;
  const signals = p.signals ?? DEFAULT_REPORT_SIGNALS;
  const horizons = p.horizons ?? [1, 4, 24];
  const pairsTop = p.pairsTop ?? 10;
  const factorWindow = p.factorWindow ?? (gridBars >= 1440 ? 720 : 168);
  const zWindow = p.zWindow ?? 72;

  const factor = factorSection(panel, { window: factorWindow });
  const signal = signalSection(panel, { signals, horizons });
  const pairs = pairsSection(panel, { top: pairsTop, zWindow });

  const params: Record<string, ParamValue> = {
    venue,
    freq,
    universe: symbols.join(","),
    from,
    to,
    signals: signals.join(","),
    horizons: horizons.join(","),
    pairsTop,
    factorWindow,
    zWindow,
  };
  const manifest = buildManifest({
    datasetFingerprint: fp.sha256,
    dataset: { venue, freq, symbols: [...symbols], from, to, rows: fp.rows },
    params,
    seed: null,
    ...(p.projectDir === undefined ? {} : { projectDir: p.projectDir }),
    ...(p.git === undefined ? {} : { git: p.git }),
  });
  const runId = p.runId ?? researchRunId(fp.sha256, manifest.params);

  const gapsBy = bars.map((b) => findGaps(b.ts, freq));
  const missing = gapsBy.map((g) => g.missing.reduce((s, m) => s + m, 0));
  const dropped = candidates.length - symbols.length;
  const dataBlocks: Block[] = [
    {
      type: "paragraph",
      text: `${symbols.length} assets of venue "${venue}", ${freq} bars from the store, ` +
        `${gridBars} bars on the common grid from ${new Date(from).toISOString()} to ` +
        `${new Date(to).toISOString()}. A missing bar is NaN, never a zero return.`,
    },
    ...(dropped > 0
      ? [{
        type: "note" as const,
        level: "info" as const,
        text: `${dropped} stored series ha${dropped === 1 ? "s" : "ve"} no bar in the window ` +
          `and ${dropped === 1 ? "is" : "are"} left out.`,
      }]
      : []),
    {
      type: "table",
      id: "coverage-table",
      title: "Coverage by asset",
      caption: `Bars present in the window, bars missing between an asset's first and last ` +
        `bar (gaps), and the share of the common grid covered.`,
      columns: [
        ASSET_COLUMN,
        column("bars", "Bars", "integer"),
        column("missing", "Missing", "integer"),
        column("coverage", "Coverage", "percent", 1),
        column("first", "First bar", "datetime"),
        column("last", "Last bar", "datetime"),
      ],
      rows: symbols.map((s, i) => {
        const b = bars[i]!;
        return [
          s,
          b.ts.length,
          missing[i]!,
          b.ts.length / gridBars,
          b.ts[0]!,
          b.ts[b.ts.length - 1]!,
        ];
      }),
    },
  ];
  const methodBlocks: Block[] = [
    {
      type: "paragraph",
      text: "Every number comes from the library functions named in the captions " +
        "(factorModel, icDecay, quantileReturns, rankAutocorrelation, turnover, screenPairs, " +
        "hedgeRatio, spreadZScore, zScoreSignals), on one-bar log returns of closes on a " +
        "common UTC grid. Signals and factor fits at bar t use data up to t only; forward " +
        "returns start at t+1.",
    },
    {
      type: "paragraph",
      text: "The dataset fingerprint in the manifest is the SHA-256 of the canonical encoding " +
        "of exactly the bar rows used; recompute it from the store to check that a report " +
        "was built from the data you have.",
    },
  ];
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    title: "cryptolab research report",
    subtitle: `${symbols.length} assets, ${freq} bars, ${signals.length} signals`,
    dataNote: p.dataNote ?? `${freq} bars of venue ${venue} from the store`,
    sections: [
      { id: "data", title: "Data", blocks: dataBlocks },
      { id: "factors", title: "Factor decomposition", blocks: factor.blocks },
      { id: "signals", title: "Signal validation", blocks: signal.blocks },
      { id: "pairs", title: "Pairs", blocks: pairs.blocks },
      { id: "method", title: "Method", blocks: methodBlocks },
    ],
    manifest,
  };
}
