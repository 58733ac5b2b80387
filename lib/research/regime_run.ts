/**
 * Materialize regimes (volatility percentiles, Markov switching, market structure) into the
 * store, idempotently.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { Freq } from "../core/freq.ts";
import { withTransaction } from "../store/db.ts";
import {
  type RegimeMethod,
  type RegimeRunInfo,
  regimeRunInfo,
  type RegimeSeries,
  writeRegimeRun,
} from "../store/regimes.ts";
import { finishRun, startRun } from "../store/runs.ts";
import { loadDataset } from "../panel/load_dataset.ts";
import {
  VOL_REGIME_DEFAULTS,
  volPercentileRegimes,
} from "../materialize/regimes/vol_percentile_regimes.ts";
import { MARKOV_DEFAULTS } from "../materialize/regimes/markov_regression.ts";
import { markovRegimes } from "../materialize/regimes/markov_regimes.ts";
import {
  MARKET_STRUCTURE_DEFAULTS,
  MARKET_STRUCTURE_LABELS,
  marketStructure,
} from "../materialize/regimes/market_structure.ts";

/** The `source` recorded on every regime run this materializer writes. */
export const REGIME_SOURCE = "materialize:regimes";
/** Version of the regime models; part of the run id. */
export const REGIME_MODEL_VERSION = "regimes/1";

/** Defaults of {@link MaterializeRegimesOptions} not owned by a model. */
export const REGIME_RUN_DEFAULTS = {
  /** Fraction of the grid (from its start) that is training data for `vol` and `markov`. */
  trainFraction: 0.5,
  /**
   * With `trainEnd`, for `vol` and `markov`: the fewest bars that must open at or after it (out
   * of sample); a `trainEnd` after the last bar, or too close to it, is refused.
   */
  minOutOfSampleBars: 24,
} as const;

/**
 * Thrown by {@link materializeRegimes} when `trainEnd` leaves no training bars or fewer than
 * `minOutOfSampleBars` out-of-sample bars; `detail` says which, without the option's name, so a
 * CLI can name its own flag.
 */
export class TrainEndError extends RangeError {
  constructor(readonly detail: string) {
    super(`Cannot materialize regimes: trainEnd ${detail}`);
    this.name = "TrainEndError";
  }
}

/** Options of {@link materializeRegimes}. */
export interface MaterializeRegimesOptions {
  readonly venue: string;
  readonly freq: Freq;
  readonly method: RegimeMethod;
  /** The universe (symbols of `venue`); default every `freq` series of the venue. */
  readonly symbols?: readonly string[] | undefined;
  /** First bar time used (UTC ms, inclusive). */
  readonly from?: number | undefined;
  /** End of the bars used (UTC ms, exclusive). */
  readonly to?: number | undefined;
  /**
   * `vol` and `markov`: the first `floor(trainFraction * bars)` grid rows are training data
   * (thresholds, Markov parameters); everything after is out of sample and causal.
   * @default 0.5
   */
  readonly trainFraction?: number | undefined;
  /**
   * `vol` and `markov`: the training data are the bars that open before this time (UTC ms,
   * exclusive), instead of a fraction. A fixed end keeps the training window, and so every state
   * after it, unchanged when later bars arrive. Excludes `trainFraction`.
   */
  readonly trainEnd?: number | undefined;
  /**
   * With `trainEnd` (`vol`, `markov`): the fewest out-of-sample bars (opening at or after
   * `trainEnd`) required; fewer throws {@link TrainEndError}.
   * @default REGIME_RUN_DEFAULTS.minOutOfSampleBars
   */
  readonly minOutOfSampleBars?: number | undefined;
  /** Rolling window in bars (`vol`: volatility window; `structure`: feature window). */
  readonly window?: number | undefined;
  /** `vol`: interior cut points in percentile units. @default [1/3, 2/3] */
  readonly cuts?: readonly number[] | undefined;
  /** `vol`: hysteresis half-band in percentile units. @default 0.05 */
  readonly band?: number | undefined;
  /** `vol`: minimum dwell time in bars. @default 24 */
  readonly minDwell?: number | undefined;
  /** `markov`: number of states, 2 or 3. @default 2 */
  readonly k?: number | undefined;
  /** `markov`: starting points. @default 6 */
  readonly starts?: number | undefined;
  /**
   * `markov`: re-fit every N bars after the training window on all bars before (an expanding
   * window). @default undefined (fit once on the training window)
   */
  readonly refitEvery?: number | undefined;
  /** `structure`: baseline rows of the z-scores. @default 720 */
  readonly baseline?: number | undefined;
  /** Code version recorded with a new run. Not part of the run id. */
  readonly codeVersion?: string | null | undefined;
  /** Called with a short line before each step. */
  readonly onProgress?: ((line: string) => void) | undefined;
}

/** What {@link materializeRegimes} did. */
export interface MaterializeRegimesResult {
  readonly runId: string;
  /** `created`: this call wrote the run; `exists`: a complete run with this id was stored. */
  readonly status: "created" | "exists";
  readonly run: RegimeRunInfo;
  /** Rows written (0 when the run existed). */
  readonly stateRows: number;
  /** Assets left out, with the reason (too little training data, ...). */
  readonly skipped: readonly { readonly asset: string; readonly reason: string }[];
}

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

/**
 * The run id of a regime run: SHA-256 (hex) of the canonical JSON of
 * `{dataset: {sha256, rows}, params, modelVersion}` (params include the method). The code
 * version is not part of it.
 *
 * @example Another method, another id
 * ```ts
 * import { regimeRunId } from "@lib/research/regime_run.ts";
 * import assert from "node:assert/strict";
 * const d = { sha256: "a".repeat(64), rows: 10 };
 * assert.notEqual(regimeRunId(d, { method: "vol" }, "regimes/1"), regimeRunId(d, { method: "markov" }, "regimes/1"));
 * ```
 */
export function regimeRunId(
  dataset: { readonly sha256: string; readonly rows: number },
  params: Record<string, unknown>,
  modelVersion: string,
): string {
  const doc = canonicalJson({
    dataset: { sha256: dataset.sha256, rows: dataset.rows },
    params,
    modelVersion,
  });
  return createHash("sha256").update(doc).digest("hex");
}

function volLabels(k: number): string[] {
  if (k === 2) return ["low", "high"];
  if (k === 3) return ["low", "mid", "high"];
  return Array.from({ length: k }, (_, i) => `q${i}`);
}

/**
 * Compute one regime method over a dataset of the store and write it as one run in
 * `regime_runs` / `regime_states`, unless a complete run with the same id (same bars, method,
 * parameters and model version) exists, in which case nothing is computed or written.
 *
 * - `vol`: per asset, {@link volPercentileRegimes} on its log returns, thresholds fitted on the
 *   first `trainFraction` of the grid; features `volatility`, `percentile`.
 * - `markov`: per asset, {@link markovRegimes} (fitted on the training rows, and re-fitted every
 *   `refitEvery` bars on an expanding window when given; filtered probabilities over every row,
 *   never smoothed); probabilities p0..p{k-1}; the run's `fit` lists every fit per asset.
 * - `structure`: the whole universe, {@link marketStructure} (rolling, nothing fitted); stored
 *   under asset `*` with features dispersion, avg_correlation, beta_dispersion,
 *   market_volatility.
 *
 * Every stored state at bar `t` is known at the close of bar `t`. The bars are read and
 * fingerprinted in one transaction; the run is written in another. Cost: one load plus the
 * method (Markov: about 0.1-0.4 s per asset of 5,000 hourly bars).
 *
 * @example Twice on the same data: the second call writes nothing
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { materializeRegimes } from "@lib/research/regime_run.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const rng = createRng(1), n = 600;
 * const b = allocBars({ venue: "sim", symbol: "BTCUSDT", freq: "1h" }, n);
 * let px = 100;
 * for (let t = 0; t < n; t++) {
 *   px *= Math.exp((t % 200 < 100 ? 0.005 : 0.02) * rng.normal());
 *   b.ts[t] = t * 3_600_000; b.open[t] = b.high[t] = b.low[t] = b.close[t] = px;
 * }
 * writeBars(db, b, { source: "doc" });
 * const first = materializeRegimes(db, { venue: "sim", freq: "1h", method: "vol", window: 24 });
 * assert.equal(first.status, "created");
 * const again = materializeRegimes(db, { venue: "sim", freq: "1h", method: "vol", window: 24 });
 * assert.equal(again.status, "exists");
 * assert.equal(again.runId, first.runId);
 * ```
 */
export function materializeRegimes(
  db: DatabaseSync,
  options: MaterializeRegimesOptions,
): MaterializeRegimesResult {
  const progress = options.onProgress ?? (() => {});
  const { venue, freq, method, from, to } = options;
  const what = "Cannot materialize regimes";
  const trainFraction = options.trainFraction ?? REGIME_RUN_DEFAULTS.trainFraction;
  if (!(trainFraction > 0 && trainFraction <= 1)) {
    throw new RangeError(`${what}: trainFraction must be in (0, 1], got ${trainFraction}`);
  }
  progress(`loading and fingerprinting ${venue} ${freq} bars`);
  const dataset = withTransaction(
    db,
    () => loadDataset(db, { venue, freq, symbols: options.symbols, from, to }),
  );
  const { panel, fingerprint } = dataset;
  const n = panel.index.length;
  if (options.trainEnd !== undefined && options.trainFraction !== undefined) {
    throw new RangeError(`${what}: give trainEnd or trainFraction, not both`);
  }
  let trainRows = Math.max(1, Math.floor(trainFraction * n));
  if (options.trainEnd !== undefined) {
    trainRows = 0;
    while (trainRows < n && panel.index[trainRows]! < options.trainEnd) trainRows++;
    const iso = (t: number) => new Date(t).toISOString();
    if (trainRows < 1 && method !== "structure") {
      throw new TrainEndError(
        `${iso(options.trainEnd)} is not after the first ` +
          `bar (${n > 0 ? iso(panel.index[0]!) : "none"}); no training data`,
      );
    }
    const minOut = options.minOutOfSampleBars ?? REGIME_RUN_DEFAULTS.minOutOfSampleBars;
    if (method !== "structure" && n - trainRows < minOut) {
      throw new TrainEndError(
        `${iso(options.trainEnd)} leaves ${n - trainRows} out-of-sample bar(s) after it ` +
          `(the last bar opens at ${iso(panel.index[n - 1]!)}); at least ${minOut} are ` +
          `needed, so every state would be in sample: give an earlier date`,
      );
    }
  }
  // the training window as recorded in the run's parameters (and so in its id)
  const training = options.trainEnd === undefined
    ? { trainFraction }
    : { trainEnd: options.trainEnd };
  let params: Record<string, unknown>;
  if (method === "vol") {
    params = {
      method,
      venue,
      freq,
      symbols: dataset.symbols,
      from: from ?? null,
      to: to ?? null,
      ...training,
      window: options.window ?? VOL_REGIME_DEFAULTS.window,
      cuts: options.cuts ?? VOL_REGIME_DEFAULTS.cuts,
      band: options.band ?? VOL_REGIME_DEFAULTS.band,
      minDwell: options.minDwell ?? VOL_REGIME_DEFAULTS.minDwell,
    };
  } else if (method === "markov") {
    const k = options.k ?? MARKOV_DEFAULTS.k;
    if (k !== 2 && k !== 3) throw new RangeError(`${what}: k must be 2 or 3, got ${k}`);
    params = {
      method,
      venue,
      freq,
      symbols: dataset.symbols,
      from: from ?? null,
      to: to ?? null,
      ...training,
      k,
      starts: options.starts ?? MARKOV_DEFAULTS.starts,
      seed: MARKOV_DEFAULTS.seed,
      emIterations: MARKOV_DEFAULTS.emIterations,
      polish: MARKOV_DEFAULTS.polish,
      refitEvery: options.refitEvery,
    };
  } else if (method === "structure") {
    params = {
      method,
      venue,
      freq,
      symbols: dataset.symbols,
      from: from ?? null,
      to: to ?? null,
      ...MARKET_STRUCTURE_DEFAULTS,
      ...(options.window === undefined ? {} : { window: options.window }),
      ...(options.baseline === undefined ? {} : { baseline: options.baseline }),
    };
  } else {
    throw new RangeError(`${what}: unknown method "${method}" (vol, markov, structure)`);
  }
  const runId = regimeRunId(fingerprint, params, REGIME_MODEL_VERSION);
  const existing = regimeRunInfo(db, runId);
  if (existing?.status === "complete") {
    return { runId, status: "exists", run: existing, stateRows: 0, skipped: [] };
  }

  const series: RegimeSeries[] = [];
  const skipped: { asset: string; reason: string }[] = [];
  const fit: Record<string, unknown> = {};
  let labels: string[];
  let features: string[];
  let trainEndTs: number | null = n > 0 ? panel.index[trainRows - 1]! : null;
  if (method === "vol") {
    const cuts = params.cuts as number[];
    labels = volLabels(cuts.length + 1);
    features = ["volatility", "percentile"];
    panel.assets.forEach((asset, a) => {
      progress(`vol regimes ${asset} (${a + 1}/${panel.assets.length})`);
      try {
        const r = volPercentileRegimes(panel.logReturns[a]!, {
          window: params.window as number,
          cuts,
          band: params.band as number,
          minDwell: params.minDwell as number,
          trainEnd: trainRows,
        });
        series.push({
          asset,
          state: r.state,
          probabilities: [],
          features: [r.volatility, r.percentile],
        });
        fit[asset] = {
          thresholds: Array.from(r.thresholds),
          trainCount: r.trainCount,
          blocked: r.blocked,
        };
      } catch (e) {
        skipped.push({ asset, reason: (e as Error).message });
      }
    });
  } else if (method === "markov") {
    const k = params.k as number;
    labels = k === 2 ? ["calm", "volatile"] : ["calm", "normal", "volatile"];
    features = [];
    panel.assets.forEach((asset, a) => {
      progress(`Markov regimes ${asset} (${a + 1}/${panel.assets.length})`);
      try {
        const r = markovRegimes(panel.logReturns[a]!, {
          k,
          starts: params.starts as number,
          trainEnd: trainRows,
          ...(options.refitEvery === undefined ? {} : { refitEvery: options.refitEvery }),
        });
        // rows before the asset's first return carry only the prior: not stored
        const state = Int8Array.from(r.state);
        const y = panel.logReturns[a]!;
        let first = 0;
        while (first < n && !Number.isFinite(y[first]!)) first++;
        for (let t = 0; t < first; t++) state[t] = -1;
        const probabilities = Array.from({ length: k }, (_, j) => {
          const p = new Float64Array(n);
          for (let t = 0; t < n; t++) p[t] = r.probabilities[t * k + j]!;
          return p;
        });
        series.push({ asset, state, probabilities, features: [] });
        fit[asset] = r.segments.map((s) => ({
          fitEndTs: panel.index[s.fitEnd - 1]!,
          fromTs: panel.index[s.from]!,
          transition: Array.from(s.fit.params.transition),
          const: Array.from(s.fit.params.const),
          sigma2: Array.from(s.fit.params.sigma2),
          logLikelihood: s.fit.logLikelihood,
          nobs: s.fit.nobs,
        }));
      } catch (e) {
        skipped.push({ asset, reason: (e as Error).message });
      }
    });
  } else {
    labels = [...MARKET_STRUCTURE_LABELS];
    features = ["dispersion", "avg_correlation", "beta_dispersion", "market_volatility"];
    trainEndTs = null;
    progress(`market structure over ${panel.assets.length} assets x ${n} bars`);
    const r = marketStructure(panel.logReturns, {
      window: params.window as number,
      baseline: params.baseline as number,
    });
    series.push({
      asset: "*",
      state: r.classes,
      probabilities: [],
      features: [r.dispersion, r.avgCorrelation, r.betaDispersion, r.marketVolatility],
    });
  }
  progress(`writing run ${runId.slice(0, 12)}`);
  const ingestRunId = startRun(db, "regimes", { ...params, runId });
  let rows: number;
  try {
    rows = writeRegimeRun(
      db,
      {
        runId,
        method,
        venue,
        freq,
        labels,
        features,
        trainEndTs,
        params: canonicalJson(params),
        fit: JSON.stringify({ skipped, assets: fit }),
        datasetSha256: fingerprint.sha256,
        datasetRows: fingerprint.rows,
        modelVersion: REGIME_MODEL_VERSION,
        codeVersion: options.codeVersion ?? null,
        source: REGIME_SOURCE,
        ingestRunId,
        createdAt: Date.now(),
      },
      panel.index,
      series,
    );
  } catch (e) {
    finishRun(db, ingestRunId, "failed", { message: (e as Error).message });
    throw e;
  }
  finishRun(db, ingestRunId, "ok", { rowsWritten: rows });
  return { runId, status: "created", run: regimeRunInfo(db, runId)!, stateRows: rows, skipped };
}
