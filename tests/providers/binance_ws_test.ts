/**
 * BinanceTradeStream against the local exchange replaying REAL Binance @trade frames (the
 * 2024-08-08 hftbacktest capture): order, duplicates, out-of-order, drops with REST gap repair,
 * liveness reconnects and bad frames. The REST side of gap repair is a TradeSource built from
 * the same capture, so "no hole" means the emitted ids equal the capture's ids exactly.
 */
import assert from "node:assert/strict";
import {
  binanceTradeFrame,
  BinanceTradeStream,
  fastTradeEvent,
  type StreamProblem,
} from "@lib/providers/binance_ws.ts";
import { gunzipSync } from "node:zlib";
import type { TradePage, TradeSource } from "@lib/providers/types.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { startFakeExchange, WsFrameStore } from "../fake_exchange/mod.ts";

interface Capture {
  readonly ids: Map<string, number[]>;
  readonly rows: Map<string, { t: number; p: number; q: number; T: number; m: boolean }[]>;
  readonly frames: string[];
}

function capture(market: "spot" | "usdm", streams: string[]): Capture {
  const store = new WsFrameStore(
    realPath("ws_streams", "binance_ws_capture_2024-08-08_hftbacktest"),
  );
  const frames = store.frames(market, streams);
  const ids = new Map<string, number[]>();
  const rows = new Map<string, { t: number; p: number; q: number; T: number; m: boolean }[]>();
  for (const f of frames) {
    const d = JSON.parse(f).data;
    if (!ids.has(d.s)) {
      ids.set(d.s, []);
      rows.set(d.s, []);
    }
    ids.get(d.s)!.push(d.t);
    rows.get(d.s)!.push({ t: d.t, p: Number(d.p), q: Number(d.q), T: d.T, m: d.m });
  }
  return { ids, rows, frames };
}

/** A TradeSource answering by id from the capture, recording every `from`. */
function captureRest(cap: Capture, calls: { symbol: string; from: number }[]): TradeSource {
  return {
    id: "capture",
    fetchTrades(req): Promise<TradePage> {
      const from = Number(req.from);
      calls.push({ symbol: req.symbol, from });
      const all = cap.rows.get(req.symbol) ?? [];
      const limit = req.limit ?? 1000;
      const page = all.filter((r) => r.t >= from).slice(0, limit);
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
}

/** Iterate until every symbol reached its last capture id; return ids (and prices) emitted. */
async function collect(stream: BinanceTradeStream, cap: Capture) {
  const got = new Map<string, number[]>();
  const prices = new Map<string, number[]>();
  const targets = new Map([...cap.ids].map(([s, ids]) => [s, ids[ids.length - 1]!]));
  const done = () => [...targets].every(([s, t]) => (got.get(s)?.at(-1) ?? -1) >= t);
  for await (const b of stream) {
    if (!got.has(b.symbol)) {
      got.set(b.symbol, []);
      prices.set(b.symbol, []);
    }
    got.get(b.symbol)!.push(...(b.tradeId as number[]));
    prices.get(b.symbol)!.push(...b.price);
    if (done()) break;
  }
  await stream.stop();
  return { got, prices };
}

const SPOT = ["btcusdt@trade", "ethusdt@trade"];

realDataTest(
  "binance_ws: every real frame of two symbols, in id order, values intact",
  async () => {
    const ex = await startFakeExchange();
    try {
      const cap = capture("spot", SPOT);
      const stream = new BinanceTradeStream({
        symbols: ["BTCUSDT", "ETHUSDT"],
        wsUrl: ex.wsUrl,
        rest: captureRest(cap, []),
      });
      const { got, prices } = await collect(stream, cap);
      assert.deepEqual(got.get("BTCUSDT"), cap.ids.get("BTCUSDT"));
      assert.deepEqual(got.get("ETHUSDT"), cap.ids.get("ETHUSDT"));
      assert.deepEqual(prices.get("BTCUSDT"), cap.rows.get("BTCUSDT")!.map((r) => r.p));
      // first real spot BTCUSDT trade of the capture
      assert.equal(got.get("BTCUSDT")![0], 3735683259);
      assert.equal(stream.stats.duplicates, 0);
      assert.equal(stream.stats.repaired, 0);
      assert.equal(stream.stats.connections, 1);
      assert.equal(stream.stats.emitted, cap.frames.length);
    } finally {
      await ex.close();
    }
  },
);

realDataTest("binance_ws: futures stream replays usdm frames", async () => {
  const ex = await startFakeExchange();
  try {
    const cap = capture("usdm", ["btcusdt@trade"]);
    const stream = new BinanceTradeStream({
      market: "futures",
      symbols: ["BTCUSDT"],
      wsUrl: ex.wsFuturesUrl,
      rest: captureRest(cap, []),
    });
    assert.equal(stream.venue, "binance_futures");
    const { got } = await collect(stream, cap);
    assert.deepEqual(got.get("BTCUSDT"), cap.ids.get("BTCUSDT"));
  } finally {
    await ex.close();
  }
});

realDataTest(
  "binance_ws: duplicated and out-of-order frames are dropped and reordered",
  async () => {
    const ex = await startFakeExchange();
    try {
      ex.faults.add({ kind: "ws_out_of_order", path: "/stream", every: 5, times: 1 });
      ex.faults.add({ kind: "ws_duplicate", path: "/stream", every: 7, times: 1 });
      const cap = capture("spot", SPOT);
      const stream = new BinanceTradeStream({
        symbols: ["BTCUSDT", "ETHUSDT"],
        wsUrl: ex.wsUrl,
        rest: captureRest(cap, []),
      });
      const { got } = await collect(stream, cap);
      assert.deepEqual(got.get("BTCUSDT"), cap.ids.get("BTCUSDT"));
      assert.deepEqual(got.get("ETHUSDT"), cap.ids.get("ETHUSDT"));
      assert.ok(stream.stats.duplicates >= Math.floor(cap.frames.length / 7) - 1);
      assert.ok(stream.stats.reordered > 0);
      assert.equal(stream.stats.repaired, 0);
    } finally {
      await ex.close();
    }
  },
);

realDataTest(
  "binance_ws: a drop, a missed stretch, reconnect and REST repair leave no hole",
  async () => {
    const ex = await startFakeExchange();
    try {
      ex.faults.add({ kind: "ws_drop", path: "/stream", afterMessages: 3000, times: 1 });
      const cap = capture("spot", SPOT);
      const calls: { symbol: string; from: number }[] = [];
      // On the second connection the replay restarts at frame 0; frames 3000..4499 stand for the
      // trades that happened while the client was down: they never reach it.
      let opened = 0;
      const openSocket = (url: string): WebSocket => {
        const ws = new WebSocket(url);
        opened++;
        if (opened === 2) {
          let k = 0;
          const add = ws.addEventListener.bind(ws) as (
            t: string,
            l: (ev: MessageEvent) => void,
          ) => void;
          (ws as unknown as { addEventListener: typeof add }).addEventListener = (t, l) =>
            add(
              t,
              t !== "message" ? l : (ev) => {
                const i = k++;
                if (i < 3000 || i >= 4500) l(ev);
              },
            );
        }
        return ws;
      };
      const problems: StreamProblem[] = [];
      const stream = new BinanceTradeStream({
        symbols: ["BTCUSDT", "ETHUSDT"],
        wsUrl: ex.wsUrl,
        rest: captureRest(cap, calls),
        openSocket,
        backoffBaseMs: 50,
        backoffMaxMs: 1000,
        reorderWindow: 8,
        onProblem: (p) => problems.push(p),
      });
      const { got } = await collect(stream, cap);
      const missed = new Map<string, number[]>();
      for (const f of cap.frames.slice(3000, 4500)) {
        const d = JSON.parse(f).data;
        missed.set(d.s, [...(missed.get(d.s) ?? []), d.t]);
      }
      for (const s of ["BTCUSDT", "ETHUSDT"]) {
        assert.deepEqual(got.get(s), cap.ids.get(s), `${s}: emitted ids equal the capture`);
        // repair starts exactly at the first missed id
        assert.ok(calls.some((c) => c.symbol === s && c.from === missed.get(s)![0]));
      }
      assert.equal(stream.stats.repaired, 1500);
      assert.equal(stream.stats.connections, 2);
      assert.equal(stream.stats.backoffs.length, 1);
      assert.ok(stream.stats.backoffs[0]! >= 0 && stream.stats.backoffs[0]! < 50);
      assert.ok(problems.some((p) => p.kind === "connection"));
      assert.ok(!problems.some((p) => p.kind === "gap"));
      assert.equal(ex.requests.filter((r) => r.method === "WS").length, 2);
    } finally {
      await ex.close();
    }
  },
);

realDataTest(
  "binance_ws: a silent connection is replaced (liveness), ids stay unique",
  async () => {
    const ex = await startFakeExchange();
    try {
      ex.setWsRate(4); // one frame every 250 ms, against a 100 ms liveness timeout
      const cap = capture("spot", SPOT);
      const stream = new BinanceTradeStream({
        symbols: ["BTCUSDT", "ETHUSDT"],
        wsUrl: ex.wsUrl,
        rest: captureRest(cap, []),
        livenessMs: 100,
        backoffBaseMs: 10,
        backoffMaxMs: 40,
      });
      const seen: number[] = [];
      const reading = (async () => {
        for await (const b of stream) seen.push(...(b.tradeId as number[]));
      })();
      const deadline = Date.now() + 10_000;
      while (stream.stats.connections < 3 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await stream.stop();
      await reading;
      assert.ok(stream.stats.connections >= 3);
      assert.ok(stream.stats.backoffs.every((d) => d < 40));
      assert.equal(new Set(seen).size, seen.length);
    } finally {
      await ex.close();
    }
  },
);

realDataTest(
  "binance_ws: a bad frame is reported with its raw text, the stream goes on",
  async () => {
    const ex = await startFakeExchange();
    try {
      const cap = capture("spot", SPOT);
      const bad = ['{"stream":"btcusdt@trade","data":{"e":"trade","s":"BTCUSDT"}}', "<html>"];
      const openSocket = (url: string): WebSocket => {
        const ws = new WebSocket(url);
        const add = ws.addEventListener.bind(ws) as (
          t: string,
          l: (ev: MessageEvent) => void,
        ) => void;
        let first = true;
        (ws as unknown as { addEventListener: typeof add }).addEventListener = (t, l) =>
          add(
            t,
            t !== "message" ? l : (ev) => {
              if (first) {
                first = false;
                for (const data of bad) l(new MessageEvent("message", { data }));
              }
              l(ev);
            },
          );
        return ws;
      };
      const problems: StreamProblem[] = [];
      const stream = new BinanceTradeStream({
        symbols: ["BTCUSDT", "ETHUSDT"],
        wsUrl: ex.wsUrl,
        rest: captureRest(cap, []),
        openSocket,
        onProblem: (p) => problems.push(p),
      });
      const { got } = await collect(stream, cap);
      assert.deepEqual(got.get("BTCUSDT"), cap.ids.get("BTCUSDT"));
      assert.deepEqual(problems.map((p) => p.raw), bad);
      assert.ok(problems.every((p) => p.kind === "parse"));
      assert.equal(stream.stats.parseErrors, 2);
    } finally {
      await ex.close();
    }
  },
);

/** Every frame of every real WebSocket file (trades, aggTrades, depth, tickers, other venues). */
function allRealFrames(): string[] {
  const out: string[] = [];
  const cap = realPath("ws_streams", "binance_ws_capture_2024-08-08_hftbacktest");
  for (const market of Deno.readDirSync(cap)) {
    for (const f of Deno.readDirSync(`${cap}/${market.name}`)) {
      if (!f.name.endsWith(".gz")) continue;
      const text = gunzipSync(Deno.readFileSync(`${cap}/${market.name}/${f.name}`)).toString();
      for (const line of text.split("\n")) {
        const sp = line.indexOf(" ");
        if (sp > 0) out.push(line.slice(sp + 1));
      }
    }
  }
  // the 2022 capture stores bare events: wrap them as a combined stream would
  const raw = realPath("ws_streams", "binance_spot_ws_raw_2022-05_realnus");
  for (const f of Deno.readDirSync(raw)) {
    const stream = `btcusdt@${f.name.replace(/^btcusdt_|(_0)?\.csv$/g, "")}`;
    for (const line of Deno.readTextFileSync(`${raw}/${f.name}`).split("\n")) {
      const at = line.indexOf("{");
      if (at >= 0) out.push(`{"stream":"${stream}","data":${line.slice(at).trim()}}`);
    }
  }
  return out;
}

/** Mutations of a trade frame's data that the schema may or may not accept. */
const MUTATIONS: readonly ((d: Record<string, unknown>) => void)[] = [
  (d) => (d.t = String(d.t)),
  (d) => (d.a = String(d.a)),
  (d) => delete d.t,
  (d) => delete d.a,
  (d) => delete d.p,
  (d) => delete d.q,
  (d) => delete d.T,
  (d) => delete d.E,
  (d) => delete d.m,
  (d) => delete d.s,
  (d) => (d.s = ""),
  (d) => (d.s = 42),
  (d) => (d.p = Number(d.p)),
  (d) => (d.q = null),
  (d) => (d.p = "NaN"),
  (d) => (d.q = "abc"),
  (d) => (d.q = "-" + String(d.q)),
  (d) => (d.p = "0"),
  (d) => (d.t = -1),
  (d) => (d.a = -1),
  (d) => (d.t = 1.5),
  (d) => (d.a = 2 ** 53 + 2),
  (d) => (d.t = 2 ** 53 + 2),
  (d) => (d.T = "1723075200000"),
  (d) => (d.T = "@1e400"), // a number literal that parses to Infinity
  (d) => (d.E = null),
  (d) => (d.m = "true"),
  (d) => (d.m = 0),
  (d) => (d.e = "aggTrade"),
  (d) => (d.e = "trade"),
  (d) => (d.e = "kline"),
  (d) => (d.extra = { nested: [1, 2] }),
];

/** The reference: what the zod schema alone decides for a `kind` stream. */
function zodFields(json: unknown, kind: "trade" | "aggTrade") {
  const r = binanceTradeFrame.safeParse(json);
  if (!r.success || r.data.data.e !== kind) return undefined;
  const d = r.data.data;
  return { e: d.e, s: d.s, id: d.e === "trade" ? d.t : d.a, p: d.p, q: d.q, T: d.T, m: d.m };
}

realDataTest(
  "binance_ws: the fast frame check decides like the zod schema on every real frame and mutations",
  () => {
    const frames = allRealFrames();
    assert.ok(frames.length > 300_000, `only ${frames.length} real frames`);
    let fast = 0, mutated = 0, mutatedFast = 0;
    for (let i = 0; i < frames.length; i++) {
      const json = JSON.parse(frames[i]!);
      for (const kind of ["trade", "aggTrade"] as const) {
        const f = fastTradeEvent(json, kind);
        // exactly the schema's decision on real frames: nothing falls to the slow path
        assert.deepEqual(f, zodFields(json, kind), String(frames[i]));
        if (f) fast++;
      }
      const e = json?.data?.e;
      if ((e !== "trade" && e !== "aggTrade") || i % 23 !== 0) continue;
      for (const mutate of MUTATIONS) {
        const m = JSON.parse(frames[i]!);
        mutate(m.data);
        // as text, what a socket could carry ("@1e400" becomes the bare literal 1e400)
        const text = JSON.stringify(m).replace('"@1e400"', "1e400");
        const back = JSON.parse(text);
        for (const kind of ["trade", "aggTrade"] as const) {
          const f = fastTradeEvent(back, kind);
          assert.deepEqual(f, zodFields(back, kind), `${kind} ${text}`);
          mutated++;
          if (f) mutatedFast++;
        }
      }
    }
    assert.ok(fast > 50_000, `fast path took ${fast} real trade frames`);
    assert.ok(mutatedFast > 0 && mutatedFast < mutated, `${mutatedFast} of ${mutated} mutated`);
  },
);

/** A socket the test drives: frames are delivered as message events once listeners are on. */
class ScriptedSocket extends EventTarget {
  readyState = 1;
  constructor(frames: readonly string[]) {
    super();
    setTimeout(() => {
      for (const data of frames) this.dispatchEvent(new MessageEvent("message", { data }));
    }, 0);
  }
  close(code = 1000): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.dispatchEvent(new CloseEvent("close", { code })), 0);
  }
}

realDataTest(
  "binance_ws: mutated real frames are quarantined with the zod reason, the rest stored in order",
  async () => {
    const cap = capture("spot", ["btcusdt@trade"]);
    const base = cap.frames.slice(0, 400);
    const frames: string[] = [];
    const want: { kind: string; message: string; raw: string }[] = [];
    const wantIds: number[] = [];
    for (let i = 0; i < base.length; i++) {
      const m = JSON.parse(base[i]!);
      const k = i % (MUTATIONS.length + 1);
      if (k < MUTATIONS.length) MUTATIONS[k]!(m.data);
      // the reference: the schema alone, then the same checks as before the fast path
      const r = binanceTradeFrame.safeParse(JSON.parse(
        JSON.stringify(m).replace('"@1e400"', "1e400"),
      ));
      let message: string | undefined;
      if (!r.success) {
        const issue = r.error.issues[0];
        message = `unexpected frame at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`;
      } else if (r.data.data.e !== "trade") {
        message = `got a ${r.data.data.e} frame on a trade stream`;
      } else if (r.data.data.s !== "BTCUSDT") {
        message = `frame for unsubscribed symbol ${r.data.data.s}`;
      } else if (
        !Number.isFinite(Number(r.data.data.p)) || !Number.isFinite(Number(r.data.data.q))
      ) message = "non-numeric price or qty";
      // kept frames get contiguous ids (a valid id stays valid), so nothing waits for repair
      if (message === undefined) wantIds.push(m.data.t = 1_000 + wantIds.length);
      const raw = JSON.stringify(m).replace('"@1e400"', "1e400");
      frames.push(raw);
      if (message !== undefined) want.push({ kind: "parse", message, raw });
    }
    const problems: StreamProblem[] = [];
    const stream = new BinanceTradeStream({
      symbols: ["BTCUSDT"],
      wsUrl: "ws://127.0.0.1:9",
      rest: { id: "none", fetchTrades: () => Promise.reject(new Error("no repair expected")) },
      openSocket: () => new ScriptedSocket(frames) as unknown as WebSocket,
      onProblem: (p) => problems.push(p),
      reorderWindow: 10_000,
    });
    const ids: number[] = [];
    const done = (async () => {
      for await (const b of stream) ids.push(...(b.tradeId as number[]));
    })();
    while (problems.filter((p) => p.kind === "parse").length < want.length) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 20));
    await stream.stop();
    await done;
    const parse = problems.filter((p) => p.kind === "parse");
    assert.deepEqual(parse.map((p) => ({ kind: p.kind, message: p.message, raw: p.raw })), want);
    assert.ok(
      want.length > 100 && wantIds.length > 50,
      `${want.length} rejected, ${wantIds.length} kept`,
    );
    assert.deepEqual(ids, wantIds);
  },
);
