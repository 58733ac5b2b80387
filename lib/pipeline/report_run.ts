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
import {
  alignSignal,
  requireSignalPlaced,
  SignalAlignmentError,
  type SignalInput,
} from "../research/signal_input.ts";
import {
  buildSignalReport,
  SIGNAL_TEAR_SHEET_DEFAULTS,
  type SignalTearSheet,
  type SignalTearSheetOptions,
} from "../report/tears/mod.ts";
import { signalNullPosition } from "./null_position.ts";
import { freqMs } from "../core/freq.ts";
import { findRecordedTrial } from "../research/recorded_trial.ts";
import type { TrialSpec } from "../research/ledger.ts";
import { withLedgerUpTo, withManifestParam } from "./ledger_up_to.ts";
import { previousGenerationNote } from "./previous_generation.ts";
import { parseSignalName } from "../research/signals/mod.ts";
import { overfittingVerdict } from "../research/overfitting_verdict.ts";
import { overfittingSection } from "../report/sections/overfitting_section.ts";
import { periodsPerYear } from "../backtest/metrics/periods_per_year.ts";
import { reportRegimeSection, signalRegimeSection } from "./report_regimes.ts";
import { signalReportName } from "../report/tears/signal_report.ts";
import { DEFAULT_REPORT_SIGNALS } from "../report/sections/signal_section.ts";

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
    /**
     * The tear sheet's options; `trial.family` (the ledger family the signal's trials are
     * recorded in and judged against) defaults to {@link signalFileFamily} of the dataset.
     */
    readonly options?:
      & Omit<SignalTearSheetOptions, "trial">
      & { readonly trial?: Omit<TrialSpec, "family"> & { readonly family?: string | undefined } };
  } | undefined;
  /**
   * Count only ledger trials with an id up to this one in the overfitting verdicts: the
   * manifest's `ledgerUpTo` of a first build, given back by verify-report. @default every
   * trial of each family generation
   */
  readonly ledgerUpTo?: number | undefined;
  /**
   * Placebo runs per placebo kind of the null suite in each overfitting verdict (the signal's
   * mean rank IC at the first horizon against random ranks, the signal permuted across assets
   * and block-shuffled in time), seeded with `REPORT_NULL_DEFAULTS.seed`; 0 runs none.
   * @default 19, fewer (at least 9) on a large panel (`REPORT_NULL_DEFAULTS`)
   */
  readonly nullRuns?: number | undefined;
}

/** What {@link runReport} built. */
export interface ReportRun {
  readonly model: ReportModel;
  readonly dataset: Dataset;
  /**
   * With `signal`: the signal tear sheet's warnings (`SignalTearSheet.warnings`: an IC no
   * causal signal reaches, a book that never held a position), for a task to print on stderr;
   * the report shows them first. Empty for a research report.
   */
  readonly warnings: readonly string[];
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
    const model = withNullRuns(buildResearchReport(dataset, options), options.nullRuns);
    const overfitting = researchOverfitting(db, dataset, model, options);
    const verdict = overfitting === null
      ? model
      : { ...model, sections: beforeMethod(model, overfitting.section) };
    const regimes = reportRegimeSection(dataset.panel, options.signals ?? DEFAULT_REPORT_SIGNALS);
    return {
      // without a verdict, 0: a trial recorded later must not appear when it is built again
      model: withLedgerUpTo(
        { ...verdict, sections: beforeMethod(verdict, regimes) },
        overfitting?.upTo ?? 0,
      ),
      dataset,
      warnings: [],
    };
  }
  const { input, source } = options.signal;
  const spec = options.signal.options?.trial;
  const family = spec === undefined ? undefined : spec.family ?? signalFileFamily(dataset);
  let upTo: number | undefined;
  // the tear sheet's IC series is at its first horizon
  const horizons = options.horizons ?? options.signal.options?.horizons ??
    SIGNAL_TEAR_SHEET_DEFAULTS.horizons;
  let seen: SignalTearSheet | null = null;
  let built;
  try {
    requireCrossSection(
      dataset,
      input,
      options.signal.options?.minAssets ?? SIGNAL_TEAR_SHEET_DEFAULTS.minAssets,
    );
    built = buildSignalReport(dataset, input, {
      ...options.signal.options,
      // a file's trials carry its SHA-256: what finds them again (signalOverfitting)
      trial: spec === undefined || family === undefined ? undefined : {
        ...spec,
        family,
        ...(source === undefined ? {} : { params: { sha256: source.sha256, ...spec.params } }),
      },
      ...(options.horizons === undefined ? {} : { horizons: options.horizons }),
      signalSource: source,
      runId: options.runId,
      projectDir: options.projectDir,
      git: options.git,
      overfitting: (sheet) => {
        seen = sheet;
        if (family === undefined) return null;
        const r = signalOverfitting(db, dataset, family, sheet, horizons[0]!, {
          nullRuns: options.nullRuns,
          upTo: options.ledgerUpTo,
          sha256: source?.sha256,
        });
        upTo = r.upTo;
        return r.section;
      },
    });
  } catch (e) {
    // nothing of the file landed on the dataset: refused before any trial is recorded
    if (e instanceof SignalAlignmentError) throw new ReportInputError(e.message, "signal-file");
    throw e;
  }
  const model = withNullRuns(built, options.nullRuns);
  // the regime section conditions the signal as the tear sheet aligned it
  const regimes = signalRegimeSection(
    dataset.panel,
    signalReportName({ name: options.signal.options?.name, signalSource: source }),
    seen!.signal,
  );
  const withFamily = family === undefined
    ? model
    : withManifestParam(model, "ledgerFamily", family);
  return {
    model: withLedgerUpTo({ ...withFamily, sections: [...model.sections, regimes] }, upTo),
    dataset,
    warnings: (seen as SignalTearSheet | null)?.warnings ?? [],
  };
}

/**
 * Refuse, with a {@link ReportInputError} on `signal-file`, a signal table or array on which no
 * rank IC can be computed at any bar: no bar has values of `minAssets` assets (a 2- or 3-asset
 * file on a larger panel). Nothing is recorded in the ledger then: the tear sheet would be empty
 * and its trials (n = 0) would only inflate the family. A table that lands nowhere is left to
 * `requireSignalPlaced` (its message names what did not match); a function is not evaluated
 * twice, its empty tear sheet says so.
 */
function requireCrossSection(dataset: Dataset, input: SignalInput, minAssets: number): void {
  if (typeof input === "function") return;
  let columns: readonly ArrayLike<number>[];
  let source = "the signal";
  if ("ts" in input && "asset" in input) {
    const aligned = alignSignal(input, dataset.panel);
    requireSignalPlaced(aligned, input, dataset.panel);
    columns = aligned.signal;
    source = input.source ?? "the signal table";
  } else columns = input;
  const T = dataset.panel.index.length;
  const perBar = new Int32Array(T);
  const withValues: string[] = [];
  columns.forEach((c, a) => {
    let any = false;
    for (let t = 0; t < T && t < c.length; t++) {
      if (Number.isFinite(c[t]!)) {
        perBar[t]!++;
        any = true;
      }
    }
    if (any) withValues.push(dataset.panel.assets[a] ?? `column ${a}`);
  });
  let widest = 0;
  for (let t = 0; t < T; t++) widest = Math.max(widest, perBar[t]!);
  if (widest >= minAssets) return;
  throw new ReportInputError(
    `Cannot report on ${source}: a rank IC needs values of at least ${minAssets} assets at ` +
      `a bar (minAssets), and no bar of the panel has more than ${widest} (it has values of ` +
      `${withValues.length} of the panel's ${dataset.panel.assets.length} assets` +
      (withValues.length > 0 && withValues.length <= 12 ? `: ${withValues.join(", ")}` : "") +
      `), so no IC, quantile or long-short figure could be computed and no trial was recorded; ` +
      `give values of at least ${minAssets} assets per bar (deno task backtest --strategy ` +
      `long-short --signal-file backtests a smaller book)`,
    "signal-file",
  );
}

/**
 * The default ledger family of a signal file's trials (`deno task report --signal-file`
 * without `--family`): `signal-file:<venue>-<freq>`, one family for every signal file tried on
 * the venue's bars at that frequency, so each new file is counted with the ones tried before
 * (a file's name says nothing of the hypothesis; give `--family NAME` to count it elsewhere).
 */
export function signalFileFamily(
  dataset: { readonly venue: string; readonly freq: string },
): string {
  return `signal-file:${dataset.venue}-${dataset.freq}`.replace(/[#\p{Cc}]/gu, "_");
}

/**
 * The overfitting section of a signal report (`--signal-file`): the signal's IC series at the
 * first horizon (the trial the tear sheet recorded in `family`, or, for a report built again,
 * found in the store's ledger) judged against its family, with the null-suite position of its
 * mean IC; a note when the ledger holds no such trial. The trial is the newest one of this
 * dataset, horizon and IC series whose params carry the file's `sha256` (when the signal came
 * from a file: another file with the same ranks has the same IC series) and whose id is at most
 * `upTo` (a report built again: trials recorded since its first build are never its trial).
 * Without a trial, `upTo` is 0, so a trial recorded later does not appear in a rebuild either.
 */
function signalOverfitting(
  db: DatabaseSync,
  dataset: Dataset,
  family: string,
  sheet: SignalTearSheet,
  h: number,
  o: {
    readonly nullRuns: number | undefined;
    readonly upTo: number | undefined;
    readonly sha256: string | undefined;
  },
): { section: Section; upTo: number } {
  const found = findRecordedTrial(db, family, (t) => {
    if (t.origin !== "icDecay" || t.dataset !== dataset.fingerprint.sha256) return false;
    const q = JSON.parse(t.params) as Record<string, unknown>;
    return q.horizon === h && (o.sha256 === undefined || q.sha256 === o.sha256) &&
      t.series.length === sheet.ic.length && t.series.every((v, i) => Object.is(v, sheet.ic[i]));
  }, o.upTo);
  if (found === null) {
    return {
      upTo: 0,
      section: {
        id: "overfitting",
        title: "Overfitting verdict",
        blocks: [{
          type: "note",
          level: "info",
          text: `No overfitting verdict: the store's trial ledger holds no IC trial of this ` +
            `signal in family ${family} (it was not recorded: deno task report records one ` +
            "unless --no-ledger is given).",
        }],
      },
    };
  }
  const { trial, trials } = found;
  const verdict = overfittingVerdict({
    family: trial.label,
    trials,
    chosen: trial.trialId,
    periodsPerYear: periodsPerYear(freqMs(dataset.freq)),
    upTo: o.upTo,
    nullPosition: signalNullPosition(dataset.panel, sheet.signal, h, {
      runs: o.nullRuns,
      minAssets: sheetMinAssets(trial.params),
    }) ?? undefined,
  });
  return {
    section: {
      id: "overfitting",
      title: "Overfitting verdict",
      blocks: [
        {
          type: "paragraph",
          text: `The trial series is the signal's rank IC series at horizon ${h} (one value ` +
            `per bar; trial ${trial.trialId} in the ledger), not the long-short returns: the ` +
            "ratio below is the IC information ratio, counted with the family's IC series only.",
        },
        ...previousGenerationNote(db, trial),
        ...overfittingSection(verdict),
      ],
    },
    upTo: verdict.upTo,
  };
}

function sheetMinAssets(params: string): number | undefined {
  const v = (JSON.parse(params) as Record<string, unknown>).minAssets;
  return typeof v === "number" ? v : undefined;
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
  o: { readonly nullRuns?: number | undefined; readonly ledgerUpTo?: number | undefined },
): { section: Section; upTo: number } | null {
  const p = model.manifest.params;
  const signals = String(p.signals ?? "").split(",").filter((x) => x !== "");
  const horizon = Number(String(p.horizons ?? "").split(",")[0]);
  return signalsOverfittingUpTo(db, dataset, signals, horizon, o.nullRuns, o.ledgerUpTo);
}

/**
 * The overfitting section of library signals evaluated on a dataset (the research report's and
 * the demo's): for each signal, its IC trial at `horizon` as the store's ledger holds it
 * (family `signal:<family>`, origin `icDecay`, this dataset), judged against the family, with
 * the null-suite position of its mean IC (`nullRuns` placebo runs per kind, default 49); null
 * when the ledger holds none of them.
 */
export function signalsOverfitting(
  db: DatabaseSync,
  dataset: Dataset,
  signals: readonly string[],
  horizon: number,
  nullRuns?: number | undefined,
): Section | null {
  return signalsOverfittingUpTo(db, dataset, signals, horizon, nullRuns)?.section ?? null;
}

/**
 * {@link signalsOverfitting} counting only trials with an id up to `upTo` (default all), with
 * the largest trial id its verdicts counted (the manifest's `ledgerUpTo`).
 */
export function signalsOverfittingUpTo(
  db: DatabaseSync,
  dataset: Dataset,
  signals: readonly string[],
  horizon: number,
  nullRuns?: number | undefined,
  upTo?: number | undefined,
): { section: Section; upTo: number } | null {
  const blocks: Block[] = [];
  let last = 0;
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
    }, upTo);
    if (found === null) continue;
    const { trial, trials } = found;
    const signal = parseSignalName(name).compute(dataset.panel);
    const verdict = overfittingVerdict({
      family: trial.label,
      trials,
      chosen: trial.trialId,
      periodsPerYear: periodsPerYear(freqMs(dataset.freq)),
      upTo,
      nullPosition: signalNullPosition(dataset.panel, signal, horizon, {
        runs: nullRuns,
        minAssets: sheetMinAssets(trial.params),
      }) ?? undefined,
    });
    last = Math.max(last, verdict.upTo);
    blocks.push(
      {
        type: "paragraph",
        text: `Signal ${name}, IC series at horizon ${horizon} (its trial ${trial.trialId} in ` +
          "the ledger):",
      },
      ...previousGenerationNote(db, trial),
      ...overfittingSection(
        verdict,
        `overfitting-${name.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`,
      ),
    );
  }
  return blocks.length === 0
    ? null
    : { section: { id: "overfitting", title: "Overfitting verdict", blocks }, upTo: last };
}

/**
 * The model with `nullRuns` in its manifest's parameters (keys kept sorted) when it was given,
 * so verify-report builds the report again with the same placebo runs.
 */
function withNullRuns(model: ReportModel, nullRuns: number | undefined): ReportModel {
  if (nullRuns === undefined) return model;
  const params = Object.fromEntries(
    Object.entries({ ...model.manifest.params, nullRuns }).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    ),
  );
  return { ...model, manifest: { ...model.manifest, params } };
}

/** The report's sections with `section` inserted before the method section (else last). */
function beforeMethod(model: ReportModel, section: Section): Section[] {
  const out = model.sections.filter((x) => x.id !== "method");
  out.push(section, ...model.sections.filter((x) => x.id === "method"));
  return out;
}
