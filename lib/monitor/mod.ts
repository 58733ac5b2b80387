/**
 * The live monitor's pure logic (no I/O, no clock): alert rules as a step function with
 * deterministic alert ids, and paper trading of the pairs z-score rule. The server
 * (`lib/pipeline/monitor/`) feeds them bars and clock ticks and stores what they return with
 * `lib/store/monitor_*.ts`.
 *
 * Alerts, as the server wires them:
 *
 * ```text
 * rules = [{kind: "z-score", subject: "BTCUSDT:ETHUSDT", threshold: 2, hysteresis: 0.5, minBars: 1},
 *          {kind: "cointegration", subject: "BTCUSDT:ETHUSDT", level: 0.1},
 *          {kind: "price", subject: "BTCUSDT", level: 100000, direction: "above"},
 *          {kind: "stale", subject: "BTCUSDT", maxSilenceMs: 60000}]
 * start-up: state = replayAlerts(rules, observations of the stored bars).state
 *           (insertAlerts(db, replay.alerts, {webhookUrls}) stores the ones a kill -9 lost)
 * each bar close: {state, alerts} = stepAlerts(rules, state, {kind: "bar", subject, ts, z, pValue, close})
 *                 insertAlerts(db, alerts, {webhookUrls}) -> .inserted are new: print, SSE
 * every second:   stepAlerts(rules, state, {kind: "clock", subject, now, lastTradeTs, startedAt})
 * ```
 *
 * @module
 */
export * from "./alert_types.ts";
export * from "./alert_rules.ts";
