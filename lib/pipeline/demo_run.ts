/**
 * The demo end to end on the simulated market: fill the store, build hourly and daily bars,
 * load the hourly dataset and build the report model. The `demo` task is a thin shell around
 * {@link runDemo}.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { BTC_SYMBOL } from "../sim/options.ts";
import { listSeries, readBars } from "../store/bars.ts";
import type { Dataset, SeriesProvenance } from "../panel/dataset.ts";
import { loadDataset, seriesProvenance } from "../panel/load_dataset.ts";
import type { Block, GitInfo, ReportModel, Section } from "../report/model.ts";
import type { TrialLedger } from "../research/ledger.ts";
import {
  DEFAULT_REPORT_SIGNALS,
  DEFAULT_SIGNAL_HORIZONS,
} from "../report/sections/signal_section.ts";
import { signalsOverfittingUpTo } from "./report_run.ts";
import { withLedgerUpTo } from "./ledger_up_to.ts";
import { buildDemoReport } from "../report/demo_report.ts";
import { DEMO_DEFAULTS, fillDemoStore } from "./demo_fill.ts";

/** Parameters of the demo; each has the default stated. */
export interface DemoOptions {
  /** Seed of the simulated market. Default 42. */
  readonly seed?: number;
  /** Number of assets in all, including `BTCSIM` and `ETHSIM` (>= 2). Default 20. */
  readonly assets?: number;
  /** Days of 1-minute bars (>= 2). Default 30 (20 assets x 30 days = 864,000 bars). */
  readonly days?: number;
  /** Rolling-beta window in hours. Default 168 (7 days). */
  readonly betaWindow?: number;
  /** Run id; default derived from the dataset fingerprint and parameters. */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. Default: the current directory. */
  readonly projectDir?: string;
  /** Override the git state (tests). */
  readonly git?: GitInfo;
  /** Called with a short line at each step (progress on stderr in the task). */
  readonly onProgress?: (line: string) => void;
  /**
   * Why the simulated market is used (e.g. `Binance did not answer within 3 s: ...`), shown in
   * the report header after the data description.
   */
  readonly reason?: string;
  /**
   * The trial ledger the signal validation records each signal's IC series in (family
   * `signal:<family>`); the report then gains the overfitting verdict of each signal's IC at
   * the first horizon, trial k of N, with its null suite. `deno task demo` opens one on its
   * store unless `--no-ledger`. Default: none (nothing recorded; the verdict still shows when
   * the store's ledger holds the trials).
   */
  readonly ledger?: TrialLedger | undefined;
}

export { DEMO_DEFAULTS } from "./demo_fill.ts";

/** The demo's hourly dataset and the daily-bar counts its data section shows. */
export interface DemoDataset {
  readonly dataset: Dataset;
  /** Daily bars of each dataset symbol in the window, null where none is stored. */
  readonly daily: readonly (SeriesProvenance | null)[];
}

/**
 * Load the demo's data: the hourly bars of `symbols` of `venue` in `[from, to)` as a dataset
 * (`loadDataset`), and the daily bars built from them, counted per symbol (rows and
 * incomplete days).
 *
 * @example A store with hourly bars and no daily bars
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { loadDemoDataset } from "@lib/pipeline/demo_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const b = allocBars({ venue: "sim", symbol: "X", freq: "1h" }, 2);
 * b.ts[1] = 3_600_000;
 * b.open.fill(1); b.high.fill(1); b.low.fill(1); b.close.fill(1);
 * writeBars(db, b, { source: "doc" });
 * const d = loadDemoDataset(db, "sim", ["X"], 0, 7_200_000);
 * assert.equal(d.dataset.fingerprint.rows, 2);
 * assert.deepEqual(d.daily, [null]);
 * ```
 */
export function loadDemoDataset(
  db: DatabaseSync,
  venue: string,
  symbols: readonly string[],
  from: number,
  to: number,
): DemoDataset {
  const dataset = loadDataset(db, { venue, freq: "1h", symbols, from, to });
  const stored = new Set(listSeries(db, { venue, freq: "1d" }).map((s) => s.symbol));
  const daily = dataset.symbols.map((symbol) =>
    stored.has(symbol)
      ? seriesProvenance(symbol, readBars(db, { venue, symbol, freq: "1d" }, { from, to }), "1d")
      : null
  );
  return { dataset, daily };
}

/** What {@link runDemo} did. */
export interface DemoResult {
  readonly model: ReportModel;
  /** Milliseconds spent in each step. */
  readonly timings: Readonly<Record<"simulate" | "write" | "materialize" | "report", number>>;
  /** 1-minute bars written (new) and already present. */
  readonly minuteBars: { readonly inserted: number; readonly unchanged: number };
}

/**
 * Fill `db` with {@link fillDemoStore} (simulated 1-minute bars of venue `sim`; a store that
 * already holds the same simulation is left unchanged; 1h bars built from them and 1d bars
 * from the 1h bars, gaps recorded in `bar_gaps`), and build the demo report on the hourly bars.
 *
 * A store holding a different simulation (another seed, size or length), or `sim` 1h/1d bars
 * the materializer did not build from the store's own 1-minute bars (e.g. written directly by
 * an older notebook), is refused with an error that says to use a fresh `--db`: the report
 * would otherwise describe data other than what it says.
 *
 * @example A small run
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { runDemo } from "@lib/pipeline/demo_run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const r = runDemo(db, { assets: 4, days: 3, git: { commit: "unknown", dirty: null } });
 * assert.equal(r.model.manifest.dataset.symbols.length, 4);
 * assert.equal(r.model.manifest.seed, 42);
 * assert.match(r.model.runId, /^demo-[0-9a-f]{12}$/);
 * ```
 */
export function runDemo(db: DatabaseSync, options: DemoOptions = {}): DemoResult {
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const assets = options.assets ?? DEMO_DEFAULTS.assets;
  const days = options.days ?? DEMO_DEFAULTS.days;
  const betaWindow = options.betaWindow ?? DEMO_DEFAULTS.betaWindow;
  if (!Number.isInteger(assets) || assets < 2) {
    throw new RangeError(
      `Cannot run the demo: assets must be an integer >= 2 (BTCSIM and ETHSIM are always ` +
        `included), got ${assets}`,
    );
  }
  if (!Number.isInteger(days) || days < 2) {
    throw new RangeError(`Cannot run the demo: days must be an integer >= 2, got ${days}`);
  }
  if (!Number.isInteger(betaWindow) || betaWindow < 2) {
    throw new RangeError(
      `Cannot run the demo: betaWindow must be an integer >= 2 hours, got ${betaWindow}`,
    );
  }
  const progress = options.onProgress ?? (() => {});
  const fill = fillDemoStore(db, { seed, assets, days, onProgress: progress });
  const t3 = performance.now();
  progress("computing statistics and charts");
  const model = demoReportModel(db, {
    symbols: fill.symbols,
    from: fill.from,
    to: fill.to,
    seed,
    assets,
    days,
    betaWindow,
    reason: options.reason,
    runId: options.runId,
    projectDir: options.projectDir,
    git: options.git,
    ledger: options.ledger,
  });
  const t4 = performance.now();
  return {
    model,
    timings: { ...fill.timings, report: t4 - t3 },
    minuteBars: fill.minuteBars,
  };
}

/** What {@link demoReportModel} rebuilds the demo report from. */
export interface DemoModelInput {
  /** The simulated symbols, `[from, to)` of their hourly bars (from `fillDemoStore`). */
  readonly symbols: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly seed: number;
  readonly assets: number;
  readonly days: number;
  readonly betaWindow: number;
  readonly reason?: string | undefined;
  readonly runId?: string | undefined;
  readonly projectDir?: string | undefined;
  readonly git?: GitInfo | undefined;
  /** Where the IC series are recorded (see `DemoOptions.ledger`). Default: none. */
  readonly ledger?: TrialLedger | undefined; /**
   * Count only ledger trials with an id up to this one in the overfitting verdicts: the
   * manifest's `ledgerUpTo` of a first build, given back by verify-report. @default every
   * trial of each family generation
   */

  readonly ledgerUpTo?: number | undefined;
}

/**
 * The demo report of a store the demo already filled, read only: what {@link runDemo} builds
 * after filling, and what `deno task verify-report` re-renders a demo report with.
 */
export function demoReportModel(db: DatabaseSync, input: DemoModelInput): ReportModel {
  const { seed, assets, days, betaWindow } = input;
  const data = loadDemoDataset(db, "sim", input.symbols, input.from, input.to);
  const model = buildDemoReport(data.dataset, {
    benchmark: BTC_SYMBOL,
    betaWindow,
    data: {
      rollup: { freq: "1d", series: data.daily },
      origin: "Hourly bars were built from 1-minute bars; an hour is complete only when all 60 " +
        "of its minutes were present, and a missing hour is recorded as a gap.",
    },
    seed,
    params: { seed, assets, days, betaWindow },
    dataNote: demoDataNote(seed, input.reason),
    runId: input.runId,
    ...(input.projectDir === undefined ? {} : { projectDir: input.projectDir }),
    ...(input.git === undefined ? {} : { git: input.git }),
    ...(input.ledger === undefined ? {} : { ledger: input.ledger }),
  });
  const verdicts = signalsOverfittingUpTo(
    db,
    data.dataset,
    DEFAULT_REPORT_SIGNALS,
    DEFAULT_SIGNAL_HORIZONS[0]!,
    undefined,
    input.ledgerUpTo,
  );
  // the largest trial id the verdicts counted (0 without a verdict): trials recorded later
  // change no byte of a rebuild
  return withLedgerUpTo(withOverfitting(model, verdicts?.section ?? null), verdicts?.upTo ?? 0);
}

/**
 * The model with the overfitting verdict of its signals (when the store's ledger holds their
 * trials) before the method section, opened by a line with the trial count.
 */
export function withOverfitting(model: ReportModel, section: Section | null): ReportModel {
  if (section === null) return model;
  const counted = section.blocks.filter((b) => b.type === "table" && b.id.endsWith("-verdict"))
    .length;
  const intro: Block = {
    type: "paragraph",
    text:
      `${counted} signal${counted === 1 ? "" : "s"} of this report ${
        counted === 1 ? "is a trial" : "are trials"
      } in the store's trial ledger (deno task trials lists them); each is judged against its ` +
      "family below.",
  };
  const out = model.sections.filter((x) => x.id !== "method");
  out.push(
    { ...section, blocks: [intro, ...section.blocks] },
    ...model.sections.filter((x) => x.id === "method"),
  );
  return { ...model, sections: out };
}

/** The demo report's data note: `simulated market, seed N` and the reason in parentheses. */
export function demoDataNote(seed: number, reason?: string | undefined): string {
  return `simulated market, seed ${seed}` + (reason === undefined ? "" : ` (${reason})`);
}
