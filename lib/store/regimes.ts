/**
 * The regime tables (migration 10): `regime_runs` and `regime_states`. The state table
 * references a run by its integer `run_key`; callers use the 64-hex `run_id`.
 *
 * A run is written whole or not at all (one transaction) and read back as typed arrays on the
 * run's full time grid, one block per asset (`*` for a cross-sectional method). Rows are stored
 * only where a state exists (state >= 0); reading fills every other grid point with state -1 and
 * NaN. NaN values in a stored row are NULL.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { gridPoints } from "../core/grid_size.ts";
import { withTransaction } from "./db.ts";
import { returnArrays } from "./sql.ts";

/** Regime methods a run can hold. */
export type RegimeMethod = "vol" | "markov" | "structure";

/** State of a regime run. Runs are written in one transaction, so readers see `complete`. */
export type RegimeRunStatus = "running" | "complete" | "failed";

/** What a caller records about a new run (see {@link writeRegimeRun}). */
export interface NewRegimeRun {
  /** 64 lower-case hex digits (lib/research/regime_run.ts derives it from the inputs). */
  readonly runId: string;
  readonly method: RegimeMethod;
  readonly venue: string;
  readonly freq: Freq;
  /** State names by code (0, 1, ...). */
  readonly labels: readonly string[];
  /** Names of the stored features f0..f3, in order (at most 4). */
  readonly features: readonly string[];
  /** Last training bar (UTC ms, inclusive), or null when nothing is fitted (structure). */
  readonly trainEndTs: number | null;
  /** Every parameter, as canonical JSON. */
  readonly params: string;
  /** What was fitted (thresholds, Markov parameters per asset), as JSON. */
  readonly fit: string;
  readonly datasetSha256: string;
  readonly datasetRows: number;
  readonly modelVersion: string;
  readonly codeVersion: string | null;
  /** Which materializer wrote the run, e.g. `materialize:regimes`. */
  readonly source: string;
  readonly ingestRunId: number | null;
  readonly createdAt: number;
}

/** A stored `regime_runs` row. */
export interface RegimeRunInfo extends NewRegimeRun {
  readonly status: RegimeRunStatus;
  readonly finishedAt: number | null;
  readonly firstTs: number | null;
  readonly lastTs: number | null;
  readonly assets: number;
  readonly stateRows: number;
}

/** One asset's (or the universe's) regime series on the run's grid. */
export interface RegimeSeries {
  /** Asset label, or `*` for a cross-sectional method. */
  readonly asset: string;
  /** State code known at the close of each bar; -1 where none. */
  readonly state: Int8Array;
  /** Filtered probabilities, one array per state (at most 3; empty when the method has none). */
  readonly probabilities: readonly Float64Array[];
  /** Features f0..f3 (as many as the run's `features` names). */
  readonly features: readonly Float64Array[];
}

/** A run read back from the store. */
export interface StoredRegimeRun {
  readonly run: RegimeRunInfo;
  /** The run's full grid, `firstTs .. lastTs` by one bar of `freq`. */
  readonly index: Float64Array;
  /** Series in asset-name order (assets with no stored row are absent). */
  readonly series: readonly RegimeSeries[];
}

const RUN_COLUMNS = `run_id, created_at, finished_at, status, method, venue, freq, labels,
  features, train_end_ts, params, fit, dataset_sha256, dataset_rows, first_ts, last_ts, assets,
  model_version, code_version, source, ingest_run_id, state_rows`;

function toRunInfo(r: Record<string, unknown>): RegimeRunInfo {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    runId: String(r.run_id),
    createdAt: Number(r.created_at),
    finishedAt: num(r.finished_at),
    status: String(r.status) as RegimeRunStatus,
    method: String(r.method) as RegimeMethod,
    venue: String(r.venue),
    freq: String(r.freq) as Freq,
    labels: JSON.parse(String(r.labels)) as string[],
    features: JSON.parse(String(r.features)) as string[],
    trainEndTs: num(r.train_end_ts),
    params: String(r.params),
    fit: String(r.fit),
    datasetSha256: String(r.dataset_sha256),
    datasetRows: Number(r.dataset_rows),
    firstTs: num(r.first_ts),
    lastTs: num(r.last_ts),
    assets: Number(r.assets),
    modelVersion: String(r.model_version),
    codeVersion: r.code_version === null ? null : String(r.code_version),
    source: String(r.source),
    ingestRunId: num(r.ingest_run_id),
    stateRows: Number(r.state_rows),
  };
}

/**
 * The `regime_runs` row of `runId`, or undefined.
 *
 * @example An unknown run
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { regimeRunInfo } from "@lib/store/regimes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(regimeRunInfo(db, "0".repeat(64)), undefined);
 * ```
 */
export function regimeRunInfo(db: DatabaseSync, runId: string): RegimeRunInfo | undefined {
  const r = db.prepare(`SELECT ${RUN_COLUMNS} FROM regime_runs WHERE run_id = ?`).get(runId);
  return r === undefined ? undefined : toRunInfo(r);
}

/** Filter of {@link listRegimeRuns}. */
export interface RegimeRunFilter {
  readonly venue?: string | undefined;
  readonly freq?: Freq | undefined;
  readonly method?: RegimeMethod | undefined;
  /** Only runs in this state. Default: complete runs only. */
  readonly status?: RegimeRunStatus | "any" | undefined;
}

/**
 * Regime runs matching `filter`, newest first. Cost: one indexed query.
 *
 * @example No runs in a new store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { listRegimeRuns } from "@lib/store/regimes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.deepEqual(listRegimeRuns(db, { method: "vol" }), []);
 * ```
 */
export function listRegimeRuns(db: DatabaseSync, filter: RegimeRunFilter = {}): RegimeRunInfo[] {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  for (
    const [col, v] of [["venue", filter.venue], ["freq", filter.freq], [
      "method",
      filter.method,
    ]] as const
  ) {
    if (v !== undefined) {
      where.push(`${col} = ?`);
      params.push(v);
    }
  }
  const status = filter.status ?? "complete";
  if (status !== "any") {
    where.push("status = ?");
    params.push(status);
  }
  const sql = `SELECT ${RUN_COLUMNS} FROM regime_runs ${
    where.length > 0 ? "WHERE " + where.join(" AND ") : ""
  } ORDER BY created_at DESC, rowid DESC`;
  return db.prepare(sql).all(...params).map(toRunInfo);
}

const BATCH_ROWS = 256;
const COLS = 11;

/**
 * Write a run and its rows in one transaction (the caller's, if one is open): the run row, one
 * `regime_states` row per series and bar with a state >= 0, then the run is marked complete.
 * A leftover incomplete run with the same id is replaced; a complete one is an error (runs are
 * immutable: {@link deleteRegimeRun} first). Returns the rows written. Cost: O(series x rows).
 *
 * @example Write and read back a two-bar run
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readRegimeRun, writeRegimeRun } from "@lib/store/regimes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const index = new Float64Array([0, 3_600_000]);
 * const rows = writeRegimeRun(db, {
 *   runId: "c".repeat(64), method: "vol", venue: "sim", freq: "1h", labels: ["low", "high"],
 *   features: ["volatility"], trainEndTs: 0, params: "{}", fit: "{}", datasetSha256: "d".repeat(64),
 *   datasetRows: 2, modelVersion: "regimes/1", codeVersion: null, source: "doc", ingestRunId: null,
 *   createdAt: 0,
 * }, index, [{ asset: "X", state: Int8Array.of(-1, 1), probabilities: [],
 *   features: [Float64Array.of(NaN, 0.02)] }]);
 * assert.equal(rows, 1);
 * const back = readRegimeRun(db, "c".repeat(64))!;
 * assert.deepEqual([...back.series[0]!.state], [-1, 1]);
 * assert.equal(back.series[0]!.features[0]![1], 0.02);
 * ```
 */
export function writeRegimeRun(
  db: DatabaseSync,
  run: NewRegimeRun,
  index: Float64Array,
  series: readonly RegimeSeries[],
): number {
  const what = "Cannot write regime run";
  if (!/^[0-9a-f]{64}$/.test(run.runId)) {
    throw new RangeError(`${what}: run id must be 64 lower-case hex digits, got "${run.runId}"`);
  }
  if (run.features.length > 4) {
    throw new RangeError(`${what}: at most 4 features, got ${run.features.length}`);
  }
  const step = freqMs(run.freq);
  const n = index.length;
  for (let t = 1; t < n; t++) {
    if (index[t]! !== index[0]! + t * step) {
      throw new RangeError(`${what}: the index must be a full ${run.freq} grid (row ${t})`);
    }
  }
  for (const s of series) {
    if (s.state.length !== n || s.probabilities.length > 3 || s.features.length > 4) {
      throw new RangeError(
        `${what}: ${s.asset} has ${s.state.length} states for ${n} bars, ` +
          `${s.probabilities.length} probability and ${s.features.length} feature arrays ` +
          `(at most 3 and 4)`,
      );
    }
    for (const a of [...s.probabilities, ...s.features]) {
      if (a.length !== n) {
        throw new RangeError(
          `${what}: ${s.asset} has an array of ${a.length} rows, the index ${n}`,
        );
      }
    }
  }
  const body = (): number => {
    const old = regimeRunInfo(db, run.runId);
    if (old?.status === "complete") {
      throw new Error(
        `${what} ${run.runId}: it is already stored complete; runs are immutable ` +
          `(deleteRegimeRun first to rebuild it)`,
      );
    }
    if (old !== undefined) deleteRegimeRun(db, run.runId);
    db.prepare(
      `INSERT INTO regime_runs (${RUN_COLUMNS})
       VALUES (?, ?, NULL, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    ).run(
      run.runId,
      run.createdAt,
      run.method,
      run.venue,
      run.freq,
      JSON.stringify(run.labels),
      JSON.stringify(run.features),
      run.trainEndTs,
      run.params,
      run.fit,
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
      db.prepare("SELECT run_key FROM regime_runs WHERE run_id = ?").get(run.runId)!.run_key,
    );
    const values = (rows: number) =>
      Array.from({ length: rows }, () => `(${new Array(COLS).fill("?").join(", ")})`).join(", ");
    const sql = (rows: number) =>
      `INSERT INTO regime_states (run_key, asset, ts, state, p0, p1, p2, f0, f1, f2, f3)
       VALUES ${values(rows)}`;
    const full = db.prepare(sql(BATCH_ROWS));
    const args: SQLInputValue[] = new Array(COLS * BATCH_ROWS);
    const nul = (x: number | undefined) => (x === undefined || x !== x ? null : x);
    let rows = 0, pending = 0;
    const flush = (count: number) => {
      if (count === BATCH_ROWS) full.run(...args);
      else if (count > 0) db.prepare(sql(count)).run(...args.slice(0, COLS * count));
    };
    for (const s of series) {
      for (let t = 0; t < n; t++) {
        const st = s.state[t]!;
        if (st < 0) continue;
        let o = COLS * pending;
        args[o++] = runKey;
        args[o++] = s.asset;
        args[o++] = index[t]!;
        args[o++] = st;
        for (let j = 0; j < 3; j++) args[o++] = nul(s.probabilities[j]?.[t]);
        for (let j = 0; j < 4; j++) args[o++] = nul(s.features[j]?.[t]);
        rows++;
        if (++pending === BATCH_ROWS) {
          flush(pending);
          pending = 0;
        }
      }
    }
    flush(pending);
    db.prepare(
      "UPDATE regime_runs SET status = 'complete', finished_at = ?, state_rows = ? WHERE run_key = ?",
    ).run(Date.now(), rows, runKey);
    return rows;
  };
  return db.isTransaction ? body() : withTransaction(db, body);
}

/**
 * Delete a run and its rows (one transaction). Returns whether it existed.
 *
 * @example Deleting a run that does not exist
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { deleteRegimeRun } from "@lib/store/regimes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(deleteRegimeRun(db, "a".repeat(64)), false);
 * ```
 */
export function deleteRegimeRun(db: DatabaseSync, runId: string): boolean {
  const body = () => {
    const row = db.prepare("SELECT run_key FROM regime_runs WHERE run_id = ?").get(runId);
    if (row === undefined) return false;
    db.prepare("DELETE FROM regime_states WHERE run_key = ?").run(row.run_key as number);
    db.prepare("DELETE FROM regime_runs WHERE run_key = ?").run(row.run_key as number);
    return true;
  };
  return db.isTransaction ? body() : withTransaction(db, body);
}

/**
 * Read a stored run on its full grid, series in asset-name order, or undefined. States are -1
 * and values NaN wherever no row is stored. Cost: O(stored rows + series x grid).
 *
 * @example An unknown run reads as undefined
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readRegimeRun } from "@lib/store/regimes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(readRegimeRun(db, "a".repeat(64)), undefined);
 * ```
 */
export function readRegimeRun(db: DatabaseSync, runId: string): StoredRegimeRun | undefined {
  const run = regimeRunInfo(db, runId);
  if (run === undefined) return undefined;
  const runKey = Number(
    db.prepare("SELECT run_key FROM regime_runs WHERE run_id = ?").get(runId)!.run_key,
  );
  const step = freqMs(run.freq);
  const n = run.firstTs === null || run.lastTs === null
    ? 0
    : gridPoints(run.firstTs, run.lastTs, step, `regime run ${runKey}`);
  const index = new Float64Array(n);
  for (let t = 0; t < n; t++) index[t] = run.firstTs! + t * step;
  const assets = db.prepare(
    "SELECT DISTINCT asset FROM regime_states WHERE run_key = ? ORDER BY asset",
  ).all(runKey).map((r) => String(r.asset));
  const nProb = run.method === "markov" ? run.labels.length : 0;
  const nFeat = run.features.length;
  const q = returnArrays(db.prepare(
    `SELECT ts, state, p0, p1, p2, f0, f1, f2, f3 FROM regime_states
     WHERE run_key = ? AND asset = ? ORDER BY ts`,
  ));
  const num = (v: unknown) => (v === null ? NaN : Number(v));
  const series: RegimeSeries[] = assets.map((asset) => {
    const state = new Int8Array(n).fill(-1);
    const probabilities = Array.from({ length: nProb }, () => new Float64Array(n).fill(NaN));
    const features = Array.from({ length: nFeat }, () => new Float64Array(n).fill(NaN));
    for (const row of q.all(runKey, asset) as unknown as unknown[][]) {
      const t = Math.round((Number(row[0]) - run.firstTs!) / step);
      state[t] = Number(row[1]);
      for (let j = 0; j < nProb; j++) probabilities[j]![t] = num(row[2 + j]);
      for (let j = 0; j < nFeat; j++) features[j]![t] = num(row[5 + j]);
    }
    return { asset, state, probabilities, features };
  });
  return { run, index, series };
}
