/**
 * The live monitor (`deno task monitor`): the trade stream into the store, the pairs' analytics
 * recomputed with the research library's estimators on every bar close, and a local HTTP server
 * with the dashboard, a JSON API described by OpenAPI, Server-Sent Events with a polling
 * fallback, CSV/Parquet export and OHLC upload.
 *
 * @module
 */
export * from "./pair_analytics.ts";
export * from "./pair_closes.ts";
export * from "./analytics_service.ts";
export * from "./events.ts";
export * from "./params.ts";
export * from "./openapi.ts";
export * from "./dashboard.ts";
export * from "./upload.ts";
export * from "./server.ts";
export * from "./run_monitor.ts";
export * from "./alert_loop.ts";
export * from "./paper_loop.ts";
export * from "./history.ts";
