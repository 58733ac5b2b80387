/**
 * Stores written by earlier versions of cryptolab, for upgrade tests: the migrations truncated
 * at version k, in WAL mode like a task leaves them, with hourly bars of five assets.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "@lib/store/migrations.ts";
import { createRng } from "@lib/stats/rng.ts";

/** The symbols of {@link buildStoreAt}'s bars (venue `binance`, freq `1h`). */
export const OLD_STORE_SYMBOLS: readonly string[] = [
  "BTCUSDT",
  "ETHUSDT",
  "SOLUSDT",
  "XRPUSDT",
  "ADAUSDT",
];

/** Hourly bars per symbol in {@link buildStoreAt}'s store: 40 days from 2024-01-01. */
export const OLD_STORE_BARS = 24 * 40;

/** First bar of {@link buildStoreAt}'s store, epoch ms. */
export const OLD_STORE_START = Date.UTC(2024, 0, 1);

/**
 * Write a store at schema `version` to `path` (which must not exist): migrations 1..version as
 * that release applied them, recorded in `schema_migrations`, then seeded random-walk hourly
 * bars written with the columns of migration 1 (a released migration is never edited, so
 * these statements stay valid).
 */
export function buildStoreAt(path: string, version: number): void {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(
      `CREATE TABLE schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    );
    const record = db.prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)",
    );
    for (const m of MIGRATIONS.filter((m) => m.version <= version)) {
      db.exec(m.sql);
      record.run(m.version, m.name);
    }
    const insert = db.prepare(
      `INSERT INTO bars (venue, symbol, freq, ts, open, high, low, close, volume, complete,
                         source)
       VALUES ('binance', ?, '1h', ?, ?, ?, ?, ?, ?, 1, 'fixture')`,
    );
    const rng = createRng(20261206);
    db.exec("BEGIN");
    OLD_STORE_SYMBOLS.forEach((symbol, k) => {
      let price = 100 * (k + 1);
      for (let i = 0; i < OLD_STORE_BARS; i++) {
        const open = price;
        price *= Math.exp(0.01 * (rng.next() - 0.5));
        const close = price;
        const high = Math.max(open, close) * 1.001;
        const low = Math.min(open, close) * 0.999;
        insert.run(symbol, OLD_STORE_START + i * 3_600_000, open, high, low, close, 10 + i % 7);
      }
    });
    db.exec("COMMIT");
  } finally {
    db.close();
  }
}

/** The highest version recorded in the store's `schema_migrations`. */
export function schemaVersion(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number(db.prepare("SELECT max(version) AS v FROM schema_migrations").get()?.v ?? 0);
  } finally {
    db.close();
  }
}

/** Number of rows in `bars`. */
export function barCount(path: string): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return Number(db.prepare("SELECT count(*) AS n FROM bars").get()?.n ?? 0);
  } finally {
    db.close();
  }
}
