/**
 * The live monitor's alerts (migration 11): `monitor_alerts`, append-only, one row per
 * deterministic alert id; and the webhook outbox that queues each new alert for each webhook
 * URL in the same transaction, so an alert is never stored without its delivery queued (nor
 * queued twice when a replay re-creates it).
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { withTransaction } from "./db.ts";

/** An alert as `lib/monitor`'s rules emit it (`Alert` there has this shape). */
export interface MonitorAlertInput {
  /** Deterministic id (`rule/subject/ts`): the primary key. */
  readonly id: string;
  readonly ruleId: string;
  readonly kind: "z-score" | "price" | "cointegration" | "stale";
  readonly subject: string;
  /** Bar open time (UTC ms) that fired. */
  readonly ts: number;
  readonly value: number;
  readonly threshold: number;
  readonly side: "above" | "below";
  readonly message: string;
}

/** A stored alert. */
export interface StoredMonitorAlert extends MonitorAlertInput {
  /** When it was stored (UTC ms, the writing process's clock). */
  readonly createdAt: number;
}

/** Options of {@link insertAlerts}. */
export interface InsertAlertsOptions {
  /** Webhook URLs each NEW alert is queued for (an alert already stored is not queued again). @default [] */
  readonly webhookUrls?: readonly string[];
  /** The clock. @default Date.now() */
  readonly now?: number;
}

/** What {@link insertAlerts} returns. */
export interface InsertedAlerts {
  /** The alerts that were new (stored now), in input order. */
  readonly inserted: readonly MonitorAlertInput[];
  /** Alerts already stored under their id (a replay): nothing was written for them. */
  readonly repeated: number;
  /** Outbox rows queued. */
  readonly queued: number;
}

/**
 * Store alerts, each at most once (its id is the primary key: an alert re-created by a replay
 * after a restart is skipped, not duplicated), and queue every NEW one in the webhook outbox for
 * each of `webhookUrls`, all in one transaction: a process killed midway stores neither the
 * alert nor its queue row, so the replay after restart stores and queues it then.
 *
 * @example A replay inserts nothing new
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { insertAlerts, listAlerts } from "@lib/store/monitor_alerts.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const a = { id: "z-score>=2/BTCUSDT:ETHUSDT/60000", ruleId: "z-score>=2", kind: "z-score" as const,
 *   subject: "BTCUSDT:ETHUSDT", ts: 60000, value: 2.1, threshold: 2, side: "above" as const, message: "z 2.1" };
 * assert.equal(insertAlerts(db, [a], { webhookUrls: ["http://127.0.0.1:9/hook"] }).inserted.length, 1);
 * const again = insertAlerts(db, [a], { webhookUrls: ["http://127.0.0.1:9/hook"] });
 * assert.deepEqual([again.inserted.length, again.repeated, again.queued], [0, 1, 0]);
 * assert.equal(listAlerts(db).length, 1);
 * ```
 */
export function insertAlerts(
  db: DatabaseSync,
  alerts: readonly MonitorAlertInput[],
  options: InsertAlertsOptions = {},
): InsertedAlerts {
  const now = options.now ?? Date.now();
  const urls = options.webhookUrls ?? [];
  for (const u of urls) {
    if (typeof u !== "string" || u === "") {
      throw new RangeError("Cannot queue webhooks: a webhook URL is empty");
    }
  }
  if (alerts.length === 0) return { inserted: [], repeated: 0, queued: 0 };
  const ins = db.prepare(
    `INSERT INTO monitor_alerts (alert_id, rule_id, kind, subject, ts, value, threshold, side,
       message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (alert_id) DO NOTHING`,
  );
  const queue = db.prepare(
    `INSERT INTO monitor_webhook_outbox (alert_id, url, created_at) VALUES (?, ?, ?)
     ON CONFLICT (alert_id, url) DO NOTHING`,
  );
  return withTransaction(db, () => {
    const inserted: MonitorAlertInput[] = [];
    let repeated = 0, queued = 0;
    for (const a of alerts) {
      const r = ins.run(
        a.id,
        a.ruleId,
        a.kind,
        a.subject,
        a.ts,
        Number.isFinite(a.value) ? a.value : null,
        a.threshold,
        a.side,
        a.message,
        now,
      );
      if (Number(r.changes) === 0) {
        repeated++;
        continue;
      }
      inserted.push(a);
      for (const u of urls) queued += Number(queue.run(a.id, u, now).changes);
    }
    return { inserted, repeated, queued };
  });
}

/** Options of {@link listAlerts}. */
export interface ListAlertsOptions {
  /** Only alerts with `ts` >= this (UTC ms). */
  readonly sinceTs?: number;
  /** Only alerts stored after this `createdAt` (UTC ms): what a poller has not seen yet. */
  readonly createdAfter?: number;
  /** Only this pair or symbol. */
  readonly subject?: string;
  /** The newest `limit` alerts (still returned oldest first). @default 1000 */
  readonly limit?: number;
}

/** A `monitor_alerts` row as a {@link StoredMonitorAlert} (for the outbox queries). */
export function rowToAlert(r: Record<string, SQLInputValue>): StoredMonitorAlert {
  return {
    id: String(r.alert_id),
    ruleId: String(r.rule_id),
    kind: String(r.kind) as StoredMonitorAlert["kind"],
    subject: String(r.subject),
    ts: Number(r.ts),
    value: r.value === null ? NaN : Number(r.value),
    threshold: Number(r.threshold),
    side: String(r.side) as "above" | "below",
    message: String(r.message),
    createdAt: Number(r.created_at),
  };
}

/**
 * Stored alerts, oldest first (by bar time, then id), filtered by the options.
 */
export function listAlerts(
  db: DatabaseSync,
  options: ListAlertsOptions = {},
): StoredMonitorAlert[] {
  const where: string[] = [];
  const args: SQLInputValue[] = [];
  if (options.sinceTs !== undefined) {
    where.push("ts >= ?");
    args.push(options.sinceTs);
  }
  if (options.createdAfter !== undefined) {
    where.push("created_at > ?");
    args.push(options.createdAfter);
  }
  if (options.subject !== undefined) {
    where.push("subject = ?");
    args.push(options.subject);
  }
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Cannot list alerts: limit must be an integer >= 1, got ${limit}`);
  }
  args.push(limit);
  const rows = db.prepare(
    `SELECT * FROM (SELECT * FROM monitor_alerts ${
      where.length ? `WHERE ${where.join(" AND ")}` : ""
    } ORDER BY ts DESC, alert_id DESC LIMIT ?) ORDER BY ts, alert_id`,
  ).all(...args);
  return rows.map((r) => rowToAlert(r as Record<string, SQLInputValue>));
}

/** One alert by id, or undefined. */
export function getAlert(db: DatabaseSync, id: string): StoredMonitorAlert | undefined {
  const r = db.prepare("SELECT * FROM monitor_alerts WHERE alert_id = ?").get(id);
  return r === undefined ? undefined : rowToAlert(r as Record<string, SQLInputValue>);
}
