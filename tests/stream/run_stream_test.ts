/**
 * runStream against the local exchange replaying REAL Binance @trade frames (the 2024-08-08
 * hftbacktest capture, BTCUSDT and ETHUSDT spot): stored trades equal the capture's, closed 1m
 * bars equal tradesToBars of those trades, and reported holes make bars incomplete.
 *
 * The oracle for the bars is `tradesToBars` itself (tested against pandas in
 * tests/materialize): what is checked here is that the streaming path (batched flushes,
 * interval closing, rebuilds) stores exactly what a one-shot build of all trades gives.
 */
import assert from "node:assert/strict";
import { runStream, type StreamProgress } from "@lib/ingest/stream.ts";
import { BinanceTradeStream } from "@lib/providers/binance_ws.ts";
import { tradesToBars } from "@lib/materialize/trades_to_bars.ts";
import { readBars } from "@lib/store/bars.ts";
import { readTrades } from "@lib/store/trades.ts";
import type { TradeColumns } from "@lib/core/types.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import { loadCapture } from "./_helpers.ts";

const noRest = {
  id: "none",
  fetchTrades: () => Promise.reject(new Error("no gap is expected in this test")),
};

realDataTest(
  "stream: every real frame stored once, closed 1m and 5m bars equal tradesToBars",
  async () => {
    const cap = loadCapture(["btcusdt@trade", "ethusdt@trade"]);
    const ex = await startFakeExchange();
    const store = tempStore();
    try {
      const targets = new Map([...cap.ids].map(([s, ids]) => [s, ids[ids.length - 1]!]));
      const stop = new AbortController();
      const seen: StreamProgress[] = [];
      const result = await runStream(store.db, {
        venue: "binance",
        symbols: ["BTCUSDT", "ETHUSDT"],
        barFreqs: ["1m", "5m"],
        flushEveryRows: 1_000,
        signal: stop.signal,
        openStream: ({ lastIds, onProblem }) =>
          new BinanceTradeStream({
            symbols: ["BTCUSDT", "ETHUSDT"],
            wsUrl: ex.wsUrl,
            rest: noRest,
            lastIds,
            onProblem,
          }),
        onProgress: (p) => {
          seen.push(p);
          if ([...targets].every(([s, t]) => p.lastIds[s] === t)) stop.abort();
        },
      });
      assert.equal(result.reason, "aborted");
      assert.equal(result.inserted, cap.frames.length);
      assert.equal(result.conflicts, 0);
      assert.equal(result.gaps, 0);
      // batched: many rows per transaction
      assert.ok(result.flushes < cap.frames.length / 10, `${result.flushes} flushes`);
      for (const [symbol, ids] of cap.ids) {
        const t = readTrades(store.db, "binance", symbol);
        const got = (t.tradeId as number[]).slice().sort((a, b) => a - b);
        assert.deepEqual(got, ids, `${symbol}: stored ids equal the capture's`);
        for (let i = 1; i < got.length; i++) assert.equal(got[i], got[i - 1]! + 1);
        for (const freq of ["1m", "5m"] as const) {
          const want = tradesToBars(t, freq);
          const bars = readBars(store.db, { venue: "binance", symbol, freq });
          // every interval but the last is stored; the last too when the symbol went quiet
          // before the stop and the wall clock (far past 2024) closed it at a quiet flush
          const n = bars.ts.length;
          assert.ok(n >= 2 && (n === want.ts.length - 1 || n === want.ts.length), `${n} bars`);
          for (
            const k of ["ts", "open", "high", "low", "close", "volume", "quoteVolume"] as const
          ) {
            assert.deepEqual([...bars[k]], [...want[k].subarray(0, n)], `${symbol} ${freq} ${k}`);
          }
          assert.deepEqual([...bars.tradeCount], [...want.tradeCount.subarray(0, n)]);
          // the first interval was joined mid-way; every later closed one was fully streamed
          assert.deepEqual([...bars.complete], [0, ...Array(n - 1).fill(1)]);
        }
      }
    } finally {
      store.cleanup();
      await ex.close();
    }
  },
);

/** A scripted stream: batches, with a `gap` problem reported before the batch at `gapAt`. */
function scripted(
  batches: TradeColumns[],
  gapAt: number,
  onProblem: (
    p: { kind: "gap"; message: string; symbol: string; fromId: number; toId: number },
  ) => void,
) {
  return {
    venue: "binance",
    stop: () => Promise.resolve(),
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < batches.length; i++) {
        if (i === gapAt) {
          onProblem({ kind: "gap", message: "ids 4..5 lost", symbol: "X", fromId: 4, toId: 5 });
        }
        yield batches[i]!;
      }
    },
  };
}

/** Times of the scripted tests are offsets from this (the row rules refuse 1970). */
const T0 = Date.UTC(2024, 0, 1);

function batch(ids: number[], ts: number[]): TradeColumns {
  return {
    venue: "binance",
    symbol: "X",
    tradeId: ids,
    ts: Float64Array.from(ts, (t) => T0 + t),
    price: Float64Array.from(ids, (i) => 10 + i),
    qty: Float64Array.from(ids, () => 1),
    side: Int8Array.from(ids, () => 1),
  };
}

Deno.test("stream: a reported hole makes the bars it overlaps incomplete", async () => {
  const store = tempStore();
  try {
    // minutes 0..4; ids 4..5 are lost between a trade at 2:10 and one at 3:05
    const batches = [
      batch([1], [10_000]),
      batch([2], [70_000]),
      batch([3], [130_000]),
      batch([6, 7], [185_000, 250_000]),
      batch([8], [300_000]),
    ];
    await runStream(store.db, {
      venue: "binance",
      symbols: ["X"],
      now: () => T0 + 301_000,
      flushEveryRows: 1,
      openStream: ({ onProblem }) => scripted(batches, 3, onProblem),
    });
    const bars = readBars(store.db, { venue: "binance", symbol: "X", freq: "1m" });
    assert.deepEqual([...bars.ts], [0, 60_000, 120_000, 180_000, 240_000].map((t) => T0 + t));
    // 0: joined mid-way; 2 and 3: overlap the hole (2:10 .. 3:05); 1 and 4: complete
    assert.deepEqual([...bars.complete], [0, 1, 0, 0, 1]);
  } finally {
    store.cleanup();
  }
});

Deno.test("stream: a restart rebuilds bars of trades committed before a kill", async () => {
  const store = tempStore();
  try {
    // first session: trades stored, but it "died" before any bar closed (no flush of bars)
    const first = [batch([1, 2], [10_000, 70_000])];
    await runStream(store.db, {
      venue: "binance",
      symbols: ["X"],
      now: () => T0 + 71_000,
      openStream: () => scripted(first, -1, () => {}),
    });
    assert.equal(readBars(store.db, { venue: "binance", symbol: "X", freq: "1m" }).ts.length, 1);
    store.db.exec("DELETE FROM bars");
    let resumed: Readonly<Record<string, number>> = {};
    await runStream(store.db, {
      venue: "binance",
      symbols: ["X"],
      now: () => T0 + 131_000,
      openStream: ({ lastIds }) => {
        resumed = lastIds;
        return scripted([batch([3], [130_000])], -1, () => {});
      },
    });
    assert.deepEqual(resumed, { X: 2 });
    const bars = readBars(store.db, { venue: "binance", symbol: "X", freq: "1m" });
    assert.deepEqual([...bars.ts], [T0, T0 + 60_000]);
    assert.deepEqual([...bars.close], [11, 12]);
    // coverage resumes the stored id sequence: minute 1 is complete
    assert.deepEqual([...bars.complete], [0, 1]);
  } finally {
    store.cleanup();
  }
});

Deno.test("stream: options are checked", async () => {
  const store = tempStore();
  try {
    const openStream = () => scripted([], -1, () => {});
    await assert.rejects(
      runStream(store.db, { venue: "binance", symbols: [], openStream }),
      /at least one symbol/,
    );
    await assert.rejects(
      runStream(store.db, { venue: "binance", symbols: ["X"], flushEveryRows: 0, openStream }),
      /flushEveryRows/,
    );
  } finally {
    store.cleanup();
  }
});

Deno.test("stream: a bar closed by the wall clock that gets late trades is rebuilt even when the stream is not caught up", async () => {
  const store = tempStore();
  try {
    let caughtUp = true;
    await runStream(store.db, {
      venue: "binance",
      symbols: ["X"],
      flushEveryMs: 10,
      now: () => T0 + 3_600_000, // far past minute 0: a quiet flush closes it
      openStream: () => ({
        venue: "binance",
        stop: () => Promise.resolve(),
        get caughtUp() {
          return caughtUp;
        },
        async *[Symbol.asyncIterator]() {
          yield batch([1, 2], [10_000, 20_000]);
          await new Promise((r) => setTimeout(r, 100)); // quiet flushes: minute 0 closes
          caughtUp = false; // e.g. disconnected: no wall-clock close from here on
          yield batch([3], [30_000]); // a late trade of minute 0
        },
      }),
    });
    const bars = readBars(store.db, { venue: "binance", symbol: "X", freq: "1m" });
    assert.deepEqual([...bars.ts], [T0]);
    assert.deepEqual([...bars.tradeCount], [3], "rebuilt with the late trade");
    assert.deepEqual([...bars.close], [13]);
  } finally {
    store.cleanup();
  }
});
