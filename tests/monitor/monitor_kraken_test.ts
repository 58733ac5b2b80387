/**
 * `deno task monitor --venue kraken`: a venue without a trade stream is polled over REST
 * (lib/ingest/poll_trades.ts) into the same path as Binance's stream: trades stored through the
 * row rules, bars closed, analytics published over SSE, a restart resuming after the stored ids
 * with nothing stored twice. The task runs with exactly the permissions `deno task monitor`
 * gets (the launcher's plan, which grants the Kraken host only; one process, so a failing test
 * leaves no monitor behind; the flag errors go through `deno task` itself) against the local
 * exchange's live tape served as Kraken `/0/public/Trades`.
 */
import { killTree } from "../_shared/kill_tree.ts";
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { LiveTape, startFakeExchange } from "../fake_exchange/mod.ts";
import { planLaunch } from "../../tasks/_launch.ts";
import {
  dataDir,
  readEvents,
  type ReceivedEvent,
  spawnMonitor,
  spawnMonitorDirect,
  tapeRows,
} from "./_monitor_task.ts";

Deno.test("planLaunch: monitor --venue kraken may reach the Kraken host only", () => {
  const env: Record<string, string> = {
    CRYPTOLAB_BINANCE_WS_URL: "ws://127.0.0.1:9001",
    CRYPTOLAB_KRAKEN_URL: "http://127.0.0.1:9003",
  };
  const opts = { env: (k: string) => env[k], realPath: (p: string) => p, cwd: "/r", root: "/r" };
  const net = (args: string[]) => {
    const a = planLaunch("monitor", args, opts).args.find((x) => x.startsWith("--allow-net="));
    return a?.slice("--allow-net=".length);
  };
  const base = ["--pairs", "XBTUSDT:ETHUSDT"];
  assert.equal(net([...base, "--venue", "kraken"]), "127.0.0.1:9003,127.0.0.1:8787");
  assert.equal(net([...base, "--venue=kraken", "--port", "0"]), "127.0.0.1:9003,127.0.0.1:0");
  assert.equal(
    net([...base, "--venue", "binance"]),
    "127.0.0.1:9001,api.binance.com,127.0.0.1:8787",
  );
  assert.equal(net(base), "127.0.0.1:9001,api.binance.com,127.0.0.1:8787");
  // an unknown venue gets no venue host; the task refuses it with exit 2
  assert.equal(net([...base, "--venue", "nowhere"]), "127.0.0.1:8787");
});

Deno.test("monitor task: a bad --venue or --poll-ms exits 2 naming the flag", async () => {
  for (
    const [args, re] of [
      [["--venue", "ftx"], /--venue must be binance or kraken, got "ftx"/],
      [["--poll-ms", "500"], /--poll-ms applies to --venue kraken/],
      [["--venue", "kraken", "--poll-ms", "5"], /--poll-ms must be an integer >= 100/],
    ] as const
  ) {
    const mon = spawnMonitor(["--pairs", "XBTUSDT:ETHUSDT", ...args, "--port", "0"], {});
    const end = await mon.done;
    assert.equal(end.code, 2, end.stderr);
    assert.match(end.stderr, re);
  }
});

realDataTest(
  "monitor task --venue kraken: polled REST trades -> store -> bars and analytics over SSE; restart resumes",
  async () => {
    const rows = tapeRows();
    const tape = new LiveTape({
      rows: { XBTUSDT: rows.BTCUSDT!, ETHUSDT: rows.ETHUSDT! },
      rate: 50,
    });
    const ex = await startFakeExchange({ live: tape });
    // no Binance URL: the task must not need one
    const env = { CRYPTOLAB_KRAKEN_URL: ex.url };
    const d = dataDir("test-monitor-kraken-");
    const db = `${d.rel}/k.db`;
    // 60 earlier 1s bars (as an import would leave them): the hedge ratio needs a window of
    // bars (the seconds between these and the first live bar stay empty: the z-score's
    // windows over them are NaN until 2 window live bars have closed)
    {
      const s = openStore(`${d.dir}/k.db`);
      const end = Math.floor(Date.now() / 1000) * 1000 - 1_000;
      const ts = Float64Array.from({ length: 60 }, (_, i) => end - (59 - i) * 1_000);
      for (const [symbol, p0] of [["XBTUSDT", 61_800], ["ETHUSDT", 2_480]] as const) {
        const close = ts.map((_, i) => p0 * (1 + 0.0004 * Math.sin(i / 3 + p0)));
        const v = close.map(() => 1);
        writeBars(s.db, {
          venue: "kraken",
          symbol,
          freq: "1s",
          ts,
          open: close,
          high: close,
          low: close,
          close,
          volume: v,
          quoteVolume: v,
          tradeCount: v,
          vwap: close,
          complete: new Uint8Array(60).fill(1),
        }, { source: "file:test" });
      }
      s.close();
    }
    const args = [
      ...["--venue", "kraken", "--poll-ms", "300", "--pairs", "XBTUSDT:ETHUSDT"],
      ...["--freq", "1s", "--window", "20", "--port", "0", "--db", db],
    ];
    const stop = new AbortController();
    let mon = spawnMonitorDirect(args, env);
    try {
      const url = await mon.url();
      assert.ok(
        mon.lines.some((l) => /on kraken \(REST trades polled every 300 ms\)/.test(l)),
        mon.lines.join("\n"),
      );
      const events: ReceivedEvent[] = [];
      const reader = readEvents(`${url}/api/events`, (e) => events.push(e), stop.signal);
      const t0 = Date.now();
      const zOf = (e: ReceivedEvent) =>
        (e.data.data.latest as { hedgeRatio: number | null } | null)?.hedgeRatio ?? null;
      while (Date.now() - t0 < 30_000) {
        const bars = events.filter((e) => e.type === "bar" && e.data.data.freq === "1s");
        if (bars.length >= 16 && events.some((e) => e.type === "analytics" && zOf(e) !== null)) {
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const bars = events.filter((e) => e.type === "bar" && e.data.data.freq === "1s");
      assert.ok(bars.length >= 16, `bar events: ${bars.length}\n${mon.lines.join("\n")}`);
      const an = events.find((e) => e.type === "analytics" && zOf(e) !== null);
      assert.ok(an !== undefined, mon.lines.join("\n"));
      assert.equal(an.data.data.pair, "XBTUSDT:ETHUSDT");
      const health = await (await fetch(`${url}/api/health`)).json();
      assert.equal(health.venueConnection.connected, true, JSON.stringify(health));
      const a = await (await fetch(`${url}/api/analytics?limit=5`)).json();
      assert.equal(a.venue, "kraken");
      assert.ok(a.input.bars >= 5, JSON.stringify(a.input));
      stop.abort();
      await reader;
      mon.child.kill("SIGINT");
      let end = await mon.done;
      assert.equal(end.code, 0, end.stderr);

      // a restart resumes after the stored trades: every id once, none missing
      mon = spawnMonitorDirect(args, env);
      await mon.url();
      await mon.waitForLine(/monitor: \d+ trades/, 20_000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 2_000));
      mon.child.kill("SIGINT");
      end = await mon.done;
      assert.equal(end.code, 0, end.stderr);
      const store = new DatabaseSync(`${d.dir}/k.db`, { readOnly: true });
      try {
        for (const symbol of ["XBTUSDT", "ETHUSDT"]) {
          const r = store.prepare(
            "SELECT count(*) AS n, count(DISTINCT trade_id) AS d, min(trade_id) AS lo, " +
              "max(trade_id) AS hi FROM trades WHERE venue = 'kraken' AND symbol = ?",
          ).get(symbol) as { n: number; d: number; lo: number; hi: number };
          assert.ok(r.n > 500, `${symbol}: ${r.n} trades`);
          assert.equal(r.d, r.n, `${symbol}: ids stored once`);
          assert.equal(r.hi - r.lo + 1, r.n, `${symbol}: no id missing between restarts`);
          const t = tape.trade(symbol, r.hi - tape.startId(symbol));
          const last = store.prepare(
            "SELECT price, ts FROM trades WHERE venue = 'kraken' AND symbol = ? AND trade_id = ?",
          ).get(symbol, r.hi) as { price: number; ts: number };
          assert.equal(last.price, Number(t.p));
          assert.equal(last.ts, t.T);
        }
        const runs = store.prepare(
          "SELECT status FROM ingest_runs WHERE task = 'monitor'",
        ).all().map((r) => r.status);
        assert.deepEqual(runs, ["interrupted", "interrupted"]);
        const q = store.prepare("SELECT count(*) AS n FROM quarantine").get() as { n: number };
        assert.equal(q.n, 0);
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
