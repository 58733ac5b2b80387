/**
 * The venue connection as /api/health and the `status` events say it, for a venue that was
 * reached and then went away: `reconnecting` since the moment it was lost with the last error,
 * `connected: false` for as long as no trade arrives (before: `connected` went back to true on
 * the next flush because a cumulative insert count was > 0), and `connected` again with a
 * status event once trades flow. A stream that says whether it is caught up (the WebSocket
 * stream, the poller) is believed over the trade count.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import type { TradeColumns } from "@lib/core/types.ts";
import type { IngestTradeStream } from "@lib/ingest/stream.ts";
import type { StreamProblem } from "@lib/providers/binance_ws.ts";
import { runMonitor } from "@lib/pipeline/monitor/run_monitor.ts";

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);

function batch(symbol: string, id: number, ts: number): TradeColumns {
  return {
    venue: "binance",
    symbol,
    tradeId: [id],
    ts: Float64Array.of(ts),
    price: Float64Array.of(symbol === "BTCUSDT" ? 60_000 : 3_000),
    qty: Float64Array.of(0.1),
    side: Int8Array.of(1),
  };
}

/** A stream driven by the test: `send` trades, `lose` the connection (a problem). */
function scripted(onProblem: (p: StreamProblem) => void, caught?: { value: boolean }) {
  const queue: (TradeColumns | null)[] = [];
  let wake = () => {};
  const stream: IngestTradeStream = {
    venue: "binance",
    stop: () => {
      queue.push(null);
      wake();
      return Promise.resolve();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((r) => (wake = r));
        const b = queue.shift()!;
        if (b === null) return;
        yield b;
      }
    },
  };
  // a live getter (a spread would copy its value once)
  if (caught !== undefined) {
    Object.defineProperty(stream, "caughtUp", { get: () => caught.value });
  }
  return {
    stream,
    send: (b: TradeColumns) => {
      queue.push(b);
      wake();
    },
    lose: (message: string) =>
      onProblem({ kind: "connection", message, url: "ws://127.0.0.1:9/ws", retryInMs: 1000 }),
  };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const mode of ["trade count", "caughtUp"] as const) {
  Deno.test(`monitor venue status (${mode}): reached, lost, back`, async () => {
    const { db, close } = openStore(":memory:");
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-monitor-venue-" });
    let clock = T0;
    const caught = mode === "caughtUp" ? { value: false } : undefined;
    let s: ReturnType<typeof scripted> | undefined;
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
      flushEveryMs: 20,
      now: () => clock,
      openStream: (ctx) => (s = scripted(ctx.onProblem, caught)).stream,
      onListen: (srv) => (url = srv.url),
    });
    try {
      while (url === "" || s === undefined) await wait(10);
      const health = async () => (await (await fetch(`${url}/api/health`)).json());
      const status = async () =>
        ((await (await fetch(`${url}/api/poll?since=0`)).json()).events as {
          type: string;
          data: Record<string, unknown>;
        }[]).filter((e) => e.type === "status").map((e) => e.data);
      assert.equal((await health()).venueConnection.state, "connecting");
      assert.equal((await health()).status, "ok"); // starting is not degraded
      // reached: trades arrive (and the stream says it is caught up)
      if (caught) caught.value = true;
      s.send(batch("BTCUSDT", 1, T0 - 5_000));
      s.send(batch("ETHUSDT", 1, T0 - 5_000));
      for (let i = 0; i < 100 && (await health()).venueConnection.connected !== true; i++) {
        await wait(20);
      }
      let h = await health();
      assert.equal(h.venueConnection.state, "connected");
      assert.equal(h.status, "ok");
      // lost: a connection problem, then no trade for a while
      clock = T0 + 10_000;
      if (caught) caught.value = false;
      s.lose("no message for 10000 ms");
      clock = T0 + 40_000;
      await wait(200); // many flushes
      h = await health();
      assert.equal(h.venueConnection.connected, false, JSON.stringify(h.venueConnection));
      assert.equal(h.venueConnection.state, "reconnecting");
      assert.equal(h.venueConnection.since, T0 + 10_000);
      assert.equal(h.venueConnection.forMs, 30_000);
      assert.equal(h.venueConnection.lastProblem, "no message for 10000 ms");
      assert.equal(h.status, "degraded");
      // another failed retry: the state's start stays the moment it was lost
      clock = T0 + 50_000;
      s.lose("connection refused");
      await wait(100);
      h = await health();
      assert.equal(h.venueConnection.since, T0 + 10_000);
      assert.equal(h.venueConnection.lastProblem, "connection refused");
      let st = await status();
      assert.deepEqual(st.map((x) => x.state), ["connected", "reconnecting", "reconnecting"]);
      assert.equal(st[1]!.connected, false);
      assert.equal(st[1]!.since, T0 + 10_000);
      assert.equal(st[1]!.message, "no message for 10000 ms");
      // back: trades flow again
      clock = T0 + 60_000;
      if (caught) caught.value = true;
      s.send(batch("BTCUSDT", 2, T0 + 59_000));
      for (let i = 0; i < 100 && (await health()).venueConnection.connected !== true; i++) {
        await wait(20);
      }
      h = await health();
      assert.equal(h.venueConnection.state, "connected");
      assert.equal(h.venueConnection.since, T0 + 60_000);
      st = await status();
      assert.equal(st.at(-1)!.state, "connected");
    } finally {
      stop.abort();
      await done;
      close();
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("monitor venue status: a poller that says caughtUp before its first answer is not connected", async () => {
  const { db, close } = openStore(":memory:");
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-monitor-venue-" });
  const stats = { connections: 0 };
  let s: ReturnType<typeof scripted> | undefined;
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
    flushEveryMs: 20,
    now: () => T0,
    openStream: (ctx) => {
      s = scripted(ctx.onProblem, { value: true });
      Object.defineProperty(s.stream, "stats", { get: () => stats });
      return s.stream;
    },
    onListen: (srv) => (url = srv.url),
  });
  try {
    while (url === "" || s === undefined) await wait(10);
    await wait(150);
    const health = async () => (await (await fetch(`${url}/api/health`)).json());
    assert.equal((await health()).venueConnection.state, "connecting");
    s.lose("connection refused");
    await wait(60);
    assert.equal((await health()).venueConnection.state, "down");
    stats.connections = 1; // the first answer
    for (let i = 0; i < 100 && (await health()).venueConnection.connected !== true; i++) {
      await wait(20);
    }
    assert.equal((await health()).venueConnection.state, "connected");
  } finally {
    stop.abort();
    await done;
    close();
    Deno.removeSync(dir, { recursive: true });
  }
});
