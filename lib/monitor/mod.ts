/**
 * The live monitor's pure logic (no I/O, no clock): alert rules as a step function with
 * deterministic alert ids, and paper trading of the pairs z-score rule. The server
 * (`lib/pipeline/monitor/`) feeds them bars and clock ticks and stores what they return with
 * `lib/store/monitor_*.ts` (`lib/pipeline/monitor/alert_loop.ts` and `paper_loop.ts`, called by
 * `runMonitor`; webhook delivery in `lib/pipeline/monitor/webhook.ts`). The calls, step by step:
 *
 * Alerts:
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
 * Paper trading, per pair (both books share the pair's bars, `PaperBars`: the whole grid from
 * the account's first bar, NaN for a missing leg):
 *
 * ```text
 * options = {rule: {hedgeWindow: W, zWindow: Z, entry: z, exit, stop, hedge}, costs: [feeCost(...)], initialEquity}
 * account = ensurePaperAccount(db, {book: "rule", venue, ySymbol, xSymbol, freq, params: {rule, costs: "binance taker"}, initialEquity})
 * start-up: {state, firstTs} = loadPaperState(db, account.accountId)   (bars must start at firstTs)
 * each bar close: step = advancePaperRule(state, bars, options); appendPaperStep(db, account, step); state = step.state
 * manual book: insertManualOrder(db, manual.accountId, manualOrder(bars, {id, action}, options)) on POST;
 *              each bar close: advancePaperManual(state, bars, pendingManualOrders(db, id), options) -> appendPaperStep
 * API: listPaperMarks (equity curve, positions), listPaperFills (trade history), listPaperOrders,
 *      paperVsBacktest(bars, options, listPaperMarks(db, id)) (paper vs backtest P&L series)
 * between closes: markPaper(state, lastPriceY, lastPriceX) for a live mark
 * ```
 *
 * @module
 */
export * from "./alert_types.ts";
export * from "./alert_rules.ts";
export * from "./paper_types.ts";
export { initialPaperState, PAPER_DEFAULTS } from "./_paper_book.ts";
export * from "./paper_rule.ts";
export * from "./paper_vs_backtest.ts";
export * from "./paper_manual.ts";
export * from "./paper_trades.ts";
