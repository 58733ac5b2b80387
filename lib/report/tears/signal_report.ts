/**
 * A whole report of one signal on a dataset: the data coverage and the signal tear sheet, with
 * a manifest that records the signal's own fingerprint beside the dataset's.
 *
 * @module
 */
import type { Dataset } from "../../panel/dataset.ts";
import type { SignalInput } from "../../research/signal_input.ts";
import { buildManifest } from "../manifest.ts";
import {
  type GitInfo,
  type ParamValue,
  type ReportModel,
  SCHEMA_VERSION,
  type Section,
} from "../model.ts";
import { dataSection } from "../sections/data_section.ts";
import { tearSheetRunId } from "../tear_sheet.ts";
import {
  SIGNAL_TEAR_SHEET_DEFAULTS,
  type SignalTearSheet,
  signalTearSheet,
  type SignalTearSheetOptions,
} from "./signal_tear_sheet.ts";

/**
 * The name a signal report gives its signal: `name`, else the base name of the signal file
 * (never its full path), else `signal`.
 *
 * @example
 * ```ts
 * import { signalReportName } from "@lib/report/tears/signal_report.ts";
 * import assert from "node:assert/strict";
 * assert.equal(signalReportName({ signalSource: { path: "/tmp/r12/sig.csv" } }), "sig.csv");
 * assert.equal(signalReportName({ name: "mine" }), "mine");
 * ```
 */
export function signalReportName(o: {
  readonly name?: string | undefined;
  readonly signalSource?: { readonly path: string } | undefined;
}): string {
  return o.name ?? o.signalSource?.path.split(/[\\/]/).pop() ?? "signal";
}

/** Options of {@link buildSignalReport}. */
export interface SignalReportOptions extends SignalTearSheetOptions {
  /**
   * Where the signal came from and a SHA-256 of its bytes (a file's), recorded in the manifest
   * so the report names exactly which values it describes. @default none
   */
  readonly signalSource?: { readonly path: string; readonly sha256: string } | undefined;
  /** Run id. @default `signal-` and a hash of the dataset fingerprint and parameters */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. @default the current directory */
  readonly projectDir?: string | undefined;
  /** Override the git state (tests). @default read with git */
  readonly git?: GitInfo | undefined;
  /**
   * The overfitting section, built by the caller from the tear sheet (its IC series, the
   * signal on the grid) and the trial ledger, which the report layer never reads
   * (`runReport` of lib/pipeline passes one). It goes after the tear sheet's sections; null
   * leaves it out. @default none
   */
  readonly overfitting?: ((sheet: SignalTearSheet) => Section | null) | undefined;
}

/**
 * The report model of one signal on a dataset (what `deno task report --signal-file PATH`
 * writes): a data coverage section (`dataSection`) and the sections of
 * {@link signalTearSheet}. The manifest fingerprints the dataset's rows and records the
 * parameters after defaults, the signal file's path and SHA-256; the same inputs and run id
 * give the same bytes. Render with `renderHtml` / `renderJson`, or write with `writeReport`.
 *
 * @example Eight assets and an array signal
 * ```ts
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import { buildSignalReport } from "@lib/report/tears/signal_report.ts";
 * import assert from "node:assert/strict";
 * const n = 24 * 20, h = 3_600_000;
 * const assets = ["BTCUSDT", "A1", "A2", "A3", "A4", "A5", "A6", "A7"];
 * const close = assets.map((_, k) => Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.01 * Math.sin(i / (2 + k)))));
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets, index: Float64Array.from({ length: n }, (_, i) => i * h), close });
 * const series = assets.map((symbol) => ({ symbol, rows: n, firstTs: 0, lastTs: (n - 1) * h, incomplete: 0, missing: 0, gaps: [] }));
 * const dataset = { venue: "sim", freq: "1h" as const, symbols: assets, from: 0, to: n * h, panel, series, dropped: [],
 *   fingerprint: { sha256: "0".repeat(64), rows: 8 * n } };
 * const signal = close.map((c) => Float64Array.from(c, (x, t) => (t > 0 ? x / c[t - 1]! : NaN)));
 * const m = buildSignalReport(dataset, signal, { horizons: [1], git: { commit: "unknown", dirty: null } });
 * assert.match(m.runId, /^signal-[0-9a-f]{12}$/);
 * assert.equal(m.sections[0]!.id, "data");
 * ```
 */
export function buildSignalReport(
  dataset: Dataset,
  signal: SignalInput,
  options: SignalReportOptions = {},
): ReportModel {
  const D = SIGNAL_TEAR_SHEET_DEFAULTS;
  const sheet = signalTearSheet(dataset.panel, signal, {
    ...options,
    // trials are of this dataset at its frequency unless the caller said otherwise
    trial: options.trial === undefined
      ? undefined
      : { dataset: dataset.fingerprint.sha256, freq: dataset.freq, ...options.trial },
  });
  const params: Record<string, ParamValue> = {
    venue: dataset.venue,
    freq: dataset.freq,
    universe: dataset.symbols.join(","),
    from: dataset.from,
    to: dataset.to,
    horizons: (options.horizons ?? D.horizons).join(","),
    quantiles: options.quantiles ?? D.quantiles,
    minAssets: options.minAssets ?? D.minAssets,
    lag: options.lag ?? D.lag,
    costs: sheet.longShort.result.metadata.costNames.join(","),
    signalFile: options.signalSource?.path ?? null,
    signalSha256: options.signalSource?.sha256 ?? null,
  };
  const manifest = buildManifest({
    datasetFingerprint: dataset.fingerprint.sha256,
    dataset: {
      venue: dataset.venue,
      freq: dataset.freq,
      symbols: [...dataset.symbols],
      from: dataset.from,
      to: dataset.to,
      rows: dataset.fingerprint.rows,
    },
    params,
    seed: null,
    ...(options.projectDir === undefined ? {} : { projectDir: options.projectDir }),
    ...(options.git === undefined ? {} : { git: options.git }),
  });
  const overfitting = options.overfitting?.(sheet) ?? null;
  const name = signalReportName(options);
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: options.runId ?? tearSheetRunId("signal", dataset.fingerprint.sha256, manifest.params),
    title: `cryptolab signal tear sheet: ${name}`,
    subtitle: `${dataset.symbols.length} assets, ${dataset.freq} bars, ` +
      `${Math.round((dataset.to - dataset.from) / 86_400_000 * 10) / 10} days`,
    dataNote: `${dataset.freq} bars of venue ${dataset.venue} from the store`,
    sections: [
      { id: "data", title: "Data coverage and gaps", blocks: dataSection(dataset) },
      ...sheet.sections,
      ...(overfitting === null ? [] : [overfitting]),
    ],
    manifest,
  };
}
