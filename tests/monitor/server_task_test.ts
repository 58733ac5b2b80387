/**
 * `deno task monitor` as a user runs it (deno.json's launcher and its permissions, a store
 * under data/) against the local exchange's live tape of real BTCUSDT/ETHUSDT trades: bars
 * reach SSE clients within 2 s of their interval's end, the API answers, Ctrl-C (SIGINT) stops
 * it with exit 0 and the run marked interrupted; an unreachable venue is said in one line while
 * the dashboard keeps serving; a non-loopback address needs the token; bad flags exit 2.
 */
import { killTree } from "../_shared/kill_tree.ts";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { realDataTest } from "../_shared/real_data.ts";
import {
  dataDir,
  liveExchange,
  readEvents,
  type ReceivedEvent,
  spawnMonitor,
} from "./_monitor_task.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

realDataTest(
  "monitor task: live tape -> store -> bar closes over SSE within 2 s; Ctrl-C exits 0",
  async () => {
    const { ex, env } = await liveExchange(100);
    const d = dataDir("test-monitor-task-");
    const db = `${d.rel}/m.db`;
    const startedAt = Date.now();
    const mon = spawnMonitor([
      ...["--pairs", "BTCUSDT:ETHUSDT", "--freq", "1s", "--window", "20"],
      ...["--port", "0", "--status-ms", "1000", "--db", db],
    ], env);
    const stop = new AbortController();
    try {
      const url = await mon.url();
      const health = await (await fetch(`${url}/api/health`)).json();
      assert.equal(health.status, "ok");
      assert.deepEqual(health.pairs, ["BTCUSDT:ETHUSDT"]);
      const events: ReceivedEvent[] = [];
      const reader = readEvents(`${url}/api/events`, (e) => events.push(e), stop.signal);
      const t0 = Date.now();
      while (Date.now() - t0 < 30_000) {
        // 12 bars the stream closed (every stored bar has its event, the interval before the
        // start included: those are not counted)
        const bars = events.filter((e) =>
          e.type === "bar" && e.data.data.freq === "1s" && (e.data.data.ts as number) >= startedAt
        );
        if (bars.length >= 12 && events.some((e) => e.type === "analytics")) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const bars = events.filter((e) => e.type === "bar" && e.data.data.freq === "1s");
      assert.ok(bars.length >= 12, `bar events: ${bars.length}\n${mon.lines.join("\n")}`);
      // each 1-second bar reached this client within 2 s of its interval's end
      const lags = bars.map((e) => e.receivedAt - ((e.data.data.ts as number) + 1_000));
      assert.ok(Math.max(...lags) <= 2_000, `lags ${lags.join(", ")} ms`);
      // event numbers start from the monitor's start time (ms x 1,000), so they keep growing
      // across restarts and a page reconnecting with its last number still gets new events
      assert.ok(bars.every((e) => e.id > startedAt * 1_000), `event ids ${bars[0]!.id}`);
      const an = events.find((e) => e.type === "analytics")!;
      assert.equal(an.data.data.pair, "BTCUSDT:ETHUSDT");
      // the API serves what the store holds
      const a = await (await fetch(`${url}/api/analytics?limit=5`)).json();
      assert.ok(a.input.bars >= 5, JSON.stringify(a).slice(0, 300));
      const trades = await (await fetch(`${url}/api/trades?symbol=ethusdt&limit=3`)).json();
      assert.equal(trades.trades.length, 3);
      const bad = await fetch(`${url}/api/bars?symbol=BTCUSDT&freq=2m`);
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error, /"freq" must be a bar frequency/);
      console.log(`bar event lag after the interval's end: max ${Math.max(...lags)} ms`);
      stop.abort();
      await reader;
      mon.child.kill("SIGINT");
      const end = await mon.done;
      assert.equal(end.code, 0, end.stderr);
      assert.match(end.stderr, /monitor: stopped: \d+ trades/);
      const store = new DatabaseSync(`${d.dir}/m.db`, { readOnly: true });
      try {
        const runs = store.prepare(
          "SELECT status FROM ingest_runs WHERE task = 'monitor'",
        ).all().map((r) => r.status);
        assert.deepEqual(runs, ["interrupted"]);
        const n = store.prepare("SELECT count(*) AS n FROM trades").get()!.n as number;
        assert.ok(n > 1_000, `trades stored: ${n}`);
        const b = store.prepare("SELECT count(*) AS n FROM bars WHERE freq = '1s'").get()!
          .n as number;
        assert.ok(b >= bars.length, `1s bars stored: ${b}, bar events ${bars.length}`);
      } finally {
        store.close();
      }
    } finally {
      stop.abort();
      killTree(mon.child);
      await mon.done;
      await ex.close();
      d.cleanup();
    }
  },
);

Deno.test("monitor task: an unreachable venue is said in one line; the dashboard still serves", async () => {
  const port = freePort();
  const d = dataDir("test-monitor-down-");
  const mon = spawnMonitor(
    ["--pairs", "BTCUSDT:ETHUSDT", "--port", "0", "--db", `${d.rel}/m.db`],
    {
      CRYPTOLAB_BINANCE_WS_URL: `ws://127.0.0.1:${port}`,
      CRYPTOLAB_BINANCE_URL: `http://127.0.0.1:${port}`,
    },
  );
  try {
    const url = await mon.url();
    const m = await mon.waitForLine(
      /^monitor: cannot reach the venue at (\S+): .*next retry in/,
      30_000,
    );
    assert.match(m[1]!, new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`));
    assert.match(
      m.input,
      /the dashboard http:\/\/127\.0\.0\.1:\d+\/ shows the stored data meanwhile/,
    );
    // the retries say the error again, not the dashboard line
    await mon.waitForLine(/^monitor: cannot reach the venue at .*next retry in [\d.]+ s$/, 30_000);
    const h = await (await fetch(`${url}/api/health`)).json();
    assert.equal(h.venueConnection.connected, false);
    assert.equal(typeof h.venueConnection.lastProblem, "string");
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-security-policy")!, /^default-src 'none'/);
    await page.body?.cancel();
    mon.child.kill("SIGTERM");
    const end = await mon.done;
    assert.equal(end.code, 0, end.stderr);
  } finally {
    killTree(mon.child);
    await mon.done;
    d.cleanup();
  }
});

Deno.test("monitor task: on a non-loopback address every request needs the token", async () => {
  const d = dataDir("test-monitor-token-");
  const port = freePort();
  const mon = spawnMonitor([
    ...["--pairs", "BTCUSDT:ETHUSDT", "--host", "0.0.0.0", "--token", "s3cret"],
    ...["--port", "0", "--db", `${d.rel}/m.db`],
  ], {
    CRYPTOLAB_BINANCE_WS_URL: `ws://127.0.0.1:${port}`,
    CRYPTOLAB_BINANCE_URL: `http://127.0.0.1:${port}`,
  });
  try {
    const shown = await mon.url();
    const url = shown.replace("0.0.0.0", "127.0.0.1");
    const no = await fetch(`${url}/api/health`);
    assert.equal(no.status, 401);
    assert.match((await no.json()).error, /needs its token/);
    const wrong = await fetch(`${url}/api/health?token=s3creT`);
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    const bearer = await fetch(`${url}/api/health`, {
      headers: { authorization: "Bearer s3cret" },
    });
    assert.equal(bearer.status, 200);
    await bearer.body?.cancel();
    const query = await fetch(`${url}/api/health?token=s3cret`);
    assert.equal(query.status, 200);
    await query.body?.cancel();
    mon.child.kill("SIGTERM");
    assert.equal((await mon.done).code, 0);
  } finally {
    killTree(mon.child);
    await mon.done;
    d.cleanup();
  }
});

Deno.test("monitor task: bad flags exit 2 and name the flag", async () => {
  const d = dataDir("test-monitor-flags-");
  try {
    for (
      const [args, re] of [
        [["--pairs", "BTCUSDT"], /--pairs: "BTCUSDT" is not a pair; write Y:X/],
        [["--pairs", "BTCUSDT:ETHUSDT", "--window", "5"], /--window must be an integer >= 20/],
        [["--pairs", "BTCUSDT:ETHUSDT", "--freq", "2m"], /--freq: unknown frequency "2m"/],
        [["--pairs", "BTCUSDT:ETHUSDT", "--hedge", "tls"], /--hedge must be rolling-ols or kalman/],
        [["--pairs", "BTCUSDT:ETHUSDT", "--webhook", "nope"], /--webhook must be a URL/],
        [["--freq", "1m"], /--pairs is required/],
      ] as const
    ) {
      const mon = spawnMonitor([...args, "--db", `${d.rel}/m.db`], {});
      const end = await mon.done;
      assert.equal(end.code, 2, `${args.join(" ")}: ${end.stderr}`);
      assert.match(end.stderr, re);
    }
  } finally {
    d.cleanup();
  }
});

Deno.test("monitor task: a port in use exits 2 naming --port", async () => {
  const d = dataDir("test-monitor-port-");
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (busy.addr as Deno.NetAddr).port;
  try {
    const mon = spawnMonitor([
      ...["--pairs", "BTCUSDT:ETHUSDT", "--port", String(port), "--db", `${d.rel}/m.db`],
      ...["--webhook", "http://127.0.0.1:9/hook"],
    ], {
      CRYPTOLAB_BINANCE_WS_URL: "ws://127.0.0.1:9",
      CRYPTOLAB_BINANCE_URL: "http://127.0.0.1:9",
    });
    const end = await mon.done;
    assert.equal(end.code, 2, end.stderr);
    assert.match(
      end.stderr,
      new RegExp(`--port ${port}: the address 127\\.0\\.0\\.1:${port} is in use`),
    );
  } finally {
    busy.close();
    d.cleanup();
  }
});
