/**
 * The `ingest_runs` table: one row per task run that wrote to the store, referenced by the
 * `run_id` of every row it wrote.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** Final state of a run. */
export type RunStatus = "ok" | "failed" | "interrupted";

/**
 * Record the start of a task run and return its id. It commits at once, so a run killed midway
 * stays visible as `running`.
 */
export function startRun(db: DatabaseSync, task: string, params: unknown): number {
  const r = db.prepare(
    "INSERT INTO ingest_runs (task, params, started_at, status) VALUES (?, ?, ?, 'running')",
  ).run(task, JSON.stringify(params ?? {}), Date.now());
  return Number(r.lastInsertRowid);
}

/** Record how a run ended. */
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
}
