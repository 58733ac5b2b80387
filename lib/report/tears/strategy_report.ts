/**
 * A whole report of one backtest on a dataset: data coverage (of the assets it held and the
 * benchmark) and the strategy tear sheet, with
 * a manifest of the dataset's fingerprint and the run's parameters.
 *
 * @module
 */
import type { Dataset } from "../../panel/dataset.ts";
import type { BacktestResult } from "../../backtest/types.ts";
import { freqMs } from "../../core/freq.ts";
import { resolveFactorAsset } from "../../research/factor_assets.ts";
import { buildManifest } from "../manifest.ts";
import { type GitInfo, type ParamValue, type ReportModel, SCHEMA_VERSION } from "../model.ts";
import { dataSection, type DataSectionOptions } from "../sections/data_section.ts";
import { tearSheetRunId } from "../tear_sheet.ts";
import { strategyTearSheet, type StrategyTearSheetOptions } from "./strategy_tear_sheet.ts";

/** Options of {@link buildStrategyReport}; `barMs` and the benchmark come from the dataset. */
export interface StrategyReportOptions
  extends Omit<StrategyTearSheetOptions, "barMs" | "benchmark"> {
  /** Benchmark asset (exact name or factor name). @default "BTC" (none when the panel has no BTC) */
  readonly benchmarkAsset?: string;
  /** The strategy's parameters, recorded in the manifest (flag values after defaults). @default {} */
  readonly params?: Readonly<Record<string, ParamValue>>;
  /** Report title. @default "cryptolab strategy tear sheet: <name>" */
  readonly title?: string;
  /** Prefix of the default run id. @default "backtest" */
  readonly runIdPrefix?: string;
  /** Run id. @default `<prefix>-` and a hash of the dataset fingerprint and parameters */
  readonly runId?: string | undefined;
  /** Folder with `deno.lock` and the git checkout. @default the current directory */
  readonly projectDir?: string | undefined;
  /** Override the git state (tests). @default read with git */
  readonly git?: GitInfo | undefined;
}

/**
 * The report model of one backtest of a dataset's panel (`backtestWeights(dataset.panel, ...)`):
 * the data coverage section and the sections of {@link strategyTearSheet}, with the benchmark's
 * simple returns (BTC's by default) taken from the panel's closes and the bar length from its
 * frequency. The manifest fingerprints the dataset's rows and records `params` beside the
 * engine's lag, rebalancing and cost models, so the same inputs and run id give the same bytes.
 * Write it with `writeReport(dir, model)`.
 *
 * @example A two-asset backtest
 * ```ts
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import { buildStrategyReport } from "@lib/report/tears/strategy_report.ts";
 * import assert from "node:assert/strict";
 * const n = 24 * 30, h = 3_600_000, assets = ["BTCUSDT", "ETHUSDT"];
 * const close = assets.map((_, k) => Float64Array.from({ length: n }, (_, i) => 100 * Math.exp(0.02 * Math.sin(i / (9 + k)))));
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets, index: Float64Array.from({ length: n }, (_, i) => i * h), close });
 * const series = assets.map((symbol) => ({ symbol, rows: n, firstTs: 0, lastTs: (n - 1) * h, incomplete: 0, missing: 0, gaps: [] }));
 * const dataset = { venue: "sim", freq: "1h" as const, symbols: assets, from: 0, to: n * h, panel, series, dropped: [],
 *   fingerprint: { sha256: "0".repeat(64), rows: 2 * n } };
 * const result = backtestWeights(panel, close.map((c) => Float64Array.from(c, (_, t) => (t % 48 < 24 ? 0.5 : -0.5))));
 * const m = buildStrategyReport(dataset, result, { name: "flip", params: { period: 48 }, git: { commit: "unknown", dirty: null } });
 * assert.match(m.runId, /^backtest-[0-9a-f]{12}$/);
 * assert.equal(m.manifest.params.period, 48);
 * assert.equal(m.manifest.params.lag, 1);
 * ```
 */
export function buildStrategyReport(
  dataset: Dataset,
  result: BacktestResult,
  options: StrategyReportOptions = {},
): ReportModel {
  const { panel } = dataset;
  if (result.index.length !== panel.index.length) {
    throw new RangeError(
      `Cannot build the strategy report: the backtest has ${result.index.length} bars, the ` +
        `dataset ${panel.index.length}; run the backtest on dataset.panel`,
    );
  }
  let benchmark: Float64Array | undefined, benchmarkName: string | undefined;
  let benchmarkMissing: string | undefined;
  try {
    benchmarkName = resolveFactorAsset(panel.assets, options.benchmarkAsset ?? "BTC");
    const c = panel.close[panel.assets.indexOf(benchmarkName)]!;
    benchmark = new Float64Array(c.length).fill(NaN);
    let last = NaN;
    for (let t = 0; t < c.length; t++) {
      if (!Number.isFinite(c[t]!)) continue;
      if (Number.isFinite(last)) benchmark[t] = c[t]! / last - 1;
      last = c[t]!;
    }
  } catch (e) {
    if (options.benchmarkAsset !== undefined) throw e;
    benchmark = undefined;
    benchmarkName = undefined;
    benchmarkMissing = "the panel has no BTC series (benchmarkAsset names another asset)";
  }
  const {
    params: _p,
    title: _t,
    runIdPrefix: _r,
    runId: _i,
    projectDir: _d,
    git: _g,
    ...sheetOptions
  } = options;
  const sheet = strategyTearSheet(result, {
    ...sheetOptions,
    barMs: freqMs(dataset.freq),
    ...(benchmark === undefined ? {} : { benchmark, benchmarkName: benchmarkName! }),
    missing: { ...sheetOptions.missing, benchmark: benchmarkMissing },
  });
  const md = result.metadata;
  // coverage of the assets the backtest held at some bar and the benchmark, not of every
  // symbol of the dataset (a one-asset strategy on a 126-asset store)
  const held = result.assets.filter((a, k) =>
    dataset.symbols.includes(a) && result.weights[k]!.some((w) => w !== 0)
  );
  const shown = benchmarkName === undefined || held.includes(benchmarkName)
    ? held
    : [...held, benchmarkName];
  const used: DataSectionOptions = shown.length === dataset.symbols.length ? {} : {
    only: {
      assets: shown,
      used: `the asset${held.length === 1 ? "" : "s"} the strategy held` +
        (shown.length > held.length ? " and the benchmark" : ""),
    },
  };
  const params: Record<string, ParamValue> = {
    venue: dataset.venue,
    freq: dataset.freq,
    universe: dataset.symbols.join(","),
    from: dataset.from,
    to: dataset.to,
    lag: md.lag,
    rebalance: JSON.stringify(md.rebalance),
    costs: md.costNames.join(","),
    initialEquity: md.initialEquity,
    benchmark: benchmarkName ?? null,
    ...options.params,
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
  const name = options.name ?? "Strategy";
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: options.runId ??
      tearSheetRunId(
        options.runIdPrefix ?? "backtest",
        dataset.fingerprint.sha256,
        manifest.params,
      ),
    title: options.title ?? `cryptolab strategy tear sheet: ${name}`,
    // the backtest's own assets (a one-asset strategy on a 126-asset store is "1 asset")
    subtitle: `${result.assets.length} asset${result.assets.length === 1 ? "" : "s"}, ` +
      `${dataset.freq} bars, lag ${md.lag}, costs: ` +
      `${md.costNames.join(", ") || "none"}`,
    dataNote: `${dataset.freq} bars of venue ${dataset.venue} from the store`,
    sections: [
      { id: "data", title: "Data coverage and gaps", blocks: dataSection(dataset, used) },
      ...sheet.sections,
    ],
    manifest,
  };
}
