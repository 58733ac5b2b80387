/**
 * The webhook outbox of the live monitor (migration 11): `monitor_webhook_outbox` (one row per
 * alert and URL, queued by `insertAlerts` in the alert's own transaction) and
 * `monitor_webhook_attempts` (one appended row per delivery attempt: `delivered`, `failed` with
 * the time of the next try, or `abandoned` after the last try). Both are append-only. A
 * delivery is pending while its outbox row has neither a `delivered` nor an `abandoned` attempt
 * (a partial unique index allows one of those per row).
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { rowToAlert, type StoredMonitorAlert } from "./monitor_alerts.ts";

/** A queued delivery that is neither delivered nor abandoned. */
export interface PendingDelivery {
  readonly outboxId: number;
  readonly url: string;
  /** The alert to send (its id is the idempotency key). */
  readonly alert: StoredMonitorAlert;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (UTC ms): queue time for the first, else the last failure's. */
  readonly dueAt: number;
}

/**
 * Deliveries still to make, oldest queue row first (at most `limit`, default 1000). With
 * `dueBy`, only those due at or before that time (filtered before the limit, so deliveries
 * waiting for a retry never hide due ones).
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { insertAlerts } from "@lib/store/monitor_alerts.ts";
 * import { pendingDeliveries, recordDeliveryAttempt } from "@lib/store/monitor_webhooks.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const a = { id: "p/BTCUSDT/0", ruleId: "p", kind: "price" as const, subject: "BTCUSDT", ts: 0,
 *   value: 101, threshold: 100, side: "above" as const, message: "up" };
 * insertAlerts(db, [a], { webhookUrls: ["http://127.0.0.1:9/h"], now: 1000 });
 * const [d] = pendingDeliveries(db);
 * recordDeliveryAttempt(db, { outboxId: d!.outboxId, at: 1100, outcome: "failed", httpStatus: 503, nextAttemptAt: 2100 });
 * assert.equal(pendingDeliveries(db, { dueBy: 2000 }).length, 0);
 * assert.equal(pendingDeliveries(db, { dueBy: 2100 })[0]!.attempts, 1);
 * recordDeliveryAttempt(db, { outboxId: d!.outboxId, at: 2100, outcome: "delivered", httpStatus: 200 });
 * assert.equal(pendingDeliveries(db).length, 0);
 * ```
 */
export function pendingDeliveries(
  db: DatabaseSync,
  options: { readonly dueBy?: number; readonly limit?: number } = {},
): PendingDelivery[] {
  const rows = db.prepare(
    `SELECT * FROM (SELECT o.outbox_id, o.url, o.created_at AS queued_at, a.*,
        (SELECT count(*) FROM monitor_webhook_attempts t WHERE t.outbox_id = o.outbox_id) AS n,
        (SELECT t.next_attempt_at FROM monitor_webhook_attempts t WHERE t.outbox_id = o.outbox_id
          ORDER BY t.attempt DESC LIMIT 1) AS next_at
       FROM monitor_webhook_outbox o JOIN monitor_alerts a ON a.alert_id = o.alert_id
       WHERE NOT EXISTS (SELECT 1 FROM monitor_webhook_attempts t WHERE t.outbox_id = o.outbox_id
         AND t.outcome IN ('delivered', 'abandoned')))
     WHERE (CASE WHEN n = 0 THEN queued_at ELSE coalesce(next_at, queued_at) END) <= ?
     ORDER BY outbox_id LIMIT ?`,
  ).all(options.dueBy ?? Number.MAX_VALUE, options.limit ?? 1000) as Record<
    string,
    SQLInputValue
  >[];
  const out: PendingDelivery[] = [];
  for (const r of rows) {
    const attempts = Number(r.n);
    out.push({
      outboxId: Number(r.outbox_id),
      url: String(r.url),
      alert: rowToAlert(r),
      attempts,
      dueAt: attempts === 0 ? Number(r.queued_at) : Number(r.next_at ?? r.queued_at),
    });
  }
  return out;
}

/** One delivery attempt to record. */
export interface DeliveryAttempt {
  readonly outboxId: number;
  /** When the response (or the error) came, UTC ms. */
  readonly at: number;
  /** `delivered` (a 2xx), `failed` (will be tried again at `nextAttemptAt`), `abandoned` (no more tries). */
  readonly outcome: "delivered" | "failed" | "abandoned";
  readonly httpStatus?: number | undefined;
  /** What went wrong (network error, status text), for `failed` and `abandoned`. */
  readonly error?: string | undefined;
  /** Required for `failed`. */
  readonly nextAttemptAt?: number | undefined;
}

/**
 * Append one attempt (numbered after the earlier ones) in one statement, so marking a delivery
 * done and recording its response are the same write. Returns the attempt number. Refuses a
 * second `delivered`/`abandoned` for the same outbox row (the unique index), e.g. from two
 * workers racing: the caller sees the error and does not count the delivery twice.
 */
export function recordDeliveryAttempt(db: DatabaseSync, a: DeliveryAttempt): number {
  if (a.outcome === "failed" && !Number.isFinite(a.nextAttemptAt)) {
    throw new RangeError("Cannot record a failed webhook attempt without nextAttemptAt");
  }
  const r = db.prepare(
    `INSERT INTO monitor_webhook_attempts (outbox_id, attempt, at, outcome, http_status, error,
       next_attempt_at)
     SELECT ?, coalesce(max(attempt), 0) + 1, ?, ?, ?, ?, ? FROM monitor_webhook_attempts
       WHERE outbox_id = ?
     RETURNING attempt`,
  ).get(
    a.outboxId,
    a.at,
    a.outcome,
    a.httpStatus ?? null,
    a.error ?? null,
    a.outcome === "failed" ? a.nextAttemptAt! : null,
    a.outboxId,
  );
  return Number(r?.attempt);
}

/** One outbox row with its attempts (what the API shows). */
export interface DeliveryStatus {
  readonly outboxId: number;
  readonly alertId: string;
  readonly url: string;
  readonly queuedAt: number;
  readonly state: "pending" | "delivered" | "abandoned";
  readonly attempts: number;
  /** The last attempt's time, status and error (undefined before the first). */
  readonly lastAt: number | undefined;
  readonly lastStatus: number | undefined;
  readonly lastError: string | undefined;
}

/** Every outbox row of an alert (or all rows, newest `limit`), with its delivery state. */
export function deliveryStatus(
  db: DatabaseSync,
  options: { readonly alertId?: string; readonly limit?: number } = {},
): DeliveryStatus[] {
  const rows = db.prepare(
    `SELECT * FROM (SELECT o.outbox_id, o.alert_id, o.url, o.created_at,
        (SELECT count(*) FROM monitor_webhook_attempts t WHERE t.outbox_id = o.outbox_id) AS n,
        l.at, l.outcome, l.http_status, l.error
      FROM monitor_webhook_outbox o
      LEFT JOIN monitor_webhook_attempts l ON l.outbox_id = o.outbox_id AND l.attempt =
        (SELECT max(attempt) FROM monitor_webhook_attempts t WHERE t.outbox_id = o.outbox_id)
      ${options.alertId === undefined ? "" : "WHERE o.alert_id = ?"}
      ORDER BY o.outbox_id DESC LIMIT ?) ORDER BY outbox_id`,
  ).all(
    ...(options.alertId === undefined ? [] : [options.alertId]),
    options.limit ?? 1000,
  ) as Record<string, SQLInputValue>[];
  return rows.map((r) => ({
    outboxId: Number(r.outbox_id),
    alertId: String(r.alert_id),
    url: String(r.url),
    queuedAt: Number(r.created_at),
    state: r.outcome === "delivered" || r.outcome === "abandoned" ? r.outcome : "pending",
    attempts: Number(r.n),
    lastAt: r.at === null ? undefined : Number(r.at),
    lastStatus: r.http_status === null ? undefined : Number(r.http_status),
    lastError: r.error === null ? undefined : String(r.error),
  }));
}
