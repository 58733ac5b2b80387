/**
 * Issue 3 item 6b for `stream`, at the STORE: `runStream` (lib/ingest/stream.ts) over a
 * `BinanceTradeStream` on the local exchange replaying the real 2024-08-08 hftbacktest spot
 * capture (BTCUSDT and ETHUSDT @trade), one row per WebSocket fault: a connection dropped
 * mid-stream while trades happen (a stretch of frames never reaches the client and must be
 * repaired over REST by id), duplicated frames, out-of-order frames, and all three at once.
 * For each: the stored trade ids of each symbol equal the capture's ids exactly (each once, no
 * hole: the capture's ids are contiguous), prices and quantities equal the frames', no conflict
 * or unrepaired gap was reported, and the REST repair asked exactly for the missed ids.
 *
 * Already covered elsewhere: the same faults at the provider level, ids emitted (not stored)
 * (tests/providers/binance_ws_test.ts); kill -9 of the task and a restart
 * (tests/stream/task_kill_test.ts); thousands of messages per second for minutes
 * (tests/stream/soak_test.ts). The REST side of repair is a TradeSource answering from the same
 * capture, because the exchange's captured /api/v3/trades is of another day (see
 * task_kill_test.ts).
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { runStream } from "@lib/ingest/stream.ts";
import { BinanceTradeStream, type StreamProblem } from "@lib/providers/binance_ws.ts";
import type { TradePage, TradeSource } from "@lib/providers/types.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { type FaultRule, startFakeExchange } from "../fake_exchange/mod.ts";
import { loadCapture } from "./_helpers.ts";

const STREAMS = ["btcusdt@trade", "ethusdt@trade"];
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

interface Frame {
  readonly s: string;
  readonly t: number;
  readonly p: number;
  readonly q: number;
  readonly T: number;
  readonly m: boolean;
}

/** A TradeSource answering by id from the capture's frames, recording every `from`. */
function captureRest(frames: readonly Frame[], calls: { symbol: string; from: number }[]) {
  const rest: TradeSource = {
    id: "capture",
    fetchTrades(req): Promise<TradePage> {
      const from = Number(req.from);
      calls.push({ symbol: req.symbol, from });
      const limit = req.limit ?? 1000;
      const page = frames.filter((f) => f.s === req.symbol && f.t >= from).slice(0, limit);
      return Promise.resolve({
        trades: {
          venue: "binance",
          symbol: req.symbol,
          tradeId: page.map((r) => r.t),
          ts: Float64Array.from(page, (r) => r.T),
          price: Float64Array.from(page, (r) => r.p),
          qty: Float64Array.from(page, (r) => r.q),
          side: Int8Array.from(page, (r) => (r.m ? -1 : 1)),
        },
        next: page.length === limit ? page[page.length - 1]!.t + 1 : undefined,
      });
    },
  };
  return rest;
}

/**
 * Sockets whose `n`-th connection (1-based) never delivers frames `[from, to)` of the replay:
 * the replay restarts at frame 0 on every connection, so those frames stand for the trades
 * that happened while the client was reconnecting.
 */
function missingStretch(n: number, from: number, to: number) {
  let opened = 0;
  return (url: string): WebSocket => {
    const ws = new WebSocket(url);
    if (++opened !== n) return ws;
    let k = 0;
    const add = ws.addEventListener.bind(ws) as (t: string, l: (ev: MessageEvent) => void) => void;
    (ws as unknown as { addEventListener: typeof add }).addEventListener = (t, l) =>
      add(
        t,
        t !== "message" ? l : (ev) => {
          const i = k++;
          if (i < from || i >= to) l(ev);
        },
      );
    return ws;
  };
}

function stored(db: DatabaseSync, symbol: string) {
  return db.prepare(
    "SELECT trade_id, price, qty FROM trades WHERE venue = 'binance' AND symbol = ? ORDER BY trade_id",
  ).all(symbol).map((r) => ({ t: Number(r.trade_id), p: Number(r.price), q: Number(r.qty) }));
}

interface Cell {
  readonly name: string;
  readonly faults: readonly Omit<FaultRule, "path">[];
  /** Frames `[from, to)` the second connection never delivers (with a drop). */
  readonly missed?: readonly [number, number];
}

const DROP = { kind: "ws_drop", times: 1, afterMessages: 3000 } as const;
const CELLS: readonly Cell[] = [
  {
    name: "connection dropped mid-stream, trades missed meanwhile",
    faults: [DROP],
    missed: [3000, 4500],
  },
  { name: "duplicated messages", faults: [{ kind: "ws_duplicate", times: 1, every: 7 }] },
  { name: "out-of-order messages", faults: [{ kind: "ws_out_of_order", times: 1, every: 5 }] },
  {
    name: "duplicated and out-of-order messages, then a drop with trades missed",
    faults: [
      { kind: "ws_duplicate", times: 1, every: 7 },
      { kind: "ws_out_of_order", times: 1, every: 5 },
      DROP,
    ],
    missed: [3000, 4500],
  },
];

for (const cell of CELLS) {
  realDataTest(`stream fault matrix: ${cell.name}`, async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      const cap = loadCapture(STREAMS);
      const frames: Frame[] = cap.frames.map((f) => {
        const d = JSON.parse(f).data;
        return { s: d.s, t: d.t, p: Number(d.p), q: Number(d.q), T: d.T, m: d.m };
      });
      for (const sym of SYMBOLS) {
        const ids = cap.ids.get(sym)!;
        assert.ok(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1), `${sym} contiguous`);
      }
      for (const f of cell.faults) ex.faults.add({ ...f, path: "/stream" });
      const calls: { symbol: string; from: number }[] = [];
      const problems: StreamProblem[] = [];
      const targets = Object.fromEntries(SYMBOLS.map((x) => [x, cap.ids.get(x)!.at(-1)!]));
      const ctrl = new AbortController();
      const r = await runStream(s.db, {
        venue: "binance",
        symbols: SYMBOLS,
        flushEveryMs: 50,
        signal: ctrl.signal,
        openStream: ({ lastIds, onProblem }) =>
          new BinanceTradeStream({
            symbols: SYMBOLS,
            wsUrl: ex.wsUrl,
            rest: captureRest(frames, calls),
            lastIds,
            onProblem,
            backoffBaseMs: 50,
            backoffMaxMs: 1000,
            reorderWindow: 8,
            ...(cell.missed === undefined ? {} : {
              openSocket: missingStretch(2, cell.missed[0], cell.missed[1]),
            }),
          }),
        onProblem: (p) => problems.push(p),
        onProgress: (p) => {
          if (SYMBOLS.every((x) => (p.lastIds[x] ?? -1) >= targets[x]!)) ctrl.abort();
        },
      });
      assert.equal(r.reason, "aborted");
      assert.equal(r.conflicts, 0);
      assert.equal(r.gaps, 0);
      assert.ok(!problems.some((p) => p.kind === "gap"), JSON.stringify(problems));
      for (const sym of SYMBOLS) {
        const want = frames.filter((f) => f.s === sym);
        const got = stored(s.db, sym);
        assert.equal(got.length, want.length, `${sym}: stored trade count`);
        assert.deepEqual(got.map((x) => x.t), cap.ids.get(sym), `${sym}: ids once, no hole`);
        for (let i = 0; i < want.length; i++) {
          if (got[i]!.p !== want[i]!.p || got[i]!.q !== want[i]!.q) {
            assert.fail(`${sym} id ${want[i]!.t}: stored ${got[i]!.p}x${got[i]!.q}`);
          }
        }
      }
      const ws = ex.requests.filter((q) => q.method === "WS");
      // every fault of the row was applied to the first connection
      assert.deepEqual([...ws[0]!.faults].sort(), cell.faults.map((f) => f.kind).sort());
      if (cell.missed === undefined) {
        assert.equal(ws.length, 1);
        assert.deepEqual(calls, []); // nothing was missing, nothing was fetched
      } else {
        assert.equal(ws.length, 2);
        assert.equal(r.reconnects, 1);
        assert.ok(problems.some((p) => p.kind === "connection"));
        // repair asked each symbol from exactly its first missed id
        for (const sym of SYMBOLS) {
          const [a, b] = cell.missed;
          const firstMissed: number = frames.slice(a, b).find((f) => f.s === sym)!.t;
          assert.equal(calls.filter((c) => c.symbol === sym)[0]?.from, firstMissed);
        }
      }
    } finally {
      s.cleanup();
      await ex.close();
    }
  });
}
