/**
 * Holes of the live stream (issue 8 item 3), at the store, with scripted streams and REST
 * sources: a range the stream could not repair is kept in `stream_holes`, its bars are
 * incomplete while it is open, it is retried until REST fills it (in the same run and on the
 * next start) and its bars then become complete; ids the venue's history no longer has become
 * a `lost` hole whose bars stay incomplete; a stored row no bar can be built from never stops
 * the bar builder.
 *
 * Before this, a reported hole lived only in memory: the trades after it were committed, a
 * restart resumed after the largest stored id, and the hole's ids were never fetched again.
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import type { TradeColumns } from "@lib/core/types.ts";
import { runStream, type StreamProgress } from "@lib/ingest/stream.ts";
import { LiveBars } from "@lib/materialize/live_bars.ts";
import type { StreamProblem } from "@lib/providers/binance_ws.ts";
import type { TradePage, TradeSource } from "@lib/providers/types.ts";
import { readBars } from "@lib/store/bars.ts";
import { listStreamHoles } from "@lib/store/stream_writes.ts";
import { readTrades } from "@lib/store/trades.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const T0 = Date.UTC(2024, 0, 1);
const SYMBOL = "BTCUSDT";

/** The venue's tape: trade `id` (1..40) at T0 + 15 s * id, price 100 + id / 100. */
function tapeRows(ids: readonly number[]): TradeColumns {
  return {
    venue: "binance",
    symbol: SYMBOL,
    tradeId: [...ids],
    ts: Float64Array.from(ids, (i) => T0 + 15_000 * i),
    price: Float64Array.from(ids, (i) => 100 + i / 100),
    qty: Float64Array.from(ids, () => 1),
    side: Int8Array.from(ids, () => 1),
  };
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);

/** A REST source over the tape (ids >= `firstKept` only), failing its first `failures` calls. */
function tapeRest(failures: number, firstKept = 1): TradeSource & { calls: number[] } {
  const calls: number[] = [];
  return {
    id: "tape",
    calls,
    fetchTrades(req): Promise<TradePage> {
      const from = Number(req.from);
      calls.push(from);
      if (calls.length <= failures) return Promise.reject(new Error("HTTP 500 from the tape"));
      const ids = range(Math.max(from, firstKept), 40).slice(0, 5);
      return Promise.resolve({ trades: tapeRows(ids), next: undefined });
    },
  };
}

/**
 * A stream of the tape's ids 1..40 without `missing`, reporting them as a `gap` before the
 * trade after them (like BinanceTradeStream after failed repairs), then waiting `holdMs` so
 * that flushes and repairs run before it ends.
 */
function scripted(missing: readonly number[], holdMs: number) {
  return ({ onProblem }: { onProblem: (p: StreamProblem) => void }) => ({
    venue: "binance",
    stop: () => Promise.resolve(),
    async *[Symbol.asyncIterator]() {
      const ids = range(1, 40).filter((i) => !missing.includes(i));
      for (const id of ids) {
        if (missing.length > 0 && id === missing[missing.length - 1]! + 1) {
          onProblem({
            kind: "gap",
            message: "REST down",
            symbol: SYMBOL,
            fromId: missing[0]!,
            toId: missing[missing.length - 1]!,
          });
        }
        yield tapeRows([id]);
      }
      await new Promise((r) => setTimeout(r, holdMs));
    },
  });
}

function bars1m(db: DatabaseSync) {
  const b = readBars(db, { venue: "binance", symbol: SYMBOL, freq: "1m" });
  return [...b.ts].map((ts, i) => ({
    minute: (ts - T0) / 60_000,
    n: b.tradeCount[i],
    complete: b.complete[i],
  }));
}

const common = {
  venue: "binance",
  symbols: [SYMBOL],
  flushEveryMs: 10,
  now: () => T0 + 15_000 * 41,
  repairBackoffMs: 20,
} as const;

Deno.test("stream holes: kept while REST fails, bars over them incomplete, filled and completed when REST answers", async () => {
  const store = tempStore();
  try {
    // ids 13..14 (3:15, 3:30) are missing: minute 3 lacks two trades
    const rest = tapeRest(3);
    const whileOpen: ReturnType<typeof bars1m>[] = [];
    const r = await runStream(store.db, {
      ...common,
      repair: rest,
      openStream: scripted([13, 14], 600),
      onProgress: (p: StreamProgress) => {
        if (p.openHoles > 0) whileOpen.push(bars1m(store.db));
      },
    });
    assert.equal(r.gaps, 1);
    assert.equal(r.openHoles, 0);
    assert.equal(r.repaired, 2);
    assert.ok(rest.calls.length >= 4, `retried: ${rest.calls}`);
    assert.deepEqual(rest.calls.slice(0, 4), [13, 13, 13, 13]);
    // while the hole was open the bar of minute 3 was incomplete
    const open = whileOpen.at(-1)!.find((b) => b.minute === 3);
    assert.deepEqual(open, { minute: 3, n: 2, complete: 0 });
    assert.deepEqual(listStreamHoles(store.db, "binance"), []);
    assert.deepEqual(readTrades(store.db, "binance", SYMBOL).tradeId, range(1, 40));
    // minute 0 (ids 1..3) joined mid-way; minutes 1..9 complete with 4 trades each
    const got = bars1m(store.db);
    assert.deepEqual(got[0], { minute: 0, n: 3, complete: 0 });
    for (const b of got.slice(1)) assert.deepEqual(b, { minute: b.minute, n: 4, complete: 1 });
  } finally {
    store.cleanup();
  }
});

Deno.test("stream holes: a hole left by one run is filled by the next start", async () => {
  const store = tempStore();
  try {
    // first run: no REST source at all (as if it were down until the task stopped)
    await runStream(store.db, { ...common, openStream: scripted([20, 21, 22], 50) });
    const [h] = listStreamHoles(store.db, "binance");
    assert.deepEqual([h?.fromId, h?.toId, h?.status], [20, 22, "open"]);
    assert.equal(bars1m(store.db).find((b) => b.minute === 5)?.complete, 0);
    // the next start: the stream has nothing new, the hole is retried over REST
    const rest = tapeRest(0);
    const r = await runStream(store.db, {
      ...common,
      repair: rest,
      openStream: () => ({
        venue: "binance",
        stop: () => Promise.resolve(),
        async *[Symbol.asyncIterator]() {
          await new Promise((r) => setTimeout(r, 300));
          yield* [];
        },
      }),
    });
    assert.equal(r.repaired, 3);
    assert.deepEqual(rest.calls, [20]);
    assert.deepEqual(listStreamHoles(store.db, "binance"), []);
    assert.deepEqual(readTrades(store.db, "binance", SYMBOL).tradeId, range(1, 40));
    assert.deepEqual(bars1m(store.db).find((b) => b.minute === 5), {
      minute: 5,
      n: 4,
      complete: 1,
    });
  } finally {
    store.cleanup();
  }
});

Deno.test("stream holes: ids the venue's history no longer has are marked lost; their bars stay incomplete", async () => {
  const store = tempStore();
  try {
    const rest = tapeRest(0, 23); // the venue keeps ids >= 23 only
    await runStream(store.db, { ...common, repair: rest, openStream: scripted([20, 21, 22], 300) });
    const holes = listStreamHoles(store.db, "binance");
    assert.deepEqual(holes.map((h) => [h.fromId, h.toId, h.status]), [[20, 22, "lost"]]);
    assert.match(holes[0]!.reason, /history has no trades 20\.\.22/);
    assert.equal(rest.calls.length, 1);
    assert.equal(bars1m(store.db).find((b) => b.minute === 5)?.complete, 0);
    // a lost hole is not retried on the next start
    const again = tapeRest(0, 23);
    await runStream(store.db, { ...common, repair: again, openStream: scripted([], 100) });
    assert.deepEqual(again.calls, []);
  } finally {
    store.cleanup();
  }
});

Deno.test("live bars: a stored trade no bar can hold is reported, not thrown", () => {
  const store = tempStore();
  try {
    const db = store.db;
    const t = tapeRows(range(1, 12));
    t.price[5] = 0; // an older version stored it unchecked
    db.prepare(
      "INSERT INTO ingest_runs (task, params, started_at, status) VALUES ('x', '{}', 0, 'ok')",
    )
      .run();
    for (let i = 0; i < 12; i++) {
      db.prepare(
        "INSERT INTO trades (venue, symbol, trade_id, ts, price, qty, side, source, fetched_at) " +
          "VALUES ('binance', ?, ?, ?, ?, 1, 1, 'old', 0)",
      ).run(SYMBOL, t.tradeId[i]!, t.ts[i]!, t.price[i]!);
    }
    const errors: string[] = [];
    const bars = new LiveBars(db, {
      venue: "binance",
      symbols: [SYMBOL],
      freqs: ["1m"],
      onBuildError: (e) => errors.push(`${e.freq} ${e.message}`),
    });
    bars.materialize(SYMBOL, true, T0 + 3_600_000);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^1m Cannot build bars .* trade 6 has .* price 0/);
  } finally {
    store.cleanup();
  }
});

Deno.test("stream gate: a real level shift arriving one trade per batch is accepted after `confirm` trades; the first ones come back over REST", async () => {
  const store = tempStore();
  try {
    // 150 trades around 100, then the market moves 10% and stays: ids 151..160 at ~110
    const n = 160;
    const ids = range(1, n);
    const tape: TradeColumns = {
      venue: "binance",
      symbol: SYMBOL,
      tradeId: ids,
      ts: Float64Array.from(ids, (i) => T0 + 1_000 * i),
      price: Float64Array.from(ids, (i) => (i <= 150 ? 100 : 110) + (i % 3) * 0.01),
      qty: Float64Array.from(ids, () => 1),
      side: Int8Array.from(ids, () => 1),
    };
    const one = (i: number): TradeColumns => ({
      ...tape,
      tradeId: [i],
      ts: tape.ts.slice(i - 1, i),
      price: tape.price.slice(i - 1, i),
      qty: tape.qty.slice(i - 1, i),
      side: tape.side.slice(i - 1, i),
    });
    const rest: TradeSource = {
      id: "tape",
      fetchTrades(req): Promise<TradePage> {
        const from = Number(req.from);
        const page = range(from, Math.min(n, from + 9));
        return Promise.resolve({
          trades: {
            ...tape,
            tradeId: page,
            ts: Float64Array.from(page, (i) => tape.ts[i - 1]!),
            price: Float64Array.from(page, (i) => tape.price[i - 1]!),
            qty: Float64Array.from(page, () => 1),
            side: Int8Array.from(page, () => 1),
          },
          next: undefined,
        });
      },
    };
    const r = await runStream(store.db, {
      ...common,
      now: () => T0 + 1_000 * (n + 1),
      repair: rest,
      openStream: () => ({
        venue: "binance",
        stop: () => Promise.resolve(),
        async *[Symbol.asyncIterator]() {
          yield tapeSlice(tape, 0, 150); // the calm market in one batch
          for (let i = 151; i <= n; i++) yield one(i); // the move, one trade per batch
          await new Promise((r) => setTimeout(r, 300));
        },
      }),
    });
    // the first two trades at the new level were refused until the third confirmed the move
    assert.equal(r.quarantined, 2);
    assert.deepEqual(listStreamHoles(store.db, "binance"), []);
    assert.deepEqual(readTrades(store.db, "binance", SYMBOL).tradeId, ids);
  } finally {
    store.cleanup();
  }
});

function tapeSlice(t: TradeColumns, a: number, b: number): TradeColumns {
  return {
    ...t,
    tradeId: t.tradeId.slice(a, b),
    ts: t.ts.slice(a, b),
    price: t.price.slice(a, b),
    qty: t.qty.slice(a, b),
    side: t.side.slice(a, b),
  };
}
