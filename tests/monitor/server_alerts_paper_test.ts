/**
 * The monitor's alert and paper wiring on a seeded store, through its API: alerts fired by the
 * replay are stored once (a second start stores nothing new), listed by `/api/alerts`; the rule's
 * paper book equals the backtest of the same rule on the same bars (`/api/paper`), and manual
 * orders from `POST /api/paper/orders` are stored once per id and refused with a 400 that says
 * what was wrong.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { insertAlerts, listAlerts } from "@lib/store/monitor_alerts.ts";
import { createRng } from "@lib/stats/rng.ts";
import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
import { AlertLoop, monitorAlertRules } from "@lib/pipeline/monitor/alert_loop.ts";
import { EventHub } from "@lib/pipeline/monitor/events.ts";
import { PaperLoop } from "@lib/pipeline/monitor/paper_loop.ts";
import { startMonitorServer } from "@lib/pipeline/monitor/server.ts";

const T0 = Date.UTC(2024, 0, 1);
const N = 300;
const PAIR = { y: "BTCUSDT", x: "ETHUSDT" };

/**
 * A cointegrated pair on 1m bars: y = 1.2 x + a mean-reverting spread (seeded); bars
 * `from..to-1` of it.
 */
function seed(db: ReturnType<typeof openStore>["db"], from = 0, to = N) {
  const rng = createRng(7);
  let lx = Math.log(2000), e = 0;
  const x = new Float64Array(N), y = new Float64Array(N);
  for (let t = 0; t < N; t++) {
    lx += 0.002 * rng.normal();
    e = 0.7 * e + 0.002 * rng.normal();
    x[t] = Math.exp(lx);
    y[t] = Math.exp(1.2 * lx + 1.5 + e);
  }
  const ts = Float64Array.from({ length: to - from }, (_, i) => T0 + (from + i) * 60_000);
  for (const [symbol, all] of [["BTCUSDT", y], ["ETHUSDT", x]] as const) {
    const close = all.slice(from, to);
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
      complete: new Uint8Array(to - from).fill(1),
    }, { source: "file:test" });
  }
}

Deno.test("monitor alerts and paper books through the API: stored once, resumed, vs backtest", async () => {
  const { db, close } = openStore(":memory:");
  seed(db);
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-monitor-ap-" });
  const analytics = new AnalyticsService(db, "binance");
  const o = {
    pairs: [PAIR],
    freq: "1m" as const,
    window: 30,
    z: 1.5,
    hedge: "rolling-ols" as const,
  };
  const rules = monitorAlertRules({ pairs: [PAIR], z: 1.5, staleMs: 60_000 });
  const loop = () =>
    new AlertLoop(db, analytics, {
      ...o,
      venue: "binance",
      rules,
      webhookUrls: [],
      startedAt: T0,
      replayBars: 250,
    });
  // the store as a monitor that stepped every bar left it (a start reports only news)
  const first = loop().replay(T0 + N * 60_000);
  insertAlerts(db, first, { webhookUrls: [], now: T0 + N * 60_000 });
  assert.ok(first.some((a) => a.kind === "z-score"), "the replay fired z-score alerts");
  assert.equal(listAlerts(db).length, first.length);
  // a restart replays the same bars: the same ids, nothing stored twice
  assert.equal(loop().start(T0 + N * 60_000 + 5_000).length, 0);
  assert.equal(listAlerts(db).length, first.length);

  // the window starts 2 x 30 bars before the newest: the books start there
  const paper = new PaperLoop(db, { ...o, venue: "binance" }, T0);
  paper.onPairBar(PAIR);
  const alertLoop = loop();
  alertLoop.start(T0 + N * 60_000);
  const server = await startMonitorServer({
    db,
    venue: "binance",
    pairs: [PAIR],
    freq: "1m",
    freqs: ["1m"],
    window: 30,
    z: 1.5,
    hedge: "rolling-ols",
    hub: new EventHub(),
    analytics,
    health: () => ({}),
    uploadDir: join(dir, "uploads"),
    alerts: (q) => alertLoop.list(q.limit),
    paper: () => paper.summary(),
    paperOrder: (body) => paper.order(body, T0 + N * 60_000),
  }, { port: 0 });
  try {
    const url = server.url;
    const alerts = await (await fetch(`${url}/api/alerts?limit=500`)).json();
    assert.deepEqual(
      alerts.alerts.map((a: { id: string }) => a.id).sort(),
      first.map((a) => a.id).sort(),
    );
    const p = await (await fetch(`${url}/api/paper`)).json();
    const rule = p.pairs[0].rule;
    assert.equal(rule.equityCurve.t.length, 61); // 2 windows of warm-up and the newest bar
    // the paper book and the backtest of the same rule on the same bars agree to rounding
    assert.ok(
      p.pairs[0].backtest.maxAbsDifference < 1e-6,
      String(p.pairs[0].backtest.maxAbsDifference),
    );
    const post = (body: unknown) =>
      fetch(`${url}/api/paper/orders`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "x-cryptolab-request": "1", "content-type": "application/json" },
      });
    const ok = await (await post({ pair: "BTCUSDT:ETHUSDT", action: "long", id: "o1" })).json();
    assert.equal(ok.stored, true);
    assert.equal(ok.order.action, "open-long");
    assert.ok(ok.order.targetY > 0 && ok.order.targetX < 0);
    const again = await (await post({ pair: "BTCUSDT:ETHUSDT", action: "long", id: "o1" })).json();
    assert.equal(again.stored, false); // the same id is one order
    const bad = await post({ pair: "BTCUSDT:ETHUSDT", action: "buy" });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /"action" must be open-long, open-short or close/);
    const badPair = await post({ pair: "SOLUSDT:ETHUSDT", action: "close" });
    assert.match((await badPair.json()).error, /"pair" must be one of BTCUSDT:ETHUSDT/);
    const notJson = await fetch(`${url}/api/paper/orders`, {
      method: "POST",
      body: "{",
      headers: { "x-cryptolab-request": "1" },
    });
    assert.equal(notJson.status, 400);
    // the manual order fills at the next bar's close: one more bar for both legs
    const last = T0 + N * 60_000;
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const v = new Float64Array([symbol === "BTCUSDT" ? 40_000 : 2_000]);
      writeBars(db, {
        venue: "binance",
        symbol,
        freq: "1m",
        ts: new Float64Array([last]),
        open: v,
        high: v,
        low: v,
        close: v,
        volume: v,
        quoteVolume: v,
        tradeCount: v,
        vwap: v,
        complete: new Uint8Array([1]),
      }, { source: "file:test" });
    }
    const events = paper.onPairBar(PAIR, last + 60_000);
    assert.ok(
      events.some((e) => (e.data as { book: string }).book === "manual"),
      "the manual order filled at the next close",
    );
    const after = await (await fetch(`${url}/api/paper`)).json();
    assert.ok(after.pairs[0].manual.unitsY > 0 && after.pairs[0].manual.unitsX < 0);
    // a restart resumes both books from the store: nothing to process, the same state
    const resumed = new PaperLoop(db, { ...o, venue: "binance" }, T0 + 1);
    assert.deepEqual(resumed.onPairBar(PAIR), []);
    const s2 = resumed.summary() as { pairs: { manual: { unitsY: number } }[] };
    assert.equal(s2.pairs[0]!.manual.unitsY, after.pairs[0].manual.unitsY);
  } finally {
    await server.shutdown();
    close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a bar close's values do not depend on how many bars are returned (live step = replay)", () => {
  const { db, close } = openStore(":memory:");
  try {
    seed(db);
    const analytics = new AnalyticsService(db, "binance");
    const req = {
      pair: PAIR,
      freq: "1m" as const,
      window: 30,
      z: 1.5,
      hedge: "rolling-ols" as const,
    };
    const one = analytics.compute({ ...req, limit: 1 }).analytics;
    const many = analytics.compute({ ...req, limit: 250 }).analytics;
    const last = (a: Float64Array) => a[a.length - 1]!;
    assert.ok(Math.abs(last(one.zScore) - last(many.zScore)) < 1e-9);
    assert.equal(last(one.pValue), last(many.pValue));
    assert.ok(Number.isFinite(last(one.pValue)));
  } finally {
    close();
  }
});

Deno.test("Kalman alerts: stepping bar by bar fires the same alerts, with the same z, as a replay", () => {
  const rules = monitorAlertRules({ pairs: [PAIR], z: 1.2, pValueLevel: 0.2 });
  const opts = {
    venue: "binance",
    pairs: [PAIR],
    freq: "1m" as const,
    window: 30,
    z: 1.2,
    hedge: "kalman" as const,
    rules,
    webhookUrls: [],
    startedAt: T0,
    // the replay covers every bar, so both loops start their rules at the first bar
    replayBars: 400,
  };
  // each alert with the value that fired it: z (or p) at that bar, to the last bit
  const ids = (alerts: readonly { id: string; value: number }[]) =>
    alerts.map((a) => `${a.id} ${a.value}`).sort();
  // a restart: the rules replayed over every stored bar
  const a = openStore(":memory:");
  const b = openStore(":memory:");
  try {
    seed(a.db);
    const replayed = new AlertLoop(a.db, new AnalyticsService(a.db, "binance"), opts)
      .replay(T0 + N * 60_000);
    // live: started on the first bars, then one close at a time
    seed(b.db, 0, N - 120);
    const live = new AlertLoop(b.db, new AnalyticsService(b.db, "binance"), opts);
    const fired = [...live.replay(T0)];
    for (let t = N - 120; t < N; t++) {
      seed(b.db, t, t + 1);
      fired.push(...live.onPairBar(PAIR, T0 + (t + 1) * 60_000));
    }
    assert.ok(replayed.some((x) => x.kind === "z-score" && x.ts >= T0 + (N - 120) * 60_000));
    assert.deepEqual(ids(fired), ids(replayed));
  } finally {
    a.close();
    b.close();
  }
});
