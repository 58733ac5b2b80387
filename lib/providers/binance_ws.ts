/**
 * Binance WebSocket trade streams (`@trade` or `@aggTrade`, spot or USDT-M futures), many
 * symbols on one combined stream, turned into gap-free {@link TradeColumns} batches.
 *
 * What the client guarantees per symbol: trade ids are emitted strictly increasing and
 * contiguous. Duplicates are dropped; out-of-order frames wait in a small reorder window; a
 * hole that the window does not close (a reconnect, a lost frame) is filled over REST by id
 * (`rest.fetchTrades({symbol, from: last + 1})`, paged until the hole is closed) before the
 * frames after it are emitted. Binance `trade` ids and `aggTrade` ids are both contiguous per
 * symbol, so "no hole" is checkable. A hole REST cannot fill within `repairAttempts` (or before
 * `stop()`: a hanging repair never holds up a stop) is reported as a `gap` problem BEFORE the
 * trades after it are emitted, so the caller can keep it and retry it (lib/ingest/stream.ts
 * does). Each emitted batch ({@link TradeBatch}) carries the raw text of the frame behind each
 * trade, for the caller's row rules to quarantine exactly what the venue sent. Pass a REST source of the same kind: `BinanceRest` with
 * `trades: "raw"` for `kind: "trade"`, `trades: "agg"` for `kind: "aggTrade"`.
 *
 * Hot path: each frame is `JSON.parse`d and checked by {@link fastTradeEvent} (exactly the
 * fields used, no copy); only what it does not take goes through the zod schema
 * {@link binanceTradeFrame}, whose issue is the reported (quarantine) reason. Messages are
 * queued by the socket listener and handled on the next macrotask, so a burst becomes one
 * batch per symbol; emitted trades go straight into growable typed columns.
 *
 * Connection: `${wsUrl}/stream?streams=btcusdt@trade/ethusdt@trade`. The server's ping frames
 * are answered with pongs by the WebSocket runtime itself (RFC 6455 control frames never reach
 * the application); the client adds a liveness check: no message for `livenessMs` and it
 * reconnects. On close or error it reconnects after a capped exponential backoff with full
 * jitter drawn from a seeded generator (`backoffDelay` of `./retry.ts`, the one backoff). Base URL: the `wsUrl` option, else
 * `CRYPTOLAB_BINANCE_WS_URL` (spot) / `CRYPTOLAB_BINANCE_FUTURES_WS_URL` (futures), else
 * `wss://stream.binance.com:9443` / `wss://fstream.binance.com`.
 *
 * @module
 */
import { z } from "zod";
import type { TradeColumns } from "../core/types.ts";
import { createRng, type Rng } from "../stats/rng.ts";
import { type BinanceOptions, BinanceRest } from "./binance.ts";
import { baseUrl } from "./http.ts";
import { backoffDelay } from "./retry.ts";
import type { TradeSource } from "./types.ts";

/** Public default WebSocket bases per market. */
export const BINANCE_WS_DEFAULT_URLS: Readonly<Record<"spot" | "futures", string>> = {
  spot: "wss://stream.binance.com:9443",
  futures: "wss://fstream.binance.com",
};

const tradeEvent = z.object({
  e: z.literal("trade"),
  E: z.number(),
  s: z.string().min(1),
  t: z.number().int().nonnegative(),
  p: z.string(),
  q: z.string(),
  T: z.number(),
  m: z.boolean(),
});

const aggTradeEvent = z.object({
  e: z.literal("aggTrade"),
  E: z.number(),
  s: z.string().min(1),
  a: z.number().int().nonnegative(),
  p: z.string(),
  q: z.string(),
  T: z.number(),
  m: z.boolean(),
});

/** A combined-stream frame carrying one trade or aggregate trade event. */
export const binanceTradeFrame = z.object({
  stream: z.string(),
  data: z.discriminatedUnion("e", [tradeEvent, aggTradeEvent]),
});

const controlReply = z.object({ id: z.unknown(), result: z.unknown() });

/** The fields of a trade or aggregate trade event that the stream uses. */
export interface TradeEventFields {
  readonly e: "trade" | "aggTrade";
  readonly s: string;
  /** Trade id (`t` of `trade`, `a` of `aggTrade`). */
  readonly id: number;
  readonly p: string;
  readonly q: string;
  readonly T: number;
  readonly m: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The hot path of frame validation: a hand-written check of exactly what
 * {@link binanceTradeFrame} requires of a `kind` frame (`stream` a string; `e` equal to
 * `kind`; `E` and `T` finite numbers; `s` a non-empty string; the id `t` (trade) or `a`
 * (aggTrade) a non-negative safe integer; `p` and `q` strings; `m` a boolean), without
 * building the parsed copy zod makes. It is stricter than or equal to the schema: when it
 * returns the fields, `binanceTradeFrame.safeParse` succeeds with the same values; when it
 * returns `undefined`, run the schema, whose issue is the reported (quarantine) reason. Price
 * and quantity strings are converted and checked by the caller, as after the schema.
 *
 * Cost: O(1) per frame, no allocation but the returned record.
 *
 * @example A real-shaped trade frame, and one the schema must judge
 * ```ts
 * import { binanceTradeFrame, fastTradeEvent } from "@lib/providers/binance_ws.ts";
 * import assert from "node:assert/strict";
 * const frame = JSON.parse('{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT",' +
 *   '"t":7,"p":"60000.01","q":"0.5","T":1,"m":true,"M":true}}');
 * assert.deepEqual(fastTradeEvent(frame, "trade"), {
 *   e: "trade", s: "BTCUSDT", id: 7, p: "60000.01", q: "0.5", T: 1, m: true,
 * });
 * frame.data.t = "7"; // a string id: not a trade frame, the schema says why
 * assert.equal(fastTradeEvent(frame, "trade"), undefined);
 * assert.equal(binanceTradeFrame.safeParse(frame).success, false);
 * ```
 */
export function fastTradeEvent(
  json: unknown,
  kind: "trade" | "aggTrade",
): TradeEventFields | undefined {
  if (!isRecord(json) || typeof json.stream !== "string") return undefined;
  const d = json.data;
  if (!isRecord(d) || d.e !== kind) return undefined;
  const { E, s, p, q, T, m } = d;
  const id = kind === "trade" ? d.t : d.a;
  if (
    typeof E !== "number" || !Number.isFinite(E) || typeof T !== "number" ||
    !Number.isFinite(T) || typeof s !== "string" || s.length === 0 || typeof id !== "number" ||
    !Number.isSafeInteger(id) || id < 0 || typeof p !== "string" || typeof q !== "string" ||
    typeof m !== "boolean"
  ) return undefined;
  return { e: kind, s, id, p, q, T, m };
}

/** Something that went wrong without stopping the stream, for logs and quarantine. */
export interface StreamProblem {
  /**
   * `parse`: a frame that is not a trade frame (raw text kept); `repair`: a REST gap repair
   * failed; `gap`: a hole that could not be repaired (ids `fromId..toId` are missing; reported
   * before the trades after it are emitted); `connection`: the socket could not connect,
   * closed or went silent, and a reconnect is scheduled (`url`, `retryInMs`, `everConnected`).
   */
  readonly kind: "parse" | "repair" | "gap" | "connection";
  readonly message: string;
  readonly symbol?: string | undefined;
  readonly raw?: string | undefined;
  readonly fromId?: number | undefined;
  readonly toId?: number | undefined;
  /** `connection`: the URL the stream connects to. */
  readonly url?: string | undefined;
  /** `connection`: milliseconds until the next connection attempt. */
  readonly retryInMs?: number | undefined;
  /** `connection`: false when the connection failed before any message arrived. */
  readonly everConnected?: boolean | undefined;
}

/**
 * A batch the stream emits: the trades as columns, and beside them the raw text of the frame
 * each trade came in (`undefined` for trades fetched over REST), so that a caller refusing a
 * trade can quarantine exactly what the venue sent.
 */
export interface TradeBatch extends TradeColumns {
  readonly raw: readonly (string | undefined)[];
}

/** Counters of a {@link BinanceTradeStream}. */
export interface TradeStreamStats {
  /** Connections opened (the first one included). */
  connections: number;
  /** Trades emitted. */
  emitted: number;
  /** Frames dropped because their id was already emitted or buffered. */
  duplicates: number;
  /** Frames that arrived before a lower id and were reordered. */
  reordered: number;
  /** Trades emitted from REST gap repair. */
  repaired: number;
  /** Frames that failed to parse. */
  parseErrors: number;
  /** Every reconnect delay, in ms, in order. */
  readonly backoffs: number[];
}

/** Options of {@link BinanceTradeStream}. */
export interface TradeStreamOptions {
  /** `spot` (default) or USDT-M `futures`. */
  readonly market?: "spot" | "futures";
  /** Symbols in any case, e.g. `["BTCUSDT", "ETHUSDT"]`. */
  readonly symbols: readonly string[];
  /** `trade` (default) or `aggTrade`. */
  readonly kind?: "trade" | "aggTrade";
  /** WebSocket base URL override (otherwise the env var, then the public default). */
  readonly wsUrl?: string;
  /** REST trades of the same kind, by id, for gap repair. */
  readonly rest: TradeSource;
  /** Last id already stored per (upper-case) symbol: emission resumes at the next id. */
  readonly lastIds?: Readonly<Record<string, number>>;
  /** Clock, UTC ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Waits `ms` or until `signal` aborts. Default: a real timer. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Jitter source. Default `createRng(1)`. */
  readonly rng?: Rng;
  /** First backoff cap in ms (default 500) and the ceiling (default 30,000). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** No message for this long means a dead connection. Default 60,000 ms. */
  readonly livenessMs?: number;
  /** Frames held per symbol waiting for a lower id before REST repair. Default 32. */
  readonly reorderWindow?: number;
  /** Longest a held frame waits for a lower id before REST repair. Default 2,000 ms. */
  readonly reorderWaitMs?: number;
  /** REST attempts per repair before the hole is reported as a `gap`. Default 3. */
  readonly repairAttempts?: number;
  /** Opens a socket; tests wrap it. Default `new WebSocket(url)`. */
  readonly openSocket?: (url: string) => WebSocket;
  /** Called for every {@link StreamProblem}. */
  readonly onProblem?: (problem: StreamProblem) => void;
}

interface Row {
  readonly id: number;
  readonly ts: number;
  readonly price: number;
  readonly qty: number;
  readonly side: number;
  readonly raw: string | undefined;
}

/** Trades emitted and not yet handed out, in growable columns (no object per trade). */
class OutColumns {
  n = 0;
  id: number[] = [];
  raw: (string | undefined)[] = [];
  ts = new Float64Array(256);
  price = new Float64Array(256);
  qty = new Float64Array(256);
  side = new Int8Array(256);

  push(
    id: number,
    ts: number,
    price: number,
    qty: number,
    side: number,
    raw: string | undefined,
  ): void {
    const k = this.n;
    if (k === this.ts.length) {
      const grow = <T extends Float64Array | Int8Array>(a: T, b: T): T => (b.set(a), b);
      this.ts = grow(this.ts, new Float64Array(2 * k));
      this.price = grow(this.price, new Float64Array(2 * k));
      this.qty = grow(this.qty, new Float64Array(2 * k));
      this.side = grow(this.side, new Int8Array(2 * k));
    }
    this.id.push(id);
    this.raw.push(raw);
    this.ts[k] = ts;
    this.price[k] = price;
    this.qty[k] = qty;
    this.side[k] = side;
    this.n = k + 1;
  }

  /** The buffered trades as a batch; the buffer is emptied. */
  take(venue: string, symbol: string): TradeBatch {
    const n = this.n;
    const batch: TradeBatch = {
      venue,
      symbol,
      raw: this.raw,
      tradeId: this.id,
      ts: this.ts.slice(0, n),
      price: this.price.slice(0, n),
      qty: this.qty.slice(0, n),
      side: this.side.slice(0, n),
    };
    this.id = [];
    this.raw = [];
    this.n = 0;
    return batch;
  }
}

interface SymbolState {
  last: number | undefined;
  readonly pending: Map<number, Row>;
  /** `now()` when the oldest held frame arrived, or NaN when nothing is held. */
  heldSince: number;
  readonly out: OutColumns;
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A Binance combined trade stream with reordering, de-duplication, reconnects and REST gap
 * repair. Iterate it (`for await (const batch of stream)`) to get one {@link TradeColumns}
 * batch per symbol per burst of messages; `stop()` closes the socket and ends the iteration.
 *
 * @example Options are checked at construction (no connection is made)
 * ```ts
 * import { BinanceTradeStream } from "@lib/providers/binance_ws.ts";
 * import assert from "node:assert/strict";
 * const rest = { id: "x", fetchTrades: () => Promise.reject(new Error("unused")) };
 * assert.throws(() => new BinanceTradeStream({ symbols: [], rest }), /at least one symbol/);
 * const s = new BinanceTradeStream({ symbols: ["BTCUSDT", "ethusdt"], rest, wsUrl: "ws://127.0.0.1:9/" });
 * assert.equal(s.url, "ws://127.0.0.1:9/stream?streams=btcusdt@trade/ethusdt@trade");
 * ```
 */
export class BinanceTradeStream implements TradeStream {
  /** `binance` or `binance_futures` (the venue id of emitted batches). */
  readonly venue: string;
  /** The combined-stream URL. */
  readonly url: string;
  readonly stats: TradeStreamStats = {
    connections: 0,
    emitted: 0,
    duplicates: 0,
    reordered: 0,
    repaired: 0,
    parseErrors: 0,
    backoffs: [],
  };
  readonly #kind: "trade" | "aggTrade";
  readonly #rest: TradeSource;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #rng: Rng;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #livenessMs: number;
  readonly #window: number;
  readonly #waitMs: number;
  readonly #attempts: number;
  readonly #open: (url: string) => WebSocket;
  readonly #onProblem: (p: StreamProblem) => void;
  readonly #symbols = new Map<string, SymbolState>();
  readonly #stop = new AbortController();
  #inbox: string[] = [];
  #socket: WebSocket | undefined;
  #wakePump: (() => void) | undefined;
  #wakeScheduled = false;
  #outbox: TradeBatch[] = [];
  #wakeReader: (() => void) | undefined;
  #ended = false;
  #started: Promise<void> | undefined;
  #connected = false;
  #repairing = 0;

  constructor(options: TradeStreamOptions) {
    if (options.symbols.length === 0) {
      throw new RangeError("Cannot open a Binance trade stream: give at least one symbol");
    }
    const market = options.market ?? "spot";
    this.venue = market === "futures" ? "binance_futures" : "binance";
    this.#kind = options.kind ?? "trade";
    const base = baseUrl(
      market === "futures" ? "BINANCE_FUTURES_WS" : "BINANCE_WS",
      BINANCE_WS_DEFAULT_URLS[market],
      options.wsUrl,
    );
    const streams = options.symbols.map((s) => `${s.toLowerCase()}@${this.#kind}`);
    this.url = `${base}/stream?streams=${streams.join("/")}`;
    for (const s of options.symbols) {
      const sym = s.toUpperCase();
      this.#symbols.set(sym, {
        last: options.lastIds?.[sym],
        pending: new Map(),
        heldSince: NaN,
        out: new OutColumns(),
      });
    }
    this.#rest = options.rest;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#rng = options.rng ?? createRng(1);
    this.#baseMs = options.backoffBaseMs ?? 500;
    this.#maxMs = options.backoffMaxMs ?? 30_000;
    this.#livenessMs = options.livenessMs ?? 60_000;
    this.#window = options.reorderWindow ?? 32;
    this.#waitMs = options.reorderWaitMs ?? 2_000;
    this.#attempts = options.repairAttempts ?? 3;
    this.#open = options.openSocket ?? ((u) => new WebSocket(u));
    this.#onProblem = options.onProblem ?? (() => {});
    if (!(this.#baseMs > 0 && this.#maxMs >= this.#baseMs && this.#livenessMs > 0)) {
      throw new RangeError(
        "Cannot open a Binance trade stream: need backoffBaseMs > 0, backoffMaxMs >= " +
          "backoffBaseMs and livenessMs > 0",
      );
    }
    if (!(Number.isInteger(this.#window) && this.#window >= 1)) {
      throw new RangeError(
        `Cannot open a Binance trade stream: reorderWindow must be an integer >= 1, got ${this.#window}`,
      );
    }
  }

  /**
   * True when the stream has handed out everything the venue sent so far: the socket is open,
   * no frame waits (received, held behind a hole, or not yet taken) and no REST repair runs.
   * While it is false, trades of any recent interval may still arrive, so a reader must not
   * close an interval as complete by the wall clock alone.
   */
  get caughtUp(): boolean {
    return this.#connected && this.#repairing === 0 && this.#inbox.length === 0 &&
      this.#outbox.length === 0 && !this.#hasHeld();
  }

  /** Connect (idempotent); iteration starts it too. */
  start(): void {
    if (this.#started) return;
    const run = this.#connectLoop();
    const pump = this.#pump();
    this.#started = Promise.all([run, pump]).then(() => {
      this.#ended = true;
      this.#wakeReader?.();
    });
  }

  /** Close the socket, flush what is held (repairing holes), end the iteration and wait. */
  async stop(): Promise<void> {
    if (!this.#started) {
      this.#ended = true;
      this.#wakeReader?.();
      return;
    }
    this.#stop.abort();
    try {
      this.#socket?.close(1000, "client stop");
    } catch {
      // not open yet or already closing
    }
    this.#wakePump?.();
    await this.#started;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TradeBatch> {
    this.start();
    for (;;) {
      const next = this.#outbox.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wakeReader = resolve));
      this.#wakeReader = undefined;
    }
  }

  async #connectLoop(): Promise<void> {
    let failures = 0;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      let gotMessage = false;
      let reason = "";
      await new Promise<void>((resolve) => {
        let ws: WebSocket;
        try {
          ws = this.#open(this.url);
        } catch (e) {
          reason = `cannot open ${this.url}: ${(e as Error).message}`;
          return resolve();
        }
        this.#socket = ws;
        ws.addEventListener("open", () => (this.#connected = true));
        this.stats.connections++;
        // liveness: the check notices new messages by their count (no clock call per message)
        let lastAt = this.#now();
        let seen = 0, received = 0;
        const check = setInterval(() => {
          if (received !== seen) {
            seen = received;
            lastAt = this.#now();
          } else if (this.#now() - lastAt >= this.#livenessMs) {
            reason = `no message for ${this.#livenessMs} ms`;
            try {
              ws.close(4000, "liveness timeout");
            } catch {
              // already closing
            }
          }
        }, Math.max(10, Math.min(1000, this.#livenessMs / 4)));
        ws.addEventListener("message", (ev: MessageEvent) => {
          received++;
          gotMessage = true;
          if (typeof ev.data === "string") this.#inbox.push(ev.data);
          else this.#report({ kind: "parse", message: "binary frame ignored" });
          this.#scheduleWake();
        });
        ws.addEventListener("error", (ev) => {
          if (!reason) reason = `socket error: ${(ev as ErrorEvent).message ?? "unknown"}`;
        });
        ws.addEventListener("close", (ev: CloseEvent) => {
          clearInterval(check);
          if (!reason) reason = `closed with code ${ev.code}`;
          resolve();
        });
        if (signal.aborted) ws.close(1000, "client stop");
      });
      this.#socket = undefined;
      this.#connected = false;
      if (signal.aborted) break;
      failures = gotMessage ? 0 : failures + 1;
      const delay = backoffDelay(failures, this.#rng.next(), this.#baseMs, this.#maxMs);
      this.stats.backoffs.push(delay);
      this.#report({
        kind: "connection",
        message: `${reason}; reconnecting in ${Math.round(delay)} ms`,
        url: this.url,
        retryInMs: delay,
        everConnected: gotMessage,
      });
      await this.#sleep(delay, signal);
    }
  }

  /**
   * Wake the pump on the next macrotask, not per message: the messages that arrive in the
   * meantime are handled and handed out as one batch per symbol (at thousands of messages per
   * second a wake per message made batches of one or two trades, and every batch costs the
   * reader a round trip).
   */
  #scheduleWake(): void {
    if (this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    setTimeout(() => {
      this.#wakeScheduled = false;
      this.#wakePump?.();
    }, 0);
  }

  #report(p: StreamProblem): void {
    if (p.kind === "parse") this.stats.parseErrors++;
    try {
      this.#onProblem(p);
    } catch {
      // a faulty listener must not stop the stream
    }
  }

  async #pump(): Promise<void> {
    const signal = this.#stop.signal;
    for (;;) {
      if (this.#inbox.length === 0) {
        if (signal.aborted) break;
        // idle: check held frames against the wait deadline, then sleep until woken
        await this.#repairStale(false);
        this.#flush();
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          this.#wakePump = resolve;
          if (this.#inbox.length > 0 || signal.aborted) resolve();
          else if (this.#hasHeld()) timer = setTimeout(resolve, Math.min(this.#waitMs, 250));
        });
        clearTimeout(timer);
        this.#wakePump = undefined;
        continue;
      }
      const batch = this.#inbox;
      this.#inbox = [];
      for (let i = 0; i < batch.length; i++) {
        const wait = this.#onText(batch[i] as string);
        if (wait !== undefined) await wait; // only a REST repair waits
      }
      this.#flush();
    }
    await this.#repairStale(true);
    this.#flush();
  }

  #hasHeld(): boolean {
    for (const st of this.#symbols.values()) if (st.pending.size > 0) return true;
    return false;
  }

  /** Handle one frame; returns a promise only when a REST repair has to be awaited. */
  #onText(raw: string): Promise<void> | undefined {
    const d = this.#parse(raw);
    if (d === undefined) return;
    const st = this.#symbols.get(d.s);
    if (!st) {
      this.#report({ kind: "parse", message: `frame for unsubscribed symbol ${d.s}`, raw });
      return;
    }
    const price = Number(d.p);
    const qty = Number(d.q);
    if (!Number.isFinite(price) || !Number.isFinite(qty)) {
      this.#report({ kind: "parse", message: `non-numeric price or qty`, symbol: d.s, raw });
      return;
    }
    return this.#accept(d.s, st, d.id, d.T, price, qty, d.m ? -1 : 1, raw);
  }

  /**
   * `JSON.parse`, the fast check, and for what it does not take the zod schema, whose issue
   * is the reported reason.
   */
  #parse(raw: string): TradeEventFields | undefined {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      this.#report({ kind: "parse", message: `invalid JSON: ${(e as Error).message}`, raw });
      return;
    }
    const fast = fastTradeEvent(json, this.#kind);
    if (fast !== undefined) return fast;
    const parsed = binanceTradeFrame.safeParse(json);
    if (!parsed.success) {
      if (controlReply.safeParse(json).success) return; // {"result":null,"id":1}
      const issue = parsed.error.issues[0];
      this.#report({
        kind: "parse",
        message: `unexpected frame at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
        raw,
      });
      return;
    }
    const d = parsed.data.data;
    if (d.e !== this.#kind) {
      this.#report({ kind: "parse", message: `got a ${d.e} frame on a ${this.#kind} stream`, raw });
      return;
    }
    return { e: d.e, s: d.s, id: d.e === "trade" ? d.t : d.a, p: d.p, q: d.q, T: d.T, m: d.m };
  }

  #accept(
    symbol: string,
    st: SymbolState,
    id: number,
    ts: number,
    price: number,
    qty: number,
    side: number,
    raw: string,
  ): Promise<void> | undefined {
    if (st.last === undefined) st.last = id - 1;
    if (id === st.last + 1 && st.pending.size === 0) {
      // the hot path: the next id, nothing held
      st.out.push(id, ts, price, qty, side, raw);
      st.last = id;
      this.stats.emitted++;
      return;
    }
    if (id <= st.last || st.pending.has(id)) {
      this.stats.duplicates++;
      return;
    }
    if (id !== st.last + 1) {
      if (st.pending.size === 0) st.heldSince = this.#now();
      st.pending.set(id, { id, ts, price, qty, side, raw });
      if (
        st.pending.size > this.#window || this.#now() - st.heldSince >= this.#waitMs
      ) return this.#repair(symbol, st);
      return;
    }
    this.stats.reordered++;
    this.#emit(st, { id, ts, price, qty, side, raw });
    this.#drain(st);
    return undefined;
  }

  #emit(st: SymbolState, row: Row): void {
    st.out.push(row.id, row.ts, row.price, row.qty, row.side, row.raw);
    st.last = row.id;
    this.stats.emitted++;
  }

  #drain(st: SymbolState): void {
    for (;;) {
      const next = st.pending.get((st.last as number) + 1);
      if (!next) break;
      st.pending.delete(next.id);
      this.#emit(st, next);
    }
    st.heldSince = st.pending.size > 0 ? this.#now() : NaN;
  }

  async #repairStale(all: boolean): Promise<void> {
    for (const [symbol, st] of this.#symbols) {
      if (st.pending.size === 0) continue;
      if (all || this.#now() - st.heldSince >= this.#waitMs) await this.#repair(symbol, st);
    }
  }

  /** Fill the hole before the lowest held id from REST, then emit everything contiguous. */
  async #repair(symbol: string, st: SymbolState): Promise<void> {
    this.#repairing++;
    try {
      await this.#repairHole(symbol, st);
    } finally {
      this.#repairing--;
    }
  }

  async #repairHole(symbol: string, st: SymbolState): Promise<void> {
    const target = Math.min(...st.pending.keys()); // first id after the hole
    let failures = 0;
    while ((st.last as number) + 1 < target) {
      const from = (st.last as number) + 1;
      let rows: TradeColumns;
      try {
        rows = (await this.#untilStopped(this.#rest.fetchTrades({ symbol, from }))).trades;
      } catch (e) {
        failures++;
        this.#report({
          kind: "repair",
          message: `REST repair of ${symbol} from id ${from} failed: ${(e as Error).message}`,
          symbol,
          fromId: from,
          toId: target - 1,
        });
        if (failures >= this.#attempts || this.#stop.signal.aborted) break;
        await this.#sleep(
          backoffDelay(failures, this.#rng.next(), this.#baseMs, this.#maxMs),
          this.#stop.signal,
        );
        continue;
      }
      let progressed = false;
      for (let i = 0; i < rows.tradeId.length; i++) {
        const id = Number(rows.tradeId[i]);
        if (id <= (st.last as number)) continue;
        if (id !== (st.last as number) + 1 || id >= target) break;
        this.#emit(st, {
          id,
          ts: rows.ts[i] as number,
          price: rows.price[i] as number,
          qty: rows.qty[i] as number,
          side: rows.side[i] as number,
          raw: undefined,
        });
        this.stats.repaired++;
        progressed = true;
      }
      if (!progressed) break;
    }
    const last = st.last as number;
    if (last + 1 < target) {
      this.#report({
        kind: "gap",
        message: `ids ${last + 1}..${target - 1} of ${symbol} could not be repaired over REST`,
        symbol,
        fromId: last + 1,
        toId: target - 1,
      });
      st.last = target - 1;
    }
    this.#drain(st);
  }

  /**
   * `p`, or a rejection as soon as `stop()` is called: a REST repair that hangs must not hold
   * up a SIGTERM (the hole is then reported as a `gap`, which the caller keeps and retries).
   */
  #untilStopped<T>(p: Promise<T>): Promise<T> {
    const signal = this.#stop.signal;
    if (signal.aborted) return Promise.reject(new Error("the stream is stopping"));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error("the stream is stopping"));
      signal.addEventListener("abort", onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  #flush(): void {
    let pushed = false;
    for (const [symbol, st] of this.#symbols) {
      if (st.out.n === 0) continue;
      this.#outbox.push(st.out.take(this.venue, symbol));
      pushed = true;
    }
    if (pushed) this.#wakeReader?.();
  }
}

/** A running trade stream: batches of trades per symbol until `stop()`. */
export interface TradeStream extends AsyncIterable<TradeBatch> {
  readonly venue: string;
  readonly stats: TradeStreamStats;
  /** Everything the venue sent so far was handed out (see `BinanceTradeStream.caughtUp`). */
  readonly caughtUp: boolean;
  stop(): Promise<void>;
}

/** A venue that can open a live trade stream (the `trade_stream` kind of the registry). */
export interface TradeStreamSource {
  readonly id: string;
  openTradeStream(req: {
    readonly symbols: readonly string[];
    readonly kind?: "trade" | "aggTrade";
    readonly lastIds?: Readonly<Record<string, number>>;
    readonly onProblem?: (problem: StreamProblem) => void;
    /** REST attempts per in-stream repair before a `gap` (see `TradeStreamOptions`). */
    readonly repairAttempts?: number;
  }): TradeStream;
}

/** Options of {@link BinanceVenue}: REST options plus the WebSocket base URL. */
export interface BinanceVenueOptions extends BinanceOptions {
  /** WebSocket base override (else `CRYPTOLAB_BINANCE_WS_URL` / `..._FUTURES_WS_URL`). */
  readonly wsUrl?: string;
}

/**
 * Binance REST plus its trade stream: what the registry builds for `binance` and
 * `binance_futures`. `openTradeStream` repairs gaps with a REST client of the same trade kind
 * (raw trades for `trade`, aggregate trades for `aggTrade`) and the same context.
 *
 * @example Open (without connecting) a stream on a local base URL
 * ```ts
 * import { BinanceVenue } from "@lib/providers/binance_ws.ts";
 * import assert from "node:assert/strict";
 * const venue = new BinanceVenue({ market: "futures", wsUrl: "ws://127.0.0.1:9/usdm" });
 * const stream = venue.openTradeStream({ symbols: ["BTCUSDT"], kind: "aggTrade" });
 * assert.equal(stream.venue, "binance_futures");
 * await stream.stop();
 * ```
 */
export class BinanceVenue extends BinanceRest implements TradeStreamSource {
  readonly #options: BinanceVenueOptions;

  constructor(options: BinanceVenueOptions = {}) {
    super(options);
    this.#options = options;
  }

  /** A {@link BinanceTradeStream} on this market with REST gap repair. */
  openTradeStream(req: {
    readonly symbols: readonly string[];
    readonly kind?: "trade" | "aggTrade";
    readonly lastIds?: Readonly<Record<string, number>>;
    readonly onProblem?: (problem: StreamProblem) => void;
    readonly repairAttempts?: number;
  }): BinanceTradeStream {
    const kind = req.kind ?? "trade";
    const rest = new BinanceRest({
      ...this.#options,
      trades: kind === "trade" ? "raw" : "agg",
    });
    return new BinanceTradeStream({
      market: this.market,
      symbols: req.symbols,
      kind,
      rest,
      ...(this.#options.wsUrl !== undefined ? { wsUrl: this.#options.wsUrl } : {}),
      ...(this.#options.now !== undefined ? { now: this.#options.now } : {}),
      ...(req.lastIds !== undefined ? { lastIds: req.lastIds } : {}),
      ...(req.onProblem !== undefined ? { onProblem: req.onProblem } : {}),
      ...(req.repairAttempts !== undefined ? { repairAttempts: req.repairAttempts } : {}),
    });
  }
}
