/**
 * What the start-up replay of the alert rules reports as new (before: every alert it found
 * for a bar not stored yet was printed and POSTed, so a `--price-alert` added on a restart
 * sent alerts for bars 8 minutes old):
 * - a rule added on this start does not fire for old bars (nothing stored, printed or queued);
 * - an alert a kill lost (the newest bar, never stored) of a rule with stored alerts is stored,
 *   reported and queued for the webhook, even after a long stop;
 * - an older alert the previous process never stored (it stepped that bar and did not fire; a
 *   replay from another start can differ) is neither stored, reported nor queued.
 * The rule's state is replayed either way: it fires on the next live crossing only.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { insertAlerts, listAlerts } from "@lib/store/monitor_alerts.ts";
import { pendingDeliveries } from "@lib/store/monitor_webhooks.ts";
import { alertId, type AlertRule } from "@lib/monitor/mod.ts";
import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
import { AlertLoop } from "@lib/pipeline/monitor/alert_loop.ts";

const T0 = Date.UTC(2024, 0, 1);
const M = 60_000;
const N = 200;
const RULE: AlertRule = {
  kind: "price",
  subject: "BTCUSDT",
  level: 105,
  direction: "above",
  hysteresis: 1,
  minBars: 1,
};
const RULE_ID = "price-above-105";
const PAIR = { y: "BTCUSDT", x: "ETHUSDT" };

/** BTC crosses 105 at bars 100-104 and again at the newest bar, 199. */
function put(db: ReturnType<typeof openStore>["db"], symbol: string, from: number, to: number) {
  const ts = Float64Array.from({ length: to - from }, (_, k) => T0 + (from + k) * M);
  const close = ts.map((t) => {
    const i = (t - T0) / M;
    if (symbol === "ETHUSDT") return 50 + Math.sin(i / 5);
    return (i >= 100 && i < 105) || i === 199 ? 106 : 100 + 2 * Math.sin(i / 7);
  });
  const v = close.map(() => 1);
  writeBars(db, {
    venue: "binance",
    symbol,
    freq: "1m",
    ts,
    open: close,
    high: close,
    low: close,
    close,
    volume: v,
    quoteVolume: v,
    tradeCount: v,
    vwap: close,
    complete: new Uint8Array(ts.length).fill(1),
  }, { source: "file:test" });
}

function setup(storedBars: number[]) {
  const opened = openStore(":memory:");
  for (const s of ["BTCUSDT", "ETHUSDT"]) put(opened.db, s, 0, N);
  // what the previous process stored for this rule
  insertAlerts(
    opened.db,
    storedBars.map((i) => ({
      id: alertId(RULE_ID, "BTCUSDT", T0 + i * M),
      ruleId: RULE_ID,
      kind: "price" as const,
      subject: "BTCUSDT",
      ts: T0 + i * M,
      value: 106,
      threshold: 105,
      side: "above" as const,
      message: "stored before",
    })),
    { webhookUrls: ["http://127.0.0.1:9/hook"], now: T0 },
  );
  const loop = new AlertLoop(opened.db, new AnalyticsService(opened.db, "binance"), {
    venue: "binance",
    pairs: [PAIR],
    freq: "1m",
    window: 30,
    z: 2,
    hedge: "rolling-ols",
    rules: [RULE],
    webhookUrls: ["http://127.0.0.1:9/hook"],
    startedAt: T0 + 208 * M,
  });
  return { ...opened, loop };
}

const stored = (db: ReturnType<typeof openStore>["db"]) =>
  listAlerts(db, { subject: "BTCUSDT" }).map((a) => (a.ts - T0) / M);
const queued = (db: ReturnType<typeof openStore>["db"]) =>
  pendingDeliveries(db, { dueBy: Number.MAX_SAFE_INTEGER }).map((d) => (d.alert.ts - T0) / M);

Deno.test("alerts on restart: a rule added on this start does not fire for old bars", () => {
  const { db, close, loop } = setup([]);
  try {
    // restarted 8 minutes after the newest bar, with the price rule new
    const fired = loop.start(T0 + 208 * M);
    assert.deepEqual(fired, []);
    assert.deepEqual(stored(db), [], "the crossings at bars 100 and 199 of a new rule");
    assert.deepEqual(queued(db), []);
    // live bars after the start step on from the replayed state (these stay below 105)
    put(db, "BTCUSDT", N, N + 3);
    put(db, "ETHUSDT", N, N + 3);
    const live = loop.onPairBar(PAIR, T0 + 210 * M);
    assert.deepEqual(live.map((a) => (a.ts - T0) / M), [], "bars 200-202 are below 105");
  } finally {
    close();
  }
});

Deno.test("alerts on restart: an alert a kill lost is reported and queued; older ones are not raised", () => {
  // the previous process stored the bar-20 alert (an earlier setting) and was killed after
  // storing bar 199 but before its alert
  const { db, close, loop } = setup([20]);
  try {
    const fired = loop.start(T0 + 208 * M);
    assert.deepEqual(fired.map((a) => (a.ts - T0) / M), [199], "the lost alert is news");
    // bar 100: the previous process stepped it and stored nothing: not an alert now either
    assert.deepEqual(stored(db), [20, 199]);
    assert.deepEqual(queued(db), [20, 199]);
    // a second start reports nothing (all stored)
    const { loop: again } = {
      loop: new AlertLoop(db, new AnalyticsService(db, "binance"), {
        venue: "binance",
        pairs: [PAIR],
        freq: "1m",
        window: 30,
        z: 2,
        hedge: "rolling-ols",
        rules: [RULE],
        webhookUrls: ["http://127.0.0.1:9/hook"],
        startedAt: T0 + 209 * M,
      }),
    };
    assert.deepEqual(again.start(T0 + 209 * M), []);
  } finally {
    close();
  }
});
