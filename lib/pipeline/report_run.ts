/**
 * A research report of bars already in the store, end to end: choose the venue, check the
 * universe, load the dataset once, build the tear sheet. `deno task report` is a thin shell
 * around {@link runReport}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Freq } from "../core/freq.ts";
import { listSeries } from "../store/bars.ts";
import type { Dataset } from "../panel/dataset.ts";
import { loadDataset } from "../panel/load_dataset.ts";
import { GRID_DEFAULTS } from "../core/grid_size.ts";
import type { Block, GitInfo, ReportModel, Section } from "../report/model.ts";
import { buildResearchReport, type ResearchReportParams } from "../report/research_report.ts";
import type { SignalInput } from "../research/signal_input.ts";
import { buildSignalReport, type SignalTearSheetOptions } from "../report/tears/mod.ts";
import { freqMs } from "../core/freq.ts";
import { findRecordedTrial } from "../research/recorded_trial.ts";
import { parseSignalName } from "../research/signals/mod.ts";
import { overfittingVerdict } from "../research/overfitting_verdict.ts";
import { overfittingSection } from "../report/sections/overfitting_section.ts";
import { periodsPerYear } from "../backtest/metrics/periods_per_year.ts";

/**
 * A report request the store cannot satisfy (no bars at that frequency, several venues and
 * none chosen, an unknown symbol). `flag` names the option to change, for a usage message.
 */
export class ReportInputError extends RangeError {
  /** The option at fault (`venue`, `universe`, `freq`), or undefined. */
  readonly flag: string | undefined;
  constructor(message: string, flag?: string) {
    super(message);
    this.name = "ReportInputError";
    this.flag = flag;
  }
}

/** What {@link runReport} reports on; only `freq` is required. */
export interface ReportRunOptions extends ResearchReportParams {
  readonly freq: Freq;
  /** Venue of the series. Default: the only venue with `freq` bars in the store. */
  readonly venue?: string | undefined;
  /** The universe. Default: every series of the venue at `freq` with a bar in the window. */
  readonly symbols?: readonly string[] | undefined;
  /** Window start, UTC ms (inclusive). Default: the first bar. */
  readonly from?: number | undefined;
  /** Window end, UTC ms (exclusive). Default: one bar after the last bar. */
  readonly to?: number | undefined;
  readonly git?: GitInfo | undefined;
  /**
   * Report on this signal instead (`deno task report --signal-file`): the signal tear sheet of
   * `buildSignalReport` on the same dataset, the file's path and SHA-256 in the manifest.
   */
  readonly signal?: {
    readonly input: SignalInput;
    readonly source?: { readonly path: string; readonly sha256: string };
    readonly options?: SignalTearSheetOptions;
  } | undefined;
}

/** What {@link runReport} built. */
export interface ReportRun {
  readonly model: ReportModel;
  readonly dataset: Dataset;
}

/**
 * Build the research report of bars in the store (see `buildResearchReport`): the venue
 * defaults to the only one with `freq` bars, the universe to all its series. Throws a
 * {@link ReportInputError} naming what is stored when the request cannot be met.
 *
 * @example Two assets in a fresh store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { runReport } from "@lib/pipeline/report_run.ts";
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
 * const r = runReport(db, { freq: "1h", signals: ["momentum_24"], git: { commit: "unknown", dirty: null } });
 * assert.deepEqual(r.dataset.symbols, ["ALTUSDT", "BTCUSDT"]);
 * assert.throws(() => runReport(db, { freq: "1h", venue: "y" }), /venues with 1h bars: x/);
 * ```
 */
export function runReport(db: DatabaseSync, options: ReportRunOptions): ReportRun {
  const { freq } = options;
  const series = listSeries(db, { freq });
  const venues = [...new Set(series.map((s) => s.venue))];
  const venue = options.venue ?? (venues.length === 1 ? venues[0]! : undefined);
  if (venue === undefined) {
    throw new ReportInputError(
      venues.length === 0
        ? `the store has no ${freq} bars; import or backfill some first, or pick another --freq`
        : `the store has ${freq} bars of several venues (${venues.join(", ")}); pick one ` +
          `with --venue`,
      venues.length === 0 ? "freq" : "venue",
    );
  }
  const stored = new Set(series.filter((s) => s.venue === venue).map((s) => s.symbol));
  if (stored.size === 0) {
    throw new ReportInputError(
      `the store has no ${freq} bars of venue "${venue}"` +
        (venues.length > 0 ? `; venues with ${freq} bars: ${venues.join(", ")}` : ""),
      "venue",
    );
  }
  const unknown = (options.symbols ?? []).filter((s) => !stored.has(s));
  if (unknown.length > 0) {
    const known = [...stored].sort();
    throw new ReportInputError(
      `no ${freq} bars of ${venue} ${unknown.join(", ")} in the store; stored: ` +
        known.slice(0, 30).join(", ") + (known.length > 30 ? ", ..." : ""),
      "universe",
    );
  }
  const dataset = loadDataset(db, {
    venue,
    freq,
    symbols: options.symbols,
    from: options.from,
    to: options.to,
    maxCells: GRID_DEFAULTS.maxReportCells,
  });
  if (options.signal === undefined) {
    const model = buildResearchReport(dataset, options);
    const overfitting = researchOverfitting(db, dataset, model);
    return {
      model: overfitting === null
        ? model
        : { ...model, sections: beforeMethod(model, overfitting) },
      dataset,
    };
  }
  const { input, source } = options.signal;
  const model = buildSignalReport(dataset, input, {
    ...options.signal.options,
    ...(options.horizons === undefined ? {} : { horizons: options.horizons }),
    signalSource: source,
    runId: options.runId,
    projectDir: options.projectDir,
    git: options.git,
  });
  return { model, dataset };
}

/**
 * The overfitting section of a research report: for each signal, its IC trial at the first
 * horizon as the store's ledger holds it (family `signal:<family>`, recorded by the report when
 * it was given a ledger) judged against the family; null when the ledger holds none of them
 * (no ledger was given, or a store without one).
 */
function researchOverfitting(
  db: DatabaseSync,
  dataset: Dataset,
  model: ReportModel,
): Section | null {
  const p = model.manifest.params;
  const signals = String(p.signals ?? "").split(",").filter((x) => x !== "");
  const horizon = Number(String(p.horizons ?? "").split(",")[0]);
  const blocks: Block[] = [];
  for (const name of signals) {
    let family: string;
    try {
      family = `signal:${parseSignalName(name).family}`;
    } catch {
      continue;
    }
    const found = findRecordedTrial(db, family, (t) => {
      if (t.origin !== "icDecay" || t.dataset !== dataset.fingerprint.sha256) return false;
      const q = JSON.parse(t.params) as Record<string, unknown>;
      return q.signal === name && q.horizon === horizon;
    });
    if (found === null) continue;
    const { trial, trials } = found;
    const verdict = overfittingVerdict({
      family: trial.label,
      trials,
      chosen: trial.trialId,
      periodsPerYear: periodsPerYear(freqMs(dataset.freq)),
    });
    blocks.push(
      {
        type: "paragraph",
        text: `Signal ${name}, IC series at horizon ${horizon} (its trial ${trial.trialId} in ` +
          "the ledger):",
      },
      ...overfittingSection(
        verdict,
        `overfitting-${name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`,
      ),
    );
  }
  return blocks.length === 0 ? null : { id: "overfitting", title: "Overfitting verdict", blocks };
}

/** The report's sections with `section` inserted before the method section (else last). */
function beforeMethod(model: ReportModel, section: Section): Section[] {
  const out = model.sections.filter((x) => x.id !== "method");
  out.push(section, ...model.sections.filter((x) => x.id === "method"));
  return out;
}
