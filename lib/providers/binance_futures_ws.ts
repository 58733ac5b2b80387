/**
 * The Binance USDT-M liquidation stream: `<symbol>@forceOrder` frames, many symbols on one
 * combined-stream connection (`${wsUrl}/stream?streams=btcusdt@forceOrder/...`), parsed with zod
 * at the boundary. Binance pushes at most the latest liquidation per symbol per 1000 ms
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams),
 * so the stream is a sample of liquidations, not every one; there is no REST history to repair
 * from. A dropped connection reconnects after `backoffDelay` (lib/providers/retry.ts) with
 * seeded jitter; a frame that does not parse is reported as a `parse` problem with its raw text.
 *
 * @module
 */
import { z } from "zod";
import { createRng, type Rng } from "../stats/rng.ts";
import { decimal, msInt } from "./binance_schemas.ts";
import { backoffDelay } from "./retry.ts";
import type { StreamProblem } from "./binance_ws.ts";

/** The order inside a `forceOrder` event. */
export const forceOrderEvent = z.object({
  e: z.literal("forceOrder"),
  E: msInt,
  o: z.object({
    s: z.string().min(1),
    S: z.string(),
    o: z.string(),
    f: z.string(),
    q: decimal,
    p: decimal,
    ap: decimal,
    X: z.string(),
    l: decimal,
    z: decimal,
    T: msInt,
  }),
});

/** A combined-stream frame (`{stream, data}`) or a bare event (a single-stream connection). */
export const forceOrderFrame = z.union([
  z.object({ stream: z.string(), data: forceOrderEvent }).transform((f) => f.data),
  forceOrderEvent,
]);

/** One liquidation order as parsed from a frame, with the frame's raw text. */
export interface LiquidationEvent {
  readonly symbol: string;
  readonly ts: number;
  /** Lower-cased Binance side; the row rules refuse anything but `buy` / `sell`. */
  readonly side: string;
  readonly orderType: string;
  readonly timeInForce: string;
  readonly price: number;
  readonly avgPrice: number;
  readonly qty: number;
  readonly lastFilledQty: number;
  readonly filledQty: number;
  readonly status: string;
  readonly eventTime: number;
  readonly raw: string;
}

/**
 * Parse one frame, or undefined when it is not a forceOrder frame.
 *
 * @example The Binance docs' example frame
 * ```ts
 * import { parseForceOrder } from "@lib/providers/binance_futures_ws.ts";
 * import assert from "node:assert/strict";
 * const raw = '{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC",' +
 *   '"q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}';
 * const e = parseForceOrder(raw)!;
 * assert.equal(e.side, "sell");
 * assert.equal(e.price, 9910);
 * assert.equal(parseForceOrder('{"e":"trade"}'), undefined);
 * ```
 */
export function parseForceOrder(raw: string): LiquidationEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const r = forceOrderFrame.safeParse(json);
  if (!r.success) return undefined;
  const { E, o } = r.data;
  return {
    symbol: o.s,
    ts: o.T,
    side: o.S.toLowerCase(),
    orderType: o.o,
    timeInForce: o.f,
    price: o.p,
    avgPrice: o.ap,
    qty: o.q,
    lastFilledQty: o.l,
    filledQty: o.z,
    status: o.X,
    eventTime: E,
    raw,
  };
}

/** A running liquidation stream: batches of events until `stop()`. */
export interface LiquidationStream extends AsyncIterable<LiquidationEvent[]> {
  readonly url: string;
  readonly stats: { connections: number; frames: number; parseErrors: number };
  stop(): Promise<void>;
}

/** A venue that can open a liquidation stream (the `liquidation_stream` kind of the registry). */
export interface LiquidationStreamSource {
  readonly id: string;
  openLiquidationStream(req: {
    readonly symbols: readonly string[];
    readonly onProblem?: (problem: StreamProblem) => void;
  }): LiquidationStream;
}

/** Options of {@link BinanceLiquidationStream}. */
export interface LiquidationStreamOptions {
  readonly symbols: readonly string[];
  /** WebSocket base, e.g. `wss://fstream.binance.com`. */
  readonly wsUrl: string;
  readonly now?: () => number;
  readonly onProblem?: (problem: StreamProblem) => void;
  /** @default 500 */
  readonly backoffBaseMs?: number;
  /** @default 30000 */
  readonly backoffMaxMs?: number;
  /** Seeded jitter of the reconnect delays. @default createRng(1) */
  readonly rng?: Rng;
  /** Opens a socket; tests wrap it. @default new WebSocket(url) */
  readonly openSocket?: (url: string) => WebSocket;
}

/**
 * The forceOrder streams of `symbols` on one connection, reconnecting with backoff; each
 * iteration step yields the events that arrived since the last one.
 *
 * @example Build (without connecting) on a local base URL
 * ```ts
 * import { BinanceLiquidationStream } from "@lib/providers/binance_futures_ws.ts";
 * import assert from "node:assert/strict";
 * const s = new BinanceLiquidationStream({ symbols: ["BTCUSDT", "ETHUSDT"], wsUrl: "ws://127.0.0.1:9" });
 * assert.equal(s.url, "ws://127.0.0.1:9/stream?streams=btcusdt@forceOrder/ethusdt@forceOrder");
 * await s.stop();
 * ```
 */
export class BinanceLiquidationStream implements LiquidationStream {
  readonly url: string;
  readonly stats = { connections: 0, frames: 0, parseErrors: 0 };
  readonly #open: (url: string) => WebSocket;
  readonly #onProblem: (p: StreamProblem) => void;
  readonly #rng: Rng;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #stop = new AbortController();
  #socket: WebSocket | undefined;
  #outbox: LiquidationEvent[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #started: Promise<void> | undefined;

  constructor(options: LiquidationStreamOptions) {
    if (options.symbols.length === 0) {
      throw new RangeError("Cannot open a liquidation stream: give at least one symbol");
    }
    const base = options.wsUrl.replace(/\/+$/, "");
    const streams = options.symbols.map((s) => `${s.toLowerCase()}@forceOrder`);
    this.url = `${base}/stream?streams=${streams.join("/")}`;
    this.#open = options.openSocket ?? ((u) => new WebSocket(u));
    this.#onProblem = options.onProblem ?? (() => {});
    this.#rng = options.rng ?? createRng(1);
    this.#baseMs = options.backoffBaseMs ?? 500;
    this.#maxMs = options.backoffMaxMs ?? 30_000;
  }

  #report(p: StreamProblem): void {
    try {
      this.#onProblem(p);
    } catch {
      // a faulty listener must not stop the stream
    }
  }

  async #connectLoop(): Promise<void> {
    let failures = 0;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      let got = false;
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
        this.stats.connections++;
        ws.addEventListener("message", (ev: MessageEvent) => {
          got = true;
          this.stats.frames++;
          const raw = typeof ev.data === "string" ? ev.data : "";
          const e = parseForceOrder(raw);
          if (e === undefined) {
            this.stats.parseErrors++;
            this.#report({ kind: "parse", message: "not a forceOrder frame", raw });
            return;
          }
          this.#outbox.push(e);
          this.#wake?.();
        });
        ws.addEventListener("error", (ev) => {
          if (!reason) reason = `socket error: ${(ev as ErrorEvent).message ?? "unknown"}`;
        });
        ws.addEventListener("close", (ev: CloseEvent) => {
          if (!reason) reason = `closed with code ${ev.code}`;
          resolve();
        });
        if (signal.aborted) ws.close(1000, "client stop");
      });
      this.#socket = undefined;
      if (signal.aborted) break;
      failures = got ? 0 : failures + 1;
      const delay = backoffDelay(failures, this.#rng.next(), this.#baseMs, this.#maxMs);
      this.#report({
        kind: "connection",
        message: `${reason}; reconnecting in ${Math.round(delay)} ms`,
        url: this.url,
        retryInMs: delay,
        everConnected: got,
      });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
    }
  }

  /** Connect (idempotent); iteration starts it too. */
  start(): void {
    if (this.#started) return;
    this.#started = this.#connectLoop().then(() => {
      this.#ended = true;
      this.#wake?.();
    });
  }

  /** Close the socket, end the iteration (after the events already received) and wait. */
  async stop(): Promise<void> {
    this.#stop.abort();
    try {
      this.#socket?.close(1000, "client stop");
    } catch {
      // not open yet or already closing
    }
    if (!this.#started) {
      this.#ended = true;
      this.#wake?.();
      return;
    }
    await this.#started;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<LiquidationEvent[]> {
    this.start();
    for (;;) {
      if (this.#outbox.length > 0) {
        const batch = this.#outbox;
        this.#outbox = [];
        yield batch;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}
