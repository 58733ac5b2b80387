/**
 * The monitor's alerts and paper wiring (lib/pipeline/monitor/alerts_paper.ts) on a store that
 * receives 1-minute bars one at a time, as the stream writes them: alerts stored once and POSTed
 * to a local webhook, both paper books advanced and stored per bar, the API's shapes, manual
 * orders from the page, and a restart midway (new process state, same store) that ends exactly
 * where an uninterrupted run ends.
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { writeBars } from "@lib/store/bars.ts";
import { listAlerts } from "@lib/store/monitor_alerts.ts";
import { pendingDeliveries } from "@lib/store/monitor_webhooks.ts";
import { listPaperFills, listPaperMarks } from "@lib/store/monitor_paper.ts";
import { pairsMeanReversion } from "@lib/backtest/strategies/pairs_mean_reversion.ts";
import { type Alert, replayAlerts } from "@lib/monitor/mod.ts";
import {
  createAlertsPaper,
  type MonitorPair,
  type PairBarAnalytics,
  type PaperApiJson,
} from "@lib/pipeline/monitor/alerts_paper.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const PAIR: MonitorPair = { y: "ETHUSDT", x: "BTCUSDT" };
const WINDOW = 30;

function series(n: number): { y: number[]; x: number[] } {
  let s = 4242;
  const u = () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
  const g = () => u() + u() + u() + u() - 2;
  const x: number[] = [], y: number[] = [];
  let lx = Math.log(40_000), e = 0;
  for (let t = 0; t < n; t++) {
    lx += 0.001 * g();
    e = 0.9 * e + 0.0015 * g();
    x.push(Math.exp(lx));
    y.push(Math.exp(-2.5 + 1.0 * lx + e));
  }
  return { y, x };
}

function putBar(db: DatabaseSync, symbol: string, t: number, close: number): void {
  const v = Float64Array.of(close);
  writeBars(db, {
    venue: "binance",
    symbol,
    freq: "1m",
    ts: Float64Array.of(T0 + t * MIN),
    open: v,
    high: v,
    low: v,
    close: v,
    volume: Float64Array.of(1),
    quoteVolume: Float64Array.of(close),
    tradeCount: Float64Array.of(1),
    vwap: v,
    complete: Uint8Array.of(1),
  }, { source: "test" });
}

/** What the server's analytics give: the pairs rule's z-score on the last `bars` + warm-up. */
function analyticsOf(y: number[], x: number[], upTo: number, bars: number): PairBarAnalytics {
  const from = Math.max(0, upTo - bars - 2 * WINDOW);
  const yy = y.slice(from, upTo), xx = x.slice(from, upTo);
  const r = pairsMeanReversion({ y: yy, x: xx }, { hedgeWindow: WINDOW, zWindow: WINDOW });
  return {
    analytics: {
      ts: yy.map((_, i) => T0 + (from + i) * MIN),
      y: yy,
      x: xx,
      zScore: r.zScore,
      pValue: new Float64Array(yy.length).fill(NaN),
    },
    offset: Math.max(0, yy.length - bars),
  };
}

function receiver() {
  const keys: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    keys.push(req.headers.get("idempotency-key") ?? "");
    return new Response("ok");
  });
  return { server, keys, url: `http://127.0.0.1:${server.addr.port}/hook` };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Run bars `from..to-1` through a fresh wiring (a monitor process) and stop it. */
async function runProcess(
  db: DatabaseSync,
  data: { y: number[]; x: number[] },
  from: number,
  to: number,
  url: string,
  lines: string[],
): Promise<ReturnType<typeof createAlertsPaper>> {
  const ap = createAlertsPaper(db, {
    venue: "binance",
    pairs: [PAIR],
    freq: "1m",
    window: WINDOW,
    z: 1.5,
    hedge: "rolling-ols",
    webhookUrl: url,
    webhook: { pollMs: 10 },
    replay: (_p, bars) => analyticsOf(data.y, data.x, from, bars),
    log: (l) => lines.push(l),
  });
  for (let t = from; t < to; t++) {
    putBar(db, PAIR.y, t, data.y[t]!);
    putBar(db, PAIR.x, t, data.x[t]!);
    ap.onPairBar(PAIR, analyticsOf(data.y, data.x, t + 1, 1));
  }
  await until(() => pendingDeliveries(db).length === 0, "webhook deliveries");
  return ap;
}

Deno.test("monitor wiring: alerts stored once and delivered, paper books equal the backtest, a restart changes nothing", async () => {
  const n = 400;
  const data = series(n);
  const r = receiver();
  const a = tempStore(), b = tempStore();
  try {
    // uninterrupted
    const la: string[] = [];
    const one = await runProcess(a.db, data, 0, n, r.url, la);
    const api = one.server.paper() as PaperApiJson;
    await one.stop();
    // the same bars with a restart at bar 237 (a new wiring on the same store)
    const lb: string[] = [];
    await (await runProcess(b.db, data, 0, 237, r.url, lb)).stop();
    const two = await runProcess(b.db, data, 237, n, r.url, lb);
    await two.stop();

    // alerts: the z-score rule on the series, each stored once, each POSTed once per store
    const zs = analyticsOf(data.y, data.x, n, n);
    const expected = replayAlerts(
      one.rules.filter((x) => x.kind === "z-score"),
      Array.from(zs.analytics.ts, (ts, i) => ({
        kind: "bar" as const,
        subject: "ETHUSDT:BTCUSDT",
        ts,
        z: zs.analytics.zScore[i]!,
      })),
    ).alerts.map((x) => x.id);
    assert.ok(expected.length >= 4, `only ${expected.length} alerts`);
    const storedA = listAlerts(a.db).map((x) => x.id), storedB = listAlerts(b.db).map((x) => x.id);
    assert.deepEqual(storedA, expected);
    assert.deepEqual(storedB, expected);
    assert.equal(r.keys.length, 2 * expected.length);
    assert.deepEqual([...new Set(r.keys)].sort(), [...expected].sort());
    assert.ok(la.some((l) => l.startsWith("alert: ETHUSDT:BTCUSDT: spread z-score")));

    // paper: the stores agree bar for bar; the API compares with the backtest
    for (const id of [api.pairs[0]!.rule.accountId, api.pairs[0]!.manual.accountId]) {
      assert.equal(
        JSON.stringify(listPaperMarks(b.db, id)),
        JSON.stringify(listPaperMarks(a.db, id)),
      );
      assert.equal(
        JSON.stringify(listPaperFills(b.db, id)),
        JSON.stringify(listPaperFills(a.db, id)),
      );
    }
    const rule = api.pairs[0]!.rule;
    assert.equal(rule.equity.t.length, n); // the book starts at the first stored bar
    assert.equal(rule.equity.t[0], T0);
    assert.ok(rule.fills.length > 10 && rule.trades.length >= 2);
    assert.ok(rule.backtest!.trades >= 2);
    assert.ok(rule.backtest!.maxAbsDifference < 1e-6, String(rule.backtest!.maxAbsDifference));
    assert.deepEqual(api.equity, rule.equity);
    assert.equal(api.backtest!.equity.t.length, api.equity.t.length);
    assert.equal(api.summary[0]!.pair, "ETHUSDT:BTCUSDT");
    JSON.stringify(api); // serializable
  } finally {
    await r.server.shutdown();
    a.cleanup();
    b.cleanup();
  }
});

Deno.test("monitor wiring: manual orders from the page fill at the next bar; bad orders are 400s", async () => {
  const n = 150;
  const data = series(n);
  const s = tempStore();
  try {
    const ap = createAlertsPaper(s.db, {
      venue: "binance",
      pairs: [PAIR],
      freq: "1m",
      window: WINDOW,
      z: 1.5,
      hedge: "rolling-ols",
    });
    assert.throws(() => ap.server.paperOrder({ action: "open-long" }), /no bar of ETHUSDT:BTCUSDT/);
    for (let t = 0; t < 100; t++) {
      putBar(s.db, PAIR.y, t, data.y[t]!);
      putBar(s.db, PAIR.x, t, data.x[t]!);
      ap.onPairBar(PAIR, analyticsOf(data.y, data.x, t + 1, 1));
    }
    assert.throws(
      () => ap.server.paperOrder({ pair: "X:Y", action: "close" }),
      /pair must be one of/,
    );
    assert.throws(() => ap.server.paperOrder({ action: "buy" }), /action must be open-long/);
    assert.throws(() => ap.server.paperOrder({ action: "close", gross: -1 }), /gross must be/);
    assert.throws(() => ap.server.paperOrder({ action: "close", id: "<script>" }), /id must be/);
    const placed = ap.server.paperOrder({ action: "open-short", id: "p1" });
    assert.equal(placed.inserted, true);
    assert.equal(placed.fillsAt, T0 + 100 * MIN);
    assert.equal(ap.server.paperOrder({ action: "open-short", id: "p1" }).inserted, false);
    for (let t = 100; t < n; t++) {
      putBar(s.db, PAIR.y, t, data.y[t]!);
      putBar(s.db, PAIR.x, t, data.x[t]!);
      const ev = ap.onPairBar(PAIR, analyticsOf(data.y, data.x, t + 1, 1));
      if (t === 100) assert.ok(ev.some((e) => e.type === "paper"));
    }
    const api = ap.server.paper() as PaperApiJson;
    const manual = api.pairs[0]!.manual;
    assert.deepEqual(manual.fills.map((f) => [f.orderId, f.ts]), [
      ["p1", T0 + 100 * MIN],
      ["p1", T0 + 100 * MIN],
    ]);
    assert.equal(manual.state!.position, -1);
    assert.equal(manual.trades.length, 1);
    assert.equal(manual.trades[0]!.open, true);
    assert.deepEqual(manual.orders.map((o) => o.id), ["p1"]);
    // stale data: a tick two minutes after the last trade fires once per symbol
    const t = T0 + 200 * MIN;
    const ev = ap.onTick({ ETHUSDT: t - 130_000, BTCUSDT: t - 1000 }, t);
    assert.deepEqual(ev.map((e) => (e.data as Alert).kind), ["stale"]);
    assert.equal(ap.onTick({ ETHUSDT: t - 130_000, BTCUSDT: t - 1000 }, t + 5000).length, 0);
    const alerts = ap.server.alerts({ limit: 10 });
    assert.ok(alerts.alerts.some((x) => x.kind === "stale" && x.subject === "ETHUSDT"));
    assert.equal(alerts.webhook, null);
    await ap.stop();
  } finally {
    s.cleanup();
  }
});
