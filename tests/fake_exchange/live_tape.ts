/**
 * A clock-driven trade tape: the exchange keeps trading whether a client listens or not.
 *
 * The replay mode of the fake exchange sends its frames from the first one on every
 * connection, so a client that reconnects receives what it missed over the WebSocket and never
 * sees a real outage gap. Production is different: the venue trades on while the client is
 * away, a new connection starts at the trades of that moment, and what happened in between
 * exists only in the venue's REST history. The tape models that. Trade `k` of a symbol (k = 0,
 * 1, ...) has id `startId + k` and time `t0 + floor(k * 1000 / rate)`, and is published once
 * the clock reaches its time; every trade is a pure function of `k`, so the WebSocket server
 * (frames of the trades published while a connection is open) and the REST routes (`trades`,
 * `historicalTrades`, `aggTrades` by `fromId`, any published id, also while no client is
 * connected) agree exactly. Prices, quantities and sides are the real ones given (the 2024-08-08
 * capture in the tests), walked forward then backward (0, 1, ..., n-1, n-2, ...) so the price
 * path never jumps at a wrap.
 *
 * Bad frames: {@link LiveTape.corruptFrame} makes the WebSocket frame of one id carry a wrong
 * field (price 0, a price 100x off, quantity 0, a year-2100 time) while REST keeps serving the
 * genuine trade, as when a venue's stream glitches. {@link LiveTape.forget} drops ids from the
 * REST history (a venue's retention limit). {@link LiveTape.plantMove} scales a symbol's prices from
 * a time on (a planted move for alert tests), on the WebSocket and over REST alike.
 *
 * @module
 */

/** One real trade row the tape cycles: price and quantity as text, buyer-maker flag. */
export interface TapeRow {
  readonly p: string;
  readonly q: string;
  readonly m: boolean;
}

/** Options of {@link LiveTape}. */
export interface LiveTapeOptions {
  /** Rows per symbol (upper case), e.g. the real capture's `BTCUSDT` trades. */
  readonly rows: Readonly<Record<string, readonly TapeRow[]>>;
  /** Trades per second per symbol. Default 200. */
  readonly rate?: number;
  /** First id per symbol. Default 1,000,000 for every symbol. */
  readonly startIds?: Readonly<Record<string, number>>;
  /** Clock, UTC ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** One trade of the tape. */
export interface TapeTrade {
  readonly id: number;
  readonly T: number;
  readonly p: string;
  readonly q: string;
  readonly m: boolean;
}

/** A field of one frame to replace on the WebSocket only. */
export interface FrameCorruption {
  readonly p?: string;
  readonly q?: string;
  readonly T?: number;
}

interface SymbolTape {
  readonly rows: readonly TapeRow[];
  readonly startId: number;
  /** Ids below this are no longer served over REST. */
  forgotten: number;
}

/** Trades per block of {@link TapeCycle}'s extremes. */
const CYCLE_BLOCK = 256;

/** One ping-pong period of a symbol's rows as numbers, for klines. */
interface TapeCycle {
  readonly p: Float64Array;
  /** cum[j] = sum of quantities of positions [0, j). */
  readonly cum: Float64Array;
  readonly bMin: Float64Array;
  readonly bMax: Float64Array;
  readonly period: number;
  readonly decimals: number;
}

/** Min and max raw price of trades [a, b] (b - a may exceed the period). */
function cycleExtremes(c: TapeCycle, a: number, b: number): [number, number] {
  const P = c.period;
  if (b - a + 1 >= P) {
    let mn = Infinity, mx = -Infinity;
    for (let i = 0; i < c.bMin.length; i++) {
      mn = Math.min(mn, c.bMin[i]!);
      mx = Math.max(mx, c.bMax[i]!);
    }
    return [mn, mx];
  }
  const ja = ((a % P) + P) % P, len = b - a + 1;
  // one or two pieces of the period: [ja, ja + len) may wrap
  const pieces: [number, number][] = ja + len <= P
    ? [[ja, ja + len - 1]]
    : [[ja, P - 1], [0, ja + len - P - 1]];
  let mn = Infinity, mx = -Infinity;
  for (const [s, e] of pieces) {
    let j = s;
    while (j <= e) {
      if (j % CYCLE_BLOCK === 0 && j + CYCLE_BLOCK - 1 <= e) {
        const bl = j / CYCLE_BLOCK;
        mn = Math.min(mn, c.bMin[bl]!);
        mx = Math.max(mx, c.bMax[bl]!);
        j += CYCLE_BLOCK;
      } else {
        mn = Math.min(mn, c.p[j]!);
        mx = Math.max(mx, c.p[j]!);
        j++;
      }
    }
  }
  return [mn, mx];
}

/** Summed quantity of trades [a, b]. */
function cycleVolume(c: TapeCycle, a: number, b: number): number {
  const P = c.period, total = c.cum[P]!;
  // quantity of trades [0, k) for any integer k (negative too)
  const upTo = (k: number) => {
    const q = Math.floor(k / P), r = k - q * P;
    return q * total + c.cum[r]!;
  };
  return upTo(b + 1) - upTo(a);
}

/**
 * The tape. Build it, hand it to `startFakeExchange({ live })`, and clients see a market that
 * trades on in real time.
 *
 * @example Trades are published by the clock, REST serves any published id
 * ```ts
 * import { LiveTape } from "./live_tape.ts";
 * import assert from "node:assert/strict";
 * let t = 1_700_000_000_000;
 * const tape = new LiveTape({
 *   rows: { BTCUSDT: [{ p: "100", q: "1", m: false }, { p: "101", q: "2", m: true }] },
 *   rate: 10, now: () => t,
 * });
 * assert.equal(tape.published("BTCUSDT"), 1); // trade 0 at t0
 * t += 1_000;
 * assert.equal(tape.published("BTCUSDT"), 11);
 * assert.deepEqual(tape.trade("BTCUSDT", 1), { id: 1_000_001, T: tape.t0 + 100, p: "101", q: "2", m: true });
 * assert.deepEqual(tape.restTrades("BTCUSDT", 1_000_009, 5).map((x) => x.id), [1_000_009, 1_000_010]);
 * ```
 */
export class LiveTape {
  /** Time of trade 0 of every symbol. */
  readonly t0: number;
  readonly rate: number;
  readonly #now: () => number;
  readonly #symbols = new Map<string, SymbolTape>();
  readonly #corrupt = new Map<string, FrameCorruption>();
  readonly #moves = new Map<string, { readonly from: number; readonly factor: number }[]>();

  constructor(options: LiveTapeOptions) {
    this.#now = options.now ?? Date.now;
    this.t0 = this.#now();
    this.rate = options.rate ?? 200;
    if (!(this.rate > 0 && this.rate <= 100_000)) {
      throw new RangeError(
        `Cannot start a live tape: rate must be in (0, 100000], got ${this.rate}`,
      );
    }
    for (const [symbol, rows] of Object.entries(options.rows)) {
      if (rows.length === 0) {
        throw new RangeError(`Cannot start a live tape: no rows for ${symbol}`);
      }
      const startId = options.startIds?.[symbol] ?? 1_000_000;
      this.#symbols.set(symbol, { rows, startId, forgotten: startId });
    }
  }

  /** Symbols of the tape. */
  get symbols(): string[] {
    return [...this.#symbols.keys()];
  }

  /** Per symbol: the ping-pong period's prices and quantities, block extremes, volume prefix. */
  readonly #cycles = new Map<string, TapeCycle>();

  #cycle(symbol: string): TapeCycle {
    let c = this.#cycles.get(symbol);
    if (c !== undefined) return c;
    const rows = this.#tape(symbol).rows, n = rows.length;
    const period = Math.max(1, 2 * n - 2);
    const p = new Float64Array(period), cum = new Float64Array(period + 1);
    for (let j = 0; j < period; j++) {
      const r = rows[j < n ? j : period - j]!;
      p[j] = Number(r.p);
      cum[j + 1] = cum[j]! + Number(r.q);
    }
    const blocks = Math.ceil(period / CYCLE_BLOCK);
    const bMin = new Float64Array(blocks).fill(Infinity),
      bMax = new Float64Array(blocks).fill(-Infinity);
    for (let j = 0; j < period; j++) {
      const b = Math.floor(j / CYCLE_BLOCK);
      if (p[j]! < bMin[b]!) bMin[b] = p[j]!;
      if (p[j]! > bMax[b]!) bMax[b] = p[j]!;
    }
    const r0 = rows[0]!.p;
    const decimals = r0.includes(".") ? r0.length - r0.indexOf(".") - 1 : 0;
    c = { p, cum, bMin, bMax, period, decimals };
    this.#cycles.set(symbol, c);
    return c;
  }

  /** The first trade index k with time >= t (trade k is at t0 + floor(k 1000 / rate)). */
  #firstAt(t: number): number {
    let k = Math.ceil(((t - this.t0) * this.rate) / 1000);
    while (this.t0 + Math.floor(((k - 1) * 1000) / this.rate) >= t) k--;
    while (this.t0 + Math.floor((k * 1000) / this.rate) < t) k++;
    return k;
  }

  /**
   * Binance klines of `symbol` (rows `[openMs, open, high, low, close, volume]`), aggregated
   * from the tape's own trades at any interval (`stepMs`, e.g. 1000 for Binance's spot `1s`):
   * the tape has always traded (before `t0` it runs the same cycle of real rows backwards in
   * time), so a client loading history before it streams gets bars that continue into the live
   * ones, planted moves included. Selection as Binance's: open time in `[startTime, endTime]`
   * (endTime at most now; the newest bar may still be open); with a start the first `limit`,
   * else the last `limit`. O(rows / 256 + 256) per bar.
   *
   * @example 1s klines are the trades of each second
   * ```ts
   * import { LiveTape } from "./live_tape.ts";
   * import assert from "node:assert/strict";
   * const t = 1_700_000_010_000;
   * const tape = new LiveTape({
   *   rows: { BTCUSDT: [{ p: "100", q: "1", m: false }, { p: "103", q: "2", m: true }, { p: "99", q: "1", m: false }] },
   *   rate: 2, now: () => t,
   * });
   * const k = tape.klines("BTCUSDT", 1000, { limit: 2 });
   * // rows cycle 0,1,2,1,0,...: trades -2 and -1 (99, 103) before t0 = now, trade 0 (100) at it
   * assert.deepEqual(k, [[t - 1000, 99, 103, 99, 103, 3], [t, 100, 100, 100, 100, 1]]);
   * ```
   */
  klines(
    symbol: string,
    stepMs: number,
    q: { startTime?: number | undefined; endTime?: number | undefined; limit?: number | undefined },
  ): number[][] {
    const c = this.#cycle(symbol);
    const now = this.#now();
    const limit = q.limit ?? 500;
    const endT = Math.min(q.endTime ?? now, now);
    const lastOpen = Math.floor(endT / stepMs) * stepMs;
    const firstOpen = q.startTime !== undefined
      ? Math.ceil(q.startTime / stepMs) * stepMs
      : lastOpen - (limit - 1) * stepMs;
    const lastK = this.published(symbol, now) - 1;
    const moves = (this.#moves.get(symbol) ?? []).map((m) => ({
      k: this.#firstAt(m.from),
      f: m.factor,
    }));
    const out: number[][] = [];
    for (let open = firstOpen; open <= lastOpen && out.length < limit; open += stepMs) {
      const a = this.#firstAt(open), b = Math.min(this.#firstAt(open + stepMs) - 1, lastK);
      if (b < a) continue;
      let hi = -Infinity, lo = Infinity;
      // split [a, b] where a planted move starts: the factor is constant on each piece
      const cuts = [
        a,
        ...moves.map((m) => m.k).filter((k) => k > a && k <= b).sort((x, y) => x - y),
        b + 1,
      ];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const from = cuts[i]!, to = cuts[i + 1]! - 1;
        if (to < from) continue;
        let f = 1;
        for (const m of moves) if (from >= m.k) f *= m.f;
        const [mn, mx] = cycleExtremes(c, from, to);
        const px = (v: number) => f === 1 ? v : Number((v * f).toFixed(c.decimals));
        hi = Math.max(hi, px(mx));
        lo = Math.min(lo, px(mn));
      }
      out.push([
        open,
        Number(this.trade(symbol, a).p),
        hi,
        lo,
        Number(this.trade(symbol, b).p),
        cycleVolume(c, a, b),
      ]);
    }
    return out;
  }

  #tape(symbol: string): SymbolTape {
    const s = this.#symbols.get(symbol);
    if (s === undefined) throw new RangeError(`The live tape has no symbol ${symbol}`);
    return s;
  }

  /** Number of trades of `symbol` published by time `at` (default now). */
  published(symbol: string, at: number = this.#now()): number {
    this.#tape(symbol);
    return at < this.t0 ? 0 : Math.floor(((at - this.t0) * this.rate) / 1000) + 1;
  }

  /** Id of the newest published trade of `symbol` (startId - 1 when none). */
  headId(symbol: string, at?: number): number {
    return this.#tape(symbol).startId + this.published(symbol, at) - 1;
  }

  /** First id of `symbol`. */
  startId(symbol: string): number {
    return this.#tape(symbol).startId;
  }

  /** Trade `k` of `symbol` (genuine values, whether published yet or not). */
  trade(symbol: string, k: number): TapeTrade {
    const s = this.#tape(symbol);
    const n = s.rows.length;
    const period = Math.max(1, 2 * n - 2);
    let j = ((k % period) + period) % period; // k < 0: the tape before t0 (klines' history)
    if (j >= n) j = period - j;
    const r = s.rows[j]!;
    const T = this.t0 + Math.floor((k * 1000) / this.rate);
    let factor = 1;
    for (const m of this.#moves.get(symbol) ?? []) if (T >= m.from) factor *= m.factor;
    const decimals = r.p.includes(".") ? r.p.length - r.p.indexOf(".") - 1 : 0;
    const p = factor === 1 ? r.p : (Number(r.p) * factor).toFixed(decimals);
    return { id: s.startId + k, T, p, q: r.q, m: r.m };
  }

  /**
   * Multiply the price of every trade of `symbol` at or after `fromMs` (default now) by `factor`
   * (e.g. 1.03 for a 3% jump that stays), on the WebSocket and over REST alike; moves compound.
   * For tests that need a move to cross an alert threshold.
   */
  plantMove(symbol: string, factor: number, fromMs: number = this.#now()): void {
    this.#tape(symbol);
    if (!(factor > 0) || !Number.isFinite(factor)) {
      throw new RangeError(`Cannot plant a move: factor must be a positive number, got ${factor}`);
    }
    const list = this.#moves.get(symbol) ?? [];
    list.push({ from: fromMs, factor });
    this.#moves.set(symbol, list);
  }

  /** Make the WebSocket frame of `id` carry `fields` instead of the genuine ones (REST unchanged). */
  corruptFrame(symbol: string, id: number, fields: FrameCorruption): void {
    this.#tape(symbol);
    this.#corrupt.set(`${symbol}:${id}`, fields);
  }

  /** Drop ids below `id` from the REST history of `symbol`. */
  forget(symbol: string, id: number): void {
    const s = this.#tape(symbol);
    s.forgotten = Math.max(s.forgotten, id);
  }

  /** The combined-stream frame of trade `k` (`trade` or `aggTrade` event), corruption applied. */
  frame(symbol: string, k: number, kind: "trade" | "aggTrade"): string {
    const t = this.trade(symbol, k);
    const c = this.#corrupt.get(`${symbol}:${t.id}`);
    const p = c?.p ?? t.p, q = c?.q ?? t.q, T = c?.T ?? t.T;
    const s = symbol.toLowerCase();
    return kind === "trade"
      ? `{"stream":"${s}@trade","data":{"e":"trade","E":${T},"s":"${symbol}","t":${t.id},` +
        `"p":"${p}","q":"${q}","T":${T},"m":${t.m},"M":true}}`
      : `{"stream":"${s}@aggTrade","data":{"e":"aggTrade","E":${T},"s":"${symbol}","a":${t.id},` +
        `"p":"${p}","q":"${q}","f":${t.id},"l":${t.id},"T":${T},"m":${t.m},"M":true}}`;
  }

  /** Published trades of `symbol` with id >= `fromId` (from the oldest kept), at most `limit`. */
  restTrades(symbol: string, fromId: number, limit: number): TapeTrade[] {
    const s = this.#tape(symbol);
    const head = this.headId(symbol);
    const from = Math.max(fromId, s.forgotten);
    const out: TapeTrade[] = [];
    for (let id = from; id <= head && out.length < limit; id++) {
      out.push(this.trade(symbol, id - s.startId));
    }
    return out;
  }

  /**
   * Kraken's `/0/public/Trades?pair=P[&since=S][&count=N]` for a pair of the tape (its symbol,
   * e.g. `XBTUSDT`), as JSON text; undefined for another pair. Trades after `since` (Kraken's
   * cursor: nanoseconds, or seconds when it has at most 12 integer digits), at most `count`
   * (default and most 1000); without `since`, the last `count` published. Rows are Kraken's
   * `[price, volume, time (s), "b"|"s", "l", "", trade_id]`; `last` is the nanosecond time of
   * the last row (the `since` given when there is none).
   *
   * @example
   * ```ts
   * import { LiveTape } from "./live_tape.ts";
   * import assert from "node:assert/strict";
   * let t = 1_700_000_000_000;
   * const tape = new LiveTape({ rows: { XBTUSDT: [{ p: "100", q: "1", m: false }] }, rate: 10, now: () => t });
   * t += 1_000;
   * const since = String(BigInt(tape.t0 + 500) * 1_000_000n);
   * const a = JSON.parse(tape.restAnswer("/0/public/Trades", new URLSearchParams({ pair: "XBTUSDT", since }))!);
   * assert.deepEqual(a.result.XBTUSDT.map((r: unknown[]) => r[6]), [1_000_006, 1_000_007, 1_000_008, 1_000_009, 1_000_010]);
   * assert.equal(a.result.last, String(BigInt(tape.t0 + 1_000) * 1_000_000n));
   * ```
   */
  krakenTrades(params: URLSearchParams): string | undefined {
    const pair = params.get("pair") ?? "";
    if (!this.#symbols.has(pair)) return undefined;
    const s = this.#tape(pair);
    const count = Math.min(1000, Math.max(1, Number(params.get("count") ?? 1000) || 1000));
    const sinceText = params.get("since");
    const published = this.published(pair);
    let k: number;
    if (sinceText === null || !/^\d+(\.\d+)?$/.test(sinceText)) {
      k = Math.max(0, published - count);
    } else {
      const sinceMs = sinceText.split(".")[0]!.length <= 12
        ? Number(sinceText) * 1000
        : Number(BigInt(sinceText.split(".")[0]!) / 1_000_000n);
      // the first trade strictly after sinceMs (trade k is at t0 + floor(k 1000 / rate))
      k = Math.max(0, Math.floor(((sinceMs - this.t0) * this.rate) / 1000) - 1);
      while (k < published && this.trade(pair, k).T <= sinceMs) k++;
    }
    k = Math.max(k, s.forgotten - s.startId);
    const rows: string[] = [];
    let lastT: number | undefined;
    for (; k < published && rows.length < count; k++) {
      const t = this.trade(pair, k);
      rows.push(
        `["${t.p}","${t.q}",${t.T / 1000},"${t.m ? "s" : "b"}","l","",${t.id}]`,
      );
      lastT = t.T;
    }
    const last = lastT === undefined
      ? JSON.stringify(sinceText ?? "0")
      : `"${BigInt(lastT) * 1_000_000n}"`;
    return `{"error":[],"result":{"${pair}":[${rows.join(",")}],"last":${last}}}`;
  }

  /**
   * The Binance REST answer for `path` (`/api/v3/trades`, `/api/v3/historicalTrades`,
   * `/api/v3/aggTrades` and their `/fapi/v1/` twins) when it asks for a symbol of the tape, as
   * JSON text; undefined for anything else.
   */
  restAnswer(path: string, params: URLSearchParams): string | undefined {
    if (path === "/0/public/Trades") return this.krakenTrades(params);
    const symbol = params.get("symbol") ?? "";
    if (!this.#symbols.has(symbol)) return undefined;
    const spot = path.startsWith("/api/v3/");
    const name = path.slice(path.lastIndexOf("/") + 1);
    if (!["trades", "historicalTrades", "aggTrades"].includes(name)) return undefined;
    const limit = Math.min(1000, Math.max(1, Number(params.get("limit") ?? 500) || 500));
    const fromParam = params.get("fromId");
    const fromId = fromParam === null || name === "trades"
      ? this.headId(symbol) - limit + 1
      : Number(fromParam);
    const rows = this.restTrades(symbol, fromId, limit);
    if (name === "aggTrades") {
      return JSON.stringify(rows.map((t) => {
        const r: Record<string, unknown> = {
          a: t.id,
          p: t.p,
          q: t.q,
          f: t.id,
          l: t.id,
          T: t.T,
          m: t.m,
        };
        if (spot) r.M = true;
        return r;
      }));
    }
    return JSON.stringify(rows.map((t) => {
      const r: Record<string, unknown> = {
        id: t.id,
        price: t.p,
        qty: t.q,
        quoteQty: String(Number(t.p) * Number(t.q)),
        time: t.T,
        isBuyerMaker: t.m,
      };
      if (spot) r.isBestMatch = true;
      return r;
    }));
  }
}
