/**
 * The `ingest_runs` table: one row per task run that wrote to the store, referenced by the
 * `run_id` of every row it wrote.
 *
 * A run is `running` from {@link startRun} until {@link finishRun} records how it ended: `ok`,
 * `failed` (with the error in `message`) or `interrupted` (a signal stopped it). A process that
 * is killed (kill -9, a crash, a power cut) cannot record anything, so while a run is going
 * its process holds an exclusive lock on a small file beside the store
 * (`<store>.run-<id>.lock`): the operating system releases it when the process dies, however it
 * dies. The next time the store is opened (`openStore` calls {@link markInterruptedRuns}), a
 * `running` run whose lock is free (or whose lock file is gone) is marked `interrupted`, with
 * the reason in `message`; a run whose lock is still held belongs to a live process (a stream
 * running beside a report) and is left alone.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** Final state of a run. */
export type RunStatus = "ok" | "failed" | "interrupted";

/** Lock files this process holds, by lock path. */
const held = new Map<string, Deno.FsFile>();

/** The file behind the `main` database, or undefined for an in-memory store. */
function storeFile(db: DatabaseSync): string | undefined {
  const rows = db.prepare("PRAGMA database_list").all();
  const main = rows.find((r) => r.name === "main");
  const file = main === undefined ? "" : String(main.file ?? "");
  return file === "" ? undefined : file;
}

function lockPath(file: string, runId: number): string {
  return `${file}.run-${runId}.lock`;
}

/** True when this process may write `path` (asked without a prompt). */
function mayWrite(path: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "write", path }).state === "granted" &&
      Deno.permissions.querySync({ name: "read", path }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Record the start of a task run and return its id. It commits at once, so a run killed midway
 * stays visible as `running` until the store is opened again (then it is marked
 * `interrupted`, see the module documentation).
 *
 * @example A run that ends with an error is marked failed with the reason
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { finishRun, startRun } from "@lib/store/runs.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const id = startRun(db, "import", { paths: ["x.csv"] });
 * finishRun(db, id, "failed", { message: "x.csv: line 3: invalid JSON" });
 * const row = db.prepare("SELECT status, message FROM ingest_runs WHERE run_id = ?").get(id);
 * assert.deepEqual({ ...row }, { status: "failed", message: "x.csv: line 3: invalid JSON" });
 * ```
 */
export function startRun(db: DatabaseSync, task: string, params: unknown): number {
  const r = db.prepare(
    "INSERT INTO ingest_runs (task, params, started_at, status) VALUES (?, ?, ?, 'running')",
  ).run(task, JSON.stringify(params ?? {}), Date.now());
  const runId = Number(r.lastInsertRowid);
  const file = storeFile(db);
  if (file !== undefined && mayWrite(lockPath(file, runId))) {
    const path = lockPath(file, runId);
    try {
      const f = Deno.openSync(path, { read: true, write: true, create: true });
      if (f.tryLockSync(true)) held.set(path, f);
      else f.close();
    } catch {
      // no write permission beside the store: the run cannot prove it is alive, and a later
      // open will mark it interrupted if it is still running then (the row says so)
    }
  }
  return runId;
}

/** Record how a run ended (and release its lock). */
export function finishRun(
  db: DatabaseSync,
  runId: number,
  status: RunStatus,
  counts: { rowsWritten?: number; rowsQuarantined?: number; message?: string } = {},
): void {
  db.prepare(
    `UPDATE ingest_runs SET finished_at = ?, status = ?, rows_written = ?, rows_quarantined = ?,
       message = ? WHERE run_id = ?`,
  ).run(
    Date.now(),
    status,
    counts.rowsWritten ?? 0,
    counts.rowsQuarantined ?? 0,
    counts.message ?? null,
    runId,
  );
  const file = storeFile(db);
  if (file !== undefined) release(lockPath(file, runId));
}

function release(path: string): void {
  const f = held.get(path);
  held.delete(path);
  if (!mayWrite(path)) return;
  try {
    f?.close();
    Deno.removeSync(path);
  } catch {
    // already gone, or no permission: a stale lock file is harmless (it is free)
  }
}

/**
 * Mark every `running` run whose process is gone as `interrupted`, with the reason in
 * `message`. Returns the ids marked. Called by `openStore` on every store it opens for writing.
 *
 * @example A run left running by a killed process
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { markInterruptedRuns } from "@lib/store/runs.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * db.exec("INSERT INTO ingest_runs (task, params, started_at, status) VALUES ('backfill', '{}', 0, 'running')");
 * assert.deepEqual(markInterruptedRuns(db), [1]);
 * assert.equal(db.prepare("SELECT status FROM ingest_runs").get()?.status, "interrupted");
 * ```
 */
export function markInterruptedRuns(db: DatabaseSync, now: number = Date.now()): number[] {
  const running = db.prepare("SELECT run_id FROM ingest_runs WHERE status = 'running'").all()
    .map((r) => Number(r.run_id));
  if (running.length === 0) return [];
  const file = storeFile(db);
  const marked: number[] = [];
  const mark = db.prepare(
    `UPDATE ingest_runs SET status = 'interrupted', finished_at = ?, message = ?
     WHERE run_id = ? AND status = 'running'`,
  );
  for (const runId of running) {
    const path = file === undefined ? undefined : lockPath(file, runId);
    if (path !== undefined && held.has(path)) continue; // this process's own run
    if (path !== undefined && lockHeldElsewhere(path)) continue; // a live process's run
    const r = mark.run(
      now,
      `interrupted: the process ended without finishing the run (killed or crashed); ` +
        `found running when the store was opened at ${new Date(now).toISOString()}`,
      runId,
    );
    if (Number(r.changes) === 1) marked.push(runId);
    if (path !== undefined) release(path);
  }
  return marked;
}

/** True when another live process holds the lock file at `path`. */
function lockHeldElsewhere(path: string): boolean {
  if (!mayWrite(path)) return false;
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true, write: true });
  } catch {
    return false; // no lock file: nobody proves the run alive
  }
  try {
    if (!f.tryLockSync(true)) return true;
    f.unlockSync();
    return false;
  } catch {
    return false;
  } finally {
    f.close();
  }
}
