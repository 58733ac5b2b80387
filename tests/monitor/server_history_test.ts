/**
 * `runMonitor` on a fresh store with a quiet stream: the venue's recent candles are loaded for
 * the monitor's frequency and the coarser ones of the page's control, only whole intervals
 * before the current one, the page is told (`history` event), and the analytics have a z-score
 * at once instead of after 2 window live bars. A second start on the same store loads nothing.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { readBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import type { CandleSource } from "@lib/providers/types.ts";
import type { IngestTradeStream } from "@lib/ingest/stream.ts";
import { runMonitor } from "@lib/pipeline/monitor/run_monitor.ts";

const NOW = Date.UTC(2024, 5, 1, 12, 7, 30);

/** Candles of two legs that move together, for any frequency and range asked. */
function source(calls: string[]): CandleSource {
  return {
    id: "binance",
    fetchCandles(req) {
      calls.push(`${req.symbol} ${req.freq}`);
      const step = freqMs(req.freq as Freq);
      const start = req.startTime!, n = Math.floor((req.endTime! - start) / step) + 1;
      const b = allocBars({ venue: "binance", symbol: req.symbol, freq: req.freq as Freq }, n);
      for (let i = 0; i < n; i++) {
        const t = start + i * step, k = t / step;
        const common = 0.01 * Math.sin(k / 9);
        const p = req.symbol === "BTCUSDT"
          ? 60_000 * Math.exp(1.1 * common + 0.002 * Math.sin(k / 2.3))
          : 3_000 * Math.exp(common);
        b.ts[i] = t;
        b.open[i] =
          b.high[i] =
          b.low[i] =
          b.close[i] =
            p;
        b.volume[i] = 1;
      }
      return Promise.resolve({ bars: b, nextStartTime: undefined });
    },
  };
}

/** A stream that never trades and ends when stopped. */
function quietStream(): IngestTradeStream {
  let stop = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  return {
    venue: "binance",
    stop: () => {
      stop();
      return Promise.resolve();
    },
    async *[Symbol.asyncIterator]() {
      await stopped;
      yield* []; // ends without a trade
    },
  };
}

Deno.test("monitor history: a fresh store gets recent candles at every frequency, once", async () => {
  const { db, close } = openStore(":memory:");
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-monitor-history-" });
  try {
    const run = async (calls: string[]) => {
      const stop = new AbortController();
      let url = "";
      const done = runMonitor(db, {
        venue: "binance",
        pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }],
        freq: "1m",
        freqs: ["1m", "5m"],
        window: 30,
        z: 2,
        hedge: "rolling-ols",
        port: 0,
        uploadDir: `${dir}/uploads`,
        signal: stop.signal,
        now: () => NOW,
        history: source(calls),
        openStream: () => quietStream(),
        onListen: (s) => (url = s.url),
      });
      // wait for the history event
      let poll: { events: { type: string; data: { freq: string } }[] } = { events: [] };
      for (let i = 0; i < 100; i++) {
        await new Promise((r) => setTimeout(r, 20));
        if (url === "") continue;
        poll = await (await fetch(`${url}/api/poll?since=0`)).json();
        if (calls.length >= 4 || poll.events.some((e) => e.type === "history")) break;
      }
      await new Promise((r) => setTimeout(r, 50));
      poll = await (await fetch(`${url}/api/poll?since=0`)).json();
      const a = await (await fetch(`${url}/api/analytics?limit=1`)).json();
      stop.abort();
      await done;
      return { poll, a };
    };
    const calls: string[] = [];
    const first = await run(calls);
    assert.deepEqual(calls.sort(), ["BTCUSDT 1m", "BTCUSDT 5m", "ETHUSDT 1m", "ETHUSDT 5m"]);
    assert.deepEqual(
      first.poll.events.filter((e) => e.type === "history").map((e) => e.data.freq),
      ["1m", "5m"],
    );
    const key = (symbol: string, freq: Freq) => ({ venue: "binance", symbol, freq });
    for (const f of ["1m", "5m"] as const) {
      const b = readBars(db, key("BTCUSDT", f));
      const step = freqMs(f);
      assert.equal(b.ts.length, 300 + 2 * 30, f);
      // whole intervals before the current one: the stream's interval is never written here
      assert.equal(b.ts[b.ts.length - 1], Math.floor(NOW / step) * step - step, f);
    }
    // the analytics have their warm-up at once
    assert.equal(typeof first.a.latest.zScore, "number");
    // a second start has the bars: nothing is fetched again
    const again: string[] = [];
    await run(again);
    assert.deepEqual(again, []);
  } finally {
    close();
    Deno.removeSync(dir, { recursive: true });
  }
});
