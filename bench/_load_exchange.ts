/**
 * Load for the live-data benches: a trade tape of any length made from the REAL Binance spot
 * `@trade` frames of the fake exchange's capture (`ws_streams/binance_ws_capture_2024-08-08_
 * hftbacktest`, BTCUSDT + ETHUSDT, 34,419 frames), and a WebSocket server that sends that tape
 * as fast as the socket takes it.
 *
 * The tape cycles the capture like `tests/stream/cycling_ws_server.ts`: cycle `k` repeats every
 * frame with its trade id shifted by `k * span` (span = last id - first id + 1 of the symbol)
 * and its times by `k * duration`, prices, quantities and sides unchanged, so ids stay
 * contiguous per symbol and every trade is new.
 *
 * Run as a script, it is a server in its own process (so that the sender does not share a
 * thread with the receiver being measured); it prints its URL on stdout and exits when its
 * stdin closes (the benches hold that pipe, so it never outlives them):
 *
 *   deno run -A bench/_load_exchange.ts --trades 300000
 *   # ws://127.0.0.1:PORT: every connection to /stream?streams=btcusdt@trade/ethusdt@trade
 *   # gets the first 300,000 messages of the tape as fast as the socket drains, then silence
 *   deno run -A bench/_load_exchange.ts --klines-dir bench/.out/backfill_ohlcv
 *   # http://127.0.0.1:PORT: the fake exchange of tests/fake_exchange, klines cut from the
 *   # freqtrade files in that folder (used by the backfill bench and its Python peer)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { WsFrameStore } from "../tests/fake_exchange/ws_frames.ts";
import { realPath } from "../tests/_shared/real_data.ts";
import type { TradeColumns } from "@lib/core/types.ts";

/** Symbols of the tape, in the capture's spelling. */
export const TAPE_SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;

/** A trade tape: one row per message, in the capture's receive order. */
export interface TradeTape {
  readonly n: number;
  /** Index into {@link TAPE_SYMBOLS}. */
  readonly sym: Uint8Array;
  readonly id: Float64Array;
  readonly ts: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly side: Int8Array;
  /** Price and quantity as Binance wrote them (the frames carry strings). */
  readonly p: readonly string[];
  readonly q: readonly string[];
}

/** The real frames of the capture, parsed once. */
function captureRows() {
  const store = new WsFrameStore(
    realPath("ws_streams", "binance_ws_capture_2024-08-08_hftbacktest"),
  );
  const frames = store.frames("spot", TAPE_SYMBOLS.map((s) => `${s.toLowerCase()}@trade`));
  if (frames.length === 0) throw new Error("Cannot build the trade tape: no capture frames found");
  return frames.map((f) => {
    const d = JSON.parse(f).data as {
      s: string;
      t: number;
      p: string;
      q: string;
      T: number;
      m: boolean;
    };
    return d;
  });
}

/**
 * The first `n` messages of the cycled real tape, with ids of cycle `k` shifted by `k * span`
 * and an extra `cycleOffset` cycles (so two tapes with different offsets share no id).
 */
export function buildTape(n: number, cycleOffset = 0): TradeTape {
  const rows = captureRows();
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  let minT = Infinity, maxT = -Infinity;
  for (const r of rows) {
    if (!first.has(r.s)) first.set(r.s, r.t);
    const prev = last.get(r.s);
    if (prev !== undefined && r.t !== prev + 1) {
      throw new Error(`capture ids of ${r.s} are not contiguous at ${prev} -> ${r.t}`);
    }
    last.set(r.s, r.t);
    if (r.T < minT) minT = r.T;
    if (r.T > maxT) maxT = r.T;
  }
  const duration = maxT - minT + 1;
  const tape = {
    n,
    sym: new Uint8Array(n),
    id: new Float64Array(n),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
    p: new Array<string>(n),
    q: new Array<string>(n),
  };
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / rows.length) + cycleOffset;
    const r = rows[i % rows.length]!;
    const span = last.get(r.s)! - first.get(r.s)! + 1;
    tape.sym[i] = TAPE_SYMBOLS.indexOf(r.s as typeof TAPE_SYMBOLS[number]);
    tape.id[i] = r.t + k * span;
    tape.ts[i] = r.T + k * duration;
    tape.price[i] = Number(r.p);
    tape.qty[i] = Number(r.q);
    tape.side[i] = r.m ? -1 : 1;
    tape.p[i] = r.p;
    tape.q[i] = r.q;
  }
  return tape;
}

/**
 * The tape as per-symbol `TradeColumns` batches of about `perBatch` messages each, in tape
 * order: what `BinanceTradeStream` yields (one batch per symbol per drained inbox).
 */
export function tapeBatches(tape: TradeTape, perBatch: number, venue = "binance"): TradeColumns[] {
  const out: TradeColumns[] = [];
  for (let a = 0; a < tape.n; a += perBatch) {
    const b = Math.min(tape.n, a + perBatch);
    for (let s = 0; s < TAPE_SYMBOLS.length; s++) {
      const idx: number[] = [];
      for (let i = a; i < b; i++) if (tape.sym[i] === s) idx.push(i);
      if (idx.length === 0) continue;
      out.push({
        venue,
        symbol: TAPE_SYMBOLS[s]!,
        tradeId: idx.map((i) => tape.id[i]!),
        ts: Float64Array.from(idx, (i) => tape.ts[i]!),
        price: Float64Array.from(idx, (i) => tape.price[i]!),
        qty: Float64Array.from(idx, (i) => tape.qty[i]!),
        side: Int8Array.from(idx, (i) => tape.side[i]!),
      });
    }
  }
  return out;
}

/** The tape as CSV (`symbol,trade_id,ts,price,qty,side`) for the Python peer. */
export function tapeCsv(tape: TradeTape): string {
  const lines = ["symbol,trade_id,ts,price,qty,side"];
  for (let i = 0; i < tape.n; i++) {
    lines.push(
      `${TAPE_SYMBOLS[tape.sym[i]!]},${tape.id[i]},${tape.ts[i]},${tape.p[i]},${tape.q[i]},` +
        `${tape.side[i]}`,
    );
  }
  return lines.join("\n") + "\n";
}

/** The Binance combined-stream frame of tape row `i`. */
export function tapeFrame(tape: TradeTape, i: number): string {
  const s = TAPE_SYMBOLS[tape.sym[i]!]!;
  const T = tape.ts[i]!;
  return `{"stream":"${s.toLowerCase()}@trade","data":{"e":"trade","E":${T},"s":"${s}",` +
    `"t":${tape.id[i]},"p":"${tape.p[i]}","q":"${tape.q[i]}","T":${T},` +
    `"m":${tape.side[i] === -1},"M":true}}`;
}

/** A running load server. */
export interface LoadServer {
  /** WebSocket base: connect to `${wsUrl}/stream?streams=btcusdt@trade/ethusdt@trade`. */
  readonly wsUrl: string;
  close(): Promise<void>;
}

/**
 * Serve `tape` to every WebSocket connection as fast as the socket drains (the send queue is
 * kept under ~4 MB), then stay silent with the socket open.
 */
export function serveTape(tape: TradeTape): LoadServer {
  const frames = Array.from({ length: tape.n }, (_, i) => tapeFrame(tape, i));
  const sockets = new Set<WebSocket>();
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    (req) => {
      if (req.headers.get("upgrade") !== "websocket") {
        return new Response("ws only", { status: 400 });
      }
      const { socket, response } = Deno.upgradeWebSocket(req);
      sockets.add(socket);
      socket.onopen = async () => {
        let i = 0;
        while (i < frames.length && socket.readyState === WebSocket.OPEN) {
          const end = Math.min(frames.length, i + 2_000);
          for (; i < end; i++) socket.send(frames[i]!);
          // let the socket drain: bufferedAmount falls as frames reach the kernel
          while (socket.bufferedAmount > 4_000_000 && socket.readyState === WebSocket.OPEN) {
            await new Promise((r) => setTimeout(r, 1));
          }
          await new Promise((r) => setTimeout(r, 0));
        }
      };
      socket.onclose = () => sockets.delete(socket);
      return response;
    },
  );
  return {
    wsUrl: `ws://127.0.0.1:${server.addr.port}`,
    async close() {
      for (const s of sockets) s.close();
      ac.abort();
      await server.finished;
    },
  };
}

/** A load server in its own Deno process (see the module notes). */
export interface LoadProcess {
  readonly wsUrl: string;
  close(): Promise<void>;
}

/** Start `deno run -A bench/_load_exchange.ts --trades n` and wait for its URL. */
export async function spawnLoadServer(n: number, cycleOffset = 0): Promise<LoadProcess> {
  const p = await spawnSelf(["--trades", String(n), "--cycle-offset", String(cycleOffset)]);
  return { wsUrl: p.url, close: p.close };
}

/** The REST base URL of a fake exchange started by {@link spawnFakeExchange}. */
export interface FakeExchangeProcess {
  readonly url: string;
  close(): Promise<void>;
}

/** Start a process (this script) and read the first line it prints: its URL. */
async function spawnSelf(args: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./_load_exchange.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
    // the server exits when this pipe closes, so it never outlives the bench process
    stdin: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server (${args.join(" ")}) exited before printing its URL`);
    buf += value;
  }
  return {
    url: buf.slice(0, buf.indexOf("\n")).trim(),
    async close() {
      await child.stdin.close().catch(() => {});
      await reader.cancel().catch(() => {});
      await child.status;
    },
  };
}

/**
 * The fake exchange of `tests/fake_exchange` (real klines paging, 1,000 bars a page on spot)
 * in its own process, cutting klines from the freqtrade files in `ohlcvDir`.
 */
export function spawnFakeExchange(ohlcvDir: string): Promise<FakeExchangeProcess> {
  return spawnSelf(["--klines-dir", ohlcvDir]);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      trades: { type: "string" },
      "cycle-offset": { type: "string" },
      "klines-dir": { type: "string" },
    },
    strict: true,
  });
  if (values["klines-dir"] !== undefined) {
    const { startFakeExchange } = await import("../tests/fake_exchange/server.ts");
    const ex = await startFakeExchange({ ohlcvDirs: [values["klines-dir"]] });
    console.log(ex.url);
    for await (const _ of Deno.stdin.readable) { /* wait for EOF */ }
    await ex.close();
    Deno.exit(0);
  }
  const n = Number(values.trades ?? "300000");
  const offset = Number(values["cycle-offset"] ?? "0");
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(offset) || offset < 0) {
    throw new RangeError(
      `Cannot start the load server: --trades must be a positive integer and --cycle-offset ` +
        `an integer >= 0, got ${values.trades} and ${values["cycle-offset"]}`,
    );
  }
  const server = serveTape(buildTape(n, offset));
  console.log(server.wsUrl);
  const stop = () => server.close().then(() => Deno.exit(0));
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  // the parent holds our stdin: when it exits (or closes the pipe), so do we
  for await (const _ of Deno.stdin.readable) { /* nothing is sent; wait for EOF */ }
  await stop();
}
