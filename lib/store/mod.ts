/**
 * The SQLite store: opening and migrating it, and the few functions that read and write each
 * table. Only this folder writes SQL.
 *
 * @module
 */
export * from "./db.ts";
export * from "./notebook_store.ts";
export * from "./migrations.ts";
export * from "./bars.ts";
export * from "./bars_span.ts";
export * from "./blocks.ts";
export * from "./trades.ts";
export * from "./gaps.ts";
export * from "./fingerprint.ts";
export * from "./quarantine.ts";
export * from "./runs.ts";
export * from "./instruments.ts";
export * from "./provider_health.ts";
export * from "./snapshots.ts";
export * from "./stream_writes.ts";
export * from "./last_good_quotes.ts";
export * from "./factors.ts";
export * from "./trials.ts";
export * from "./regimes.ts";
export * from "./perp_funding.ts";
export * from "./perp_price_klines.ts";
export * from "./perp_open_interest.ts";
export * from "./perp_liquidations.ts";
export * from "./monitor_alerts.ts";
export * from "./monitor_webhooks.ts";
export * from "./monitor_paper.ts";
