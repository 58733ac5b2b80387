/**
 * The `quarantine` table: rows and payloads we refused to store, with the reason.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

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
 * import does not duplicate quarantine rows. Returns true when a new row was written.
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
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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

/** Quarantined rows, newest first. */
export function listQuarantine(
  db: DatabaseSync,
  limit = 100,
): { source: string; locator: string; raw: string; reason: string; at: number }[] {
  return db.prepare(
    "SELECT source, locator, raw, reason, at FROM quarantine ORDER BY id DESC LIMIT ?",
  ).all(limit).map((r) => ({
    source: String(r.source),
    locator: String(r.locator),
    raw: String(r.raw),
    reason: String(r.reason),
    at: Number(r.at),
  }));
}
