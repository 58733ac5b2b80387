/**
 * Results other tools can read: the panel of a dataset, the factor betas and residuals of its
 * latest factor run, the IC series of its signals and every table and figure of its report,
 * each as an {@link ExportTable} carrying the fingerprint of the data it came from, written to
 * CSV (with a `.csv.meta.json` sidecar), Parquet (key-value metadata) and tidy JSON by
 * {@link writeExport}. `deno task export` is the command line of {@link exportResults}.
 *
 * Every table is long ("tidy"): one row per observation, e.g. one per (time, asset), so
 * `pandas.read_parquet`, `polars.read_parquet` or DuckDB's `read_parquet` give a frame ready to
 * pivot. Times are UTC.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ExportColumn,
  type ExportTable,
  FINGERPRINT_KEY,
  tableToCsv,
  tableToParquet,
  tableToTidyJson,
} from "../core/export/mod.ts";
import { csvSidecar } from "../core/export/csv.ts";
import type { Dataset } from "../panel/dataset.ts";
import { forwardReturns } from "../research/forward_returns.ts";
import { informationCoefficient } from "../research/information_coefficient.ts";
import { parseSignalName } from "../research/signals/mod.ts";
import type { ColumnFormat, DataTable, ReportModel } from "../report/model.ts";
import {
  DEFAULT_REPORT_SIGNALS,
  DEFAULT_SIGNAL_HORIZONS,
} from "../report/sections/signal_section.ts";
import { latestFactorRun, type StoredFactorRun } from "../store/factors.ts";
import { type ReportRunOptions, runReport } from "./report_run.ts";

/** The file formats {@link writeExport} writes. */
export const EXPORT_FORMATS = ["csv", "parquet", "json"] as const;

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = typeof EXPORT_FORMATS[number];

/** The metadata every table of a dataset carries. */
function datasetMetadata(dataset: Dataset, table: string, description: string) {
  return {
    [FINGERPRINT_KEY]: dataset.fingerprint.sha256,
    "cryptolab.dataset_rows": String(dataset.fingerprint.rows),
    "cryptolab.venue": dataset.venue,
    "cryptolab.freq": dataset.freq,
    "cryptolab.from": new Date(dataset.from).toISOString(),
    "cryptolab.to": new Date(dataset.to).toISOString(),
    "cryptolab.table": table,
    "cryptolab.description": description,
  };
}

/**
 * The dataset's panel in long form: one row per (bar, asset) of the grid with `ts`, `asset`,
 * `open`, `high`, `low`, `close`, `volume` and `log_return` (missing bars are rows of nulls, so
 * a gap is visible, never a zero return). O(T N).
 *
 * @example
 * ```ts
 * import { panelTable } from "@lib/pipeline/export_run.ts";
 * import { loadDataset } from "@lib/panel/load_dataset.ts";
 * import { openStore } from "@lib/store/db.ts";
 * import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * writeSimMarket(db, simulateMarket({ seed: 1, assets: 3, freq: "1h", bars: 10 }));
 * const t = panelTable(loadDataset(db, { venue: "sim", freq: "1h" }));
 * // 5 assets (the simulator adds BTCSIM and ETHSIM) x 10 bars
 * assert.equal(t.columns[0]?.values.length, 50);
 * assert.equal(t.metadata["cryptolab.dataset_fingerprint"]?.length, 64);
 * ```
 */
export function panelTable(dataset: Dataset): ExportTable {
  const p = dataset.panel;
  const T = p.index.length, N = p.assets.length;
  const ts = new Float64Array(T * N);
  const asset: string[] = new Array(T * N);
  const fields = ["open", "high", "low", "close", "volume"] as const;
  const cols = Object.fromEntries(fields.map((f) => [f, new Float64Array(T * N)]));
  const lr = new Float64Array(T * N);
  let k = 0;
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < N; a++, k++) {
      ts[k] = p.index[t]!;
      asset[k] = p.assets[a]!;
      for (const f of fields) cols[f]![k] = p[f][a]![t]!;
      lr[k] = p.logReturns[a]![t]!;
    }
  }
  return {
    name: "panel",
    metadata: datasetMetadata(
      dataset,
      "panel",
      "bars on the time x asset grid; log_return = ln(close[t] / close[t-1])",
    ),
    columns: [
      { name: "ts", type: "timestamp", values: ts },
      { name: "asset", type: "string", values: asset },
      ...fields.map((f): ExportColumn => ({ name: f, type: "float", values: cols[f]! })),
      { name: "log_return", type: "float", values: lr },
    ],
  };
}

/**
 * The betas and the residuals of a stored factor run, in long form: `factor_betas` (`ts`,
 * `asset`, `alpha`, `beta_btc`, `beta_eth`, `r_squared`, `nobs`) and `factor_residuals` (`ts`,
 * `asset`, `residual`), only the bars with a fit. Their fingerprint is the run's own dataset
 * fingerprint (the rows the betas were fitted on), with the run id beside it.
 */
export function factorTables(stored: StoredFactorRun): [ExportTable, ExportTable] {
  const { run, index, assets } = stored;
  const bts: number[] = [], basset: string[] = [];
  const alpha: number[] = [], bb: number[] = [], be: number[] = [], r2: number[] = [];
  const nobs: number[] = [];
  const rts: number[] = [], rasset: string[] = [], res: number[] = [];
  for (const s of assets) {
    for (let t = 0; t < index.length; t++) {
      if (s.nobs[t]! > 0) {
        bts.push(index[t]!);
        basset.push(s.asset);
        alpha.push(s.alpha[t]!);
        bb.push(s.betaBtc[t]!);
        be.push(s.betaEth[t]!);
        r2.push(s.rSquared[t]!);
        nobs.push(s.nobs[t]!);
      }
      if (Number.isFinite(s.residuals[t]!)) {
        rts.push(index[t]!);
        rasset.push(s.asset);
        res.push(s.residuals[t]!);
      }
    }
  }
  const meta = (table: string, description: string) => ({
    [FINGERPRINT_KEY]: run.datasetSha256,
    "cryptolab.dataset_rows": String(run.datasetRows),
    "cryptolab.venue": run.venue,
    "cryptolab.freq": run.freq,
    "cryptolab.factor_run_id": run.runId,
    "cryptolab.factors": run.factors.join(","),
    "cryptolab.window_bars": String(run.window),
    "cryptolab.causal": String(run.causal),
    "cryptolab.table": table,
    "cryptolab.description": description,
  });
  return [
    {
      name: "factor_betas",
      metadata: meta("factor_betas", `rolling OLS of each asset on ${run.factors.join(" and ")}`),
      columns: [
        { name: "ts", type: "timestamp", values: bts },
        { name: "asset", type: "string", values: basset },
        { name: "alpha", type: "float", values: alpha },
        { name: "beta_btc", type: "float", values: bb },
        { name: "beta_eth", type: "float", values: be },
        { name: "r_squared", type: "float", values: r2 },
        { name: "nobs", type: "int", values: nobs },
      ],
    },
    {
      name: "factor_residuals",
      metadata: meta("factor_residuals", "log return less the fitted factor return"),
      columns: [
        { name: "ts", type: "timestamp", values: rts },
        { name: "asset", type: "string", values: rasset },
        { name: "residual", type: "float", values: res },
      ],
    },
  ];
}

/**
 * The cross-sectional rank IC of each signal at each horizon, per bar (`ts`, `signal`,
 * `horizon`, `ic`, `n_assets`): `informationCoefficient(signal, forwardReturns(logReturns, h))`,
 * the series the report's mean-IC tables summarize. Bars without an IC (too few assets, the
 * end of the window) are left out, and so is a signal the universe cannot feed (`beta_24`
 * without BTC), with the reason pushed to `notes`. O(S H T N log N).
 */
export function icSeriesTable(
  dataset: Dataset,
  signals: readonly string[],
  horizons: readonly number[],
  notes: string[] = [],
): ExportTable {
  const p = dataset.panel;
  const ts: number[] = [], sig: string[] = [], hor: number[] = [], ic: number[] = [];
  const n: number[] = [];
  for (const name of signals) {
    const def = parseSignalName(name);
    let values: Float64Array[];
    try {
      values = def.compute(p);
    } catch (e) {
      // as the report's signal section: a signal this universe cannot feed (beta_24 without
      // BTC) is left out with the reason, not the end of the export
      notes.push(
        `${name} could not be computed on this universe: ${(e as Error).message} (left out ` +
          "of ic_series)",
      );
      continue;
    }
    for (const h of horizons) {
      const r = informationCoefficient(values, forwardReturns(p.logReturns, h));
      for (let t = 0; t < p.index.length; t++) {
        if (!Number.isFinite(r.ic[t]!)) continue;
        ts.push(p.index[t]!);
        sig.push(name);
        hor.push(h);
        ic.push(r.ic[t]!);
        n.push(r.nAssets[t]!);
      }
    }
  }
  return {
    name: "ic_series",
    metadata: datasetMetadata(
      dataset,
      "ic_series",
      "Spearman rank IC per bar between each signal and the sum of the next `horizon` log returns",
    ),
    columns: [
      { name: "ts", type: "timestamp", values: ts },
      { name: "signal", type: "string", values: sig },
      { name: "horizon", type: "int", values: hor },
      { name: "ic", type: "float", values: ic },
      { name: "n_assets", type: "int", values: n },
    ],
  };
}

/**
 * Column names of a report table for other tools: each key with characters outside
 * `[A-Za-z0-9_]` as `_`; a positional key (`c0`, `c1`, ... of the correlation matrix, whose
 * labels are the assets) takes its label instead, unless two names would then collide.
 */
function exportNames(table: DataTable): string[] {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
  const keys = table.columns.map((c) => clean(c.key));
  const named = table.columns.map((c, j) => (/^c\d+$/.test(c.key) ? clean(c.label) : keys[j]!));
  return new Set(named).size === named.length ? named : keys;
}

/** A report column's type: its format, unless a value says otherwise (then text). */
function columnOf(table: DataTable, j: number, name: string): ExportColumn {
  const c = table.columns[j]!;
  const raw = table.rows.map((r) => r[j] ?? null);
  const nums = raw.every((v) => v === null || typeof v === "number");
  const ints = nums && raw.every((v) => v === null || Number.isSafeInteger(v));
  const f: ColumnFormat = c.format;
  let type: ExportColumn["type"] = f === "text"
    ? "string"
    : f === "integer"
    ? "int"
    : f === "number" || f === "percent"
    ? "float"
    : "timestamp"; // datetime and date formats hold epoch ms
  if (type !== "string" && !nums) type = "string";
  if ((type === "int" || type === "timestamp") && !ints) type = "float";
  if (type === "int" && raw.some((v) => v === null)) type = "float";
  if (type === "string") {
    return { name, type, values: raw.map((v) => (v === null ? null : String(v))) };
  }
  if (type === "timestamp" && raw.some((v) => v === null)) {
    return { name, type: "float", values: raw.map((v) => (v === null ? NaN : v as number)) };
  }
  return { name, type, values: raw.map((v) => (v === null ? NaN : v as number)) };
}

/**
 * Every table and every figure's data table of a report model, as tables named
 * `report_<block id>` and `figure_<block id>` (ids with `-` as `_`), with the report's dataset
 * fingerprint and run id. Percent columns hold fractions (0.05 = 5%), as the report computes
 * them.
 */
export function reportTables(model: ReportModel): ExportTable[] {
  const out: ExportTable[] = [];
  const m = model.manifest;
  for (const section of model.sections) {
    for (const b of section.blocks) {
      if (b.type !== "table" && b.type !== "figure") continue;
      const data: DataTable = b.type === "table" ? b : b.data;
      if (data.columns.length === 0) continue;
      const name = `${b.type === "table" ? "report" : "figure"}_${b.id.replace(/-/g, "_")}`;
      const names = exportNames(data);
      out.push({
        name,
        metadata: {
          [FINGERPRINT_KEY]: m.datasetFingerprint,
          "cryptolab.dataset_rows": String(m.dataset.rows),
          "cryptolab.venue": m.dataset.venue,
          "cryptolab.freq": m.dataset.freq,
          "cryptolab.report_run_id": model.runId,
          "cryptolab.section": section.id,
          "cryptolab.table": name,
          "cryptolab.description": `${b.title}: ${b.caption}`,
          "cryptolab.labels": JSON.stringify(
            Object.fromEntries(data.columns.map((c, j) => [names[j]!, c.label])),
          ),
        },
        columns: names.map((n, j) => columnOf(data, j, n)),
      });
    }
  }
  return out;
}

/** Options of {@link exportResults}: the report's (window, universe, signals, horizons). */
export type ExportOptions = ReportRunOptions;

/** What {@link exportResults} built. */
export interface ExportResults {
  readonly dataset: Dataset;
  readonly model: ReportModel;
  readonly tables: readonly ExportTable[];
  /** Why some tables are absent (e.g. no factor run for the venue and frequency). */
  readonly notes: readonly string[];
}

/**
 * Every exportable result of one dataset of the store: `panel`, `factor_betas` and
 * `factor_residuals` (the latest complete factor run of the venue and frequency, when there is
 * one), `ic_series`, and the report's tables and figure data (`runReport`). Write them with
 * {@link writeExport}.
 *
 * @example The simulated market, no factor run yet
 * ```ts
 * import { exportResults } from "@lib/pipeline/export_run.ts";
 * import { openStore } from "@lib/store/db.ts";
 * import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * writeSimMarket(db, simulateMarket({ seed: 3, assets: 6, freq: "1h", bars: 24 * 10 }));
 * const r = exportResults(db, { freq: "1h", signals: ["momentum_24"], horizons: [1], runId: "x",
 *   git: { commit: "unknown", dirty: null } });
 * assert.ok(r.tables.some((t) => t.name === "ic_series"));
 * assert.match(r.notes[0] ?? "", /deno task factors/);
 * ```
 */
export function exportResults(db: DatabaseSync, options: ExportOptions): ExportResults {
  const { model, dataset } = runReport(db, options);
  const tables: ExportTable[] = [panelTable(dataset)];
  const notes: string[] = [];
  const run = latestFactorRun(db, { venue: dataset.venue, freq: dataset.freq });
  if (run === undefined) {
    notes.push(
      `no factor run of ${dataset.venue} ${dataset.freq} in the store: run deno task factors ` +
        "to export betas and residuals",
    );
  } else tables.push(...factorTables(run));
  tables.push(
    icSeriesTable(
      dataset,
      options.signals ?? DEFAULT_REPORT_SIGNALS,
      options.horizons ?? DEFAULT_SIGNAL_HORIZONS,
      notes,
    ),
  );
  tables.push(...reportTables(model));
  return { dataset, model, tables, notes };
}

/** One file written by {@link writeExport}. */
export interface ExportedFile {
  readonly table: string;
  readonly format: ExportFormat;
  readonly path: string;
  readonly rows: number;
}

/**
 * Write `tables` into `dir` (created if needed) in each of `formats` (default all three):
 * `<name>.csv` with `<name>.csv.meta.json`, `<name>.parquet`, `<name>.json`; then
 * `export.json`, the index of every file with its table, format and row count, and the
 * tables' metadata. Returns the files written (the index last).
 */
export function writeExport(
  dir: string,
  tables: readonly ExportTable[],
  formats: readonly ExportFormat[] = EXPORT_FORMATS,
): ExportedFile[] {
  mkdirSync(dir, { recursive: true });
  const files: ExportedFile[] = [];
  for (const t of tables) {
    const rows = t.columns[0]?.values.length ?? 0;
    for (const f of formats) {
      const path = join(dir, `${t.name}.${f}`);
      if (f === "csv") {
        writeFileSync(path, tableToCsv(t));
        writeFileSync(`${path}.meta.json`, csvSidecar(t));
      } else if (f === "parquet") writeFileSync(path, tableToParquet(t));
      else writeFileSync(path, tableToTidyJson(t));
      files.push({ table: t.name, format: f, path, rows });
    }
  }
  const index = join(dir, "export.json");
  writeFileSync(
    index,
    JSON.stringify(
      {
        tables: tables.map((t) => ({
          name: t.name,
          rows: t.columns[0]?.values.length ?? 0,
          columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
          metadata: t.metadata,
          files: files.filter((x) => x.table === t.name).map((x) => x.path.slice(dir.length + 1)),
        })),
      },
      null,
      2,
    ) + "\n",
  );
  files.push({ table: "export", format: "json", path: index, rows: tables.length });
  return files;
}
