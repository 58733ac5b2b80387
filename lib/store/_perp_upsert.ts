/**
 * The idempotent upsert shared by the perp tables (lib/store/perp_*.ts): a row whose key is
 * not stored is inserted, one stored with the same values is left alone, one stored with
 * different values is replaced (the venue corrected it, or an open kline closed) and counted.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";

/** What an upsert into a perp table did. */
export interface UpsertResult {
  /** Rows whose key was not stored. */
  readonly inserted: number;
  /** Rows stored with exactly these values already. */
  readonly unchanged: number;
  /** Rows stored with other values, now replaced. */
  readonly updated: number;
}

/** A table the perp writers may upsert into, with its key and value columns (an allowlist). */
export interface UpsertTable {
  readonly table: "funding_rates" | "perp_price_klines" | "open_interest";
  readonly key: readonly string[];
  readonly values: readonly string[];
}

/** Provenance written with every row. */
export interface Provenance {
  readonly source: string;
  readonly fetchedAt: number;
  readonly runId: number | null;
}

/**
 * Upsert `rows` (each `[...key, ...values]`) into `spec.table` with provenance, in one
 * IMMEDIATE transaction (or the caller's). Cost: one key lookup and at most one write per row.
 */
export function upsertRows(
  db: DatabaseSync,
  spec: UpsertTable,
  rows: readonly (readonly SQLInputValue[])[],
  prov: Provenance,
): UpsertResult {
  const run = () => {
    const where = spec.key.map((k) => `${k} = ?`).join(" AND ");
    const select = db.prepare(`SELECT ${spec.values.join(", ")} FROM ${spec.table} WHERE ${where}`);
    const all = [...spec.key, ...spec.values, "source", "fetched_at", "run_id"];
    const insert = db.prepare(
      `INSERT INTO ${spec.table} (${all.join(", ")}) VALUES (${all.map(() => "?").join(", ")})`,
    );
    const update = db.prepare(
      `UPDATE ${spec.table} SET ${
        [...spec.values, "source", "fetched_at", "run_id"].map((c) => `${c} = ?`).join(", ")
      } WHERE ${where}`,
    );
    (select as unknown as { setReturnArrays(on: boolean): void }).setReturnArrays(true);
    const nk = spec.key.length;
    let inserted = 0, unchanged = 0, updated = 0;
    for (const row of rows) {
      const key = row.slice(0, nk);
      const vals = row.slice(nk);
      const stored = select.get(...key) as unknown as SQLInputValue[] | undefined;
      if (stored === undefined) {
        insert.run(...row, prov.source, prov.fetchedAt, prov.runId);
        inserted++;
      } else if (stored.every((v, i) => v === vals[i])) {
        unchanged++;
      } else {
        update.run(...vals, prov.source, prov.fetchedAt, prov.runId, ...key);
        updated++;
      }
    }
    return { inserted, unchanged, updated };
  };
  if (db.isTransaction) return run();
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = run();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

/** Throw when `v` is not finite: the store holds finite numbers only (the gates run first). */
export function requireFinite(v: number | null, what: string, table: string): void {
  if (v !== null && !Number.isFinite(v)) {
    throw new RangeError(
      `Cannot write ${table}: ${what} is ${v}; the store holds finite numbers only. Gate rows ` +
        "with the perp rules (lib/ingest/gates/perp_gates.ts) first.",
    );
  }
}
