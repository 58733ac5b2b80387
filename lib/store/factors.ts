/**
 * The factor-model tables (migration 4): `factor_runs`, `factor_betas`, `residual_returns`.
 * The per-bar tables reference a run by its integer `run_key`; callers use the `run_id`.
 *
 * A run is written whole or not at all (one transaction) and read back as typed arrays on the
 * run's full time grid. Rows are stored only where the fit exists (a finite alpha); NaN values
 * in a stored row are NULL. Reading fills every other grid point with NaN (and `nobs` 0).
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { gridCells, gridPoints } from "../core/grid_size.ts";
import { withTransaction } from "./db.ts";
import { returnArrays } from "./sql.ts";

/** State of a factor run. Runs are written in one transaction, so readers see `complete`. */
export type FactorRunStatus = "running" | "complete" | "failed";

/** What a caller records about a new run (see {@link writeFactorRun}). */
export interface NewFactorRun {
  /** 64 lower-case hex digits (lib/research/factor_run.ts derives it from the inputs). */
  readonly runId: string;
  readonly venue: string;
  readonly freq: Freq;
  readonly window: number;
  readonly minObs: number;
  readonly causal: boolean;
  /** Resolved factor assets, `[btc]` or `[btc, eth]`. */
  readonly factors: readonly string[];
  /** Every parameter, as (canonical) JSON. */
  readonly params: string;
  /** Fingerprint (SHA-256) of exactly the bars the panel was loaded from, and their count. */
  readonly datasetSha256: string;
  readonly datasetRows: number;
  readonly modelVersion: string;
  /** The code that ran (git commit, `-dirty` when known), or null when unknown. */
  readonly codeVersion: string | null;
  /** Which materializer wrote the run, e.g. `materialize:factors`. */
  readonly source: string;
  /** The `ingest_runs` row of the task run that wrote it, if any. */
  readonly ingestRunId: number | null;
  /** Creation time (UTC ms). */
  readonly createdAt: number;
}

/** A stored `factor_runs` row. */
export interface FactorRunInfo extends NewFactorRun {
  readonly status: FactorRunStatus;
  readonly finishedAt: number | null;
  /** First and last grid time of the run's panel (UTC ms), null for an empty panel. */
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  /** Assets in the run. */
  readonly assets: number;
  readonly betaRows: number;
  readonly residualRows: number;
}

/** One asset's factor series on a time grid (structurally an `AssetFactorFit` of lib/research). */
export interface FactorSeries {
  readonly asset: string;
  readonly alpha: Float64Array;
  readonly betaBtc: Float64Array;
  readonly betaEth: Float64Array;
  readonly rSquared: Float64Array;
  readonly residuals: Float64Array;
  readonly nobs: Int32Array;
}

const SERIES_FIELDS = ["alpha", "betaBtc", "betaEth", "rSquared", "residuals", "nobs"] as const;

/** A run read back from the store. */
export interface StoredFactorRun {
  readonly run: FactorRunInfo;
  /** The run's full grid, `firstTs .. lastTs` by one bar of `freq`. */
  readonly index: Float64Array;
  /**
   * Per asset with at least one stored row, in name order; NaN (nobs 0) wherever no row is
   * stored. An asset that never had a fit stores no rows and is absent.
   */
  readonly assets: readonly FactorSeries[];
}

/** Rows written by {@link writeFactorRun}. */
export interface FactorRowCounts {
  readonly betaRows: number;
  readonly residualRows: number;
}

const RUN_COLUMNS = `run_id, created_at, finished_at, status, venue, freq, window_bars, min_obs,
  causal, factors, params, dataset_sha256, dataset_rows, first_ts, last_ts, assets, model_version,
  code_version, source, ingest_run_id, beta_rows, residual_rows`;

function toRunInfo(r: Record<string, unknown>): FactorRunInfo {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    runId: String(r.run_id),
    createdAt: Number(r.created_at),
    finishedAt: num(r.finished_at),
    status: String(r.status) as FactorRunStatus,
    venue: String(r.venue),
    freq: String(r.freq) as Freq,
    window: Number(r.window_bars),
    minObs: Number(r.min_obs),
    causal: Number(r.causal) === 1,
    factors: JSON.parse(String(r.factors)) as string[],
    params: String(r.params),
    datasetSha256: String(r.dataset_sha256),
    datasetRows: Number(r.dataset_rows),
    firstTs: num(r.first_ts),
    lastTs: num(r.last_ts),
    assets: Number(r.assets),
    modelVersion: String(r.model_version),
    codeVersion: r.code_version === null ? null : String(r.code_version),
    source: String(r.source),
    ingestRunId: num(r.ingest_run_id),
    betaRows: Number(r.beta_rows),
    residualRows: Number(r.residual_rows),
  };
}

/**
 * The `factor_runs` row of `runId`, or undefined.
 *
 * @example An unknown run
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { factorRunInfo } from "@lib/store/factors.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(factorRunInfo(db, "0".repeat(64)), undefined);
 * ```
 */
export function factorRunInfo(db: DatabaseSync, runId: string): FactorRunInfo | undefined {
  const r = db.prepare(`SELECT ${RUN_COLUMNS} FROM factor_runs WHERE run_id = ?`).get(runId);
  return r === undefined ? undefined : toRunInfo(r);
}

/** Filter of {@link listFactorRuns} and {@link latestFactorRun}. */
export interface FactorRunFilter {
  readonly venue?: string | undefined;
  readonly freq?: Freq | undefined;
  /** Only runs in this state. Default: complete runs only. */
  readonly status?: FactorRunStatus | "any" | undefined;
}

/**
 * Factor runs matching `filter`, newest first (by creation time, then insertion order).
 * Cost: one indexed query.
 *
 * @example No runs in a new store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { listFactorRuns } from "@lib/store/factors.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.deepEqual(listFactorRuns(db, { venue: "binance", freq: "1h" }), []);
 * ```
 */
export function listFactorRuns(db: DatabaseSync, filter: FactorRunFilter = {}): FactorRunInfo[] {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (filter.venue !== undefined) {
    where.push("venue = ?");
    params.push(filter.venue);
  }
  if (filter.freq !== undefined) {
    where.push("freq = ?");
    params.push(filter.freq);
  }
  const status = filter.status ?? "complete";
  if (status !== "any") {
    where.push("status = ?");
    params.push(status);
  }
  const sql = `SELECT ${RUN_COLUMNS} FROM factor_runs ${
    where.length > 0 ? "WHERE " + where.join(" AND ") : ""
  } ORDER BY created_at DESC, rowid DESC`;
  return db.prepare(sql).all(...params).map(toRunInfo);
}

/** Rows per multi-row INSERT: 256 rows x 8 columns stays far below SQLite's 32,766 variables. */
const BATCH_ROWS = 256;

function checkGrid(index: Float64Array, freq: Freq): void {
  const step = freqMs(freq);
  for (let t = 1; t < index.length; t++) {
    if (index[t]! !== index[0]! + t * step) {
      throw new RangeError(
        `Cannot write factor run: the index must be a full ${freq} grid, but row ${t} is ` +
          `${index[t]} instead of ${index[0]! + t * step}`,
      );
    }
  }
}

/**
 * Write a run and its rows in one transaction (the caller's, if one is open): the
 * `factor_runs` row, then for each asset and each grid time with a finite alpha one
 * `factor_betas` row and one `residual_returns` row (NaN as NULL), then the run is marked
 * `complete` with its row counts. Either all of it lands or none does. A leftover run row with
 * the same id that is not complete is replaced; a complete one is an error (runs are
 * immutable: delete it first with {@link deleteFactorRun}).
 *
 * Speed: multi-row INSERTs of 256 rows; about 1.3 M rows (126 assets x 5,493 hourly bars, both
 * tables) in a few seconds. Cost: O(assets x rows).
 *
 * @example Write and read back a one-asset run
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readFactorRun, writeFactorRun } from "@lib/store/factors.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const h = 3_600_000, nan = NaN;
 * const index = new Float64Array([0, h, 2 * h]);
 * const counts = writeFactorRun(db, {
 *   runId: "a".repeat(64), venue: "sim", freq: "1h", window: 2, minObs: 2, causal: true,
 *   factors: ["BTCSIM"], params: "{}", datasetSha256: "b".repeat(64), datasetRows: 3,
 *   modelVersion: "factor-model/1", codeVersion: null, source: "doc", ingestRunId: null,
 *   createdAt: 0,
 * }, index, [{
 *   asset: "X", alpha: new Float64Array([nan, 0.1, 0.2]), betaBtc: new Float64Array([nan, 1, 1.1]),
 *   betaEth: new Float64Array([nan, nan, 0.3]), rSquared: new Float64Array([nan, 0.5, 0.6]),
 *   residuals: new Float64Array([nan, nan, 0.01]), nobs: new Int32Array([0, 2, 2]),
 * }]);
 * assert.deepEqual(counts, { betaRows: 2, residualRows: 2 });
 * const back = readFactorRun(db, "a".repeat(64))!;
 * assert.equal(back.run.status, "complete");
 * assert.deepEqual([...back.assets[0]!.betaEth], [nan, nan, 0.3]);
 * ```
 */
export function writeFactorRun(
  db: DatabaseSync,
  run: NewFactorRun,
  index: Float64Array,
  series: readonly FactorSeries[],
): FactorRowCounts {
  if (!/^[0-9a-f]{64}$/.test(run.runId)) {
    throw new RangeError(
      `Cannot write factor run: run id must be 64 lower-case hex digits, got "${run.runId}"`,
    );
  }
  checkGrid(index, run.freq);
  const n = index.length;
  for (const s of series) {
    for (const name of SERIES_FIELDS) {
      if (s[name].length !== n) {
        throw new RangeError(
          `Cannot write factor run: ${s.asset}.${name} has ${s[name].length} rows, the index ${n}`,
        );
      }
    }
  }
  const body = (): FactorRowCounts => {
    const old = factorRunInfo(db, run.runId);
    if (old?.status === "complete") {
      throw new Error(
        `Cannot write factor run ${run.runId}: it is already stored complete; runs are ` +
          `immutable (deleteFactorRun first to rebuild it)`,
      );
    }
    if (old !== undefined) deleteFactorRun(db, run.runId);
    db.prepare(
      `INSERT INTO factor_runs (${RUN_COLUMNS})
       VALUES (?, ?, NULL, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
    ).run(
      run.runId,
      run.createdAt,
      run.venue,
      run.freq,
      run.window,
      run.minObs,
      run.causal ? 1 : 0,
      JSON.stringify(run.factors),
      run.params,
      run.datasetSha256,
      run.datasetRows,
      n > 0 ? index[0]! : null,
      n > 0 ? index[n - 1]! : null,
      series.length,
      run.modelVersion,
      run.codeVersion,
      run.source,
      run.ingestRunId,
    );
    const runKey = Number(
      db.prepare("SELECT run_key FROM factor_runs WHERE run_id = ?")
        .get(run.runId)!.run_key,
    );
    const counts = insertRows(db, runKey, index, series);
    db.prepare(
      `UPDATE factor_runs SET status = 'complete', finished_at = ?, beta_rows = ?,
         residual_rows = ? WHERE run_key = ?`,
    ).run(Date.now(), counts.betaRows, counts.residualRows, runKey);
    return counts;
  };
  return db.isTransaction ? body() : withTransaction(db, body);
}

function insertRows(
  db: DatabaseSync,
  runKey: number,
  index: Float64Array,
  series: readonly FactorSeries[],
): FactorRowCounts {
  const values = (cols: number, rows: number) =>
    Array.from({ length: rows }, () => `(${new Array(cols).fill("?").join(", ")})`).join(", ");
  const betaSql = (rows: number) =>
    `INSERT INTO factor_betas (run_key, asset, ts, alpha, beta_btc, beta_eth, r_squared, nobs)
     VALUES ${values(8, rows)}`;
  const residSql = (rows: number) =>
    `INSERT INTO residual_returns (run_key, asset, ts, residual) VALUES ${values(4, rows)}`;
  const betaFull = db.prepare(betaSql(BATCH_ROWS));
  const residFull = db.prepare(residSql(BATCH_ROWS));
  const betaArgs: SQLInputValue[] = new Array(8 * BATCH_ROWS);
  const residArgs: SQLInputValue[] = new Array(4 * BATCH_ROWS);
  const nul = (x: number) => (x === x ? x : null);
  let rows = 0, pending = 0;
  const flush = (count: number) => {
    if (count === BATCH_ROWS) {
      betaFull.run(...betaArgs);
      residFull.run(...residArgs);
    } else if (count > 0) {
      db.prepare(betaSql(count)).run(...betaArgs.slice(0, 8 * count));
      db.prepare(residSql(count)).run(...residArgs.slice(0, 4 * count));
    }
  };
  for (const s of series) {
    for (let t = 0; t < index.length; t++) {
      const a = s.alpha[t]!;
      if (!Number.isFinite(a)) continue;
      let o = 8 * pending;
      betaArgs[o++] = runKey;
      betaArgs[o++] = s.asset;
      betaArgs[o++] = index[t]!;
      betaArgs[o++] = a;
      betaArgs[o++] = nul(s.betaBtc[t]!);
      betaArgs[o++] = nul(s.betaEth[t]!);
      betaArgs[o++] = nul(s.rSquared[t]!);
      betaArgs[o] = s.nobs[t]!;
      o = 4 * pending;
      residArgs[o++] = runKey;
      residArgs[o++] = s.asset;
      residArgs[o++] = index[t]!;
      residArgs[o] = nul(s.residuals[t]!);
      rows++;
      if (++pending === BATCH_ROWS) {
        flush(pending);
        pending = 0;
      }
    }
  }
  flush(pending);
  return { betaRows: rows, residualRows: rows };
}

/**
 * Delete a run and all of its rows (in one transaction). Returns whether it existed.
 *
 * @example Deleting a run that does not exist
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { deleteFactorRun } from "@lib/store/factors.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(deleteFactorRun(db, "a".repeat(64)), false);
 * ```
 */
export function deleteFactorRun(db: DatabaseSync, runId: string): boolean {
  const body = () => {
    const row = db.prepare("SELECT run_key FROM factor_runs WHERE run_id = ?").get(runId);
    if (row === undefined) return false;
    // Explicit deletes (not only ON DELETE CASCADE): foreign keys may be off on a connection.
    db.prepare("DELETE FROM factor_betas WHERE run_key = ?").run(row.run_key as number);
    db.prepare("DELETE FROM residual_returns WHERE run_key = ?").run(row.run_key as number);
    db.prepare("DELETE FROM factor_runs WHERE run_key = ?").run(row.run_key as number);
    return true;
  };
  return db.isTransaction ? body() : withTransaction(db, body);
}

/**
 * Read a stored run as typed arrays on its full grid, assets in name order, or undefined when
 * no such run exists. Reads rows as arrays (no object per row): about a second for a
 * 126-asset hourly run. Cost: O(stored rows + assets x grid); a grid over
 * `GRID_DEFAULTS.maxCells` time x asset cells (one far bar stretching it) is a RangeError.
 *
 * @example An unknown run reads as undefined
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readFactorRun } from "@lib/store/factors.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(readFactorRun(db, "a".repeat(64)), undefined);
 * ```
 */
export function readFactorRun(db: DatabaseSync, runId: string): StoredFactorRun | undefined {
  const run = factorRunInfo(db, runId);
  if (run === undefined) return undefined;
  const runKey = Number(
    db.prepare("SELECT run_key FROM factor_runs WHERE run_id = ?").get(runId)!.run_key,
  );
  const n = run.firstTs === null || run.lastTs === null
    ? 0
    : gridPoints(run.firstTs, run.lastTs, freqMs(run.freq), `factor run ${runKey}`);
  const step = freqMs(run.freq);
  const index = new Float64Array(n);
  for (let t = 0; t < n; t++) index[t] = run.firstTs! + t * step;
  const assets = db.prepare(
    "SELECT DISTINCT asset FROM factor_betas WHERE run_key = ? ORDER BY asset",
  ).all(runKey).map((r) => String(r.asset));
  if (n > 0) {
    gridCells(
      n,
      assets.length,
      `factor run ${runId}`,
      `${n} ${run.freq} bars from ${new Date(run.firstTs!).toISOString()} to ` +
        new Date(run.lastTs!).toISOString(),
    );
  }
  const betas = returnArrays(db.prepare(
    `SELECT ts, alpha, beta_btc, beta_eth, r_squared, nobs FROM factor_betas
     WHERE run_key = ? AND asset = ? ORDER BY ts`,
  ));
  const resid = returnArrays(db.prepare(
    "SELECT ts, residual FROM residual_returns WHERE run_key = ? AND asset = ? ORDER BY ts",
  ));
  const num = (v: unknown) => (v === null ? NaN : Number(v));
  const slot = (ts: unknown) => Math.round((Number(ts) - run.firstTs!) / step);
  const out: FactorSeries[] = assets.map((asset) => {
    const alpha = new Float64Array(n).fill(NaN), betaBtc = new Float64Array(n).fill(NaN);
    const betaEth = new Float64Array(n).fill(NaN), rSquared = new Float64Array(n).fill(NaN);
    const residuals = new Float64Array(n).fill(NaN), nobs = new Int32Array(n);
    for (const row of betas.all(runKey, asset) as unknown as unknown[][]) {
      const t = slot(row[0]);
      alpha[t] = num(row[1]);
      betaBtc[t] = num(row[2]);
      betaEth[t] = num(row[3]);
      rSquared[t] = num(row[4]);
      nobs[t] = Number(row[5]);
    }
    for (const row of resid.all(runKey, asset) as unknown as unknown[][]) {
      residuals[slot(row[0])] = num(row[1]);
    }
    return { asset, alpha, betaBtc, betaEth, rSquared, residuals, nobs };
  });
  return { run, index, assets: out };
}

/**
 * The newest complete run of a venue and frequency, read as {@link readFactorRun} does, or
 * undefined when there is none.
 *
 * @example No run yet for this venue and frequency
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { latestFactorRun } from "@lib/store/factors.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(latestFactorRun(db, { venue: "binance", freq: "1h" }), undefined);
 * ```
 */
export function latestFactorRun(
  db: DatabaseSync,
  filter: { readonly venue: string; readonly freq: Freq },
): StoredFactorRun | undefined {
  const run = listFactorRuns(db, { venue: filter.venue, freq: filter.freq })[0];
  return run === undefined ? undefined : readFactorRun(db, run.runId);
}
