/**
 * The trial ledger: every evaluation of a signal or strategy, appended and never changed.
 *
 * A researcher who tries 200 variants and reports the best has found noise unless the statistics
 * know about the other 199. The ledger counts them as a side effect of research: the backtest
 * engine and the signal validation functions append a trial whenever they are given a ledger
 * (`lib/research/ledger.ts`), and the overfitting statistics read the family back from here.
 *
 * Three tables (migration 8), all append-only (SQLite triggers refuse UPDATE and DELETE):
 *
 * - `trial_families`: a hypothesis name and its generation. Trials recorded under a name go to
 *   its open generation; the first trial of a name creates generation 1.
 * - `trial_family_closures`: closing a family is an appended event (one row per closed family),
 *   not an update. Trials recorded under the name afterwards start the next generation, shown
 *   as `name#2`, `name#3`, ... so later work does not count the earlier tries, and cannot be
 *   added to the closed one (a trigger refuses it).
 * - `trials`: time, family, origin (`backtestWeights`, `icDecay`, ...), kind (`returns`: a
 *   per-period net return series; `ic`: a per-period information-coefficient series), the
 *   parameters as canonical JSON (keys sorted, no whitespace), the code hash (git commit and
 *   the SHA-256 of the strategy or signal source where one was given), the dataset fingerprint,
 *   the frequency, the series (little-endian float64, NaN kept) and its summary over the finite
 *   values (n, mean, sample std, per-period Sharpe = mean / std, sample skewness m3/m2^1.5 and
 *   raw kurtosis m4/m2^2, as `sharpeMoments` of lib/stats).
 *
 * Hash chain: every row of the three tables carries a global `seq` (1, 2, 3, ... across the
 * tables, in the order rows were appended), `prev_hash` (the `hash` of row `seq - 1`, 64 zeros
 * for the first) and `hash`, the SHA-256 of the row's canonical encoding (lib/core/canonical.ts:
 * the table name, every column, the SHA-256 of the series bytes, and `prev_hash`). A trigger
 * refuses an insert that does not extend the chain; {@link verifyLedger} recomputes every hash,
 * so a row edited with the triggers dropped (or by a tool that writes the file directly), a row
 * removed from the middle, or rows reordered are found and the first broken row is named.
 * Removing the newest rows leaves a valid shorter chain: keep the head hash
 * ({@link LedgerVerification.head}) somewhere else (a report's manifest) to detect that.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { createHash } from "node:crypto";
import { type CanonicalColumn, CanonicalHasher, type CanonicalValue } from "../core/canonical.ts";
import { sharpeMoments } from "../stats/sharpe_moments.ts";
import { withTransaction } from "./db.ts";

/** `prev_hash` of the first row of the chain. */
export const LEDGER_GENESIS_HASH = "0".repeat(64);

/** What a trial's series holds. */
export type TrialKind = "returns" | "ic";

/** A trial to append (see the module doc for each field). */
export interface TrialInput {
  /** Hypothesis name; the trial joins its open generation (created when none is open). */
  readonly family: string;
  readonly kind: TrialKind;
  /** The function that evaluated it, e.g. `backtestWeights` or `icDecay`. */
  readonly origin: string;
  /** The parameters, stored as canonical JSON (finite numbers, strings, booleans, null, arrays, objects). */
  readonly params: unknown;
  /** `git rev-parse HEAD`, or `"unknown"`. */
  readonly gitCommit: string;
  /** SHA-256 (hex) of the strategy or signal source, when one was given. */
  readonly sourceSha256?: string | undefined;
  /** The dataset fingerprint (SHA-256 of the rows used) or another stated identity of the input. */
  readonly dataset: string;
  /** Bar frequency of the series (`1h`, ...), or `bar` when not known. */
  readonly freq: string;
  /** The per-period series; NaN marks a period without a value. */
  readonly series: ArrayLike<number>;
  /** Epoch ms. Default `Date.now()`. */
  readonly recordedAt?: number;
}

/** The summary stored beside a series (NaN where it cannot be computed). */
export interface TrialSummary {
  /** Finite values. */
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (ddof 1). */
  readonly std: number;
  /** Per-period Sharpe ratio `mean / std` (not annualized). */
  readonly sharpe: number;
  /** Sample skewness `m3 / m2^1.5`. */
  readonly skewness: number;
  /** Raw (non-excess) kurtosis `m4 / m2^2`: 3 for a normal distribution. */
  readonly kurtosis: number;
}

/** A stored trial. */
export interface StoredTrial extends TrialSummary {
  readonly trialId: number;
  readonly seq: number;
  readonly familyId: number;
  readonly family: string;
  readonly generation: number;
  /** `name` for generation 1, `name#g` after (what the trials task shows). */
  readonly label: string;
  readonly recordedAt: number;
  readonly kind: TrialKind;
  readonly origin: string;
  /** Canonical JSON. */
  readonly params: string;
  readonly gitCommit: string;
  readonly sourceSha256: string | null;
  readonly dataset: string;
  readonly freq: string;
  readonly hash: string;
}

/** What {@link appendTrial} returns: the stored trial, and whether it was already there. */
export interface AppendedTrial extends StoredTrial {
  /**
   * True when the open generation already held the same evaluation (same origin, kind, params,
   * dataset, frequency and series, e.g. a report run again): nothing was appended and the
   * earlier row is returned, so repeating a run does not inflate the family's trial count.
   */
  readonly repeated: boolean;
}

/** A stored trial with its series. */
export interface StoredTrialWithSeries extends StoredTrial {
  readonly series: Float64Array;
}

/** One family generation with its counts. */
export interface TrialFamily {
  readonly familyId: number;
  readonly name: string;
  readonly generation: number;
  readonly label: string;
  readonly createdAt: number;
  /** Epoch ms of its closure, or null while open. */
  readonly closedAt: number | null;
  readonly closeReason: string | null;
  readonly trials: number;
  /** Its trial with the highest per-period Sharpe ratio (ties: the earliest), or null. */
  readonly best: StoredTrial | null;
}

/** What {@link verifyLedger} found. */
export interface LedgerVerification {
  readonly ok: boolean;
  /** Rows checked (all three tables). */
  readonly rows: number;
  /** Hash of the last row (the chain's head), or the genesis hash when empty. */
  readonly head: string;
  /** The first row that breaks the chain, or null. */
  readonly firstBroken: {
    readonly seq: number;
    readonly table: string;
    readonly id: number;
    readonly problem: string;
  } | null;
}

/** `name` for generation 1, `name#g` after. */
export function familyLabel(name: string, generation: number): string {
  return generation === 1 ? name : `${name}#${generation}`;
}

/**
 * JSON with object keys sorted at every level and no whitespace: equal values give equal bytes.
 * Only finite numbers, strings, booleans, null, arrays and plain objects; `undefined` object
 * members are left out.
 */
export function canonicalParams(v: unknown): string {
  if (v === null || typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) {
      throw new RangeError(
        `Cannot record the trial's parameters: ${v} has no JSON form; pass it as a string`,
      );
    }
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(canonicalParams).join(",")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalParams(o[k])}`).join(",")}}`;
  }
  throw new TypeError(
    `Cannot record the trial's parameters: a ${typeof v} has no JSON form; pass plain values`,
  );
}

/** The series as little-endian float64 bytes. */
export function encodeSeries(series: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(series.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < series.length; i++) view.setFloat64(i * 8, series[i]!, true);
  return out;
}

/** The series from little-endian float64 bytes. */
export function decodeSeries(bytes: Uint8Array): Float64Array {
  if (bytes.length % 8 !== 0) {
    throw new RangeError(
      `Cannot read a trial series: ${bytes.length} bytes is not a float64 array`,
    );
  }
  const out = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/**
 * The summary of a series over its finite values (see {@link TrialSummary}).
 *
 * @example
 * ```ts
 * import { trialSummary } from "@lib/store/trials.ts";
 * import assert from "node:assert/strict";
 * const s = trialSummary([0.01, -0.02, 0.03, 0.0, NaN]);
 * assert.equal(s.n, 4);
 * assert.ok(Math.abs(s.mean - 0.005) < 1e-15);
 * // scipy 1.10.1 kurtosis([.01,-.02,.03,0], fisher=False) = 1.8520710059171595
 * assert.ok(Math.abs(s.kurtosis - 1.8520710059171595) < 1e-12);
 * ```
 */
export function trialSummary(series: ArrayLike<number>): TrialSummary {
  const m = sharpeMoments(series instanceof Float64Array ? series : Float64Array.from(series));
  let sum = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (Number.isFinite(v)) sum += v;
  }
  const mean = m.n > 0 ? sum / m.n : NaN;
  let ss = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  const std = m.n > 1 ? Math.sqrt(ss / (m.n - 1)) : NaN;
  return { n: m.n, mean, std, sharpe: m.sharpe, skewness: m.skewness, kurtosis: m.kurtosis };
}

/** Every ledger row's place in the chain (a subquery, not a view: the schema has none). */
const CHAIN = `(SELECT seq, 'trial_families' AS tbl, family_id AS id, hash FROM trial_families
  UNION ALL SELECT seq, 'trial_family_closures', family_id, hash FROM trial_family_closures
  UNION ALL SELECT seq, 'trials', trial_id, hash FROM trials)`;

const COLUMNS: Readonly<Record<string, readonly CanonicalColumn[]>> = {
  trial_families: [
    { name: "table", type: "text" },
    { name: "seq", type: "integer" },
    { name: "family_id", type: "integer" },
    { name: "name", type: "text" },
    { name: "generation", type: "integer" },
    { name: "created_at", type: "integer" },
    { name: "prev_hash", type: "text" },
  ],
  trial_family_closures: [
    { name: "table", type: "text" },
    { name: "seq", type: "integer" },
    { name: "family_id", type: "integer" },
    { name: "closed_at", type: "integer" },
    { name: "reason", type: "text" },
    { name: "prev_hash", type: "text" },
  ],
  trials: [
    { name: "table", type: "text" },
    { name: "seq", type: "integer" },
    { name: "trial_id", type: "integer" },
    { name: "family_id", type: "integer" },
    { name: "recorded_at", type: "integer" },
    { name: "kind", type: "text" },
    { name: "origin", type: "text" },
    { name: "params", type: "text" },
    { name: "git_commit", type: "text" },
    { name: "source_sha256", type: "text" },
    { name: "dataset", type: "text" },
    { name: "freq", type: "text" },
    { name: "series_sha256", type: "text" },
    { name: "n", type: "integer" },
    { name: "mean", type: "real" },
    { name: "std", type: "real" },
    { name: "sharpe", type: "real" },
    { name: "skewness", type: "real" },
    { name: "kurtosis", type: "real" },
    { name: "prev_hash", type: "text" },
  ],
};

/** SHA-256 of one row's canonical encoding (`values` in the order of {@link COLUMNS}). */
function rowHash(table: string, values: readonly CanonicalValue[]): string {
  const h = new CanonicalHasher(COLUMNS[table]!);
  h.encoder.row([table, ...values]);
  return h.digest().sha256;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** NaN as SQL NULL (SQLite stores NaN as NULL anyway; hashing what is stored). */
function real(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function head(db: DatabaseSync): { seq: number; hash: string } {
  // three index lookups (seq is UNIQUE in each table), not a scan of the chain
  const last = Number(
    db.prepare(
      `SELECT max(coalesce((SELECT max(seq) FROM trial_families), 0),
         coalesce((SELECT max(seq) FROM trial_family_closures), 0),
         coalesce((SELECT max(seq) FROM trials), 0)) AS s`,
    ).get()!.s,
  );
  if (last === 0) return { seq: 0, hash: LEDGER_GENESIS_HASH };
  const row = db.prepare(`SELECT hash FROM ${CHAIN} WHERE seq = ?`).get(last);
  return { seq: last, hash: String(row!.hash) };
}

function openFamily(
  db: DatabaseSync,
  name: string,
): { familyId: number; generation: number } | undefined {
  const row = db.prepare(
    `SELECT f.family_id, f.generation FROM trial_families f
     WHERE f.name = ? AND NOT EXISTS
       (SELECT 1 FROM trial_family_closures c WHERE c.family_id = f.family_id)
     ORDER BY f.generation DESC LIMIT 1`,
  ).get(name);
  return row === undefined
    ? undefined
    : { familyId: Number(row.family_id), generation: Number(row.generation) };
}

function checkName(name: string): void {
  // deno-lint-ignore no-control-regex
  if (typeof name !== "string" || name.trim() === "" || /[\x00-\x1f\x7f#]/.test(name)) {
    throw new RangeError(
      `Cannot record a trial: the family name must be non-empty text without control ` +
        `characters or "#" (which separates the generation), got ${JSON.stringify(name)}`,
    );
  }
}

/**
 * Append a trial to the open generation of `input.family` (creating generation 1, or the next
 * one after a closure), in one transaction. Returns the stored row. The same evaluation again
 * (same origin, kind, params, dataset, frequency and series in the open generation; the code
 * hash and time may differ) is not appended: the earlier row comes back with `repeated: true`.
 *
 * @example Two trials of one family
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { appendTrial, readTrials, verifyLedger } from "@lib/store/trials.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const base = { family: "momentum", kind: "returns", origin: "doc", gitCommit: "unknown",
 *   dataset: "d", freq: "1h" } as const;
 * appendTrial(db, { ...base, params: { lookback: 24 }, series: [0.01, -0.01, 0.02] });
 * const t = appendTrial(db, { ...base, params: { lookback: 48 }, series: [0.0, 0.01, NaN] });
 * assert.equal(t.n, 2);
 * assert.equal(readTrials(db, "momentum").length, 2);
 * assert.equal(verifyLedger(db).ok, true);
 * ```
 */
export function appendTrial(db: DatabaseSync, input: TrialInput): AppendedTrial {
  checkName(input.family);
  if (input.kind !== "returns" && input.kind !== "ic") {
    throw new RangeError(
      `Cannot record a trial: kind must be "returns" or "ic", got ${input.kind}`,
    );
  }
  const params = canonicalParams(input.params ?? null);
  const bytes = encodeSeries(input.series);
  const seriesSha = sha256Hex(bytes);
  const summary = trialSummary(input.series);
  const at = Math.trunc(input.recordedAt ?? Date.now());
  const source = input.sourceSha256 ?? null;
  return withTransaction(db, () => {
    let family = openFamily(db, input.family);
    if (family === undefined) {
      const last = db.prepare("SELECT max(generation) AS g FROM trial_families WHERE name = ?")
        .get(input.family);
      const generation = Number(last?.g ?? 0) + 1;
      const h = head(db);
      const seq = h.seq + 1;
      const idRow = db.prepare("SELECT coalesce(max(family_id), 0) + 1 AS id FROM trial_families")
        .get();
      const familyId = Number(idRow!.id);
      const hash = rowHash("trial_families", [
        seq,
        familyId,
        input.family,
        generation,
        at,
        h.hash,
      ]);
      db.prepare(
        `INSERT INTO trial_families (family_id, seq, name, generation, created_at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(familyId, seq, input.family, generation, at, h.hash, hash);
      family = { familyId, generation };
    }
    // the same evaluation again (a report re-run): not a new trial, so it is not counted twice
    const same = db.prepare(
      `SELECT ${TRIAL_COLUMNS} FROM trials t JOIN trial_families f USING (family_id)
       WHERE t.family_id = ? AND t.kind = ? AND t.origin = ? AND t.params = ? AND t.dataset = ?
         AND t.freq = ? AND t.series = ? ORDER BY t.trial_id LIMIT 1`,
    ).get(family.familyId, input.kind, input.origin, params, input.dataset, input.freq, bytes);
    if (same !== undefined) return { ...toTrial(same), repeated: true };
    const h = head(db);
    const seq = h.seq + 1;
    const idRow = db.prepare("SELECT coalesce(max(trial_id), 0) + 1 AS id FROM trials").get();
    const trialId = Number(idRow!.id);
    const values: CanonicalValue[] = [
      seq,
      trialId,
      family.familyId,
      at,
      input.kind,
      input.origin,
      params,
      input.gitCommit,
      source,
      input.dataset,
      input.freq,
      seriesSha,
      summary.n,
      real(summary.mean),
      real(summary.std),
      real(summary.sharpe),
      real(summary.skewness),
      real(summary.kurtosis),
      h.hash,
    ];
    const hash = rowHash("trials", values);
    db.prepare(
      `INSERT INTO trials (trial_id, seq, family_id, recorded_at, kind, origin, params,
         git_commit, source_sha256, dataset, freq, series, n, mean, std, sharpe, skewness,
         kurtosis, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      trialId,
      seq,
      family.familyId,
      at,
      input.kind,
      input.origin,
      params,
      input.gitCommit,
      source,
      input.dataset,
      input.freq,
      bytes,
      summary.n,
      real(summary.mean),
      real(summary.std),
      real(summary.sharpe),
      real(summary.skewness),
      real(summary.kurtosis),
      h.hash,
      hash,
    );
    return {
      ...summary,
      trialId,
      seq,
      familyId: family.familyId,
      family: input.family,
      generation: family.generation,
      label: familyLabel(input.family, family.generation),
      recordedAt: at,
      kind: input.kind,
      origin: input.origin,
      params,
      gitCommit: input.gitCommit,
      sourceSha256: source,
      dataset: input.dataset,
      freq: input.freq,
      hash,
      repeated: false,
    };
  });
}

/** What {@link closeTrialFamily} closed. */
export interface ClosedFamily {
  readonly familyId: number;
  readonly name: string;
  readonly generation: number;
  readonly label: string;
  readonly trials: number;
  /** The label the next trial under this name will get. */
  readonly next: string;
}

/**
 * Close the open generation of family `name` by appending a closure row: trials recorded under
 * `name` afterwards start generation g + 1. Throws when no generation of `name` is open.
 */
export function closeTrialFamily(
  db: DatabaseSync,
  name: string,
  options: { readonly reason?: string; readonly at?: number } = {},
): ClosedFamily {
  return withTransaction(db, () => {
    const family = openFamily(db, name);
    if (family === undefined) {
      const any = db.prepare("SELECT max(generation) AS g FROM trial_families WHERE name = ?")
        .get(name);
      throw new RangeError(
        any?.g === null || any === undefined
          ? `Cannot close family "${name}": the ledger has no family of that name ` +
            `(deno task trials list shows them)`
          : `Cannot close family "${name}": its generation ${any.g} is already closed; the ` +
            `next trial under this name starts generation ${Number(any.g) + 1}`,
      );
    }
    const at = Math.trunc(options.at ?? Date.now());
    const reason = options.reason ?? "closed";
    const h = head(db);
    const seq = h.seq + 1;
    const hash = rowHash("trial_family_closures", [seq, family.familyId, at, reason, h.hash]);
    db.prepare(
      `INSERT INTO trial_family_closures (family_id, seq, closed_at, reason, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(family.familyId, seq, at, reason, h.hash, hash);
    const n = db.prepare("SELECT count(*) AS n FROM trials WHERE family_id = ?")
      .get(family.familyId);
    return {
      familyId: family.familyId,
      name,
      generation: family.generation,
      label: familyLabel(name, family.generation),
      trials: Number(n?.n ?? 0),
      next: familyLabel(name, family.generation + 1),
    };
  });
}

const TRIAL_COLUMNS = `t.trial_id, t.seq, t.family_id, f.name, f.generation, t.recorded_at,
  t.kind, t.origin, t.params, t.git_commit, t.source_sha256, t.dataset, t.freq, t.n, t.mean,
  t.std, t.sharpe, t.skewness, t.kurtosis, t.hash`;

function num(v: unknown): number {
  return v === null || v === undefined ? NaN : Number(v);
}

function toTrial(r: Record<string, unknown>): StoredTrial {
  const name = String(r.name), generation = Number(r.generation);
  return {
    trialId: Number(r.trial_id),
    seq: Number(r.seq),
    familyId: Number(r.family_id),
    family: name,
    generation,
    label: familyLabel(name, generation),
    recordedAt: Number(r.recorded_at),
    kind: String(r.kind) as TrialKind,
    origin: String(r.origin),
    params: String(r.params),
    gitCommit: String(r.git_commit),
    sourceSha256: r.source_sha256 === null ? null : String(r.source_sha256),
    dataset: String(r.dataset),
    freq: String(r.freq),
    n: Number(r.n),
    mean: num(r.mean),
    std: num(r.std),
    sharpe: num(r.sharpe),
    skewness: num(r.skewness),
    kurtosis: num(r.kurtosis),
    hash: String(r.hash),
  };
}

/**
 * Parse a family reference: `name` (its newest generation) or `name#g`.
 */
function parseFamilyRef(ref: string): { name: string; generation: number | undefined } {
  const m = /^(.*)#(\d+)$/.exec(ref);
  if (m === null) return { name: ref, generation: undefined };
  return { name: m[1]!, generation: Number(m[2]) };
}

/**
 * The trials of one family generation with their series, oldest first: `ref` is `name` (its
 * newest generation) or `name#g`. Throws when the ledger has no such family.
 */
export function readTrials(db: DatabaseSync, ref: string): StoredTrialWithSeries[] {
  const { name, generation } = parseFamilyRef(ref);
  const fam = db.prepare(
    generation === undefined
      ? "SELECT family_id FROM trial_families WHERE name = ? ORDER BY generation DESC LIMIT 1"
      : "SELECT family_id FROM trial_families WHERE name = ? AND generation = ?",
  ).get(...(generation === undefined ? [name] : [name, generation]) as SQLInputValue[]);
  if (fam === undefined) {
    const names = db.prepare("SELECT DISTINCT name FROM trial_families ORDER BY name").all()
      .map((r) => String(r.name));
    throw new RangeError(
      `The ledger has no family "${ref}"` +
        (names.length > 0 ? `; families: ${names.slice(0, 20).join(", ")}` : " (it is empty)"),
    );
  }
  return db.prepare(
    `SELECT ${TRIAL_COLUMNS}, t.series FROM trials t JOIN trial_families f USING (family_id)
     WHERE t.family_id = ? ORDER BY t.trial_id`,
  ).all(fam.family_id as number).map((r) => ({
    ...toTrial(r),
    series: decodeSeries(r.series as Uint8Array),
  }));
}

/** Every family generation with its trial count and best trial, by name then generation. */
export function listTrialFamilies(db: DatabaseSync): TrialFamily[] {
  const rows = db.prepare(
    `SELECT f.family_id, f.name, f.generation, f.created_at, c.closed_at, c.reason,
       (SELECT count(*) FROM trials t WHERE t.family_id = f.family_id) AS trials
     FROM trial_families f LEFT JOIN trial_family_closures c USING (family_id)
     ORDER BY f.name, f.generation`,
  ).all();
  const best = db.prepare(
    `SELECT ${TRIAL_COLUMNS} FROM trials t JOIN trial_families f USING (family_id)
     WHERE t.family_id = ? AND t.sharpe IS NOT NULL ORDER BY t.sharpe DESC, t.trial_id LIMIT 1`,
  );
  return rows.map((r) => {
    const b = best.get(r.family_id as number);
    const name = String(r.name), generation = Number(r.generation);
    return {
      familyId: Number(r.family_id),
      name,
      generation,
      label: familyLabel(name, generation),
      createdAt: Number(r.created_at),
      closedAt: r.closed_at === null ? null : Number(r.closed_at),
      closeReason: r.reason === null ? null : String(r.reason),
      trials: Number(r.trials),
      best: b === undefined ? null : toTrial(b),
    };
  });
}

/**
 * Recompute the hash chain of the ledger: `seq` runs 1, 2, 3, ... over the three tables, each
 * `prev_hash` is the previous row's `hash`, and each `hash` is the SHA-256 of the row's
 * canonical content as stored now (the series bytes included). The first row that fails is
 * named with what failed. O(rows), reading one row at a time.
 *
 * @example An edit made with the triggers dropped is found
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { appendTrial, verifyLedger } from "@lib/store/trials.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * appendTrial(db, { family: "f", kind: "returns", origin: "doc", params: { k: 1 },
 *   gitCommit: "unknown", dataset: "d", freq: "1h", series: [0.01, 0.02, -0.01] });
 * db.exec("DROP TRIGGER trials_no_update");
 * db.exec("UPDATE trials SET params = '{\"k\":2}'");
 * const v = verifyLedger(db);
 * assert.equal(v.ok, false);
 * assert.equal(v.firstBroken?.table, "trials");
 * ```
 */
export function verifyLedger(db: DatabaseSync): LedgerVerification {
  const seqs = db.prepare(`SELECT seq, tbl, id FROM ${CHAIN} ORDER BY seq`).all();
  const fam = db.prepare("SELECT * FROM trial_families WHERE family_id = ?");
  const clo = db.prepare("SELECT * FROM trial_family_closures WHERE family_id = ?");
  const tri = db.prepare("SELECT * FROM trials WHERE trial_id = ?");
  let prev = LEDGER_GENESIS_HASH;
  let expected = 1;
  for (const s of seqs) {
    const seq = Number(s.seq), table = String(s.tbl), id = Number(s.id);
    const broken = (problem: string): LedgerVerification => ({
      ok: false,
      rows: seqs.length,
      head: prev,
      firstBroken: { seq, table, id, problem },
    });
    if (seq !== expected) {
      return broken(
        seq > expected
          ? `seq ${seq} follows ${expected - 1}: rows ${expected}..${seq - 1} are missing`
          : `seq ${seq} appears twice`,
      );
    }
    let values: CanonicalValue[];
    let r: Record<string, unknown>;
    if (table === "trial_families") {
      r = fam.get(id)!;
      values = [
        r.seq,
        r.family_id,
        r.name,
        r.generation,
        r.created_at,
        r.prev_hash,
      ] as CanonicalValue[];
    } else if (table === "trial_family_closures") {
      r = clo.get(id)!;
      values = [r.seq, r.family_id, r.closed_at, r.reason, r.prev_hash] as CanonicalValue[];
    } else {
      r = tri.get(id)!;
      const bytes = r.series instanceof Uint8Array ? r.series : new Uint8Array();
      values = [
        r.seq,
        r.trial_id,
        r.family_id,
        r.recorded_at,
        r.kind,
        r.origin,
        r.params,
        r.git_commit,
        r.source_sha256,
        r.dataset,
        r.freq,
        sha256Hex(bytes),
        r.n,
        r.mean,
        r.std,
        r.sharpe,
        r.skewness,
        r.kurtosis,
        r.prev_hash,
      ] as CanonicalValue[];
    }
    if (r.prev_hash !== prev) {
      return broken(
        `prev_hash ${String(r.prev_hash).slice(0, 12)}... is not the hash of row ${seq - 1} ` +
          `(${prev.slice(0, 12)}...): a row before it was changed, removed or inserted`,
      );
    }
    let hash: string;
    try {
      hash = rowHash(table, values);
    } catch (e) {
      return broken(`its content cannot be encoded: ${(e as Error).message}`);
    }
    if (hash !== r.hash) {
      return broken(
        `its content hashes to ${hash.slice(0, 12)}... but the row says ` +
          `${String(r.hash).slice(0, 12)}...: the row was edited after it was recorded`,
      );
    }
    prev = hash;
    expected++;
  }
  return { ok: true, rows: seqs.length, head: prev, firstBroken: null };
}
