/**
 * Every bar the stream stores gets its `bar` event and every pair bar its `analytics` event,
 * also when one flush closes several (a burst; before, only the newest bar per symbol of a
 * flush was published, so the page missed bars during a slow flush).
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import type { TradeColumns } from "@lib/core/types.ts";
import type { IngestTradeStream } from "@lib/ingest/stream.ts";
import { runMonitor } from "@lib/pipeline/monitor/run_monitor.ts";

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
const MIN = 60_000;
const MINUTES = 70;

function trades(symbol: string, base: number, firstId: number): TradeColumns {
  // 3 trades a minute for MINUTES minutes, all in one batch
  const n = 3 * MINUTES;
  const ts = Float64Array.from(
    { length: n },
    (_, i) => T0 + Math.floor(i / 3) * MIN + (i % 3) * 1_000,
  );
  const price = ts.map((t, i) =>
    base * Math.exp(0.01 * Math.sin((t - T0) / MIN / 7) + 1e-4 * (i % 5))
  );
  return {
    venue: "binance",
    symbol,
    tradeId: Array.from({ length: n }, (_, i) => firstId + i),
    ts,
    price,
    qty: ts.map(() => 0.1),
    side: new Int8Array(n).fill(1),
  };
}

/** One burst batch per symbol, then quiet until stopped. */
function burstStream(): IngestTradeStream {
  let stop = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  return {
    venue: "binance",
    stats: { connections: 1 },
    stop: () => {
      stop();
      return Promise.resolve();
    },
    async *[Symbol.asyncIterator]() {
      yield trades("BTCUSDT", 60_000, 1);
      yield trades("ETHUSDT", 3_000, 1);
      await stopped;
    },
  };
}

Deno.test("monitor events: a burst that closes many bars in one flush publishes every one", async () => {
  const { db, close } = openStore(":memory:");
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-monitor-burst-" });
  try {
    // the monitor ran before: each leg has a bar before the burst
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const one = Float64Array.of(1);
      writeBars(db, {
        venue: "binance",
        symbol,
        freq: "1m",
        ts: Float64Array.of(T0 - MIN),
        open: one,
        high: one,
        low: one,
        close: one,
        volume: one,
        quoteVolume: one,
        tradeCount: one,
        vwap: one,
        complete: Uint8Array.of(1),
      }, { source: "test" });
    }
    const stop = new AbortController();
    let url = "";
    const done = runMonitor(db, {
      venue: "binance",
      pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }],
      freq: "1m",
      freqs: ["1m"],
      window: 20,
      z: 2,
      hedge: "rolling-ols",
      port: 0,
      uploadDir: `${dir}/uploads`,
      signal: stop.signal,
      flushEveryMs: 50,
      // the wall clock is well past the burst: every minute of it is closed
      now: () => T0 + (MINUTES + 5) * MIN,
      openStream: () => burstStream(),
      onListen: (s) => (url = s.url),
    });
    type Ev = {
      type: string;
      data: { symbol?: string; ts: number; pair?: string; latest?: { ts: number } };
    };
    let events: Ev[] = [];
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 25));
      if (url === "") continue;
      events = (await (await fetch(`${url}/api/poll?since=0`)).json()).events;
      if (events.filter((e) => e.type === "bar").length >= 2 * MINUTES) break;
    }
    stop.abort();
    const r = await done;
    for (const s of ["BTCUSDT", "ETHUSDT"]) {
      const key = { venue: "binance", symbol: s, freq: "1m" as const };
      const stored = [...readBars(db, key, { from: T0 }).ts];
      assert.equal(stored.length, MINUTES, s);
      const published = events.filter((e) => e.type === "bar" && e.data.symbol === s)
        .map((e) => e.data.ts);
      assert.deepEqual(published, stored, `${s}: one bar event per stored bar, in order`);
    }
    assert.equal(r.barEvents, 2 * MINUTES);
    // the pair: an analytics event per pair bar after the first one seen, each with its values
    const an = events.filter((e) => e.type === "analytics");
    const ts = an.map((e) => e.data.ts);
    assert.ok(an.length >= MINUTES - 1, `${an.length} analytics events`);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b));
    assert.equal(new Set(ts).size, ts.length, "no bar twice");
    for (const e of an) assert.equal(e.data.latest!.ts, e.data.ts);
    assert.equal(ts[ts.length - 1], T0 + (MINUTES - 1) * MIN);
  } finally {
    close();
    Deno.removeSync(dir, { recursive: true });
  }
});
