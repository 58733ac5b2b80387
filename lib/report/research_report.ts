/**
 * The research report of any dataset (what `deno task report` writes): the full tear sheet
 * with every analysis parameter recorded in the manifest.
 *
 * @module
 */
import type { Dataset } from "../panel/dataset.ts";
import type { TrialLedger } from "../research/ledger.ts";
import type { GitInfo, ParamValue, ReportModel } from "./model.ts";
import { buildTearSheet, defaultFactorWindow, tearSheetRunId } from "./tear_sheet.ts";
import { DEFAULT_REPORT_SIGNALS, DEFAULT_SIGNAL_HORIZONS } from "./sections/signal_section.ts";
import { DEFAULT_BETA_WINDOW } from "./sections/correlation_section.ts";
import { DEFAULT_PAIRS_TOP, DEFAULT_Z_WINDOW } from "./sections/pairs_section.ts";

/** What {@link buildResearchReport} does with a dataset; every field has a default. */
export interface ResearchReportParams {
  /** Signal names (`momentum_24`, ...). Default `DEFAULT_REPORT_SIGNALS`. */
  readonly signals?: readonly string[] | undefined;
  /** Forward-return horizons in bars. Default `DEFAULT_SIGNAL_HORIZONS`. */
  readonly horizons?: readonly number[] | undefined;
  /** Pairs listed in the pairs table. Default `DEFAULT_PAIRS_TOP` (10). */
  readonly pairsTop?: number | undefined;
  /** Rolling-beta window in bars. Default `DEFAULT_BETA_WINDOW` (168). */
  readonly betaWindow?: number | undefined;
  /** Factor-model window in bars. Default `defaultFactorWindow` (720, or `betaWindow`). */
  readonly factorWindow?: number | undefined;
  /** Spread z-score window in bars. Default `DEFAULT_Z_WINDOW` (72). */
  readonly zWindow?: number | undefined;
  /** Shown under the title. Default: `<freq> bars of venue <venue> from the store`. */
  readonly dataNote?: string | undefined;
  /** Run id; default {@link researchRunId} of the fingerprint and the parameters. */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string | undefined;
  /** Override the git state (tests). Default: read with git. */
  readonly git?: GitInfo | undefined;
  /**
   * Record every signal's IC series in this trial ledger (`openLedger` of lib/research). Not
   * part of the parameters: the report is the same with or without it. Default: not recorded.
   */
  readonly ledger?: TrialLedger | undefined;
}

/**
 * The default run id of a research report: `report-` and the first 12 hex digits of the
 * SHA-256 of the dataset fingerprint and the canonical JSON of the parameters.
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
  return tearSheetRunId("report", fingerprint, params);
}

/**
 * Build the research report of a dataset (from `loadDataset`): data coverage, returns and
 * risk, correlation and beta, the causal BTC/ETH factor model, validation of the requested
 * signals, the pairs screen with Benjamini-Hochberg q-values and the method
 * (`buildTearSheet`). The manifest records every parameter after defaults, so the same
 * dataset, parameters and run id give the same bytes.
 *
 * @example A tiny two-asset store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadDataset } from "@lib/panel/load_dataset.ts";
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
 * const m = buildResearchReport(loadDataset(db, { venue: "x", freq: "1h" }),
 *   { signals: ["momentum_24"], horizons: [1], git: { commit: "unknown", dirty: null } });
 * assert.equal(m.manifest.dataset.rows, 2 * n);
 * assert.equal(m.manifest.params.horizons, "1");
 * ```
 */
export function buildResearchReport(
  dataset: Dataset,
  p: ResearchReportParams = {},
): ReportModel {
  const signals = p.signals ?? DEFAULT_REPORT_SIGNALS;
  const horizons = p.horizons ?? DEFAULT_SIGNAL_HORIZONS;
  const pairsTop = p.pairsTop ?? DEFAULT_PAIRS_TOP;
  const betaWindow = p.betaWindow ?? DEFAULT_BETA_WINDOW;
  const factorWindow = p.factorWindow ??
    defaultFactorWindow(dataset.panel.index.length, betaWindow);
  const zWindow = p.zWindow ?? DEFAULT_Z_WINDOW;
  const params: Record<string, ParamValue> = {
    venue: dataset.venue,
    freq: dataset.freq,
    universe: dataset.symbols.join(","),
    from: dataset.from,
    to: dataset.to,
    signals: signals.join(","),
    horizons: horizons.join(","),
    pairsTop,
    betaWindow,
    factorWindow,
    zWindow,
  };
  return buildTearSheet(dataset, {
    signals,
    horizons,
    pairsTop,
    betaWindow,
    factorWindow,
    zWindow,
    params,
    runIdPrefix: "report",
    runId: p.runId,
    dataNote: p.dataNote,
    projectDir: p.projectDir,
    git: p.git,
    ledger: p.ledger,
  });
}
