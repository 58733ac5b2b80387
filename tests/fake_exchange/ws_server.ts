/**
 * The WebSocket side of the fake exchange: a minimal RFC 6455 server on raw TCP, so that a
 * connection can be cut without a close frame (Deno.upgradeWebSocket always sends one).
 * It replays real Binance combined-stream frames at a set rate, answers pings, and applies
 * the WebSocket faults (drop, duplicate, out of order). With a {@link LiveTape} it publishes
 * the tape's trades as the clock reaches them instead, from the moment a client connects (what
 * happened while it was away is only in the tape's REST history), and {@link WsReplayServer.cut}
 * cuts every connection and refuses new ones for a while: a real outage.
 *
 * @module
 */
import type { FaultController, FaultRule } from "./faults.ts";
import type { LiveTape } from "./live_tape.ts";
import type { WsFrameStore } from "./ws_frames.ts";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the server tells its owner about each connection. */
export interface WsConnectionLog {
  readonly path: string;
  readonly query: string;
  readonly time: number;
  readonly faults: readonly string[];
}

/** Options of {@link WsReplayServer.start}. */
export interface WsReplayOptions {
  readonly frames: WsFrameStore;
  readonly faults: FaultController;
  /** Messages per second; 0 or Infinity sends as fast as the socket takes them. */
  readonly rate: () => number;
  readonly onConnection: (entry: WsConnectionLog) => void;
  /** Publish this tape's trades live instead of replaying the capture (for its symbols). */
  readonly live?: LiveTape | undefined;
}

interface ConnState {
  readonly conn: Deno.Conn;
  closed: boolean;
  readonly stop: AbortController;
  streams: readonly string[];
  writing: Promise<void>;
}

/**
 * The order in which frames `0..n-1` are sent once the faults apply: out-of-order swaps each
 * `every`-th message with the one before it, duplicate repeats each `every`-th message, and
 * drop cuts the sequence after `afterMessages` (`dropAfter`, else -1).
 *
 * @example Swap every third message, then repeat every fourth
 * ```ts
 * import { faultedOrder } from "./ws_server.ts";
 * import assert from "node:assert/strict";
 * const { order } = faultedOrder(6, [
 *   { kind: "ws_out_of_order", path: "/stream", every: 3 },
 *   { kind: "ws_duplicate", path: "/stream", every: 4 },
 * ]);
 * assert.deepEqual([...order], [0, 2, 1, 3, 3, 5, 4]);
 * ```
 */
export function faultedOrder(
  n: number,
  rules: readonly FaultRule[],
): { order: Int32Array; dropAfter: number } {
  let order: number[] = Array.from({ length: n }, (_, i) => i);
  let dropAfter = -1;
  for (const r of rules) {
    const every = r.every ?? 10;
    if (r.kind === "ws_out_of_order") {
      for (let j = every - 1; j < order.length; j += every) {
        if (j === 0) continue;
        const a = order[j - 1] as number;
        order[j - 1] = order[j] as number;
        order[j] = a;
      }
    } else if (r.kind === "ws_duplicate") {
      const out: number[] = [];
      order.forEach((x, i) => {
        out.push(x);
        if ((i + 1) % every === 0) out.push(x);
      });
      order = out;
    } else if (r.kind === "ws_drop") {
      dropAfter = r.afterMessages ?? 10;
    }
  }
  return { order: Int32Array.from(order), dropAfter };
}

function frame(opcode: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(head + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = n;
  else if (n < 65536) {
    out[1] = 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, head);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let o = 0;
  while (o < data.length) o += await conn.write(data.subarray(o));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Replays real frames to every client of `/stream` (spot) and `/usdm/stream` (USDT-M).
 * Normally started by `startFakeExchange`; usable alone with a frame store and faults.
 *
 * @example A connection to an unknown path is refused
 * ```ts
 * import { WsReplayServer } from "./ws_server.ts";
 * import { WsFrameStore } from "./ws_frames.ts";
 * import { FaultController } from "./faults.ts";
 * import assert from "node:assert/strict";
 * const server = WsReplayServer.start({
 *   frames: new WsFrameStore("/nonexistent"),
 *   faults: new FaultController(),
 *   rate: () => 0,
 *   onConnection: () => {},
 * });
 * const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
 * await conn.write(new TextEncoder().encode("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
 * const buf = new Uint8Array(512);
 * const n = await conn.read(buf);
 * assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1.1 404/);
 * conn.close();
 * await server.close();
 * ```
 */
export class WsReplayServer {
  readonly #listener: Deno.Listener;
  readonly #opts: WsReplayOptions;
  readonly #conns = new Set<ConnState>();
  readonly #handlers = new Set<Promise<void>>();
  readonly #accepting: Promise<void>;
  /** Connections before this time (performance.now) are refused with a 503. */
  #awayUntil = -Infinity;

  private constructor(listener: Deno.Listener, opts: WsReplayOptions) {
    this.#listener = listener;
    this.#opts = opts;
    this.#accepting = this.#accept();
  }

  /** Listen on 127.0.0.1 at a free port. */
  static start(opts: WsReplayOptions): WsReplayServer {
    return new WsReplayServer(Deno.listen({ hostname: "127.0.0.1", port: 0 }), opts);
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // listener closed
      }
      const state: ConnState = {
        conn,
        closed: false,
        stop: new AbortController(),
        streams: [],
        writing: Promise.resolve(),
      };
      this.#conns.add(state);
      const h = this.#handle(state).finally(() => {
        this.#shut(state);
        this.#conns.delete(state);
        this.#handlers.delete(h);
      });
      this.#handlers.add(h);
    }
  }

  #shut(state: ConnState): void {
    if (state.closed) return;
    state.closed = true;
    state.stop.abort();
    try {
      state.conn.close();
    } catch {
      // already closed by the peer
    }
  }

  #write(state: ConnState, data: Uint8Array): Promise<void> {
    const next = state.writing.then(() => state.closed ? undefined : writeAll(state.conn, data));
    state.writing = next.catch(() => this.#shut(state));
    return state.writing;
  }

  async #handle(state: ConnState): Promise<void> {
    const head = await this.#readHead(state);
    if (!head) return;
    const { target, key, rest } = head;
    const url = new URL(target, "http://127.0.0.1");
    const market = url.pathname === "/stream"
      ? "spot"
      : url.pathname === "/usdm/stream"
      ? "usdm"
      : undefined;
    const streams = (url.searchParams.get("streams") ?? "").split("/").filter((s) => s !== "");
    if (!market || !key || streams.length === 0) {
      const msg = `use /stream?streams=a@trade/b@trade or /usdm/stream?...; got ${target}`;
      await this.#write(
        state,
        encoder.encode(
          `HTTP/1.1 404 Not Found\r\ncontent-length: ${msg.length}\r\nconnection: close\r\n\r\n${msg}`,
        ),
      );
      return;
    }
    state.streams = streams;
    if (performance.now() < this.#awayUntil) {
      const msg = "fake exchange: unavailable (outage)";
      await this.#write(
        state,
        encoder.encode(
          `HTTP/1.1 503 Service Unavailable\r\ncontent-length: ${msg.length}\r\n` +
            `connection: close\r\n\r\n${msg}`,
        ),
      );
      return;
    }
    const digest = await crypto.subtle.digest("SHA-1", encoder.encode(key + GUID));
    const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
    await this.#write(
      state,
      encoder.encode(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      ),
    );
    const rules = this.#opts.faults.takeAllWs(url.pathname, url.search);
    this.#opts.onConnection({
      path: url.pathname,
      query: url.search.slice(1),
      time: Date.now(),
      faults: rules.map((r) => r.kind),
    });
    const reader = this.#readLoop(state, rest);
    const live = this.#opts.live;
    const wanted = streams.map((s) => {
      const [sym = "", kind = ""] = s.split("@");
      return { symbol: sym.toUpperCase(), kind };
    });
    if (
      live !== undefined &&
      wanted.every((w) =>
        live.symbols.includes(w.symbol) && (w.kind === "trade" || w.kind === "aggTrade")
      )
    ) {
      await this.#liveLoop(
        state,
        live,
        wanted as { symbol: string; kind: "trade" | "aggTrade" }[],
        rules,
      );
    } else {
      await this.#sendLoop(state, this.#opts.frames.frames(market, streams), rules);
    }
    await reader;
  }

  async #readHead(
    state: ConnState,
  ): Promise<{ target: string; key: string | undefined; rest: Uint8Array } | undefined> {
    let buf: Uint8Array = new Uint8Array(0);
    const chunk = new Uint8Array(4096);
    for (;;) {
      let n: number | null;
      try {
        n = await state.conn.read(chunk);
      } catch {
        return undefined;
      }
      if (n === null) return undefined;
      buf = concat([buf, chunk.subarray(0, n)]);
      const text = decoder.decode(buf);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        if (buf.length > 16384) return undefined;
        continue;
      }
      const lines = text.slice(0, end).split("\r\n");
      const target = (lines[0] ?? "").split(" ")[1] ?? "/";
      let key: string | undefined;
      for (const l of lines.slice(1)) {
        const c = l.indexOf(":");
        if (l.slice(0, c).trim().toLowerCase() === "sec-websocket-key") key = l.slice(c + 1).trim();
      }
      return { target, key, rest: buf.subarray(encoder.encode(text.slice(0, end + 4)).length) };
    }
  }

  async #readLoop(state: ConnState, initial: Uint8Array): Promise<void> {
    let buf: Uint8Array = initial;
    const chunk = new Uint8Array(16384);
    while (!state.closed) {
      // parse every complete client frame in buf
      for (;;) {
        if (buf.length < 2) break;
        const op = (buf[0] as number) & 0x0f;
        const masked = ((buf[1] as number) & 0x80) !== 0;
        let len = (buf[1] as number) & 0x7f;
        let o = 2;
        if (len === 126) {
          if (buf.length < 4) break;
          len = ((buf[2] as number) << 8) | (buf[3] as number);
          o = 4;
        } else if (len === 127) {
          if (buf.length < 10) break;
          len = Number(new DataView(buf.buffer, buf.byteOffset).getBigUint64(2));
          o = 10;
        }
        const maskAt = o;
        if (masked) o += 4;
        if (buf.length < o + len) break;
        const payload = buf.slice(o, o + len);
        if (masked) { for (let i = 0; i < len; i++) payload[i]! ^= buf[maskAt + (i & 3)]!; }
        buf = buf.subarray(o + len);
        await this.#onClientFrame(state, op, payload);
        if (state.closed) return;
      }
      let n: number | null;
      try {
        n = await state.conn.read(chunk);
      } catch {
        n = null;
      }
      if (n === null) {
        this.#shut(state);
        return;
      }
      buf = concat([buf, chunk.subarray(0, n)]);
    }
  }

  async #onClientFrame(state: ConnState, op: number, payload: Uint8Array): Promise<void> {
    if (op === 0x9) {
      await this.#write(state, frame(0xa, payload));
    } else if (op === 0x8) {
      await this.#write(state, frame(0x8, payload.subarray(0, 2)));
      this.#shut(state);
    } else if (op === 0x1) {
      const text = decoder.decode(payload);
      if (text === "ping") {
        await this.#write(state, frame(0x1, encoder.encode("pong")));
        return;
      }
      let msg: { method?: unknown; id?: unknown } = {};
      try {
        msg = JSON.parse(text) as typeof msg;
      } catch {
        return;
      }
      const result = msg.method === "LIST_SUBSCRIPTIONS" ? state.streams : null;
      const reply = JSON.stringify({ result, id: msg.id ?? null });
      await this.#write(state, frame(0x1, encoder.encode(reply)));
    }
  }

  async #sendLoop(
    state: ConnState,
    frames: readonly string[],
    rules: readonly FaultRule[],
  ): Promise<void> {
    const { order, dropAfter } = faultedOrder(frames.length, rules);
    const total = dropAfter >= 0 ? Math.min(dropAfter, order.length) : order.length;
    const rate = this.#opts.rate();
    const paced = rate > 0 && Number.isFinite(rate);
    const t0 = performance.now();
    let sent = 0;
    while (sent < total && !state.closed) {
      let upto: number;
      if (paced) {
        const wait = t0 + (sent * 1000) / rate - performance.now();
        if (wait > 1) {
          await sleep(wait, state.stop.signal);
          continue;
        }
        const due = Math.floor(((performance.now() - t0) * rate) / 1000) + 1;
        upto = Math.min(total, Math.max(sent + 1, due), sent + 1024);
      } else {
        upto = Math.min(total, sent + 512);
      }
      const parts: Uint8Array[] = [];
      for (let i = sent; i < upto; i++) {
        parts.push(frame(0x1, encoder.encode(frames[order[i] as number] as string)));
      }
      await this.#write(state, concat(parts));
      sent = upto;
      if (!paced) await sleep(0, state.stop.signal);
    }
    if (dropAfter >= 0 && !state.closed) {
      await state.writing;
      this.#shut(state); // TCP close with no close frame: the client sees 1006
    }
  }

  /**
   * Cut every open connection at the TCP level (no close frame: the client sees 1006) and
   * answer new connection attempts with HTTP 503 for `awayMs`: an outage of that length.
   */
  cut(awayMs = 0): void {
    this.#awayUntil = performance.now() + awayMs;
    for (const s of this.#conns) this.#shut(s);
  }

  /**
   * Publish the tape's trades of `wanted` as the clock reaches them, from the head at connect
   * time, every 10 ms, in time order across symbols. `ws_drop` cuts after `afterMessages`.
   */
  async #liveLoop(
    state: ConnState,
    tape: LiveTape,
    wanted: readonly { symbol: string; kind: "trade" | "aggTrade" }[],
    rules: readonly FaultRule[],
  ): Promise<void> {
    const drop = rules.find((r) => r.kind === "ws_drop");
    const limit = drop === undefined ? Infinity : drop.afterMessages ?? 10;
    const next = wanted.map((w) => tape.published(w.symbol));
    let sent = 0;
    while (!state.closed && sent < limit) {
      const due = wanted.map((w) => tape.published(w.symbol));
      const items: { T: number; text: string }[] = [];
      for (let j = 0; j < wanted.length; j++) {
        const w = wanted[j]!;
        for (let k = next[j]!; k < due[j]! && sent + items.length < limit; k++) {
          items.push({ T: tape.trade(w.symbol, k).T, text: tape.frame(w.symbol, k, w.kind) });
          next[j] = k + 1;
        }
      }
      if (items.length > 0) {
        items.sort((a, b) => a.T - b.T);
        await this.#write(state, concat(items.map((x) => frame(0x1, encoder.encode(x.text)))));
        sent += items.length;
      }
      if (sent < limit) await sleep(10, state.stop.signal);
    }
    if (sent >= limit && !state.closed) {
      await state.writing;
      this.#shut(state); // TCP close with no close frame: the client sees 1006
    }
  }

  /** Stop listening, cut every connection and wait until all of them are done. */
  async close(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    await this.#accepting;
    for (const s of this.#conns) this.#shut(s);
    await Promise.all([...this.#handlers]);
  }
}
