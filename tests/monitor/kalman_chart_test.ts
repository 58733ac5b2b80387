/**
 * The dashboard's Kalman series are the alerts' values: the filter's values of a bar come from
 * a recursion started at a time fixed by the bar (lib/pipeline/monitor/kalman_blocks.ts), so the
 * chart of 50 or 400 bars, the SSE update of the last bar and the alert loop agree to the last
 * bit (before, the chart's filter started wherever its read began: its z moved with `limit` and
 * differed from the z that fired the alert).
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { createRng } from "@lib/stats/rng.ts";
import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
import { AlertLoop, monitorAlertRules } from "@lib/pipeline/monitor/alert_loop.ts";
import { kalmanStartOf } from "@lib/pipeline/monitor/kalman_blocks.ts";
import { pairClosesSince } from "@lib/pipeline/monitor/pair_closes.ts";
import { pairsMeanReversion } from "@lib/backtest/strategies/pairs_mean_reversion.ts";

const T0 = Date.UTC(2024, 0, 1); // a 500-minute block starts 380 bars in
const N = 700;
const PAIR = { y: "BTCUSDT", x: "ETHUSDT" };
const W = 30, Z = 1.2;

/** A cointegrated pair on 1m bars: y = 1.2 x + a mean-reverting spread (seeded). */
function seed(db: ReturnType<typeof openStore>["db"]) {
  const rng = createRng(11);
  let lx = Math.log(2000), e = 0;
  const x = new Float64Array(N), y = new Float64Array(N);
  for (let t = 0; t < N; t++) {
    lx += 0.002 * rng.normal();
    e = 0.7 * e + 0.002 * rng.normal();
    x[t] = Math.exp(lx);
    y[t] = Math.exp(1.2 * lx + 1.5 + e);
  }
  const ts = Float64Array.from({ length: N }, (_, i) => T0 + i * 60_000);
  for (const [symbol, close] of [["BTCUSDT", y], ["ETHUSDT", x]] as const) {
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
      complete: new Uint8Array(N).fill(1),
    }, { source: "file:test" });
  }
}

Deno.test("Kalman chart series do not depend on how many bars are read, and equal the alerts' z", () => {
  const { db, close } = openStore(":memory:");
  try {
    seed(db);
    const service = new AnalyticsService(db, "binance");
    const request = (limit: number) =>
      service.compute({ pair: PAIR, freq: "1m", window: W, hedge: "kalman", z: Z, limit });
    const byTs = (limit: number) => {
      const s = request(limit);
      const m = new Map<number, number[]>();
      for (let t = s.offset; t < s.analytics.ts.length; t++) {
        const a = s.analytics;
        m.set(a.ts[t]!, [a.hedgeRatio[t]!, a.spread[t]!, a.spreadStd[t]!, a.zScore[t]!]);
      }
      return m;
    };
    const small = byTs(50), large = byTs(400), one = byTs(1);
    assert.equal(large.size, 400);
    for (const [ts, v] of small) assert.deepEqual(large.get(ts), v, `bar ${ts}`);
    for (const [ts, v] of one) assert.deepEqual(large.get(ts), v, `last bar ${ts}`);
    // the 400 bars cross a block boundary: two recursion starts, each fixed by its bars
    const starts = request(400).kalmanStarts!;
    assert.equal(starts.length, 2);
    for (const start of starts) {
      const c = pairClosesSince(db, "binance", PAIR, "1m", start);
      const s = pairsMeanReversion({ y: c.y, x: c.x }, {
        hedge: "kalman",
        hedgeWindow: W,
        zWindow: W,
        entry: Z,
        exit: 0.5,
        stop: 4,
      });
      let checked = 0;
      for (const [ts, v] of large) {
        if (kalmanStartOf(ts, "1m", W) !== start) continue;
        const k = Math.round((ts - start) / 60_000);
        assert.equal(v[0], s.hedgeRatio[k]);
        assert.equal(v[1], s.spread[k]);
        assert.equal(v[3], s.zScore[k]);
        checked++;
      }
      assert.ok(checked > 0);
    }

    // the alert loop's z-score alerts carry the chart's z of their bar
    const rules = monitorAlertRules({ pairs: [PAIR], z: Z, pValueLevel: 0.99 });
    const alerts = new AlertLoop(db, service, {
      venue: "binance",
      pairs: [PAIR],
      freq: "1m",
      window: W,
      z: Z,
      hedge: "kalman",
      rules,
      webhookUrls: [],
      startedAt: T0,
    }).replay(T0 + N * 60_000);
    const zAlerts = alerts.filter((a) => a.kind === "z-score" && large.has(a.ts));
    assert.ok(zAlerts.length >= 3, `z-score alerts in the charted bars: ${zAlerts.length}`);
    for (const a of zAlerts) assert.equal(a.value, large.get(a.ts)![3], a.id);
  } finally {
    close();
  }
});
