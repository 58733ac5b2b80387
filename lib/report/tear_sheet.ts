/**
 * The tear sheet: a whole report composed from the section builders, as alphalens composes
 * its tear sheets from `performance` and `plotting`. `deno task report` and the demo both
 * build their report here, so they show the same sections on any data.
 *
 * @module
 */
import type { Dataset } from "../panel/dataset.ts";
import type { TrialLedger } from "../research/ledger.ts";
import type { Block, GitInfo, ParamValue, ReportModel, Section } from "./model.ts";
import { SCHEMA_VERSION } from "./model.ts";
import { buildManifest, sha256Hex } from "./manifest.ts";
import { renderJson } from "./json.ts";
import { dataSection, type DataSectionOptions } from "./sections/data_section.ts";
import { performanceSection } from "./sections/performance_section.ts";
import { correlationSection, DEFAULT_BETA_WINDOW } from "./sections/correlation_section.ts";
import { factorSection } from "./sections/factor_section.ts";
import { DEFAULT_REPORT_SIGNALS, signalSection } from "./sections/signal_section.ts";
import { pairsSection } from "./sections/pairs_section.ts";
import { methodSection } from "./sections/method_section.ts";

/** The sections a tear sheet can hold, in the order they appear. */
export const TEAR_SHEET_SECTIONS = [
  "data",
  "performance",
  "co-movement",
  "factors",
  "signals",
  "pairs",
  "method",
] as const;

/** One of {@link TEAR_SHEET_SECTIONS}. */
export type TearSheetSection = typeof TEAR_SHEET_SECTIONS[number];

/** Options of {@link buildTearSheet}; every field but `params` has a default. */
export interface TearSheetOptions {
  /** Report title. Default `cryptolab research report`. */
  readonly title?: string | undefined;
  /** One line under the title. Default: `<n> assets, <freq> bars, <days> days`. */
  readonly subtitle?: string | undefined;
  /** Where the data came from, shown under the title. Default: `<freq> bars of venue <v> from the store`. */
  readonly dataNote?: string | undefined;
  /** Prefix of the default run id. Default `report`. */
  readonly runIdPrefix?: string | undefined;
  /** Run id; default {@link tearSheetRunId} of the fingerprint and `params`. */
  readonly runId?: string | undefined;
  /** Sections to include, in {@link TEAR_SHEET_SECTIONS} order. Default: all of them. */
  readonly sections?: readonly TearSheetSection[] | undefined;
  /** Benchmark of the rolling beta (exact label or factor name). Default `BTC`. */
  readonly benchmark?: string | undefined;
  /** Rolling-beta window in bars. Default `DEFAULT_BETA_WINDOW` (168). */
  readonly betaWindow?: number | undefined;
  /** Factor-model window in bars. Default {@link defaultFactorWindow}. */
  readonly factorWindow?: number | undefined;
  /** Signal names. Default `DEFAULT_REPORT_SIGNALS`. */
  readonly signals?: readonly string[] | undefined;
  /** Forward-return horizons in bars. Default `DEFAULT_SIGNAL_HORIZONS` (signal section). */
  readonly horizons?: readonly number[] | undefined;
  /** Pairs listed in the pairs table. Default 10 (pairs section). */
  readonly pairsTop?: number | undefined;
  /** Spread z-score window in bars. Default 72 (pairs section). */
  readonly zWindow?: number | undefined;
  /** Extra content of the data section (rollup counts, how the bars were made). */
  readonly data?: DataSectionOptions | undefined;
  /** Parameters recorded in the manifest (flag values after defaults). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Generator seed, or null when the data is not simulated. Default null. */
  readonly seed?: number | null | undefined;
  /** Folder with `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string | undefined;
  /** Override the git state (tests). Default: read with git. */
  readonly git?: GitInfo | undefined;
  /** Record the signal validation's IC series in this trial ledger. Default: not recorded. */
  readonly ledger?: TrialLedger | undefined;
}

/**
 * The factor-model window of a report on `bars` bars: 720 (30 days of hourly bars) when there
 * are at least twice that many, else `betaWindow` (a month of hourly bars needs a shorter
 * window to have any fit).
 *
 * @example A month and a year of hourly bars
 * ```ts
 * import { defaultFactorWindow } from "@lib/report/tear_sheet.ts";
 * import assert from "node:assert/strict";
 * assert.equal(defaultFactorWindow(720, 168), 168);
 * assert.equal(defaultFactorWindow(8760, 168), 720);
 * ```
 */
export function defaultFactorWindow(bars: number, betaWindow: number): number {
  return bars >= 1440 ? 720 : betaWindow;
}

/**
 * `<prefix>-` and the first 12 hex digits of the SHA-256 of the dataset fingerprint and the
 * canonical JSON of the parameters: the same data and parameters give the same id, so
 * re-running writes the same folder.
 *
 * @example Same data and parameters, same id
 * ```ts
 * import { tearSheetRunId } from "@lib/report/tear_sheet.ts";
 * import assert from "node:assert/strict";
 * const id = tearSheetRunId("report", "0".repeat(64), { seed: 42 });
 * assert.match(id, /^report-[0-9a-f]{12}$/);
 * assert.notEqual(id, tearSheetRunId("report", "0".repeat(64), { seed: 43 }));
 * ```
 */
export function tearSheetRunId(
  prefix: string,
  fingerprint: string,
  params: Readonly<Record<string, ParamValue>>,
): string {
  return `${prefix}-${sha256Hex(`${fingerprint}\n${renderJson(params)}`).slice(0, 12)}`;
}

/**
 * Build a report of a dataset from the section builders: data coverage (`dataSection`),
 * returns, volatility, Sharpe and drawdown (`performanceSection`), correlation and rolling
 * beta (`correlationSection`), the causal BTC/ETH factor model (`factorSection`), signal
 * validation (`signalSection`), the pairs screen with FDR-adjusted p-values
 * (`pairsSection`) and the method. Each section builder can also be called on its own.
 * Degenerate universes (no BTC, fewer than 5 assets, too short for a window) give notes in
 * the sections concerned, never an exception. The manifest fingerprints exactly the
 * dataset's rows, so the same dataset, options and run id give the same bytes.
 *
 * Cost: dominated by the pairs screen, O(assets² x bars).
 *
 * @example Two assets
 * ```ts
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import { buildTearSheet } from "@lib/report/tear_sheet.ts";
 * import assert from "node:assert/strict";
 * const n = 48, h = 3_600_000;
 * const close = [1, 2].map((k) => Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i * k))));
 * const panel = fromColumns({ venue: "x", freq: "1h", assets: ["BTCUSDT", "ALTUSDT"],
 *   index: Float64Array.from({ length: n }, (_, i) => i * h), close });
 * const series = panel.assets.map((symbol) => ({ symbol, rows: n, firstTs: 0, lastTs: (n - 1) * h,
 *   incomplete: 0, missing: 0, gaps: [] }));
 * const m = buildTearSheet({ venue: "x", freq: "1h", symbols: panel.assets, from: 0, to: n * h,
 *   panel, series, dropped: [], fingerprint: { sha256: "0".repeat(64), rows: 2 * n } },
 *   { params: {}, signals: ["momentum_24"], betaWindow: 12, git: { commit: "unknown", dirty: null } });
 * assert.deepEqual(m.sections.map((s) => s.id),
 *   ["data", "performance", "co-movement", "factors", "signals", "pairs", "method"]);
 * ```
 */
export function buildTearSheet(dataset: Dataset, options: TearSheetOptions): ReportModel {
  const { panel, freq, venue } = dataset;
  const wanted = new Set(options.sections ?? TEAR_SHEET_SECTIONS);
  const betaWindow = options.betaWindow ?? DEFAULT_BETA_WINDOW;
  const factorWindow = options.factorWindow ?? defaultFactorWindow(panel.index.length, betaWindow);
  const signals = options.signals ?? DEFAULT_REPORT_SIGNALS;
  const sections: Section[] = [];
  const add = (id: TearSheetSection, title: string, blocks: () => Block[]) => {
    if (wanted.has(id)) sections.push({ id, title, blocks: blocks() });
  };
  add("data", "Data coverage and gaps", () => dataSection(dataset, options.data ?? {}));
  add("performance", "Returns, risk and Sharpe", () => performanceSection(panel).blocks);
  add("co-movement", "Correlation and beta", () =>
    correlationSection(panel, {
      betaWindow,
      ...(options.benchmark === undefined ? {} : { benchmark: options.benchmark }),
    }).blocks);
  add(
    "factors",
    "Factor decomposition (BTC and ETH)",
    () => factorSection(panel, { window: factorWindow }).blocks,
  );
  add("signals", "Signal validation", () =>
    signalSection(panel, {
      signals,
      ...(options.horizons === undefined ? {} : { horizons: options.horizons }),
      ...(options.ledger === undefined ? {} : {
        record: { ledger: options.ledger, dataset: dataset.fingerprint.sha256, freq },
      }),
    }).blocks);
  add("pairs", "Pairs", () =>
    pairsSection(panel, {
      ...(options.pairsTop === undefined ? {} : { top: options.pairsTop }),
      ...(options.zWindow === undefined ? {} : { zWindow: options.zWindow }),
    }).blocks);
  add("method", "Method", () => methodSection(freq));

  const manifest = buildManifest({
    datasetFingerprint: dataset.fingerprint.sha256,
    dataset: {
      venue,
      freq,
      symbols: [...dataset.symbols],
      from: dataset.from,
      to: dataset.to,
      rows: dataset.fingerprint.rows,
    },
    params: options.params,
    seed: options.seed ?? null,
    ...(options.projectDir === undefined ? {} : { projectDir: options.projectDir }),
    ...(options.git === undefined ? {} : { git: options.git }),
  });
  const runId = options.runId ??
    tearSheetRunId(options.runIdPrefix ?? "report", dataset.fingerprint.sha256, manifest.params);
  const days = Math.round((dataset.to - dataset.from) / 86_400_000 * 10) / 10;
  return {
    schemaVersion: SCHEMA_VERSION,
    runId,
    title: options.title ?? "cryptolab research report",
    subtitle: options.subtitle ??
      `${dataset.symbols.length} assets, ${freq} bars, ${days} days, ${signals.length} signals`,
    dataNote: options.dataNote ?? `${freq} bars of venue ${venue} from the store`,
    sections,
    manifest,
  };
}
