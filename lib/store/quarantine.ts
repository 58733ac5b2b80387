/**
 * The `quarantine` table: rows and payloads we refused to store, with the reason.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue, SQLOutputValue } from "node:sqlite";

/**
 * The `format` of a refused provider bar whose raw text is its values as JSON
 * (`{"ts":...,"open":...,"high":...,"low":...,"close":...,"volume":...,"quoteVolume":...,
 * "tradeCount":...}`, non-finite values as strings), as backfill writes it.
 */
export const BAR_JSON_FORMAT = "bar_json";

/** One refused row or payload. */
export interface QuarantineEntry {
  /** Where it came from: `file:Binance_BTCUSDT_1h.csv`, `binance:/api/v3/klines`. */
  readonly source: string;
  /** Where in the source: `line 17`, `row 3`, a URL; empty when the whole payload. */
  readonly locator?: string;
  /** The raw text as received, so it can be inspected or replayed. */
  readonly raw: string;
  /** Why it was refused, in words a user can act on. */
  readonly reason: string;
  readonly runId?: number | undefined;
  /** Import file format (`cdd_csv`, ...), so `release` can parse the row again. */
  readonly format?: string | undefined;
  /** Venue the row was meant for. */
  readonly venue?: string | undefined;
  /** Symbol the row was meant for, as the venue spells it. */
  readonly symbol?: string | undefined;
  /** Bar frequency the row was meant for; undefined for trades and payloads. */
  readonly freq?: string | undefined;
  /** The file's lines before its first data row (banner, header), so the row parses alone. */
  readonly preamble?: string | undefined;
}

/**
 * Record a refused row. The same source, locator and reason are recorded once, so re-running an
 * import does not duplicate quarantine rows; a row the user released by hand (`release --force`:
 * same source, locator and raw text in `quarantine_releases`) is not quarantined again, since
 * that decision was made. Returns true when a new row was written.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { quarantine, countQuarantine } from "@lib/store/quarantine.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const e = { source: "file:x.csv", locator: "line 3", raw: "1,a,b", reason: "price is not a number" };
 * assert.equal(quarantine(db, e), true);
 * assert.equal(quarantine(db, e), false);
 * assert.equal(countQuarantine(db), 1);
 * ```
 */
export function quarantine(db: DatabaseSync, e: QuarantineEntry): boolean {
  const r = db.prepare(
    `INSERT INTO quarantine
       (source, locator, raw, reason, at, run_id, format, venue, symbol, freq, preamble)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11
     WHERE NOT EXISTS (SELECT 1 FROM quarantine_releases
                       WHERE mode = 'forced' AND source = ?1 AND locator = ?2 AND raw = ?3)
     ON CONFLICT (source, locator, reason) DO NOTHING`,
  ).run(
    e.source,
    e.locator ?? "",
    e.raw,
    e.reason,
    Date.now(),
    e.runId ?? null,
    e.format ?? null,
    e.venue ?? null,
    e.symbol ?? null,
    e.freq ?? null,
    e.preamble ?? null,
  );
  return Number(r.changes) === 1;
}

/** Number of quarantined rows, optionally for one source. */
export function countQuarantine(db: DatabaseSync, source?: string): number {
  const row = source === undefined
    ? db.prepare("SELECT count(*) AS n FROM quarantine").get()
    : db.prepare("SELECT count(*) AS n FROM quarantine WHERE source = ?").get(source);
  return Number(row?.n ?? 0);
}

/** One quarantined row as stored, with the context `release` needs. */
export interface QuarantinedRow {
  readonly id: number;
  readonly source: string;
  readonly locator: string;
  readonly raw: string;
  readonly reason: string;
  /** When it was quarantined, UTC epoch ms. */
  readonly at: number;
  readonly runId: number | undefined;
  /** Import file format; undefined for provider payloads and rows stored before schema v5. */
  readonly format: string | undefined;
  readonly venue: string | undefined;
  readonly symbol: string | undefined;
  readonly freq: string | undefined;
  /** The file's lines before its first data row (CSV banner and header), if any. */
  readonly preamble: string | undefined;
}

/** Which quarantined rows to read; every field narrows the selection. */
export interface QuarantineFilter {
  /** Reason contains this text (case-insensitive), e.g. `high < low`. */
  readonly reason?: string | undefined;
  /** Source contains this text (case-insensitive), e.g. a file name. */
  readonly source?: string | undefined;
  readonly venue?: string | undefined;
  readonly symbol?: string | undefined;
  /** Only these ids. */
  readonly ids?: readonly number[] | undefined;
  /** At most this many rows, newest first. Default: all. */
  readonly limit?: number | undefined;
}

function whereOf(f: QuarantineFilter): { sql: string; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  if (f.reason !== undefined) {
    where.push("instr(lower(reason), lower(?)) > 0");
    params.push(f.reason);
  }
  if (f.source !== undefined) {
    where.push("instr(lower(source), lower(?)) > 0");
    params.push(f.source);
  }
  if (f.venue !== undefined) {
    where.push("venue = ?");
    params.push(f.venue);
  }
  if (f.symbol !== undefined) {
    where.push("symbol = ?");
    params.push(f.symbol);
  }
  if (f.ids !== undefined) {
    where.push(`id IN (${f.ids.map(() => "?").join(", ") || "NULL"})`);
    params.push(...f.ids);
  }
  return { sql: where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`, params };
}

const opt = (
  v: unknown,
): string | undefined => (v === null || v === undefined ? undefined : String(v));

function rowOf(r: Record<string, SQLOutputValue>): QuarantinedRow {
  return {
    id: Number(r.id),
    source: String(r.source),
    locator: String(r.locator),
    raw: String(r.raw),
    reason: String(r.reason),
    at: Number(r.at),
    runId: r.run_id === null ? undefined : Number(r.run_id),
    format: opt(r.format),
    venue: opt(r.venue),
    symbol: opt(r.symbol),
    freq: opt(r.freq),
    preamble: opt(r.preamble),
  };
}

/**
 * Quarantined rows, newest first. `filter` may be a {@link QuarantineFilter} or, as before, a
 * row limit (default 100 in that form).
 *
 * @example Filter by reason and source
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { listQuarantine, quarantine } from "@lib/store/quarantine.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * quarantine(db, { source: "file:a.csv", locator: "line 2", raw: "x", reason: "high < low: 1 < 2" });
 * quarantine(db, { source: "file:b.csv", locator: "line 9", raw: "y", reason: "bad timestamp: z" });
 * assert.deepEqual(listQuarantine(db, { reason: "HIGH < LOW" }).map((r) => r.locator), ["line 2"]);
 * assert.deepEqual(listQuarantine(db, { source: "b.csv" }).map((r) => r.raw), ["y"]);
 * assert.equal(listQuarantine(db).length, 2);
 * ```
 */
export function listQuarantine(
  db: DatabaseSync,
  filter: QuarantineFilter | number = 100,
): QuarantinedRow[] {
  const f: QuarantineFilter = typeof filter === "number" ? { limit: filter } : filter;
  const w = whereOf(f);
  const limit = f.limit === undefined ? "" : " LIMIT ?";
  const params = f.limit === undefined ? w.params : [...w.params, f.limit];
  return db.prepare(`SELECT * FROM quarantine ${w.sql} ORDER BY id DESC${limit}`)
    .all(...params).map(rowOf);
}

/** One quarantined row by id, or undefined. */
export function getQuarantined(db: DatabaseSync, id: number): QuarantinedRow | undefined {
  const r = db.prepare("SELECT * FROM quarantine WHERE id = ?").get(id);
  return r === undefined ? undefined : rowOf(r);
}

/**
 * The kind of a reason: the text before its first `": "`, without a trailing parenthesis, so
 * `high < low: high 3 < low 5` and `conflicts with stored row (stored source file:x): ...` count
 * as `high < low` and `conflicts with stored row`.
 *
 * @example
 * ```ts
 * import { reasonKind } from "@lib/store/quarantine.ts";
 * import assert from "node:assert/strict";
 * assert.equal(reasonKind("high < low: high 3 < low 5"), "high < low");
 * assert.equal(reasonKind("conflicts with stored row (stored source file:x.csv): open 1 vs 2"),
 *   "conflicts with stored row");
 * assert.equal(reasonKind("truncated JSON"), "truncated JSON");
 * ```
 */
export function reasonKind(reason: string): string {
  const i = reason.indexOf(": ");
  return (i < 0 ? reason : reason.slice(0, i)).replace(/\s*\([^)]*\)$/, "").trim();
}

/** Counts of quarantined rows by reason kind and by source, largest first. */
export interface QuarantineSummary {
  readonly total: number;
  readonly byReason: readonly { readonly reason: string; readonly rows: number }[];
  readonly bySource: readonly { readonly source: string; readonly rows: number }[];
  /** Rows released so far (`quarantine_releases`), by how. */
  readonly released: { readonly passed: number; readonly forced: number };
}

/**
 * Summarize the quarantined rows that match `filter` (its `limit` is ignored).
 *
 * @example Two reasons, one file
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { quarantine, summarizeQuarantine } from "@lib/store/quarantine.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * quarantine(db, { source: "file:a.csv", locator: "line 2", raw: "x", reason: "high < low: 1 < 2" });
 * quarantine(db, { source: "file:a.csv", locator: "line 3", raw: "y", reason: "high < low: 1 < 3" });
 * quarantine(db, { source: "file:a.csv", locator: "line 4", raw: "z", reason: "bad timestamp: z" });
 * const s = summarizeQuarantine(db);
 * assert.equal(s.total, 3);
 * assert.deepEqual(s.byReason, [{ reason: "high < low", rows: 2 }, { reason: "bad timestamp", rows: 1 }]);
 * assert.deepEqual(s.bySource, [{ source: "file:a.csv", rows: 3 }]);
 * ```
 */
export function summarizeQuarantine(
  db: DatabaseSync,
  filter: QuarantineFilter = {},
): QuarantineSummary {
  const w = whereOf({ ...filter, limit: undefined });
  const byReason = new Map<string, number>();
  for (
    const r of db.prepare(`SELECT reason, count(*) AS n FROM quarantine ${w.sql} GROUP BY reason`)
      .all(...w.params)
  ) {
    const k = reasonKind(String(r.reason));
    byReason.set(k, (byReason.get(k) ?? 0) + Number(r.n));
  }
  const bySource = db.prepare(
    `SELECT source, count(*) AS n FROM quarantine ${w.sql} GROUP BY source ORDER BY n DESC, source`,
  ).all(...w.params).map((r) => ({ source: String(r.source), rows: Number(r.n) }));
  const rel = { passed: 0, forced: 0 };
  for (
    const r of db.prepare("SELECT mode, count(*) AS n FROM quarantine_releases GROUP BY mode").all()
  ) {
    if (r.mode === "passed" || r.mode === "forced") rel[r.mode] = Number(r.n);
  }
  return {
    total: bySource.reduce((a, s) => a + s.rows, 0),
    byReason: [...byReason].map(([reason, rows]) => ({ reason, rows }))
      .sort((a, b) => b.rows - a.rows || (a.reason < b.reason ? -1 : 1)),
    bySource,
    released: rel,
  };
}

/** How a row left quarantine, recorded in `quarantine_releases`. */
export interface ReleaseRecord {
  /** `passed`: the row passed the parser and row rules again; `forced`: accepted by hand. */
  readonly mode: "passed" | "forced";
  readonly venue: string;
  readonly symbol: string;
  readonly freq: string | undefined;
  /** What was written, e.g. `bars binance BTCUSDT 1h 2024-01-01T00:00:00.000Z: inserted`. */
  readonly written: string;
  /** The `ingest_runs` row of the release. */
  readonly runId: number | undefined;
}

/**
 * Move quarantined row `row` to the audit table `quarantine_releases` (what it was, why it was
 * refused, how and where it was released) and delete it from `quarantine`. Call inside the
 * transaction that wrote the row to the store, so both happen or neither.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { listQuarantine, listReleases, quarantine, recordRelease } from "@lib/store/quarantine.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * quarantine(db, { source: "file:a.csv", locator: "line 2", raw: "x", reason: "r" });
 * const [row] = listQuarantine(db);
 * recordRelease(db, row!, {
 *   mode: "forced", venue: "binance", symbol: "X", freq: "1h", written: "bars: inserted", runId: undefined,
 * });
 * assert.equal(listQuarantine(db).length, 0);
 * assert.equal(listReleases(db)[0]?.reason, "r");
 * ```
 */
export function recordRelease(db: DatabaseSync, row: QuarantinedRow, rec: ReleaseRecord): void {
  db.prepare(
    `INSERT INTO quarantine_releases (quarantine_id, source, locator, raw, reason, quarantined_at,
       released_at, mode, venue, symbol, freq, written, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    row.id,
    row.source,
    row.locator,
    row.raw,
    row.reason,
    row.at,
    Date.now(),
    rec.mode,
    rec.venue,
    rec.symbol,
    rec.freq ?? null,
    rec.written,
    rec.runId ?? null,
  );
  db.prepare("DELETE FROM quarantine WHERE id = ?").run(row.id);
}

/** One row of the release audit (`quarantine_releases`). */
export interface ReleasedRow extends ReleaseRecord {
  readonly id: number;
  readonly quarantineId: number;
  readonly source: string;
  readonly locator: string;
  readonly raw: string;
  readonly reason: string;
  readonly quarantinedAt: number;
  readonly releasedAt: number;
}

/** The release audit, newest first. */
export function listReleases(db: DatabaseSync, limit?: number): ReleasedRow[] {
  const rows = limit === undefined
    ? db.prepare("SELECT * FROM quarantine_releases ORDER BY id DESC").all()
    : db.prepare("SELECT * FROM quarantine_releases ORDER BY id DESC LIMIT ?").all(limit);
  return rows.map((r) => ({
    id: Number(r.id),
    quarantineId: Number(r.quarantine_id),
    source: String(r.source),
    locator: String(r.locator),
    raw: String(r.raw),
    reason: String(r.reason),
    quarantinedAt: Number(r.quarantined_at),
    releasedAt: Number(r.released_at),
    mode: r.mode === "forced" ? "forced" : "passed",
    venue: String(r.venue),
    symbol: String(r.symbol),
    freq: opt(r.freq),
    written: String(r.written),
    runId: r.run_id === null ? undefined : Number(r.run_id),
  }));
}
