/**
 * Opening the SQLite store: path resolution, pragmas, migrations and the pre-migration backup.
 *
 * We use `node:sqlite` (built into Deno) rather than `jsr:@db/sqlite`: JSR is unreachable from
 * our build machines and `@db/sqlite` downloads a native library at run time.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { LATEST_VERSION, MIGRATIONS } from "./migrations.ts";
import { markInterruptedRuns } from "./runs.ts";

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
  /**
   * Open for reading only. A store at an older schema version is first upgraded (backed up and
   * migrated, which needs write access to its folder), then reopened read-only. Default false.
   */
  readonly readOnly?: boolean;
  /**
   * Refuse to create a store: a missing or empty file is an error saying how to create one.
   * Default false (a read-write open creates the file).
   */
  readonly mustExist?: boolean;
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
  if (!existed && !inMemory && (readOnly || (options.mustExist ?? false))) {
    throw new Error(
      `Store "${path}" does not exist. Create it with data first (deno task import <files> ` +
        `--db ${path}, deno task backfill ... --db ${path} or deno task demo --db ${path}), ` +
        `or check the path given to --db or CRYPTOLAB_DB (default ${DEFAULT_DB_PATH}).`,
    );
  }
  if (!inMemory && !readOnly) mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { readOnly });
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 10_000)}`);
  if (readOnly) {
    const version = currentVersion(db);
    if (version > LATEST_VERSION) {
      db.close();
      throw newerStoreError(path, version);
    }
    if (version === LATEST_VERSION || inMemory) {
      return {
        db,
        path,
        migration: { from: version, to: version, backupPath: undefined },
        close: () => db.close(),
      };
    }
    // An older store: upgrade it once (with its backup), then serve it read-only.
    db.close();
    const migration = upgradeForReading(path, version, options);
    const reopened = openStore(path, { ...options, mustExist: true });
    return { ...reopened, migration };
  }
  if (!inMemory) db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  try {
    const migration = migrate(db, path, existed && (options.backup ?? true));
    // a run left `running` by a killed process is marked `interrupted` (lib/store/runs.ts)
    markInterruptedRuns(db);
    return { db, path, migration, close: () => db.close() };
  } catch (e) {
    db.close();
    throw e;
  }
}

function upgradeForReading(
  path: string,
  version: number,
  options: OpenStoreOptions,
): MigrationReport {
  let writable: Store;
  try {
    writable = openStore(path, { ...options, readOnly: false, mustExist: true });
  } catch (e) {
    throw new Error(
      `Store "${path}" has schema version ${version} and this code needs ${LATEST_VERSION}; ` +
        `upgrading it needs write access to its folder: ${(e as Error).message}`,
    );
  }
  writable.close();
  return writable.migration;
}

function currentVersion(db: DatabaseSync): number {
  const has = db.prepare(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
  ).get();
  if (has === undefined) return 0;
  const row = db.prepare("SELECT max(version) AS v FROM schema_migrations").get();
  return Number(row?.v ?? 0);
}

function newerStoreError(path: string, version: number): Error {
  return new Error(
    `Store "${path}" has schema version ${version}, newer than this code (${LATEST_VERSION}). ` +
      `Update cryptolab (git pull) or open another file with --db.`,
  );
}

function migrate(db: DatabaseSync, path: string, backup: boolean): MigrationReport {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  );
  const from = currentVersion(db);
  if (from > LATEST_VERSION) throw newerStoreError(path, from);
  let backupPath: string | undefined;
  const pending = MIGRATIONS.filter((m) => m.version > from);
  if (pending.length > 0 && backup) {
    backupPath = `${path}.v${from}.${new Date().toISOString().replace(/[:.]/g, "-")}.bak`;
    backupStoreFile(db, path, backupPath);
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
 * Copy the store at `path` to `backupPath` as one self-contained SQLite file, consistent even
 * while other processes read or write it.
 *
 * Not `VACUUM INTO` (nor `ATTACH`): Deno's `node:sqlite` allows no attached database unless every
 * permission is granted ("too many attached databases - max 0"), so a store one version behind
 * could only be upgraded with `-A`. Not `node:sqlite`'s `backup()` either: it is asynchronous and
 * opening a store is synchronous. Instead: checkpoint the WAL into the file, take the write lock
 * (BEGIN IMMEDIATE: no other connection can commit, so the WAL cannot be reset), copy the file and
 * whatever WAL remains (frames a reader kept from the checkpoint, or a concurrent checkpoint is
 * copying: the WAL copy holds every page such a checkpoint may be writing), release the lock, then
 * fold the copied WAL into the backup and switch it to a rollback journal so it is one file. Only
 * the store's folder is touched, which every task that opens the store may write.
 */
function backupStoreFile(db: DatabaseSync, path: string, backupPath: string): void {
  const wal = `${path}-wal`;
  const backupWal = `${backupPath}-wal`;
  db.exec("PRAGMA wal_checkpoint(PASSIVE)"); // PASSIVE: never waits for a reader
  db.exec("BEGIN IMMEDIATE");
  try {
    copyFileSync(path, backupPath);
    if (existsSync(wal) && statSync(wal).size > 0) copyFileSync(wal, backupWal);
  } finally {
    db.exec("ROLLBACK");
  }
  const copy = new DatabaseSync(backupPath);
  try {
    copy.exec("PRAGMA journal_mode = DELETE"); // checkpoints the copied WAL, then removes it
    const check = copy.prepare("PRAGMA quick_check").get()?.quick_check;
    if (check !== "ok") {
      throw new Error(`the copy failed SQLite's quick_check: ${String(check)}`);
    }
  } catch (e) {
    copy.close();
    rmSync(backupPath, { force: true });
    rmSync(backupWal, { force: true });
    throw new Error(
      `Cannot back up "${path}" to "${backupPath}" before migrating it: ${(e as Error).message}`,
    );
  }
  copy.close();
  rmSync(`${backupPath}-shm`, { force: true });
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
