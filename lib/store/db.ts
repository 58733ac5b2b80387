/**
 * Opening the SQLite store: path resolution, pragmas, migrations and the pre-migration backup.
 *
 * We use `node:sqlite` (built into Deno) rather than `jsr:@db/sqlite`: JSR is unreachable from
 * our build machines and `@db/sqlite` downloads a native library at run time.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { LATEST_VERSION, MIGRATIONS } from "./migrations.ts";

/** The default store, relative to the working directory (the repository root for tasks). */
export const DEFAULT_DB_PATH = "data/cryptolab.db";

/**
 * Resolve the database path: an explicit `--db` value wins, then `CRYPTOLAB_DB`, then
 * {@link DEFAULT_DB_PATH}.
 *
 * @example
 * ```ts
 * import { resolveDbPath } from "@lib/store/db.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveDbPath("/tmp/x.db"), "/tmp/x.db");
 * ```
 */
export function resolveDbPath(flag?: string): string {
  if (flag !== undefined && flag !== "") return flag;
  let env: string | undefined;
  try {
    env = Deno.env.get("CRYPTOLAB_DB");
  } catch {
    env = undefined; // no --allow-env: fall back to the default
  }
  return env !== undefined && env !== "" ? env : DEFAULT_DB_PATH;
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Open without writing: no migrations, no WAL switch. Default false. */
  readonly readOnly?: boolean;
  /** Copy an existing file before migrating it. Default true. */
  readonly backup?: boolean;
  /** Milliseconds to wait for a lock held by another process. Default 10,000. */
  readonly busyTimeoutMs?: number;
}

/** What {@link openStore} did to the file. */
export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  readonly backupPath: string | undefined;
}

/** An open store and what opening it did. */
export interface Store {
  readonly db: DatabaseSync;
  readonly path: string;
  readonly migration: MigrationReport;
  close(): void;
}

/**
 * Open (creating if needed) the store at `path`, apply pending migrations and return it.
 *
 * WAL journaling lets notebooks read while a task writes; `synchronous=NORMAL` in WAL mode keeps
 * every committed transaction across a process kill (only an OS crash can lose the last ones).
 *
 * @example Open an in-memory store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { LATEST_VERSION } from "@lib/store/migrations.ts";
 * import assert from "node:assert/strict";
 * const store = openStore(":memory:");
 * const row = store.db.prepare("SELECT max(version) AS v FROM schema_migrations").get();
 * assert.equal(row?.v, LATEST_VERSION);
 * store.close();
 * ```
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const readOnly = options.readOnly ?? false;
  const inMemory = path === ":memory:";
  const existed = !inMemory && existsSync(path) && statSync(path).size > 0;
  if (!inMemory && !readOnly) mkdirSync(dirname(path), { recursive: true });
  if (readOnly && !existed && !inMemory) {
    throw new Error(
      `Cannot open store "${path}" read-only: the file does not exist. ` +
        `Import data first (deno task import ...) or pass --db <path>.`,
    );
  }
  const db = new DatabaseSync(path, { readOnly });
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
  if (readOnly) {
    return {
      db,
      path,
      migration: { from: currentVersion(db), to: currentVersion(db), backupPath: undefined },
      close: () => db.close(),
    };
  }
  if (!inMemory) db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  const migration = migrate(db, path, existed && (options.backup ?? true));
  return { db, path, migration, close: () => db.close() };
}

function currentVersion(db: DatabaseSync): number {
  const has = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  ).get();
  if (has === undefined) return 0;
  const row = db.prepare("SELECT max(version) AS v FROM schema_migrations").get();
  return Number(row?.v ?? 0);
}

function migrate(db: DatabaseSync, path: string, backup: boolean): MigrationReport {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  );
  const from = currentVersion(db);
  if (from > LATEST_VERSION) {
    throw new Error(
      `Store "${path}" has schema version ${from}, newer than this code (${LATEST_VERSION}). ` +
        `Update cryptolab (git pull) or open another file with --db.`,
    );
  }
  let backupPath: string | undefined;
  const pending = MIGRATIONS.filter((m) => m.version > from);
  if (pending.length > 0 && backup) {
    backupPath = `${path}.v${from}.${new Date().toISOString().replace(/[:.]/g, "-")}.bak`;
    // VACUUM INTO writes a consistent copy even while the WAL holds uncheckpointed pages.
    db.prepare("VACUUM INTO ?").run(backupPath);
  }
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  for (const m of pending) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
      db.exec("COMMIT");
    } catch (e) {
      db.exec("ROLLBACK");
      throw new Error(
        `Migration ${m.version} (${m.name}) failed on "${path}" and was rolled back: ${
          (e as Error).message
        }`,
      );
    }
  }
  return { from, to: Math.max(from, LATEST_VERSION), backupPath };
}

/**
 * Run `fn` inside one IMMEDIATE transaction: all of its writes land, or none do.
 *
 * @example
 * ```ts
 * import { openStore, withTransaction } from "@lib/store/db.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.throws(() =>
 *   withTransaction(db, () => {
 *     db.exec("INSERT INTO provider_health (provider, state, updated_at) VALUES ('x', 'closed', 0)");
 *     throw new Error("boom");
 *   })
 * );
 * assert.equal(db.prepare("SELECT count(*) AS n FROM provider_health").get()?.n, 0);
 * ```
 */
export function withTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const out = fn();
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}
