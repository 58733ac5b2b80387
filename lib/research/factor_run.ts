/**
 * Materialize the BTC/ETH factor model into the store, idempotently.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { Freq } from "../core/freq.ts";
import { withTransaction } from "../store/db.ts";
import {
  type FactorRowCounts,
  type FactorRunInfo,
  factorRunInfo,
  writeFactorRun,
} from "../store/factors.ts";
import { finishRun, startRun } from "../store/runs.ts";
import { loadDataset } from "../panel/load_dataset.ts";
import {
  FACTOR_MODEL_VERSION,
  factorModel,
  type FactorModelResult,
  resolveFactorModelOptions,
} from "./factor_model.ts";
import { resolveFactorAsset } from "./factor_assets.ts";

/** The `source` recorded on every factor run this materializer writes. */
export const FACTOR_SOURCE = "materialize:factors";

/** Options of {@link materializeFactors}. */
export interface MaterializeFactorsOptions {
  /** The universe: every series of this venue at `freq`. */
  readonly venue: string;
  readonly freq: Freq;
  /** Rolling window in bars. Default 720. */
  readonly window?: number | undefined;
  /** Complete rows a window needs. Default `max(3, ceil(window / 2))` (see `factorModel`). */
  readonly minObs?: number | undefined;
  /** Factor names or exact asset labels, BTC first. Default `["BTC", "ETH"]`. */
  readonly factors?: readonly string[] | undefined;
  /** Fit causally (window ending at t-1). Default true. */
  readonly causal?: boolean | undefined;
  /** First bar time used (UTC ms, inclusive). Default: the first stored. */
  readonly from?: number | undefined;
  /** End of the bars used (UTC ms, exclusive). Default: after the last stored. */
  readonly to?: number | undefined;
  /** Code version recorded with a new run (e.g. the git commit). Not part of the run id. */
  readonly codeVersion?: string | null | undefined;
  /** Called with a short line before each step (progress output). */
  readonly onProgress?: ((line: string) => void) | undefined;
}

/** What {@link materializeFactors} did. */
export interface MaterializeFactorsResult {
  /** SHA-256 of the canonical JSON of {dataset, params, modelVersion}. */
  readonly runId: string;
  /** `created`: this call wrote the run; `exists`: a complete run with this id was stored. */
  readonly status: "created" | "exists";
  /** The stored run row (after writing, when created). */
  readonly run: FactorRunInfo;
  /** The model fit, when this call computed it. */
  readonly fit: FactorModelResult | undefined;
  /** Rows written to each table (0 when the run existed). */
  readonly betaRows: number;
  readonly residualRows: number;
  /** Wall-clock milliseconds of each step. */
  readonly timings: {
    /** 0: the rows are fingerprinted while they are read, in `loadMs`. */
    readonly fingerprintMs: number;
    readonly loadMs: number;
    readonly fitMs: number;
    readonly writeMs: number;
  };
}

/**
 * JSON with object keys sorted at every level and no whitespace, so equal values always give
 * equal bytes. Only finite numbers, strings, booleans, null, arrays and plain objects.
 */
function canonicalJson(v: unknown): string {
  if (v === null || typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new RangeError(`Cannot encode ${v} as canonical JSON`);
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  throw new TypeError(`Cannot encode a ${typeof v} as canonical JSON`);
}

/** The parameters that define a run, after defaults and factor resolution. */
export interface FactorRunParams {
  readonly venue: string;
  readonly freq: Freq;
  readonly window: number;
  readonly minObs: number;
  readonly causal: boolean;
  /** Resolved asset labels, BTC first. */
  readonly factors: readonly string[];
  readonly from: number | null;
  readonly to: number | null;
}

/**
 * The run id of a factor run: SHA-256 (hex) of the canonical JSON (sorted keys, no
 * whitespace) of `{dataset: {sha256, rows}, params, modelVersion}`. Same data, same
 * parameters and same model version give the same id; any changed bar, parameter or model
 * version gives another. The code version is not part of it (provenance only).
 *
 * @example Same inputs, same id; another window, another id
 * ```ts
 * import { factorRunId } from "@lib/research/factor_run.ts";
 * import assert from "node:assert/strict";
 * const params = { venue: "binance", freq: "1h", window: 720, minObs: 360, causal: true,
 *   factors: ["BTCUSDT", "ETHUSDT"], from: null, to: null } as const;
 * const a = factorRunId({ sha256: "a".repeat(64), rows: 10 }, params, "factor-model/1");
 * assert.match(a, /^[0-9a-f]{64}$/);
 * assert.notEqual(a, factorRunId({ sha256: "a".repeat(64), rows: 10 }, { ...params, window: 72 }, "factor-model/1"));
 * ```
 */
export function factorRunId(
  dataset: { readonly sha256: string; readonly rows: number },
  params: FactorRunParams,
  modelVersion: string,
): string {
  const doc = canonicalJson({
    dataset: { sha256: dataset.sha256, rows: dataset.rows },
    params,
    modelVersion,
  });
  return createHash("sha256").update(doc).digest("hex");
}

/**
 * Fit the factor model (`lib/research/factor_model.ts`) to every `freq` series of `venue` and
 * store it as one run in `factor_runs`, `factor_betas` and `residual_returns`.
 *
 * Steps: (1) in one transaction, read the bars used once with `loadDataset` (lib/panel): the
 * panel and its fingerprint (the hash `fingerprintBars({venue, freq, from, to})` gives) come
 * from the same rows; (2) resolve the factors and derive the run id ({@link factorRunId}); (3) if a complete
 * run with that id is stored, stop and return `status: "exists"` (nothing is fitted or
 * written); (4) otherwise fit, then write the run row and all its rows in one transaction,
 * recorded in `ingest_runs` as task `factors`. A crash or error during the write leaves no
 * trace of the run but the `ingest_runs` row marked failed.
 *
 * Cost: fingerprint O(bars), fit O(assets x rows); 126 assets x 5,493 hourly bars take a few
 * seconds, mostly the fingerprint and the inserts.
 *
 * @example Twice on the same data: the second call writes nothing
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { materializeFactors } from "@lib/research/factor_run.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const rng = createRng(1), n = 300;
 * for (const symbol of ["BTCUSDT", "ETHUSDT", "SOLUSDT"]) {
 *   const b = allocBars({ venue: "sim", symbol, freq: "1h" }, n);
 *   let px = 100;
 *   for (let t = 0; t < n; t++) {
 *     px *= Math.exp(0.01 * rng.normal());
 *     b.ts[t] = t * 3_600_000; b.open[t] = b.high[t] = b.low[t] = b.close[t] = px;
 *   }
 *   writeBars(db, b, { source: "doc" });
 * }
 * const first = materializeFactors(db, { venue: "sim", freq: "1h", window: 100 });
 * assert.equal(first.status, "created");
 * const again = materializeFactors(db, { venue: "sim", freq: "1h", window: 100 });
 * assert.equal(again.status, "exists");
 * assert.equal(again.runId, first.runId);
 * assert.equal(again.betaRows, 0);
 * ```
 */
export function materializeFactors(
  db: DatabaseSync,
  options: MaterializeFactorsOptions,
): MaterializeFactorsResult {
  const progress = options.onProgress ?? (() => {});
  const { venue, freq, from, to } = options;
  const model = resolveFactorModelOptions({
    window: options.window,
    minObs: options.minObs,
    factors: options.factors,
    causal: options.causal,
  });
  const clock = () => performance.now();
  // One read: the panel is built from exactly the rows fingerprinted (loadDataset), inside a
  // transaction so that no writer can slip in while they are read.
  progress(`loading and fingerprinting ${venue} ${freq} bars`);
  let t0 = clock();
  const dataset = withTransaction(db, () => loadDataset(db, { venue, freq, from, to }));
  const loadMs = clock() - t0;
  const fingerprintMs = 0; // part of loadMs: the rows are fingerprinted as they are read
  const { fingerprint, panel } = dataset;
  const params: FactorRunParams = {
    venue,
    freq,
    window: model.window,
    minObs: model.minObs,
    causal: model.causal,
    factors: model.factors.map((f) => resolveFactorAsset(panel.assets, f)),
    from: from ?? null,
    to: to ?? null,
  };
  const runId = factorRunId(fingerprint, params, FACTOR_MODEL_VERSION);
  const existing = factorRunInfo(db, runId);
  if (existing?.status === "complete") {
    return {
      runId,
      status: "exists",
      run: existing,
      fit: undefined,
      betaRows: 0,
      residualRows: 0,
      timings: { fingerprintMs, loadMs, fitMs: 0, writeMs: 0 },
    };
  }
  progress(`fitting ${panel.assets.length} assets x ${panel.index.length} bars`);
  t0 = clock();
  const fit = factorModel(panel, {
    window: params.window,
    minObs: params.minObs,
    factors: params.factors,
    causal: params.causal,
  });
  const fitMs = clock() - t0;
  progress(`writing run ${runId.slice(0, 12)}`);
  t0 = clock();
  const ingestRunId = startRun(db, "factors", { ...params, runId });
  let counts: FactorRowCounts;
  try {
    counts = writeFactorRun(
      db,
      {
        runId,
        venue,
        freq,
        window: params.window,
        minObs: params.minObs,
        causal: params.causal,
        factors: params.factors,
        params: canonicalJson(params),
        datasetSha256: fingerprint.sha256,
        datasetRows: fingerprint.rows,
        modelVersion: FACTOR_MODEL_VERSION,
        codeVersion: options.codeVersion ?? null,
        source: FACTOR_SOURCE,
        ingestRunId,
        createdAt: Date.now(),
      },
      fit.index,
      fit.assets,
    );
  } catch (e) {
    finishRun(db, ingestRunId, "failed", { message: (e as Error).message });
    throw e;
  }
  finishRun(db, ingestRunId, "ok", { rowsWritten: counts.betaRows + counts.residualRows });
  const writeMs = clock() - t0;
  return {
    runId,
    status: "created",
    run: factorRunInfo(db, runId)!,
    fit,
    betaRows: counts.betaRows,
    residualRows: counts.residualRows,
    timings: { fingerprintMs, loadMs, fitMs, writeMs },
  };
}
